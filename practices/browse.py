"""Faceted browsing of practices: filters, their option counts, active-filter chips, sorting.

Filters combine with AND across facets and OR within one (``?kind=a&kind=b`` means a or b).
Unknown values are dropped with a notice instead of emptying the page. The page costs a fixed
number of queries whatever the directory's size: one for the filter options, one per linked facet,
one for all the facets read from a practice's own row, its department and its state (state, state law,
city size, status today, evidence, policy on record), the result count, the page and the page's kinds.
A search adds the curated synonyms and, for several words, which practices match which word and the
best of those that match only some (with their kinds); a search that finds nothing may read the
directory's words for "did you mean" (practices/search_display.py).
The ``law`` facet is the stance of the practice's state today (its published state-law entry).
"""

from dataclasses import dataclass, field
from functools import cached_property

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from config.typed import as_typed
from departments.models import SizeBand
from departments.states import State
from statelaw.models import Stance, StateEntry

from .models import CurrentStatus, EvidenceLevel, Practice, PracticeCommunity, PracticeLanguage, vocabulary_choices
from .models.practice import policy_on_record
from .search import clean_query, matches_by_group, parse
from .search_display import did_you_mean, highlight, snippet

PAGE_SIZE = 20
# Practices that match some but not all of the visitor's words, shown after those that match them all.
PARTIAL_LIMIT = 10

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
    "area": _("Recommendation area"),
    "state": _("State"),
    "law": _("State law today"),
    "community": _("Community served"),
    "language": _("Language"),
    "size": _("City size"),
    "status": _("Status today"),
    "evidence": _("Evidence behind its outcomes"),
    "policy": _("Immigration policy on record"),
}
FACET_ORDER = ["kind", "area", "status", "evidence", "policy", "state", "law", "community", "language", "size"]


def stance_of_state():
    """The stance of the published state-law entry for a practice's state (None if there is none)."""
    entries = StateEntry.objects.published().filter(state=OuterRef("department__state"))
    # No ordering: PostgreSQL refuses an ORDER BY inside a subquery the facet counts group by.
    return Subquery(entries.order_by().values("stance")[:1])


# Facets read from the practice's own row or its department: counted together in one grouped query.
FIELD_FACETS = {
    "state": "department__state",
    "law": "law",
    "size": "department__size_band",
    "status": "current_status",
    "evidence": "evidence_level",
    "policy": "policy_on_record",
}
POLICY_CHOICES = [
    ("written", _("Written policy (general order, executive order, memo...)")),
    ("commitment", _("Public commitment by its leaders only")),
]


def with_policy_on_record(queryset):
    """Practices annotated with their department's strongest policy on record: 'written', 'commitment' or ''."""
    return queryset.annotate(policy_on_record=policy_on_record())


SORTS = {
    "relevance": (_("Best match"), ["-rank", F("report_order").asc(nulls_last=True), "title"]),
    "report": (_("Order in the report"), [F("report_order").asc(nulls_last=True), "title"]),
    "city": (_("City (A to Z)"), ["department__city", "department__state", "title"]),
    "year": (_("Year started (oldest first)"), [F("year_started").asc(nulls_last=True), "title"]),
    "-year": (_("Year started (newest first)"), [F("year_started").desc(nulls_last=True), "title"]),
}


class KnownValuesField(forms.MultipleChoiceField):
    """A facet's values from the query string: keeps those it knows, notes the rest instead of failing.

    A shared link may name a vocabulary entry a curator has since renamed; the page drops it
    with a notice rather than showing nothing.
    """

    def __init__(self, *args, normalize=str.strip, **kwargs):
        self.normalize = normalize
        self.ignored = []
        kwargs["required"] = False
        super().__init__(*args, **kwargs)

    def clean(self, value):
        known = {str(choice) for choice, _label in self.choices}
        kept, self.ignored = [], []
        for raw in self.to_python(value):
            choice = self.normalize(raw)
            if choice in known:
                if choice not in kept:
                    kept.append(choice)
            elif choice:
                self.ignored.append(as_typed(raw))
        return kept


