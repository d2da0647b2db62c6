"""Logs fit for several servers: every line a request causes carries the id the load balancer gave it,
and errors can be mailed to the site's admins.

nginx sets X-Request-ID on each request it passes on (deploy/nginx/practices/site.conf) and logs it;
gunicorn's access line logs it too (gunicorn.conf.py), and with_request_ids (config/wsgi.py) hands it to
Django's log lines, so one id finds a request on the balancer, the app server that answered and in
Django's log.
"""

import contextvars
import logging
import re
import time

from django.utils.log import AdminEmailHandler

# What a request id may look like: nginx's $request_id is 32 hex digits. Anything else (too long, or
# with spaces or line breaks that could forge log lines) is not logged.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
NO_REQUEST_ID = "-"

request_id = contextvars.ContextVar("request_id", default=NO_REQUEST_ID)


def with_request_ids(application):
    """The WSGI application, with the request's id set for everything it logs while it answers.

    Around Django's whole handler rather than in a middleware: Django logs 404s and 500s after the
    middleware has returned.
    """

    def application_with_request_ids(environ, start_response):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        token = request_id.set(given if REQUEST_ID_PATTERN.fullmatch(given) else NO_REQUEST_ID)
        try:
            return application(environ, start_response)
        finally:
            request_id.reset(token)

    return application_with_request_ids


class UtcFormatter(logging.Formatter):
    """Times in UTC, marked so (2026-12-02T01:15:00.123Z), to line up with other servers' logs: Django
    sets the process's time zone to TIME_ZONE, which would otherwise be used."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


class RequestIdFilter(logging.Filter):
    """Gives every record a request_id attribute ("-" outside a request) for the formatter."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class NotServiceUnavailable(logging.Filter):
    """Keeps the 503s of a database outage out of the mail: every request logs one (the monitor's
    /healthz polls too), which would flood the inbox and make each answer wait on the mail server."""

    def filter(self, record):
        return getattr(record, "status_code", None) != 503


class AdminEmail(AdminEmailHandler):
    """Django's error mail to ADMINS, with the request id in the subject, and never an error itself.

    Sending is bounded (the mailer's timeout, config/settings.py); if the mail server refuses or does not
    answer, the failure goes to the console log and the visitor still gets the 500 page.
    """

    def format_subject(self, subject):
        return super().format_subject(f"{subject} [request {request_id.get()}]")

    def emit(self, record):
        try:
            super().emit(record)
        except OSError:  # smtplib's errors, refused connections and timeouts alike
            self.handleError(record)
