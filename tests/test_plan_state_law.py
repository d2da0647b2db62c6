"""The plan and state law (planning/rules.py, LAW_RULES), stated as plans for cities in described states."""

import csv
import io

import pytest
from django.urls import reverse

from planning import rules
from planning.plan import Plan
from planning.rules import NO, Answers, Concern, Existing, LawKind
from practices.models import Recommendation, vocabulary_choices
from statelaw.models import Effect, StateEntry

pytestmark = pytest.mark.django_db

SEPARATE = "separate-local-from-federal-enforcement"
DONT_ASK = "dont-ask-status"
SERIOUS_ONLY = "target-serious-offenders"
PROTECT = "protect-sensitive-information"


def make_plan(**answers):
    return Plan(Answers(**answers), options=vocabulary_choices())


def afraid_of_deportation(state, **more):
    return make_plan(state=state, size="midsize", concerns=(Concern.DEPORTATION,), **more)


def marks(plan, slug):
    match = next(match for match in plan.ranked_recommendations if match.item.slug == slug)
    return match.law_marks


def kinds(plan, slug):
    return [mark.kind for mark in marks(plan, slug)]


def start_slugs(plan):
    return [match.item.slug for match in plan.start_here]


# The rule table


def test_every_law_rule_names_a_real_effect_and_recommendation():
    slugs = set(Recommendation.objects.values_list("slug", flat=True))
    for rule in rules.LAW_RULES:
        assert rule.effect in Effect.values, rule
        assert rule.kind in LawKind.values, rule
        assert set(rule.recommendations) <= slugs, rule
    assert {rule.effect for rule in rules.LAW_RULES} == set(Effect.values), "an effect no rule reads"


def test_a_law_marks_a_recommendation_once_with_its_strongest_kind():
    class Authority:
        label, url, binds = "Texas SB 4 (2017)", "/states/tx/#law-1", True
        effects = ["bans_local_limits", "requires_detainers"]

    found = rules.law_marks([Authority()])
    assert [(mark.kind, mark.law) for mark in found[SEPARATE]] == [(LawKind.FORBIDS, "Texas SB 4 (2017)")]
    assert "requires honoring ICE detainer requests" in found[SEPARATE][0].does
    assert [mark.kind for mark in found[SERIOUS_ONLY]] == [LawKind.RESTRICTS]


def test_a_blocked_law_marks_nothing():
    class Blocked:
        label, url, binds, effects = "Somewhere HB 1 (2024)", "/", False, ["bans_local_limits"]

    assert rules.law_marks([Blocked()]) == {}


# Texas: SB 4 (2017) bans local limits and requires detainers; SB 8 (2025) requires 287(g) for jails.


def test_texas_rules_out_separating_local_from_federal_enforcement_and_names_the_laws():
    plan = afraid_of_deportation("TX")
    assert plan.state_law.state == "TX"
    separate = marks(plan, SEPARATE)
    assert separate[0].kind == LawKind.FORBIDS
    assert [mark.law for mark in separate] == ["Texas SB 4 (2017)", "Texas SB 8 (2025)"]
    assert separate[0].url.startswith(reverse("statelaw:detail", kwargs={"code": "tx"}) + "#law-")
    # Ruled out: never a first step, never "also worth a look", but listed with its law.
    assert SEPARATE not in start_slugs(plan)
    assert SEPARATE not in [match.item.slug for match in plan.also_consider]
    assert [match.item.slug for match in plan.ruled_out] == [SEPARATE]


def test_texas_limits_the_status_rule_and_federal_programs_but_keeps_them_as_first_steps():
    plan = afraid_of_deportation("TX")
    assert kinds(plan, DONT_ASK) == [LawKind.RESTRICTS]
    assert [mark.law for mark in marks(plan, SERIOUS_ONLY)] == ["Texas SB 4 (2017)", "Texas SB 8 (2025)"]
    assert DONT_ASK in start_slugs(plan)
    assert marks(plan, "u-visa-certification") == []
    # Every recommendation the worry makes urgent is a first step, except the one Texas law rules out.
    urgent = [match for match in plan.ranked_recommendations if match.points > 0]
    assert len(plan.start_here) == len(urgent) - 1


