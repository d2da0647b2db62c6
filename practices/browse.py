"""Faceted browsing of practices: filters, their option counts, active-filter chips, sorting.

Filters combine with AND across facets and OR within one (``?kind=a&kind=b`` means a or b).
Unknown values are dropped with a notice instead of emptying the page. The page costs a fixed
number of queries whatever the directory's size: one for the filter options, one per facet
(state and city size share one), the result count, the page and the page's kinds.
"""

from dataclasses import dataclass, field
from functools import cached_property

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Value
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from departments.models import SizeBand
from departments.states import State

from .models import Community, Language, Practice, PracticeCommunity, PracticeKind, PracticeLanguage, StrategyArea
from .search import clean_query

PAGE_SIZE = 20

# Facets backed by a link table: (link model, the lookup that names the option).
LINKED_FACETS = {
    "kind": (Practice.kinds.through, "practicekind__slug"),
    "area": (Practice.areas.through, "strategyarea__slug"),
    "community": (PracticeCommunity, "community__slug"),
    "language": (PracticeLanguage, "language__code"),
}
# A practice names a community once per source that says so; its other links are unique per
# practice (a database constraint), so those counts need no DISTINCT, which costs a sort.
REPEATABLE_LINKS = {"community"}
FACET_LABELS = {
    "kind": _("Kind of practice"),
    "area": _("Strategy area"),
    "state": _("State"),
    "community": _("Community served"),
    "language": _("Language"),
    "size": _("City size"),
}
FACET_ORDER = ["kind", "area", "state", "community", "language", "size"]

SORTS = {
    "relevance": (_("Best match"), ["-rank", F("report_order").asc(nulls_last=True), "title"]),
    "report": (_("Order in the report"), [F("report_order").asc(nulls_last=True), "title"]),
    "city": (_("City (A to Z)"), ["department__city", "department__state", "title"]),
    "year": (_("Year started (oldest first)"), [F("year_started").asc(nulls_last=True), "title"]),
    "-year": (_("Year started (newest first)"), [F("year_started").desc(nulls_last=True), "title"]),
}


def filter_options():
    """{facet: [(value, label)]} for every facet, reading the four vocabularies in one query."""
    parts = [
        PracticeKind.objects.annotate(facet=Value("kind")).values_list("facet", "slug", "name", "position"),
        StrategyArea.objects.annotate(facet=Value("area")).values_list("facet", "slug", "name", "position"),
        Community.objects.annotate(facet=Value("community"), position=Value(0)).values_list(
            "facet", "slug", "name", "position"
        ),
        Language.objects.annotate(facet=Value("language"), position=Value(0)).values_list(
            "facet", "code", "name", "position"
        ),
    ]
    parts = [part.order_by() for part in parts]
    rows = sorted(parts[0].union(*parts[1:], all=True), key=lambda row: (row[3], row[2]))
    options = {name: [] for name in LINKED_FACETS}
    for facet, value, label, _position in rows:
        options[facet].append((value, label))
    options["state"] = list(State.choices)
    options["size"] = list(SizeBand.choices)
    return options


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.MultipleChoiceFilter(label=FACET_LABELS["kind"], method="filter_linked")
    area = django_filters.MultipleChoiceFilter(label=FACET_LABELS["area"], method="filter_linked")
    state = django_filters.MultipleChoiceFilter(
        label=FACET_LABELS["state"], field_name="department__state", choices=State.choices, distinct=False
    )
    community = django_filters.MultipleChoiceFilter(label=FACET_LABELS["community"], method="filter_linked")
    language = django_filters.MultipleChoiceFilter(label=FACET_LABELS["language"], method="filter_linked")
    size = django_filters.MultipleChoiceFilter(
        label=FACET_LABELS["size"], field_name="department__size_band", choices=SizeBand.choices, distinct=False
    )

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data, *, options, **kwargs):
        super().__init__(data, **kwargs)
        for name in LINKED_FACETS:
            self.filters[name].extra["choices"] = options[name]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_linked(self, queryset, name, values):
        link_model, lookup = LINKED_FACETS[name]
        links = link_model.objects.filter(practice_id=OuterRef("pk"), **{f"{lookup}__in": values})
        return queryset.filter(Exists(links))


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)

    @property
    def selected_count(self):
        return sum(option.selected for option in self.options)


@dataclass
class Chip:
    label: str
    remove: dict  # the query-string change that removes this filter


