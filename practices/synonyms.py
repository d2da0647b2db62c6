"""The synonyms and abbreviations the directory starts with; curators edit them in the admin afterwards.

Each group joins the words a staffer may type to the words the directory's entries use, and each
one finds entries (tests/test_search.py checks that every group does). The first wording is the
group's main one.
"""

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


def add_default_synonyms(model, using="default"):
    """Create the starting groups if the table is empty (so curators' edits and deletions are kept)."""
    if model._default_manager.using(using).exists():
        return 0
    model._default_manager.using(using).bulk_create(
        model(term=term, alternatives="\n".join(alternatives), note=NOTE) for term, alternatives in DEFAULT_SYNONYMS
    )
    return len(DEFAULT_SYNONYMS)
