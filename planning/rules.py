"""The rules behind /plan/: which departments are like a city, and which recommendations come first.

Nothing is hidden. Each ranking is a plain sum of the points below, every point comes with a
reason the page prints, and ties keep a fixed order. The rules only rearrange what the
directory holds: they never add a fact, a department or a recommendation.

Departments like yours (profiled departments with published practices):
    same size band +4, neighbouring size band +2, each community in common +2,
    each language in common +1, same Census region +1, same state +1 more.
    Ties: city, then state, A to Z.

Where to start (the directory's recommendations, by slug in RULES):
    each worry it answers +3, each missing thing it would set up +2,
    something you have that it builds on +1, something you have that it would set up -2,
    three or more languages +1 for language planning.
    Ties: the directory's own order (strategy area, then position).
    The plan starts with a first step for each worry and for each thing the city said it lacks
    (the one with the most points that answers it), then the others with the most points, six in
    all if there are fewer needs than that.

State law (LAW_RULES): each law and ruling in a state's published entry carries its effects on
    local police; each effect rules out, limits or already requires the recommendations it names,
    and the plan marks them so, naming the law. A ruled-out recommendation never appears under
    "Where to start" or "Also worth a look"; it is listed with its law instead.

Departments like yours: the five with the most points, then any other that shares the city's
    state, a community or a language (up to three more), so a close match is never cut off by ties.

A rule naming a recommendation that curators have since deleted is simply never met.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from departments.models import SizeBand
from departments.states import State, region_of

# Departments like yours: what a profiled department earns for each thing it shares with the city.
# Size weighs most: a town of 10,000 and a city of 8 million run very different programs.
SAME_SIZE_BAND = 4
NEIGHBOURING_SIZE_BAND = 2
EACH_SHARED_COMMUNITY = 2
EACH_SHARED_LANGUAGE = 1
SAME_REGION = 1
SAME_STATE = 1
SIMILAR_DEPARTMENTS_SHOWN = 5
ALSO_CLOSE_SHOWN = 3

# Where to start: what a recommendation gains or loses from each answer.
WORRY = 3
MISSING = 2
BUILDS_ON = 1
ALREADY_IN_PLACE = -2
SEVERAL_LANGUAGES = 1
SEVERAL_LANGUAGES_FROM = 3
START_HERE_COUNT = 6

YES, NO = "yes", "no"


class Existing(models.TextChoices):
    """What a city may already have; each is a yes / no / not sure question on the form."""

    INTERPRETERS = "interpreters", _("Bilingual officers or interpreters")
    LIAISON = "liaison", _("A liaison officer or unit for immigrant residents")
    STATUS_POLICY = (
        "status_policy",
        _("A written rule that officers do not ask victims and witnesses about immigration status"),
    )
    ADVISORY_GROUP = "advisory_group", _("An advisory group of immigrant residents")
    OUTREACH_EVENTS = "outreach_events", _("Outreach events, such as fairs, forums or classes")
    PARTNERSHIPS = "partnerships", _("Partnerships with community organizations or other agencies")


class Concern(models.TextChoices):
    UNREPORTED = "unreported", _("Crimes go unreported")
    DEPORTATION = "deportation", _("Fear of deportation")
    LANGUAGE = "language", _("Language barriers")
    CULTURE = "culture", _("Cultural misunderstandings")
    REPRESENTATION = "representation", _("Few officers who reflect the community")


@dataclass(frozen=True)
class Rule:
    """When the city gave this answer, each named recommendation gains (or loses) the points."""

    when: str  # the answer as the plan's address writes it: "concern=language", "interpreters=no"
    points: int
    reason: str
    recommendations: tuple[str, ...]


RULES = (
    # Worries.
    Rule(
        "concern=unreported",
        WORRY,
        _("You worry that crimes go unreported."),
        (
            "dont-ask-status",
            "translated-safety-information",
            "keep-community-leaders-informed",
            "u-visa-certification",
            "go-to-the-community",
            "classes-and-workshops",
        ),
    ),
    Rule(
        "concern=deportation",
        WORRY,
        _("You worry about fear of deportation."),
        (
            "dont-ask-status",
            "separate-local-from-federal-enforcement",
            "explain-the-policy-publicly",
            "protect-sensitive-information",
            "target-serious-offenders",
            "u-visa-certification",
        ),
    ),
    Rule(
        "concern=language",
        WORRY,
        _("You worry about language barriers."),
        (
            "written-language-access-plan",
            "language-needs-assessment",
            "make-interpreters-reachable",
            "translated-safety-information",
            "civilian-bilingual-staff",
            "pool-language-resources",
        ),
    ),
    Rule(
        "concern=culture",
        WORRY,
        _("You worry about cultural misunderstandings."),
        (
            "cultural-and-language-training",
            "community-police-academies",
            "informal-contact",
            "classes-and-workshops",
            "dedicated-liaisons",
            "faith-communities",
        ),
    ),
    Rule(
        "concern=representation",
        WORRY,
        _("You worry that few officers reflect the community."),
        ("recruit-from-immigrant-communities", "civilian-bilingual-staff", "advisory-committees"),
    ),
    # What the city said it does not have: the recommendations that would set it up.
    Rule(
        "interpreters=no",
        MISSING,
        _("You said there are no bilingual officers or interpreters."),
        (
            "written-language-access-plan",
            "language-needs-assessment",
            "make-interpreters-reachable",
            "civilian-bilingual-staff",
            "pool-language-resources",
        ),
    ),
    Rule(
        "liaison=no",
        MISSING,
        _("You said there is no liaison for immigrant residents."),
        ("dedicated-liaisons", "keep-community-leaders-informed"),
    ),
    Rule(
        "status_policy=no",
        MISSING,
        _("You said there is no written rule that officers do not ask about immigration status."),
        ("dont-ask-status", "separate-local-from-federal-enforcement", "protect-sensitive-information"),
    ),
    Rule(
        "advisory_group=no",
        MISSING,
        _("You said there is no advisory group of immigrant residents."),
        ("advisory-committees",),
    ),
    Rule(
        "outreach_events=no",
        MISSING,
        _("You said there are no outreach events."),
        ("informal-contact", "go-to-the-community", "community-police-academies", "classes-and-workshops"),
    ),
    Rule(
        "partnerships=no",
        MISSING,
        _("You said there are no partnerships with community organizations or other agencies."),
        ("health-and-community-organizations", "faith-communities", "multi-agency-partnership"),
    ),
    # What the city already has: less urgent to set up again, or a base to build on.
    Rule(
        "interpreters=yes",
        ALREADY_IN_PLACE,
        _("You already have bilingual officers or interpreters, so this is less urgent."),
        ("civilian-bilingual-staff",),
    ),
    Rule(
        "interpreters=yes",
        BUILDS_ON,
        _("You already have bilingual officers or interpreters; this makes them easier to reach."),
        ("make-interpreters-reachable",),
    ),
    Rule(
        "liaison=yes",
        ALREADY_IN_PLACE,
        _("You already have a liaison for immigrant residents, so this is less urgent."),
        ("dedicated-liaisons",),
    ),
    Rule(
        "liaison=yes",
        BUILDS_ON,
        _("You already have a liaison; this spreads what the liaison knows across the department."),
        ("department-wide-liaison-network",),
    ),
    Rule(
        "status_policy=yes",
        ALREADY_IN_PLACE,
        _("You already have a written rule not to ask about immigration status, so this is less urgent."),
        ("dont-ask-status",),
    ),
    Rule(
        "status_policy=yes",
        BUILDS_ON,
        _("You already have a written rule not to ask about status; it only helps if residents hear about it."),
        ("explain-the-policy-publicly",),
    ),
    Rule(
        "advisory_group=yes",
        ALREADY_IN_PLACE,
        _("You already have an advisory group of immigrant residents, so this is less urgent."),
        ("advisory-committees",),
    ),
    Rule(
        "outreach_events=yes",
        ALREADY_IN_PLACE,
        _("You already hold outreach events, so this is less urgent."),
        ("informal-contact",),
    ),
    Rule(
        "partnerships=yes",
        ALREADY_IN_PLACE,
        _("You already have partnerships with community organizations, so this is less urgent."),
        ("health-and-community-organizations",),
    ),
    # Many languages call for planning which to cover first.
    Rule(
        "languages=several",
        SEVERAL_LANGUAGES,
        format_lazy(_("You listed {count} or more languages."), count=SEVERAL_LANGUAGES_FROM),
        ("language-needs-assessment", "pool-language-resources", "make-interpreters-reachable"),
    ),
)

# For the page's "how this plan is put together": the weights, in words.
DEPARTMENT_WEIGHTS = [
    (SAME_SIZE_BAND, _("a city of the same size as yours (the same city-size group)")),
    (NEIGHBOURING_SIZE_BAND, _("a city one size group larger or smaller")),
    (EACH_SHARED_COMMUNITY, _("each community you named that it also serves")),
    (EACH_SHARED_LANGUAGE, _("each language you named that it also works in")),
    (SAME_REGION, _("the same Census region")),
    (SAME_STATE, _("the same state (on top of the region)")),
]
RECOMMENDATION_WEIGHTS = [
    (WORRY, _("each of your worries it answers")),
    (MISSING, _("each thing you said is missing that it would set up")),
    (BUILDS_ON, _("something you already have that it builds on")),
    (ALREADY_IN_PLACE, _("something you already have that it would set up")),
    (
        SEVERAL_LANGUAGES,
        format_lazy(_("language planning, if you listed {count} or more languages"), count=SEVERAL_LANGUAGES_FROM),
    ),
]


def possible_answers():
    """Every answer a rule may name: what the form can give."""
    answers = {f"concern={concern}" for concern in Concern.values}
    answers |= {f"{item}={value}" for item in Existing.values for value in (YES, NO)}
    return answers | {"languages=several"}


@dataclass(frozen=True)
class Answers:
    """What a city told the plan form. Empty values mean "not given" or "not sure"."""

    size: str = ""  # a SizeBand value
    population: int | None = None
    state: str = ""  # a USPS code
    communities: tuple[str, ...] = ()  # Community slugs
    languages: tuple[str, ...] = ()  # Language codes
    other_communities: tuple[str, ...] = ()  # typed by the visitor: echoed, never matched
    other_languages: tuple[str, ...] = ()
    existing: dict = field(default_factory=dict)  # {Existing value: YES or NO}; "not sure" is absent
    concerns: tuple[str, ...] = ()

    @property
    def size_band(self):
        """The band the population falls in, else the band chosen, else None."""
        if self.population is not None:
            return SizeBand.for_population(self.population)
        return SizeBand(self.size) if self.size else None

    @property
    def region(self):
        return region_of(self.state) if self.state else None

    @property
    def state_label(self):
        return State(self.state).label if self.state else ""

    def given(self):
        """The answers as RULES name them, e.g. {"concern=language", "interpreters=no"}."""
        given = {f"concern={concern}" for concern in self.concerns}
        given |= {f"{item}={value}" for item, value in self.existing.items()}
        if len(self.languages) + len(self.other_languages) >= SEVERAL_LANGUAGES_FROM:
            given.add("languages=several")
        return given

    def has(self, item):
        return self.existing.get(item) == YES

    def lacks(self, item):
        return self.existing.get(item) == NO

    def needs(self):
        """[(answer, label)]: each worry, then each thing the city lacks; each gets a first step."""
        needs = [
            (f"concern={concern.value}", _("Your worry: %(worry)s") % {"worry": concern.label})
            for concern in Concern
            if concern.value in self.concerns
        ]
        needs += [
            (f"{item.value}={NO}", _("What you lack: %(item)s") % {"item": item.label})
            for item in Existing
            if self.lacks(item)
        ]
        return needs


@dataclass(frozen=True)
class Reason:
    points: int
    text: str


@dataclass
class Match:
    """A department or recommendation, with the reasons (and so the points) that placed it."""

    item: object
    reasons: list = field(default_factory=list)
    covers: list = field(default_factory=list)  # the worries and lacks it is the first step for
    law_marks: list = field(default_factory=list)  # LawMark, strongest first

    @property
    def points(self):
        return sum(reason.points for reason in self.reasons)

    @property
    def law_kind(self):
        return self.law_marks[0].kind if self.law_marks else None

    @property
    def law_kind_label(self):
        return LawKind(self.law_kind).label if self.law_marks else ""

    @property
    def ruled_out(self):
        return self.law_kind == LawKind.FORBIDS


@dataclass(frozen=True)
class DepartmentProfile:
    """What the rules compare: a department's size, place, and who its published practices serve."""

    department: object
    size_band: str
    state: str
    city: str
    communities: frozenset = frozenset()  # Community slugs
    languages: frozenset = frozenset()  # Language codes


