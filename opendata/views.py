from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from pagecache.middleware import cache_public_page

from .downloads import DOWNLOADS
from .formats import FORMATS


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
