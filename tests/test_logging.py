"""Logs fit for several servers: each request's id from nginx in Django's log lines, and errors mailed to the
site's admins when ADMINS is set (config/log.py). tests/test_several_hosts.py follows one id through
nginx, gunicorn and Django as deployed."""

import io
import logging
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.log import NO_REQUEST_ID, RequestIdFilter, UtcFormatter, request_id, with_request_ids
from config.settings import LOGGING, env_addresses

from .served import free_port

pytestmark = pytest.mark.django_db


def log_line_of(environ):
    """What the console handler writes for a warning logged while the site answers `environ`."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(UtcFormatter(LOGGING["formatters"]["plain"]["format"]))
    logger = logging.getLogger("tests.request_ids")
    logger.addHandler(handler)

    def application(environ, start_response):
        logger.warning("answering")
        return [b""]

    try:
        with_request_ids(application)(environ, None)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_log_lines_carry_the_request_id_nginx_passed():
    line = log_line_of({"HTTP_X_REQUEST_ID": "4f1c2a9be07d4c55a1f0e2d3c4b5a697"})
    assert " WARNING tests.request_ids request=4f1c2a9be07d4c55a1f0e2d3c4b5a697: answering" in line
    assert line[:24].endswith("Z"), "times are in UTC, marked so"
    assert request_id.get() == NO_REQUEST_ID, "the id must not outlive its request"


@pytest.mark.parametrize(
    "given",
    [None, "", "x" * 65, "forged\nline", "two words", "<script>", "id;rm"],
    ids=["missing", "empty", "too-long", "line-break", "space", "markup", "semicolon"],
)
def test_a_missing_or_malformed_request_id_is_logged_as_a_dash(given):
    environ = {} if given is None else {"HTTP_X_REQUEST_ID": given}
    line = log_line_of(environ)
    assert "request=-: answering" in line
    assert line.count("\n") == 1


def break_robots_txt(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the view")

    monkeypatch.setattr("config.views.reverse", broken)


def get_with_request_id(url, given):
    token = request_id.set(given)  # what with_request_ids does around every served request
    try:
        return Client(raise_request_exception=False).get(url)
    finally:
        request_id.reset(token)


def test_an_error_is_mailed_to_the_admins_with_its_request_id(settings, monkeypatch):
    settings.ADMINS = ["Ops <ops@example.org>"]
    break_robots_txt(monkeypatch)
    response = get_with_request_id("/robots.txt", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    (message,) = mail.outbox
    assert message.to == ["Ops <ops@example.org>"]
    assert message.subject.startswith("[Practices directory] ERROR")
    assert "Internal Server Error: /robots.txt" in message.subject
    assert message.subject.endswith("[request 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b]")
    assert "RuntimeError at /robots.txt\na bug in the view" in message.body
    assert settings.SECRET_KEY not in message.body, "Django's report hides the settings' secrets"


def test_the_sites_own_errors_are_mailed_too(settings):
    settings.ADMINS = ["ops@example.org"]
    logging.getLogger("config.cache").error("Something the site could not do")
    (message,) = mail.outbox
    assert message.subject == "[Practices directory] ERROR: Something the site could not do [request -]"


def test_a_request_for_an_unknown_host_is_not_mailed(settings):
    settings.ADMINS = ["ops@example.org"]
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert mail.outbox == []


def test_the_503s_of_a_database_outage_are_not_mailed(settings):
    """Every request during an outage logs one (and a monitor polls /healthz): a mail each would flood."""
    settings.ADMINS = ["ops@example.org"]
    logging.getLogger("django.request").error("Service Unavailable: /healthz", extra={"status_code": 503})
    logging.getLogger("django.request").error("Internal Server Error: /", extra={"status_code": 500})
    assert [message.subject for message in mail.outbox] == [
        "[Practices directory] ERROR: Internal Server Error: / [request -]"
    ]


def test_without_admins_no_mail_is_sent(settings, monkeypatch):
    settings.ADMINS = []
    break_robots_txt(monkeypatch)
    assert Client(raise_request_exception=False).get("/robots.txt").status_code == 500
    assert mail.outbox == []


def test_a_mail_server_that_is_down_costs_the_visitor_nothing(settings, monkeypatch):
    settings.ADMINS = ["ops@example.org"]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},  # nothing listens there
        }
    }
    monkeypatch.setattr(logging, "raiseExceptions", False)  # the handler's failure report, kept quiet here
    break_robots_txt(monkeypatch)
    started = time.monotonic()
    response = Client(raise_request_exception=False).get("/robots.txt")
    assert response.status_code == 500 and b"Something went wrong on our side" in response.content
    assert time.monotonic() - started < 5


def test_admins_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", 'Ana García <ana@example.org>, ops@example.org, "Lee, Kim" <kim@example.org>')
    assert env_addresses("DJANGO_ADMINS") == [
        "Ana García <ana@example.org>",
        "ops@example.org",
        '"Lee, Kim" <kim@example.org>',
    ]
    monkeypatch.setenv("DJANGO_ADMINS", " ")
    assert env_addresses("DJANGO_ADMINS") == []


@pytest.mark.parametrize("value", ["ops", "ops@", "Ana <ana at example.org>", "a@b@c"])
def test_a_malformed_admin_address_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("DJANGO_ADMINS", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMINS must be e-mail addresses"):
        env_addresses("DJANGO_ADMINS")
