from django import template

from practices.models import Practice

from ..directory_map import DirectoryMap

register = template.Library()


@register.inclusion_tag("maps/includes/map.html")
def directory_map(practices=None, filters=None, heading_level=2, name="map"):
    """The map of ``practices`` (all published ones by default) with its list, for a page's template.

    A tag, so that the pages it sits on (browse, departments) need not import this app; ``filters``
    is browse's cleaned query string, kept by the states' links. One query.
    """
    if practices is None:
        practices = Practice.objects.published()
    return {"map": DirectoryMap(practices, filters), "heading_level": heading_level, "name": name}


@register.filter
def coordinate(value):
    """A number for SVG markup: one decimal and a dot, whatever the visitor's language."""
    return f"{value:.1f}".removesuffix(".0")
