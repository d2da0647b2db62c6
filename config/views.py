from django.http import HttpResponse
from django.views.decorators.http import require_safe

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /corrections/\n"


@require_safe
def robots_txt(request):
    """Crawler rules. Also the benchmark's baseline: the full middleware stack, no database, no template."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
