"""A practice, and the communities and languages it serves, each with the source that says so."""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import (
    lines,
    plausible_year,
    plausible_year_validators,
    slug_constraint,
    slug_format,
    web_url,
    web_url_constraint,
)
from curation.publishing import Publishable, PublishingQuerySet
from curation.versions import VersionedModel
from departments.models import WRITTEN_POLICY_KINDS, WrittenPolicy

from .. import search
from ..evidence import level_of as evidence_level_of
from ..status_now import checked_first_day, status_checked_format
from ..status_now import derive as derive_status
from ..status_now import label as status_label
from .choices import (
    EXPECTED_SECTIONS,
    OWN_PLACE_SECTIONS,
    REPORT_LAST_PAGE,
    REPORT_YEAR,
    CurrentStatus,
    EvidenceLevel,
    FactSection,
    PracticeEntryKind,
    PracticeStatus,
)
from .vocabularies import Community, Language, PracticeKind, StrategyArea


def policy_on_record():
    """The department's strongest policy on immigration status on record: 'written', 'commitment' or ''.
    (An expression in the practice's own query: pages that only say which it is need no query of their own.)"""
    policies = WrittenPolicy.objects.filter(department=models.OuterRef("department_id"))
    return models.Case(
        models.When(models.Exists(policies.filter(kind__in=WRITTEN_POLICY_KINDS)), then=models.Value("written")),
        models.When(models.Exists(policies), then=models.Value("commitment")),
        default=models.Value(""),
        output_field=models.CharField(),
    )


