"""The fixed lists the practice models choose from, and what each kind of entry should cover."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The NLC report runs to 52 pages, and was published in 2011.
REPORT_LAST_PAGE = 52
REPORT_YEAR = 2011


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CurrentStatus(models.TextChoices):
    """Whether a program still runs today: separate from the historical account the sources give."""

    RUNNING = "running", _("Still running")
    CHANGED = "changed", _("Running in a changed form")
    ENDED = "ended", _("Ended")
    UNKNOWN = "unknown", _("Not known")


class PracticeEntryKind(models.TextChoices):
    GOOD_PRACTICE = "good-practice", _("One of the report's 17 good practices")
    CASE_STUDY = "case-study", _("The report's case study")


class FactSection(models.TextChoices):
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