# Iowa: SF 481 (2018).


def test_iowa_rules_out_the_same_and_names_sf_481():
    plan = afraid_of_deportation("IA")
    assert [(mark.kind, mark.law) for mark in marks(plan, SEPARATE)] == [(LawKind.FORBIDS, "Iowa SF 481 (2018)")]
    assert kinds(plan, SERIOUS_ONLY) == [LawKind.RESTRICTS]
    assert SEPARATE not in start_slugs(plan)


# North Carolina: HB 318 (2015) bans local limits; HB 10 (2024) and HB 318 (2025) require holds and notice.


def test_north_carolina_names_each_of_its_three_laws():
    plan = afraid_of_deportation("NC")
    assert [mark.law for mark in marks(plan, SEPARATE)] == [
        "North Carolina HB 318 (2015)",
        "North Carolina HB 10 (2024)",
        "North Carolina HB 318 (2025)",
    ]
    assert kinds(plan, SEPARATE)[0] == LawKind.FORBIDS
    assert any("requires telling ICE about some people in custody" in mark.does for mark in marks(plan, PROTECT))
    assert SEPARATE not in start_slugs(plan)


# California: SB 54 (2017) and AB 4 (2013) limit cooperation: the recommendation is already the law.


def test_california_already_requires_separating_local_from_federal_enforcement():
    plan = afraid_of_deportation("CA")
    assert [(mark.kind, mark.law) for mark in marks(plan, SEPARATE)] == [
        (LawKind.REQUIRES, "California SB 54 (2017)"),
        (LawKind.REQUIRES, "California AB 4 (2013)"),
    ]
    assert SEPARATE in start_slugs(plan)
    assert plan.ruled_out == []
    assert all(mark.kind != LawKind.FORBIDS for match in plan.ranked_recommendations for mark in match.law_marks)


# A state where no statewide law was found, and a state the plan cannot name.


def test_a_state_with_no_statewide_law_found_marks_nothing_and_says_so_honestly(client):
    plan = afraid_of_deportation("AK")
    assert plan.state_law.found_no_law
    assert not any(match.law_marks for match in plan.ranked_recommendations)
    assert SEPARATE in start_slugs(plan)
    text = client.get(reverse("planning:plan"), {"state": "AK", "concern": "deportation"}).text
    assert "No statewide law on this was found for Alaska in the sources consulted" in text
    assert "That does not mean none exists." in text


def test_without_a_state_or_with_one_the_directory_does_not_cover_nothing_is_marked(client):
    for state in ("", "PR"):
        plan = afraid_of_deportation(state)
        assert plan.state_law is None
        assert not any(match.law_marks for match in plan.ranked_recommendations)
        assert SEPARATE in start_slugs(plan)
    unnamed = client.get(reverse("planning:plan"), {"concern": "deportation"}).text
    assert "You did not say which state your city is in." in unnamed
    assert reverse("statelaw:list") in unnamed
    territory = client.get(reverse("planning:plan"), {"state": "PR", "concern": "deportation"}).text
    assert "This directory has no summary of Puerto Rico's law yet" in territory


def test_a_draft_state_entry_is_not_used_by_plans():
    StateEntry.objects.filter(state="TX").update(status=StateEntry.Status.DRAFT)
    plan = afraid_of_deportation("TX")
    assert plan.state_law is None
    assert SEPARATE in start_slugs(plan)


# The page and the downloads


def test_the_plan_opens_with_the_state_law_and_marks_each_recommendation(client):
    response = client.get(reverse("planning:plan"), {"state": "TX", "size": "midsize", "concern": "deportation"})
    text = response.text
    assert text.index('id="state-law"') < text.index('id="where-to-start"') < text.index('id="like-yours"')
    assert "State law in Texas" in text and "Not legal advice." in text
    assert "1 recommendation is ruled out by state law, so it is not among your first steps." in text
    assert 'id="ruled-out"' in text
    ruled_out = text[text.index('id="ruled-out"') :]
    assert "Keep routine local policing separate from civil immigration enforcement" in ruled_out
    assert "Texas SB 4 (2017)</a> bans local policies that limit cooperation" in text
    assert "Limited by state law." in text


