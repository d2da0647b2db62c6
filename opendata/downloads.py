"""Which lists of the site can be downloaded, and how each finds the rows its page shows.

A new list is one ``offer()`` call: the table (see tables.py), the page it comes from, and, if the
page filters, how to read the page's rows from a request.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from practices.browse import LINKED_FACETS, SORTS, PracticeBrowse
from practices.models import Practice
from statelaw.listing import stances_asked

from . import tables
from .tables import Context


@dataclass(frozen=True)
class Download:
    name: str
    table: tables.Table
    page: str  # the route of the page it downloads
    rows: Any = None  # request -> (queryset, context, the page's query string); None: the whole table

    def read(self, request):
        """(records, the address of the page they come from)."""
        if self.rows is None:
            queryset, context, query = None, Context(request.build_absolute_uri), ""
        else:
            queryset, context, query = self.rows(request)
        return self.table.records(context, queryset), query

    def filename(self):
        return f"{self.name}-{timezone.localdate().isoformat()}"


DOWNLOADS = {}


def offer(name, table, page, rows=None):
    DOWNLOADS[name] = Download(name, table, page, rows)


def browse_rows(request):
    """Exactly the browse page's practices: its FilterSet, its order, every page at once."""
    browse = PracticeBrowse(request.GET, Practice.objects.published())
    queryset = browse.filterset.filtered().order_by(*SORTS[browse.sort][1])
    # The FilterSet has read the vocabularies already; the rows name them from the same lists.
    vocabularies = {facet: browse.filterset.choices(facet) for facet in LINKED_FACETS}
    return queryset, Context(request.build_absolute_uri, vocabularies), browse.state.urlencode()


offer("practices", tables.practices, "practices:list", browse_rows)
offer("departments", tables.departments, "departments:list")
offer("recommendations", tables.recommendations, "practices:recommendations")


def state_law_rows(request):
    """The states page's entries: its stance filter (unknown values dropped, as the page drops them)."""
    stances, _ignored = stances_asked(request.GET.getlist("stance"))
    queryset = tables.state_laws.rows()
    if stances:
        queryset = queryset.filter(stance__in=stances)
    query = "&".join(f"stance={value}" for value in stances)
    return queryset, Context(request.build_absolute_uri), query


offer("state-laws", tables.state_laws, "statelaw:list", state_law_rows)
