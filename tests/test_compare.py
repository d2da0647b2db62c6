"""/compare/: practices side by side, each cell cited, and every kind of bad address answered plainly."""

import re

import pytest
from django.urls import reverse

from compare.rows import ROWS
from compare.views import compare
from pagecache.middleware import MARK
from practices.models import Practice

pytestmark = pytest.mark.django_db

COMPARE = reverse("compare:compare")
THREE = ["storm-lake-ia", "garden-grove-ca", "saint-paul-mn"]


def url(*slugs, **extra):
    query = "&".join([f"p={slug}" for slug in slugs] + [f"{name}={value}" for name, value in extra.items()])
    return f"{COMPARE}?{query}"


def plain(response):
    """The page's HTML with runs of whitespace as single spaces, as a reader sees its text."""
    return " ".join(response.text.split())


def row(text, label):
    """The HTML of the table row headed ``label``."""
    match = re.search(rf'<tr[^>]*>\s*<th scope="row">{re.escape(label)}.*?</tr>', text, re.S)
    assert match, label
    return match.group(0)


def test_three_practices_side_by_side_in_the_order_given(client):
    response = client.get(url(*THREE))
    assert response.status_code == 200
    titles = [Practice.objects.get(slug=slug).title for slug in THREE]
    headings = re.findall(r'<th scope="col" data-slug="([^"]+)"', response.text)
    assert headings == THREE
    assert response.context["selection"].practices == [Practice.objects.get(slug=slug) for slug in THREE]
    for title in titles:
        assert title in response.text
    for compared_row in ROWS:
        assert f'<th scope="row">{compared_row.label}' in response.text


def test_cells_cite_their_sources(client):
    response = client.get(url(*THREE))
    text = response.text
    storm_lake = Practice.objects.get(slug="storm-lake-ia")
    city_size = row(text, "City size")
    assert "10,000 people (2009)" in city_size and 'href="#source-1"' in city_size
    assert f'id="source-1">{storm_lake.department.city_population_source.author_names}' in text or (
        storm_lake.department.city_population_source.title in text
    )
    for label in ["Communities served", "Languages", "Staffing"]:
        assert 'class="cite"' in row(text, label), label
    numbers = {int(number) for number in re.findall(r'href="#source-(\d+)"', text)}
    listed = re.findall(r'<li id="source-(\d+)">', text)
    assert numbers == {int(number) for number in listed} and len(listed) == len(response.context["citations"].sources)


def test_what_no_source_says_is_said_plainly(client):
    text = client.get(url(*THREE)).text
    assert '<span class="unknown">No source found names them</span>' in row(text, "Partners")  # Storm Lake


MASSACHUSETTS = ["chelsea-ma", "lowell-ma"]


def test_rows_where_all_agree_can_be_hidden(client):
    shown = client.get(url(*MASSACHUSETTS))
    agreeing = [row for row in shown.context["rows"] if row.all_agree]
    assert {str(row.row.label) for row in agreeing} >= {"State law today"}
    label = str(agreeing[0].row.label)
    assert "(the same for all)" in row(shown.text, label)
    count = len(agreeing)
    assert f"Hide the {count} row{'s' if count > 1 else ''} where all agree" in shown.text
    hidden = client.get(url(*MASSACHUSETTS, same="hide"))
    assert f'<th scope="row">{label}' not in hidden.text
    assert '<th scope="row">Staffing' in hidden.text
    assert [str(r.row.label) for r in hidden.context["hidden_rows"]] == [str(r.row.label) for r in agreeing]
    assert f'href="{url(*MASSACHUSETTS).replace("&", "&amp;")}">Show every row</a>' in hidden.text


def test_a_row_no_source_gives_for_any_is_not_an_agreement(client):
    response = client.get(url(*THREE, same="hide"))
    unknown = [compared for compared in response.context["rows"] if compared.nothing_known]
    assert [str(compared.row.label) for compared in unknown] == ["Foreign-born share"]
    assert "(not known for any)" in row(response.text, "Foreign-born share")
    assert not response.context["hidden_rows"]


def test_the_grid_gives_each_practice_s_evidence_and_state_law(client):
    text = client.get(url(*THREE)).text
    state_law = row(text, "State law today")
    assert 'href="/states/ia/"' in state_law and "Requires cooperation" in state_law
    assert 'href="/states/ca/"' in state_law and "Limits cooperation" in state_law
    assert "law researched" in state_law
    assert 'href="/about/#evidence"' in row(text, "Evidence behind its outcomes")


def test_the_address_is_shareable_and_tidy(client):
    response = client.get(url(" Storm-Lake-IA ", "garden-grove-ca", "storm-lake-ia", "saint-paul-mn"))
    assert response.context["selection"].slugs == THREE
    assert f"http://testserver{url(*THREE).replace('&', '&amp;')}" in response.text


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        (["no-such-practice", "storm-lake-ia", "dallas-tx"], "No published practice goes by this name"),
        (["<script>alert(1)</script>", "storm-lake-ia", "dallas-tx"], "“&lt;script&gt;alert(1)&lt;/script&gt;”"),
        (["x" * 500, "storm-lake-ia", "dallas-tx"], "“" + "x" * 60 + "”"),
        (["%00", "storm-lake-ia", "dallas-tx"], "No published practice goes by this name"),
    ],
)
def test_unknown_or_garbled_names_are_left_out_with_a_notice(client, slugs, message):
    response = client.get(url(*slugs))
    assert response.status_code == 200
    assert message in plain(response)
    assert response.context["selection"].slugs == ["storm-lake-ia", "dallas-tx"]
    assert "2 practices side by side" in response.text


