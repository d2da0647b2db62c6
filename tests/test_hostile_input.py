"""Thousands of random and hostile requests to every public URL: no 5xx, nothing unescaped.

Examples per test come from the Hypothesis profile: "ci" (the default: 200 each, about 2,600
requests in all) or "thorough" (HYPOTHESIS_PROFILE=thorough: 2,500 each).
"""

import os
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.test.utils import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import MARKUP, SQL, assert_escaped

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "thorough", max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PUBLIC_URLS = [
    "/",
    "/practices/",
    "/practices/storm-lake-ia/",
    "/departments/",
    "/departments/storm-lake-ia/",
    "/recommendations/",
    "/about/",
    "/corrections/new/",
    "/robots.txt",
]
KNOWN_NAMES = ["q", "kind", "area", "state", "community", "language", "size", "sort", "page"]
KNOWN_VALUES = ["language_access", "communication", "IA", "ia", "somali", "so", "small", "year", "-year", "relevance"]

names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(max_size=20), st.sampled_from(MARKUP))
odd_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
values = st.one_of(
    st.sampled_from(KNOWN_VALUES + MARKUP + SQL + ["", " ", "0", "-1", "99999999999999999999", "1e9", "NaN"]),
    odd_text,
    st.text(min_size=300, max_size=3000),  # long strings
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
encoded_query = st.lists(st.tuples(names, values), max_size=12).map(urlencode)
# What a crafted link may send without proper encoding: bare %, & and = runs, stray bytes.
raw_query = st.lists(st.sampled_from(["%", "%zz", "%00", "&&", "==", ";", "+", "q=", "page=", "%C0%AF", "%FF"])).map(
    "".join
)
query_strings = st.one_of(encoded_query, raw_query, st.tuples(encoded_query, raw_query).map("&".join))


@pytest.fixture(scope="module")
def anonymous():
    return Client()


@override_settings(PAGE_CACHE_ENABLED=True)
@pytest.mark.parametrize("url", PUBLIC_URLS)
@given(query=query_strings)
def test_no_query_string_breaks_a_page_or_comes_back_unescaped(anonymous, url, query):
    response = anonymous.get(f"{url}?{query}")
    assert response.status_code < 500, f"{url}?{query}"
    assert response.status_code in (200, 400, 404), f"{url}?{query}"
    assert_escaped(response.content.decode(errors="replace"), f"{url}?{query}")


@given(slug=st.one_of(odd_text, st.sampled_from(MARKUP + SQL)))
def test_no_path_breaks_a_page(anonymous, slug):
    for prefix in ("/practices/", "/departments/", "/"):
        response = anonymous.get(prefix + quote(slug, safe="") + "/")
        assert response.status_code in (200, 301, 400, 404), prefix + slug
        assert_escaped(response.content.decode(errors="replace"), prefix + slug)


@given(
    fields=st.dictionaries(st.sampled_from(["page", "message", "evidence_url", "email", "website"]), values, max_size=5)
)
@override_settings(CORRECTIONS_PER_HOUR=10**9, CORRECTIONS_PER_CLIENT=10**9)  # every example reaches the form
def test_no_correction_breaks_the_form(anonymous, fields):
    response = anonymous.post("/corrections/new/", fields)
    assert response.status_code in (200, 302), fields
    if response.status_code == 302:
        assert response["Location"].startswith("/"), fields  # never an outside address
    assert_escaped(response.content.decode(errors="replace"), str(fields))


@pytest.mark.parametrize(
    "url, name",
    [
        ("/compare/", "p"),
        ("/states/", "stance"),
        ("/departments/", "policy"),
        ("/practices/", "kind"),
        ("/practices/", "sort"),
    ],
)
def test_a_typed_value_shown_back_carries_no_control_characters(anonymous, url, name):
    response = anonymous.get(url, {name: "odd\x00value\x1b[31m\u200b"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "oddvalue[31m" in text
    assert not any(char in text for char in "\x00\x1b")