def test_the_csv_checklist_carries_the_warnings(client):
    response = client.get(
        reverse("planning:plan"), {"state": "TX", "size": "midsize", "concern": "deportation", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    law_column = {row["Recommendation"]: row["State law"] for row in rows}
    status_rule = "Adopt a written rule not to ask victims and witnesses about immigration status"
    assert law_column[status_rule].startswith("Limited by state law: Texas SB 4 (2017) bans local policies")
    ruled_out = [row for row in rows if row["Step"] == ""]
    assert [row["Recommendation"] for row in ruled_out] == [
        "Keep routine local policing separate from civil immigration enforcement"
    ]
    assert ruled_out[0]["State law"].startswith("Ruled out by state law: Texas SB 4 (2017)")


def test_the_markdown_plan_opens_with_the_state_law_and_carries_the_warnings(client):
    response = client.get(
        reverse("planning:plan"), {"state": "TX", "size": "midsize", "concern": "deportation", "format": "md"}
    )
    text = response.content.decode()
    assert text.index("## State law in Texas") < text.index("## Where to start")
    assert "Not legal advice." in text
    assert "**Limited by state law.**\n- [Texas SB 4 (2017)](http://testserver/states/tx/#law-" in text
    assert "## Ruled out by state law" in text


# Also fixed in the plan


def test_first_steps_cover_what_the_city_lacks_as_well_as_what_it_fears():
    plan = make_plan(state="TX", size="midsize", existing={Existing.LIAISON: NO}, concerns=(Concern.DEPORTATION,))
    start = {match.item.slug: match for match in plan.start_here}
    assert "dedicated-liaisons" in start or "keep-community-leaders-informed" in start
    liaison_step = start.get("dedicated-liaisons") or start["keep-community-leaders-informed"]
    assert any("liaison" in str(label).lower() for label in liaison_step.covers)
    areas = {match.item.area.slug for match in plan.start_here}
    assert len(areas) > 1, "one worry must not fill every first step from one area"
    deportation_steps = [match for match in plan.start_here if match.covers]
    assert any("Fear of deportation" in str(label) for match in deportation_steps for label in match.covers)


def test_the_closest_departments_show_even_when_ties_would_cut_them_off():
    plan = make_plan(state="TX", size="midsize", communities=("vietnamese",), concerns=(Concern.DEPORTATION,))
    shown = [match.item.department.slug for match in [*plan.similar_departments, *plan.also_close]]
    assert "dallas-tx" in shown
    dallas = next(match for match in [*plan.similar_departments, *plan.also_close] if match.item.city == "Dallas")
    assert {"Same state: Texas", "Also serves one of your communities: Vietnamese"} <= {
        str(reason.text) for reason in dallas.reasons
    }


def test_the_status_policy_question_says_which_way_the_policy_goes():
    label = str(Existing.STATUS_POLICY.label)
    assert "not ask" in label and "immigration status" in label


@pytest.mark.parametrize(
    "answers",
    [{"state": "CA", "population": "1300000"}, {"state": "TX"}, {"state": "TX", "concern": "deportation"}],
    ids=["large-california-city", "texas-no-answers", "texas-deportation"],
)
def test_every_recommendation_the_law_marks_is_in_the_plan_with_its_law(client, answers):
    response = client.get(reverse("planning:plan"), answers)
    plan, text = response.context["plan"], response.text
    marked = [match for match in plan.ranked_recommendations if match.law_marks]
    assert marked and sum(plan.law_counts.values()) == len(marked)
    listed = [*plan.start_here, *plan.also_consider, *plan.less_urgent, *plan.law_also, *plan.ruled_out]
    assert all(any(match is shown for shown in listed) for match in marked)
    for match in marked:
        title = str(match.item.title)
        after = text[text.index(f">{title}</") :]
        assert str(match.law_marks[0].kind_label) in after[:4000], title
