"""Which practices a /compare/ address names, and what to tell the visitor about the rest.

``?p=<slug>&p=<slug>...`` in the order given. Blank and repeated values are dropped; a value that
names no published practice (a typo, a draft, an old link) is left out with a notice, as are
practices past the fourth. Nothing a visitor types can turn into an error page.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F
from django.http import QueryDict
from django.urls import reverse

from config.typed import as_typed
from practices.models import Practice

MIN_PRACTICES, MAX_PRACTICES = 2, 4
# Only this many values are read: more is no honest request, and each one costs a look-up.
MAX_VALUES = 12
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG_LENGTH = 80
SUGGESTIONS = 20
SEARCH_RESULTS = 10


def compare_url(slugs, **extra):
    """The address that compares ``slugs`` (any extra parameters after them)."""
    query = QueryDict(mutable=True)
    query.setlist("p", list(slugs))
    for name, value in extra.items():
        if value:
            query[name] = value
    return f"{reverse('compare:compare')}?{query.urlencode()}" if query else reverse("compare:compare")


@dataclass
class Selection:
    """The practices to compare, in the visitor's order, and what was left out and why."""

    practices: list = field(default_factory=list)
    not_found: list = field(default_factory=list)  # values as typed (shortened), with no published practice
    over_limit: list = field(default_factory=list)  # practices past MAX_PRACTICES

    @classmethod
    def from_query(cls, params):
        values = []
        for raw in params.getlist("p")[:MAX_VALUES]:
            value = raw.strip().lower()
            if value and value not in values:
                values.append(value)
        wanted = [value for value in values if len(value) <= MAX_SLUG_LENGTH and SLUG.fullmatch(value)]
        # Everything the grid shows, in a fixed number of queries (at most MAX_VALUES practices).
        practices = Practice.objects.published().filter(slug__in=wanted).for_detail_page() if wanted else []
        found = {practice.slug: practice for practice in practices}
        chosen = [found[value] for value in values if value in found]
        not_found = [as_typed(value) for value in values if value not in found]
        return cls(chosen[:MAX_PRACTICES], not_found, chosen[MAX_PRACTICES:])

    @property
    def slugs(self):
        return [practice.slug for practice in self.practices]

    @property
    def enough(self):
        return len(self.practices) >= MIN_PRACTICES

    @property
    def room(self):
        """How many more practices may be added."""
        return MAX_PRACTICES - len(self.practices)

    def columns(self, **extra):
        """(practice, the address of this comparison without it) for each column."""
        return [(practice, self.without(practice, **extra)) for practice in self.practices]

    def url(self, **extra):
        return compare_url(self.slugs, **extra)

    def without(self, practice, **extra):
        return compare_url([slug for slug in self.slugs if slug != practice.slug], **extra)

    def adding(self, practice):
        return compare_url([*self.slugs, practice.slug])


class Picker:
    """Practices to add: those matching the visitor's words, or else the report's own entries."""

    def __init__(self, selection, query):
        self.selection = selection
        self.query = query

    @cached_property
    def candidates(self):
        published = Practice.objects.published().exclude(slug__in=self.selection.slugs).select_related("department")
        if self.query:
            found = published.search(self.query).order_by("-rank", F("report_order").asc(nulls_last=True), "title")
            practices = list(found[:SEARCH_RESULTS])
        else:
            in_report = published.filter(report_page__isnull=False).order_by(
                F("report_order").asc(nulls_last=True), "title"
            )
            practices = list(in_report[:SUGGESTIONS])
        return [(practice, self.selection.adding(practice)) for practice in practices]
