"""What the directory publishes as data: one table per resource, each column once, with its meaning.

Every way data leaves the site reads these definitions: the downloads of the browse, departments
and recommendations pages, the JSON API's schemas, and the dataset release (its CSV tables and the
data dictionary in datapackage.json). A new public field is one ``Column`` here; a new table is
one ``Table`` and a ``register()`` call. Only published practices and what they cite appear, and
never a curation field (curator notes, reviewers, versions, drafts).

Each table reads its rows with one query, whatever its size: several values for one row (a
practice's kinds...) are joined by the database (keys only, which never hold a comma) and put in
order here, so rows stream in constant memory.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, StringAgg, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curation.fields import lines
from departments.models import Department, FigureBasis, PolicyKind, SizeBand, WrittenPolicy
from departments.states import State
from practices.models import (
    Community,
    CurrentStatus,
    EvidenceLevel,
    Fact,
    FactSection,
    FactShows,
    Language,
    Practice,
    PracticeCommunity,
    PracticeEntryKind,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
    vocabulary_choices,
)
from sources.models import EvidenceKind, ReportNote, ReportTopic, Source, SourceKind
from statelaw.models import Bill, CourtRuling, Law, OtherMeasure, StateEntry
from statelaw.models import Stance as StateLawStance

# How a list of values is written in one CSV or spreadsheet cell; JSON keeps real lists.
LIST_SEPARATOR = "|"
KEY_SEPARATOR = ","  # what the database joins keys with (a key never holds one)


class Context:
    """What a row needs beyond the database: absolute addresses, and the vocabularies' names and order."""

    def __init__(self, absolute, vocabularies=None):
        self.absolute = absolute
        self._vocabularies = vocabularies
        self._order = {}
        self._url_patterns = {}

    def page_url(self, route, slug):
        """The absolute address of a page named by slug: reversed once per route (a reverse() for each
        of 20,000 rows would cost seconds)."""
        if route not in self._url_patterns:
            self._url_patterns[route] = self.absolute(reverse(route, kwargs={"slug": "slug-placeholder"}))
        return self._url_patterns[route].replace("slug-placeholder", slug)

    @property
    def vocabularies(self):
        if self._vocabularies is None:
            self._vocabularies = vocabulary_choices()  # one query, only for tables that name them
        return self._vocabularies

    def names(self, facet, keys):
        """Keys of a vocabulary as (key, name) pairs in the vocabulary's display order."""
        if facet not in self._order:
            entries = enumerate(self.vocabularies[facet])
            self._order[facet] = {key: (position, key, name) for position, (key, name) in entries}
        order = self._order[facet]
        return [(key, name) for _position, key, name in sorted(order[key] for key in keys if key in order)]


@dataclass(frozen=True)
class Column:
    """One public field: its name and Table Schema type, what it means, and where its value comes from.

    ``source`` is what the query reads (a field path, or an expression); ``convert`` turns that
    into the published value, given the whole row's read values and the context.
    """

    name: str
    type: str  # string, integer, number, boolean, date, datetime, list (of strings)
    description: Any
    source: Any = None
    convert: Callable | None = None
    required: bool = False
    enum: tuple = ()
    unique: bool = False
    format: str = ""  # "uri" for web addresses

    def read(self, row, context):
        value = row[self.name]
        if self.convert is not None:
            return self.convert(value, row, context)
        if self.type == "list":
            return split_keys(value)
        if self.type == "number" and isinstance(value, Decimal):
            return float(value)
        if self.type == "string" and value is None:
            return ""
        return value