class PracticeBrowse:
    """What one visit to the browse page asked for, and what it finds."""

    def __init__(self, params: QueryDict, queryset):
        self.base = queryset
        self.options = filter_options()
        self.data, self.ignored = self._clean(params)
        self.query = self.data.get("q", "")
        self.sort, sort_ignored = self._sort(params.get("sort"))
        self.ignored += sort_ignored
        self.filterset = PracticeFilter(self.data, queryset=queryset, options=self.options)

    def _clean(self, params):
        """Keep the values we know; note the others so the page can say it ignored them."""
        data, ignored = QueryDict(mutable=True), []
        query = clean_query(params.get("q"))
        if query:
            data["q"] = query
        for name, choices in self.options.items():
            known = dict(choices)
            kept = []
            for raw in params.getlist(name):
                value = raw.strip().upper() if name == "state" else raw.strip()
                if value in known:
                    if value not in kept:
                        kept.append(value)
                elif value:
                    ignored.append((FACET_LABELS[name], raw[:60]))
            data.setlist(name, kept)
        return data, ignored

    def _sort(self, requested):
        default = "relevance" if self.query else "report"
        if not requested:
            return default, []
        if requested not in SORTS:
            return default, [(_("Sort"), requested[:60])]
        if requested == "relevance" and not self.query:
            return default, []
        return requested, []

    @property
    def results(self):
        return self.filterset.qs.select_related("department").prefetch_related("kinds").order_by(*SORTS[self.sort][1])

    def page(self, number):
        return Paginator(self.results, PAGE_SIZE).get_page(number)

    @property
    def sort_choices(self):
        names = [name for name in SORTS if name != "relevance" or self.query]
        return [(name, SORTS[name][0]) for name in names]

    def _without(self, *names):
        data = self.data.copy()
        for name in names:
            data.setlist(name, [])
        return PracticeFilter(data, queryset=self.base, options=self.options).qs

    def facets(self):
        counts = {}
        for name, (link_model, lookup) in LINKED_FACETS.items():
            rows = (
                link_model.objects.filter(practice__in=self._without(name).values("pk"))
                .values(lookup)
                .annotate(count=Count("practice_id", distinct=name in REPEATABLE_LINKS))
                .values_list(lookup, "count")
            )
            counts[name] = dict(rows)
        counts.update(self._place_counts())
        facets = []
        for name in FACET_ORDER:
            selected = set(self.data.getlist(name))
            options = [
                Option(value, label, counts[name].get(value, 0), value in selected)
                for value, label in self.options[name]
            ]
            # Offer only the options that would find something, plus any the visitor chose.
            options = [option for option in options if option.selected or option.count]
            facets.append(Facet(name, FACET_LABELS[name], options))
        return facets

    def _place_counts(self):
        """State and city-size counts from one grouped query (each facet ignores its own filter)."""
        rows = list(
            self._without("state", "size")
            .values("department__state", "department__size_band")
            .annotate(count=Count("pk"))
            .values_list("department__state", "department__size_band", "count")
        )
        states, sizes = set(self.data.getlist("state")), set(self.data.getlist("size"))
        state_counts, size_counts = {}, {}
        for state, size, count in rows:
            if not sizes or size in sizes:
                state_counts[state] = state_counts.get(state, 0) + count
            if not states or state in states:
                size_counts[size] = size_counts.get(size, 0) + count
        return {"state": state_counts, "size": size_counts}

    def chips(self):
        chips = []
        if self.query:
            chips.append(Chip(_("Search: “%(query)s”") % {"query": self.query}, {"q": None, "page": None}))
        for name in FACET_ORDER:
            labels = dict(self.options[name])
            values = self.data.getlist(name)
            for value in values:
                remaining = [other for other in values if other != value] or None
                label = f"{FACET_LABELS[name]}: {labels[value]}"
                chips.append(Chip(label, {name: remaining, "page": None}))
        return chips

    @cached_property
    def state(self):
        """The cleaned query string: what links on the page build on (never the raw request)."""
        state = QueryDict(mutable=True)
        for name, values in self.data.lists():
            if values:
                state.setlist(name, values)
        if self.sort != ("relevance" if self.query else "report"):
            state["sort"] = self.sort
        return state

    @property
    def is_filtered(self):
        return bool(self.query) or any(self.data.getlist(name) for name in FACET_ORDER)