def size_band_distance(first, second):
    bands = list(SizeBand)
    return abs(bands.index(SizeBand(first)) - bands.index(SizeBand(second)))


def department_reasons(answers, profile, names):
    """Why a department is like the city; `names` gives {"community": {slug: name}, "language": {code: name}}."""
    reasons = []
    band = answers.size_band
    if band and profile.size_band:
        distance = size_band_distance(band, profile.size_band)
        if distance == 0:
            reasons.append(Reason(SAME_SIZE_BAND, _("A city of the same size: %(band)s") % {"band": band.label}))
        elif distance == 1:
            label = SizeBand(profile.size_band).label
            text = _("A city of a neighbouring size: %(band)s") % {"band": label}
            reasons.append(Reason(NEIGHBOURING_SIZE_BAND, text))
    shared = [slug for slug in answers.communities if slug in profile.communities]
    if shared:
        text = ngettext(
            "Also serves one of your communities: %(names)s",
            "Also serves %(count)s of your communities: %(names)s",
            len(shared),
        ) % {"count": len(shared), "names": ", ".join(names["community"].get(slug, slug) for slug in shared)}
        reasons.append(Reason(EACH_SHARED_COMMUNITY * len(shared), text))
    shared = [code for code in answers.languages if code in profile.languages]
    if shared:
        text = ngettext(
            "Also works in one of your languages: %(names)s",
            "Also works in %(count)s of your languages: %(names)s",
            len(shared),
        ) % {"count": len(shared), "names": ", ".join(names["language"].get(code, code) for code in shared)}
        reasons.append(Reason(EACH_SHARED_LANGUAGE * len(shared), text))
    region = answers.region
    if region and region_of(profile.state) == region:
        reasons.append(Reason(SAME_REGION, _("Same region: %(region)s") % {"region": region.label}))
    if answers.state and profile.state == answers.state:
        reasons.append(Reason(SAME_STATE, _("Same state: %(state)s") % {"state": answers.state_label}))
    return reasons