@dataclass(frozen=True)
class Table:
    name: str
    title: Any
    description: Any
    columns: list
    rows: Callable  # () -> queryset of the table's public rows, in order
    primary_key: tuple = ()
    foreign_keys: tuple = ()  # (column, table, column)

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    def query(self, queryset=None):
        """The rows as dicts of read values, one query, streamed."""
        queryset = self.rows() if queryset is None else queryset
        # Each value read gets an alias of its own, so none clashes with a model field's name; columns
        # made from the same expression (a practice's kinds, by name and by key) read it once.
        aliases, alias_of = {}, {}
        for column in self.columns:
            source = column.name if column.source is None else column.source
            identity = source if isinstance(source, str) else id(source)
            if identity not in alias_of:
                alias_of[identity] = f"col_{len(aliases)}"
                aliases[alias_of[identity]] = F(source) if isinstance(source, str) else source
            alias_of[column.name] = alias_of[identity]
        names = [(column.name, alias_of[column.name]) for column in self.columns]
        for row in queryset.prefetch_related(None).values(**aliases).iterator(chunk_size=2000):
            yield {name: row[alias] for name, alias in names}

    def records(self, context, queryset=None):
        """Each row as {column name: published value}."""
        for row in self.query(queryset):
            yield {column.name: column.read(row, context) for column in self.columns}


REGISTRY = {}


def register(table):
    REGISTRY[table.name] = table
    return table


def split_keys(value):
    return sorted(filter(None, (value or "").split(KEY_SEPARATOR)))


def joined(linked, link, key, *, distinct=False):
    """The keys of a row's linked entries (a model, or a queryset of the entries that count), joined by the
    database: one subquery, no ordering needed."""
    linked = linked if isinstance(linked, QuerySet) else linked._default_manager.all()
    rows = linked.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(rows.annotate(keys=StringAgg(key, Value(KEY_SEPARATOR), distinct=distinct)).values("keys"))


def page_url(route, key="slug"):
    def convert(value, row, context):
        return context.page_url(route, row[key])

    return convert


def vocabulary(facet, part):
    """A vocabulary column read from joined keys: the keys, or their names, in display order."""

    def convert(value, row, context):
        pairs = context.names(facet, split_keys(value))
        return [pair[0] if part == "key" else pair[1] for pair in pairs]

    return convert


def one_per_line(value, row, context):
    return lines(value or "")


def choice_values(choices):
    return tuple(choices.values)


def published_practices():
    return Practice.objects.published()


def public_sources():
    """Every source that something public cites: the sources the site itself shows."""
    published = Practice.objects.published()
    public_departments = Department.objects.public()
    cited = [
        Fact.objects.filter(practice__in=published, source=OuterRef("pk")),
        Fact.additional_sources.through.objects.filter(fact__practice__in=published, source=OuterRef("pk")),
        published.filter(year_started_source=OuterRef("pk")),
        WrittenPolicy.objects.filter(department__in=public_departments, source=OuterRef("pk")),
        *state_law_citations(),
        PracticeCommunity.objects.filter(practice__in=published, source=OuterRef("pk")),
        PracticeLanguage.objects.filter(practice__in=published, source=OuterRef("pk")),
        public_departments.filter(city_population_source=OuterRef("pk")),
        public_departments.filter(foreign_born_share_source=OuterRef("pk")),
        Recommendation.sources.through.objects.filter(source=OuterRef("pk")),
        RecommendationExample.objects.filter(practice__in=published, source=OuterRef("pk")),
        StrategyArea.objects.filter(goal_source=OuterRef("pk")),
        ReportNote.objects.filter(source=OuterRef("pk")),
    ]
    condition = Q()
    for query in cited:
        condition |= Exists(query)
    return Source.objects.filter(condition)


BASIS = _("census (a census count), acs (a Census Bureau survey estimate) or estimate (another); empty if unsaid.")


def key(name, description, source=None, **options):
    return Column(name, "string", description, source=source, **options)


# Read once, published twice: by name and by key.
KIND_KEYS = joined(Practice.kinds.through, "practice", "practicekind__slug")
AREA_KEYS = joined(Practice.areas.through, "practice", "strategyarea__slug")
COMMUNITY_KEYS = joined(PracticeCommunity, "practice", "community__slug", distinct=True)
LANGUAGE_CODES = joined(PracticeLanguage, "practice", "language__code")

