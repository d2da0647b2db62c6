"""The rows of the comparison: one list, in reading order, each row a label and how to fill its cells.

To add a row, append a Row to ROWS. A row computes its cells for all the practices at once, so a
row that needs more data (StateLawRow, a state's law) fetches it in one query for every column.
Cells hold entries, each citing its sources; two cells agree when their entries say the same, which
is how rows where all agree can be hidden.
"""

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from practices.evidence import outcome_sources
from practices.models import FactSection
from statelaw.models import StateEntry


@dataclass
class Entry:
    text: str
    url: str = ""
    note: str = ""  # shown quietly after the text, e.g. the source's own wording
    sources: list = field(default_factory=list)


@dataclass
class Cell:
    entries: list
    empty: str = ""  # what to say when there is nothing: "Not known", "No source found names..."
    # "list": one item a line; "inline": short names in a row; "lines": a few lines; "titles": a list on
    # screen that runs on in print, where the one landscape page has no room for a line each.
    layout: str = "list"

    @property
    def agreement_key(self):
        """What must match for two cells to agree: their words, not their sources."""
        return tuple((entry.text, entry.note) for entry in self.entries)


@dataclass
class Row:
    key: str
    label: str
    fill: object  # practice -> Cell

    def cells(self, practices):
        return [self.fill(practice) for practice in practices]


def browse_url(**filters):
    return f"{reverse('practices:list')}?{urlencode(filters)}"


def agency(practice):
    department = practice.department
    if department.name:
        text = department.name
        note = department.get_kind_display().lower() if department.kind else ""
        return Cell([Entry(text, department.get_absolute_url(), note)], layout="lines")
    return Cell([], _("Not confirmed by any source"), layout="lines")


def city_size(practice):
    """The city's population and size band (the column's heading names the city)."""
    department = practice.department
    if not department.city_population:
        return Cell([], _("Not known"), layout="lines")
    population = _("%(population)s people (%(year)s)") % {
        "population": intcomma(department.city_population),
        "year": department.city_population_year,
    }
    return Cell(
        [Entry(population, sources=[department.city_population_source]), Entry(department.size_band_label)],
        layout="lines",
    )


def foreign_born(practice):
    department = practice.department
    if not department.foreign_born_share:
        return Cell([], _("Not known"), layout="lines")
    text = department.foreign_born_share
    if department.foreign_born_share_year:
        text = f"{text} ({department.foreign_born_share_year})"
    return Cell([Entry(text, sources=[department.foreign_born_share_source])], layout="lines")


def kinds(practice):
    entries = [Entry(kind.name, browse_url(kind=kind.slug)) for kind in practice.kinds.all()]
    return Cell(entries, _("Not known"), layout="inline")


def areas(practice):
    entries = [Entry(area.name, browse_url(area=area.slug)) for area in practice.areas.all()]
    return Cell(entries, _("Not determined"), layout="inline")


def communities(practice):
    by_community = {}
    for link in practice.community_links.all():
        entry = by_community.setdefault(
            link.community.pk, Entry(link.community.name, browse_url(community=link.community.slug))
        )
        if link.as_named and link.as_named != link.community.name and f"“{link.as_named}”" not in entry.note:
            entry.note = ", ".join(filter(None, [entry.note, f"“{link.as_named}”"]))
        entry.sources.append(link.source)
    return Cell(list(by_community.values()), _("No source found names them"), layout="inline")


def languages(practice):
    entries = [
        Entry(link.language.name, browse_url(language=link.language.code), sources=[link.source])
        for link in practice.language_links.all()
    ]
    return Cell(entries, _("No source found names them"), layout="inline")


def started(practice):
    if practice.year_started is None:
        return Cell([], _("Not known"), layout="lines")
    text = str(practice.year_started)
    if practice.year_ended:
        text = f"{practice.year_started}–{practice.year_ended}"
    return Cell([Entry(text, sources=[practice.year_started_source])], layout="lines")


def facts_in(section, empty, layout="list"):
    def fill(practice):
        facts = sorted(
            (fact for fact in practice.facts.all() if fact.section == section), key=lambda f: (f.position, f.pk)
        )
        entries = [
            Entry(
                ": ".join(filter(None, [fact.heading, fact.text])),
                sources=[fact.source, *fact.additional_sources.all()],
            )
            for fact in facts
        ]
        return Cell(entries, empty, layout)

    return fill


def status_now(practice):
    """What became of the program, as its page says: derived from the "since the report" facts."""
    status = practice.status_now
    if status.fact is None:
        return Cell([], practice.current_status_label, layout="lines")
    entry = Entry(
        practice.current_status_label,
        note=_("checked %(date)s") % {"date": practice.current_status_checked},
        sources=[status.fact.source],
    )
    return Cell([entry], layout="lines")


def evidence(practice):
    """The evidence level, with the sources of the outcome facts it is drawn from."""
    entry = Entry(
        practice.get_evidence_level_display(),
        f"{reverse('about')}#evidence",
        sources=outcome_sources(practice.facts.all()),
    )
    return Cell([entry], layout="lines")


class StateLawRow(Row):
    """The law of each practice's state today: every state in one query."""

    def cells(self, practices):
        states = {practice.department.state for practice in practices}
        entries = {entry.state: entry for entry in StateEntry.objects.published().filter(state__in=states)}
        return [self.fill(practice, entries.get(practice.department.state)) for practice in practices]


def state_law(practice, entry):
    if entry is None:
        return Cell([], _("Not in the directory yet"), layout="lines")
    researched = _("law researched %(date)s") % {"date": formats.date_format(entry.checked_on, "F Y")}
    return Cell([Entry(entry.get_stance_display(), entry.get_absolute_url(), researched)], layout="lines")


def recommendations(practice):
    entries = [
        Entry(link.recommendation.title, link.recommendation.get_absolute_url(), sources=[link.source])
        for link in practice.recommendation_links.all()
    ]
    return Cell(entries, _("None linked yet"), layout="titles")


ROWS = [
    Row("agency", _("Agency"), agency),
    Row("city-size", _("City size"), city_size),
    Row("foreign-born", _("Foreign-born share"), foreign_born),
    Row("kinds", _("Kinds of practice"), kinds),
    Row("areas", _("Recommendation areas"), areas),
    Row("communities", _("Communities served"), communities),
    Row("languages", _("Languages"), languages),
    Row("started", _("Year started"), started),
    Row("staffing", _("Staffing"), facts_in(FactSection.STAFFING, _("No source found describes it"))),
    Row("partners", _("Partners"), facts_in(FactSection.PARTNERS, _("No source found names them"), layout="inline")),
    Row("funding", _("Funding and cost"), facts_in(FactSection.FUNDING, _("No source found says"))),
    Row("evidence", _("Evidence behind its outcomes"), evidence),
    Row("status", _("Status now"), status_now),
    StateLawRow("state-law", _("State law today"), state_law),
    Row("recommendations", _("Recommendations it shows"), recommendations),
]


@dataclass
class ComparedRow:
    row: Row
    cells: list

    @property
    def nothing_known(self):
        """No source gives this for any of them: not an agreement, and never hidden as one."""
        return not any(cell.entries for cell in self.cells)

    @property
    def all_agree(self):
        return not self.nothing_known and len({cell.agreement_key for cell in self.cells}) == 1


def compare_rows(practices, rows=ROWS):
    return [ComparedRow(row, row.cells(practices)) for row in rows]
