"""The /plan/ page: the form, the plan it answers with, its share link, downloads and bad input."""

import csv
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Recommendation
from tests.test_query_counts import MAX_QUERIES, grow_the_directory

pytestmark = pytest.mark.django_db

PLAN = reverse("planning:plan")
IOWA_TOWN = {
    "size": "small",
    "state": "IA",
    "community": ["lao", "mexican"],
    "language": ["lo", "es"],
    "interpreters": "no",
    "concern": "language",
}


def plan_content(response):
    """What a plan says, as plain data: to compare two requests for the same plan."""
    plan = response.context["plan"]
    return {
        "departments": [(m.item.department.slug, [str(r.text) for r in m.reasons]) for m in plan.similar_departments],
        "start": [(m.item.slug, [str(r.text) for r in m.reasons]) for m in plan.start_here],
        "also": [m.item.slug for m in plan.also_consider],
        "less": [m.item.slug for m in plan.less_urgent],
        "checklist": [(number, rec.slug, action) for number, rec, action in plan.checklist],
        "summary": [(str(q), a) for q, a in plan.summary()],
    }


def share_link(response):
    match = re.search(r'<a href="([^"]+)">Link to this plan</a>', response.text)
    assert match, "the plan offers a link to itself"
    return PLAN + unescape(match.group(1))


def download_link(response, label):
    match = re.search(rf'<a href="([^"]+)" download>{re.escape(label)}', response.text)
    return PLAN + unescape(match.group(1))


# The form


def test_a_bare_plan_page_shows_the_form_only(client):
    response = client.get(PLAN)
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert 'method="get"' in response.text
    for legend in [
        "How big is your city?",
        "Immigrant communities in your city",
        "Languages residents speak",
        "Bilingual officers or interpreters",
        "A written rule that officers do not ask victims and witnesses about immigration status",
        "What worries you most?",
    ]:
        assert f"<legend>{legend}</legend>" in response.text
    assert '<label for="id_population">Or type its population</label>' in response.text
    assert '<label for="id_state">State</label>' in response.text
    assert 'aria-describedby="id_population_helptext"' in response.text
    assert 'value="lao"' in response.text and 'value="lo"' in response.text  # the directory's vocabularies
    assert "Departments like yours" not in response.text


def test_the_main_navigation_and_the_home_page_lead_to_the_plan(client):
    assert f'<a href="{PLAN}" aria-current="page">Plan</a>' in client.get(PLAN).text
    home = client.get(reverse("home")).text
    assert f'<a href="{PLAN}">Plan</a>' in home
    assert f'<a href="{PLAN}">Plan a program for your city</a>' in home


# The plan


def test_a_filled_form_gives_a_plan_with_reasons_examples_and_cited_sources(client):
    response = client.get(PLAN, IOWA_TOWN)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.similar_departments[0].item.department.slug == "storm-lake-ia"
    text = response.text
    for expected in [
        "Departments like yours",
        "A city of the same size: Small (under 50,000)",
        "Also serves 2 of your communities: Lao, Mexican",
        "Same region: Midwest",
        "Where to start",
        "You said there are no bilingual officers or interpreters.",
        "You worry about language barriers.",
        "not quoted from the National League of Cities' report",
        "How this plan is put together",
        "like yours",
    ]:
        assert expected in text, expected
    assert text.index('id="start-written-language-access-plan"') < text.index('id="start-language-needs-assessment"')
    # Citations are numbered in reading order and each number has its source listed.
    numbers = set(re.findall(r'href="#source-(\d+)"', text))
    anchors = set(re.findall(r'id="source-(\d+)"', text))
    assert numbers == anchors == {str(n) for n in range(1, len(response.context["citations"].sources) + 1)}
    # The form is shown again, filled in.
    assert re.search(r'<input type="checkbox" name="community" value="lao"[^>]* checked', text)
    assert re.search(r'<input type="radio" name="interpreters" value="no"[^>]* checked', text)


def test_an_empty_form_gives_a_general_plan(client):
    response = client.get(PLAN + "?size=&population=&state=&other_communities=&other_languages=")
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.is_general and len(plan.start_here) == 5
    assert "starts with the first recommendation in each recommendation area" in response.text
    assert "No profiled department shares your answers yet." in response.text
    assert client.get(share_link(response)).context["plan"].is_general


def test_the_share_link_gives_the_same_plan_and_a_tidy_address(client):
    messy = (
        "?size=&population=10%2C000&state=ia&community=lao&community=lao&community=mexican"
        "&other_communities=Karen%2C+somali%2C+karen&language=lo&interpreters=no&liaison="
        "&advisory_group=yes&concern=language&concern=deportation&utm_source=mail"
    )
    first = client.get(PLAN + messy)
    link = share_link(first)
    assert link == (
        f"{PLAN}?population=10000&state=IA&community=lao&community=mexican&community=somali"
        "&other_communities=Karen&language=lo&interpreters=no&advisory_group=yes&concern=deportation&concern=language"
    )
    second = client.get(link)
    assert plan_content(second) == plan_content(first)
    assert share_link(second) == link
    assert second.context["share_url"] == "http://testserver" + link


