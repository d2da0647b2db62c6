import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import slug_constraint, slug_format, web_url, web_url_constraint
from curation.versions import VersionedModel

from .states import State, region_of

# Years before the first U.S. census or far in the future are typing mistakes.
EARLIEST_YEAR = 1790
LATEST_YEAR = 2100


class SizeBand(models.TextChoices):
    """City population bands used to compare cities of similar size."""

    SMALL = "small", _("Small (under 50,000)")
    MIDSIZE = "midsize", _("Midsize (50,000 to 249,999)")
    LARGE = "large", _("Large (250,000 to 999,999)")
    VERY_LARGE = "very-large", _("Very large (1 million or more)")

    @classmethod
    def for_population(cls, population):
        if population is None:
            return None
        if population < 50_000:
            return cls.SMALL
        if population < 250_000:
            return cls.MIDSIZE
        if population < 1_000_000:
            return cls.LARGE
        return cls.VERY_LARGE


def size_band_expression():
    """The database expression behind Department.size_band; mirrors SizeBand.for_population."""
    return Case(
        When(city_population__lt=50_000, then=Value(SizeBand.SMALL.value)),
        When(city_population__lt=250_000, then=Value(SizeBand.MIDSIZE.value)),
        When(city_population__lt=1_000_000, then=Value(SizeBand.LARGE.value)),
        When(city_population__isnull=False, then=Value(SizeBand.VERY_LARGE.value)),
        default=Value(""),
    )


