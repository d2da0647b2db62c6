"""The planning rules, stated as plans for described cities (planning/rules.py)."""

import json
from pathlib import Path

import pytest

from departments.models import SizeBand
from planning import rules
from planning.plan import Plan
from planning.rules import NO, YES, Answers, Concern, Existing
from practices.models import Practice, Recommendation, vocabulary_choices

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def make_plan(**answers):
    return Plan(Answers(**answers), options=vocabulary_choices())


def department_slugs(matches):
    return [match.item.department.slug for match in matches]


def recommendation_slugs(matches):
    return [match.item.slug for match in matches]


def reason_texts(match):
    return [str(reason.text) for reason in match.reasons]


def small_iowa_town():
    return make_plan(
        size=SizeBand.SMALL,
        state="IA",
        communities=("lao", "mexican"),
        languages=("lo", "es"),
        existing={Existing.INTERPRETERS: NO},
        concerns=(Concern.LANGUAGE,),
    )


def large_city_with_many_languages():
    return make_plan(
        population=1_300_000,
        state="TX",
        communities=("hispanic-latino", "vietnamese", "korean"),
        languages=("es", "vi", "ko", "cmn", "tl", "so"),
        existing={Existing.ADVISORY_GROUP: YES},
        concerns=(Concern.LANGUAGE,),
    )


# The rule table itself


def test_every_recommendation_a_rule_names_exists_in_the_fixtures():
    fixture = json.loads((FIXTURES / "5-recommendations.json").read_text())
    slugs = {row["fields"]["slug"] for row in fixture if row["model"] == "practices.recommendation"}
    named = {slug for rule in rules.RULES for slug in rule.recommendations}
    assert named - slugs == set(), "rules name recommendations the fixtures do not have"
    assert named <= set(Recommendation.objects.values_list("slug", flat=True))


def test_every_answer_the_form_can_give_is_mapped_and_every_rule_names_a_real_answer():
    whens = {rule.when for rule in rules.RULES}
    assert whens <= rules.possible_answers()
    for concern in Concern.values:
        assert f"concern={concern}" in whens, concern
    for item in Existing.values:
        assert f"{item}={NO}" in whens, f"{item}: nothing says what its absence makes more urgent"
        assert f"{item}={YES}" in whens, f"{item}: nothing says what having it makes less urgent"


def test_worries_and_gaps_raise_and_what_exists_lowers():
    for rule in rules.RULES:
        if rule.when.startswith("concern="):
            assert rule.points == rules.WORRY
        elif rule.when.endswith(f"={NO}"):
            assert rule.points == rules.MISSING
        elif rule.when.endswith(f"={YES}"):
            assert rule.points in {rules.ALREADY_IN_PLACE, rules.BUILDS_ON}
        assert rule.recommendations and len(set(rule.recommendations)) == len(rule.recommendations)


# Described cities


def test_a_small_iowa_town_with_lao_and_mexican_residents_and_no_interpreter():
    plan = small_iowa_town()

    assert department_slugs(plan.similar_departments)[0] == "storm-lake-ia"
    storm_lake = plan.similar_departments[0]
    assert reason_texts(storm_lake) == [
        "A city of the same size: Small (under 50,000)",
        "Also serves 2 of your communities: Lao, Mexican",
        "Also works in 2 of your languages: Lao, Spanish",
        "Same region: Midwest",
        "Same state: Iowa",
    ]
    shared = 2 * rules.EACH_SHARED_COMMUNITY + 2 * rules.EACH_SHARED_LANGUAGE
    assert storm_lake.points == rules.SAME_SIZE_BAND + shared + rules.SAME_REGION + rules.SAME_STATE

    first_three = plan.start_here[:3]
    assert recommendation_slugs(first_three) == [
        "written-language-access-plan",
        "language-needs-assessment",
        "make-interpreters-reachable",
    ]
    for match in first_three:
        assert reason_texts(match) == [
            "You worry about language barriers.",
            "You said there are no bilingual officers or interpreters.",
        ]
    assert all(match.item.area.slug == "communication" for match in first_three)


