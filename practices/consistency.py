"""Does an entry agree with itself? A check that runs in the tests and on the admin's practice page.

It compares what an entry states in its fields with its own cited facts, and returns plain warnings a
curator can act on (the facts "since the report" and the costs are left out: they tell what came later).

- Languages: a fact names a language in use ("Spanish-speaking", "in Korean and Vietnamese", "Mandarin
  interpreters") that the entry's languages leave out. Only languages in the vocabulary are checked,
  English never.
- Communities: a fact names a community ("the Somali community", "Burmese residents") that the entry's
  communities leave out; the names come from the vocabulary and the wordings its links record.
- Year started: empty while a timeline fact says something started, began, was created, launched,
  formed, founded, established, opened, approved or hired in a year; or given while a fact that names
  the program (its title, another name or a part of one, such as 'HONRA') says it started in another year.
- Kinds: a kind no fact shows (none uses one of the kind's words), and a kind that needs a written
  policy (immigration-enforcement clarity) where the department has no written policy or stated public
  commitment on record.
- Strategy areas: the practice illustrates a recommendation in an area it is not filed under.

A warning that is not a contradiction (the fact is about another program, say) is accepted with a reason
in the entry's "accepted warnings" field, one "code: reason" per line; it is still listed, as accepted.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from curation.fields import lines

from .models import Community, Fact, Language, Practice, PracticeCommunity
from .models.choices import OWN_PLACE_SECTIONS, FactSection

# How facts name a vocabulary language in other words.
LANGUAGE_ALIASES = {"Laotian": "Lao", "Mandarin Chinese": "Mandarin", "Cantonese Chinese": "Cantonese"}
UNCHECKED_LANGUAGES = {"en"}
# "in Korean ..." is about people, not a language, when one of these follows.
PEOPLE_AFTER = (
    r"(?:communit|descent|business|residen|refugee|officer|famil|neighbo|immigrant|-?American|youth|leader|"
    r"men\b|women\b|origin|population|student|consulate|market|church|temple|arrival|newcomer)"
)
LANGUAGE_BEFORE = r"(?:\bin|\binto|\bspeaks?|\bspeaking|\bspoke|\bbilingual in|\bsuch as|\bcovered only|\bcovered)"
LANGUAGE_AFTER = (
    r"(?:-speaking|-speakers?| speakers?| speaking|-language| language| interpret\w*| translat\w*| lessons| classes|"
    r" versions?| radio| broadcasts?| newspapers?| media)"
)
PEOPLE_NOUNS = (
    r"(?:communit(?:y|ies)|residents|refugees|immigrants|families|population|youths?|young people|business owners|"
    r"newcomers|arrivals|neighborhoods?)"
)
START_VERBS = (
    r"(?:start(?:s|ed)?|beg(?:an|ins?)|launch(?:es|ed)?|creat(?:es|ed)|set up|form(?:s|ed)|found(?:s|ed)|"
    r"establish(?:es|ed)|open(?:s|ed)|approv(?:es|ed)|hir(?:es|ed))"
)
YEAR = r"\b((?:19|20)\d\d)\b"


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    accepted: str = ""  # the curator's reason, when the warning is accepted


def accepted_reasons(text):
    """{code: reason} from an entry's accepted-warnings field."""
    reasons = {}
    for line in (text or "").splitlines():
        code, separator, reason = line.partition(": ")
        if separator and code.strip() and reason.strip():
            reasons[code.strip()] = reason.strip()
    return reasons


def alternation(names):
    return "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))


def named_list(names):
    """A list of names as facts write it: 'Spanish', 'Spanish and Vietnamese', 'Spanish, Lao, and Hmong'."""
    name = f"(?:{alternation(names)})"
    return rf"{name}(?:(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+){name})*"


def languages_named(text, names):
    """The names (of ``names``) that a text uses for a language in use."""
    if not names:
        return set()
    listed, found = named_list(names), set()
    for pattern in (
        rf"{LANGUAGE_BEFORE}\s+(?:both\s+|only\s+)?({listed})\b(?!\s+{PEOPLE_AFTER})",
        rf"\b({listed}){LANGUAGE_AFTER}",
    ):
        for match in re.finditer(pattern, text):
            found.update(re.findall(alternation(names), match.group(1)))
    return found


def communities_named(text, names):
    """The names (of ``names``) that a text uses for a community."""
    if not names:
        return set()
    found = set()
    for match in re.finditer(rf"\b({named_list(names)})\s+{PEOPLE_NOUNS}\b", text):
        found.update(re.findall(alternation(names), match.group(1)))
    return found


def years_started(text):
    """Years a sentence of ``text`` says something started in."""
    years = set()
    for sentence in re.split(r"(?<=[.;])\s+", text):
        if re.search(rf"\b{START_VERBS}\b", sentence):
            years.update(int(year) for year in re.findall(YEAR, sentence))
    return years


def program_names(practice):
    """The names a fact may use for the program: its title and other names, and their parts
    ('HONRA / AORO' -> 'HONRA', 'AORO'; 'Asian Outreach Resource Officer (AORO)' -> 'AORO')."""
    names = set()
    for name in [practice.title, *practice.other_names_list]:
        names.add(name)
        names.update(part.strip() for part in re.split(r"\s+/\s+|[()]", name) if len(part.strip()) > 3)
    return names


def names_program(text, names):
    return any(name.lower() in text.lower() for name in names if name)


def fact_text(fact):
    return " ".join(part for part in (fact.heading, fact.text) if part)


