"""The glossary: the directory's own terms and the acronyms its entries use, in plain words.

Terms listed in TERMS are linked where they first appear on a practice's page (``{% glossed %}``,
practices/templatetags/glossary.py); the directory's vocabularies (kinds of practice, recommendation
areas) are explained from their own descriptions, so the glossary never repeats them by hand.
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    anchor: str
    name: str
    meaning: str
    pattern: str = ""  # where it appears in an entry's text; empty: never linked from text


TERMS = [
    Term(
        "u-visa",
        _("U visa"),
        _(
            "A U.S. visa for victims of certain crimes who help the police or prosecutors with the case. "
            "A victim applies with a form that the police department (or another agency) signs to confirm "
            "the help: Form I-918 Supplement B."
        ),
        r"\bU[- ]visas?\b",
    ),
    Term(
        "i-918-supplement-b",
        _("Form I-918 Supplement B"),
        _(
            "The U visa certification: the form on which a police department or other agency confirms that a "
            "crime victim has helped, is helping or is likely to help with the case. Signing it is the "
            "department's part; the federal government decides on the visa."
        ),
        r"\b(?:Form )?I-918(?: Supplement B)?\b",
    ),
    Term(
        "287g",
        _("287(g) agreement"),
        _(
            "An agreement under section 287(g) of the federal Immigration and Nationality Act by which "
            "Immigration and Customs Enforcement lets local officers do some immigration enforcement. Some "
            "states require their police or sheriffs to enter one; others bar it."
        ),
        r"\b287\s?\(g\)",
    ),
    Term(
        "ice",
        _("ICE"),
        _(
            "U.S. Immigration and Customs Enforcement, the federal agency that enforces immigration law inside "
            "the country."
        ),
        r"\bICE\b",
    ),
    Term(
        "detainer",
        _("Detainer"),
        _(
            "A request from ICE that a jail keep a person past the time they would be released, so that ICE can "
            "take them into custody."
        ),
        r"\bdetainers?\b",
    ),
    Term(
        "honra-aoro",
        _("HONRA and AORO"),
        _(
            "Des Moines police outreach posts: the Hispanic Outreach Neighborhood Resource Advocate (“honra” is "
            "Spanish for “honor”) and the Asian Outreach Resource Officer."
        ),
        r"\b(?:HONRA|AORO)\b",
    ),
    Term(
        "lep",
        _("Limited English (LEP)"),
        _(
            "People who do not speak, read or write English well enough for a conversation with police; federal "
            "guidance calls them people with limited English proficiency."
        ),
        r"\blimited[- ]English\b",
    ),
    Term(
        "nlc",
        _("NLC"),
        _(
            "The National League of Cities, which published the 2011 report this directory starts from, "
            "“Public Safety Programs for the Immigrant Community: 17 Good Practices in U.S. Cities”."
        ),
        r"\bNLC\b",
    ),
]


def glossary_url(anchor):
    return reverse("practices:glossary") + "#" + anchor


class Glossed:
    """Links each term's first appearance on one page; later appearances stay plain text."""

    def __init__(self):
        self.seen = set()
        self.pattern = re.compile("|".join(f"(?P<t{index}>{term.pattern})" for index, term in enumerate(TERMS)))

    def __call__(self, text):
        text = str(text or "")
        parts, position = [], 0
        for match in self.pattern.finditer(text):
            term = TERMS[int(match.lastgroup[1:])]
            if term.anchor in self.seen:
                continue
            self.seen.add(term.anchor)
            parts.append(escape(text[position : match.start()]))
            link = '<a class="glossed" href="{}" title="{}">{}</a>'
            parts.append(format_html(link, glossary_url(term.anchor), term.meaning, match.group()))
            position = match.end()
        parts.append(escape(text[position:]))
        return mark_safe("".join(parts))
