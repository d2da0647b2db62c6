"""Whole public pages cached for anonymous visitors, and correct under curation.

Views opt in with @cache_public_page. A page is stored under the release that rendered it (see
release()), the content version it was rendered at (models.ContentVersion), the visitor's
language, whether the visitor takes gzip (pages are stored as GZipMiddleware compressed them),
and its full address: scheme, host, path and the
query string exactly as sent (hashed, so keys stay short; very long query strings are not
cached). Each request reads the committed version first, one single-row query, so after an edit
every gunicorn worker looks up a new key and renders the page afresh; old entries age out.

Only visitors without a session or pending messages use the cache: staff, who may preview
drafts, always carry a session cookie, so they never get or fill it. A response is stored only
if it is a plain 200 that sets no cookie and holds nothing that belongs to one request (a CSRF
token or a CSP nonce). Hits are answered here, before the session, CSRF, auth and messages
middleware and the view; the middleware above this one (security headers, CSP) still runs.

HTTP caching follows the same version. Every such 200 (streamed downloads too) gets
``Cache-Control: public, no-cache`` (a browser or proxy may keep it but must ask again before each
use), an ETag made from the cache key (so it changes with every edit, and every day, since pages
print today's date), and a Last-Modified date; a request whose If-None-Match or If-Modified-Since
still matches is answered 304. Pages for a visitor with a session get ``private, no-cache``.
"""

import datetime
import functools
import hashlib
import logging
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags

from config import db_waits

from .models import current_version

logger = logging.getLogger(__name__)

ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware decides
# Longer query strings are served but not cached: no link on the site is that long.
MAX_QUERY_STRING = 1000
MARK = "cache_public_page"
# A date has whole seconds, and a transaction may commit a little after its writing statement set
# the time: Last-Modified is only given (and If-Modified-Since only believed) once the last change
# is this old. Until then the ETag alone decides, which tells every edit apart.
LAST_MODIFIED_SETTLE = datetime.timedelta(seconds=60)
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
        if not settings.PAGE_CACHE_ENABLED or not public_view(request):
            return self.get_response(request)
        if not cacheable_request(request):
            response = self.get_response(request)
            if personal_request(request) and "Cache-Control" not in response:
                # Perhaps a curator's preview of a draft: no shared cache may keep it.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        version, changed, fresh = self.versions.read()
        if version is None:
            return self.get_response(request)
        key = page_key(request, version)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit" if fresh else "stale"
            if not fresh:
                return response
        elif not fresh:
            # Not cached: the view tries the database itself (its waits are bounded; the 503 page if it
            # does not answer), and what it renders is not stored under a version that may be old.
            return self.get_response(request)
        elif page_etag(key) in parse_etags(request.headers.get("If-None-Match", "")):
            # Only a 200 of this address, at this version and day, carried that ETag: the client's copy
            # is current, and a download (never cached whole) need not be written to say so.
            return not_modified(key, changed)
        else:
            response = self.get_response(request)
            if cacheable_response(request, response):
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        if not shareable_response(request, response):
            return response
        return answer_conditionally(request, response, key, changed)


class ContentVersionReader:
    """The committed content version (and when it changed), or, while the database cannot tell it, the last
    one seen.

    A database that does not answer within DATABASE_HEALTH_CHECK_TIMEOUT leaves visitors the pages as
    they were cached at the last version this worker (or, with Redis, any worker) read (pages not in
    the cache are left to the view, which gives the 503 page if the database is down): nothing can be
    saved while the database is down, so they are at most as stale as the edits committed between that
    read and the outage, and they last until they leave the cache (DJANGO_PAGE_CACHE_SECONDS). For
    STALE_RETRY_SECONDS after a failure the database is not asked again, so an outage costs one wait per
    worker every few seconds instead of one per visit.
    """

    def __init__(self):
        self.last = (None, None)
        self.unreadable_until = 0.0

    def read(self):
        """(version, changed, fresh): fresh is False when they are the last ones seen (or None), not the database's."""
        if time.monotonic() >= self.unreadable_until:
            try:
                with db_waits.at_most(settings.DATABASE_HEALTH_CHECK_TIMEOUT):
                    version, changed = current_version(with_changed=True)
            except DatabaseError as error:
                logger.warning("Content version unreadable; serving cached pages as they are: %s", error)
                self.unreadable_until = time.monotonic() + STALE_RETRY_SECONDS
            else:
                if (version, changed) != self.last:
                    self.last = (version, changed)
                    cache.set(LAST_VERSION_KEY, self.last, settings.PAGE_CACHE_SECONDS)
                return version, changed, True
        if self.last[0] is None:
            self.last = cache.get(LAST_VERSION_KEY) or (None, None)
        return *self.last, False


