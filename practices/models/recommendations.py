"""Recommendations under the strategy areas, and the practices that show them at work."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import lines, slug_constraint, slug_format
from curation.versions import VersionedModel

from .practice import Practice
from .vocabularies import StrategyArea


class RecommendationQuerySet(ContentQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_public_examples(self):
        """Each recommendation with its sources and ``public_examples``: the links to published practices."""
        examples = RecommendationExample.objects.filter(practice__in=Practice.objects.published()).select_related(
            "practice__department", "source"
        )
        return self.prefetch_related(
            "sources", models.Prefetch("example_links", queryset=examples, to_attr="public_examples")
        )


class Recommendation(VersionedModel):
    """A recommendation filed under a strategy area, compiled from cited public guidance."""

    area = models.ForeignKey(
        StrategyArea, verbose_name=_("strategy area"), on_delete=models.PROTECT, related_name="recommendations"
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        validators=[slug_format],
        help_text=_("Used in links to the recommendation: lowercase letters, numbers and hyphens."),
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    actions = models.TextField(_("concrete actions"), help_text=_("One action per line, in our own words."))
    sources = models.ManyToManyField(
        "sources.Source",
        verbose_name=_("recommending sources"),
        related_name="recommendations",
        help_text=_("Sources that recommend this (or, as the note explains, document it)."),
    )
    note = models.TextField(
        _("provenance note"),
        blank=True,
        help_text=_("Shown publicly: how exactly the sources support the recommendation."),
    )
    examples = models.ManyToManyField(
        Practice, verbose_name=_("example practices"), through="RecommendationExample", related_name="recommendations"
    )

    objects = RecommendationQuerySet.as_manager()
    # Its examples are RecommendationExample rows, which keep their own history.
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["area__position", "position", "title"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="recommendation_title_not_empty"),
            slug_constraint("slug", "recommendation_slug_format"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:recommendations") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["practices.strategyarea"]

    @property
    def action_list(self):
        return lines(self.actions)


class RecommendationExample(models.Model):
    """A practice that shows a recommendation at work, with the source that ties the two."""

    # Edited as part of its recommendation: its changes count against the recommendation's version.
    version_entry = "recommendation"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="example_links")
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="recommendation_links"
    )
    note = models.TextField(_("what the practice shows"), help_text=_("One sentence, in our own words."))
    source = models.ForeignKey("sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # Search reads which recommendations a practice shows (practices/search_text.py): bulk writes say so.
    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "position"]
        verbose_name = _("example practice")
        verbose_name_plural = _("example practices")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "practice"], name="recommendation_example_unique")
        ]

    def __str__(self):
        return f"{self.recommendation}: {self.practice}"