def rank_departments(answers, profiles, names):
    """Every profile as a Match, most alike first; ties by city, then state."""
    matches = [Match(profile, department_reasons(answers, profile, names)) for profile in profiles]
    return sorted(matches, key=lambda match: (-match.points, match.item.city, match.item.state))


def close_departments(answers, ranked):
    """(departments like yours, also close): the SIMILAR_DEPARTMENTS_SHOWN with the most points, then
    up to ALSO_CLOSE_SHOWN others in the city's state or sharing one of its communities or languages."""
    alike = [match for match in ranked if match.points > 0]
    shown = alike[:SIMILAR_DEPARTMENTS_SHOWN]

    def close(profile):
        return (
            (answers.state and profile.state == answers.state)
            or profile.communities & set(answers.communities)
            or profile.languages & set(answers.languages)
        )

    also = [match for match in alike[SIMILAR_DEPARTMENTS_SHOWN:] if close(match.item)]
    return shown, also[:ALSO_CLOSE_SHOWN]


def recommendation_reasons(given, slug):
    """Why a recommendation moves up or down, from the answers given (as Answers.given() names them)."""
    return [Reason(rule.points, rule.reason) for rule in RULES if rule.when in given and slug in rule.recommendations]


def rank_recommendations(answers, recommendations):
    """Every recommendation as a Match, most urgent first.

    `recommendations` come in the directory's order (area, then position); the sort is stable,
    so equal points keep that order.
    """
    given = answers.given()
    matches = [Match(rec, recommendation_reasons(given, rec.slug)) for rec in recommendations]
    return sorted(matches, key=lambda match: -match.points)


