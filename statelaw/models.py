"""Each state's law on local police cooperation with federal immigration enforcement, as directory content.

A state's entry (its stance and what local police must and must not do, in our words) has parts
edited with it: its laws, court rulings, other measures and bills that did not become law. Every
law and ruling cites a source and says, as ``effects``, what it does to local police; the plan's
rules (planning/rules.py) read those effects to mark the recommendations a state's law forbids,
restricts or already requires.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.fields import lines
from curation.publishing import PublicationStatus, Publishable, PublishingQuerySet
from curation.versions import VersionedModel
from departments.states import State


class Stance(models.TextChoices):
    RESTRICTS_LOCAL_LIMITS = "restricts_local_limits", _("Requires cooperation")
    LIMITS_COOPERATION = "limits_cooperation", _("Limits cooperation")
    MIXED = "mixed", _("Mixed")
    NO_STATEWIDE_LAW_FOUND = "no_statewide_law_found", _("No statewide law found")


STANCE_MEANINGS = {
    Stance.RESTRICTS_LOCAL_LIMITS: _(
        "State law bans or punishes local policies that limit cooperation with federal immigration "
        "enforcement, or requires cooperation, such as honoring ICE detainers or seeking 287(g) agreements."
    ),
    Stance.LIMITS_COOPERATION: _(
        "State law, a binding court ruling or a binding Attorney General directive limits how far local "
        "police may help federal immigration enforcement."
    ),
    Stance.MIXED: _("State law requires some kinds of cooperation and limits others."),
    Stance.NO_STATEWIDE_LAW_FOUND: _(
        "The sources consulted show no enacted statewide law either way. That does not mean none exists: "
        "bills, court rulings or local rules may still apply."
    ),
}


class Effect(models.TextChoices):
    """What a law or ruling does to local police. The plan's rules name these (planning/rules.py)."""

    BANS_LOCAL_LIMITS = "bans_local_limits", _("Bans local policies that limit cooperation")
    REQUIRES_DETAINERS = "requires_detainers", _("Requires honoring ICE detainer requests")
    REQUIRES_287G = "requires_287g", _("Requires some agencies to seek 287(g) agreements")
    REQUIRES_STATUS_CHECKS = "requires_status_checks", _("Requires immigration-status checks in some cases")
    REQUIRES_ICE_NOTICE = "requires_ice_notice", _("Requires telling ICE about some people in custody")
    BANS_INFO_LIMITS = "bans_info_limits", _("Bans local limits on sharing immigration-status information")
    BARS_ENFORCEMENT_HELP = "bars_enforcement_help", _("Bars using local resources for immigration enforcement")
    BARS_DETAINER_HOLDS = "bars_detainer_holds", _("Bars or limits holds on immigration detainers")
    BARS_287G = "bars_287g", _("Bars 287(g) or immigration detention agreements")
    BARS_STATUS_QUESTIONS = "bars_status_questions", _("Bars asking some people about immigration status")
    LIMITS_INFO_SHARING = "limits_info_sharing", _("Limits sharing information with immigration authorities")
    STATE_CONTROLS_287G = "state_controls_287g", _("Leaves 287(g)-type agreements to the state, not the city")
    CONDITIONS_287G = "conditions_287g", _("Sets conditions for 287(g)-type agreements")


