"""What a search finds, stated once and run on both databases (PostgreSQL tsvector, SQLite FTS5)."""

import pytest
from django.urls import reverse

from departments.models import Department
from practices.models import Practice, SearchSynonym
from practices.synonyms import DEFAULT_SYNONYMS

from .admin_forms import admin_url

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")
MADE = {"academy-one", "deport-one", "visa-one", "enforce-one", "report-one", "words-one"}


@pytest.fixture
def made():
    department = Department.objects.get(slug="storm-lake-ia")
    texts = {
        "academy-one": ("Citizen academies for newcomers", "Residents learn how officers work."),
        "deport-one": ("Plain program", "Officers do not deport people for civil violations."),
        "visa-one": ("Victim help", "Officers certify U-visa requests from crime victims."),
        "enforce-one": ("Enforcement stance", "Officers say the county declined a 287(g) agreement."),
        "report-one": ("Crime reports", "Officers found newcomers were not reporting the crimes they suffered."),
        "words-one": ("Translators for the town's Ljubljanese residents", "Volunteers' help for officers."),
    }
    for slug, (title, summary) in texts.items():
        Practice.objects.create(
            slug=slug, title=title, summary=summary, department=department, status=Practice.Status.PUBLISHED
        )
    return set(texts)


def found(client, words):
    response = client.get(LIST, {"q": words})
    assert response.status_code == 200
    return {practice.slug for practice in response.context["page_obj"]} & set(MADE)


@pytest.mark.parametrize(
    "words, expected",
    [
        ("academy", {"academy-one"}),  # a singular finds the plural
        ("academies newcomers", {"academy-one"}),  # every word must match
        ("academies zzyzx", set()),
        ("deportation", {"deport-one"}),  # a stem finds its word
        ("officers -deport", MADE - {"deport-one"}),  # a minus sign excludes
        ("newcomers -vis", {"academy-one", "report-one"}),  # a minus sign leaves out whole words only,
        ("victims -vi", {"visa-one"}),  # not every word that starts so
        ("U-visa", {"visa-one"}),  # hyphens
        ("CITIZEN", {"academy-one"}),  # case
        ("acad", {"academy-one"}),  # the start of a word
        # Synonyms and abbreviations (the seeded groups, practices/synonyms.py)
        ("I-918", {"visa-one"}),
        ("uvisa", {"visa-one"}),
        ("U visas", {"visa-one"}),
        ("287g", {"enforce-one"}),  # letters and digits together find "287(g)"
        ("287(g)", {"enforce-one"}),
        ("underreporting", {"report-one"}),
        ("don't report crimes", {"report-one"}),
        ("DON’T REPORT CRIMES", {"report-one"}),  # a curly apostrophe, capitals
        ("interpreter", {"words-one"}),
        # Apostrophes: a possessive finds the word, and the word its possessive
        ("town's residents", {"words-one"}),
        ("volunteers", {"words-one"}),
        ("volunteer's", {"words-one"}),
        ("Ljubljanese-residents", {"words-one"}),
    ],
)
def test_what_a_search_finds(client, made, words, expected):
    assert found(client, words) == expected


@pytest.mark.parametrize(
    "words",
    [
        '"',
        "*",
        "-",
        "NOT",
        "OR AND",
        "a:b",
        "(",
        "^",
        "' OR 1=1 --",
        "NEAR(x y)",
        "'s",
        "’",
        "-'",
        "287(g)(",
        "a-",
        "x" * 300,
    ],
)
def test_query_syntax_is_read_as_words_never_an_error(client, made, words):
    assert found(client, words) <= made


@pytest.mark.parametrize("words", ["-officers", "-officers -residents"])
def test_only_excluded_words_find_everything_else(client, made, words):
    assert found(client, words) == set()
    response = client.get(LIST, {"q": words, "kind": "language_access", "sort": "city"})
    assert response.status_code == 200


def test_words_that_do_not_all_match_find_the_best_partial_matches_labelled_as_such(client, made):
    response = client.get(LIST, {"q": "academies deportation zzyzx"})
    assert response.context["page_obj"].paginator.count == 0
    partial = response.context["partial"]
    matched = {practice.slug: practice.matched_words for practice in partial.practices}
    assert matched["academy-one"] == ["academies"]
    assert matched["deport-one"] == ["deportation"]
    assert "Practices that match some of your words" in response.text


