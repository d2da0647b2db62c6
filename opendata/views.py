from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from pagecache.middleware import cache_public_page
from practices.models import Practice
from sources.models import Source

from .citations import FORMATS as CITATION_FORMATS
from .citations import cited_sources, practice_work, source_work
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


@cache_public_page
@require_safe
def practice_citation(request, slug, part):
    """A published practice's entry (``part`` "entry") or its sources, as CSL-JSON, RIS or BibTeX."""
    requested = request.GET.get("format", "ris")
    if requested not in CITATION_FORMATS:
        message = _("Unknown citation format “%(format)s”. Ask for one of: %(formats)s.") % {
            "format": requested[:40],
            "formats": ", ".join(CITATION_FORMATS),
        }
        return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
    practice = get_object_or_404(Practice.objects.published().for_detail_page(), slug=slug)
    if part == "entry":
        works = [practice_work(practice, request.build_absolute_uri(practice.get_absolute_url()))]
        name = slug
    else:
        report = Source.objects.filter(key=Source.NLC_REPORT_KEY).first() if practice.report_page else None
        works = [source_work(source) for source in ([report] if report else []) + cited_sources(practice)]
        works = list({work.id: work for work in works}.values())
        name = f"{slug}-sources"
    write, content_type, extension = CITATION_FORMATS[requested]
    response = HttpResponse(write(works), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}.{extension}")
    return response