class EffectsField(models.JSONField):
    """A list of Effect values, edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=Effect,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not set(value) <= set(Effect.values):
            raise ValidationError(_("Choose effects from the list."), code="invalid_effect")


EFFECTS_HELP = _(
    "What it does to local police, as the plan reads it: a recommendation this forbids or limits is marked so "
    "in the plans for this state. Tick only what the law or ruling itself does."
)


def first_year(text):
    """The first four-digit year in '2005-2006' or 'after 2025-07-03'; None if there is none."""
    match = re.search(r"\b(1[89]\d\d|20\d\d)\b", text or "")
    return int(match.group(1)) if match else None


EntryStatus = PublicationStatus


class StateEntryQuerySet(PublishingQuerySet):
    def get_by_natural_key(self, state):
        return self.get(state=state)

    def for_list(self):
        """Entries with the short names of their laws, for the list of states."""
        return self.prefetch_related(
            # Oldest first, as a reader scans a list of laws; a state's page keeps the curated order.
            models.Prefetch(
                "laws",
                queryset=Law.objects.only("entry_id", "position", "short_name", "year", "status").order_by(
                    "year", "position"
                ),
            ),
            models.Prefetch("rulings", queryset=CourtRuling.objects.only("entry_id", "position", "case", "date")),
        )

    def today_in(self, state):
        """The entry for ``state`` with its laws, for a page beside a program's account, or None.

        One query (the entry joined with its laws), so practice and department pages stay in budget.
        """
        entry_fields = ["id", "state", "stance", "summary", "checked_on", "sources_through", "status"]
        law_fields = ["id", "position", "short_name", "year", "status"]
        rows = list(
            self.filter(state=state)
            .order_by("laws__position", "laws__id")
            .values_list(*entry_fields, *[f"laws__{name}" for name in law_fields])
        )
        if not rows:
            return None
        cut = len(entry_fields)
        entry = StateEntry.from_db(self.db, entry_fields, rows[0][:cut])
        laws = [Law.from_db(self.db, law_fields, row[cut:]) for row in rows if row[cut] is not None]
        for law in laws:
            law.entry = entry
        return LawToday(entry, laws)

    def with_effects(self):
        """Entries with the laws and rulings the plan's rules read (two more queries)."""
        return self.prefetch_related(
            models.Prefetch("laws", queryset=Law.objects.order_by("position", "pk")),
            models.Prefetch("rulings", queryset=CourtRuling.objects.order_by("position", "pk")),
        )

    def for_detail_page(self):
        """Everything a state's page shows, cited: a fixed number of queries."""
        return self.select_related("reviewed_by").prefetch_related(
            models.Prefetch(
                "laws",
                queryset=Law.objects.select_related("source")
                .prefetch_related("additional_sources")
                .order_by("position", "pk"),
            ),
            models.Prefetch(
                "rulings",
                queryset=CourtRuling.objects.select_related("source")
                .prefetch_related("additional_sources")
                .order_by("position", "pk"),
            ),
            models.Prefetch("measures", queryset=OtherMeasure.objects.select_related("source")),
            models.Prefetch("bills", queryset=Bill.objects.select_related("source")),
        )


class StateEntry(Publishable, VersionedModel):
    """What one state's law says about local police cooperation with federal immigration enforcement."""

    state = models.CharField(_("state"), max_length=2, choices=State, unique=True, help_text=_("Two-letter USPS code."))
    stance = models.CharField(
        _("stance"),
        max_length=30,
        choices=Stance,
        help_text=_(
            "'Requires cooperation': state law bans local limits or requires cooperation. 'Limits cooperation': "
            "state law, binding case law or a binding Attorney General directive limits it. 'No statewide law "
            "found' means none was found in the sources, not that none exists. Executive orders that bind only "
            "state agencies do not set the stance."
        ),
    )
    summary = models.TextField(
        _("summary"), help_text=_("Two or three plain sentences for a city staffer, in our own words.")
    )
    must = models.TextField(
        _("what local police must do"),
        blank=True,
        help_text=_("One duty per line, naming the law in brackets at the end, e.g. '… (SF 481, 2018).'"),
    )
    must_not = models.TextField(
        _("what local police and their city must not do"),
        blank=True,
        help_text=_("One limit per line, naming the law in brackets at the end."),
    )
    checked_on = models.DateField(
        _("law checked on"), help_text=_("When someone last searched for this state's law; shown on the page.")
    )
    sources_through = models.CharField(
        _("newest source"),
        max_length=40,
        blank=True,
        help_text=_("The date of the newest source relied on: '2025-05-22', '2025-05' or '2025'. Empty if undated."),
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=EntryStatus,
        default=EntryStatus.DRAFT,
        help_text=_("Only published entries appear on the public site and in plans."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When a curator last checked this entry against its sources (set by 'mark as reviewed')."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    curator_notes = models.TextField(
        _("notes for curators"),
        blank=True,
        help_text=_("Private: what could not be confirmed, pending bills to watch. Never shown publicly."),
    )
    created = models.DateTimeField(_("created"), db_default=Now(), editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = StateEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["state"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        indexes = [models.Index(fields=["status", "stance"], name="state_entry_status_stance_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[state.value for state in State]), name="state_entry_state_valid"
            ),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="state_entry_stance_valid"),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="state_entry_status_valid"),
            models.CheckConstraint(condition=~Q(summary=""), name="state_entry_summary_not_empty"),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | Q(last_reviewed__isnull=False),
                name="state_entry_reviewer_has_date",
                violation_error_message=_("A reviewer needs the date of the review."),
            ),
        ]

    def __str__(self):
        return self.get_state_display()

    def get_absolute_url(self):
        return reverse("statelaw:detail", kwargs={"code": self.state.lower()})

    def natural_key(self):
        return (self.state,)

    def clean(self):
        today = datetime.date.today()
        errors = {}
        for name in ("checked_on", "last_reviewed"):
            day = getattr(self, name)
            if day is not None and day > today:
                errors[name] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def name(self):
        return self.get_state_display()

    @property
    def stance_meaning(self):
        return STANCE_MEANINGS[Stance(self.stance)]

    @property
    def found_no_law(self):
        return self.stance == Stance.NO_STATEWIDE_LAW_FOUND

    @property
    def must_list(self):
        return lines(self.must)

    @property
    def must_not_list(self):
        return lines(self.must_not)

    def authorities(self):
        """Its laws, then its rulings (from prefetched rows): what the plan's rules read."""
        return [*self.laws.all(), *self.rulings.all()]