PRACTICE_COLUMNS = [
    key("slug", _("The practice's permanent key; its page is /practices/<slug>/."), required=True, unique=True),
    Column("title", "string", _("The NLC report's own title for the practice."), required=True),
    Column(
        "url",
        "string",
        _("The practice's page in the directory."),
        source="slug",
        convert=page_url("practices:detail"),
        format="uri",
    ),
    Column(
        "entry_kind",
        "string",
        _("good-practice: one of the report's 17; case-study: its Indianapolis case study."),
        enum=choice_values(PracticeEntryKind),
    ),
    Column("report_order", "integer", _("The practice's place among the report's 17 good practices (1 to 17).")),
    Column("report_page", "integer", _("The page of the NLC report where its profile starts.")),
    key("department", _("The department that runs it (a key of the departments table)."), source="department__slug"),
    Column(
        "agency",
        "string",
        _("The agency's name; empty when no source confirms which agency runs it."),
        source="department__name",
    ),
    Column("city", "string", _("The department's city."), source="department__city"),
    Column(
        "state", "string", _("The state's two-letter USPS code."), source="department__state", enum=choice_values(State)
    ),
    Column(
        "city_size",
        "string",
        _(
            "The city's population band: small (under 50,000), midsize (to 249,999), "
            "large (to 999,999), very-large (1 million or more); empty if not known."
        ),
        source="department__size_band",
        enum=("", *choice_values(SizeBand)),
    ),
    Column("other_names", "list", _("Other names sources use for the program."), convert=one_per_line),
    Column("year_started", "integer", _("The year the program started, as its cited source gives it.")),
    key(
        "year_started_source",
        _("The source of the start year (a key of the sources table)."),
        source="year_started_source__key",
    ),
    Column("year_started_note", "string", _("What the start year means, when it needs saying.")),
    Column("year_ended", "integer", _("For an account of a closed period (the case study): its last year.")),
    Column("summary", "string", _("The directory's summary of the cited facts, in its own words.")),
    Column("caveat", "string", _("The main question the sources leave open.")),
    Column(
        "kinds",
        "list",
        _("Kinds of practice, by name."),
        source=KIND_KEYS,
        convert=vocabulary("kind", "name"),
    ),
    Column(
        "kind_slugs",
        "list",
        _("Kinds of practice, by key (the browse filter 'kind')."),
        source=KIND_KEYS,
        convert=vocabulary("kind", "key"),
    ),
    Column(
        "areas",
        "list",
        _("Strategy areas, by name."),
        source=AREA_KEYS,
        convert=vocabulary("area", "name"),
    ),
    Column(
        "area_slugs",
        "list",
        _("Strategy areas, by key (the browse filter 'area')."),
        source=AREA_KEYS,
        convert=vocabulary("area", "key"),
    ),
    Column(
        "communities",
        "list",
        _("Immigrant communities served, by name (each cited in practice_communities)."),
        source=COMMUNITY_KEYS,
        convert=vocabulary("community", "name"),
    ),
    Column(
        "community_slugs",
        "list",
        _("Communities served, by key (the browse filter 'community')."),
        source=COMMUNITY_KEYS,
        convert=vocabulary("community", "key"),
    ),
    Column(
        "languages",
        "list",
        _("Languages it works in, by name (each cited in practice_languages)."),
        source=LANGUAGE_CODES,
        convert=vocabulary("language", "name"),
    ),
    Column(
        "language_codes",
        "list",
        _("Languages, by ISO 639 code (the browse filter 'language')."),
        source=LANGUAGE_CODES,
        convert=vocabulary("language", "key"),
    ),
    Column("contact_title", "string", _("A role to ask for at the agency.")),
    Column(
        "current_status",
        "string",
        _(
            "The status today, derived from the dated facts 'since the report' (section since-report of the "
            "facts table): running, recast (runs in another form or under another name), no-trace (no sign of it "
            "in current sources), ended, unknown, or not-checked."
        ),
        enum=choice_values(CurrentStatus),
    ),
    Column("current_status_year", "integer", _("The year of the latest fact the status today rests on.")),
    Column("current_status_name", "string", _("The program's name today, when it runs under another.")),
    Column(
        "current_status_checked",
        "string",
        _("When the facts since the report were last checked, as precisely as known (2026-11-30, 2026-11, 2026)."),
    ),
    Column(
        "current_page_url",
        "string",
        _("The program's or unit's own page on the agency's or city's site, as last found."),
        format="uri",
    ),
    Column("current_page_title", "string", _("That page's title, as the directory links it.")),
    Column(
        "evidence_level",
        "string",
        _(
            "The strongest evidence behind its outcomes: evaluation (an independent study), report (the "
            "agency's or a partner's own account), award, or described (only described)."
        ),
        enum=choice_values(EvidenceLevel),
    ),
    Column("last_reviewed", "date", _("When our editors last checked the entry against its sources.")),
    Column("updated", "datetime", _("When the entry itself was last changed.")),
]

