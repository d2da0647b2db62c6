"""{% state_law_beside %}: a state's law today, beside the account of a program on a practice or department page.

A template tag, so that departments and practices (which the state-law app sits between) need not
import it; it reads the state's entry and its laws in one query.
"""

from django import template

from statelaw.models import StateEntry

register = template.Library()


def programs(items):
    for item in items:
        if hasattr(item, "described_as_of"):
            yield item
        elif item is not None and not isinstance(item, str):
            yield from programs(item)


@register.inclusion_tag("statelaw/includes/state_law_today.html")
def state_law_beside(state, *practices):
    """The published law of ``state``, and the laws enacted after the accounts of ``practices`` (the
    earliest year they are described as of)."""
    today = StateEntry.objects.published().today_in(state)
    years = [practice.described_as_of for practice in programs(practices) if practice.described_as_of]
    account_year = min(years) if years else None
    return {
        "state_law": today.entry if today else None,
        "later_laws": today.after(account_year) if today else [],
        "account_year": account_year,
    }