@dataclass
class LawToday:
    """A state's law beside a program's account: the entry and its laws."""

    entry: StateEntry
    laws: list

    def after(self, year):
        """The laws enacted after ``year``, the year an account describes a program as of."""
        if year is None:
            return []
        return [law for law in self.laws if law.binds and law.enacted_year and law.enacted_year > year]


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    PARTLY_BLOCKED = "partly_blocked", _("In force in part")
    BLOCKED = "blocked", _("Blocked by a court")
    ENACTED = "enacted", _("Enacted; whether it is in force now was not confirmed")


class CitedPart(models.Model):
    """A cited part of a state's entry, edited with it: its changes count against the entry's version."""

    version_entry = "entry"

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.ForeignKey("sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["entry", "position", "pk"]

    @property
    def anchor(self):
        return f"{self._meta.model_name}-{self.pk}"

    @property
    def url(self):
        """The item on its state's page (the state's entry is prefetched or cached)."""
        return f"{self.entry.get_absolute_url()}#{self.anchor}"


class Law(CitedPart):
    """A statute, or a binding directive, on local cooperation with federal immigration enforcement."""

    entry = models.ForeignKey(StateEntry, verbose_name=_("state"), on_delete=models.CASCADE, related_name="laws")
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As the sources give it: 'SB 4 (85th Legislature, R.S.)'.")
    )
    short_name = models.CharField(
        _("short name"),
        max_length=80,
        help_text=_("How the site names it in a sentence, with its year: 'SB 4 (2017)'."),
    )
    title = models.CharField(_("official title"), max_length=300, blank=True, help_text=_("Leave empty if none."))
    year = models.CharField(
        _("year"),
        max_length=20,
        blank=True,
        help_text=_("The year enacted, as the sources give it: '2017', '2005-2006'."),
    )
    summary = models.TextField(_("what it does"), help_text=_("In our own words; names, figures and dates exact."))
    status = models.CharField(_("status"), max_length=20, choices=LawStatus)
    status_note = models.TextField(
        _("status in words"), blank=True, help_text=_("When it was signed, took effect, was blocked: our own words.")
    )
    effects = EffectsField(_("effects on local police"), help_text=EFFECTS_HELP)
    additional_sources = models.ManyToManyField(
        "sources.Source", verbose_name=_("also cited"), blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[additional_sources])

    class Meta(CitedPart.Meta):
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=LawStatus.values), name="law_status_valid"),
            models.CheckConstraint(condition=~Q(name="") & ~Q(short_name=""), name="law_named"),
            models.CheckConstraint(condition=~Q(summary=""), name="law_summary_not_empty"),
        ]

    def __str__(self):
        return f"{self.entry.state} {self.short_name}"

    @property
    def label(self):
        """'Texas SB 4 (2017)': how a plan names it."""
        return f"{self.entry.name} {self.short_name}"

    @property
    def enacted_year(self):
        return first_year(self.year)

    @property
    def is_blocked(self):
        return self.status == LawStatus.BLOCKED

    @property
    def binds(self):
        """Whether the plan's rules read it: a law a court has blocked binds no one."""
        return not self.is_blocked