practices = register(
    Table(
        "practices",
        _("Practices"),
        _("The published practices: the NLC report's 17 good practices and its case study, one row each."),
        PRACTICE_COLUMNS,
        rows=lambda: published_practices().order_by(F("report_order").asc(nulls_last=True), "title", "pk"),
        primary_key=("slug",),
        foreign_keys=(("department", "departments", "slug"),),
    )
)

departments = register(
    Table(
        "departments",
        _("Departments"),
        _("The agencies that run the published practices, with facts about their cities, each cited."),
        [
            key(
                "slug",
                _("The department's permanent key; its page is /departments/<slug>/."),
                required=True,
                unique=True,
            ),
            Column("name", "string", _("The agency's name; empty when no source confirms which agency it is.")),
            Column(
                "kind",
                "string",
                _("The kind of agency; empty if not known."),
                enum=("", *choice_values(Department.Kind)),
            ),
            Column("city", "string", _("The city."), required=True),
            Column("state", "string", _("The state's two-letter USPS code."), required=True, enum=choice_values(State)),
            Column(
                "url",
                "string",
                _("The department's page in the directory."),
                source="slug",
                convert=page_url("departments:detail"),
                format="uri",
            ),
            Column("website", "string", _("The agency's official website."), format="uri"),
            Column("latitude", "number", _("Latitude of the city's center, decimal degrees.")),
            Column("longitude", "number", _("Longitude of the city's center, decimal degrees (west is negative).")),
            Column("city_population", "integer", _("The city's population, as its cited source gives it.")),
            Column("city_population_year", "integer", _("The year the population figure describes.")),
            Column(
                "city_population_basis",
                "string",
                BASIS,
                enum=("", *choice_values(FigureBasis)),
            ),
            key(
                "city_population_source",
                _("The population's source (a key of the sources table)."),
                source="city_population_source__key",
            ),
            Column(
                "foreign_born_share",
                "string",
                _("The foreign-born share, worded exactly as its source states it (e.g. '36.1%')."),
            ),
            Column("foreign_born_share_year", "integer", _("The year the foreign-born share describes.")),
            Column(
                "foreign_born_share_basis",
                "string",
                BASIS,
                enum=("", *choice_values(FigureBasis)),
            ),
            key(
                "foreign_born_share_source",
                _("The foreign-born share's source (a key of the sources table)."),
                source="foreign_born_share_source__key",
            ),
            Column(
                "city_size",
                "string",
                _("The city's population band (see practices.city_size)."),
                source="size_band",
                enum=("", *choice_values(SizeBand)),
            ),
            Column(
                "practices",
                "list",
                _("Its published practices (keys of the practices table)."),
                source=joined(published_practices(), "department", "slug"),
            ),
            Column("updated", "datetime", _("When the department's entry was last changed.")),
        ],
        rows=lambda: Department.objects.public().order_by("city", "state", "pk"),
        primary_key=("slug",),
    )
)

