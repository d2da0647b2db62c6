"""Facts that agree with themselves: the consistency check (practices/consistency.py), in the tests and
on the admin's practice page."""

import pytest
from django.urls import reverse

from practices import consistency
from practices.models import Fact, Practice, PracticeKind, PracticeLanguage, StrategyArea

pytestmark = pytest.mark.django_db


def warnings_for(slug):
    practice = consistency.for_consistency_check(Practice.objects.filter(slug=slug)).get()
    return {warning.code: warning for warning in consistency.check(practice, consistency.Vocabulary.load())}


def test_the_directory_agrees_with_itself_apart_from_warnings_a_curator_accepted_with_a_reason():
    for practice, warnings in consistency.warnings_by_practice().items():
        for warning in warnings:
            assert warning.accepted, f"{practice.slug}: {warning.code}: {warning.message}"


def test_languages_a_fact_names_in_use_must_be_listed():
    # Before the 2026 update Garden Grove listed only Korean, while its facts name dispatch translation in
    # Spanish, Vietnamese and Cantonese.
    PracticeLanguage.objects.filter(practice__slug="garden-grove-ca").exclude(language__code="ko").delete()
    warnings = warnings_for("garden-grove-ca")
    assert {"language:es", "language:vi", "language:yue"} <= set(warnings)
    assert warnings["language:yue"].message == (
        "A fact names Cantonese as a language in use, but the languages leave it out."
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("dispatch translation covered only Spanish, Vietnamese and Cantonese", {"Spanish", "Vietnamese", "Cantonese"}),
        ("officers bilingual in Korean, Vietnamese, and Tagalog", {"Korean", "Vietnamese", "Tagalog"}),
        ("Spanish-speaking residents", {"Spanish"}),
        ("help in other languages, such as Mandarin, when needed", {"Mandarin"}),
        ("four officers of Korean descent and one Vietnamese officer", set()),
        ("meetings in the Vietnamese community", set()),
        ("Lt. Paul Thai called the fair a success", set()),
    ],
)
def test_what_counts_as_naming_a_language_in_use(text, found):
    names = ["Spanish", "Vietnamese", "Cantonese", "Korean", "Tagalog", "Mandarin", "Thai"]
    assert consistency.languages_named(text, names) == found


def test_communities_a_fact_names_must_be_listed():
    Fact.objects.create(
        practice=Practice.objects.get(slug="dallas-tx"),
        section="how-it-works",
        text="Officers visit Somali families each month.",
        source=Fact.objects.filter(practice__slug="dallas-tx").first().source,
    )
    assert "community:somali" in warnings_for("dallas-tx")


def test_a_start_year_left_empty_while_the_timeline_says_the_program_began_is_flagged():
    # Before the update Garden Grove said "not known" while its 1985 timeline entry approves the posts.
    Practice.objects.filter(slug="garden-grove-ca").update(year_started=None, year_started_source=None)
    warning = warnings_for("garden-grove-ca")["year-started"]
    assert warning.message == "The year started is empty, but the timeline says something started in 1985."
    assert not warning.accepted


def test_a_start_year_that_a_fact_naming_the_program_contradicts_is_flagged():
    Practice.objects.filter(slug="des-moines-ia").update(year_started=2003)
    assert "2000, 2007" in warnings_for("des-moines-ia")["year-started"].message


def test_immigration_enforcement_clarity_needs_a_policy_on_record():
    practice = Practice.objects.get(slug="norfolk-va")
    practice.kinds.add(PracticeKind.objects.get(slug="immigration_enforcement_clarity"))
    warning = warnings_for("norfolk-va")["kind:immigration_enforcement_clarity"]
    assert "written policy or a stated public commitment" in warning.message


def test_a_kind_no_fact_shows_is_flagged_and_each_kind_lists_what_shows_it():
    practice = Practice.objects.get(slug="winston-salem-nc")
    practice.kinds.add(PracticeKind.objects.get(slug="advisory_council"))
    assert "kind:advisory_council" in warnings_for("winston-salem-nc")
    checked = consistency.for_consistency_check(Practice.objects.filter(slug="new-haven-ct")).get()
    shown = {kind.slug: items for kind, items in consistency.kind_evidence(checked)}
    assert [str(item) for item in shown["immigration_enforcement_clarity"]][0].startswith("General Order 06-2")
    assert shown["community_partnerships"]


def test_illustrating_a_recommendation_files_the_practice_under_its_area():
    practice = Practice.objects.get(slug="norfolk-va")
    practice.areas.remove(StrategyArea.objects.get(slug="immigration-enforcement"))
    assert "area:immigration-enforcement" in warnings_for("norfolk-va")


def test_accepted_warnings_are_read_one_per_line():
    assert consistency.accepted_reasons("language:so: an interpreter once\n\nbad line\nkind:x: why") == {
        "language:so": "an interpreter once",
        "kind:x": "why",
    }


def test_curators_see_the_warnings_and_why_each_kind_was_given(curator_client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    text = curator_client.get(reverse("admin:practices_practice_change", args=[practice.pk])).text
    assert "<code>language:so</code>" in text and "accepted:" in text
    assert "<strong>Community service officers</strong>:" in text
    assert "No trace since 2009" in text
    listing = curator_client.get(reverse("admin:practices_practice_changelist"), {"consistency": "warnings"})
    assert listing.status_code == 200
    PracticeLanguage.objects.filter(practice=practice, language__code="es").delete()
    listing = curator_client.get(reverse("admin:practices_practice_changelist"), {"consistency": "warnings"})
    assert [p.slug for p in listing.context["cl"].result_list] == ["storm-lake-ia"]
