from django import template

from ..glossary import Glossed

register = template.Library()


@register.simple_tag(takes_context=True)
def glossed(context, text):
    """``text``, escaped, with the first appearance on the page of each glossary term linked to it."""
    render_context = context.render_context
    if "glossed" not in render_context:
        render_context["glossed"] = Glossed()
    return render_context["glossed"](text)
