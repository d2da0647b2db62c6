"""When something fails: a database that stops answering, a Redis that is down or hangs, a request for an
unknown host, a misspelt setting. Each gets a quick, clear answer; nothing hangs a worker.

The tests against gunicorn with the production settings are marked slow; the database ones need
DATABASE_URL to point at PostgreSQL.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import override_settings

from config import db_waits
from config.settings import env_bool

from .served import Gunicorn, TcpProxy, free_port, get, production_env

pytestmark = pytest.mark.django_db

PRACTICE = "/practices/storm-lake-ia/"
# A page address no earlier request cached (each query string is its own cache entry).
UNCACHED = "/recommendations/?during=outage"


@contextmanager
def silent_listener(seconds=30):
    """A loopback port that accepts connections and never answers (a hung server). After ``seconds`` it
    closes everything, so that even a client without any timeout is let go."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held, stop, deadline = [], threading.Event(), time.monotonic() + seconds

    def accept():
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
        for sock in held:
            sock.close()
        server.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)


# Settings


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "off-ish"])
def test_a_misspelt_boolean_setting_is_refused(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SECURE_SSL_REDIRECT", value)
    with pytest.raises(ImproperlyConfigured, match=r"DJANGO_SECURE_SSL_REDIRECT must be 1, true, yes, on \(on\)"):
        env_bool("DJANGO_SECURE_SSL_REDIRECT", True)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("Yes", True), (" on ", True), ("0", False), ("OFF", False)]
)
def test_the_accepted_boolean_words(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_SECURE_SSL_REDIRECT", value)
    assert env_bool("DJANGO_SECURE_SSL_REDIRECT", not expected) is expected


def test_the_site_does_not_start_with_a_misspelt_boolean_setting():
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="practices.example.org",
        DJANGO_SECURE_SSL_REDIRECT="ture",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT must be 1, true, yes, on (on) or 0, false, no, off (off), not 'ture'" in (
        result.stderr
    )


# Unknown hosts


