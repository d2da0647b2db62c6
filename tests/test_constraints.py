"""The database refuses implausible rows even when forms are bypassed; forms explain the rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Department
from practices.models import Fact, Practice, PracticeKind
from sources.models import Source

pytestmark = pytest.mark.django_db


def practice(**overrides):
    fields = {
        "slug": "test-practice",
        "title": "Test practice",
        "department": Department.objects.get(slug="storm-lake-ia"),
        "summary": "A practice made for a test.",
    }
    return Practice(**{**fields, **overrides})


def assert_refused_by_database(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize(
    "overrides",
    [
        {"year_started": 1850},
        {"year_started": 2500},
        {"year_started": 2005, "year_ended": 2001},
        {"report_page": 99},
        {"status": "secret"},
        {"entry_kind": "rumour"},
        {"title": ""},
        {"report_order": 13},  # Storm Lake's place in the report is taken.
        {"slug": "storm-lake-ia"},  # So is its slug.
    ],
)
def test_database_refuses_bad_practices(overrides):
    if "year_started" in overrides:
        # Cite the year, so that each case is refused for its own rule, not for a missing source.
        overrides = {"year_started_source": Source.objects.get(key="nlc-2011"), **overrides}
    assert_refused_by_database(practice(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"slug": "Storm-Lake"},
        {"slug": "storm lake"},
        {"slug": "-storm-lake"},
        {"report_order": 0},
        {"year_started": 2005},  # a year without its source
        {"current_status": "thriving"},  # a status today the rule never gives
        {"current_page_url": "javascript:alert(1)"},
    ],
)
def test_database_refuses_practices_breaking_the_curation_rules(overrides):
    assert_refused_by_database(practice(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"slug": "Test-City"},
        {"website": "ftp://example.org/"},
        {"website": "javascript:alert(1)"},
        {"city_population": 5000},  # neither year nor source
        {"foreign_born_share": "12%"},  # no source
        {"latitude": 42},  # no longitude
    ],
)
def test_database_refuses_departments_breaking_the_curation_rules(overrides):
    fields = {"slug": "test-city-ia", "city": "Test City", "state": "IA"}
    assert_refused_by_database(Department(**{**fields, **overrides}))


@pytest.mark.parametrize("overrides", [{"key": "Vera 2009"}, {"url": "ftp://example.org/report.pdf"}])
def test_database_refuses_bad_source_keys_and_addresses(overrides):
    assert_refused_by_database(Source(**{"key": "test-source", "title": "Test", **overrides}))


def test_database_refuses_a_vocabulary_slug_with_capitals():
    assert_refused_by_database(PracticeKind(slug="Language_Access", name="Test kind", description="Test."))


def test_forms_explain_slug_and_address_rules():
    source = Source(key="Vera 2009", title="Test", url="ftp://example.org/report.pdf")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    messages = error.value.message_dict
    assert "Enter a full web address starting with http:// or https://." in messages["url"]
    assert any("Lowercase letters and numbers" in message for message in messages["key"])


@pytest.mark.parametrize(
    "overrides",
    [
        {"state": "ZZ"},
        {"city_population": -5},
        {"city_population_year": 1700},
        {"latitude": 123},
        {"kind": "vigilantes"},
        {"city": ""},
        {"slug": "storm-lake-ia"},
    ],
)
def test_database_refuses_bad_departments(overrides):
    fields = {"slug": "test-city-ia", "city": "Test City", "state": "IA"}
    assert_refused_by_database(Department(**{**fields, **overrides}))


def test_database_refuses_an_empty_fact_and_a_bad_section():
    target = Practice.objects.get(slug="storm-lake-ia")
    source = Source.objects.get(key="nlc-2011")
    assert_refused_by_database(Fact(practice=target, section="how-it-works", source=source))
    assert_refused_by_database(Fact(practice=target, section="gossip", text="x", source=source))
    assert_refused_by_database(Fact(practice=target, section="timeline", year=1492, text="x", source=source))


def test_database_refuses_a_source_kind_outside_the_list():
    assert_refused_by_database(Source(key="x", title="X", kind="blog"))


def test_forms_explain_the_rules_in_plain_words():
    draft = practice(year_started=2005, report_order=13, report_page=None, slug="storm-lake-ia")
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    messages = error.value.message_dict
    assert messages["year_started_source"] == ["Cite the source that gives the start year, or leave the year empty."]
    assert "Another practice already has this place in the report." in messages["__all__"]
    assert "slug" in messages


def test_forms_refuse_future_years_and_half_coordinates():
    department = Department(
        slug="x-ia", city="X", state="IA", latitude=42, city_population=5, city_population_year=2999
    )
    with pytest.raises(ValidationError) as error:
        department.full_clean()
    messages = error.value.message_dict
    assert "Give both latitude and longitude, or neither." in messages["longitude"]
    assert "Cite the source of the population figure." in messages["city_population_source"]
    assert any("future" in message or "less than" in message for message in messages["city_population_year"])


def test_a_new_practice_starts_as_a_draft_and_is_not_public():
    new = practice()
    new.save()
    new.kinds.add(PracticeKind.objects.first())
    assert new.status == Practice.Status.DRAFT
    assert new not in Practice.objects.published()
    assert Department.objects.public().filter(pk=new.department_id).exists()  # Storm Lake has a published one.
