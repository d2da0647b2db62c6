"""The read-only JSON API, /api/v1/: the directory's public data, with the browse page's filters.

Built on django-ninja: its typed parameters and pydantic schemas give a validated OpenAPI 3
schema for free, and the response shapes come from the open-data tables (see schemas.py), so a
field is defined once for the downloads, the dataset release and the API. Every endpoint costs a
fixed number of queries. Bad parameters get a 400 with a message (never a 500 or a silent guess).
"""

from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError

from curation.fields import SLUG_PATTERN
from departments.models import Department, SizeBand
from departments.states import State
from opendata import tables
from opendata.tables import Context
from practices.browse import LINKED_FACETS, SORTS, PracticeBrowse, PracticeFilter
from practices.models import Practice

from . import schemas

MAX_PAGE_SIZE = 100
# Far past any real directory's last page; keeps offsets within what every database accepts.
MAX_PAGE = 100_000

api = NinjaAPI(
    title="Immigrant Public-Safety Practices directory API",
    version="1.0.0",
    description=(
        "Read-only access to the directory's published practices, their departments, facts and sources, "
        "the recommendations and the vocabularies. The directory's own text and data are licensed CC BY 4.0; "
        "the sources it cites keep their own terms. No key is needed."
    ),
    urls_namespace="api",
    docs_url=None,  # the docs page is rendered by this site (api/docs.py), under the strict CSP
    openapi_url="/openapi.json",
)
ERRORS = {400: schemas.Error}
# Keys are slugs (lowercase letters and digits, single hyphens or underscores between): anything else
# cannot name an entry, and is refused before it reaches the database.
Key = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80, description="The entry's key (a slug).")]
NOT_FOUND = {400: schemas.Error, 404: schemas.Error}


@api.exception_handler(ValidationError)
def bad_parameters(request, error):
    problems = []
    for item in error.errors:
        where = ".".join(str(part) for part in item.get("loc", ())[1:]) or _("request")
        if item.get("type") == "string_pattern_mismatch":
            message = _("not a key (keys are lowercase letters and digits, with single hyphens or underscores)")
        else:
            message = item.get("msg", _("not valid"))
        problems.append(f"{where}: {message}")
    return api.create_response(request, {"detail": "; ".join(problems)}, status=400)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": str(error) or _("Not found.")}, status=404)


class BadRequest(Exception):
    pass


@api.exception_handler(BadRequest)
def bad_request(request, error):
    return api.create_response(request, {"detail": str(error)}, status=400)


def choices_of(name):
    """The values a browse filter takes, as the FilterSet declares them (the one list of them)."""
    return Literal[tuple(str(value) for value, _label in PracticeFilter.base_filters[name].extra["choices"])]


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page, from 1.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=f"Rows a page, 1 to {MAX_PAGE_SIZE}.")


class PracticeFilters(Paging):
    q: str = Field("", max_length=200, description="Words to search for, as on the browse page.")
    kind: list[str] = Field([], description="Kind of practice keys (see /vocabularies); repeat to OR them.")
    area: list[str] = Field([], description="Strategy area keys.")
    state: list[str] = Field([], description="USPS state codes, e.g. IA.")
    community: list[str] = Field([], description="Community keys.")
    language: list[str] = Field([], description="Language codes.")
    size: list[choices_of("size")] = Field([], description="City size bands.")  # type: ignore[valid-type]
    status: list[choices_of("status")] = Field([], description="Status today.")  # type: ignore[valid-type]
    evidence: list[choices_of("evidence")] = Field(  # type: ignore[valid-type]
        [], description="The strongest evidence behind its outcomes."
    )
    policy: list[choices_of("policy")] = Field(  # type: ignore[valid-type]
        [], description="The department's policy on immigration status on record."
    )
    law: list[choices_of("law")] = Field([], description="The stance of the state's law today.")  # type: ignore[valid-type]
    sort: Literal[tuple(SORTS)] | None = Field(  # type: ignore[valid-type]
        None, description="Order: report (default), city, year, -year; relevance (default with q)."
    )


def context(request, vocabularies=None):
    return Context(request.build_absolute_uri, vocabularies)


def paginate(request, queryset, table, paging, rows_context):
    paginator = Paginator(queryset, paging.page_size)
    count = paginator.count
    if paging.page > max(paginator.num_pages, 1):
        raise Http404(
            _("There is no page %(page)s; the last page is %(last)s.")
            % {"page": paging.page, "last": paginator.num_pages}
        )
    start = (paging.page - 1) * paging.page_size
    results = list(table.records(rows_context, queryset[start : start + paging.page_size]))

    def link(page):
        query = request.GET.copy()
        query["page"] = page
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": paging.page,
        "pages": paginator.num_pages,
        "page_size": paging.page_size,
        "next": link(paging.page + 1) if paging.page < paginator.num_pages else None,
        "previous": link(paging.page - 1) if paging.page > 1 else None,
        "results": results,
    }