class SearchField(forms.CharField):
    def clean(self, value):
        return clean_query(value)


class FacetFilter(django_filters.MultipleChoiceFilter):
    field_class = KnownValuesField

    def filter(self, qs, value):
        return super().filter(qs, value) if value else qs


class LinkedFacetFilter(FacetFilter):
    """A facet stored in a link table: one EXISTS per facet, whatever the number of values."""

    def filter(self, qs, value):
        if not value:
            return qs
        link_model, lookup = LINKED_FACETS[self.field_name]
        links = link_model.objects.filter(practice_id=OuterRef("pk"), **{f"{lookup}__in": value})
        return qs.filter(Exists(links))


class StateLawFilter(FacetFilter):
    """Practices in states whose law has one of the chosen stances."""

    def filter(self, qs, value):
        if not value:
            return qs
        entries = StateEntry.objects.published().filter(state=OuterRef("department__state"), stance__in=value)
        return qs.filter(Exists(entries))


class PracticeFilter(django_filters.FilterSet):
    """What a valid browse request is: its form fields decide which values exist."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = LinkedFacetFilter(label=FACET_LABELS["kind"], field_name="kind")
    area = LinkedFacetFilter(label=FACET_LABELS["area"], field_name="area")
    state = FacetFilter(
        label=FACET_LABELS["state"],
        field_name="department__state",
        choices=State.choices,
        distinct=False,
        normalize=lambda raw: raw.strip().upper(),
    )
    law = StateLawFilter(label=FACET_LABELS["law"], field_name="law", choices=Stance.choices)
    community = LinkedFacetFilter(label=FACET_LABELS["community"], field_name="community")
    language = LinkedFacetFilter(label=FACET_LABELS["language"], field_name="language")
    size = FacetFilter(
        label=FACET_LABELS["size"], field_name="department__size_band", choices=SizeBand.choices, distinct=False
    )
    status = FacetFilter(
        label=FACET_LABELS["status"], field_name="current_status", choices=CurrentStatus.choices, distinct=False
    )
    evidence = FacetFilter(
        label=FACET_LABELS["evidence"], field_name="evidence_level", choices=EvidenceLevel.choices, distinct=False
    )
    policy = FacetFilter(
        label=FACET_LABELS["policy"], field_name="policy_on_record", choices=POLICY_CHOICES, distinct=False
    )

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data, *, vocabularies, queryset, **kwargs):
        super().__init__(data, queryset=with_policy_on_record(queryset), **kwargs)
        self.filters["q"].field_class = SearchField
        for name in LINKED_FACETS:
            self.filters[name].extra["choices"] = vocabularies[name]

    @cached_property
    def parsed_query(self):
        """The search, read once (with the curated synonyms) for every count the page makes."""
        return parse(self.values.get("q", ""))

    def filter_search(self, queryset, name, value):
        return queryset.search(self.parsed_query) if value else queryset

    @cached_property
    def values(self):
        """The cleaned request: {filter name: value}, unknown values dropped."""
        self.is_valid()
        return self.form.cleaned_data

    @property
    def ignored(self):
        """(facet label, raw value) for each value the request named that no option has."""
        self.is_valid()
        return [
            (FACET_LABELS[name], raw) for name in FACET_ORDER for raw in getattr(self.form.fields[name], "ignored", [])
        ]

    def choices(self, name):
        return list(self.form.fields[name].choices)

    def filtered(self, without=()):
        """The practices the request finds, leaving out the filters in ``without`` (for facet counts)."""
        queryset = self.queryset
        for name, value in self.values.items():
            if name not in without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


def option_label(name, value, label, directory_areas):
    """An option's label; the strategy areas this directory adds say so, so no one takes them for NLC's."""
    if name == "area" and value in directory_areas:
        return _("%(area)s (this directory's, not NLC's)") % {"area": label}
    return label


# A facet shows this many options (those chosen, then those finding the most) and folds the rest under
# "show all"; a longer list also gets a box to find an option by name (static/js/filters.js).
FOLDED_AT = 5
FINDABLE_AT = 10
# The glossary entry (templates/practices/glossary.html) that explains a facet's words.
FACET_GLOSSARY = {
    "area": "recommendation-area",
    "law": "state-law",
    "size": "city-size",
    "status": "status-today",
    "evidence": "evidence",
    "policy": "policy-on-record",
}


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)

    @cached_property
    def top(self):
        """The options shown unfolded, in the list's own order: every chosen one, then the most found."""
        if len(self.options) <= FOLDED_AT + 1:
            return self.options
        chosen = [option for option in self.options if option.selected]
        others = sorted((option for option in self.options if not option.selected), key=lambda option: -option.count)
        shown = {id(option) for option in chosen + others[: max(0, FOLDED_AT - len(chosen))]}
        return [option for option in self.options if id(option) in shown]

    @property
    def rest(self):
        shown = {id(option) for option in self.top}
        return [option for option in self.options if id(option) not in shown]

    @property
    def findable(self):
        return len(self.options) >= FINDABLE_AT

    @property
    def glossary(self):
        return FACET_GLOSSARY.get(self.name)