def test_typed_names_the_lists_hold_are_matched_and_the_rest_echoed(client):
    response = client.get(PLAN, {"other_communities": "somali, Karen; Chin", "other_languages": "SPANISH, Amharic"})
    answers = response.context["plan"].answers
    assert answers.communities == ("somali",) and answers.other_communities == ("Karen", "Chin")
    assert answers.languages == ("es",) and answers.other_languages == ("Amharic",)
    assert "also Karen, Chin (not in the directory&#x27;s list, so not matched)" in response.text


def test_an_example_says_what_became_of_the_program(client):
    from practices.models import Fact, Practice

    params = {**IOWA_TOWN}
    assert "Storm Lake, IA: Community Service Officers</a> (No trace since 2009)" in client.get(PLAN, params).text
    Fact.objects.create(
        practice=Practice.objects.get(slug="storm-lake-ia"),
        section=Fact.Section.SINCE_REPORT,
        shows=Fact.Shows.ENDED,
        date="2026-03",
        year=2026,
        text="The city says the two posts ended.",
        source_id=1,
    )
    page = client.get(PLAN, params)
    assert "Storm Lake, IA: Community Service Officers</a> (Ended, as a 2026 source says)" in page.text
    csv = client.get(PLAN, {**params, "format": "csv"}).text
    assert "Storm Lake, IA: Community Service Officers (Ended, as a 2026 source says) (http" in csv
    markdown = client.get(PLAN, {**params, "format": "md"}).text
    assert "(http://testserver/practices/storm-lake-ia/) (Ended, as a 2026 source says):" in markdown


def test_a_drafted_practice_never_appears_in_a_plan(client):
    from practices.models import Practice

    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT)
    response = client.get(PLAN, IOWA_TOWN)
    assert "/practices/storm-lake-ia/" not in response.text
    assert "/departments/storm-lake-ia/" not in response.text


