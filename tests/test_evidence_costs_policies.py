"""Did it work, what did it cost, what policy stands behind it: the evidence level (practices/evidence.py),
costs, departments' written policies, and the credibility of sources and city figures."""

import pytest
from django.urls import reverse

from departments.models import Department, PolicyKind, WrittenPolicy
from practices.evidence import level
from practices.models import EvidenceLevel, Fact, FactSection, Practice
from sources.models import EvidenceKind, Source

LIST = reverse("practices:list")


# The evidence rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ([EvidenceKind.AWARD, EvidenceKind.REPORT, EvidenceKind.EVALUATION], EvidenceLevel.EVALUATION),
        ([EvidenceKind.AWARD, EvidenceKind.REPORT], EvidenceLevel.REPORT),
        ([EvidenceKind.AWARD, EvidenceKind.AWARD], EvidenceLevel.AWARD),
        ([], EvidenceLevel.DESCRIBED),
    ],
)
def test_the_strongest_kind_of_outcome_source_gives_the_level(kinds, expected):
    assert level(kinds) == expected


@pytest.mark.django_db
def test_the_fixtures_rate_each_entry_by_its_outcome_sources():
    levels = dict(Practice.objects.values_list("slug", "evidence_level"))
    assert levels["saint-paul-mn"] == levels["storm-lake-ia"] == EvidenceLevel.EVALUATION
    assert levels["fort-wayne-in"] == EvidenceLevel.AWARD
    assert levels["brooklyn-center-mn"] == EvidenceLevel.REPORT  # an award, and press reports of results
    assert {slug for slug, value in levels.items() if value == EvidenceLevel.DESCRIBED} == {
        "portland-or",
        "las-vegas-nv",
        "garden-grove-ca",
    }


@pytest.mark.django_db
def test_reclassifying_a_source_rerates_the_practices_citing_it():
    source = Source.objects.get(key="brooklyn-center-mn-s3")  # the NACo award page
    source.evidence = EvidenceKind.EVALUATION
    source.save()
    assert Practice.objects.get(slug="brooklyn-center-mn").evidence_level == EvidenceLevel.EVALUATION


@pytest.mark.django_db
def test_a_new_outcome_fact_can_raise_the_level():
    practice = Practice.objects.get(slug="garden-grove-ca")
    Fact.objects.create(
        practice=practice,
        section=FactSection.OUTCOMES,
        text="Reports rose.",
        source=Source.objects.get(key="vera-2009"),
    )
    assert Practice.objects.get(slug="garden-grove-ca").evidence_level == EvidenceLevel.REPORT


@pytest.mark.django_db
def test_pages_and_browse_show_the_evidence_level(client):
    text = client.get(reverse("practices:detail", args=["saint-paul-mn"])).text
    assert "<strong>Independent evaluation or study</strong>" in text
    assert f'href="{reverse("about")}#evidence"' in text
    about = client.get(reverse("about")).text
    for label in ["Independent evaluation or study", "Agency or press report", "Award or recognition only"]:
        assert label in about
    response = client.get(LIST, {"evidence": "evaluation"})
    assert {p.slug for p in response.context["page_obj"]} == {"saint-paul-mn", "storm-lake-ia"}


# Costs -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cost_line_appears_only_where_sources_give_figures(client):
    costs = {slug: [] for slug in Practice.objects.values_list("slug", flat=True)}
    for cost in Fact.objects.filter(section=FactSection.COST).select_related("practice"):
        costs[cost.practice.slug].append((cost.heading, cost.year))
    assert costs["garden-grove-ca"] == [("$77,953", 1985), ("$6,000 a year", 1994)]
    assert costs["brooklyn-center-mn"] == [("$120,000 and 2.0 FTEs", 2017)]
    assert sorted(slug for slug, found in costs.items() if found) == [
        "brooklyn-center-mn",
        "des-moines-ia",
        "garden-grove-ca",
    ]
    text = client.get(reverse("practices:detail", args=["garden-grove-ca"])).text
    assert "<dt>Cost</dt>" in text and "<strong>$77,953</strong> (1985)" in text
    assert "<dt>Cost</dt>" not in client.get(reverse("practices:detail", args=["winston-salem-nc"])).text


# Written policies ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_written_policies_are_data_with_name_year_and_source():
    policies = WrittenPolicy.objects.select_related("department", "source")
    assert {(p.department.slug, p.name, p.year) for p in policies if p.kind == PolicyKind.GENERAL_ORDER} == {
        ("new-haven-ct", "General Order 06-2, Disclosure of Status Information", 2006)
    }
    assert all(policy.source_id and policy.summary for policy in policies)
    with_policies = set(Department.objects.with_policies("written").values_list("slug", flat=True))
    assert with_policies == {"new-haven-ct", "new-york-ny", "garden-grove-ca"}
    assert set(Department.objects.with_policies("any").values_list("slug", flat=True)) == with_policies | {
        "portland-or",
        "las-vegas-nv",
    }


