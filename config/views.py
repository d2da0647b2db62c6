from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /corrections/\n"


@require_safe
def robots_txt(request):
    """Crawler rules. Also the benchmark's baseline: the full middleware stack, no database, no template."""
    sitemap = request.build_absolute_uri(reverse("opendata:sitemap"))
    return HttpResponse(f"{ROBOTS_TXT}Sitemap: {sitemap}\n", content_type="text/plain; charset=utf-8")