@api.get("/practices", response={200: schemas.PracticePage, **NOT_FOUND}, tags=["practices"])
def list_practices(request, filters: Query[PracticeFilters]):
    """Published practices, filtered and ordered exactly as the browse page does.

    Values OR within a filter and AND across filters. An unknown value is an error here (the browse
    page ignores it with a notice): the valid ones are listed by /vocabularies.
    """
    browse = PracticeBrowse(request.GET, Practice.objects.published())
    if browse.ignored:
        raise BadRequest(
            _("Unknown values: %(values)s. /api/v1/vocabularies lists the valid ones.")
            % {"values": "; ".join(f"{label}: “{value}”" for label, value in browse.ignored)}
        )
    if filters.sort == "relevance" and not browse.query:
        raise BadRequest(_("sort=relevance needs search words in q."))
    queryset = browse.filterset.filtered().order_by(*SORTS[browse.sort][1])
    vocabularies = {facet: browse.filterset.choices(facet) for facet in LINKED_FACETS}
    return paginate(request, queryset, tables.practices, filters, context(request, vocabularies))


def first_record(table, request, queryset):
    record = next(table.records(context(request), queryset), None)
    if record is None:
        raise Http404(_("No entry has this key."))
    return record


def sources_with_keys(request, keys):
    keys = sorted({key for key in keys if key})
    return list(tables.sources.records(context(request), tables.sources.rows().filter(key__in=keys)))


@api.get("/practices/{slug}", response={200: schemas.PracticeDetail, **NOT_FOUND}, tags=["practices"])
def practice(request, slug: Key):
    """One published practice with its facts, tags and their sources, recommendations, department and sources."""
    rows_context = context(request)
    practice = next(tables.practices.records(rows_context, Practice.objects.published().filter(slug=slug)), None)
    if practice is None:
        raise Http404(_("No published practice has this slug."))

    def parts(table, **filters):
        rows = table.rows().filter(**filters)
        return [
            {name: value for name, value in record.items() if name != "practice"}
            for record in table.records(rows_context, rows)
        ]

    facts = parts(tables.facts, practice__slug=slug)
    names = rows_context.vocabularies
    communities = [
        {**link, "name": dict(names["community"]).get(link["community"], "")}
        for link in parts(tables.practice_communities, practice__slug=slug)
    ]
    languages = [
        {**link, "name": dict(names["language"]).get(link["language"], "")}
        for link in parts(tables.practice_languages, practice__slug=slug)
    ]
    examples = list(
        tables.recommendation_examples.records(
            rows_context, tables.recommendation_examples.rows().filter(practice__slug=slug)
        )
    )
    department = first_record(tables.departments, request, Department.objects.filter(slug=practice["department"]))
    keys = [practice["year_started_source"]]
    keys += [fact["source"] for fact in facts] + [key for fact in facts for key in fact["also_cited"]]
    keys += [link["source"] for link in communities + languages + examples]
    keys += [department["city_population_source"], department["foreign_born_share_source"]]
    return {
        **practice,
        "department_details": department,
        "facts": facts,
        "communities_served": communities,
        "languages_used": languages,
        "illustrates": examples,
        "sources": sources_with_keys(request, keys),
    }


@api.get("/departments", response={200: schemas.DepartmentPage, **NOT_FOUND}, tags=["departments"])
def list_departments(request, paging: Query[Paging]):
    """Departments with at least one published practice, by city."""
    return paginate(request, tables.departments.rows(), tables.departments, paging, context(request))


@api.get("/departments/{slug}", response={200: schemas.DepartmentDetail, **NOT_FOUND}, tags=["departments"])
def department(request, slug: Key):
    """One department, with the sources of its city's facts."""
    record = first_record(tables.departments, request, tables.departments.rows().filter(slug=slug))
    keys = [record["city_population_source"], record["foreign_born_share_source"]]
    return {**record, "sources": sources_with_keys(request, keys)}


@api.get("/recommendations", response={200: list[schemas.Recommendation], **ERRORS}, tags=["recommendations"])
def list_recommendations(request):
    """Every recommendation, by strategy area, in the recommendations page's order."""
    return list(tables.recommendations.records(context(request)))


@api.get("/recommendations/{slug}", response={200: schemas.RecommendationDetail, **NOT_FOUND}, tags=["recommendations"])
def recommendation(request, slug: Key):
    """One recommendation, with its example practices and its sources."""
    record = first_record(tables.recommendations, request, tables.recommendations.rows().filter(slug=slug))
    examples = list(
        tables.recommendation_examples.records(
            context(request), tables.recommendation_examples.rows().filter(recommendation__slug=slug)
        )
    )
    keys = record["sources"] + [example["source"] for example in examples]
    return {**record, "examples": examples, "cited": sources_with_keys(request, keys)}


@api.get("/sources", response={200: schemas.SourcePage, **NOT_FOUND}, tags=["sources"])
def list_sources(request, paging: Query[Paging]):
    """Every source that published content cites, by key."""
    return paginate(request, tables.sources.rows(), tables.sources, paging, context(request))


@api.get("/sources/{key}", response={200: schemas.Source, **NOT_FOUND}, tags=["sources"])
def source(request, key: Key):
    """One source."""
    return first_record(tables.sources, request, tables.sources.rows().filter(key=key))


@api.get("/vocabularies", response={200: schemas.Vocabularies, **ERRORS}, tags=["vocabularies"])
def vocabularies(request):
    """The values the practices filters take, with their names."""
    rows_context = context(request, vocabularies={})

    def every(table):
        return list(table.records(rows_context))

    return {
        "kinds": every(tables.kinds),
        "areas": every(tables.areas),
        "communities": every(tables.communities),
        "languages": every(tables.languages),
        "states": [{"key": state.value, "name": str(state.label)} for state in State],
        "city_sizes": [{"key": size.value, "name": str(size.label)} for size in SizeBand],
        "sorts": [{"key": key, "name": str(label)} for key, (label, _order) in SORTS.items()],
    }