@pytest.mark.django_db
def test_policies_show_on_department_practice_and_departments_pages(client):
    department = client.get(reverse("departments:detail", args=["new-york-ny"])).text
    assert 'Executive Order 41</strong> <span class="muted">(executive order, 2003)</span>' in department
    practice = client.get(reverse("practices:detail", args=["new-york-ny"])).text
    assert "<dt>Immigration policy on record</dt>" in practice and "has a written policy on immigration" in practice
    assert f"{reverse('departments:detail', args=['new-york-ny'])}#policies" in practice
    listing = client.get(reverse("departments:list"), {"policy": "written"})
    assert {d.slug for d in listing.context["departments"]} == {"new-haven-ct", "new-york-ny", "garden-grove-ca"}
    assert "General Order 06-2" in listing.text
    none = client.get(reverse("departments:detail", args=["storm-lake-ia"])).text
    assert "No source found shows a written policy" in none


@pytest.mark.django_db
def test_the_departments_page_ignores_an_unknown_policy_filter_and_says_so(client):
    response = client.get(reverse("departments:list"), {"policy": "<script>"})
    assert response.status_code == 200
    assert len(response.context["departments"]) == 18
    assert "&lt;script&gt;” is not one of the filters here" in response.text


@pytest.mark.django_db
def test_browse_filters_by_policy_on_record(client):
    written = client.get(LIST, {"policy": "written"})
    assert {p.slug for p in written.context["page_obj"]} == {"new-haven-ct", "new-york-ny", "garden-grove-ca"}
    commitment = client.get(LIST, {"policy": "commitment"})
    assert {p.slug for p in commitment.context["page_obj"]} == {"portland-or", "las-vegas-nv"}


@pytest.mark.django_db
def test_immigration_enforcement_clarity_only_where_a_policy_or_commitment_is_on_record():
    clarity = Practice.objects.filter(kinds__needs_policy=True).select_related("department")
    assert {p.slug for p in clarity} == {"new-haven-ct", "new-york-ny"}
    for practice in clarity:
        assert practice.department.policies.exists()
    assert not Practice.objects.filter(slug="norfolk-va", kinds__slug="immigration_enforcement_clarity").exists()


# Credibility -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copies_on_document_sharing_sites_say_copy_at(client):
    report = Source.objects.get(key=Source.NLC_REPORT_KEY)
    assert (report.url, report.copy_host) == ("", "readkong.com")
    cited = Source.objects.filter(facts__isnull=False).distinct()
    assert not cited.filter(url__icontains="docslib.org").exists()
    assert not cited.filter(publisher__icontains="copy at").exists()
    text = client.get(reverse("practices:detail", args=["chelsea-ma"])).text
    assert ">Copy at yumpu.com</a>" in text


@pytest.mark.django_db
def test_the_report_links_to_nlcs_own_page(client):
    nlc_page = Source.objects.get(key=Source.NLC_PAGE_KEY).url
    assert "nlc.org" in nlc_page
    for url in [reverse("about"), reverse("practices:detail", args=["storm-lake-ia"])]:
        assert f'href="{nlc_page}"' in client.get(url).text


@pytest.mark.django_db
def test_the_report_body_line_is_said_once_on_about_not_on_every_practice_page(client):
    about = client.get(reverse("about")).text
    assert "We could not obtain the report's body text." in about
    text = client.get(reverse("practices:detail", args=["storm-lake-ia"])).text
    assert "could not obtain the report" not in text


@pytest.mark.django_db
def test_city_figures_say_whether_they_are_a_census_count(client):
    text = client.get(reverse("practices:detail", args=["portland-or"])).text
    assert "population 583,776 (2010 census)" in text
    assert "population 10,000 (2009 estimate)" in client.get(reverse("practices:detail", args=["storm-lake-ia"])).text
    assert (
        "foreign-born share 6.9% (2013, Census Bureau survey estimate)"
        in client.get(reverse("departments:detail", args=["newport-news-va"])).text
    )


@pytest.mark.django_db
def test_the_fifth_area_is_marked_as_the_directorys_and_its_filter_finds_its_examples(client):
    home = client.get(reverse("home"))
    fifth = next(area for area in home.context["areas"] if not area.is_nlc_area)
    assert fifth.count == 6
    response = client.get(LIST, {"area": fifth.slug})
    illustrating = set(
        Practice.objects.filter(recommendation_links__recommendation__area=fifth).values_list("slug", flat=True)
    )
    assert {p.slug for p in response.context["page_obj"]} == illustrating
    areas = next(facet for facet in response.context["facets"] if facet.name == "area")
    assert f"{fifth.name} (this directory's, not NLC's)" in [option.label for option in areas.options]
    assert "added by this directory" in client.get(reverse("practices:recommendations")).text
