from django import template

register = template.Library()


@register.filter
def signed(points):
    """+3 or −2 (a true minus sign), as the plan shows the points behind each reason."""
    return f"+{points}" if points > 0 else f"−{abs(points)}"