@pytest.mark.parametrize("url", ["/", PRACTICE, "/admin/", "/corrections/new/", "/no-such-page/"])
@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "cached"])
def test_an_unknown_host_gets_a_plain_400(url, page_cache):
    with override_settings(PAGE_CACHE_ENABLED=page_cache):
        response = Client(raise_request_exception=False).get(url, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"This server does not serve the host name in this request." in response.content
    assert b"evil.example" not in response.content and b"<link" not in response.content


def test_other_bad_requests_keep_the_styled_page(client):
    response = client.get("/practices/", {f"kind{number}": "x" for number in range(1200)})
    assert response.status_code == 400
    assert b'class="site-header"' in response.content


# Redis


def redis_cache(port, prefix):
    return {
        "BACKEND": "config.cache.FailOpenRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/15",
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }


@contextmanager
def page_cache_in(backend):
    with override_settings(PAGE_CACHE_ENABLED=True, CACHES={"default": backend}):
        yield caches["default"]


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_with_redis_down_pages_render_and_fail_open_quickly(client):
    port = free_port()  # nothing listens there
    with page_cache_in(redis_cache(port, uuid.uuid4().hex)):
        for _visit in range(3):
            response, elapsed = timed_get(client, PRACTICE)
            assert response.status_code == 200
            assert "Community Service Officers" in response.text
            assert elapsed < 2
        assert client.get("/healthz").status_code == 200


def test_with_redis_hanging_pages_render_after_one_short_timeout(client):
    with silent_listener() as port, page_cache_in(redis_cache(port, uuid.uuid4().hex)):
        first, first_elapsed = timed_get(client, PRACTICE)
        assert first.status_code == 200
        assert first_elapsed < 1 + 1, "a hung Redis must cost one socket timeout, not more"
        # Then Redis is left alone for a few seconds: no more waiting.
        for url in ("/about/", "/recommendations/", PRACTICE):
            response, elapsed = timed_get(client, url)
            assert response.status_code == 200
            assert elapsed < 1


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_a_reachable_redis_is_used_as_before(client):
    if not redis_reachable():
        pytest.skip("No Redis server on 127.0.0.1:6379.")
    with page_cache_in(redis_cache(6379, f"practices-tests-{uuid.uuid4().hex}")):
        assert client.get(PRACTICE)["X-Page-Cache"] == "miss"
        assert client.get(PRACTICE)["X-Page-Cache"] == "hit"


# The page cache when the content version cannot be read


def test_cached_pages_still_serve_when_the_content_version_cannot_be_read(monkeypatch):
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    client = Client(raise_request_exception=False)
    with page_cache_in(backend):
        assert client.get(PRACTICE)["X-Page-Cache"] == "miss"
        reads = []

        def unreadable(*args, **kwargs):
            reads.append(1)
            raise OperationalError("the database did not answer")

        monkeypatch.setattr("pagecache.middleware.current_version", unreadable)
        stale = client.get(PRACTICE)
        assert (stale.status_code, stale["X-Page-Cache"]) == (200, "stale")
        assert "Community Service Officers" in stale.text
        # A page not in the cache is left to the view, which reads the database itself (here it answers).
        never_cached = client.get("/recommendations/")
        assert never_cached.status_code == 200 and "X-Page-Cache" not in never_cached
        # For a few seconds after a failure the version is not asked for again.
        assert client.get(PRACTICE)["X-Page-Cache"] == "stale"
        assert len(reads) == 1


def test_a_fresh_worker_finds_the_last_version_in_a_shared_cache(monkeypatch):
    """With Redis, a worker started during the outage serves what the others cached."""
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    with page_cache_in(backend):
        assert Client().get(PRACTICE)["X-Page-Cache"] == "miss"
        monkeypatch.setattr(
            "pagecache.middleware.current_version",
            lambda *args, **kwargs: (_ for _ in ()).throw(OperationalError("down")),
        )
        new_worker = Client(raise_request_exception=False)  # a new handler: new middleware, no version seen
        assert new_worker.get(PRACTICE)["X-Page-Cache"] == "stale"


# The database, through a loopback proxy that freezes (PostgreSQL)


@pytest.fixture
def frozen_database(settings, monkeypatch):
    """A second connection to the test database through a proxy, with the waits of a web worker."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs DATABASE_URL to point at PostgreSQL.")
    from django.db import connections

    from config.postgresql.base import DatabaseWrapper

    settings.DATABASE_STATEMENT_TIMEOUT = 1
    settings.DATABASE_HEALTH_CHECK_TIMEOUT = 0.5
    settings.DATABASE_CONNECT_TIMEOUT = 1
    monkeypatch.setattr(db_waits, "serving_requests", True)
    config = connection.settings_dict
    with TcpProxy(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432)) as proxy:
        through_proxy = {
            **config,
            "HOST": "127.0.0.1",
            "PORT": str(proxy.port),
            "OPTIONS": {**config["OPTIONS"], "connect_timeout": 1},
        }
        # Its own connection object, outside the test's transaction and isolation checks.
        proxied = DatabaseWrapper(through_proxy, alias="through_a_proxy")
        connections["through_a_proxy"] = proxied  # django.contrib.postgres looks connections up by alias
        try:
            yield proxied, proxy
        finally:
            proxied.close()
            del connections["through_a_proxy"]


def timed(call):
    started = time.monotonic()
    try:
        call()
    except OperationalError as error:
        return error, time.monotonic() - started
    return None, time.monotonic() - started


def select_one(database):
    with database.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()


def test_a_query_to_a_frozen_database_gives_up_after_its_deadline(frozen_database):
    database, proxy = frozen_database
    assert select_one(database) == (1,)
    with database.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("1s",)
    proxy.freeze()
    error, elapsed = timed(lambda: select_one(database))
    assert error is not None and "did not answer within 2 seconds" in str(error)
    assert elapsed < 3
    assert database.connection is None, "the stuck connection must be dropped"
    # Reconnecting to the frozen server is bounded as well (connect_timeout).
    error, elapsed = timed(lambda: select_one(database))
    assert error is not None and elapsed < 3
    proxy.restore()
    assert select_one(database) == (1,)


def test_the_health_check_of_a_kept_connection_is_bounded(frozen_database):
    database, proxy = frozen_database
    select_one(database)
    proxy.freeze()
    started = time.monotonic()
    assert database.is_usable() is False
    assert time.monotonic() - started < 1.5


def test_a_commit_to_a_frozen_database_is_bounded(frozen_database):
    database, proxy = frozen_database
    database.set_autocommit(False)
    select_one(database)
    proxy.freeze()
    error, elapsed = timed(database.commit)
    assert error is not None and elapsed < 3


def test_commands_keep_the_server_defaults(settings):
    """Only web workers get the statement and idle-in-transaction timeouts (migrate may run longer)."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs DATABASE_URL to point at PostgreSQL.")
    assert "statement_timeout" not in connection.get_connection_params().get("options", "")


