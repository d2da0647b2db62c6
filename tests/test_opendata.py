"""Open data: downloads, the dataset release, citations, the feed, the sitemap and structured data."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import frictionless
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from opendata.release import latest_release, write_release
from opendata.tables import REGISTRY
from practices.models import Fact, Practice
from sources.models import Source
from statelaw.models import StateEntry
from tests.growth import grow

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")
ATOM = "{http://www.w3.org/2005/Atom}"


def download(client, name, **params):
    response = client.get(reverse("opendata:download", args=[name]), params)
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(body):
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def json_rows(body):
    return json.loads(body)["data"]


def xlsx_rows(body):
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


READERS = {"csv": csv_rows, "json": json_rows, "xlsx": xlsx_rows}


@pytest.mark.parametrize("format", ["csv", "json", "xlsx"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"kind": ["language_access", "cultural_liaison"], "state": ["IA", "MN", "NC"], "sort": "city"},
        {"q": "interpreters"},
        {"area": "diversity", "sort": "-year", "page": "1"},
        {"kind": "no-such-kind", "size": "small"},  # unknown values dropped, as the page drops them
    ],
)
def test_a_download_has_the_browse_pages_practices_in_its_order(client, format, query):
    page = client.get(LIST, {**query, "page": "1"})
    expected = [practice.slug for practice in page.context["page_obj"].paginator.object_list]
    response, body = download(client, "practices", format=format, **query)
    assert [row["slug"] for row in READERS[format](body)] == expected
    assert response["Content-Disposition"].startswith("attachment;")


def test_every_format_has_every_column_and_lists_in_a_documented_form(client):
    columns = [column.name for column in REGISTRY["practices"].columns]
    storm_lake = {}
    for format, read in READERS.items():
        rows = read(download(client, "practices", format=format)[1])
        assert list(rows[0]) == columns
        storm_lake[format] = next(row for row in rows if row["slug"] == "storm-lake-ia")
    assert isinstance(storm_lake["json"]["kind_slugs"], list) and "language_access" in storm_lake["json"]["kind_slugs"]
    assert storm_lake["csv"]["kind_slugs"] == "|".join(storm_lake["json"]["kind_slugs"])
    assert storm_lake["xlsx"]["kind_slugs"] == storm_lake["csv"]["kind_slugs"]
    assert storm_lake["json"]["report_order"] == 13 and storm_lake["xlsx"]["report_order"] == 13
    assert storm_lake["csv"]["url"].endswith("/practices/storm-lake-ia/")
    about = json.loads(download(client, "practices", format="json")[1])
    assert about["license"]["name"] == "CC-BY-4.0" and "own terms" in about["license_note"]
    assert {field["name"] for field in about["fields"]} == set(columns)


def test_the_departments_and_recommendations_lists_download_whole(client):
    departments = csv_rows(download(client, "departments", format="csv")[1])
    assert len(departments) == Department.objects.public().count()
    recommendations = json_rows(download(client, "recommendations", format="json")[1])
    assert len(recommendations) == 28 and all(row["actions"] for row in recommendations)


def test_the_lists_link_to_their_downloads(client):
    page = client.get(LIST, {"kind": "language_access", "sort": "city"}).text
    assert "/data/practices/?kind=language_access&amp;sort=city&amp;format=csv" in page
    assert "/data/departments/?format=xlsx" in client.get(reverse("departments:list")).text
    assert "/data/recommendations/?format=json" in client.get(reverse("practices:recommendations")).text


def test_an_unknown_format_or_list_is_refused_plainly(client):
    response = client.get(reverse("opendata:download", args=["practices"]), {"format": "pdf"})
    assert response.status_code == 400
    assert "csv, json, xlsx" in response.text
    assert client.get(reverse("opendata:download", args=["curators"])).status_code == 404


def test_cells_that_a_spreadsheet_would_run_stay_text(client):
    Practice.objects.filter(slug="storm-lake-ia").update(summary='=HYPERLINK("http://example.com","x")')
    row = next(row for row in csv_rows(download(client, "practices")[1]) if row["slug"] == "storm-lake-ia")
    assert row["summary"].startswith("'=")
    body = download(client, "practices", format="xlsx")[1]
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    summary = [column.name for column in REGISTRY["practices"].columns].index("summary")
    cell = next(row[summary] for row in sheet.iter_rows(min_row=2) if row[0].value == "storm-lake-ia")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


DOWNLOADS = [
    ("practices", {"format": "csv", "kind": "language_access"}),
    ("practices", {"format": "json", "q": "interpreters"}),
    ("practices", {"format": "xlsx"}),
    ("departments", {"format": "csv"}),
    ("recommendations", {"format": "json"}),
]


def count_download_queries(client, name, params):
    with CaptureQueriesContext(connection) as queries:
        download(client, name, **params)
    return len(queries)


def test_downloads_cost_the_same_queries_however_large_the_directory(client):
    before = [count_download_queries(client, name, params) for name, params in DOWNLOADS]
    grow()
    after = [count_download_queries(client, name, params) for name, params in DOWNLOADS]
    assert after == before
    assert max(after) <= 3, after


@pytest.fixture
def secrets(django_user_model):
    """Private values on published entries, and a draft: none may leave the site."""
    reviewer = django_user_model.objects.create_user("reviewer-x7q", is_staff=True)
    Practice.objects.filter(slug="storm-lake-ia").update(
        curator_notes="SECRET-PRACTICE-NOTE",
        consistency_accepted="SECRET-ACCEPTED-WARNING",
        reviewed_by=reviewer,
        last_reviewed=timezone.localdate(),
    )
    StateEntry.objects.filter(state="IA").update(
        curator_notes="SECRET-STATE-NOTE", reviewed_by=reviewer, last_reviewed=timezone.localdate()
    )
    Department.objects.filter(slug="storm-lake-ia").update(curator_notes="SECRET-DEPARTMENT-NOTE")
    Source.objects.filter(key="nlc-2011").update(curator_notes="SECRET-SOURCE-NOTE")
    draft = Practice.objects.get(slug="portland-or")
    Practice.objects.filter(pk=draft.pk).update(status=Practice.Status.DRAFT, title="SECRET-DRAFT-TITLE")
    Fact.objects.filter(practice=draft).update(text="SECRET-DRAFT-FACT")
    return ["SECRET-", "reviewer-x7q", "curator_notes", "reviewed_by", "consistency_accepted"]


def test_no_curator_field_reviewer_or_draft_ever_leaves_the_site(client, secrets, tmp_path):
    outputs = []
    for name in ("practices", "departments", "recommendations", "state-laws"):
        for format in ("csv", "json", "xlsx"):
            body = download(client, name, format=format)[1]
            if format == "xlsx":
                with zipfile.ZipFile(io.BytesIO(body)) as workbook:
                    body = b"".join(workbook.read(part) for part in workbook.namelist())
            outputs.append(body.decode("utf-8", "replace"))
    api = ["/api/v1/practices?page_size=100", "/api/v1/practices/storm-lake-ia", "/api/v1/departments?page_size=100"]
    api += ["/api/v1/departments/storm-lake-ia", "/api/v1/recommendations", "/api/v1/sources?page_size=100"]
    api += ["/api/v1/sources/nlc-2011", "/api/v1/openapi.json", "/feed/", "/sitemap.xml", "/data/"]
    api += ["/practices/storm-lake-ia/cite/?format=ris", "/practices/storm-lake-ia/sources/?format=csl-json"]
    outputs += [client.get(url).text for url in api]
    release = write_release("https://practices.example.org", tmp_path)
    outputs += [path.read_text("utf-8") for path in release.folder.rglob("*") if path.is_file()]
    for output in outputs:
        for secret in secrets:
            assert secret not in output
    assert client.get("/api/v1/practices/portland-or").status_code == 404


@pytest.fixture
def releases_dir(settings, tmp_path):
    settings.DATA_RELEASES_DIR = tmp_path
    return tmp_path


def test_a_release_is_a_valid_data_package_with_every_field_described(releases_dir):
    release = write_release("https://practices.example.org")
    report = frictionless.validate(str(release.folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = release.descriptor()
    assert package["version"] == "1.1.0" and package["licenses"][0]["name"] == "CC-BY-4.0"
    assert {resource["name"] for resource in package["resources"]} == set(REGISTRY)
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["description"], (resource["name"], field["name"])
    license_text = (release.folder / "LICENSE.md").read_text("utf-8")
    assert "CC BY 4.0" in license_text and "keep" in license_text and "own terms" in license_text
    with open(release.folder / "data" / "practices.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == Practice.objects.published().count()
    assert rows[0]["url"].startswith("https://practices.example.org/practices/")
    with zipfile.ZipFile(release.archive) as archive:
        assert f"{release.name}/datapackage.json" in archive.namelist()
        assert f"{release.name}/data/facts.csv" in archive.namelist()
    assert write_release("https://practices.example.org").version == "1.2.0"
    assert latest_release().version == "1.2.0"


def test_the_command_writes_a_release_and_needs_the_sites_address(releases_dir, capsys):
    with pytest.raises(CommandError, match="site-url"):
        call_command("release_dataset", site_url="")
    call_command("release_dataset", site_url="https://practices.example.org/")
    assert "Released version 1.1.0" in capsys.readouterr().out
    assert latest_release().version == "1.1.0"


def test_the_data_page_offers_the_latest_release_and_describes_it(client, releases_dir):
    response = client.get(reverse("opendata:data"))
    assert "No dataset release has been published yet" in response.text
    write_release("https://practices.example.org")
    release = write_release("https://practices.example.org")
    response = client.get(reverse("opendata:data"))
    assert f"Version {release.version}" in response.text
    assert release.archive.name in response.text and "CC BY 4.0" in response.text
    assert "The published practices" in response.text  # the practices table's description
    archive = client.get(reverse("opendata:release_file", args=[release.archive.name]))
    assert archive.status_code == 200 and "immutable" in archive["Cache-Control"]
    descriptor = client.get(reverse("opendata:release_file", args=["datapackage.json"]))
    assert json.loads(b"".join(descriptor.streaming_content))["version"] == release.version
    again = client.get(
        reverse("opendata:release_file", args=["datapackage.json"]), HTTP_IF_NONE_MATCH=descriptor["ETag"]
    )
    assert again.status_code == 304
    for name in ["..%2Fsettings.py", "practices-directory-1999-01-01-v9.9.9.zip", "x.zip", ".partial"]:
        assert client.get(f"/data/releases/{name}").status_code == 404
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text).group(1))
    assert data["@type"] == "Dataset" and data["version"] == release.version


def test_cite_this_page_gives_the_stable_address_the_entrys_date_and_today(client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    page = client.get(practice.get_absolute_url()).text
    today = timezone.localdate()
    assert "Cite this page" in page
    assert f"Retrieved {today:%B} {today.day}, {today.year}, from http://testserver/practices/storm-lake-ia/" in page
    updated = timezone.localtime(practice.updated)
    assert f"Last modified {updated:%B} {updated.day}, {updated.year}" in page


def test_an_entry_and_its_sources_export_as_csl_json_ris_and_bibtex(client):
    base = "/practices/storm-lake-ia"
    entry = json.loads(client.get(f"{base}/cite/", {"format": "csl-json"}).content)
    assert entry[0]["URL"] == "http://testserver/practices/storm-lake-ia/" and entry[0]["accessed"]
    sources = json.loads(client.get(f"{base}/sources/", {"format": "csl-json"}).content)
    keys = [item["id"] for item in sources]
    assert keys[0] == "nlc-2011" and len(keys) == len(set(keys)) > 5
    page_sources = set(re.findall(r'id="source-\d+"', client.get(f"{base}/").text))
    assert len(keys) == len(page_sources)
    ris = client.get(f"{base}/sources/", {"format": "ris"}).text
    assert ris.count("TY  - ") == ris.count("ER  - ") == len(keys)
    bibtex = client.get(f"{base}/sources/", {"format": "bibtex"}).text
    assert bibtex.count("@") == len(keys) and bibtex.count("{") == bibtex.count("}")
    assert client.get(f"{base}/cite/", {"format": "word"}).status_code == 400
    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT)
    assert client.get(f"{base}/cite/").status_code == 404


@pytest.mark.parametrize(
    "kind, csl, ris, bibtex",
    [
        ("government", "report", "GOVDOC", "techreport"),
        ("report", "report", "RPRT", "techreport"),
        ("news", "article-newspaper", "NEWS", "article"),
        ("agency", "webpage", "ELEC", "misc"),
    ],
)
def test_each_kind_of_source_gets_its_own_type_in_each_format(kind, csl, ris, bibtex):
    from opendata.citations import as_bibtex, as_csl_json, as_ris, source_work

    work = source_work(Source(key="s", title="A title", kind=kind, date="2010-05"))
    assert json.loads(as_csl_json([work]))[0]["type"] == csl
    assert as_ris([work]).startswith(f"TY  - {ris}\r\n")
    assert as_bibtex([work]).startswith(f"@{bibtex}{{s,")


def feed_entries(client):
    response = client.get(reverse("opendata:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href")) for entry in root.iter(f"{ATOM}entry")
    ]


def test_the_feed_follows_publishing_and_status_changes_but_not_private_edits(client, django_user_model):
    seeded = feed_entries(client)
    assert len(seeded) == Practice.objects.published().count()
    assert all(title.startswith("New in the directory") for title, _link in seeded)
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.curator_notes = "Only for curators."
    practice.save()
    practice.mark_reviewed(django_user_model.objects.create_user("reviewer"))
    practice.save()
    assert feed_entries(client) == seeded
    Practice.objects.filter(pk=practice.pk).unpublish()
    assert not any("/storm-lake-ia/" in link for _title, link in feed_entries(client))
    Practice.objects.filter(pk=practice.pk).publish()
    practice.refresh_from_db()
    practice.current_status_checked = "2026-11"
    practice.save()
    practice.summary = "A new summary."
    practice.save()
    titles = [title for title, _link in feed_entries(client)[:3]]
    practice.refresh_from_db()
    assert titles == [
        "Updated: Community Service Officers",
        f"Status today of Community Service Officers checked: {practice.current_status_label}",
        "New in the directory: Community Service Officers",
    ]


def test_every_public_page_links_the_feed_and_has_a_canonical_address_and_description(client):
    for url in ["/", LIST, "/practices/storm-lake-ia/", "/departments/", "/departments/storm-lake-ia/"]:
        page = client.get(url).text
        assert 'type="application/atom+xml" href="/feed/"' in page
        assert f'<link rel="canonical" href="http://testserver{url}' in page
        assert re.search(r'<meta name="description" content="[^"]{40,}">', page)
        assert '<meta property="og:title"' in page and '<meta property="og:description"' in page
    assert (
        '<link rel="canonical" href="http://testserver/practices/?kind=language_access">'
        in client.get(LIST, {"kind": "language_access", "junk": "1"}).text
    )


def test_the_sitemap_lists_published_pages_with_dates_and_robots_names_it(client):
    Practice.objects.filter(slug="portland-or").update(status=Practice.Status.DRAFT)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    entries = {url.findtext(f"{namespace}loc"): url.findtext(f"{namespace}lastmod") for url in root}
    practices = {loc for loc in entries if "/practices/" in loc and loc != "http://testserver/practices/"}
    assert len(practices) == Practice.objects.published().count()
    assert "http://testserver/practices/portland-or/" not in entries
    assert entries["http://testserver/practices/storm-lake-ia/"]
    assert entries["http://testserver/departments/storm-lake-ia/"]
    assert "http://testserver/data/" in entries and "http://testserver/api/" in entries
    states = {loc for loc in entries if loc.startswith("http://testserver/states/") and loc.count("/") == 5}
    assert len(states) == StateEntry.objects.published().count() > 50
    assert entries["http://testserver/states/ca/"] and "http://testserver/states/" in entries
    assert "http://testserver/glossary/" in entries
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text


def test_structured_data_describes_practices_and_departments_and_cannot_break_out(client):
    Practice.objects.filter(slug="storm-lake-ia").update(summary="</script><script>alert(1)</script>")
    page = client.get("/practices/storm-lake-ia/").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article" and data["description"] == "</script><script>alert(1)</script>"
    assert (
        data["about"]["@type"] == "GovernmentOrganization" and data["about"]["name"] == "Storm Lake Police Department"
    )
    assert "<script>alert" not in page
    department = client.get("/departments/storm-lake-ia/").text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', department, re.S).group(1))
    assert data["location"]["address"]["addressLocality"] == "Storm Lake"
    Department.objects.filter(slug="storm-lake-ia").update(name="")
    data = json.loads(
        re.search(r'ld\+json">(.*?)</script>', client.get("/departments/storm-lake-ia/").text, re.S).group(1)
    )
    assert data["@type"] == "Place"  # no agency named where no source confirms one


def test_the_states_page_downloads_its_published_entries_with_its_filter(client):
    page = client.get(reverse("statelaw:list"), {"stance": "limits_cooperation"}).text
    assert "/data/state-laws/?stance=limits_cooperation&amp;format=csv" in page
    rows = csv_rows(download(client, "state-laws", stance="limits_cooperation", format="csv")[1])
    expected = StateEntry.objects.published().filter(stance="limits_cooperation").count()
    assert len(rows) == expected > 0 and {row["stance"] for row in rows} == {"limits_cooperation"}
    everything = json_rows(download(client, "state-laws", format="json")[1])
    assert len(everything) == StateEntry.objects.published().count()
    in_name_order = sorted(StateEntry.objects.published(), key=lambda entry: str(entry.get_state_display()))
    assert [row["state"] for row in everything] == [entry.state for entry in in_name_order]


def test_the_api_s_base_address_leads_to_its_reference(client):
    response = client.get("/api/v1/")
    assert response.status_code == 302 and response["Location"] == "/api/"
