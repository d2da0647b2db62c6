from django import template
from django.urls import reverse

from .. import structured_data
from ..citations import FORMATS as CITATION_FORMATS
from ..citations import cited_sources, practice_work, styles

register = template.Library()


def site_root(request):
    return request.build_absolute_uri("/")


@register.inclusion_tag("opendata/includes/cite_this_page.html", takes_context=True)
def cite_this_page(context, practice):
    request = context["request"]
    url = request.build_absolute_uri(practice.get_absolute_url())
    return {
        "styles": styles(practice_work(practice, url)),
        "url": url,
        "practice": practice,
        "formats": CITATION_FORMATS,
    }


@register.simple_tag(takes_context=True)
def practice_json_ld(context, practice):
    request = context["request"]
    absolute = request.build_absolute_uri
    data = structured_data.practice_data(
        practice,
        absolute(practice.get_absolute_url()),
        site_root(request),
        absolute(practice.department.get_absolute_url()),
        cited_sources(practice),
    )
    return structured_data.json_ld(data)


@register.simple_tag(takes_context=True)
def department_json_ld(context, department):
    request = context["request"]
    url = request.build_absolute_uri(department.get_absolute_url())
    return structured_data.json_ld(structured_data.department_data(department, url, site_root(request)))


@register.simple_tag(takes_context=True)
def dataset_json_ld(context, package, release):
    request = context["request"]
    archive = request.build_absolute_uri(reverse("opendata:release_file", args=[release.archive.name]))
    page = request.build_absolute_uri(reverse("opendata:data"))
    return structured_data.json_ld(structured_data.dataset_data(package, page, archive, site_root(request)))
