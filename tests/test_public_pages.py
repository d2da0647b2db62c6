"""The public pages: what they show, what they hide, and how they treat bad input."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from corrections.models import CorrectionSuggestion
from departments.models import Department
from practices.models import Practice, Recommendation

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")


def result_titles(response):
    return [practice.title for practice in response.context["page_obj"]]


def result_count(response):
    return response.context["page_obj"].paginator.count


def unpublish(slug):
    Practice.objects.filter(slug=slug).update(status=Practice.Status.DRAFT)


def test_every_public_page_answers(client):
    urls = [reverse("home"), LIST, reverse("practices:recommendations"), reverse("about"), reverse("departments:list")]
    urls += [practice.get_absolute_url() for practice in Practice.objects.all()]
    urls += [department.get_absolute_url() for department in Department.objects.all()]
    urls.append(reverse("corrections:new"))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_home_offers_search_kinds_areas_and_departments(client):
    response = client.get(reverse("home"))
    assert response.context["practice_count"] == 17
    kinds = {kind.slug: kind.count for kind in response.context["kinds"]}
    assert kinds["language_access"] == Practice.objects.published().filter(kinds__slug="language_access").count()
    assert len(response.context["departments"]) == 18
    assert f'action="{LIST}"' in response.text
    assert "?kind=language_access" in response.text


def test_browse_lists_every_published_practice_in_report_order(client):
    response = client.get(LIST, {"page": 1})
    assert result_count(response) == 18
    assert result_titles(response)[:2] == ["Joint Community Police Partnership", "Hispanic Outreach Initiative"]


def test_filters_are_or_within_one_and_and_across(client):
    language_access = client.get(LIST, {"kind": "language_access"})
    liaison = client.get(LIST, {"kind": "cultural_liaison"})
    either = client.get(LIST, {"kind": ["language_access", "cultural_liaison"]})
    expected_either = (
        Practice.objects.published().filter(kinds__slug__in=["language_access", "cultural_liaison"]).distinct().count()
    )
    assert result_count(either) == expected_either
    assert result_count(either) >= max(result_count(language_access), result_count(liaison))

    both = client.get(LIST, {"kind": "language_access", "state": "IA"})
    expected = set(
        Practice.objects.published()
        .filter(kinds__slug="language_access", department__state="IA")
        .values_list("title", flat=True)
    )
    assert set(result_titles(both)) == expected == {"Community Service Officers", "HONRA / AORO"}


@pytest.mark.parametrize(
    ("params", "expected_slugs"),
    [
        ({"community": "somali"}, {"brooklyn-center-mn", "storm-lake-ia"}),
        ({"language": "hmn"}, {"saint-paul-mn", "des-moines-ia"}),
        ({"size": "very-large"}, {"dallas-tx", "new-york-ny"}),
        ({"area": "diversity", "state": "MA"}, {"lowell-ma", "chelsea-ma"}),
        ({"state": "ia"}, {"storm-lake-ia", "des-moines-ia"}),  # codes are not case-sensitive
    ],
)
def test_each_facet_filters(client, params, expected_slugs):
    response = client.get(LIST, params)
    assert {practice.slug for practice in response.context["page_obj"]} == expected_slugs


def test_facet_counts_say_how_many_results_each_option_gives(client):
    response = client.get(LIST, {"state": "IA"})
    facets = {facet.name: {option.value: option for option in facet.options} for facet in response.context["facets"]}
    iowa = Practice.objects.published().filter(department__state="IA")
    for kind, option in facets["kind"].items():
        assert option.count == iowa.filter(kinds__slug=kind).count(), kind
    # A facet ignores its own filter, so other states still show what they would give.
    assert facets["state"]["IA"].count == 2 and facets["state"]["IA"].selected
    assert facets["state"]["MA"].count == Practice.objects.published().filter(department__state="MA").count()
    for community, option in facets["community"].items():
        assert option.count == iowa.filter(communities__slug=community).distinct().count(), community
    sizes = facets["size"]
    assert sizes["small"].count == 1 and sizes["midsize"].count == 1


def test_active_filters_appear_as_removable_chips(client):
    response = client.get(LIST, {"kind": ["language_access", "cultural_liaison"], "state": "IA", "q": "police"})
    labels = [chip.label for chip in response.context["chips"]]
    assert labels == [
        "Search: “police”",
        "Kind of practice: Language access",
        "Kind of practice: Cultural liaison",
        "State: Iowa",
    ]
    removal = re.findall(r'class="chip" href="([^"]+)"', response.text)
    assert removal[1] == "?q=police&amp;kind=cultural_liaison&amp;state=IA"
    assert removal[3] == "?q=police&amp;kind=language_access&amp;kind=cultural_liaison"
    assert f'<a href="{LIST}">Clear all</a>' in response.text


def test_unknown_filter_values_are_ignored_with_a_notice(client):
    response = client.get(LIST, {"kind": ["language_access", "teleportation"], "state": "ZZ", "sort": "random"})
    assert result_count(response) == result_count(client.get(LIST, {"kind": "language_access"}))
    assert "we ignored them" in response.text
    assert "teleportation" in response.text and "ZZ" in response.text and "random" in response.text
    only_unknown = client.get(LIST, {"community": "martians"})
    assert result_count(only_unknown) == 18


@pytest.mark.parametrize(
    "query_string",
    [
        "page=-5",
        "page=999999999999999999999",
        "page=abc",
        "page=2&page=3",
        "kind=&kind=&state=",
        "q=" + "x" * 5000,
        "q=%00%01%02",
        "q=%E2%80%AE%F0%9F%98%80%ED%A0%80",
        "q='%3B DROP TABLE practices_practice%3B--",
        "q=%22unbalanced&q=two",
        "q=%26%7C!():*",
        "sort=&sort=city",
        "%ZZ=%ZZ&kind=%ZZ",
        "kind[]=language_access",
        "q=<script>alert(1)</script>",
    ],
)
def test_bad_browse_input_never_fails(client, query_string):
    response = client.get(f"{LIST}?{query_string}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_too_many_parameters_get_a_clear_400_page(client):
    response = client.get(LIST + "?" + "&".join(f"kind=k{i}" for i in range(1500)))
    assert response.status_code == 400
    assert "couldn" in response.text


def test_sorting(client):
    by_city = result_titles(client.get(LIST, {"sort": "city", "page": 1}))
    assert by_city[0] == "Joint Community Police Partnership"  # Brooklyn Center
    newest = client.get(LIST, {"sort": "-year"}).context["page_obj"][0]
    assert newest.year_started == max(
        Practice.objects.exclude(year_started=None).values_list("year_started", flat=True)
    )
    oldest = client.get(LIST, {"sort": "year"}).context["page_obj"][0]
    assert oldest.year_started == min(
        Practice.objects.exclude(year_started=None).values_list("year_started", flat=True)
    )


def test_pagination_keeps_the_filters(client, monkeypatch):
    monkeypatch.setattr("practices.browse.PAGE_SIZE", 10)
    response = client.get(LIST, {"kind": "cultural_liaison", "sort": "city"})
    assert response.context["page_obj"].paginator.num_pages == 2
    assert 'href="?kind=cultural_liaison&amp;sort=city&amp;page=2"' in response.text
    second = client.get(LIST, {"kind": "cultural_liaison", "sort": "city", "page": 2})
    assert result_count(second) == 15 and len(second.context["page_obj"]) == 5


def test_empty_results_suggest_removing_a_filter(client):
    response = client.get(LIST, {"state": "TX", "size": "small"})
    assert result_count(response) == 0
    assert "No practices match all of these filters." in response.text
    assert "Try removing a filter" in response.text


def test_a_search_that_finds_nothing_says_so_in_plain_words(client):
    response = client.get(LIST, {"q": "zzqxv"})
    assert result_count(response) == 0
    assert "No practice mentions “zzqxv”." in response.text
    assert "Check the spelling" in response.text
    # Every filter would give nothing with this search, and the panel says so instead of standing empty.
    assert not response.context["filters_available"]
    assert "No filter would find a practice together with this search." in response.text


def test_the_recommendations_page_links_only_to_areas_that_have_practices(client):
    text = client.get(reverse("practices:recommendations")).text
    assert "?area=communication" in text
    assert "practices filed under Communication" in text
    published_in_area = Practice.objects.published().filter(areas__slug="immigration-enforcement").count()
    assert ("?area=immigration-enforcement" in text) == bool(published_in_area)


def test_search_finds_a_practice_by_a_word_only_in_one_of_its_facts(client):
    practice = Practice.objects.get(slug="brooklyn-center-mn")
    assert "robbinsdale" not in (practice.title + practice.summary).lower()
    assert "Robbinsdale" in " ".join(practice.facts.values_list("text", flat=True))
    response = client.get(LIST, {"q": "Robbinsdale"})
    assert [p.slug for p in response.context["page_obj"]] == ["brooklyn-center-mn"]


def test_search_finds_every_word_and_ranks_names_above_summaries_above_facts(client):
    department = Department.objects.get(slug="storm-lake-ia")
    made = {}
    for slug, where in [("in-facts", "fact"), ("in-summary", "summary"), ("in-title", "title")]:
        practice = Practice.objects.create(
            slug=slug,
            title=f"Zebrafinch program {slug}" if where == "title" else f"Program {slug}",
            summary="A zebrafinch summary." if where == "summary" else "A plain summary.",
            department=department,
            status=Practice.Status.PUBLISHED,
        )
        if where == "fact":
            practice.facts.create(section="how-it-works", text="Officers feed a zebrafinch.", source_id=1)
        made[slug] = practice
    response = client.get(LIST, {"q": "zebrafinch"})
    assert [p.slug for p in response.context["page_obj"]] == ["in-title", "in-summary", "in-facts"]
    assert result_count(client.get(LIST, {"q": "zebrafinch Storm"})) == 3
    assert result_count(client.get(LIST, {"q": "zebrafinch nosuchwordanywhere"})) == 0


def test_search_also_reads_communities_languages_and_places(client):
    assert "saint-paul-mn" in {p.slug for p in client.get(LIST, {"q": "Hmong"}).context["page_obj"]}
    assert {p.slug for p in client.get(LIST, {"q": "Iowa"}).context["page_obj"]} >= {"storm-lake-ia", "des-moines-ia"}


def test_a_practice_page_numbers_its_citations_and_lists_the_sources(client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    response = client.get(practice.get_absolute_url())
    citations = response.context["citations"]
    cited = {fact.source_id for fact in practice.facts.all()}
    assert cited <= {source.pk for source in citations.sources}
    numbers = set(re.findall(r'href="#source-(\d+)"', response.text))
    anchors = set(re.findall(r'id="source-(\d+)"', response.text))
    assert numbers == anchors == {str(n) for n in range(1, len(citations.sources) + 1)}
    assert "Profiled in the NLC report (2011), p. 33, good practice 13 of 17" in response.text
    for label in ["How it works", "Staffing", "Outcomes", "Challenges", "Timeline", "Sources"]:
        assert f">{label}</h2>" in response.text
    assert f'href="{LIST}?kind=language_access"' in response.text
    assert f'href="{LIST}?community=lao"' in response.text


def test_a_practice_page_links_to_the_recommendations_it_shows(client):
    response = client.get(reverse("practices:detail", args=["storm-lake-ia"]))
    assert f'href="{reverse("practices:recommendations")}#language-needs-assessment"' in response.text
    recommendations = client.get(reverse("practices:recommendations"))
    assert 'id="language-needs-assessment"' in recommendations.text
    assert 'href="/practices/storm-lake-ia/"' in recommendations.text


def test_thin_profiles_say_what_is_not_known(client):
    response = client.get(reverse("practices:detail", args=["portland-or"]))
    assert "No source found describes how it works." in response.text
    assert "No source confirms which agency runs this practice." in response.text
    assert "No source found gives the year the program started." in response.text
    assert "AMPAC stands for" in response.text  # the public caveat


def test_curator_notes_never_reach_the_public(client):
    practice = Practice.objects.get(slug="portland-or")
    secret = practice.curator_notes.split(".")[0]
    assert secret
    for url in [practice.get_absolute_url(), LIST + "?q=AMPAC", reverse("about"), reverse("home")]:
        assert secret not in client.get(url).text


def test_the_recommendations_page_opens_each_area_with_its_first_step_and_offers_the_plan(client):
    text = client.get(reverse("practices:recommendations")).text
    assert f'<a href="{reverse("planning:plan")}">Answer a few questions about your city</a>' in text
    first = Recommendation.objects.filter(area__slug="communication").order_by("position").first()
    assert (
        f'<strong>Start here:</strong> <a href="#{first.slug}">{first.title}</a>. First step: {first.action_list[0]}'
        in (text.replace("&#x27;", "'"))
    )
    assert text.count("<strong>Start here:</strong>") == 5


def test_recommendations_page_is_exact_about_provenance(client):
    response = client.get(reverse("practices:recommendations"))
    assert "not quoted from the report" in response.text
    assert "this directory's own addition" in response.text
    assert "Goal (this directory's, not NLC's):" in response.text
    assert response.text.count('class="recommendation"') == Recommendation.objects.count()


def test_about_page_explains_the_report_method_limits_and_corrections(client):
    response = client.get(reverse("about"))
    for text in [
        "Ricardo Gambetta and Michelle Burgess",
        "Fear of deportation",
        "How this directory was researched",
        "The report is from 2011",
        reverse("corrections:new"),
    ]:
        assert text in response.text


def test_drafts_are_invisible_to_the_public_everywhere(client):
    unpublish("lowell-ma")
    draft = Practice.objects.get(slug="lowell-ma")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.department.get_absolute_url()).status_code == 404  # its only practice is a draft
    for url in [
        LIST,
        reverse("home"),
        reverse("departments:list"),
        reverse("practices:recommendations"),
        reverse("about"),
        LIST + "?q=Cambodian",
    ]:
        response = client.get(url)
        assert draft.get_absolute_url() not in response.text, url
    assert client.get(reverse("home")).context["practice_count"] == 16
    assert result_count(client.get(LIST)) == 17


def test_staff_can_preview_a_draft(admin_client):
    unpublish("lowell-ma")
    response = admin_client.get(reverse("practices:detail", args=["lowell-ma"]))
    assert response.status_code == 200
    assert "Draft preview." in response.text
    assert admin_client.get(reverse("departments:detail", args=["lowell-ma"])).status_code == 200


def test_unknown_pages_get_the_styled_404(client):
    for url in ["/practices/no-such-practice/", "/departments/atlantis-zz/", "/nowhere/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "We can't find that page" in response.text


def test_a_correction_suggestion_is_saved_for_curators(client):
    page = reverse("practices:detail", args=["storm-lake-ia"])
    form = client.get(reverse("corrections:new"), {"page": page})
    assert "Community Service Officers" in form.text
    response = client.post(
        reverse("corrections:new"),
        {"page": page, "message": "The department now has three CSOs.", "evidence_url": "https://example.org/a"},
    )
    assert response.status_code == 302 and response["Location"] == page
    suggestion = CorrectionSuggestion.objects.get()
    assert suggestion.practice.slug == "storm-lake-ia"
    assert suggestion.status == CorrectionSuggestion.Status.NEW


@pytest.mark.parametrize(
    "data",
    [
        {"page": "/about/", "message": ""},
        {"page": "/about/", "message": "Spam", "website": "http://spam.example"},
        {"page": "/about/", "message": "x", "evidence_url": "not a url"},
    ],
)
def test_a_bad_correction_suggestion_is_explained_and_not_saved(client, data):
    response = client.post(reverse("corrections:new"), data)
    assert response.status_code == 200
    assert 'class="error"' in response.text or "leave this field empty" in response.text.lower()
    assert not CorrectionSuggestion.objects.exists()


def test_past_the_hourly_cap_a_suggestion_is_refused_politely_and_its_text_kept(client, settings):
    settings.CORRECTIONS_PER_HOUR = 2
    url = reverse("corrections:new")
    for number in (1, 2):
        assert client.post(url, {"page": "/about/", "message": f"Suggestion {number}"}).status_code == 302
    response = client.post(url, {"page": "/about/", "message": "A third, too many for this hour."})
    assert response.status_code == 429
    assert "please send it again in an hour" in response.text
    assert "A third, too many for this hour." in response.text
    assert CorrectionSuggestion.objects.count() == 2
    # Suggestions older than an hour no longer count.
    CorrectionSuggestion.objects.update(created=timezone.now() - datetime.timedelta(hours=2))
    assert client.post(url, {"page": "/about/", "message": "Later."}).status_code == 302


def test_a_correction_suggestion_never_redirects_off_the_site(client):
    for page in ["https://evil.example/", "//evil.example/", "/\\evil.example/"]:
        response = client.post(reverse("corrections:new"), {"page": page, "message": "x"})
        assert response["Location"] == reverse("about")


def test_the_case_study_says_which_years_its_account_covers(client):
    text = client.get(reverse("practices:detail", args=["indianapolis-model-2000-2007"])).text
    assert "The account below covers 2000-2007." in text


def test_a_practice_page_says_what_became_of_the_program(client):
    text = client.get(reverse("practices:detail", args=["storm-lake-ia"])).text
    assert "No trace since 2009. The latest dated source that shows the program at work is from 2009" in text
    assert "Checked late 2026." in text
    assert '<h2 id="since-report">Since the report</h2>' in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("academies", {"brooklyn-center-mn", "storm-lake-ia"}),  # finds "academy"
        ("councils", {"brooklyn-center-mn"}),
        ("interpreting", {"storm-lake-ia"}),  # finds "interpreters"
        ("deportation", {"new-haven-ct", "new-york-ny", "norfolk-va"}),  # finds "deport" (PostgreSQL's stemmer too)
    ],
)
def test_search_matches_words_whatever_their_ending(client, query, expected):
    found = {p.slug for p in client.get(LIST, {"q": query}).context["page_obj"]}
    assert expected <= found


def test_search_matches_whole_words_not_fragments(client):
    # "ICE" is in no practice's text as a word, but "police" and "office" are everywhere.
    assert result_count(client.get(LIST, {"q": "ICE"})) < 18
    assert result_count(client.get(LIST, {"q": "Robbinsdale -Brooklyn"})) == 0


def test_the_about_page_lists_the_report_in_its_order(client):
    contents = list(client.get(reverse("about")).context["contents"])
    assert [p.report_order for p in contents[:17]] == list(range(1, 18))
    assert contents[-1].is_case_study


def test_a_department_page_states_the_city_size(client):
    response = client.get(reverse("departments:detail", args=["storm-lake-ia"]))
    assert "Small (under 50,000)" in response.text


def test_pages_link_to_the_correction_form_for_themselves(client):
    for url in [reverse("practices:detail", args=["storm-lake-ia"]), reverse("departments:detail", args=["dallas-tx"])]:
        assert f"{reverse('corrections:new')}?page={url}" in client.get(url).text