def test_a_large_city_with_many_languages_and_an_advisory_council_already():
    plan = large_city_with_many_languages()

    assert plan.answers.size_band == SizeBand.VERY_LARGE
    top = [match.item.department for match in plan.similar_departments[:3]]
    assert [department.slug for department in top][0] == "dallas-tx"
    # Shared communities and languages can outweigh size: midsize Garden Grove shares Korean and
    # Vietnamese residents and three languages (the 2026 update lists its Spanish and Vietnamese).
    assert {department.slug for department in top} >= {"dallas-tx", "garden-grove-ca"}

    ranked = recommendation_slugs(plan.ranked_recommendations)
    advisory = ranked.index("advisory-committees")
    directory_order = recommendation_slugs(make_plan().ranked_recommendations)
    assert advisory > directory_order.index("advisory-committees")
    assert advisory == len(ranked) - 1, "the only recommendation with negative points comes last"
    assert recommendation_slugs(plan.less_urgent) == ["advisory-committees"]
    assert reason_texts(plan.less_urgent[0]) == [
        "You already have an advisory group of immigrant residents, so this is less urgent."
    ]
    assert "advisory-committees" not in recommendation_slugs(plan.start_here)
    # Six languages: planning which to cover first gains a point.
    assessment = next(match for match in plan.start_here if match.item.slug == "language-needs-assessment")
    assert "You listed 3 or more languages." in reason_texts(assessment)


def test_an_empty_form_gives_a_general_plan_one_first_step_per_area():
    plan = make_plan()
    assert plan.is_general
    assert plan.similar_departments == []
    assert recommendation_slugs(plan.start_here) == [
        "written-language-access-plan",
        "dedicated-liaisons",
        "recruit-from-immigrant-communities",
        "multi-agency-partnership",
        "dont-ask-status",
    ]
    assert all(match.reasons == [] for match in plan.start_here)
    assert plan.checklist[0][0] == 1 and len(plan.checklist) == sum(len(m.item.action_list) for m in plan.start_here)


def test_a_city_that_has_everything_starts_with_what_builds_on_it():
    plan = make_plan(existing=dict.fromkeys(Existing.values, YES))
    assert not plan.is_general
    assert recommendation_slugs(plan.start_here) == [
        "make-interpreters-reachable",
        "department-wide-liaison-network",
        "explain-the-policy-publicly",
    ]
    assert set(recommendation_slugs(plan.less_urgent)) == {
        "civilian-bilingual-staff",
        "dedicated-liaisons",
        "dont-ask-status",
        "advisory-committees",
        "informal-contact",
        "health-and-community-organizations",
    }


def test_a_general_plan_skips_what_the_city_already_has():
    Recommendation.objects.filter(slug="dedicated-liaisons").update(position=9)
    Recommendation.objects.filter(slug="advisory-committees").update(position=0)
    assert recommendation_slugs(make_plan().start_here)[1] == "advisory-committees"
    plan = make_plan(existing={Existing.ADVISORY_GROUP: YES})
    assert plan.is_general
    assert recommendation_slugs(plan.start_here)[1] == "go-to-the-community"


# How departments are compared


def test_ties_between_departments_go_by_city_then_state():
    plan = make_plan(state="WI")  # Midwest, no profiled department in Wisconsin
    assert {match.points for match in plan.ranked_departments[:6]} == {rules.SAME_REGION}
    midwest = department_slugs(plan.ranked_departments[:6])
    assert midwest == [
        "brooklyn-center-mn",
        "des-moines-ia",
        "fort-wayne-in",
        "indianapolis-in",
        "saint-paul-mn",
        "storm-lake-ia",
    ]
    assert department_slugs(plan.similar_departments) == midwest[: rules.SIMILAR_DEPARTMENTS_SHOWN]
    assert department_slugs(make_plan(state="WI").ranked_departments) == department_slugs(plan.ranked_departments)


@pytest.mark.parametrize(
    ("population", "size", "expected"),
    [
        (49_999, SizeBand.SMALL, "A city of the same size: Small (under 50,000)"),
        (50_000, SizeBand.SMALL, "A city of a neighbouring size: Small (under 50,000)"),
        (300_000, SizeBand.SMALL, None),
    ],
)
def test_size_bands_same_neighbouring_or_too_far(population, size, expected):
    storm_lake = next(m for m in make_plan(population=population).ranked_departments if m.item.city == "Storm Lake")
    assert storm_lake.item.size_band == size
    assert reason_texts(storm_lake) == ([expected] if expected else [])


def test_a_department_without_a_known_population_gets_no_size_points():
    plan = make_plan(size=SizeBand.LARGE, state="IN")
    indianapolis = next(m for m in plan.ranked_departments if m.item.city == "Indianapolis")
    assert reason_texts(indianapolis) == ["Same region: Midwest", "Same state: Indiana"]


def test_territories_have_no_region_and_match_only_by_state():
    plan = make_plan(state="PR", communities=("hispanic-latino",))
    assert plan.answers.region is None
    assert all("region" not in " ".join(reason_texts(m)) for m in plan.ranked_departments)


def test_only_departments_with_published_practices_are_compared():
    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT)
    plan = small_iowa_town()
    assert "storm-lake-ia" not in department_slugs(plan.ranked_departments)
    for match in plan.start_here:
        assert all(example.practice.slug != "storm-lake-ia" for example in plan.examples(match.item))


