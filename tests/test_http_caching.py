"""HTTP caching of public pages, downloads and API answers: validators, 304s, and never an old page."""

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.test.utils import override_settings
from django.utils import timezone

from pagecache.models import ContentVersion
from practices.models import Practice

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/practices/?kind=language_access",
    "/practices/storm-lake-ia/",
    "/departments/storm-lake-ia/",
    "/data/practices/?format=csv&state=IA",
    "/data/departments/?format=json",
    "/api/v1/practices?kind=language_access",
    "/api/v1/practices/storm-lake-ia",
    "/feed/",
    "/sitemap.xml",
]


@pytest.fixture(autouse=True)
def page_cache():
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    with override_settings(PAGE_CACHE_ENABLED=True, CACHES={"default": backend}):
        yield
        caches["default"].clear()


def settle():
    """As if the last edit were two minutes ago (Last-Modified waits until a change has settled)."""
    ContentVersion.objects.update(changed=timezone.now() - datetime.timedelta(minutes=2))


@pytest.mark.parametrize("url", URLS)
def test_public_answers_carry_validators_and_a_304_costs_one_query(client, url, django_assert_num_queries):
    settle()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(1):  # the content version; no rendering, no download
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_an_edit_changes_the_etag_so_no_one_keeps_an_old_page(client):
    url = "/practices/storm-lake-ia/"
    etag = client.get(url)["ETag"]
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.summary = "A summary written after the first visit."
    practice.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "A summary written after the first visit." in response.text


def test_last_modified_waits_until_the_last_edit_has_settled(client):
    Practice.objects.filter(slug="storm-lake-ia").update(summary="Just now.")
    response = client.get("/practices/storm-lake-ia/")
    assert "Last-Modified" not in response and response["ETag"]
    old = "Tue, 01 Jan 2019 00:00:00 GMT"
    assert client.get("/practices/storm-lake-ia/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200
    settle()
    response = client.get("/practices/storm-lake-ia/")
    assert response["Last-Modified"]
    assert client.get("/practices/storm-lake-ia/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_a_new_day_is_a_new_page(client, monkeypatch):
    etag = client.get("/")["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("pagecache.middleware.timezone.localdate", lambda *args: tomorrow)
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_pages_for_a_visitor_with_a_session_are_private(admin_client):
    response = admin_client.get("/practices/storm-lake-ia/")
    assert "private" in response["Cache-Control"] and "ETag" not in response


def test_errors_and_refusals_get_no_validators(client):
    for url in ["/practices/no-such/", "/data/practices/?format=pdf", "/api/v1/practices?kind=zzz"]:
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert "ETag" not in response and "public" not in response.get("Cache-Control", "")