def test_partial_matches_follow_the_practices_that_match_every_word(client, made):
    response = client.get(LIST, {"q": "officers newcomers"})
    assert {practice.slug for practice in response.context["page_obj"]} & MADE == {"academy-one", "report-one"}
    partial = {practice.slug for practice in response.context["partial"].practices}
    assert {"deport-one", "visa-one"} <= partial
    assert not partial & {"academy-one", "report-one"}
    assert "matching every word of “officers newcomers”" in response.text


def test_one_word_has_no_partial_matches(client, made):
    assert not client.get(LIST, {"q": "Ljubljanese"}).context["partial"].practices


def test_a_near_miss_of_the_directorys_own_words_offers_the_word(client, made):
    response = client.get(LIST, {"q": "Ljublanese", "kind": "language_access"})
    assert response.context["suggestion"] == "ljubljanese"
    assert 'href="?q=ljubljanese&amp;kind=language_access"' in response.text
    assert client.get(LIST, {"q": "zzqxvw"}).context["suggestion"] is None
    # Excluded words keep their own minus signs, even when they read as one synonym ("u visa").
    assert client.get(LIST, {"q": "Ljublanese -u -visa"}).context["suggestion"] == "ljubljanese -u -visa"


def test_a_search_that_finds_practices_offers_no_correction(client, made):
    assert client.get(LIST, {"q": "Ljubljanese"}).context["suggestion"] is None


def test_matched_words_are_marked_in_a_snippet_and_the_title(client, made):
    response = client.get(LIST, {"q": "deportation officers"})
    assert "<mark>Officers</mark> do not <mark>deport</mark> people" in response.text
    response = client.get(LIST, {"q": "academies"})
    assert "Citizen <mark>academies</mark> for newcomers" in response.text


def test_a_snippet_escapes_what_it_shows(client, made):
    Practice.objects.filter(slug="deport-one").update(summary='Officers <script>alert("x")</script> & <b>deport</b>.')
    response = client.get(LIST, {"q": "deport"})
    assert "<script>alert" not in response.text
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;<mark>deport</mark>&lt;/b&gt;"
    assert escaped in response.text


def test_a_curators_synonym_works_at_the_next_search(client, made):
    assert found(client, "quagga") == set()
    SearchSynonym.objects.create(term="quagga", alternatives="newcomers")
    assert found(client, "quagga") == {"academy-one", "report-one"}


@pytest.mark.parametrize("term, alternatives", DEFAULT_SYNONYMS)
def test_every_seeded_synonym_finds_the_directorys_entries(term, alternatives):
    published = Practice.objects.published()
    found = {practice.pk for practice in published.search(term)}
    assert found, f"“{term}” finds nothing: the group helps no one"
    for wording in alternatives:
        assert {practice.pk for practice in published.search(wording)} == found, wording


def test_visa_finds_the_page_whose_recommendations_discuss_u_visas():
    assert "washington-dc" in {practice.slug for practice in Practice.objects.published().search("visa")}


def test_a_practice_found_by_its_place_or_tags_says_so(client, made):
    response = client.get(LIST, {"q": "Storm Lake", "sort": "city"})
    academy = next(practice for practice in response.context["page_obj"] if practice.slug == "academy-one")
    assert academy.snippet.found_in == "names"
    assert academy.snippet.segments == [("Storm", True), (", ", False), ("Lake", True)]
    assert "In its names, place and tags:</span> <mark>Storm</mark>, <mark>Lake</mark>" in response.text


def test_a_synonym_needs_words_the_search_can_read(curator_client):
    response = curator_client.post(admin_url(SearchSynonym, "add"), {"term": "(-)", "alternatives": "--\n''"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Give a wording of at least two letters or digits." in errors["term"]
    assert errors["alternatives"][0].startswith("Search cannot read these: “--”, “''”.")
    mixed = curator_client.post(
        admin_url(SearchSynonym, "add"), {"term": "chief of police", "alternatives": "police chief\n---\na"}
    )
    assert mixed.status_code == 200 and not SearchSynonym.objects.filter(term="chief of police").exists()
    assert "Search cannot read these: “---”, “a”." in mixed.text
    added = curator_client.post(admin_url(SearchSynonym, "add"), {"term": "citizen academy", "alternatives": "CPA"})
    assert added.status_code == 302
    assert SearchSynonym.objects.get(term="citizen academy").history.get().history_type == "+"
