"""The JSON API: what it answers, how it refuses bad input, what it costs, and that it keeps its schema."""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from practices.models import Practice
from tests.growth import grow

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


def test_practices_are_filtered_and_ordered_as_on_the_browse_page(client):
    query = {"kind": ["language_access", "cultural_liaison"], "state": ["IA", "MN"], "sort": "city"}
    page = client.get(reverse("practices:list"), query)
    expected = [practice.slug for practice in page.context["page_obj"]]
    response = get(client, "/practices", **query)
    assert response.status_code == 200
    assert slugs(response) == expected and response.json()["count"] == len(expected)
    query = {"status": ["running", "no-trace"], "law": ["restricts_local_limits", "limits_cooperation"]}
    page = client.get(reverse("practices:list"), query)
    assert slugs(get(client, "/practices", **query, page_size=100)) == [p.slug for p in page.context["page_obj"]]
    searched = client.get(reverse("practices:list"), {"q": "interpreters"})
    assert slugs(get(client, "/practices", q="interpreters")) == [p.slug for p in searched.context["page_obj"]]


def test_practices_page_through_with_links(client):
    first = get(client, "/practices", page_size=5).json()
    assert first["count"] == Practice.objects.published().count() and first["pages"] == 4
    assert first["previous"] is None and "page=2" in first["next"] and "page_size=5" in first["next"]
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and "page=1" in second["previous"]
    assert not set(slugs(client.get(first["next"]))) & {row["slug"] for row in first["results"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "no-such-kind"}, "Unknown values"),
        ({"state": "ZZ"}, "Unknown values"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "500"}, "page_size"),
        ({"size": "huge"}, "size"),
        ({"status": "thriving"}, "status"),
        ({"sort": "random"}, "sort"),
        ({"sort": "relevance"}, "needs search words"),
        ({"q": "x" * 300}, "q"),
    ],
)
def test_bad_parameters_get_a_400_that_says_what_is_wrong(client, params, message):
    response = get(client, "/practices", **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/practices/a%00b", "/sources/%00", "/departments/Storm-Lake", "/recommendations/a--b"]
)
def test_a_key_that_cannot_exist_is_refused_before_the_database(client, path):
    response = get(client, path)
    assert response.status_code == 400 and "not a key" in response.json()["detail"]


def test_past_the_last_page_and_unknown_keys_are_404(client):
    assert get(client, "/practices", page=99).status_code == 404
    for path in ["/practices/no-such", "/departments/no-such", "/recommendations/no-such", "/sources/no-such"]:
        response = get(client, path)
        assert response.status_code == 404 and response.json()["detail"]


def test_a_practice_comes_with_its_facts_tags_and_sources(client):
    data = get(client, "/practices/storm-lake-ia").json()
    assert data["title"] == "Community Service Officers" and data["department_details"]["city"] == "Storm Lake"
    assert data["facts"] and all(fact["source"] for fact in data["facts"])
    cited = {fact["source"] for fact in data["facts"]} | {link["source"] for link in data["languages_used"]}
    assert cited <= {source["key"] for source in data["sources"]}
    assert "language_access" in data["kind_slugs"] and "Language access" in data["kinds"]


def test_drafts_are_not_in_the_api(client):
    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT)
    assert get(client, "/practices/storm-lake-ia").status_code == 404
    assert "storm-lake-ia" not in slugs(get(client, "/practices", page_size=100))
    assert "storm-lake-ia" not in slugs(get(client, "/departments", page_size=100))


def test_the_other_lists(client):
    assert len(get(client, "/recommendations").json()) == 28
    recommendation = get(client, "/recommendations/written-language-access-plan").json()
    assert recommendation["actions"] and recommendation["cited"]
    assert get(client, "/sources", page_size=1).json()["count"] > 100
    assert get(client, "/sources/nlc-2011").json()["publisher"].startswith("National League of Cities")
    vocabularies = get(client, "/vocabularies").json()
    assert {"language_access", "cultural_liaison"} <= {kind["slug"] for kind in vocabularies["kinds"]}
    assert {"IA", "DC"} <= {state["key"] for state in vocabularies["states"]}


def test_the_schema_and_its_docs_page_are_served_here(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {"/api/v1/practices", "/api/v1/practices/{slug}", "/api/v1/vocabularies"} <= paths
    docs = client.get("/api/")
    assert docs.status_code == 200
    for path in paths:
        assert path in docs.text
    # No script at all, so nothing for the Content-Security-Policy to allow.
    assert "<script" not in docs.text


ENDPOINTS = [
    "/practices?kind=language_access&page_size=50",
    "/practices?q=interpreters",
    "/practices/storm-lake-ia",
    "/departments?page_size=100",
    "/departments/storm-lake-ia",
    "/recommendations",
    "/recommendations/written-language-access-plan",
    "/sources?page_size=100",
    "/vocabularies",
]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}{path}")
    assert response.status_code == 200, path
    return len(queries)


def test_each_endpoint_costs_the_same_queries_however_large_the_directory(client):
    before = {path: count_queries(client, path) for path in ENDPOINTS}
    grow()
    after = {path: count_queries(client, path) for path in ENDPOINTS}
    assert after == before
    assert max(after.values()) <= 8, after


# Read through the site itself, as a client would (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", WSGIHandler())


@pytest.fixture
def keep_the_test_connection():
    """Django closes the database connection after each request it handles, which would end the test's
    transaction on PostgreSQL; its test client stops that for the duration, and so does this."""
    signals = [request_started, request_finished]
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.usefixtures("keep_the_test_connection")
@schema.parametrize()
@hypothesis_settings(
    # Per endpoint; HYPOTHESIS_PROFILE=thorough (as for tests/test_hostile_input.py) tries ten times more.
    max_examples=300 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 30,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_hostile_input_never_fails_and_answers_match_the_schema(case):
    """Generated requests, valid and not: never a 5xx, every answer documented and as its schema says.

    Filter values the schema cannot enumerate (vocabularies live in the database) may be refused
    with 400, so 'valid input is accepted' is not checked; the status code must still be documented.
    """
    case.call_and_validate(
        # The WSGI test client would not unpack a gzipped answer.
        headers={"Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )
