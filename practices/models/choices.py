"""The fixed lists the practice models choose from, and what each kind of entry should cover."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from curation.publishing import PublicationStatus

# The NLC report runs to 52 pages, and was published in 2011.
REPORT_LAST_PAGE = 52
REPORT_YEAR = 2011


# Practices are published and reviewed like every curated entry (curation/publishing.py).
PracticeStatus = PublicationStatus


class CurrentStatus(models.TextChoices):
    """What became of a program since the report, as practices/status_now.py derives it from dated facts."""

    RUNNING = "running", _("Running")
    RECAST = "recast", _("Renamed or recast")
    NO_TRACE = "no-trace", _("No recent trace")
    ENDED = "ended", _("Ended")
    UNKNOWN = "unknown", _("Not known")
    NOT_CHECKED = "not-checked", _("Not yet checked")


class FactShows(models.TextChoices):
    """What a fact dated after the report shows about the program itself."""

    PROGRAM = "program", _("The program at work, under the report's name")
    RECAST = "recast", _("The program under another name or in another form")
    ENDED = "ended", _("A source says the program ended")
    RELATED = "related", _("Related work or context, not the program itself")


class EvidenceLevel(models.TextChoices):
    """The strongest kind of source behind a practice's outcomes (practices/evidence.py)."""

    EVALUATION = "evaluation", _("Independent evaluation or study")
    REPORT = "report", _("Agency or press report")
    AWARD = "award", _("Award or recognition only")
    DESCRIBED = "described", _("Described only")


class PracticeEntryKind(models.TextChoices):
    GOOD_PRACTICE = "good-practice", _("One of the report's 17 good practices")
    CASE_STUDY = "case-study", _("The report's case study")


class FactSection(models.TextChoices):
    SINCE_REPORT = "since-report", _("Since the report")
    COST = "cost", _("Cost")
    CONTEXT = "context", _("Context")
    HOW_IT_WORKS = "how-it-works", _("How it works")
    COMPONENTS = "components", _("Components")
    STAFFING = "staffing", _("Staffing")
    PARTNERS = "partners", _("Partners")
    FUNDING = "funding", _("Funding")
    OUTCOMES = "outcomes", _("Outcomes")
    CHALLENGES = "challenges", _("Challenges")
    LESSONS = "lessons", _("Lessons")
    PEOPLE = "people", _("People named by sources")
    TIMELINE = "timeline", _("Timeline")


# Sections shown in their own place on the page (near the top, in "At a glance"), not with the others.
OWN_PLACE_SECTIONS = {FactSection.SINCE_REPORT, FactSection.COST}

# What a profile should cover; a missing section is stated on the page as a gap.
EXPECTED_SECTIONS = {
    PracticeEntryKind.GOOD_PRACTICE: {
        FactSection.HOW_IT_WORKS: _("No source found describes how it works."),
        FactSection.STAFFING: _("No source found describes its staffing."),
        FactSection.PARTNERS: _("No source found names its partners."),
        FactSection.FUNDING: _("No source found says how it is funded."),
        FactSection.OUTCOMES: _("No source found reports its outcomes."),
        FactSection.CHALLENGES: _("No source found describes its challenges."),
    },
    PracticeEntryKind.CASE_STUDY: {
        FactSection.OUTCOMES: _("No source found reports its outcomes."),
    },
}
