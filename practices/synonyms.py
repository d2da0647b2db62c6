"""The synonyms and abbreviations the directory starts with; curators edit them in the admin afterwards.

Each group joins the words a staffer may type to the words the directory's entries use, and each
one finds entries (tests/test_search.py checks that every group does). The first wording is the
group's main one.
"""

from django.utils import timezone

DEFAULT_SYNONYMS = [
    ("U visa", ["u-visa", "uvisa", "U visa certification", "I-918", "Form I-918", "I-918 Supplement B"]),
    (
        "immigration enforcement",
        ["287(g)", "287g", "enforce immigration law", "enforce federal immigration", "immigration agents"],
    ),
    ("ICE", ["Immigration and Customs Enforcement"]),
    (
        "under-reported crime",
        [
            "underreporting",
            "underreported",
            "under-reporting",
            "unreported crime",
            "not reporting crimes",
            "not reporting the crimes",
            "don't report crimes",
            "do not report crimes",
            "afraid to report",
            "reluctant to report",
            "report crime",
        ],
    ),
    ("interpreter", ["translator", "interpretation", "translation", "interpreting"]),
    ("Latino", ["Latina", "Latinx", "Hispanic"]),
    ("limited English", ["LEP", "limited English proficiency", "limited-English"]),
    ("undocumented", ["illegal immigrant", "unauthorized immigrant", "without legal status", "without papers"]),
    ("advisory council", ["advisory board", "advisory committee", "advisory group"]),
]
NOTE = "Added with the directory's search; edit freely."


ADDED_REASON = "The directory's starting synonyms"


def add_default_synonyms(model, history_model, using="default"):
    """Create the starting groups, each history starting with them, if the table is empty (so that
    curators' edits and deletions are kept). Takes the models as arguments, for the migration's use."""
    if model._default_manager.using(using).exists():
        return 0
    added = model._default_manager.using(using).bulk_create(
        model(term=term, alternatives="\n".join(alternatives), note=NOTE) for term, alternatives in DEFAULT_SYNONYMS
    )
    now = timezone.now()
    history_model._default_manager.using(using).bulk_create(
        history_model(
            id=synonym.pk,
            term=synonym.term,
            alternatives=synonym.alternatives,
            note=synonym.note,
            version=synonym.version,
            history_date=now,
            history_type="+",
            history_change_reason=ADDED_REASON,
        )
        for synonym in model._default_manager.using(using).filter(term__in=[synonym.term for synonym in added])
    )
    return len(added)