recommendations = register(
    Table(
        "recommendations",
        _("Recommendations"),
        _(
            "Recommendations under each strategy area, compiled by this directory from cited public guidance "
            "(not quoted from the NLC report)."
        ),
        [
            key("slug", _("The recommendation's permanent key."), required=True, unique=True),
            Column("title", "string", _("The recommendation."), required=True),
            Column(
                "url",
                "string",
                _("Where the recommendation is on the directory's recommendations page."),
                source="slug",
                convert=lambda value, row, context: context.absolute(
                    reverse("practices:recommendations") + f"#{value}"
                ),
                format="uri",
            ),
            key("area", _("Its strategy area (a key of the areas table)."), source="area__slug"),
            Column("area_name", "string", _("Its strategy area, by name."), source="area__name"),
            Column("position", "integer", _("Its place within the area.")),
            Column("actions", "list", _("Concrete actions, in order."), convert=one_per_line),
            Column("note", "string", _("How exactly the sources support it.")),
            Column(
                "sources",
                "list",
                _("The recommending sources (keys of the sources table)."),
                source=joined(Recommendation.sources.through, "recommendation", "source__key"),
            ),
            Column(
                "example_practices",
                "list",
                _(
                    "Published practices that show it at work (keys of the practices "
                    "table; the why is in recommendation_examples)."
                ),
                source=joined(
                    RecommendationExample.objects.filter(practice__in=published_practices()),
                    "recommendation",
                    "practice__slug",
                ),
            ),
        ],
        rows=lambda: Recommendation.objects.order_by("area__position", "position", "title", "pk"),
        primary_key=("slug",),
        foreign_keys=(("area", "areas", "slug"),),
    )
)

sources = register(
    Table(
        "sources",
        _("Sources"),
        _("Every publication the published content cites. Each keeps its own terms of use."),
        [
            key("key", _("The source's permanent key, as the other tables name it."), required=True, unique=True),
            Column("title", "string", _("Title."), required=True),
            Column("publisher", "string", _("Publisher.")),
            Column("author", "string", _("Authors, separated by semicolons; empty if the source names none.")),
            Column("date", "string", _("As precise as the source allows: 2009-02-25, 2009-02, 2009, or a short note.")),
            Column("url", "string", _("Web address; empty for print-only sources."), format="uri"),
            Column(
                "copy_url",
                "string",
                _("A copy on a document-sharing site, when that is the only address found."),
                format="uri",
            ),
            Column(
                "kind", "string", _("Kind of source; empty if not classified."), enum=("", *choice_values(SourceKind))
            ),
            Column(
                "evidence",
                "string",
                _(
                    "As evidence of a practice's outcomes: evaluation (an independent study), report (an account by "
                    "the program or a partner) or award; empty otherwise."
                ),
                enum=("", *choice_values(EvidenceKind)),
            ),
        ],
        rows=lambda: public_sources().order_by("key"),
        primary_key=("key",),
    )
)

facts = register(
    Table(
        "facts",
        _("Facts"),
        _("The cited facts about each published practice, by section."),
        [
            key("practice", _("The practice (a key of the practices table)."), source="practice__slug", required=True),
            Column(
                "section",
                "string",
                _("The section of the practice's page."),
                required=True,
                enum=choice_values(FactSection),
            ),
            Column("position", "integer", _("Order within the section.")),
            Column("year", "integer", _("For timeline entries and facts since the report: the year of the event.")),
            Column("date", "string", _("Since the report: the date as precisely as the source gives it.")),
            Column(
                "shows",
                "string",
                _("Since the report: what the fact shows about the program (program, recast, ended, related)."),
                enum=("", *choice_values(FactShows)),
            ),
            Column("heading", "string", _("For partners, people and components: the name.")),
            Column("text", "string", _("The fact, in the directory's words; names and figures exact.")),
            Column("correction", "string", _("What an earlier version said, and which source corrected it.")),
            key(
                "source",
                _("The source that states it (a key of the sources table)."),
                source="source__key",
                required=True,
            ),
            Column(
                "also_cited",
                "list",
                _("Other sources that say the same (keys of the sources table)."),
                source=joined(Fact.additional_sources.through, "fact", "source__key"),
            ),
        ],
        rows=lambda: Fact.objects.filter(practice__in=published_practices()).order_by(
            "practice__slug", "section", "position", "pk"
        ),
        foreign_keys=(("practice", "practices", "slug"), ("source", "sources", "key")),
    )
)