def start_here(answers, allowed):
    """First steps: for each worry and each thing the city lacks, the most urgent recommendation
    that answers it (one already chosen if it does; else the first the rule lists among the equal
    best), then the most urgent of the rest, up to START_HERE_COUNT in all. ``allowed`` are the
    ranked matches without what state law rules out, which is never a first step. Each chosen match
    records in ``covers`` the needs it answers."""
    urgent = [match for match in allowed if match.points > 0]
    start = []
    for answer, label in answers.needs():
        answering = next((rule.recommendations for rule in RULES if rule.when == answer and rule.points > 0), ())
        candidates = [match for match in urgent if match.item.slug in answering]
        if not candidates:
            continue
        chosen = next((match for match in start if match in candidates), None)
        if chosen is None:
            best = candidates[0].points
            equal_best = [match for match in candidates if match.points == best]
            chosen = min(equal_best, key=lambda match: answering.index(match.item.slug))
            start.append(chosen)
        chosen.covers.append(label)
    for match in urgent:
        if len(start) >= START_HERE_COUNT:
            break
        if match not in start:
            start.append(match)
    rank = {id(match): position for position, match in enumerate(urgent)}
    return sorted(start, key=lambda match: rank[id(match)])


def general_start(allowed):
    """For a city whose answers point nowhere in particular: each area's first recommendation
    that is not already in place, in the directory's order (``allowed``: as for start_here)."""
    seen_areas, start = set(), []
    in_directory_order = sorted(allowed, key=lambda m: (m.item.area.position, m.item.position, m.item.title))
    for match in (m for m in in_directory_order if m.points >= 0):
        if match.item.area_id not in seen_areas:
            seen_areas.add(match.item.area_id)
            start.append(match)
    return start


