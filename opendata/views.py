from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from pagecache.middleware import cache_public_page

from .downloads import DOWNLOADS
from .formats import FORMATS
from .release import latest_release, releases
from .tables import REGISTRY


@cache_public_page
@require_safe
def download(request, name):
    """A list of the site as CSV, JSON or XLSX (``?format=``), with the same filters and order as its page."""
    offer = DOWNLOADS.get(name)
    if offer is None:
        raise Http404
    requested = request.GET.get("format", "csv")
    if requested not in FORMATS:
        message = _("Unknown format “%(format)s”. Ask for one of: %(formats)s.") % {
            "format": requested[:40],
            "formats": ", ".join(FORMATS),
        }
        return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
    records, query = offer.read(request)
    page_url = request.build_absolute_uri(reverse(offer.page)) + (f"?{query}" if query else "")
    return FORMATS[requested](offer.table, records, offer.filename(), page_url)


def release_etag(request, *args, **kwargs):
    release = latest_release()
    # Pages print today's date, so a new day is a new page too.
    return f"{release.name if release else 'none'}-{timezone.localdate().isoformat()}"


@require_safe
@condition(etag_func=release_etag)
def data(request):
    """The latest dataset release with its description, and the site's other ways to take the data."""
    release = latest_release()
    descriptor = release.descriptor() if release else None
    context = {
        "release": release,
        "package": descriptor,
        "archive_size": release.archive.stat().st_size if release else None,
        "downloads": DOWNLOADS.values(),
        "formats": list(FORMATS),
        "tables": REGISTRY.values(),
    }
    response = render(request, "opendata/data.html", context)
    patch_cache_control(response, public=True, no_cache=True)
    return response


@require_safe
def release_file(request, filename):
    """A release's zip archive, or the latest release's datapackage.json. Releases never change."""
    if filename == "datapackage.json":
        release = latest_release()
        if release is None:
            raise Http404
        response = FileResponse(open(release.folder / "datapackage.json", "rb"), content_type="application/json")
        response["ETag"] = f'"{release.name}"'
        patch_cache_control(response, public=True, no_cache=True)
        return get_conditional_response(request, etag=response["ETag"], response=response)
    release = next((release for release in releases() if release.archive.name == filename), None)
    if release is None:
        raise Http404
    response = FileResponse(open(release.archive, "rb"), as_attachment=True, filename=filename)
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response