@dataclass
class PartialMatches:
    total: int
    practices: list  # the best PARTIAL_LIMIT, each with ``matched_words``


@dataclass
class Chip:
    label: str
    remove: dict  # the query-string change that removes this filter


class PracticeBrowse:
    """What one visit to the browse page asked for, and what it finds."""

    def __init__(self, params: QueryDict, queryset):
        self.published = queryset
        self.vocabularies = vocabulary_choices()
        self.filterset = PracticeFilter(params, queryset=queryset, vocabularies=self.vocabularies)
        self.data = self.filterset.values
        self.query = self.data.get("q", "")
        self.ignored = self.filterset.ignored
        self.sort, sort_ignored = self._sort(params.get("sort"))
        self.ignored += sort_ignored
        self.parsed = self.filterset.parsed_query

    def _sort(self, requested):
        default = "relevance" if self.query else "report"
        if not requested:
            return default, []
        if requested not in SORTS:
            return default, [(_("Sort"), as_typed(requested))]
        if requested == "relevance" and not self.query:
            return default, []
        return requested, []

    @property
    def results(self):
        return (
            self.filterset.filtered()
            .select_related("department")
            .prefetch_related("kinds")
            .order_by(*SORTS[self.sort][1])
        )

    def page(self, number):
        return Paginator(self.results, PAGE_SIZE).get_page(number)

    @cached_property
    def word_hits(self):
        """{practice id: {index of a word (group) it matches: rank}}, under the other filters."""
        return matches_by_group(self.filterset.filtered(without={"q"}), self.parsed)

    @property
    def asks_several_things(self):
        return len(self.parsed.groups) > 1

    @cached_property
    def partial_matches(self):
        """The practices that match some of the visitor's words but not all, most words first."""
        wanted = len(self.parsed.groups)
        if wanted < 2:
            return PartialMatches(0, [])
        hits = {pk: found for pk, found in self.word_hits.items() if len(found) < wanted}
        best = sorted(hits, key=lambda pk: (-len(hits[pk]), -sum(hits[pk].values()), pk))[:PARTIAL_LIMIT]
        loaded = with_policy_on_record(self.published).filter(pk__in=best).select_related("department")
        by_pk = {practice.pk: practice for practice in loaded.prefetch_related("kinds")}
        practices = []
        for pk in best:
            practice = by_pk.get(pk)
            if practice is None:  # unpublished between the two queries
                continue
            practice.matched_words = [self.parsed.groups[index].label for index in sorted(hits[pk])]
            practices.append(practice)
        return PartialMatches(len(hits), self.with_snippets(practices))

    def suggestion(self, found):
        """A "did you mean" query when the search ``found`` nothing and some of its words, matching nothing
        here, are near misses of the directory's own words. (When it found practices, every word matched.)"""
        if found or not self.parsed.groups:
            return None
        matched = {index for groups in self.word_hits.values() for index in groups}
        missing = {index for index in range(len(self.parsed.groups)) if index not in matched}
        return did_you_mean(self.parsed, missing, self.published) if missing else None

    def with_snippets(self, practices):
        """Each practice with its title's matched words marked and a snippet saying why it matched."""
        practices = list(practices)
        if self.parsed.groups:
            for practice in practices:
                practice.title_segments = highlight(practice.title, self.parsed)
                practice.snippet = snippet(practice, self.parsed)
        return practices

    @property
    def sort_choices(self):
        names = [name for name in SORTS if name != "relevance" or self.query]
        return [(name, SORTS[name][0]) for name in names]

    def facets(self):
        counts = {}
        for name, (link_model, lookup) in LINKED_FACETS.items():
            rows = (
                link_model.objects.filter(practice__in=self.filterset.filtered(without={name}).values("pk"))
                .values(lookup)
                .annotate(count=Count("practice_id", distinct=name in REPEATABLE_LINKS))
                .values_list(lookup, "count")
            )
            counts[name] = dict(rows)
        counts.update(self._field_counts())
        directory_areas = self.vocabularies["directory_areas"]
        facets = []
        for name in FACET_ORDER:
            selected = set(self.data[name])
            options = [
                Option(
                    value,
                    option_label(name, value, label, directory_areas),
                    counts[name].get(value, 0),
                    value in selected,
                )
                for value, label in self.filterset.choices(name)
            ]
            # Offer only the options that would find something, plus any the visitor chose.
            options = [option for option in options if option.selected or option.count]
            facets.append(Facet(name, FACET_LABELS[name], options))
        return facets

    def _field_counts(self):
        """Counts for the facets of FIELD_FACETS from one grouped query; each facet ignores its own filter
        and applies the others'."""
        names = list(FIELD_FACETS)
        lookups = [FIELD_FACETS[name] for name in names]
        rows = list(
            self.filterset.filtered(without=set(names))
            .annotate(law=stance_of_state())
            .values(*lookups)
            .annotate(count=Count("pk"))
            .values_list(*lookups, "count")
        )
        selected = {name: set(self.data[name]) for name in names}
        counts = {name: {} for name in names}
        for *values, count in rows:
            row = dict(zip(names, values, strict=True))
            for name in names:
                others_match = all(
                    not selected[other] or row[other] in selected[other] for other in names if other != name
                )
                if others_match:
                    counts[name][row[name]] = counts[name].get(row[name], 0) + count
        return counts

    def chips(self):
        chips = []
        if self.query:
            chips.append(Chip(_("Search: “%(query)s”") % {"query": self.query}, {"q": None, "page": None}))
        for name in FACET_ORDER:
            labels = dict(self.filterset.choices(name))
            values = self.data[name]
            for value in values:
                remaining = [other for other in values if other != value] or None
                label = f"{FACET_LABELS[name]}: {labels[value]}"
                chips.append(Chip(label, {name: remaining, "page": None}))
        return chips

    @cached_property
    def state(self):
        """The cleaned query string: what links on the page build on (never the raw request)."""
        state = QueryDict(mutable=True)
        if self.query:
            state["q"] = self.query
        for name in FACET_ORDER:
            if self.data[name]:
                state.setlist(name, self.data[name])
        if self.sort != ("relevance" if self.query else "report"):
            state["sort"] = self.sort
        return state

    @property
    def is_filtered(self):
        return bool(self.query) or any(self.data[name] for name in FACET_ORDER)