# State law: what a state's laws and rulings do to the recommendations.
#
# Each law and ruling in the directory carries its effects on local police (statelaw.models.Effect).
# A rule says what one effect does to the recommendations it names: rules them out (a city may not
# adopt them as written), limits them (parts may not be allowed), or already requires them. A
# ruled-out recommendation never appears under "Where to start"; every mark names its law.


class LawKind(models.TextChoices):
    FORBIDS = "forbids", _("Ruled out by state law")
    RESTRICTS = "restricts", _("Limited by state law")
    REQUIRES = "requires", _("Already required by state law")


LAW_KIND_ORDER = list(LawKind)
LAW_CONSEQUENCES = {
    LawKind.FORBIDS: _("A city may not adopt this as written."),
    LawKind.RESTRICTS: _("Parts of this may not be allowed: ask your city attorney before it goes to council."),
    LawKind.REQUIRES: _("State law already asks this of local police, in part or in full."),
}


@dataclass(frozen=True)
class LawRule:
    """When a state's law or ruling has ``effect``, each named recommendation is marked ``kind``."""

    effect: str  # a statelaw.models.Effect value
    kind: str  # a LawKind value
    does: str  # what the law does, read after its name: "Texas SB 4 (2017) bans ..."
    recommendations: tuple[str, ...]


SEPARATE = "separate-local-from-federal-enforcement"
DONT_ASK = "dont-ask-status"
SERIOUS_ONLY = "target-serious-offenders"
PROTECT_INFORMATION = "protect-sensitive-information"

