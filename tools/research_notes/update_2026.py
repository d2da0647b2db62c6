"""Apply the 2026 update (../shared/nlc-report/update-2026) to the fixtures being built.

The update says what became of each program (status-now.yaml), corrects and adds facts (audit.yaml,
deepen-*.yaml) and names current official pages (current-pages.yaml). The directory's choices
about it (what each dated fact shows, the wording of corrections and new facts, which page is
current, costs, written policies, what kind of evidence each source is) are data in
update-2026.yaml beside this file; this module applies them and refuses anything that does not
match the notes, so the notes stay the authority for facts.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from practices.status_now import year_of

from .converter import UPDATE_2026 as EDITORIAL
from .converter import NotesError, clean_text, clean_url, load_yaml, normalise_url, our_prose


def shown_date(date):
    """A date as the page shows it: the notes' own, with 'current' said plainly."""
    date = clean_text(date)
    return date.replace("undated (current)", "undated (current page)")


def host_of(url):
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


class Update2026:
    def __init__(self, builder, update_dir):
        self.builder = builder
        self.dir = Path(update_dir)
        self.counters = {}

    # Sources ----------------------------------------------------------------------------

    def source(self, slug, ref, default_kind=""):
        """A source key for ``ref``: a practice file's id ('s3'), a directory key ('nlc-2011'),
        an address the notes already hold, or a new source given in full."""
        builder = self.builder
        if isinstance(ref, str):
            local = builder.local_sources.get(slug, {})
            if ref in local:
                return local[ref]
            if ref in builder.sources:
                return ref
            raise NotesError(f"update-2026: {slug} cites {ref!r}, which is not one of its sources.")
        url = clean_url(ref["url"])
        if url in EDITORIAL["same_source"]:
            return EDITORIAL["same_source"][url]
        known = builder.source_by_url.get(normalise_url(url))
        if known:
            return known
        if not ref.get("title"):
            raise NotesError(f"update-2026: {slug} cites {url}, which no note names; give its title.")
        count = self.counters[slug] = self.counters.get(slug, 0) + 1
        entry = {
            "title": ref["title"],
            "publisher": ref.get("publisher"),
            "date": str(ref.get("date") or ""),
            "url": url,
            "kind": ref.get("kind", default_kind),
        }
        return builder.add_source(f"{slug}-u{count}", entry, note=ref.get("note", ""))

    def status_source(self, slug, fact):
        return self.source(
            slug,
            {
                "url": fact["source_url"],
                "title": fact["source_title"],
                "publisher": fact.get("publisher"),
                "date": fact.get("date"),
                "note": "; ".join(filter(None, ["From the 2026 update.", clean_text(fact.get("note"))])),
            },
        )

    # Since the report ------------------------------------------------------------------------

    def add_status_facts(self):
        notes = load_yaml(self.dir / "status-now.yaml")["entries"]
        choices = EDITORIAL["since_report"]
        practices = {practice["slug"]: practice for practice in self.builder.practices}
        if set(choices) != set(practices):
            raise NotesError(
                f"update-2026: 'since the report' must cover every entry: {sorted(set(practices) ^ set(choices))}"
            )
        for slug, choice in choices.items():
            entry = notes[choice.get("notes_key", slug)]
            if len(choice["facts"]) != len(entry["facts"]):
                raise NotesError(
                    f"update-2026: {slug} has {len(entry['facts'])} dated facts, not {len(choice['facts'])}."
                )
            rows = []
            if choice.get("last_trace"):
                trace = choice["last_trace"]
                rows.append((str(trace["date"]), trace["text"], "program", "", self.source(slug, trace["source"])))
            for fact, ours in zip(entry["facts"], choice["facts"], strict=True):
                if ours["shows"] == "recast" and not ours.get("new_name"):
                    raise NotesError(f"update-2026: a recast fact of {slug} needs the new name.")
                rows.append(
                    (
                        str(fact["date"]),
                        ours["text"],
                        ours["shows"],
                        ours.get("new_name", ""),
                        self.status_source(slug, fact),
                    )
                )
            for position, (date, text, shows, new_name, source) in enumerate(rows):
                self.builder.add_fact(
                    slug,
                    "since-report",
                    position,
                    source,
                    text=text,
                    heading=new_name,
                    year=year_of(date),
                    date=shown_date(date),
                    shows=shows,
                )
            practices[slug]["current_status_checked"] = EDITORIAL["status_checked"]

    # Corrections and new facts ------------------------------------------------------------

    def apply_corrections(self):
        audit = load_yaml(self.dir / "audit.yaml")
        contradicted = {item["id"].split(":")[0] for item in audit["items"] if item["verdict"] == "contradicted"}
        corrected = {item["practice"] for item in EDITORIAL["corrections"]}
        if contradicted != corrected:
            raise NotesError(
                f"update-2026: the audit contradicts {sorted(contradicted)}; corrections cover {sorted(corrected)}."
            )
        for item in EDITORIAL["corrections"]:
            slug, section = item["practice"], item["section"]
            matches = [
                fact
                for fact in self.builder.facts
                if fact["practice"] == slug
                and fact["section"] == section
                and item["find"] in (fact["heading"] + fact["text"])
            ]
            if len(matches) != 1:
                raise NotesError(f"update-2026: correction for {slug} {section} matches {len(matches)} facts.")
            fact = matches[0]
            if "heading" in item:
                fact["heading"] = our_prose(item["heading"])
            if "text" in item:
                fact["text"] = our_prose(item["text"])
            fact["source"] = self.source(slug, item["source"])
            fact["additional_sources"] = [self.source(slug, ref) for ref in item.get("also", [])]
            fact["correction"] = our_prose(item["correction"])

    def add_facts(self):
        for item in EDITORIAL["additions"]:
            slug, section = item["practice"], item["section"]
            position = 1 + max(
                (
                    fact["position"]
                    for fact in self.builder.facts
                    if fact["practice"] == slug and fact["section"] == section
                ),
                default=-1,
            )
            self.builder.add_fact(
                slug,
                section,
                position,
                self.source(slug, item["source"]),
                text=item.get("text", ""),
                heading=item.get("heading", ""),
                year=item.get("year"),
                also=[self.source(slug, ref) for ref in item.get("also", [])],
            )
            if item.get("curator_note"):
                practice = self.practice(slug)
                practice["curator_notes"] = "\n\n".join(filter(None, [practice["curator_notes"], item["curator_note"]]))

    def practice(self, slug):
        return next(practice for practice in self.builder.practices if practice["slug"] == slug)

    # Fields the consistency check and the audit showed wrong or missing --------------------------

    def fix_fields(self):
        for slug, text in EDITORIAL["summaries"].items():
            self.practice(slug)["summary"] = our_prose(text)
        for slug, text in EDITORIAL["caveats"].items():
            self.practice(slug)["caveat"] = our_prose(text)
        for slug, start in EDITORIAL["year_started"].items():
            practice = self.practice(slug)
            if practice["year_started"] is not None:
                raise NotesError(f"update-2026: {slug} already has a start year.")
            practice["year_started"] = start["year"]
            practice["year_started_source"] = self.source(slug, start["source"])
            practice["year_started_note"] = clean_text(start["note"])
        for slug, note in EDITORIAL["year_started_notes"].items():
            self.practice(slug)["year_started_note"] = clean_text(note)
        for slug, languages in EDITORIAL["languages"].items():
            for language in languages:
                self.builder.link_language(slug, language["name"], self.source(slug, language["source"]))
        for slug, communities in EDITORIAL["communities"].items():
            for community in communities:
                self.builder.link_community(slug, community["name"], self.source(slug, community["source"]))
        for slug, removed in EDITORIAL["remove_kinds"].items():
            practice = self.practice(slug)
            for kind, reason in removed.items():
                practice["kinds"].remove(kind)
                practice["curator_notes"] = "\n\n".join(
                    filter(None, [practice["curator_notes"], f"Kind '{kind}' removed in the 2026 update: {reason}"])
                )
        for slug, reasons in EDITORIAL["accepted_warnings"].items():
            self.practice(slug)["consistency_accepted"] = "\n".join(
                f"{code}: {reason}" for code, reason in reasons.items()
            )

    def file_under_illustrated_areas(self):
        """A practice belongs to every strategy area whose recommendations it illustrates."""
        areas = {rec["slug"]: rec["area"] for rec in self.builder.recommendations}
        for example in self.builder.examples:
            practice = self.practice(example["practice"])
            area = areas[example["recommendation"]]
            if area not in practice["areas"]:
                practice["areas"].append(area)

    # Current pages, costs, policies, evidence, city figures ------------------------------------

    def add_current_pages(self):
        listed = load_yaml(self.dir / "current-pages.yaml")["pages"]
        for slug, page in EDITORIAL["current_pages"].items():
            addresses = {clean_url(entry["url"]) for entry in listed[slug]["unit_pages"]}
            if clean_url(page["url"]) not in addresses:
                raise NotesError(f"update-2026: {page['url']} is not a current page the update lists for {slug}.")
            practice = self.practice(slug)
            practice["current_page_url"] = clean_url(page["url"])
            practice["current_page_title"] = clean_text(page["title"])

    def add_costs(self):
        for slug, costs in EDITORIAL["costs"].items():
            for position, cost in enumerate(costs):
                source = self.source(slug, cost["source"])
                cited = " ".join(
                    fact["text"]
                    for fact in self.builder.facts
                    if fact["practice"] == slug and fact["source"] == source and fact["section"] != "cost"
                )
                amount = re.match(r"\$[\d,.]+", cost["figure"]).group(0)
                if amount not in cited:
                    raise NotesError(f"update-2026: no fact of {slug} citing {source} gives {amount}.")
                self.builder.add_fact(
                    slug, "cost", position, source, heading=cost["figure"], text=cost["what"], year=cost["year"]
                )

    def add_policies(self):
        for slug, policies in EDITORIAL["policies"].items():
            for position, policy in enumerate(policies):
                self.builder.policies.append(
                    {
                        "department": slug,
                        "position": position,
                        "name": clean_text(policy["name"]),
                        "kind": policy["kind"],
                        "year": policy["year"],
                        "summary": our_prose(policy["summary"]),
                        "source": self.source(slug, policy["source"]),
                    }
                )

    def classify_sources(self):
        by_url = {normalise_url(s["url"] or s["copy_url"]): key for key, s in self.builder.sources.items()}
        for evidence, refs in EDITORIAL["evidence"].items():
            for ref in refs:
                key = ref if ref in self.builder.sources else by_url.get(normalise_url(ref))
                if not key:
                    raise NotesError(f"update-2026: evidence names {ref!r}, which is no source.")
                self.builder.sources[key]["evidence"] = evidence

    def mark_copies(self):
        hosts = EDITORIAL["copy_hosts"]
        for source in self.builder.sources.values():
            host = host_of(source["url"])
            copy = next((copy for copy in hosts if host == copy or host.endswith("." + copy)), None)
            if copy:
                source["copy_url"], source["url"] = source["url"], ""
                # The page now says "copy at" itself; the notes' own mention of it goes.
                site, name = re.escape(copy), re.escape(copy.split(".")[0])
                said = rf"\s*\((?:(?:copy|transcript) (?:at|on) [^)]*|republished copy|via {site}|{name})\)"
                source["publisher"] = re.sub(said, "", source["publisher"], flags=re.IGNORECASE).strip()
                source["title"] = re.sub(said, "", source["title"], flags=re.IGNORECASE).strip()

    def set_city_bases(self):
        for department in self.builder.departments:
            slug = department["slug"]
            department["city_population_basis"] = (
                EDITORIAL["population_basis"].get(slug, "") if department["city_population"] else ""
            )
            department["foreign_born_share_basis"] = (
                EDITORIAL["foreign_born_basis"].get(slug, "") if department["foreign_born_share"] else ""
            )

    def apply(self):
        for practice in self.builder.practices:
            for field in ("current_status_checked", "current_page_url", "current_page_title", "year_started_note"):
                practice[field] = ""
            practice["consistency_accepted"] = ""
        self.apply_corrections()
        self.add_status_facts()
        self.add_facts()
        self.fix_fields()
        self.file_under_illustrated_areas()
        self.add_current_pages()
        self.add_costs()
        self.add_policies()
        self.mark_copies()
        self.classify_sources()
        self.set_city_bases()
        return self