@dataclass
class Vocabulary:
    """The names the check looks for: {name as facts write it: code or slug}."""

    languages: dict
    communities: dict

    @classmethod
    def load(cls):
        languages = dict(Language.objects.values_list("name", "code"))
        languages.update({alias: languages[name] for alias, name in LANGUAGE_ALIASES.items() if name in languages})
        communities = dict(Community.objects.values_list("name", "slug"))
        wordings = PracticeCommunity.objects.exclude(as_named="").values_list("as_named", "community__slug")
        communities.update(dict(wordings.distinct()))
        return cls(languages, communities)


def check(practice, vocabulary):
    """The warnings for one practice, read from the relations for_consistency_check() prefetches."""
    facts = [fact for fact in practice.facts.all() if fact.section not in OWN_PLACE_SECTIONS]
    texts = [fact_text(fact) for fact in facts]
    warnings = []

    listed = {link.language.code for link in practice.language_links.all()}
    named = set().union(*(languages_named(text, vocabulary.languages) for text in texts))
    for name in sorted(named):
        code = vocabulary.languages[name]
        if code not in listed and code not in UNCHECKED_LANGUAGES:
            message = _("A fact names %(language)s as a language in use, but the languages leave it out.")
            warnings.append(Warning(f"language:{code}", message % {"language": name}))

    listed = {link.community.slug for link in practice.community_links.all()}
    named = set().union(*(communities_named(text, vocabulary.communities) for text in texts))
    for name in sorted(named):
        slug = vocabulary.communities[name]
        if slug not in listed:
            message = _("A fact names the %(community)s community, but the communities leave it out.")
            warnings.append(Warning(f"community:{slug}", message % {"community": name}))

    warnings += year_started_warnings(practice, facts)
    warnings += kind_warnings(practice, facts)

    filed = {area.pk for area in practice.areas.all()}
    for link in practice.recommendation_links.all():
        area = link.recommendation.area
        if area.pk not in filed:
            message = _("It illustrates “%(recommendation)s” but is not filed under the area %(area)s.")
            warnings.append(
                Warning(f"area:{area.slug}", message % {"recommendation": link.recommendation.title, "area": area.name})
            )

    accepted = accepted_reasons(practice.consistency_accepted)
    unique = {}
    for warning in warnings:
        unique.setdefault(warning.code, warning)
    return [Warning(warning.code, warning.message, accepted.get(warning.code, "")) for warning in unique.values()]


def year_started_warnings(practice, facts):
    if practice.year_started is None:
        years = set()
        for fact in facts:
            if fact.section == FactSection.TIMELINE and fact.year and re.search(rf"\b{START_VERBS}\b", fact_text(fact)):
                years.add(fact.year)
        if years:
            message = _("The year started is empty, but the timeline says something started in %(years)s.")
            return [Warning("year-started", message % {"years": ", ".join(map(str, sorted(years)))})]
        return []
    names = program_names(practice)
    years = set()
    for fact in facts:
        for sentence in re.split(r"(?<=[.;])\s+", fact_text(fact)):
            if not names_program(sentence, names):
                continue
            years |= years_started(sentence)
            if fact.section == FactSection.TIMELINE and fact.year and re.search(rf"\b{START_VERBS}\b", sentence):
                years.add(fact.year)
    other = sorted(years - {practice.year_started})
    if other:
        message = _("The year started is %(year)s, but a fact says the program started in %(years)s.")
        return [Warning("year-started", message % {"year": practice.year_started, "years": ", ".join(map(str, other))})]
    return []


def kind_warnings(practice, facts):
    warnings = []
    has_policy = bool(practice.department.policies.all())
    for kind, evidence in kind_evidence(practice, facts):
        if kind.needs_policy and not has_policy:
            message = _(
                "“%(kind)s” is given only where the department has a written policy or a stated public commitment "
                "on record, and it has none."
            )
            warnings.append(Warning(f"kind:{kind.slug}", message % {"kind": kind.name}))
        elif not evidence:
            message = _("No fact shows “%(kind)s”: none uses one of the kind's words.")
            warnings.append(Warning(f"kind:{kind.slug}", message % {"kind": kind.name}))
    return warnings


def kind_evidence(practice, facts=None):
    """[(kind, [what shows it])] for the practice's kinds: the department's written policies for a kind
    that needs one, otherwise the facts that use one of the kind's words."""
    if facts is None:
        facts = [fact for fact in practice.facts.all() if fact.section not in OWN_PLACE_SECTIONS]
    shown = []
    for kind in practice.kinds.all():
        if kind.needs_policy:
            shown.append((kind, list(practice.department.policies.all())))
            continue
        words = lines(kind.evidence_words)
        pattern = re.compile(rf"\b(?:{alternation(words)})", re.IGNORECASE) if words else None
        shown.append((kind, [fact for fact in facts if pattern and pattern.search(fact_text(fact))]))
    return shown


def check_relations():
    """What the check reads of a practice, as prefetch lookups (also the admin's read-only panels, which
    read the facts' sources for the evidence level)."""
    facts = Fact.objects.select_related("source").prefetch_related("additional_sources")
    return [
        "kinds",
        "areas",
        "language_links__language",
        "community_links__community",
        "recommendation_links__recommendation__area",
        "department__policies",
        Prefetch("facts", queryset=facts.order_by("section", "position", "pk")),
    ]


def for_consistency_check(queryset):
    """The practices with everything the check reads, in a fixed number of queries."""
    return queryset.select_related("department").prefetch_related(*check_relations())


def warnings_by_practice(queryset=None):
    """{practice: [warnings]} for every practice of ``queryset`` (all practices by default)."""
    vocabulary = Vocabulary.load()
    practices = for_consistency_check(queryset if queryset is not None else Practice.objects.all())
    return {practice: check(practice, vocabulary) for practice in practices}