practice_communities = register(
    Table(
        "practice_communities",
        _("Communities served"),
        _("That a published practice serves a community, as a source says (one row per source)."),
        [
            key("practice", _("The practice (a key of the practices table)."), source="practice__slug", required=True),
            key(
                "community",
                _("The community (a key of the communities table)."),
                source="community__slug",
                required=True,
            ),
            Column("as_named", "string", _("The source's own wording, e.g. 'Laotian' for Lao.")),
            key("source", _("The source (a key of the sources table)."), source="source__key", required=True),
        ],
        rows=lambda: PracticeCommunity.objects.filter(practice__in=published_practices()).order_by(
            "practice__slug", "community__slug", "pk"
        ),
        foreign_keys=(("practice", "practices", "slug"), ("source", "sources", "key")),
    )
)

practice_languages = register(
    Table(
        "practice_languages",
        _("Languages"),
        _("That a published practice works in a language, as a source says."),
        [
            key("practice", _("The practice (a key of the practices table)."), source="practice__slug", required=True),
            key(
                "language",
                _("The language's ISO 639 code (a key of the languages table)."),
                source="language__code",
                required=True,
            ),
            key("source", _("The source (a key of the sources table)."), source="source__key", required=True),
        ],
        rows=lambda: PracticeLanguage.objects.filter(practice__in=published_practices()).order_by(
            "practice__slug", "language__code"
        ),
        foreign_keys=(("practice", "practices", "slug"), ("source", "sources", "key")),
    )
)

recommendation_examples = register(
    Table(
        "recommendation_examples",
        _("Example practices"),
        _("Published practices that show a recommendation at work, and what each shows."),
        [
            key(
                "recommendation",
                _("The recommendation (a key of the recommendations table)."),
                source="recommendation__slug",
                required=True,
            ),
            key("practice", _("The practice (a key of the practices table)."), source="practice__slug", required=True),
            Column("note", "string", _("What the practice shows, in one sentence.")),
            key("source", _("The source tying the two (a key of the sources table)."), source="source__key"),
            Column("position", "integer", _("Order among the recommendation's examples.")),
        ],
        rows=lambda: RecommendationExample.objects.filter(practice__in=published_practices()).order_by(
            "recommendation__slug", "position", "pk"
        ),
        foreign_keys=(("recommendation", "recommendations", "slug"), ("practice", "practices", "slug")),
    )
)

kinds = register(
    Table(
        "kinds",
        _("Kinds of practice"),
        _("The kinds of practice the entries are tagged with."),
        [
            key("slug", _("The key (the browse filter 'kind')."), required=True, unique=True),
            Column("name", "string", _("Name."), required=True),
            Column("description", "string", _("What the kind covers.")),
            Column("position", "integer", _("Display order.")),
        ],
        rows=lambda: PracticeKind.objects.order_by("position", "name"),
        primary_key=("slug",),
    )
)

areas = register(
    Table(
        "areas",
        _("Strategy areas"),
        _("NLC's four recommendation areas, and the one this directory adds."),
        [
            key("slug", _("The key (the browse filter 'area')."), required=True, unique=True),
            Column("name", "string", _("Name."), required=True),
            Column("goal", "string", _("What the area aims at, in the directory's words.")),
            key("goal_source", _("The goal's source (a key of the sources table)."), source="goal_source__key"),
            Column("goal_note", "string", _("A note on the goal.")),
            Column("is_nlc_area", "boolean", _("Whether the area is one of NLC's (false: the directory's own).")),
            Column("position", "integer", _("Display order.")),
        ],
        rows=lambda: StrategyArea.objects.order_by("position", "name"),
        primary_key=("slug",),
    )
)

communities = register(
    Table(
        "communities",
        _("Communities"),
        _("The immigrant communities practices serve, as a controlled list."),
        [
            key("slug", _("The key (the browse filter 'community')."), required=True, unique=True),
            Column("name", "string", _("Name."), required=True),
            Column("description", "string", _("Which wordings in sources the entry gathers.")),
        ],
        rows=lambda: Community.objects.order_by("name"),
        primary_key=("slug",),
    )
)

