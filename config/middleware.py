import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from config import db_waits

logger = logging.getLogger(__name__)

# What the 503 page asks clients (and crawlers) to wait before trying again.
RETRY_AFTER_SECONDS = 30


class HealthCheckMiddleware:
    """Answers /healthz for load balancers: 200 when the database answers a query, 503 when not.

    It runs first, so it costs one `SELECT 1` and nothing else: no host check (probes often use
    an IP address), no HTTPS redirect, no session. Never cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in ("/healthz", "/healthz/"):
            return self.get_response(request)
        try:
            with db_waits.at_most(settings.DATABASE_HEALTH_CHECK_TIMEOUT), connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            logger.warning("Health check: the database does not answer: %s", error)
            response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        else:
            response = HttpResponse("ok\n", content_type="text/plain")
        add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware:
    """Shows the styled 503 page, with Retry-After, when a view cannot reach the database.

    Django closes a broken connection at the end of the request and opens a new one on the
    next, so the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return service_unavailable()


def service_unavailable():
    """The 503 page, rendered without the request or the database (like Django's 500 page)."""
    try:
        content = render_to_string("503.html")
    except TemplateDoesNotExist:
        content = "<h1>Service unavailable</h1>"
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