# Downloads


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_checklist_downloads_as_csv(client):
    page = client.get(PLAN, IOWA_TOWN)
    response = client.get(download_link(page, "Download the checklist"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="public-safety-plan-small-ia.csv"'
    rows = read_csv(response)
    assert rows[0][:4] == ["Step", "Done", "Recommendation", "Action"]
    assert rows[0][-1] == "State law"
    checklist = page.context["plan"].checklist
    steps = [row for row in rows[1:] if row[0]]
    assert [(int(row[0]), row[3]) for row in steps] == [(number, action) for number, _rec, action in checklist]
    # What Iowa law rules out follows the steps, with no step to tick and its law named.
    ruled_out = [row for row in rows[1:] if not row[0]]
    assert [row[2] for row in ruled_out] == ["Keep routine local policing separate from civil immigration enforcement"]
    assert ruled_out[0][-1].startswith("Ruled out by state law: Iowa SF 481 (2018)")
    first = rows[1]
    assert first[2] == "Adopt a written language-access plan for the police department"
    assert "You said there are no bilingual officers or interpreters. (+2)" in first[4]
    assert (
        "Storm Lake, IA: Community Service Officers (No trace since 2009) (http://testserver/practices/storm-lake-ia/)"
        in first[5]
    )
    assert first[7] == "http://testserver/recommendations/#written-language-access-plan"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    recommendation = Recommendation.objects.get(slug="written-language-access-plan")
    recommendation.title = '=HYPERLINK("http://evil.example","click")'
    recommendation.actions = "+1+cmd|' /C calc'!A0\n-2+3\n@SUM(1,1)\n\t=1+1\nA normal action"
    recommendation.save()
    rows = read_csv(client.get(PLAN, {**IOWA_TOWN, "format": "csv"}))
    mine = [row for row in rows[1:] if "HYPERLINK" in row[2]]
    assert [row[3] for row in mine] == ["'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1,1)", "'=1+1", "A normal action"]
    assert all(row[2].startswith("'=") for row in mine)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


def test_the_whole_plan_downloads_as_markdown(client):
    page = client.get(PLAN, {**IOWA_TOWN, "other_communities": "<b>Karen</b> *Chin*"})
    response = client.get(download_link(page, "Download the whole plan"))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="public-safety-plan-small-ia.md"'
    text = response.content.decode()
    assert text.startswith("# A starting plan")
    assert f"<{page.context['share_url']}>" in text
    assert "## Departments like yours\n\n1. **Storm Lake, Iowa** (Storm Lake Police Department)" in text
    assert "- [ ] Run a citywide assessment of which languages residents speak" in text
    assert "- You said there are no bilingual officers or interpreters. (+2)" in text
    assert "not quoted from the National League of Cities' report" in text
    assert "\\<b\\>Karen\\</b\\> \\*Chin\\*" in text and "<b>" not in text
    for number, _recommendation, action in page.context["plan"].checklist:
        assert action.split(",")[0].translate(str.maketrans({"_": "\\_", "*": "\\*"})) in text, number


def test_the_markdown_plan_keeps_the_recommendations_after_the_checklist(client):
    worried = {**IOWA_TOWN, "concern": ["language", "deportation", "unreported"]}
    page = client.get(PLAN, worried)
    also = page.context["plan"].also_consider
    assert also
    text = client.get(PLAN, {**worried, "format": "md"}).content.decode()
    assert "## Also worth a look" in text
    for match in also:
        assert f"/recommendations/#{match.item.slug})" in text


def test_a_download_with_bad_answers_shows_the_errors_instead(client):
    response = client.get(PLAN, {"state": "ZZ", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a state from the list." in response.text


def test_an_unknown_format_shows_the_page(client):
    response = client.get(PLAN, {**IOWA_TOWN, "format": "pdf"})
    assert response["Content-Type"].startswith("text/html") and response.context["plan"]


# Bad input: a helpful message next to the field, never a server error


@pytest.mark.parametrize(
    ("query_string", "field", "message"),
    [
        ("population=-5", "population", "The population must be at least 1."),
        ("population=abc", "population", "Type the population as a whole number, such as 12,000."),
        ("population=" + "9" * 5000, "population", "Type the population as a whole number"),
        ("population=99999999999", "population", "That is more people than any U.S. city has."),
        ("population=120000&size=small", "population", "A population of 120,000 is in the “Midsize"),
        ("state=ZZ", "state", "Choose a state from the list."),
        ("state=" + "Z" * 5000, "state", "Choose a state from the list."),
        ("size=enormous", "size", "Choose one of the sizes"),
        ("size=small&size=large", "size", "The link gives more than one answer here."),
        ("state=IA&state=MN", "state", "The link gives more than one answer here."),
        (
            "community=martians",
            "community",
            "“martians” is not in the directory&#x27;s list of communities, so the form below",
        ),
        ("community=" + "x" * 5000, "community", "“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”"),
        (
            "language=klingon",
            "language",
            "“klingon” is not in the directory&#x27;s list of languages, so the form below",
        ),
        ("other_communities=" + "Karen," * 1000, "other_communities", "Keep this under 200 characters."),
        ("other_languages=%00", "other_languages", "Null characters are not allowed."),
        ("interpreters=maybe", "interpreters", "Choose yes, no or not sure."),
        ("concern=aliens", "concern", "“aliens” is not one of the worries listed, so the form below"),
        ("concern=%3Cscript%3Ealert(1)%3C/script%3E", "concern", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_bad_answers_are_explained_next_to_their_field(client, query_string, field, message):
    response = client.get(f"{PLAN}?{query_string}")
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert field in response.context["form"].errors
    text = response.text
    assert message in text
    assert "<script>alert(1)</script>" not in text
    assert "Some answers need another look" in text
    # The summary links to the field, and the field is described by its error.
    error_id = f"id_{field}_error"
    assert f'id="{error_id}"' in text
    assert re.search(rf'aria-describedby="[^"]*{error_id}', text)
    for anchor in re.findall(r'<li><a href="#([^"]+)">', text):
        assert f'id="{anchor}"' in text, anchor


@pytest.mark.parametrize(
    "query_string",
    [
        "community=lao&community=lao&community=",
        "size=small&size=small",
        "state=%20ia%20",
        "population=12%20000",
        "population=1.234",
        "%ZZ=%ZZ&community%5B%5D=lao",
        "format=csv&format=md",
        "q=" + "x" * 5000,
    ],
)
def test_odd_but_harmless_answers_still_give_a_plan(client, query_string):
    response = client.get(f"{PLAN}?{query_string}")
    assert response.status_code == 200


def test_too_many_parameters_get_the_400_page(client):
    response = client.get(PLAN + "?" + "&".join(f"community=c{i}" for i in range(1500)))
    assert response.status_code == 400


# Cost


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PLANS_MEASURED = [
    {},
    IOWA_TOWN,
    {**IOWA_TOWN, "format": "csv"},
    {**IOWA_TOWN, "format": "md", "advisory_group": "yes", "concern": ["deportation", "culture"]},
]


def plan_url(params):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return f"{PLAN}?{query.urlencode()}"


def test_the_plan_costs_a_small_constant_number_of_queries(client):
    """Each plan (page and downloads) measured, the directory grown once, each measured again."""
    urls = [plan_url(params) for params in PLANS_MEASURED]
    before = [count_queries(client, url) for url in urls]
    grow_the_directory()
    after = [count_queries(client, url) for url in urls]
    assert after == before, f"queries before growing the directory {before}, after {after}"
    # The vocabularies; then departments, their practices, and the communities and languages they
    # serve; then the recommendations, their sources and their examples; then the state's law, its
    # laws and its rulings.
    assert after == [1, 10, 10, 10]
    assert max(after) <= MAX_QUERIES


def test_a_state_page_s_plan_link_opens_the_form_with_its_state_chosen(client):
    state_page = client.get("/states/tx/").text
    link = re.search(r'href="(/plan/\?[^"]+)">Plan a program for a city in Texas', state_page).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200 and response.context["plan"] is None
    assert "Your starting plan" not in response.text
    assert re.search(r'<option value="TX" selected>', response.text)