languages = register(
    Table(
        "languages",
        _("Languages"),
        _("The languages practices work in."),
        [
            key(
                "code",
                _("ISO 639-1 code where one exists, otherwise ISO 639-3 (the browse filter 'language')."),
                required=True,
                unique=True,
            ),
            Column("name", "string", _("Name."), required=True),
        ],
        rows=lambda: Language.objects.order_by("name"),
        primary_key=("code",),
    )
)

report_notes = register(
    Table(
        "report_notes",
        _("Notes on the report"),
        _("Cited points about the NLC report itself, as the About page shows them."),
        [
            Column("topic", "string", _("Topic."), required=True, enum=choice_values(ReportTopic)),
            Column("position", "integer", _("Order within the topic.")),
            Column("heading", "string", _("Heading.")),
            Column("text", "string", _("The note, in the directory's words.")),
            key("source", _("The source (a key of the sources table)."), source="source__key", required=True),
            Column(
                "read_in_report",
                "boolean",
                _("Whether it was read in the report's own text rather than in a summary of it."),
            ),
        ],
        rows=lambda: ReportNote.objects.order_by("topic", "position", "pk"),
        foreign_keys=(("source", "sources", "key"),),
    )
)


written_policies = register(
    Table(
        "written_policies",
        _("Written policies"),
        _("Departments' policies on immigration status (general orders, executive orders, memos, stated commitments)."),
        [
            key(
                "department",
                _("The department (a key of the departments table)."),
                source="department__slug",
                required=True,
            ),
            Column("name", "string", _("The policy's name, as its source gives it."), required=True),
            Column("kind", "string", _("The kind of policy."), enum=choice_values(PolicyKind)),
            Column("year", "integer", _("The year it was issued.")),
            Column("summary", "string", _("What it says, in the directory's words.")),
            key("source", _("The source (a key of the sources table)."), source="source__key", required=True),
            Column("position", "integer", _("Order among the department's policies.")),
        ],
        rows=lambda: WrittenPolicy.objects.filter(department__in=Department.objects.public()).order_by(
            "department__slug", "position", "pk"
        ),
        foreign_keys=(("department", "departments", "slug"), ("source", "sources", "key")),
    )
)


def published_state_entries():
    return StateEntry.objects.published()


def by_state_name(prefix=""):
    """The states in the order of their names, as the states page lists them."""
    names = sorted(State, key=lambda state: str(state.label))
    return Case(*(When(**{f"{prefix}state": state.value}, then=Value(number)) for number, state in enumerate(names)))


def state_page(value, row, context):
    return context.absolute(reverse("statelaw:detail", kwargs={"code": row["state"].lower()}))


def effects_list(value, row, context):
    return list(value or [])


state_laws = register(
    Table(
        "state_laws",
        _("State law"),
        _(
            "Each state's law on local police and federal immigration enforcement today, as this directory "
            "summarizes it (its laws, rulings, other measures and bills are in the next tables)."
        ),
        [
            Column(
                "state",
                "string",
                _("The state's two-letter USPS code."),
                required=True,
                unique=True,
                enum=choice_values(State),
            ),
            Column(
                "url",
                "string",
                _("The state's page in the directory."),
                source="state",
                convert=state_page,
                format="uri",
            ),
            Column("stance", "string", _("What state law does overall."), enum=choice_values(StateLawStance)),
            Column("summary", "string", _("The law in two or three plain sentences, in the directory's words.")),
            Column(
                "must", "list", _("What local police must do, one duty per item, naming the law."), convert=one_per_line
            ),
            Column(
                "must_not",
                "list",
                _("What local police must not do, one limit per item, naming the law."),
                convert=one_per_line,
            ),
            Column("checked_on", "date", _("When the state's law was last searched for.")),
            Column("sources_through", "string", _("The date of the newest source relied on.")),
            Column("last_reviewed", "date", _("When our editors last checked the entry against its sources.")),
            Column("updated", "datetime", _("When the entry was last changed.")),
        ],
        rows=lambda: published_state_entries().order_by(by_state_name(), "pk"),
        primary_key=("state",),
    )
)


