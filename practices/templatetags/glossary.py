from django import template

from ..glossary import Glossed

register = template.Library()


@register.simple_tag(takes_context=True)
def glossed(context, text):
    """``text``, escaped, with the first appearance on the page of each glossary term linked to it."""
    # One page is one request (includes render with render contexts of their own, so it cannot hold this).
    holder = getattr(context, "request", None) or context.render_context
    if not hasattr(holder, "glossed_terms"):
        holder.glossed_terms = Glossed()
    return holder.glossed_terms(text)