def public_view(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, MARK, False)


def personal_request(request):
    # A session may be a signed-in curator's; a messages cookie means "show this visitor a notice".
    return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES


def cacheable_request(request):
    if request.method not in ("GET", "HEAD") or personal_request(request):
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False  # answered 400 further down
    return len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING


def shareable_response(request, response):
    """The same for every anonymous visitor: a plain 200 with nothing of this one request in it."""
    cache_control = set(response.get("Cache-Control", "").replace(",", " ").split())
    return (
        response.status_code == 200
        and not response.cookies
        and not {"private", "no-store", "no-cache"} & cache_control
        # A nonce or a CSRF token in the page belongs to this one request.
        and not getattr(request, "_csp_nonce", None)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cacheable_response(request, response):
    return shareable_response(request, response) and not response.streaming


def page_etag(key):
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def add_validators(response, key, changed):
    response["ETag"] = page_etag(key)
    last_modified = last_modified_date(changed)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, no_cache=True)
    return last_modified


def not_modified(key, changed):
    response = HttpResponseNotModified()
    add_validators(response, key, changed)
    # As the full answers vary (GZipMiddleware, and the session for pages that read it).
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return response


def answer_conditionally(request, response, key, changed):
    """Add the validators and Cache-Control; a 304 instead when the client's copy is still current."""
    last_modified = add_validators(response, key, changed)
    # A 304 replaces the response unsent and unclosed: closing it would signal the request's end twice.
    # (An unstarted download's generator holds nothing; a spooled file closes when collected.)
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(last_modified.timestamp()) if last_modified else None,
        response=response,
    )


def last_modified_date(changed, now=None):
    """When the page last changed: the last edit, or midnight if later (pages print today's date)."""
    if changed is None:
        return None
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    last_modified = max(changed, midnight).replace(microsecond=0)
    return last_modified if now - max(changed, midnight) >= LAST_MODIFIED_SETTLE else None


CODE_FOLDERS = [path for path in settings.BASE_DIR.iterdir() if (path / "apps.py").exists() or path.name == "config"]


@functools.cache
def release():
    """What tells one release's pages from another's: the code and templates this process runs, and the
    static files' manifest (it names every stylesheet and script by its content). With a cache shared
    across hosts (Redis), a host on a new release never serves a page cached by the old one, and an old
    process never stores its pages under the new release's key. Read once per process, when it loads
    (see the end of this module); DJANGO_RELEASE, when set, names the code instead of its files."""
    digest = hashlib.sha256(os.environ.get("DJANGO_RELEASE", "").encode())
    if not os.environ.get("DJANGO_RELEASE"):
        files = [*(settings.BASE_DIR / "templates").rglob("*"), *(f for d in CODE_FOLDERS for f in d.rglob("*.py"))]
        for path in sorted(file for file in files if file.is_file()):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes())
    try:
        digest.update((Path(settings.STATIC_ROOT) / "staticfiles.json").read_bytes())
    except OSError:
        pass  # no collected static files (development, tests): the code alone
    return digest.hexdigest()[:12]


def page_key(request, version):
    # As LocaleMiddleware and GZipMiddleware, further down, will choose them.
    language = translation.get_language_from_request(request)
    encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
    address = hashlib.sha256(f"{language} {encoding} {request.build_absolute_uri()}".encode()).hexdigest()
    # Pages print today's date ("Printed on", a citation's access date): a new day, a new page.
    return f"page:{release()}:{version}:{timezone.localdate().isoformat()}:{address}"


release()  # as the process loads its code, not later, when the files on disk may be a newer release's