def state_law_part(name, title, description, model, columns, order):
    return register(
        Table(
            name,
            title,
            description,
            [
                key("state", _("The state (a key of the state_laws table)."), source="entry__state", required=True),
                *columns,
                key("source", _("The source (a key of the sources table)."), source="source__key", required=True),
                Column(
                    "also_cited",
                    "list",
                    _("Other sources that say the same (keys of the sources table)."),
                    source=joined(model.additional_sources.through, model.__name__.lower(), "source__key"),
                )
                if hasattr(model, "additional_sources")
                else None,
            ],
            rows=lambda: model.objects.filter(entry__in=published_state_entries()).order_by(
                by_state_name("entry__"), *order
            ),
            foreign_keys=(("state", "state_laws", "state"), ("source", "sources", "key")),
        )
    )


def without_none(table):
    table.columns[:] = [column for column in table.columns if column is not None]
    return table


EFFECTS = _("What it does to local police (keys such as bans_local_limits, requires_detainers).")
state_law_laws = without_none(
    state_law_part(
        "state_law_laws",
        _("State laws"),
        _("The statutes behind each published state entry."),
        Law,
        [
            Column("name", "string", _("The law as the sources name it."), required=True),
            Column("short_name", "string", _("How the directory names it in a sentence, with its year.")),
            Column("title", "string", _("Its title, if it has one.")),
            Column("year", "string", _("The year enacted, as the sources give it.")),
            Column("summary", "string", _("What it does, in the directory's words.")),
            Column("status", "string", _("in_force, partly_blocked, blocked or enacted (not yet in force).")),
            Column("status_note", "string", _("When it was signed, took effect or was blocked.")),
            Column("effects", "list", EFFECTS, convert=effects_list),
            Column("position", "integer", _("Order within the state.")),
        ],
        ["position", "pk"],
    )
)
state_law_rulings = without_none(
    state_law_part(
        "state_law_rulings",
        _("Court rulings"),
        _("Court rulings on each published state's law."),
        CourtRuling,
        [
            Column("case", "string", _("The case and its citation, as the sources give them."), required=True),
            Column("court", "string", _("The court.")),
            Column("date", "string", _("The date of the ruling, or a short note.")),
            Column("holding", "string", _("What it held, in the directory's words.")),
            Column("effects", "list", EFFECTS, convert=effects_list),
            Column("position", "integer", _("Order within the state.")),
        ],
        ["position", "pk"],
    )
)
state_law_measures = without_none(
    state_law_part(
        "state_law_measures",
        _("Other measures"),
        _("Executive orders and other measures in each published state."),
        OtherMeasure,
        [
            Column("name", "string", _("The measure."), required=True),
            Column("date", "string", _("Its date.")),
            Column("summary", "string", _("What it does, in the directory's words.")),
            Column("position", "integer", _("Order within the state.")),
        ],
        ["position", "pk"],
    )
)
state_law_bills = without_none(
    state_law_part(
        "state_law_bills",
        _("Bills"),
        _("Bills in each published state that did not become law, or are pending."),
        Bill,
        [
            Column("name", "string", _("The bill."), required=True),
            Column("year", "string", _("Its year.")),
            Column("outcome", "string", _("pending, vetoed, failed, not_enacted or unconfirmed.")),
            Column("about", "string", _("What it would do, in the directory's words.")),
            Column("position", "integer", _("Order within the state.")),
        ],
        ["position", "pk"],
    )
)


def state_law_citations():
    """Subqueries: the sources that published state-law entries cite."""
    published = published_state_entries()
    found = []
    for model in (Law, CourtRuling, OtherMeasure, Bill):
        found.append(model.objects.filter(entry__in=published, source=OuterRef("pk")))
        if hasattr(model, "additional_sources"):
            link = model.additional_sources.through
            owner = model.__name__.lower()
            found.append(link.objects.filter(**{f"{owner}__entry__in": published}, source=OuterRef("pk")))
    return found


def to_text(value):
    """A published value as CSV text: lists joined, dates in ISO 8601, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return iso(value)
    return str(value)


def iso(value):
    """A date as ISO 8601; a moment in UTC to the second (Table Schema's default datetime form)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
