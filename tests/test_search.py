"""What a search finds, stated once and run on both databases (PostgreSQL tsvector, SQLite FTS5)."""

import pytest
from django.urls import reverse

from departments.models import Department
from practices.models import Practice

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")


@pytest.fixture
def made():
    department = Department.objects.get(slug="storm-lake-ia")
    texts = {
        "academy-one": ("Citizen academies for newcomers", "Residents learn how officers work."),
        "deport-one": ("Plain program", "Officers do not deport people for civil violations."),
        "visa-one": ("Victim help", "Officers certify U-visa requests from crime victims."),
    }
    for slug, (title, summary) in texts.items():
        Practice.objects.create(
            slug=slug, title=title, summary=summary, department=department, status=Practice.Status.PUBLISHED
        )
    return set(texts)


def found(client, words):
    response = client.get(LIST, {"q": words})
    assert response.status_code == 200
    return {practice.slug for practice in response.context["page_obj"]} & {"academy-one", "deport-one", "visa-one"}


@pytest.mark.parametrize(
    "words, expected",
    [
        ("academy", {"academy-one"}),  # a singular finds the plural
        ("academies newcomers", {"academy-one"}),  # every word must match
        ("academies zzyzx", set()),
        ("deportation", {"deport-one"}),  # a stem finds its word
        ("officers -deport", {"academy-one", "visa-one"}),  # a minus sign excludes
        ("U-visa", {"visa-one"}),  # hyphens
        ("CITIZEN", {"academy-one"}),  # case
        ("acad", {"academy-one"}),  # the start of a word
    ],
)
def test_what_a_search_finds(client, made, words, expected):
    assert found(client, words) == expected


@pytest.mark.parametrize("words", ['"', "*", "-", "NOT", "OR AND", "a:b", "(", "^", "' OR 1=1 --", "NEAR(x y)"])
def test_query_syntax_is_read_as_words_never_an_error(client, made, words):
    assert found(client, words) <= made


@pytest.mark.parametrize("words", ["-officers", "-officers -residents"])
def test_only_excluded_words_find_everything_else(client, made, words):
    assert found(client, words) == set()
    response = client.get(LIST, {"q": words, "kind": "language_access", "sort": "city"})
    assert response.status_code == 200
