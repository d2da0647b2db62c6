"""Whole public pages cached for anonymous visitors, and correct under curation.

Views opt in with @cache_public_page. A page is stored under the content version it was rendered
at (models.ContentVersion), the visitor's language, whether the visitor takes gzip (pages are
stored as GZipMiddleware compressed them), and its full address: scheme, host, path and the
query string exactly as sent (hashed, so keys stay short; very long query strings are not
cached). Each request reads the committed version first, one single-row query, so after an edit
every gunicorn worker looks up a new key and renders the page afresh; old entries age out.

Only visitors without a session or pending messages use the cache: staff, who may preview
drafts, always carry a session cookie, so they never get or fill it. A response is stored only
if it is a plain 200 that sets no cookie and holds nothing that belongs to one request (a CSRF
token or a CSP nonce). Hits are answered here, before the session, CSRF, auth and messages
middleware and the view; the middleware above this one (security headers, CSP) still runs.
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.urls import Resolver404, resolve
from django.utils import translation

from config import db_waits

from .models import current_version

logger = logging.getLogger(__name__)

ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware decides
# Longer query strings are served but not cached: no link on the site is that long.
MAX_QUERY_STRING = 1000
MARK = "cache_public_page"
# When the content version cannot be read, pages are served as last cached (see ContentVersionReader).
STALE_RETRY_SECONDS = 5
LAST_VERSION_KEY = "pagecache:last-version"


def cache_public_page(view):
    """Mark a view's pages as the same for every anonymous visitor (see this module)."""
    setattr(view, MARK, True)
    return view


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.versions = ContentVersionReader()

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not cacheable_request(request):
            return self.get_response(request)
        version, fresh = self.versions.read()
        if version is None:
            return self.get_response(request)
        key = page_key(request, version)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit" if fresh else "stale"
            return response
        if not fresh:
            # Not cached: the view tries the database itself (its waits are bounded; the 503 page if it
            # does not answer), and what it renders is not stored under a version that may be old.
            return self.get_response(request)
        response = self.get_response(request)
        if cacheable_response(request, response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


class ContentVersionReader:
    """The committed content version, or, while the database cannot tell it, the last one seen.

    A database that does not answer within DATABASE_HEALTH_CHECK_TIMEOUT leaves visitors the pages as
    they were cached at the last version this worker (or, with Redis, any worker) read (pages not in
    the cache are left to the view, which gives the 503 page if the database is down): nothing can be
    saved while the database is down, so they are at most as stale as the edits committed between that
    read and the outage, and they last until they leave the cache (DJANGO_PAGE_CACHE_SECONDS). For
    STALE_RETRY_SECONDS after a failure the database is not asked again, so an outage costs one wait per
    worker every few seconds instead of one per visit.
    """

    def __init__(self):
        self.last_version = None
        self.unreadable_until = 0.0

    def read(self):
        """(version, fresh): fresh is False when the version is the last one seen (or None), not the database's."""
        if time.monotonic() >= self.unreadable_until:
            try:
                with db_waits.at_most(settings.DATABASE_HEALTH_CHECK_TIMEOUT):
                    version = current_version()
            except DatabaseError as error:
                logger.warning("Content version unreadable; serving cached pages as they are: %s", error)
                self.unreadable_until = time.monotonic() + STALE_RETRY_SECONDS
            else:
                if version != self.last_version:
                    self.last_version = version
                    cache.set(LAST_VERSION_KEY, version, settings.PAGE_CACHE_SECONDS)
                return version, True
        if self.last_version is None:
            self.last_version = cache.get(LAST_VERSION_KEY)
        return self.last_version, False


def cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False  # answered 400 further down
    # A session may be a signed-in curator's; a messages cookie means "show this visitor a notice".
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, MARK, False)


def cacheable_response(request, response):
    cache_control = set(response.get("Cache-Control", "").replace(",", " ").split())
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not {"private", "no-store", "no-cache"} & cache_control
        # A nonce or a CSRF token in the page belongs to this one request.
        and not getattr(request, "_csp_nonce", None)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def page_key(request, version):
    # As LocaleMiddleware and GZipMiddleware, further down, will choose them.
    language = translation.get_language_from_request(request)
    encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
    address = hashlib.sha256(f"{language} {encoding} {request.build_absolute_uri()}".encode()).hexdigest()
    return f"page:{version}:{address}"