def test_example_practices_put_departments_like_yours_first():
    plan = small_iowa_town()
    language_plan = next(m for m in plan.start_here if m.item.slug == "written-language-access-plan")
    examples = plan.examples(language_plan.item)
    assert [example.practice.slug for example in examples] == ["storm-lake-ia", "las-vegas-nv"]
    assert [example.like_yours for example in examples] == [True, False]
    # With no answers the curators' order stands.
    general = make_plan()
    assert [e.practice.slug for e in general.examples(language_plan.item)] == ["las-vegas-nv", "storm-lake-ia"]


# Honesty and robustness


def test_every_point_is_explained():
    plan = make_plan(
        population=120_000,
        state="VA",
        communities=("hispanic-latino", "mexican", "somali"),
        languages=("es", "so", "vi"),
        other_languages=("Amharic",),
        existing={Existing.INTERPRETERS: YES, Existing.LIAISON: NO, Existing.STATUS_POLICY: NO},
        concerns=tuple(Concern.values),
    )
    for match in [*plan.ranked_departments, *plan.ranked_recommendations]:
        assert match.points == sum(reason.points for reason in match.reasons)
        assert all(str(reason.text).strip() and reason.points for reason in match.reasons)
    points = [match.points for match in plan.ranked_recommendations]
    assert points == sorted(points, reverse=True)
    assert rules.START_HERE_COUNT <= len(plan.start_here) <= max(rules.START_HERE_COUNT, len(plan.answers.needs()))


def worries_answered_by(plan, matches):
    slugs = set(recommendation_slugs(matches))
    return {
        concern
        for concern in plan.answers.concerns
        if slugs & set(next(rule.recommendations for rule in rules.RULES if rule.when == f"concern={concern}"))
    }


def worries_answered(plan):
    return worries_answered_by(plan, plan.start_here)


def test_every_worry_gets_a_first_step_even_when_other_answers_weigh_more():
    """The Iowa town's language needs would fill the six places; fear of deportation still gets one."""
    town = {
        "size": SizeBand.SMALL,
        "state": "IA",
        "communities": ("lao", "mexican"),
        "languages": ("lo", "es"),
        "existing": {Existing.INTERPRETERS: NO},
    }
    language_only = make_plan(**town, concerns=(Concern.LANGUAGE,))
    plan = make_plan(**town, concerns=(Concern.LANGUAGE, Concern.DEPORTATION))
    six_by_points = [m for m in plan.ranked_recommendations if m.points > 0][: rules.START_HERE_COUNT]
    assert Concern.DEPORTATION not in worries_answered_by(plan, six_by_points)
    assert worries_answered(plan) == {Concern.LANGUAGE, Concern.DEPORTATION}
    # The first step for each worry (and each lack) comes first; the most urgent others fill the six places.
    assert len(plan.start_here) == rules.START_HERE_COUNT
    added = next(m for m in plan.start_here if m not in six_by_points)
    assert "You worry about fear of deportation." in [str(reason.text) for reason in added.reasons]
    assert [str(label) for label in added.covers] == ["Your worry: Fear of deportation"]
    language_step = plan.start_here[0]
    assert [str(label) for label in language_step.covers] == [
        "Your worry: Language barriers",
        "What you lack: Bilingual officers or interpreters",
    ]
    # Still in order of points; the urgent ones left out are under "also worth a look".
    points = [m.points for m in plan.start_here]
    assert points == sorted(points, reverse=True)
    assert not {id(m) for m in plan.start_here} & {id(m) for m in plan.also_consider}
    assert worries_answered(language_only) == {Concern.LANGUAGE}


def test_a_deleted_recommendation_is_skipped_without_a_crash():
    Recommendation.objects.filter(slug__in=["advisory-committees", "written-language-access-plan"]).delete()
    plan = large_city_with_many_languages()
    assert plan.less_urgent == []
    assert "written-language-access-plan" not in recommendation_slugs(plan.ranked_recommendations)
    assert recommendation_slugs(plan.start_here)[0] == "language-needs-assessment"


def test_typed_languages_count_towards_several_but_never_match_a_department():
    answers = Answers(languages=("es",), other_languages=("Amharic", "Tigrinya"))
    assert "languages=several" in answers.given()
    plan = Plan(answers, options=vocabulary_choices())
    assert all("Amharic" not in " ".join(reason_texts(m)) for m in plan.ranked_departments)
    assert ("Languages", "Spanish; also Amharic, Tigrinya (not in the directory's list, so not matched)") in [
        (str(question), answer) for question, answer in plan.summary()
    ]