class CourtRuling(CitedPart):
    """A court ruling on local cooperation, or on a state law about it."""

    entry = models.ForeignKey(StateEntry, verbose_name=_("state"), on_delete=models.CASCADE, related_name="rulings")
    case = models.CharField(
        _("case"), max_length=300, help_text=_("The case name and citation as the sources give them.")
    )
    court = models.CharField(_("court"), max_length=200)
    date = models.CharField(
        _("date"),
        max_length=40,
        blank=True,
        help_text=_("'2018-05-08'; a short note if not recorded ('after 2025-07-03')."),
    )
    holding = models.TextField(_("what it held"), help_text=_("In our own words."))
    effects = EffectsField(_("effects on local police"), help_text=EFFECTS_HELP)
    additional_sources = models.ManyToManyField(
        "sources.Source", verbose_name=_("also cited"), blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[additional_sources])

    class Meta(CitedPart.Meta):
        verbose_name = _("court ruling")
        verbose_name_plural = _("court rulings")
        constraints = [models.CheckConstraint(condition=~Q(case="") & ~Q(holding=""), name="court_ruling_not_empty")]

    def __str__(self):
        return self.case

    binds = True

    @property
    def label(self):
        return self.short_name

    @property
    def short_name(self):
        """'Lunn v. Commonwealth (2017)': the case without its citation, with its year if known."""
        year = first_year(self.date)
        name = self.case.split(",")[0].split(" (")[0]
        return f"{name} ({year})" if year else name


class OtherMeasure(CitedPart):
    """An executive order, Attorney General opinion or guidance. These mostly bind state agencies and do
    not set a state's stance."""

    entry = models.ForeignKey(StateEntry, verbose_name=_("state"), on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("name"), max_length=200)
    date = models.CharField(_("date"), max_length=40, blank=True)
    summary = models.TextField(_("what it does"), help_text=_("In our own words."))

    history = HistoricalRecords()

    class Meta(CitedPart.Meta):
        verbose_name = _("other measure")
        verbose_name_plural = _("other measures (executive orders, opinions, guidance)")
        constraints = [models.CheckConstraint(condition=~Q(name="") & ~Q(summary=""), name="other_measure_not_empty")]

    def __str__(self):
        return self.name


class BillOutcome(models.TextChoices):
    PENDING = "pending", _("Pending when last checked")
    VETOED = "vetoed", _("Vetoed")
    FAILED = "failed", _("Did not pass")
    NOT_ENACTED = "not_enacted", _("No record of enactment found")
    UNCONFIRMED = "unconfirmed", _("Outcome not confirmed")


class Bill(CitedPart):
    """A bill that did not become law, or had not when last checked: what to watch in a state."""

    Outcome = BillOutcome

    entry = models.ForeignKey(StateEntry, verbose_name=_("state"), on_delete=models.CASCADE, related_name="bills")
    name = models.CharField(_("name"), max_length=200)
    year = models.CharField(_("year"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=BillOutcome)
    about = models.TextField(_("what it would do, and what happened"), blank=True, help_text=_("In our own words."))

    history = HistoricalRecords()

    class Meta(CitedPart.Meta):
        verbose_name = _("bill not enacted or pending")
        verbose_name_plural = _("bills not enacted or pending")
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=BillOutcome.values), name="bill_outcome_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="bill_named"),
        ]

    def __str__(self):
        return self.name
