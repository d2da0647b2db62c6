"""Where a set of practices is: one marker per department, grouped by state, ready to draw.

The map costs one query whatever the directory's size: practices counted per department, with
what a marker needs. Past MAX_DEPARTMENT_MARKERS departments a dot per department would bury the
map (and weigh more than the page it sits on), so the map marks each state with its count
instead, linking to the same practices in that state, where the departments show one by one.
"""

import math
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Min
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.states import State
from practices.models import Practice

from .projection import project
from .shapes import atlas
from .stances import parse, stances_column

MAX_DEPARTMENT_MARKERS = 100


def practices_phrase(count):
    return ngettext("%(count)s practice", "%(count)s practices", count) % {"count": count}


@dataclass
class DepartmentPlace:
    slug: str
    city: str
    state: str
    practice_count: int
    only_practice: tuple  # (slug, title) when the department has a single practice here
    point: tuple | None  # (x, y) on the map, or None when it cannot be placed
    has_coordinates: bool

    @property
    def url(self):
        """Its one practice, or the department's page, which lists its practices."""
        if self.practice_count == 1:
            return reverse("practices:detail", args=[self.only_practice[0]])
        return reverse("departments:detail", args=[self.slug])

    @property
    def place(self):
        return f"{self.city}, {State(self.state).label}"

    @property
    def label(self):
        """The marker's accessible name (and tooltip)."""
        if self.practice_count == 1:
            return _("%(place)s: %(title)s") % {"place": self.place, "title": self.only_practice[1]}
        return _("%(place)s: %(practices)s") % {"place": self.place, "practices": practices_phrase(self.practice_count)}

    @property
    def radius(self):
        return 8 if self.practice_count == 1 else 12

    @property
    def show_count(self):
        return self.practice_count > 1


@dataclass
class StatePlace:
    code: str
    url: str
    departments: list = field(default_factory=list)
    stance: object = None

    @property
    def name(self):
        return State(self.code).label

    @property
    def practice_count(self):
        return sum(department.practice_count for department in self.departments)

    @property
    def point(self):
        shape = atlas().states.get(self.code)
        return shape.label if shape else None

    @property
    def label(self):
        return ngettext(
            "%(state)s: %(practices)s in %(count)s department",
            "%(state)s: %(practices)s in %(count)s departments",
            len(self.departments),
        ) % {"state": self.name, "practices": practices_phrase(self.practice_count), "count": len(self.departments)}

    @property
    def radius(self):
        # Area grows with the count, within bounds that keep a number legible and a state visible.
        return round(min(26, 11 + 1.6 * math.sqrt(self.practice_count)), 1)

    show_count = True


class DirectoryMap:
    """The departments behind ``practices`` (a queryset of published practices), by state.

    ``filters`` is the browse request the practices come from (a cleaned QueryDict); a state's
    link keeps them and narrows the state filter to that state.
    """

    def __init__(self, practices, filters=None):
        self.practices = practices
        self.filters = filters if filters is not None else QueryDict()

    @cached_property
    def departments(self):
        rows = (
            Practice.objects.filter(pk__in=self.practices.values("pk"))
            .values(
                "department__slug",
                "department__city",
                "department__state",
                "department__latitude",
                "department__longitude",
            )
            .annotate(count=Count("pk"), slug=Min("slug"), title=Min("title"), stances=stances_column())
            .order_by("department__city", "department__state", "department__slug")
        )
        rows = list(rows)
        # Every row carries the same list of the states' stances: shading costs no query of its own.
        self.stances = parse(rows[0]["stances"]) if rows else {}
        return [
            DepartmentPlace(
                slug=row["department__slug"],
                city=row["department__city"],
                state=row["department__state"],
                practice_count=row["count"],
                only_practice=(row["slug"], row["title"]),
                point=project(row["department__longitude"], row["department__latitude"]),
                has_coordinates=row["department__latitude"] is not None,
            )
            for row in rows
        ]

    @cached_property
    def states(self):
        """The states with departments here, by name, each with its departments by city."""
        self.departments  # noqa: B018 (reads the stances too)
        stances = self.stances
        by_code = {}
        for department in self.departments:
            if department.state not in by_code:
                by_code[department.state] = StatePlace(
                    department.state, self.state_url(department.state), stance=stances.get(department.state)
                )
            by_code[department.state].departments.append(department)
        return sorted(by_code.values(), key=lambda state: state.name)

    def state_url(self, code):
        query = self.filters.copy()
        query.setlist("state", [code])
        query.pop("page", None)
        return f"{reverse('practices:list')}?{query.urlencode()}"

    @property
    def practice_count(self):
        return sum(department.practice_count for department in self.departments)

    @property
    def summary(self):
        """'18 departments in 13 states', for the map's fold."""
        departments = ngettext("%(count)s department", "%(count)s departments", len(self.departments)) % {
            "count": len(self.departments)
        }
        states = ngettext("%(count)s state", "%(count)s states", len(self.states)) % {"count": len(self.states)}
        return _("%(departments)s in %(states)s") % {"departments": departments, "states": states}

    @property
    def by_state(self):
        """Too many departments to mark one by one: mark states instead."""
        return len(self.departments) > MAX_DEPARTMENT_MARKERS

    @property
    def markers(self):
        """What the map marks, in drawing order: larger first, so that smaller ones stay on top."""
        places = self.states if self.by_state else self.departments
        placed = [place for place in places if place.point is not None]
        return sorted(placed, key=lambda place: -place.radius)

    @property
    def atlas(self):
        return atlas()

    @cached_property
    def shapes(self):
        """(shape, stance) for every state the map draws, for shading by state law."""
        self.departments  # noqa: B018 (reads the stances too)
        return [(shape, self.stances.get(code)) for code, shape in atlas().states.items()]

    @property
    def legend(self):
        """The stances that appear on the map, in their defined order, for its legend."""
        seen = {stance for _shape, stance in self.shapes if stance is not None}
        return sorted(seen, key=lambda stance: stance.order)
