"""How strong the evidence behind a practice's outcomes is, by one rule (explained on /about/).

The level is the strongest kind among the sources its outcome facts cite (each source says what it
is, ``Source.evidence``), in this order: an independent evaluation or study; an agency or press
report; an award or a selection as a model, which judges a program without reporting what it
achieved. A practice whose outcomes no source reports is "described only".
"""

from sources.models import EvidenceKind

from .models.choices import EvidenceLevel, FactSection

STRONGEST_FIRST = [
    (EvidenceKind.EVALUATION, EvidenceLevel.EVALUATION),
    (EvidenceKind.REPORT, EvidenceLevel.REPORT),
    (EvidenceKind.AWARD, EvidenceLevel.AWARD),
]


def level(source_kinds):
    """The level for outcome sources of these kinds (EvidenceKind values)."""
    kinds = set(source_kinds)
    for kind, evidence_level in STRONGEST_FIRST:
        if kind in kinds:
            return evidence_level
    return EvidenceLevel.DESCRIBED


def outcome_sources(facts):
    """The sources a practice's outcome facts cite, from prefetched facts and their sources."""
    sources = []
    for fact in facts:
        if fact.section == FactSection.OUTCOMES:
            sources.append(fact.source)
            sources.extend(fact.additional_sources.all())
    return sources


def level_of(facts):
    return level(source.evidence for source in outcome_sources(facts))
