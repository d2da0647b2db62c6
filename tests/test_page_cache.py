"""Public pages are cached for anonymous visitors, and every edit shows on the next request.

The cross-process half (several gunicorn workers) is in test_served.py.
"""

import gzip
import os
import socket
import uuid

import pytest
from django.core.cache import cache, caches
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from corrections.models import CorrectionSuggestion
from departments.models import Department
from pagecache.models import current_version
from pagecache.triggers import installed_triggers, watched_tables
from practices.models import Fact, Practice, PracticeKind, Recommendation, RecommendationExample
from sources.models import Source

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/practices/",
    "/practices/?kind=language_access&state=IA",
    "/practices/?q=interpreters",
    "/practices/storm-lake-ia/",
    "/departments/",
    "/departments/storm-lake-ia/",
    "/recommendations/",
    "/about/",
]


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request):
    """The page cache on, with a per-process cache or a shared Redis (a key prefix of its own)."""
    if request.param == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    else:
        if not redis_reachable():
            pytest.skip("No Redis server on 127.0.0.1:6379.")
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
            # Never cache.clear() a shared server: a unique prefix keeps these tests' keys apart.
            "KEY_PREFIX": f"practices-tests-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
        }
    with override_settings(PAGE_CACHE_ENABLED=True, CACHES={"default": backend}):
        yield caches["default"]


