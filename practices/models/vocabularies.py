"""The controlled vocabularies practices are tagged with: kinds, strategy areas, communities, languages."""

from django.db import models
from django.db.models import Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import slug_constraint, slug_format
from curation.versions import VersionedModel


class VocabularyQuerySet(ContentQuerySet):
    def get_by_natural_key(self, key):
        return self.get(**{self.model.key_field: key})


class Vocabulary(VersionedModel):
    """An entry of a controlled list: a key used in filter links and spreadsheets, and a unique name."""

    # The field that filter links, spreadsheets and fixtures name an entry by.
    key_field = "slug"

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[slug_format],
        help_text=_("Used in filter links and spreadsheets: lowercase letters, numbers, hyphens or underscores."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)

    objects = VocabularyQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (getattr(self, self.key_field),)


class PracticeKind(Vocabulary):
    """A kind of practice, such as language access or a cultural liaison."""

    description = models.TextField(_("description"), help_text=_("One or two plain sentences for city staff."))
    evidence_words = models.TextField(
        _("words that show it"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A fact that uses one of them shows that a practice is of this kind; "
            "the practice's page in the admin lists those facts for each kind, and warns if none does."
        ),
    )
    needs_policy = models.BooleanField(
        _("needs a written policy"),
        default=False,
        help_text=_(
            "Give this kind only where the department has a written policy or a stated public commitment on "
            "record (Departments › written policies); the consistency check warns otherwise."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("practice kind")
        verbose_name_plural = _("practice kinds")
        constraints = [slug_constraint("slug", "practice_kind_slug_format")]


class StrategyArea(Vocabulary):
    """A strategy area: one of the NLC report's four recommendation areas, or one the directory adds."""

    goal = models.TextField(_("goal"), help_text=_("What the area aims at, in our own words."))
    goal_source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("source of the goal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    goal_note = models.TextField(_("note on the goal"), blank=True, help_text=_("Shown publicly, under the goal."))
    is_nlc_area = models.BooleanField(
        _("one of NLC's areas"),
        default=True,
        help_text=_("Untick for areas this directory adds; the site then says the area is not NLC's."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("strategy area")
        verbose_name_plural = _("strategy areas")
        constraints = [slug_constraint("slug", "strategy_area_slug_format")]

    def get_absolute_url(self):
        return reverse("practices:recommendations") + f"#{self.slug}"


class Community(Vocabulary):
    """An immigrant community a practice serves, as one entry of a controlled vocabulary."""

    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Optional: which wordings in sources this entry gathers."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [slug_constraint("slug", "community_slug_format")]


class Language(Vocabulary):
    """A language a practice works in, keyed by its ISO code rather than a slug."""

    key_field = "code"

    code = models.SlugField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[slug_format],
        help_text=_("Lowercase ISO 639-1 code where one exists (es, so), otherwise ISO 639-3 (hmn, cmn)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [slug_constraint("code", "language_code_format")]

    @property
    def slug(self):
        """The key filter links use, under the name the other vocabularies give it."""
        return self.code


def vocabulary_choices():
    """{"kind"|"area"|"community"|"language": [(key, name)]}, in display order, read in one query; and
    "directory_areas": the keys of the areas this directory adds (not NLC's)."""
    nlc = {"nlc": Value(True, output_field=models.BooleanField())}
    parts = [
        PracticeKind.objects.annotate(facet=Value("kind"), **nlc).values_list(
            "facet", "slug", "name", "position", "nlc"
        ),
        StrategyArea.objects.annotate(facet=Value("area")).values_list(
            "facet", "slug", "name", "position", "is_nlc_area"
        ),
        Community.objects.annotate(facet=Value("community"), position=Value(0), **nlc).values_list(
            "facet", "slug", "name", "position", "nlc"
        ),
        Language.objects.annotate(facet=Value("language"), position=Value(0), **nlc).values_list(
            "facet", "code", "name", "position", "nlc"
        ),
    ]
    parts = [part.order_by() for part in parts]
    rows = sorted(parts[0].union(*parts[1:], all=True), key=lambda row: (row[3], row[2]))
    choices = {"kind": [], "area": [], "community": [], "language": [], "directory_areas": set()}
    for facet, key, name, _position, is_nlc in rows:
        choices[facet].append((key, name))
        if facet == "area" and not is_nlc:
            choices["directory_areas"].add(key)
    return choices
