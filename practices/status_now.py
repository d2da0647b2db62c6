"""What became of a program since the report: its status, derived from dated, cited facts by one rule.

The rule (explained to readers on /about/, under "What became of each program"):

1. A program has *ended* only if a source says so: a fact that shows it ended, in that fact's year.
2. Otherwise the latest dated fact that shows the program itself at work decides, whether under its
   report name or under a new one:
   - if it is from the RECENT_YEARS years before the check, the program is *running*, or *renamed or
     recast* (with the new name) when that fact shows it under another name or in another form;
   - if it is older, there is *no trace since* its year.
3. With no such dated fact the status is *not known*; never checked, it is *not yet checked*.

Undated facts (a current page without a date) are shown but never decide: they tell what a page says,
not when it was true. Facts about related work (a successor program, a city policy) never decide either.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models.choices import CurrentStatus, FactShows

# Evidence from this many years before the check counts as the program running now.
RECENT_YEARS = 5

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# How precisely a check may be dated: 2026-11-30, 2026-11, 2026, or early/mid/late 2026.
CHECKED_FORMAT = r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|(?:early|mid|late) \d{4})$"
status_checked_format = RegexValidator(
    CHECKED_FORMAT, _("Write the date as 2026-11-30, 2026-11, 2026, or early, mid or late 2026."), code="invalid_date"
)


def checked_first_day(checked):
    """The first day a check's date can mean ('2026-11' -> 1 November 2026), or None if it is no date."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|(?:early|mid|late) (\d{4})", checked.strip())
    if not match:
        return None
    year, month, day, season_year = match.groups()
    try:
        if season_year:
            return datetime.date(int(season_year), 1, 1)
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def year_of(date_text):
    """The earliest year a date as sources give it allows ('late 2017 or 2018' -> 2017), or None."""
    text = str(date_text or "").strip()
    if not text or text.lower().startswith("undated"):
        return None
    match = YEAR.search(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Status:
    status: str
    year: int | None = None
    name: str = ""  # the new name, for a renamed or recast program
    fact: object = None  # the fact the status rests on, if any


def derive(facts, checked):
    """The status of a program from its "since the report" facts (with .shows, .year, .position and, for
    a recast program, its new name in .heading) and the date of the check (as CHECKED_FORMAT allows)."""
    checked_year = year_of(checked)
    if checked_year is None:
        return Status(CurrentStatus.NOT_CHECKED)
    dated = [fact for fact in facts if fact.year is not None]
    ended = [fact for fact in dated if fact.shows == FactShows.ENDED]
    if ended:
        fact = max(ended, key=latest_first)
        return Status(CurrentStatus.ENDED, fact.year, fact=fact)
    traces = [fact for fact in dated if fact.shows in (FactShows.PROGRAM, FactShows.RECAST)]
    if not traces:
        return Status(CurrentStatus.UNKNOWN)
    latest = max(traces, key=latest_first)
    if latest.year < checked_year - RECENT_YEARS:
        return Status(CurrentStatus.NO_TRACE, latest.year, fact=latest)
    if latest.shows == FactShows.RECAST:
        return Status(CurrentStatus.RECAST, latest.year, latest.heading, fact=latest)
    return Status(CurrentStatus.RUNNING, latest.year, fact=latest)


def latest_first(fact):
    # Within a year the later position is the later fact: the section lists facts in date order.
    return (fact.year, fact.position)


def label(status, year=None, name=""):
    """The status in a few words, as cards and plans print it: 'Running: seen at work in 2025'."""
    if status == CurrentStatus.RUNNING:
        return _("Running: seen at work in %(year)s") % {"year": year}
    if status == CurrentStatus.RECAST:
        if name:
            return _("Renamed or recast: seen as %(name)s in %(year)s") % {"name": name, "year": year}
        return _("Renamed or recast: seen in another form in %(year)s") % {"year": year}
    if status == CurrentStatus.NO_TRACE:
        return _("No trace since %(year)s") % {"year": year}
    if status == CurrentStatus.ENDED:
        return _("Ended, as a %(year)s source says") % {"year": year}
    return CurrentStatus(status).label
