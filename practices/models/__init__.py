from .choices import (
    EXPECTED_SECTIONS,
    REPORT_LAST_PAGE,
    CurrentStatus,
    EvidenceLevel,
    FactSection,
    FactShows,
    PracticeEntryKind,
    PracticeStatus,
)
from .facts import Fact
from .practice import Practice, PracticeCommunity, PracticeLanguage, PracticeQuerySet
from .recommendations import Recommendation, RecommendationExample
from .search import PracticeSearchEntry, SearchSynonym
from .vocabularies import Community, Language, PracticeKind, StrategyArea, vocabulary_choices

__all__ = [
    "EXPECTED_SECTIONS",
    "REPORT_LAST_PAGE",
    "Community",
    "CurrentStatus",
    "EvidenceLevel",
    "Fact",
    "FactSection",
    "FactShows",
    "Language",
    "Practice",
    "PracticeCommunity",
    "PracticeEntryKind",
    "PracticeKind",
    "PracticeLanguage",
    "PracticeQuerySet",
    "PracticeSearchEntry",
    "PracticeStatus",
    "SearchSynonym",
    "Recommendation",
    "RecommendationExample",
    "StrategyArea",
    "vocabulary_choices",
]