LAW_RULES = (
    # Laws that ban local limits on cooperation, or require cooperation.
    LawRule(
        "bans_local_limits",
        LawKind.FORBIDS,
        _("bans local policies that limit cooperation with federal immigration enforcement"),
        (SEPARATE,),
    ),
    LawRule(
        "bans_local_limits",
        LawKind.RESTRICTS,
        _("bans local policies that limit cooperation with federal immigration enforcement"),
        (DONT_ASK, PROTECT_INFORMATION),
    ),
    LawRule(
        "requires_detainers",
        LawKind.RESTRICTS,
        _("requires honoring ICE detainer requests"),
        (SEPARATE, SERIOUS_ONLY),
    ),
    LawRule(
        "requires_287g",
        LawKind.RESTRICTS,
        _("requires agencies that run jails to seek 287(g) agreements"),
        (SEPARATE, SERIOUS_ONLY),
    ),
    LawRule(
        "requires_status_checks",
        LawKind.RESTRICTS,
        _("requires officers or jails to check immigration status in some cases"),
        (DONT_ASK, PROTECT_INFORMATION),
    ),
    LawRule(
        "requires_ice_notice",
        LawKind.RESTRICTS,
        _("requires telling ICE about some people in custody"),
        (SEPARATE, PROTECT_INFORMATION),
    ),
    LawRule(
        "bans_info_limits",
        LawKind.RESTRICTS,
        _("bans local limits on sharing immigration-status information with federal authorities"),
        (PROTECT_INFORMATION,),
    ),
    LawRule(
        "state_controls_287g",
        LawKind.RESTRICTS,
        _("leaves agreements that deputize local officers to the state, not the city"),
        (SEPARATE, SERIOUS_ONLY),
    ),
    LawRule(
        "conditions_287g",
        LawKind.RESTRICTS,
        _("allows 287(g)-type agreements only in writing and on conditions the state sets"),
        (SERIOUS_ONLY,),
    ),
    # Laws that limit cooperation: part of the recommendation is already the law.
    LawRule(
        "bars_enforcement_help",
        LawKind.REQUIRES,
        _("bars local police from using their resources for immigration enforcement"),
        (SEPARATE,),
    ),
    LawRule(
        "bars_detainer_holds",
        LawKind.REQUIRES,
        _("bars or limits holding people on immigration detainers"),
        (SEPARATE, SERIOUS_ONLY),
    ),
    LawRule(
        "bars_287g",
        LawKind.REQUIRES,
        _("bars 287(g) or immigration detention agreements"),
        (SEPARATE, SERIOUS_ONLY),
    ),
    LawRule(
        "bars_status_questions",
        LawKind.REQUIRES,
        _("bars officers from asking some people about immigration status"),
        (DONT_ASK,),
    ),
    LawRule(
        "limits_info_sharing",
        LawKind.REQUIRES,
        _("limits what police may share with immigration authorities"),
        (PROTECT_INFORMATION,),
    ),
)


@dataclass(frozen=True)
class LawMark:
    """One law's bearing on one recommendation, for the page and the downloads."""

    kind: str
    law: str  # "Texas SB 4 (2017)"
    url: str  # the law on its state's page
    does: str

    @property
    def kind_label(self):
        return LawKind(self.kind).label

    @property
    def consequence(self):
        return LAW_CONSEQUENCES[LawKind(self.kind)]


def law_marks(authorities):
    """{recommendation slug: [LawMark]}, strongest first, from a state's laws and rulings.

    ``authorities`` have a ``label``, a ``url``, ``effects`` and ``binds`` (a law a court has blocked
    binds no one). A law marks a recommendation once, with the strongest kind its effects give and
    everything it does that bears on it.
    """
    rank = {kind: position for position, kind in enumerate(LAW_KIND_ORDER)}
    marks = {}
    for authority in (item for item in authorities if item.binds):
        found = {}  # slug -> [rules]
        for rule in LAW_RULES:
            if rule.effect in authority.effects:
                for slug in rule.recommendations:
                    found.setdefault(slug, []).append(rule)
        for slug, applying in found.items():
            applying.sort(key=lambda rule: rank[rule.kind])
            does = list(dict.fromkeys(str(rule.does) for rule in applying))
            mark = LawMark(applying[0].kind, authority.label, authority.url, str(_(" and ")).join(does))
            marks.setdefault(slug, []).append(mark)
    return {slug: sorted(found, key=lambda mark: rank[mark.kind]) for slug, found in marks.items()}
