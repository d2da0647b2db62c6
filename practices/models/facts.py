"""Cited facts about a practice."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import plausible_year, plausible_year_validators

from .choices import FactSection, FactShows
from .practice import Practice


class Fact(models.Model):
    """One cited statement about a practice: how it works, who staffs it, what came of it..."""

    # Edited as part of its practice: its changes count against the practice's version.
    version_entry = "practice"

    Section = FactSection
    Shows = FactShows

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="facts")
    section = models.CharField(_("section"), max_length=20, choices=Section)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=plausible_year_validators(),
        help_text=_(
            "For timeline entries: the year of the event. Since the report: the earliest year the date allows "
            "(empty if undated). For costs: the year of the figure."
        ),
    )
    date = models.CharField(
        _("date"),
        max_length=100,
        blank=True,
        help_text=_(
            "Since the report: the date as precisely as the source gives it ('2017-01-18', '2017-01', "
            "'late 2017 or 2018', 'undated (current page)')."
        ),
    )
    shows = models.CharField(
        _("what it shows"),
        max_length=20,
        choices=FactShows,
        blank=True,
        help_text=_(
            "Since the report only: what the fact shows about the program itself. The status today follows from "
            "these (see the About page). 'Ended' only when the source says so."
        ),
    )
    heading = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_(
            "For partners, people and components: the name. Costs: the figure, exactly as the source gives it. "
            "Since the report, for a program under another name: that name. Leave empty for plain facts."
        ),
    )
    text = models.TextField(_("text"), blank=True, help_text=_("In our own words; names and figures exact."))
    source = models.ForeignKey(
        "sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="facts"
    )
    additional_sources = models.ManyToManyField(
        "sources.Source",
        verbose_name=_("also cited"),
        blank=True,
        related_name="corroborated_facts",
        help_text=_("Other sources that say the same."),
    )
    correction = models.TextField(
        _("correction"),
        blank=True,
        help_text=_("Shown publicly with the fact: what an earlier version said and which source corrected it."),
    )

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[additional_sources])

    class Meta:
        ordering = ["practice", "section", "position", "pk"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        indexes = [models.Index(fields=["practice", "section", "position"], name="fact_practice_section_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(section__in=FactSection.values), name="fact_section_valid"),
            models.CheckConstraint(condition=plausible_year("year"), name="fact_year_plausible"),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(heading=""),
                name="fact_not_empty",
                violation_error_message=_("Write the fact, or at least a name."),
            ),
            models.CheckConstraint(
                condition=Q(section=FactSection.SINCE_REPORT, shows__in=FactShows.values)
                | (~Q(section=FactSection.SINCE_REPORT) & Q(shows="")),
                name="fact_shows_since_report",
                violation_error_message=_("Say what a fact since the report shows, and only for those facts."),
            ),
            models.CheckConstraint(
                condition=~Q(section=FactSection.COST) | (~Q(heading="") & Q(year__isnull=False)),
                name="fact_cost_figure_and_year",
                violation_error_message=_("A cost needs its figure (under 'name') and its year."),
            ),
        ]

    def __str__(self):
        return (self.heading or self.text)[:80]

    def clean(self):
        errors = {}
        if self.section == FactSection.SINCE_REPORT and not self.shows:
            errors["shows"] = _("Say what this fact shows about the program.")
        if self.section != FactSection.SINCE_REPORT and self.shows:
            errors["shows"] = _("Only facts since the report say what they show; leave this empty.")
        if self.shows == FactShows.RECAST and not self.heading.strip():
            errors["heading"] = _("Give the name the program goes by now.")
        if self.section == FactSection.COST:
            if not self.heading.strip():
                errors["heading"] = _("Give the figure exactly as the source gives it.")
            if self.year is None:
                errors["year"] = _("Give the year of the figure.")
        if errors:
            raise ValidationError(errors)
