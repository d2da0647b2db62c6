"""Cited facts about a practice."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import plausible_year, plausible_year_validators

from .choices import FactSection
from .practice import Practice


class Fact(models.Model):
    """One cited statement about a practice: how it works, who staffs it, what came of it..."""

    # Edited as part of its practice: its changes count against the practice's version.
    version_entry = "practice"

    Section = FactSection

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="facts")
    section = models.CharField(_("section"), max_length=20, choices=Section)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=plausible_year_validators(),
        help_text=_("For timeline entries: the year of the event."),
    )
    heading = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For partners, people and components: the name. Leave empty for plain facts."),
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
        ]

    def __str__(self):
        return (self.heading or self.text)[:80]