def test_a_draft_is_treated_as_unknown_and_never_shown(client):
    Practice.objects.filter(slug="lowell-ma").update(status=Practice.Status.DRAFT)
    draft = Practice.objects.get(slug="lowell-ma")
    response = client.get(url("lowell-ma", "storm-lake-ia", "dallas-tx"))
    assert response.status_code == 200
    assert "No published practice goes by this name in the address, so it is left out: “lowell-ma”" in plain(response)
    assert draft.title not in response.text


def test_more_than_four_keeps_the_first_four_and_names_the_rest(client):
    slugs = ["storm-lake-ia", "dallas-tx", "chelsea-ma", "lowell-ma", "norfolk-va", "portland-or"]
    response = client.get(url(*slugs))
    assert response.status_code == 200
    assert response.context["selection"].slugs == slugs[:4]
    assert "The comparison shows at most 4 practices side by side, so these are left out:" in plain(response)
    for slug in slugs[4:]:
        assert f'href="/practices/{slug}/"' in response.text
    assert 'class="compare-picker' not in response.text  # no room to add one


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose 2 to 4 practices to compare."),
        ("?p=storm-lake-ia", "Choose at least one more practice to compare with “Community Service Officers”."),
        ("?p=storm-lake-ia&p=storm-lake-ia", "Choose at least one more practice"),
        ("?p=no-such-practice&p=another", "Choose 2 to 4 practices to compare."),
        ("?p=", "Choose 2 to 4 practices to compare."),
    ],
)
def test_fewer_than_two_asks_for_more_and_offers_some(client, query, message):
    response = client.get(COMPARE + query)
    assert response.status_code == 200
    assert message in plain(response)
    assert "compare-table" not in response.text
    assert "The report's practices" in response.text


def test_too_many_parameters_get_the_clear_400_page(client):
    response = client.get(COMPARE + "?" + "&".join(f"p=x{number}" for number in range(2000)))
    assert response.status_code == 400


def test_the_picker_adds_to_what_is_chosen(client):
    response = client.get(url("storm-lake-ia"))
    candidates = response.context["picker"].candidates
    assert "storm-lake-ia" not in [practice.slug for practice, _ in candidates]
    first, add_url = candidates[0]
    assert add_url == url("storm-lake-ia", first.slug)
    assert f'<a class="button button--quiet" href="{add_url.replace("&", "&amp;")}">Add' in response.text
    assert '<input type="hidden" name="p" value="storm-lake-ia">' in response.text
    searched = client.get(url("storm-lake-ia", q="Korean"))
    found = [practice.slug for practice, _ in searched.context["picker"].candidates]
    assert found and "storm-lake-ia" not in found
    assert "garden-grove-ca" in found
    nothing = client.get(url("storm-lake-ia", q="zzzzqqqq"))
    assert "No other published practice matches these words." in nothing.text


def test_add_to_comparison_works_without_javascript_from_browse_and_practice_pages(client):
    browse = client.get(reverse("practices:list"))
    assert '<form id="compare-form" method="get" action="/compare/"></form>' in browse.text
    boxes = re.findall(r'<input type="checkbox" name="p" value="([^"]+)" form="compare-form"', browse.text)
    assert boxes == [practice.slug for practice in browse.context["page_obj"]]
    assert '<button type="submit" form="compare-form">Compare the ticked practices</button>' in browse.text
    page = client.get(reverse("practices:detail", args=["storm-lake-ia"]))
    form = re.search(r'<form class="compare-add no-print" method="get" action="/compare/".*?</form>', page.text, re.S)
    assert form and '<input type="hidden" name="p" value="storm-lake-ia">' in form.group(0)
    assert "onclick" not in page.text and "onclick" not in browse.text


def test_a_draft_preview_offers_no_comparison(admin_client):
    Practice.objects.filter(slug="lowell-ma").update(status=Practice.Status.DRAFT)
    page = admin_client.get(reverse("practices:detail", args=["lowell-ma"]))
    assert page.status_code == 200 and "compare-add" not in page.text


def test_the_comparison_costs_the_same_queries_for_two_practices_or_four(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for slugs in (THREE[:2], ["brooklyn-center-mn", "fort-wayne-in", "new-haven-ct", "chelsea-ma"], THREE):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(*slugs)).status_code == 200
        counts.append(len(queries))
    assert max(counts) <= 10, counts
    assert counts[0] == counts[2], counts  # with room to add: the picker's query on top
    assert counts[1] == counts[0] - 1, counts  # four chosen: no picker


def test_the_comparison_is_a_cached_public_page_that_prints_landscape(client):
    assert getattr(compare, MARK)
    css = (pytest.importorskip("pathlib").Path(__file__).parent.parent / "static/css/site.css").read_text()
    assert "@page compare { size: landscape;" in css and "body:has(.compare-page) { page: compare;" in css
    text = client.get(url(*THREE)).text
    assert '<div class="wrap compare-page">' in text
    assert 'class="compare-actions no-print"' in text and 'class="share-url no-print"' in text
