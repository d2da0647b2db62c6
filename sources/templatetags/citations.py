from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from sources.dates import readable_date
from sources.models import Source

register = template.Library()
register.filter("readable_date", readable_date)


def flatten(items):
    for item in items:
        if isinstance(item, Source):
            yield item
        elif item is not None and not isinstance(item, str):
            yield from flatten(item)


@register.simple_tag(takes_context=True)
def cite(context, *sources):
    """Numbered links to sources in the page's source list: [3], or [3][5] for several.

    Accepts sources and lists of sources (e.g. ``{% cite fact.source fact.additional_sources.all %}``).
    """
    citations = context["citations"]
    numbers = [citations.number(source) for source in flatten(sources)]
    if not numbers:
        return ""
    links = format_html_join(
        "",
        '<a href="#source-{}" aria-label="{}">[{}]</a>',
        ((number, gettext("Source %(number)s") % {"number": number}, number) for number in numbers),
    )
    return format_html('<span class="cite">{}</span>', links)