def test_web_workers_ask_the_server_for_timeouts(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Needs DATABASE_URL to point at PostgreSQL.")
    monkeypatch.setattr(db_waits, "serving_requests", True)
    params = connection.get_connection_params()
    assert "-c statement_timeout=5000" in params["options"]
    assert "-c idle_in_transaction_session_timeout=30000" in params["options"]
    assert params["keepalives"] == 1 and params["tcp_user_timeout"] == 10000 and params["connect_timeout"] == 3


# The site as deployed: gunicorn, production settings, a database behind a proxy that freezes


@pytest.fixture(scope="module")
def scratch(served_database):
    return served_database


@pytest.fixture
def site_behind_a_freezing_proxy(scratch):
    if not scratch.is_postgresql:
        pytest.skip("Needs DATABASE_URL to point at PostgreSQL.")
    if not redis_reachable():
        pytest.skip("Needs Redis on 127.0.0.1:6379.")
    config = scratch.config
    with TcpProxy(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432)) as proxy:
        parts = urllib.parse.urlsplit(scratch.url)
        through_proxy = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        env = production_env(
            through_proxy,
            scratch.static_root,
            DATABASE_CONNECT_TIMEOUT="2",
            DATABASE_STATEMENT_TIMEOUT="2",
            # Shared by both workers, as past one machine: with a cache in each worker, the page may have
            # been cached by one worker only and asked of the other during the outage.
            DJANGO_CACHE_URL="redis://127.0.0.1:6379/15",
            DJANGO_CACHE_KEY_PREFIX=f"practices-tests-{uuid.uuid4().hex}",
        )
        server = Gunicorn(env, workers=2, log_path=scratch.tmp_path / "gunicorn-frozen.log")
        server.start()
        try:
            yield server, proxy
        finally:
            server.stop()


@pytest.mark.slow
def test_a_frozen_database_gives_quick_503s_and_healthz_says_so(site_behind_a_freezing_proxy):
    site, proxy = site_behind_a_freezing_proxy
    assert get(site.url("/healthz")).status == 200
    assert get(site.url(PRACTICE)).status == 200
    assert get(site.url(PRACTICE)).headers["X-Page-Cache"] == "hit"
    workers = site.worker_pids()

    proxy.freeze()
    deadline, answers = time.monotonic() + 12, []
    while time.monotonic() < deadline:
        for url in ("/healthz", UNCACHED, PRACTICE):
            answers.append((url, get(site.url(url), timeout=25)))
    statuses = {(url, response.status) for url, response in answers}
    assert ("/healthz", 503) in statuses and (UNCACHED, 503) in statuses, statuses
    assert not {status for _url, status in statuses} - {200, 503}, statuses
    cached = [response for url, response in answers if url == PRACTICE and response.status == 200]
    assert cached and all(response.headers["X-Page-Cache"] == "stale" for response in cached)
    slowest = max(response.elapsed for _url, response in answers)
    assert slowest < 2 + 2 + 2, f"a request took {slowest:.1f} s"
    assert site.worker_pids() == workers, "a worker was killed"

    proxy.restore()
    recovery = time.monotonic() + 15
    while get(site.url("/healthz")).status != 200:
        assert time.monotonic() < recovery, "the site did not recover within 15 s"
        time.sleep(0.2)
    assert get(site.url(UNCACHED)).status == 200


@pytest.mark.slow
def test_with_redis_down_the_served_site_renders_every_page(scratch):
    env = production_env(scratch.url, scratch.static_root, DJANGO_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    server = Gunicorn(env, workers=2, log_path=scratch.tmp_path / "gunicorn-redis-down.log").start()
    try:
        for url in ("/about/", "/recommendations/", PRACTICE, "/healthz"):
            response = get(server.url(url))
            assert response.status == 200, url
            assert response.elapsed < 5, f"{url} took {response.elapsed:.1f} s"  # rendered, on a busy machine
    finally:
        server.stop()
