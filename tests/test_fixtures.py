"""The fixtures hold what the research notes hold, and load into a consistent directory."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from departments.models import Department
from practices.models import Fact, Practice, Recommendation, RecommendationExample, StrategyArea
from sources.models import ReportNote, Source

NOTES = Path(settings.BASE_DIR).parent / "shared" / "nlc-report"
STATE_LAW_NOTES = Path(settings.BASE_DIR).parent / "shared" / "state-law" / "state-laws.yaml"

# The report's table of contents: (order, city, title, page).
TABLE_OF_CONTENTS = [
    (1, "Brooklyn Center", "Joint Community Police Partnership", 7),
    (2, "Newport News", "Hispanic Outreach Initiative", 9),
    (3, "Norfolk", "Hispanic Resource Officer", 11),
    (4, "Las Vegas", "Hispanic American Resource Team", 13),
    (5, "Portland", "AMPAC and Newcomer Meet and Greets", 15),
    (6, "Chelsea", "Community Action Teams and the Newcomer Program", 17),
    (7, "Saint Paul", "A Community Outreach Program", 19),
    (8, "Fort Wayne", "Hispanic / Immigrant Liaison Officer", 21),
    (9, "Washington", "Special Liaison Branch", 25),
    (10, "Dallas", "Asian American Unit", 27),
    (11, "Des Moines", "HONRA / AORO", 29),
    (12, "Lowell", "Cambodian Community Liaison", 31),
    (13, "Storm Lake", "Community Service Officers", 33),
    (14, "Garden Grove", "Bilingual Community Service Officers", 35),
    (15, "New Haven", "Elm City Immigration Project: Public Safety and Police Outreach", 37),
    (16, "New York", "Police Immigrant Outreach", 39),
    (17, "Winston-Salem", "Spanish Emergency Translation Cards", 41),
]

pytestmark = pytest.mark.django_db


def test_the_seventeen_good_practices_follow_the_table_of_contents():
    good_practices = Practice.objects.filter(entry_kind=Practice.EntryKind.GOOD_PRACTICE).select_related("department")
    rows = [
        (p.report_order, p.department.city, p.title, p.report_page) for p in good_practices.order_by("report_order")
    ]
    assert rows == TABLE_OF_CONTENTS


def test_the_indianapolis_case_study_is_loaded_with_its_years_and_page():
    case_study = Practice.objects.get(entry_kind=Practice.EntryKind.CASE_STUDY)
    assert case_study.title == "Indianapolis Model, 2000-2007: A Comprehensive Case Study"
    assert (case_study.year_started, case_study.year_ended, case_study.report_page) == (2000, 2007, 43)
    assert case_study.department.city == "Indianapolis"
    sections = set(case_study.facts.values_list("section", flat=True))
    assert {"context", "components", "timeline", "outcomes", "lessons", "people"} <= sections


def test_every_practice_is_published_with_a_department_sources_and_cited_facts():
    practices = Practice.objects.annotate(fact_count=Count("facts"))
    assert practices.count() == 18
    for practice in practices:
        assert practice.status == Practice.Status.PUBLISHED
        assert practice.department_id
        assert practice.fact_count > 0, practice.slug
        assert practice.summary
        assert practice.kinds.exists(), practice.slug


def test_every_fact_cites_a_source_that_exists():
    assert not Fact.objects.filter(source__isnull=True).exists()
    cited = set(Fact.objects.values_list("source_id", flat=True))
    assert cited <= set(Source.objects.values_list("pk", flat=True))


def test_facts_carry_over_exactly():
    storm_lake = Department.objects.get(slug="storm-lake-ia")
    assert (storm_lake.city_population, storm_lake.city_population_year) == (10000, 2009)
    assert storm_lake.size_band == "small"
    assert Department.objects.get(slug="chelsea-ma").foreign_born_share == "36.1%"
    assert Department.objects.get(slug="fort-wayne-in").foreign_born_share == "nearly 6%"
    example = RecommendationExample.objects.get(
        recommendation__slug="civilian-bilingual-staff", practice__slug="garden-grove-ca"
    )
    assert "$77,953" in example.note
    lao = Practice.objects.get(slug="storm-lake-ia").community_links.get(community__slug="lao")
    assert lao.as_named == "Laotian"


def test_unconfirmed_agencies_stay_empty_rather_than_guessed():
    for slug in ("fort-wayne-in", "portland-or"):
        department = Department.objects.get(slug=slug)
        assert department.name == ""
        assert department.kind == ""
        assert "agency not confirmed" in str(department)
        assert Practice.objects.get(slug=slug).caveat


def test_the_recommendation_areas_and_recommendations():
    areas = list(StrategyArea.objects.values_list("slug", "is_nlc_area"))
    assert areas == [
        ("communication", True),
        ("outreach", True),
        ("diversity", True),
        ("collaboration", True),
        ("immigration-enforcement", False),
    ]
    assert Recommendation.objects.count() == 28
    counts = dict(StrategyArea.objects.annotate(n=Count("recommendations")).values_list("slug", "n"))
    assert counts == {
        "communication": 6,
        "outreach": 6,
        "diversity": 4,
        "collaboration": 6,
        "immigration-enforcement": 6,
    }
    for recommendation in Recommendation.objects.annotate(n=Count("example_links"), s=Count("sources")):
        assert recommendation.n > 0, recommendation.slug
        assert recommendation.s > 0, recommendation.slug
        assert recommendation.action_list


def test_the_nlc_areas_cite_the_press_release_and_the_fifth_does_not():
    for area in StrategyArea.objects.filter(is_nlc_area=True):
        assert area.goal_source.key == "nlc-press-2011"
    fifth = StrategyArea.objects.get(is_nlc_area=False)
    assert fifth.goal_source is None
    assert "Not from NLC" in fifth.goal_note


def test_sources_shared_by_several_notes_are_one_row():
    report = Source.objects.get(key=Source.NLC_REPORT_KEY)
    assert report.author == "Ricardo Gambetta; Michelle Burgess"
    urls = list(Source.objects.exclude(url="").values_list("url", flat=True))
    assert len(urls) == len(set(urls))


def test_public_text_does_not_leak_note_file_names_or_ids():
    keys = set(Source.objects.values_list("key", flat=True))
    public_text = [rec.note for rec in Recommendation.objects.all()]
    public_text += [p.summary + p.caveat for p in Practice.objects.all()]
    for text in public_text:
        assert ".yaml" not in text
        assert not [key for key in keys if key in text.split()], text


def test_report_notes_say_what_was_read_in_the_report():
    assert ReportNote.objects.filter(topic="barrier").count() == 5
    assert set(ReportNote.objects.filter(read_in_report=True).values_list("source__key", flat=True)) == {"nlc-2011"}


@pytest.mark.skipif(not NOTES.exists(), reason="the research notes are not beside the project")
def test_committed_fixtures_match_the_research_notes(tmp_path):
    """If the notes change, rebuild with `python manage.py build_fixtures` and review the diff."""
    pytest.importorskip("yaml")
    from tools.research_notes.converter import FixtureBuilder
    from tools.state_law.converter import state_law_fixture

    builder = FixtureBuilder(NOTES).build()
    rebuilt = {**builder.fixtures(), **state_law_fixture(STATE_LAW_NOTES, builder)}
    for name, rows in rebuilt.items():
        committed = json.loads((Path(settings.FIXTURE_DIRS[0]) / name).read_text(encoding="utf-8"))
        assert committed == json.loads(json.dumps(rows)), f"{name} is out of date with the research notes"