def get(client, url, **extra):
    response = client.get(url, **extra)
    return response, response.get("X-Page-Cache")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_visitors_get_public_pages_from_the_cache(page_cache, client, url):
    first, state = get(client, url)
    assert (first.status_code, state) == (200, "miss")
    second, state = get(client, url)
    assert (second.status_code, state) == (200, "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # Headers added above the cache come fresh on a hit.
    assert "Content-Security-Policy" in second and second["X-Content-Type-Options"] == "nosniff"


def test_a_new_release_never_serves_the_old_release_s_pages(page_cache, client, settings, tmp_path, monkeypatch):
    """Hosts share the cache (Redis): pages cached by the old release name its static files, which the
    new one may no longer have."""
    from pagecache.middleware import release

    settings.STATIC_ROOT = tmp_path
    try:
        for manifest, expected in [('{"old": 1}', "miss"), ('{"old": 1}', "hit"), ('{"new": 2}', "miss")]:
            (tmp_path / "staticfiles.json").write_text(manifest)
            release.cache_clear()
            assert get(client, "/about/")[1] == expected
        monkeypatch.setenv("DJANGO_RELEASE", "2026-12-02.1")  # new code, the same static files
        release.cache_clear()
        assert get(client, "/about/")[1] == "miss"
    finally:
        release.cache_clear()


def test_a_hit_costs_one_query(page_cache, client, django_assert_num_queries):
    get(client, "/practices/")
    with django_assert_num_queries(1):
        response, state = get(client, "/practices/")
    assert state == "hit"


EDITS = {
    "practice title, by a bulk update": lambda: Practice.objects.filter(slug="storm-lake-ia").update(
        title="Edited title ZQX"
    ),
    "a fact": lambda: Fact.objects.filter(practice__slug="storm-lake-ia").update(text="Edited fact ZQX"),
    "a tag removed": lambda: Practice.objects.get(slug="storm-lake-ia").kinds.clear(),
    "a source title": lambda: Source.objects.filter(facts__practice__slug="storm-lake-ia").update(
        title="Edited source ZQX"
    ),
    "the department": lambda: Department.objects.filter(slug="storm-lake-ia").update(name="Edited agency ZQX"),
    "unpublished": lambda: Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_shows_on_the_next_request(page_cache, client, edit):
    url = "/practices/storm-lake-ia/"
    before, _ = get(client, url)
    assert get(client, url)[1] == "hit"
    edit()
    after, state = get(client, url)
    assert state != "hit"
    assert after.content != before.content
    assert b"ZQX" in after.content or after.status_code == 404 or edit is EDITS["a tag removed"]


def test_a_recommendation_note_shows_on_the_next_request(page_cache, client):
    get(client, "/recommendations/")
    RecommendationExample.objects.filter(pk=RecommendationExample.objects.first().pk).update(note="Note ZQX")
    response, state = get(client, "/recommendations/")
    assert state == "miss" and b"Note ZQX" in response.content


def test_every_public_table_changes_the_version_and_suggestions_do_not():
    assert installed_triggers(connection) == watched_tables()
    assert CorrectionSuggestion._meta.db_table not in watched_tables()
    assert Practice.history.model._meta.db_table not in watched_tables()
    assert Practice.kinds.through._meta.db_table in watched_tables()
    version = current_version()
    CorrectionSuggestion.objects.create(page="/about/", message="A visitor's suggestion.")
    assert current_version() == version
    PracticeKind.objects.filter(slug="language_access").update(position=99)
    assert current_version() != version
    version = current_version()
    Recommendation.objects.first().sources.clear()
    assert current_version() != version


def test_staff_never_get_or_fill_the_cache(page_cache, client, admin_client):
    url = "/practices/storm-lake-ia/"
    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.DRAFT)
    staff_view = admin_client.get(url)
    assert staff_view.status_code == 200 and "X-Page-Cache" not in staff_view
    assert b"Draft preview." in staff_view.content
    assert client.get(url).status_code == 404
    # The other way round: what anonymous visitors filled is not served to staff.
    Practice.objects.filter(slug="storm-lake-ia").update(status=Practice.Status.PUBLISHED)
    assert get(client, url)[1] == "miss" and get(client, url)[1] == "hit"
    assert "X-Page-Cache" not in admin_client.get(url)


def test_the_corrections_form_is_never_cached_and_its_csrf_token_works(page_cache):
    url = reverse("corrections:new") + "?page=/practices/storm-lake-ia/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page, second_page = first.get(url), second.get(url)
    assert "X-Page-Cache" not in first_page and "X-Page-Cache" not in second_page
    token = first.cookies["csrftoken"].value
    assert token != second.cookies["csrftoken"].value
    data = {"page": "/practices/storm-lake-ia/", "message": "The count changed.", "csrfmiddlewaretoken": token}
    response = first.post(reverse("corrections:new"), data)
    assert response.status_code == 302
    assert CorrectionSuggestion.objects.filter(message="The count changed.").exists()


def test_a_visitor_with_a_notice_sees_it_and_nobody_else_does(page_cache, client):
    url = "/practices/storm-lake-ia/"
    get(client, url)
    response = client.post(reverse("corrections:new"), {"page": url, "message": "Wrong year."})
    thanked = client.get(response["Location"])
    assert b"Thank you." in thanked.content and "X-Page-Cache" not in thanked
    other, state = get(Client(), url)
    assert state == "hit" and b"Thank you." not in other.content


def test_pages_are_cached_per_full_query_string(page_cache, client):
    urls = ["/practices/?kind=language_access", "/practices/?kind=language_access&sort=year", "/practices/?x=1"]
    for url in urls:
        assert get(client, url)[1] == "miss"
    for url in urls:
        assert get(client, url)[1] == "hit"
    # The same filters in another order are another address (the page lists them in that order).
    assert get(client, "/practices/?sort=year&kind=language_access")[1] == "miss"
    long_query = "/practices/?q=" + "a" * 1200
    assert get(client, long_query)[0].status_code == 200
    assert get(client, long_query)[1] is None


def test_pages_that_set_cookies_or_fail_are_not_cached(page_cache, client):
    assert get(client, "/practices/no-such-practice/")[0].status_code == 404
    assert get(client, "/practices/no-such-practice/")[1] is None
    assert get(client, "/admin/login/")[1] is None


def test_hosts_and_schemes_are_cached_apart(page_cache, client):
    assert get(client, "/practices/storm-lake-ia/")[1] == "miss"
    assert get(client, "/practices/storm-lake-ia/", HTTP_HOST="localhost")[1] == "miss"
    assert get(client, "/practices/storm-lake-ia/", secure=True)[1] == "miss"


def test_no_database_serves_cached_pages_as_they_are_and_the_503_page_for_others(page_cache, monkeypatch):
    client = Client(raise_request_exception=False)
    get(client, "/")

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("pagecache.middleware.current_version", unreachable)
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", unreachable)
    cached = client.get("/")
    assert (cached.status_code, cached["X-Page-Cache"]) == (200, "stale")
    response = client.get("/about/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"temporarily unavailable" in response.content


def test_the_cache_can_be_switched_off(client):
    cache.clear()
    assert get(client, "/")[1] is None
    assert get(client, "/")[1] is None


def test_the_version_read_follows_every_write():
    before = current_version()
    PracticeKind.objects.filter(slug="language_access").update(name="Language access (edited)")
    assert current_version() != before


def test_pages_are_stored_compressed_for_visitors_who_take_gzip(page_cache, client):
    plain, state = get(client, "/recommendations/")
    assert state == "miss" and "Content-Encoding" not in plain
    compressed, state = get(client, "/recommendations/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert state == "miss" and compressed["Content-Encoding"] == "gzip"
    again, state = get(client, "/recommendations/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert state == "hit" and again.content == compressed.content
    assert gzip.decompress(again.content) == plain.content
    assert len(again.content) < len(plain.content) / 4
    assert "Accept-Encoding" in again["Vary"]
    assert get(client, "/recommendations/")[0].content == plain.content
