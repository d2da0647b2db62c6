from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as styled_bad_request

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /corrections/\n"

UNKNOWN_HOST_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Bad request</title>"
    "<h1>Bad request</h1><p>This server does not serve the host name in this request.</p></html>\n"
)


@require_safe
def robots_txt(request):
    """Crawler rules. Also the benchmark's baseline: the full middleware stack, no database, no template."""
    sitemap = request.build_absolute_uri(reverse("opendata:sitemap"))
    return HttpResponse(f"{ROBOTS_TXT}Sitemap: {sitemap}\n", content_type="text/plain; charset=utf-8")


def bad_request(request, exception):
    """400. A request for a host the site does not serve gets a plain page: the styled one links back to
    the site, and every link or address built from such a request fails again."""
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest(UNKNOWN_HOST_PAGE)
    return styled_bad_request(request, exception)
