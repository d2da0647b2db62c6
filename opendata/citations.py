"""Citations: a directory entry in common styles, and it or its sources as CSL-JSON, RIS and BibTeX.

An entry is cited by its stable address (a practice's slug never changes lightly: the admin warns
that changing it breaks saved links), the date it last changed and the day it was read. A source
is cited as the directory records it; fields the directory does not know stay out, never guessed.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.utils import formats, timezone

PUBLISHER = "Immigrant Public-Safety Practices directory"
LEADING_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass
class Work:
    """What a citation needs of a work, in the terms of CSL (Citation Style Language)."""

    id: str
    kind: str  # a key of KINDS: a source's kind, or "" for a web page
    title: str
    url: str = ""
    authors: list = field(default_factory=list)  # names as written (CSL "literal")
    container: str = ""  # the site, newspaper or journal it appears in
    publisher: str = ""
    issued: tuple = ()  # (year, month, day), as precise as known
    issued_text: str = ""  # a date the directory holds only in words
    accessed: datetime.date | None = None

    @property
    def csl_type(self):
        return KINDS.get(self.kind, KINDS[""])[0]

    @property
    def ris_type(self):
        return KINDS.get(self.kind, KINDS[""])[1]

    @property
    def bibtex_type(self):
        return KINDS.get(self.kind, KINDS[""])[2]


# A source's kind, as CSL, RIS and BibTeX name it (RIS alone tells a government document from a report).
KINDS = {
    "report": ("report", "RPRT", "techreport"),
    "government": ("report", "GOVDOC", "techreport"),
    "nonprofit": ("report", "RPRT", "techreport"),
    "news": ("article-newspaper", "NEWS", "article"),
    "magazine": ("article-magazine", "MGZN", "article"),
    "academic": ("article-journal", "JOUR", "article"),
    "agency": ("webpage", "ELEC", "misc"),
    "": ("webpage", "ELEC", "misc"),
}


def parse_date(text):
    match = LEADING_DATE.match(text or "")
    if not match:
        return ()
    return tuple(int(part) for part in match.groups() if part)


def practice_work(practice, url, today=None):
    department = practice.department
    return Work(
        id=f"ipsp-{practice.slug}",
        kind="",
        title=f"{practice.title} ({department.city}, {department.state})",
        url=url,
        authors=[PUBLISHER],
        container=PUBLISHER,
        issued=timezone.localtime(practice.updated).timetuple()[:3],
        accessed=today or timezone.localdate(),
    )


def source_work(source):
    issued = parse_date(source.date)
    newspaper = KINDS.get(source.kind, KINDS[""])[0] in ("article-newspaper", "article-magazine", "article-journal")
    return Work(
        id=source.key,
        kind=source.kind if source.kind in KINDS else "",
        title=source.title,
        url=source.url,
        authors=[name.strip() for name in source.author.split(";") if name.strip()],
        container=source.publisher if newspaper else "",
        publisher="" if newspaper else source.publisher,
        issued=issued,
        issued_text="" if issued else source.date,
    )


# Text styles for "Cite this page".


def long_date(parts):
    return formats.date_format(datetime.date(*parts), "F j, Y")


def styles(work):
    """[(style name, citation as text)]: APA, MLA and Chicago, for a page of the directory."""
    year, month, day = work.issued
    issued = datetime.date(year, month, day)
    accessed = work.accessed
    mla_date = f"{issued.day} {formats.date_format(issued, 'M')}. {issued.year}"
    mla_accessed = f"{accessed.day} {formats.date_format(accessed, 'M')}. {accessed.year}"
    return [
        (
            "APA",
            f"{PUBLISHER}. ({year}, {formats.date_format(issued, 'F')} {day}). {work.title}. "
            f"Retrieved {long_date(accessed.timetuple()[:3])}, from {work.url}",
        ),
        ("MLA", f"“{work.title}.” {PUBLISHER}, {mla_date}, {work.url}. Accessed {mla_accessed}."),
        (
            "Chicago",
            f"“{work.title}.” {PUBLISHER}. Last modified {long_date(work.issued)}. "
            f"Accessed {long_date(accessed.timetuple()[:3])}. {work.url}.",
        ),
    ]


# File formats.


def as_csl_json(works):
    items = []
    for work in works:
        item = {"id": work.id, "type": work.csl_type, "title": work.title}
        if work.authors:
            item["author"] = [{"literal": name} for name in work.authors]
        if work.container:
            item["container-title"] = work.container
        if work.publisher:
            item["publisher"] = work.publisher
        if work.issued:
            item["issued"] = {"date-parts": [list(work.issued)]}
        elif work.issued_text:
            item["issued"] = {"literal": work.issued_text}
        if work.url:
            item["URL"] = work.url
        if work.accessed:
            item["accessed"] = {"date-parts": [list(work.accessed.timetuple()[:3])]}
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def ris_line(tag, value):
    return f"{tag}  - {' '.join(str(value).split())}"


def as_ris(works):
    lines = []
    for work in works:
        lines.append(ris_line("TY", work.ris_type))
        lines.append(ris_line("ID", work.id))
        lines.append(ris_line("TI", work.title))
        lines += [ris_line("AU", name) for name in work.authors]
        if work.container:
            lines.append(ris_line("T2", work.container))
        if work.publisher:
            lines.append(ris_line("PB", work.publisher))
        if work.issued:
            lines.append(ris_line("PY", work.issued[0]))
            lines.append(ris_line("DA", "/".join(f"{part:02d}" for part in work.issued)))
        elif work.issued_text:
            lines.append(ris_line("N1", f"Date: {work.issued_text}"))
        if work.url:
            lines.append(ris_line("UR", work.url))
        if work.accessed:
            lines.append(ris_line("Y2", work.accessed.strftime("%Y/%m/%d")))
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


BIBTEX_SPECIAL = {char: f"\\{char}" for char in "&%$#_{}"} | {
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
    "\\": r"\textbackslash{}",
}


def bibtex_text(value):
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in " ".join(str(value).split()))


def as_bibtex(works):
    entries = []
    for work in works:
        entry_type = work.bibtex_type
        fields = [("title", "{" + bibtex_text(work.title) + "}")]
        if work.authors:
            fields.append(("author", " and ".join("{" + bibtex_text(name) + "}" for name in work.authors)))
        if work.container:
            fields.append(("journal" if entry_type == "article" else "howpublished", bibtex_text(work.container)))
        if work.publisher:
            fields.append(("institution" if entry_type == "techreport" else "publisher", bibtex_text(work.publisher)))
        if work.issued:
            fields.append(("year", str(work.issued[0])))
            if len(work.issued) > 1:
                fields.append(("month", MONTHS[work.issued[1] - 1]))
        elif work.issued_text:
            fields.append(("note", bibtex_text(f"Date: {work.issued_text}")))
        if work.url:
            fields.append(("url", work.url.replace("%", r"\%").replace("#", r"\#")))
        if work.accessed:
            fields.append(("urldate", work.accessed.isoformat()))
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields
        )
        key = re.sub(r"[^A-Za-z0-9_-]", "", work.id) or "entry"
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


FORMATS = {
    "csl-json": (as_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    "ris": (as_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "bibtex": (as_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
}


def cited_sources(practice):
    """The sources a practice's page cites, in about the order the page cites them (prefetched, no queries)."""
    department = practice.department
    found = [department.city_population_source, department.foreign_born_share_source, practice.year_started_source]
    found += [link.source for link in practice.community_links.all()]
    found += [link.source for link in practice.language_links.all()]
    for fact in practice.facts.all():
        found.append(fact.source)
        found += list(fact.additional_sources.all())
    found += [link.source for link in practice.recommendation_links.all()]
    unique = {}
    for source in found:
        if source is not None:
            unique.setdefault(source.pk, source)
    return list(unique.values())
