"""Production settings, security headers, error pages and the health check."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "practices.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://practices.example.org",
    "DATABASE_URL": "postgres://practices:secret@db.internal:5432/practices",
}
PUBLIC_PAGES = ["/", "/practices/", "/practices/storm-lake-ia/", "/departments/", "/recommendations/", "/about/"]


def manage(*args, **env):
    """Run manage.py with only the given Django variables, as a fresh server would start."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True
    )


def production_settings(*names, **env):
    code = (
        "import json; from django.conf import settings; print(json.dumps({n: getattr(settings, n, None) for n in %r}))"
    )
    result = manage("shell", "-c", code % (names,), **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_the_production_variables():
    # The checks of generated fields connect to the database: use the one the tests run on.
    reachable = {"DATABASE_URL": os.environ.get("DATABASE_URL") or "sqlite://:memory:"}
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **{**PRODUCTION_ENV, **reachable})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_is_secure_by_default():
    values = production_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
    )
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_switches_for_a_tls_terminating_proxy_and_the_database():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "DATABASES",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    database = values["DATABASES"]["default"]
    assert database["OPTIONS"]["connect_timeout"] == 2
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


def test_the_psycopg_pool_switch():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], sorted(d['OPTIONS']['pool']))",
        **PRODUCTION_ENV,
        DATABASE_POOL="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "0 ['check', 'max_idle', 'max_size', 'min_size', 'timeout']"


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ALLOWED_HOSTS="practices.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_security_headers_on_every_public_page(client):
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy-Report-Only" not in response


def test_pages_need_nothing_inline_that_the_policy_would_block(client):
    for url in [*PUBLIC_PAGES, "/corrections/new/", "/no-such-page/"]:
        html = client.get(url).content.decode()
        # JSON-LD is a data block browsers never run; every other script must come from a file.
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))[^>]*>", html), url
        assert "<style" not in html and " style=" not in html and "javascript:" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_https_redirect_and_hsts(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/practices/")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/practices/"
        assert client.get("/healthz").status_code == 200
    response = client.get("/practices/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_cookies_are_secure_and_http_only_by_default():
    values = production_settings("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE")
    assert all(values.values())


# Views that fail, served next to the site's own URLs.
def fails(request):
    raise RuntimeError("Something private: /srv/secret/path and a password=hunter2")


def database_down(request):
    raise OperationalError('connection to server at "db.internal" (10.0.0.3), port 5432 failed')


def database_gone(request):
    raise InterfaceError("connection already closed")


urlpatterns = [
    path("test-fails/", fails),
    path("test-database-down/", database_down),
    path("test-database-gone/", database_gone),
    *site_urlpatterns,
]


@pytest.fixture
def failing_client(monkeypatch):
    """A client that gets error pages as visitors do, while the database refuses every query."""

    def refuse(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", refuse)
    with override_settings(ROOT_URLCONF=__name__):
        yield Client(raise_request_exception=False)


def assert_styled_and_quiet(response):
    html = response.content.decode()
    assert '<link rel="stylesheet"' in html and 'class="site-header"' in html
    for secret in ("Traceback", "secret", "hunter2", "db.internal", "10.0.0.3", "5432", "RuntimeError"):
        assert secret not in html


def test_the_500_page_renders_without_the_database_or_request(failing_client):
    response = failing_client.get("/test-fails/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_styled_and_quiet(response)


@pytest.mark.parametrize("url", ["/test-database-down/", "/test-database-gone/", "/practices/"])
def test_an_unreachable_database_gives_the_503_page(failing_client, url):
    response = failing_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "The directory is temporarily unavailable" in response.content.decode()
    assert_styled_and_quiet(response)


def test_the_404_page_is_styled_and_leaks_nothing(client):
    response = client.get("/practices/<script>alert(1)</script>/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&#x27;t find that page" in html or "We can't find that page" in html
    assert_styled_and_quiet(response)
    assert "<script>alert(1)" not in html and "Resolver404" not in html and "urlpatterns" not in html


def test_healthz_answers_when_the_database_does(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz", HTTP_HOST="10.1.2.3")  # probes often use an IP address
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-store" in response["Cache-Control"]
    assert client.get("/healthz/").status_code == 200


def test_healthz_says_503_when_the_database_does_not(failing_client):
    response = failing_client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable\n")
    assert "no-store" in response["Cache-Control"]


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in response.content.decode()


def test_every_setting_read_from_the_environment_is_in_the_readme():
    """The README's configuration table is what an operator reads: a new variable must land there too."""
    code = (settings.BASE_DIR / "config" / "settings.py").read_text() + (
        settings.BASE_DIR / "gunicorn.conf.py"
    ).read_text()
    names = set(re.findall(r'(?:os\.environ\.get|env_\w+)\(\s*"([A-Z][A-Z0-9_]+)"', code))
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert len(names) > 40, "the pattern no longer finds the settings"
    assert not [name for name in sorted(names) if f"`{name}`" not in readme]