class PracticeQuerySet(PublishingQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def search(self, query):
        """Practices matching a visitor's words, best first; see practices/search.py."""
        return search.search(self, query)

    def refresh_derived(self):
        """Rebuild what is derived from the rest, after practices, their facts, tags or sources change: the
        text search reads, the status today (practices/status_now.py) and the evidence level (evidence.py)."""
        from .facts import Fact

        facts = Fact.objects.select_related("source").prefetch_related("additional_sources")
        practices = list(
            self.select_related("department").prefetch_related(
                "kinds",
                "areas",
                "community_links__community",
                "language_links__language",
                "recommendation_links__recommendation",
                models.Prefetch("facts", queryset=facts),
            )
        )
        for practice in practices:
            practice.search_names, practice.search_facts = practice.build_search_text()
            practice.set_derived_status_and_evidence()
        self.model.objects.bulk_update(practices, DERIVED_FIELDS, batch_size=500)
        return len(practices)

    def for_detail_page(self):
        """Everything a practice's page shows, in a fixed number of queries."""
        from .facts import Fact
        from .recommendations import RecommendationExample

        return (
            self.select_related(
                "department__city_population_source",
                "department__foreign_born_share_source",
                "year_started_source",
            )
            .prefetch_related(
                "kinds",
                "areas",
                models.Prefetch(
                    "community_links", queryset=PracticeCommunity.objects.select_related("community", "source")
                ),
                models.Prefetch(
                    "language_links", queryset=PracticeLanguage.objects.select_related("language", "source")
                ),
                models.Prefetch(
                    "facts", queryset=Fact.objects.select_related("source").prefetch_related("additional_sources")
                ),
                models.Prefetch(
                    "recommendation_links",
                    queryset=RecommendationExample.objects.select_related("recommendation__area", "source").order_by(
                        "recommendation__area__position", "recommendation__position"
                    ),
                ),
            )
            .annotate(policy_on_record=policy_on_record())
        )


# Fields rebuilt from the rest by PracticeQuerySet.refresh_derived(); curators never edit them.
DERIVED_FIELDS = [
    "search_names",
    "search_facts",
    "current_status",
    "current_status_year",
    "current_status_name",
    "evidence_level",
]


class Practice(Publishable, VersionedModel):
    """A program a department runs, as profiled by the NLC report (or its case study)."""

    # The admin's confirmations name each practice with its place.
    publishing_select_related = ("department",)

    CurrentStatus = CurrentStatus

    EntryKind = PracticeEntryKind

    DERIVED_FIELDS = DERIVED_FIELDS

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        validators=[slug_format],
        help_text=_(
            "Used in the page address and in spreadsheets, e.g. 'storm-lake-ia': lowercase letters, numbers "
            "and hyphens. Changing it breaks links people saved."
        ),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("The NLC report's own title for the practice, word for word.")
    )
    other_names = models.TextField(
        _("other names"), blank=True, help_text=_("Other names sources use for the program, one per line.")
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    entry_kind = models.CharField(
        _("kind of entry"), max_length=20, choices=PracticeEntryKind, default=PracticeEntryKind.GOOD_PRACTICE
    )
    report_order = models.PositiveSmallIntegerField(
        _("order in the report"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("1 to 17 for the report's good practices; empty for the case study or later entries."),
    )
    report_page = models.PositiveSmallIntegerField(
        _("report page"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(REPORT_LAST_PAGE)],
        help_text=_("The page of the NLC report where the profile starts; empty if not in the report."),
    )
    year_started = models.PositiveSmallIntegerField(
        _("year started"),
        null=True,
        blank=True,
        validators=plausible_year_validators(),
        help_text=_("Leave empty unless a source gives the year; then cite that source below. Not in the future."),
    )
    year_started_source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("source of the start year"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year_ended = models.PositiveSmallIntegerField(
        _("year ended"),
        null=True,
        blank=True,
        validators=plausible_year_validators(),
        help_text=_(
            "For a program described over a closed period, such as the case study's 2000-2007. Not before the "
            "year started. Whether the program runs today follows from the facts 'since the report'."
        ),
    )
    year_started_note = models.CharField(
        _("what the start year refers to"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown publicly after the year when it needs saying: 'the newcomer advocate's post; when the "
            "Community Action Teams began is not known'."
        ),
    )
    summary = models.TextField(_("summary"), help_text=_("Two to four sentences in our own words."))
    kinds = models.ManyToManyField(PracticeKind, verbose_name=_("kinds of practice"), related_name="practices")
    areas = models.ManyToManyField(StrategyArea, verbose_name=_("strategy areas"), related_name="practices", blank=True)
    communities = models.ManyToManyField(
        Community,
        verbose_name=_("communities served"),
        through="PracticeCommunity",
        related_name="practices",
        blank=True,
    )
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("languages"),
        through="PracticeLanguage",
        related_name="practices",
        blank=True,
    )
    caveat = models.TextField(
        _("what sources leave open"),
        blank=True,
        help_text=_("Shown publicly near the top of the page: the main question sources do not settle."),
    )
    contact_title = models.CharField(
        _("contact role"),
        max_length=200,
        blank=True,
        help_text=_("A role to ask for, such as 'Community Liaison'. Never a person's phone or e-mail."),
    )
    current_page_url = models.URLField(
        _("current official page"),
        max_length=500,
        blank=True,
        validators=[web_url],
        help_text=_(
            "The unit's or program's own page on the agency's or city's site, as found when the status was last "
            "checked. Not a mirror or a look-alike site."
        ),
    )
    current_page_title = models.CharField(
        _("what the current page is"),
        max_length=200,
        blank=True,
        help_text=_("Shown as the link: 'Asian American Unit (Dallas Police Department; undated page)'."),
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PracticeStatus,
        default=PracticeStatus.DRAFT,
        help_text=_("Only published practices appear on the public site."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_(
            "When a curator last checked this entry against its sources. Set by 'mark as reviewed'; entries "
            "never reviewed, or not for a year, are listed under 'needs review'."
        ),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The curator who last reviewed the entry."),
    )
    current_status_checked = models.CharField(
        _("status checked"),
        max_length=20,
        blank=True,
        validators=[status_checked_format],
        help_text=_(
            "When the facts 'since the report' were last checked, as precisely as known: 2026-11-30, 2026-11, "
            "2026 or late 2026. Not in the future. The status today is derived from those facts and this date."
        ),
    )
    # Derived by refresh_derived(), for filtering; pages derive the same from the facts they show.
    current_status = models.CharField(
        _("status today"), max_length=20, choices=CurrentStatus, default=CurrentStatus.NOT_CHECKED, editable=False
    )
    current_status_year = models.PositiveSmallIntegerField(_("year the status rests on"), null=True, editable=False)
    current_status_name = models.CharField(_("name today"), max_length=200, blank=True, editable=False)
    evidence_level = models.CharField(
        _("evidence behind its outcomes"),
        max_length=20,
        choices=EvidenceLevel,
        default=EvidenceLevel.DESCRIBED,
        editable=False,
    )
    consistency_accepted = models.TextField(
        _("accepted warnings"),
        blank=True,
        help_text=_(
            "Private. Warnings of the consistency check that are not contradictions, one per line as "
            "'code: why' (e.g. 'year-started: the 2007 academy is a separate program')."
        ),
    )
    curator_notes = models.TextField(
        _("notes for curators"),
        blank=True,
        help_text=_("Private: conflicts between sources, what could not be confirmed. Never shown publicly."),
    )
    created = models.DateTimeField(_("created"), db_default=Now(), editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())
    # Search: names and tags (weighted highest), then the summary, then the facts. The two text
    # columns are kept current by refresh_derived(); PostgreSQL derives a weighted tsvector.
    search_names = models.TextField(editable=False, blank=True, default="")
    search_facts = models.TextField(editable=False, blank=True, default="")
    search_vector = models.GeneratedField(
        expression=search.SearchDocument(),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = PracticeQuerySet.as_manager()
    # The search columns are derived from the rest; history need not keep copies. Kinds and areas
    # are plain links, recorded with each version (communities and languages keep their own history).
    history = HistoricalRecords(excluded_fields=[*DERIVED_FIELDS, "search_vector"], m2m_fields=[kinds, areas])

    class Meta:
        ordering = ["report_order", "title"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(fields=["status", "year_started"], name="practice_status_year_idx"),
            search.SearchIndex(fields=["search_vector"], name="practice_search_vector_idx"),
            # At scale: counts and facets read published ids (and departments) from this index
            # alone, the first browse page in report order reads one page of the next one, and
            # the report's own entries (home, about) come from the last.
            models.Index(fields=["status", "entry_kind", "department", "id"], name="practice_published_idx"),
            # (PostgreSQL sorts ascending NULLs last, as the browse order does.)
            models.Index(
                fields=["report_order", "title"],
                condition=Q(status=PracticeStatus.PUBLISHED),
                name="practice_report_order_idx",
            ),
            models.Index(
                fields=["report_order"], condition=Q(report_page__isnull=False), name="practice_in_report_idx"
            ),
            # Browse facets and filters on the status today and the evidence level.
            models.Index(fields=["status", "current_status"], name="practice_status_now_idx"),
            models.Index(fields=["status", "evidence_level"], name="practice_evidence_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report_order"],
                condition=Q(report_order__isnull=False),
                name="practice_report_order_unique",
                violation_error_message=_("Another practice already has this place in the report."),
            ),
            models.CheckConstraint(condition=Q(status__in=PracticeStatus.values), name="practice_status_valid"),
            models.CheckConstraint(
                condition=Q(entry_kind__in=PracticeEntryKind.values), name="practice_entry_kind_valid"
            ),
            models.CheckConstraint(condition=plausible_year("year_started"), name="practice_year_started_plausible"),
            models.CheckConstraint(condition=plausible_year("year_ended"), name="practice_year_ended_plausible"),
            models.CheckConstraint(
                condition=Q(year_started__isnull=True)
                | Q(year_ended__isnull=True)
                | Q(year_ended__gte=models.F("year_started")),
                name="practice_years_in_order",
                violation_error_message=_("The year ended cannot be before the year started."),
            ),
            models.CheckConstraint(
                condition=Q(report_page__isnull=True) | Q(report_page__gte=1, report_page__lte=REPORT_LAST_PAGE),
                name="practice_report_page_in_report",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="practice_title_not_empty"),
            models.CheckConstraint(
                condition=Q(report_order__isnull=True) | Q(report_order__gte=1),
                name="practice_report_order_positive",
            ),
            models.CheckConstraint(
                condition=Q(year_started__isnull=True, year_started_source__isnull=True)
                | Q(year_started__isnull=False, year_started_source__isnull=False),
                name="practice_year_started_cited",
                violation_error_message=_("A start year needs the source that gives it, and a source needs its year."),
            ),
            models.CheckConstraint(
                condition=Q(current_status__in=CurrentStatus.values), name="practice_current_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(evidence_level__in=EvidenceLevel.values), name="practice_evidence_level_valid"
            ),
            web_url_constraint("current_page_url", "practice_current_page_web"),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | Q(last_reviewed__isnull=False),
                name="practice_reviewer_has_date",
                violation_error_message=_("A reviewer needs the date of the review."),
            ),
            slug_constraint("slug", "practice_slug_format"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["departments.department", "sources.source"]

    def clean(self):
        errors = {}
        today = datetime.date.today()
        for field in ("year_started", "year_ended"):
            year = getattr(self, field)
            if year is not None and year > today.year:
                errors[field] = _("The year cannot be in the future.")
        if self.year_started is not None and not self.year_started_source_id:
            errors["year_started_source"] = _("Cite the source that gives the start year, or leave the year empty.")
        if self.year_started_source_id and self.year_started is None:
            errors["year_started"] = _("Give the start year the cited source states, or remove the source.")
        if self.entry_kind == self.EntryKind.GOOD_PRACTICE and self.report_order and not self.report_page:
            errors["report_page"] = _("Give the page of the report where this practice is profiled.")
        checked = self.current_status_checked
        if checked:
            first_day = checked_first_day(checked)
            if first_day is None:
                errors["current_status_checked"] = _(
                    "This is not a date: write 2026-11-30, 2026-11, 2026 or late 2026."
                )
            elif first_day > today:
                errors["current_status_checked"] = _("The date cannot be in the future.")
        if self.current_page_title and not self.current_page_url:
            errors["current_page_url"] = _("Give the page's address, or leave its description empty.")
        if self.last_reviewed is not None and self.last_reviewed > today:
            errors["last_reviewed"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def build_search_text(self):
        """(names and tags, facts and the recommendations it shows) as plain text, from prefetched relations."""
        department = self.department
        names = [
            self.title,
            self.other_names,
            department.name,
            department.city,
            department.state,
            department.get_state_display(),
        ]
        names += [kind.name for kind in self.kinds.all()] + [area.name for area in self.areas.all()]
        for link in self.community_links.all():
            names += [link.community.name, link.as_named]
        names += [link.language.name for link in self.language_links.all()]
        facts = [self.caveat, self.contact_title]
        facts += [f"{fact.heading} {fact.text}" for fact in self.facts.all()]
        # What the practice shows, as the recommendations it illustrates say ("Set up a clear U visa
        # certification process"): its page lists them, so a search finds it by them too.
        facts += [f"{link.recommendation.title} {link.note}" for link in self.recommendation_links.all()]
        return " ".join(filter(None, names)), " ".join(filter(None, facts))

    def fact_sections(self):
        """[(section, [facts])] in reading order, skipping empty sections; uses prefetched facts."""
        by_section = {}
        for fact in self.facts.all():
            by_section.setdefault(fact.section, []).append(fact)
        return [
            (section, sorted(by_section[section], key=lambda fact: (fact.position, fact.pk)))
            for section in FactSection
            if section in by_section and section not in OWN_PLACE_SECTIONS
        ]

    def facts_in(self, section):
        facts = (fact for fact in self.facts.all() if fact.section == section)
        return sorted(facts, key=lambda fact: (fact.position, fact.pk or 0))

    @property
    def status_facts(self):
        """The dated facts "since the report", in date order; uses prefetched facts."""
        return self.facts_in(FactSection.SINCE_REPORT)

    @property
    def costs(self):
        return self.facts_in(FactSection.COST)

    @property
    def status_now(self):
        """What became of the program, derived from the facts as the page shows them (status_now.py)."""
        return derive_status(self.status_facts, self.current_status_checked)

    def set_derived_status_and_evidence(self):
        """Store the status today and the evidence level, for filtering; the caller saves."""
        status = self.status_now
        self.current_status, self.current_status_year, self.current_status_name = (
            status.status,
            status.year,
            status.name,
        )
        self.evidence_level = evidence_level_of(self.facts.all())

    @property
    def current_status_label(self):
        """The stored status in a few words, for cards and lists that do not load the facts."""
        return status_label(self.current_status, self.current_status_year, self.current_status_name)

    def gaps(self):
        """Plain statements of what no source has told us yet, so thin profiles stay honest."""
        gaps = []
        if not self.department.agency_confirmed:
            gaps.append(_("No source confirms which agency runs this practice."))
        if self.year_started is None:
            gaps.append(_("No source found gives the year the program started."))
        present = {fact.section for fact in self.facts.all()}
        expected = EXPECTED_SECTIONS[self.entry_kind]
        gaps += [message for section, message in expected.items() if section not in present]
        if not self.community_links.all():
            gaps.append(_("No source found names the communities it serves."))
        if not self.language_links.all():
            gaps.append(_("No source found names the languages it works in."))
        return gaps

    @property
    def other_names_list(self):
        return lines(self.other_names)

    @property
    def is_case_study(self):
        return self.entry_kind == self.EntryKind.CASE_STUDY

    @property
    def described_as_of(self):
        """The year the account describes the program as of: the end of a closed period (the case study's
        2007), else the report's year for the report's entries; None for entries the report does not hold."""
        if self.year_ended:
            return self.year_ended
        return REPORT_YEAR if self.report_page else None


class PracticeCommunity(models.Model):
    """That a practice serves a community, in the words of the source that says so."""

    # Edited as part of its practice: its changes count against the practice's version.
    version_entry = "practice"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="community_links")
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="practice_links"
    )
    as_named = models.CharField(
        _("as the source names it"),
        max_length=150,
        blank=True,
        help_text=_("The source's own wording, e.g. 'Laotian' for the community Lao."),
    )
    source = models.ForeignKey("sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["community__name"]
        verbose_name = _("community served")
        verbose_name_plural = _("communities served")
        constraints = [
            models.UniqueConstraint(fields=["practice", "community", "source"], name="practice_community_source_unique")
        ]

    def __str__(self):
        return str(self.community)


class PracticeLanguage(models.Model):
    """That a practice works in a language, with the source that says so."""

    # Edited as part of its practice: its changes count against the practice's version.
    version_entry = "practice"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="language_links")
    language = models.ForeignKey(
        Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="practice_links"
    )
    source = models.ForeignKey("sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["language__name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [models.UniqueConstraint(fields=["practice", "language"], name="practice_language_unique")]

    def __str__(self):
        return str(self.language)