class DepartmentQuerySet(ContentQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_policies(self, which):
        """Departments with a written policy on record ('written'), or a written policy or a stated public
        commitment ('any')."""
        policies = WrittenPolicy.objects.filter(department=OuterRef("pk"))
        if which == "written":
            policies = policies.written()
        return self.filter(Exists(policies))

    def public(self):
        """Departments with at least one practice the public may see."""
        return self.filter(Exists(practice_model().objects.published().filter(department=OuterRef("pk"))))

    def with_published_practices(self):
        """Each department with ``practices.all()`` holding its published practices in the report's order."""
        published = practice_model().objects.published().order_by("report_order")
        return self.prefetch_related(Prefetch("practices", queryset=published))


class FigureBasis(models.TextChoices):
    """What a city figure is, so readers can tell a census count from an estimate."""

    CENSUS = "census", _("census count")
    ACS = "acs", _("Census Bureau survey estimate")
    ESTIMATE = "estimate", _("estimate")


class PolicyKind(models.TextChoices):
    GENERAL_ORDER = "general-order", _("General order")
    EXECUTIVE_ORDER = "executive-order", _("Executive order")
    MEMORANDUM = "memorandum", _("Memorandum")
    RESOLUTION = "resolution", _("Council resolution")
    PUBLISHED_STATEMENT = "published-statement", _("Published statement")
    PUBLIC_COMMITMENT = "public-commitment", _("Public commitment by a leader")


# The kinds that are written documents; the last is a commitment a leader stated in public.
WRITTEN_POLICY_KINDS = [kind for kind in PolicyKind if kind != PolicyKind.PUBLIC_COMMITMENT]


class DepartmentKind(models.TextChoices):
    MUNICIPAL_POLICE = "municipal-police", _("Municipal police")
    COUNTY_SHERIFF = "county-sheriff", _("County sheriff")
    METROPOLITAN_POLICE = "metropolitan-police", _("Metropolitan (city-county) police")
    FIRE_DEPARTMENT = "fire-department", _("Fire department")
    CITY_OFFICE = "city-office", _("City office")
    OTHER = "other", _("Other")


class Department(VersionedModel):
    """The agency behind one or more practices, with facts about its city.

    ``name`` stays empty when no source confirms which agency runs the practice; the
    city facts are still worth showing.
    """

    Kind = DepartmentKind

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
    name = models.CharField(
        _("agency name"),
        max_length=200,
        blank=True,
        help_text=_("As sources name the agency. Leave empty if no source confirms which agency it is."),
    )
    kind = models.CharField(
        _("kind of agency"), max_length=30, choices=Kind, blank=True, help_text=_("Leave empty if unknown.")
    )
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, choices=State, help_text=_("Two-letter USPS code."))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Of the city's center, in decimal degrees (e.g. 42.6436)."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Of the city's center, in decimal degrees; west is negative (e.g. -95.2019)."),
    )
    website = models.URLField(
        _("official website"),
        max_length=300,
        blank=True,
        validators=[web_url],
        help_text=_("The agency's own site, starting with http:// or https://."),
    )
    city_population = models.PositiveIntegerField(
        _("city population"),
        null=True,
        blank=True,
        help_text=_("A whole number, as the cited source gives it. Needs its year and source."),
    )
    city_population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
        help_text=_("The year the figure describes (not the year it was published); not in the future."),
    )
    city_population_source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("population source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city_population_basis = models.CharField(
        _("population figure is a"),
        max_length=20,
        choices=FigureBasis,
        blank=True,
        help_text=_("A census count, a Census Bureau survey estimate (ACS) or another estimate, as the source says."),
    )
    foreign_born_share = models.CharField(
        _("foreign-born share"),
        max_length=40,
        blank=True,
        help_text=_("Exactly as the source states it, e.g. '36.1%' or 'nearly 6%'."),
    )
    foreign_born_share_year = models.PositiveSmallIntegerField(
        _("foreign-born share year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
        help_text=_("The year the share describes, if the source says; not in the future."),
    )
    foreign_born_share_source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("foreign-born share source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    foreign_born_share_basis = models.CharField(
        _("foreign-born share is a"), max_length=20, choices=FigureBasis, blank=True
    )
    size_band = models.GeneratedField(
        expression=size_band_expression(),
        output_field=models.CharField(max_length=20, choices=SizeBand, blank=True),
        db_persist=True,
        verbose_name=_("city size"),
    )
    curator_notes = models.TextField(
        _("notes for curators"), blank=True, help_text=_("Private. Never shown on the public site.")
    )
    created = models.DateTimeField(_("created"), db_default=Now(), editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = DepartmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["size_band"])

    class Meta:
        ordering = ["city", "state"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        indexes = [
            models.Index(fields=["state"], name="department_state_idx"),
            models.Index(fields=["size_band"], name="department_size_band_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[state.value for state in State]), name="department_state_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=["", *DepartmentKind.values]), name="department_kind_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="department_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="department_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(city_population__isnull=True) | Q(city_population__gte=0),
                name="department_population_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(city_population_year__isnull=True)
                | Q(city_population_year__gte=EARLIEST_YEAR, city_population_year__lte=LATEST_YEAR),
                name="department_population_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(foreign_born_share_year__isnull=True)
                | Q(foreign_born_share_year__gte=EARLIEST_YEAR, foreign_born_share_year__lte=LATEST_YEAR),
                name="department_foreign_born_year_plausible",
            ),
            models.CheckConstraint(condition=~Q(city=""), name="department_city_not_empty"),
            models.CheckConstraint(
                condition=Q(city_population__isnull=True)
                | Q(city_population_year__isnull=False, city_population_source__isnull=False),
                name="department_population_dated_and_cited",
                violation_error_message=_("A population figure needs the year it describes and its source."),
            ),
            models.CheckConstraint(
                condition=Q(foreign_born_share="") | Q(foreign_born_share_source__isnull=False),
                name="department_foreign_born_cited",
                violation_error_message=_("A foreign-born share needs its source."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="department_coordinates_paired",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            slug_constraint("slug", "department_slug_format"),
            web_url_constraint("website", "department_website_web"),
            models.CheckConstraint(
                condition=Q(city_population_basis__in=["", *FigureBasis.values])
                & Q(foreign_born_share_basis__in=["", *FigureBasis.values]),
                name="department_figure_basis_valid",
            ),
        ]

    def __str__(self):
        return self.name or _("%(city)s, %(state)s (agency not confirmed)") % {
            "city": self.city,
            "state": self.state,
        }

    def get_absolute_url(self):
        return reverse("departments:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        this_year = datetime.date.today().year
        for field in ("city_population_year", "foreign_born_share_year"):
            year = getattr(self, field)
            if year is not None and year > this_year:
                errors[field] = _("The year cannot be in the future.")
        if self.city_population is not None and not self.city_population_source_id:
            errors["city_population_source"] = _("Cite the source of the population figure.")
        if self.city_population is not None and self.city_population_year is None:
            errors["city_population_year"] = _("Give the year the population figure describes.")
        if self.foreign_born_share and not self.foreign_born_share_source_id:
            errors["foreign_born_share_source"] = _("Cite the source of the foreign-born share.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def size_band_label(self):
        """The city size in words (a generated field has no get_..._display())."""
        return SizeBand(self.size_band).label if self.size_band else ""

    @property
    def place(self):
        return f"{self.city}, {self.state}"

    @property
    def agency_confirmed(self):
        return bool(self.name)

    @property
    def region(self):
        return region_of(self.state)


def practice_model():
    """The practice model. Practices are defined in the app above this one and point at departments;
    this app reaches them through that relation, so its imports never run back up."""
    return Department._meta.get_field("practices").related_model


class WrittenPolicyQuerySet(ContentQuerySet):
    def written(self):
        return self.filter(kind__in=WRITTEN_POLICY_KINDS)


class WrittenPolicy(models.Model):
    """A department's (or its city's) written policy on immigration status and enforcement, such as a
    general order, an executive order or a memorandum, or a commitment its leaders stated in public."""

    Kind = PolicyKind

    # Edited as part of its department: its changes count against the department's version.
    version_entry = "department"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="policies")
    name = models.CharField(_("name"), max_length=200, help_text=_("As the source names it: 'General Order 06-2'."))
    kind = models.CharField(_("kind"), max_length=30, choices=PolicyKind)
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
        help_text=_("The year it was issued or stated; not in the future."),
    )
    summary = models.TextField(_("what it says"), help_text=_("One or two sentences in our own words."))
    source = models.ForeignKey(
        "sources.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="policies"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = WrittenPolicyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["department", "year", "position"]
        verbose_name = _("written policy or commitment")
        verbose_name_plural = _("written policies and commitments")
        indexes = [models.Index(fields=["department", "kind"], name="policy_department_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PolicyKind.values), name="policy_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="policy_name_not_empty"),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_YEAR, year__lte=LATEST_YEAR), name="policy_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def clean(self):
        if self.year and self.year > datetime.date.today().year:
            raise ValidationError({"year": _("The year cannot be in the future.")})

    @property
    def is_written(self):
        return self.kind != PolicyKind.PUBLIC_COMMITMENT
