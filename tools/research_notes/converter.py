"""Turn the research notes (YAML, in ../shared/nlc-report) into the directory's fixtures.

The fixtures in fixtures/ are the project's own data; this converter only rebuilds them
when the research notes change. The site never reads the notes at run time.

Run it with ``python manage.py build_fixtures``. It needs PyYAML (requirements-dev.txt).
"""

import json
import re
from collections import defaultdict
from pathlib import Path


class NotesError(Exception):
    pass


def load_yaml(path):
    import yaml  # Only the converter needs PyYAML; the site does not.

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# The directory's own editorial choices (vocabularies, public wording, caveats...) are data, kept
# beside this file; the converter only applies them to the notes.
EDITORIAL = load_yaml(Path(__file__).with_name("editorial.yaml"))
NLC_REPORT = EDITORIAL["nlc_report"]
REPORT_COPY_URL = EDITORIAL["report_copy_url"]
PRACTICE_KINDS = EDITORIAL["practice_kinds"]
AREA_SLUGS = EDITORIAL["area_slugs"]
COMMUNITIES = EDITORIAL["communities"]
LANGUAGES = EDITORIAL["languages"]
AGENCY_KINDS = EDITORIAL["agency_kinds"]
CAVEATS = EDITORIAL["caveats"]
PUBLIC_NOTE_WORDING = EDITORIAL["public_note_wording"]
NOTE_SOURCE_NAMES = EDITORIAL["note_source_names"]
INDIANAPOLIS = EDITORIAL["indianapolis"]
REPORT_SOURCES = EDITORIAL["report_sources"]
REPORT_SOURCE_PREFIXES = EDITORIAL["report_source_prefixes"]
PUBLIC_WORDING = EDITORIAL["public_wording"]
AMERICAN_SPELLING = EDITORIAL["american_spelling"]
# What the 2026 update (update_2026.py) adds to the vocabularies: the words in facts that show each
# kind of practice, and the kinds given only with a written policy on record.
UPDATE_2026 = load_yaml(Path(__file__).with_name("update-2026.yaml"))
KIND_EVIDENCE_WORDS = UPDATE_2026["kind_evidence_words"]
KINDS_NEEDING_POLICY = set(UPDATE_2026["kinds_needing_policy"])


def clean_text(text):
    return " ".join(str(text).split()) if text else ""


def public_text(text):
    text = clean_text(text)
    for research_wording, public_wording in PUBLIC_WORDING:
        text = text.replace(research_wording, public_wording)
    return text


def our_prose(text):
    """A sentence of ours (a summary, a fact): cleaned, in public wording and American spelling."""
    text = public_text(text)
    for british, american in AMERICAN_SPELLING:
        text = re.sub(british, american, text)
    return text


def clean_url(url):
    """The address, without a stray dot after the host name ('https://ojp.gov./...')."""
    return re.sub(r"^(https?://[^/]+)\.(/|$)", r"\1\2", (url or "").strip())


def normalise_url(url):
    """A key under which two spellings of one address meet (scheme, 'www.', trailing slash)."""
    url = clean_url(url).rstrip("/").lower()
    return re.sub(r"^https?://(www\.)?", "", url)


class FixtureBuilder:
    def __init__(self, notes_dir):
        self.notes_dir = Path(notes_dir)
        self.sources = {}  # key -> fields
        self.source_by_url = {}  # normalised url -> key
        self.source_order = []
        self.departments = []
        self.practices = []
        self.community_links = []
        self.language_links = []
        self.facts = []
        self.recommendations = []
        self.examples = []
        self.report_notes = []
        self.areas = {}
        self.policies = []
        self.local_sources = {}  # practice slug -> {its notes' source id: key}

    # Sources -------------------------------------------------------------------------------

    def add_source(self, key, entry, note=""):
        """Register a source, merging it with an earlier one at the same address. Returns its key."""
        url = clean_url(entry.get("url"))
        existing = self.source_by_url.get(normalise_url(url)) if url else None
        if key != NLC_REPORT and normalise_url(url) == normalise_url(REPORT_COPY_URL):
            existing = NLC_REPORT
        if existing:
            merged = self.sources[existing]
            for field in ("publisher", "author", "date", "kind"):
                if not merged[field] and entry.get(field):
                    merged[field] = public_text(entry[field])
            return existing
        if key in self.sources:
            raise NotesError(f"Two different sources share the key {key!r}.")
        self.sources[key] = {
            "key": key,
            "title": public_text(entry["title"]),
            "publisher": public_text(entry.get("publisher")),
            "author": clean_text(entry.get("author")),
            "date": clean_text(entry.get("date")),
            "url": url,
            "copy_url": "",
            "kind": entry.get("kind") or "",
            "evidence": "report",
            "curator_notes": note,
        }
        self.source_order.append(key)
        if url:
            self.source_by_url[normalise_url(url)] = key
        return key

    def add_report_source(self, report):
        authors = "; ".join(author["name"] for author in report["authors"])
        self.add_source(
            NLC_REPORT,
            {
                "title": f"{report['title']}: {report['subtitle']}",
                "publisher": "National League of Cities, Center for Research and Innovation",
                "author": authors,
                "date": str(report["year"]),
                "url": REPORT_COPY_URL,
                "kind": "report",
            },
            note="Only the cover, author page, table of contents and the Foreword's first sentence "
            "could be read. Cross-checked copies: doczz.net and vdocuments.net.",
        )

    # Vocabularies --------------------------------------------------------------------------

    def community_for(self, wording):
        for slug, (_name, wordings) in COMMUNITIES.items():
            if wording in wordings:
                return slug
        raise NotesError(f"No community vocabulary entry for {wording!r}; add it to communities in editorial.yaml.")

    def language_for(self, name):
        try:
            return LANGUAGES[name]
        except KeyError:
            raise NotesError(f"No ISO 639 code for language {name!r}; add it to LANGUAGES.") from None

    def link_community(self, practice_slug, wording, source_key):
        slug = self.community_for(wording)
        name = COMMUNITIES[slug][0]
        key = (practice_slug, slug, source_key)
        if any((link["practice"], link["community"], link["source"]) == key for link in self.community_links):
            return
        self.community_links.append(
            {
                "practice": practice_slug,
                "community": slug,
                "source": source_key,
                "as_named": "" if wording == name else wording,
            }
        )

    def link_language(self, practice_slug, name, source_key):
        code = self.language_for(name)
        if any((link["practice"], link["language"]) == (practice_slug, code) for link in self.language_links):
            return
        self.language_links.append({"practice": practice_slug, "language": code, "source": source_key})

    # Practices -----------------------------------------------------------------------------

    def add_fact(
        self, practice_slug, section, position, source_key, text="", heading="", year=None, also=(), date="", shows=""
    ):
        text, heading = our_prose(text), our_prose(heading)
        if not text and not heading:
            raise NotesError(f"Empty {section} fact in {practice_slug}.")
        self.facts.append(
            {
                "practice": practice_slug,
                "section": section,
                "position": position,
                "year": year,
                "date": date,
                "shows": shows,
                "heading": heading,
                "text": text,
                "source": source_key,
                "additional_sources": list(also),
                "correction": "",
            }
        )

    def curator_notes(self, uncertain, local_keys):
        def replace(match):
            return local_keys.get(match.group(0), match.group(0))

        return "\n\n".join(re.sub(r"\bs\d{1,2}\b", replace, clean_text(item)) for item in uncertain or [])

    def add_practice_file(self, path):
        data = load_yaml(path)
        slug = data["slug"]
        local = {}
        for entry in data["sources"]:
            local[entry["id"]] = self.add_source(f"{slug}-{entry['id']}", entry)
        self.local_sources[slug] = local

        def cite(source_id):
            if source_id not in local:
                raise NotesError(f"{path.name}: source {source_id!r} is not in the file's sources.")
            return local[source_id]

        population = data.get("city_population") or {}
        share = data.get("foreign_born_share") or {}
        coordinates = data.get("coordinates") or {}
        self.departments.append(
            {
                "slug": slug,
                "name": clean_text(data.get("agency")),
                "kind": AGENCY_KINDS[data.get("agency_kind")],
                "city": data["city"],
                "state": data["state"],
                "latitude": f"{coordinates['lat']:.6f}" if coordinates else None,
                "longitude": f"{coordinates['lon']:.6f}" if coordinates else None,
                "website": data.get("agency_website") or "",
                "city_population": population.get("value"),
                "city_population_year": population.get("year"),
                "city_population_source": cite(population["source"]) if population else None,
                "foreign_born_share": share.get("value") or "",
                "foreign_born_share_year": share.get("year"),
                "foreign_born_share_source": cite(share["source"]) if share else None,
            }
        )
        self.practices.append(
            {
                "slug": slug,
                "title": data["program_name"],
                "other_names": "\n".join(clean_text(name) for name in data.get("other_names") or []),
                "department": slug,
                "entry_kind": "good-practice",
                "report_order": data["report_order"],
                "report_page": data["report_page"],
                "year_started": data.get("year_started"),
                "year_started_source": cite(data["year_started_source"]) if data.get("year_started_source") else None,
                "year_ended": None,
                "summary": our_prose(data["summary"]),
                "kinds": data["practice_types"],
                "areas": [AREA_SLUGS[area] for area in data["strategy_areas"]],
                "contact_title": clean_text(data.get("contact_title")),
                "caveat": CAVEATS.get(slug, ""),
                "curator_notes": self.curator_notes(data.get("uncertain"), local),
            }
        )
        for item in data.get("communities_served") or []:
            self.link_community(slug, item["name"], cite(item["source"]))
        for item in data.get("languages") or []:
            self.link_language(slug, item["name"], cite(item["source"]))
        for section in ("how_it_works", "staffing", "funding", "outcomes", "challenges"):
            for position, item in enumerate(data.get(section) or []):
                self.add_fact(slug, section.replace("_", "-"), position, cite(item["source"]), text=item["fact"])
        for position, item in enumerate(data.get("partners") or []):
            self.add_fact(slug, "partners", position, cite(item["source"]), heading=item["name"])
        for position, item in enumerate(data.get("people") or []):
            self.add_fact(slug, "people", position, cite(item["source"]), heading=item["name"], text=item["role"])
        for position, item in enumerate(data.get("timeline") or []):
            self.add_fact(slug, "timeline", position, cite(item["source"]), text=item["event"], year=item["year"])

    def add_case_study(self, path):
        data = load_yaml(path)
        local = {entry["id"]: self.add_source(entry["id"], entry) for entry in data["sources"]}
        cite = local.__getitem__
        slug = INDIANAPOLIS["slug"]
        self.local_sources[slug] = local
        city, state_name = [part.strip() for part in data["city"].split(",")]
        start, end = (int(year) for year in data["years"].split("-"))
        latitude, longitude = INDIANAPOLIS["coordinates"]
        self.departments.append(
            {
                "slug": INDIANAPOLIS["department"],
                "name": INDIANAPOLIS["agency"],
                "kind": "city-office",
                "city": city,
                "state": "IN",
                "latitude": latitude,
                "longitude": longitude,
                "website": "",
                "city_population": None,
                "city_population_year": None,
                "city_population_source": None,
                "foreign_born_share": "",
                "foreign_born_share_year": None,
                "foreign_born_share_source": None,
            }
        )
        notes = [data.get("content_basis"), data.get("why_it_ended_note"), data.get("relation_to_first_series_report")]
        self.practices.append(
            {
                "slug": slug,
                "title": data["title"],
                "other_names": "",
                "department": INDIANAPOLIS["department"],
                "entry_kind": "case-study",
                "report_order": None,
                "report_page": data["report_page"],
                "year_started": start,
                "year_started_source": NLC_REPORT,
                "year_ended": end,
                "summary": our_prose(data["summary"]),
                "kinds": INDIANAPOLIS["kinds"],
                "areas": INDIANAPOLIS["areas"],
                "contact_title": "",
                "caveat": CAVEATS[slug],
                "curator_notes": self.curator_notes([*filter(None, notes), *data.get("uncertain", [])], local),
            }
        )
        for wording, source in INDIANAPOLIS["communities"]:
            self.link_community(slug, wording, cite(source))
        for name, source in INDIANAPOLIS["languages"]:
            self.link_language(slug, name, cite(source))
        for position, item in enumerate(data["context"]):
            self.add_fact(slug, "context", position, cite(item["source"]), text=item["fact"])
        for position, item in enumerate(data["components"]):
            also = [cite(key) for key in item.get("also") or []]
            self.add_fact(
                slug,
                "components",
                position,
                cite(item["source"]),
                heading=item["name"],
                text=item["description"],
                also=also,
            )
        for position, item in enumerate(data["timeline"]):
            also = [cite(key) for key in item.get("also") or []]
            year = int(item["year"]) if item.get("year") else None
            self.add_fact(slug, "timeline", position, cite(item["source"]), text=item["event"], year=year, also=also)
        for section, key in (("outcomes", "results"), ("lessons", "lessons")):
            for position, item in enumerate(data[key]):
                self.add_fact(slug, section, position, cite(item["source"]), text=item["fact"])
        for position, role in enumerate(data["roles"]):
            text, also = role["title"], []
            note = role.get("note") or ""
            if "(same source)" in note:
                text = f"{text}. {note.replace(' (same source)', '')}"
            elif "denverpost-2015" in note:
                text = (
                    f"{text}. Described in 2015 as an immigrant from Peru who was Indianapolis's director of "
                    "Latino and immigrant affairs for eight years; he later managed NLC's immigrant "
                    "integration programs and is the first-listed author of the 2011 report."
                )
                also = [cite("denverpost-2015"), NLC_REPORT]
            self.add_fact(slug, "people", position, cite(role["source"]), heading=role["name"], text=text, also=also)

    # Recommendations -----------------------------------------------------------------------

    def public_note(self, text, local):
        text = clean_text(text)
        text = re.sub(r"\s*\(see uncertain\)", "", text)
        text = text.replace("(see indianapolis-case-study.yaml)", "(see the Indianapolis case study)")
        for source_id, name in NOTE_SOURCE_NAMES.items():
            text = re.sub(rf"\({re.escape(source_id)}\)", f"({name})", text)
            text = re.sub(rf"\b{re.escape(source_id)}\b", name, text)
        leftover = [key for key in local if re.search(rf"\b{re.escape(key)}\b", text)]
        if leftover or ".yaml" in text:
            raise NotesError(f"A public note still names a notes file or source id ({leftover}): {text!r}")
        return text

    def add_recommendations(self, path):
        data = load_yaml(path)
        local = {entry["id"]: self.add_source(entry["id"], entry) for entry in data["sources"]}
        practice_slugs = {practice["slug"] for practice in self.practices}
        for area_position, area in enumerate(data["areas"], start=1):
            area_slug = AREA_SLUGS[area["slug"]]
            self.areas[area_slug] = {
                "slug": area_slug,
                "name": area["name"],
                "goal": clean_text(area["goal"]),
                "goal_source": local[area["goal_source"]] if area.get("goal_source") else None,
                "goal_note": "" if area.get("goal_source") else clean_text(area.get("goal_note")),
                "is_nlc_area": not area.get("not_an_nlc_area", False),
                "position": area_position,
            }
            for position, rec in enumerate(area["recommendations"]):
                self.recommendations.append(
                    {
                        "slug": rec["slug"],
                        "area": area_slug,
                        "title": rec["title"],
                        "position": position,
                        "actions": "\n".join(clean_text(action) for action in rec["actions"]),
                        "sources": [local[key] for key in rec["sources"]],
                        "note": PUBLIC_NOTE_WORDING.get(rec["slug"]) or self.public_note(rec.get("notes"), local),
                    }
                )
                examples = zip(rec["example_cities"], rec["example_source"], rec["example_notes"], strict=True)
                for example_position, (city, source, note) in enumerate(examples):
                    if city not in practice_slugs:
                        raise NotesError(f"Recommendation {rec['slug']} names unknown practice {city!r}.")
                    self.examples.append(
                        {
                            "recommendation": rec["slug"],
                            "practice": city,
                            "source": local[source],
                            "note": clean_text(note),
                            "position": example_position,
                        }
                    )

    # The report itself ---------------------------------------------------------------------

    def report_source_for(self, prose):
        for prefix, key in REPORT_SOURCE_PREFIXES:
            if prose.startswith(prefix):
                return key
        raise NotesError(f"report.yaml cites {prose!r}, which maps to no source.")

    def add_report_notes(self, report, resources):
        for entry in REPORT_SOURCES:
            self.add_source(entry["id"], entry, note=entry["note"])

        def note(topic, position, source, text="", heading="", read=False):
            self.report_notes.append(
                {
                    "topic": topic,
                    "position": position,
                    "heading": clean_text(heading),
                    "text": public_text(text),
                    "source": source,
                    "read_in_report": read,
                }
            )

        for position, point in enumerate(report["foreword_points"]):
            note(
                "foreword",
                position,
                self.report_source_for(point["source"]),
                point["text"],
                read=bool(point.get("verified_in_report")),
            )
        for position, point in enumerate(report["introduction_points"]):
            note("introduction", position, self.report_source_for(point["source"]), point["text"])
        for position, barrier in enumerate(b for b in report["barriers"] if b.get("explanation")):
            note(
                "barrier",
                position,
                self.report_source_for(barrier["source"]),
                barrier["explanation"],
                heading=barrier["name"],
            )
        for position, point in enumerate(report["maii_program"]["from_other_sources"]):
            note("program", position, self.report_source_for(point["source"]), point["text"])
        for entry in report["series"]["earlier_reports"]:
            text = f"{entry['subject']}, released {entry['released']}."
            note(
                "series",
                entry["position"],
                self.report_source_for(entry["source"]),
                text,
                heading=f"Report {entry['position']}",
            )
        note(
            "series",
            3,
            "lopnewsnotes-2011",
            "Public Safety Programs for the Immigrant Community, published in 2011, is the third report in the series.",
            heading="Report 3",
        )
        related = resources["related_nlc_publications"]
        for position, item in enumerate(related["items"]):
            note("publication", position, "nlc-publications-page", str(item["year"]), heading=item["title"])

    # Output --------------------------------------------------------------------------------

    def build(self):
        report = load_yaml(self.notes_dir / "report.yaml")
        self.add_report_source(report)
        for path in sorted((self.notes_dir / "practices").glob("*.yaml")):
            self.add_practice_file(path)
        self.practices.sort(key=lambda practice: practice["report_order"])
        self.add_case_study(self.notes_dir / "indianapolis-case-study.yaml")
        self.add_recommendations(self.notes_dir / "recommendations.yaml")
        self.add_report_notes(report, load_yaml(self.notes_dir / "resources.yaml"))
        from .update_2026 import Update2026  # It builds on what the notes above give.

        Update2026(self, self.notes_dir / "update-2026").apply()
        self.check()
        return self

    def check(self):
        known = set(self.sources)
        cited = [fact["source"] for fact in self.facts] + [link["source"] for link in self.community_links]
        cited += [key for fact in self.facts for key in fact["additional_sources"]]
        cited += [key for rec in self.recommendations for key in rec["sources"]]
        cited += [policy["source"] for policy in self.policies]
        missing = set(cited) - known
        if missing:
            raise NotesError(f"Cited but undefined sources: {sorted(missing)}")
        if len([p for p in self.practices if p["entry_kind"] == "good-practice"]) != 17:
            raise NotesError("Expected the report's 17 good practices.")

    def fixtures(self):
        """The fixture files, as {file name: list of objects}, in loading order."""
        source_rows = [{"model": "sources.source", "fields": self.sources[key]} for key in self.source_order]
        note_rows = [
            {"model": "sources.reportnote", "fields": {**row, "source": [row["source"]]}} for row in self.report_notes
        ]
        kinds = [
            {
                "model": "practices.practicekind",
                "fields": {
                    "slug": slug,
                    "name": name,
                    "description": description,
                    "evidence_words": "\n".join(KIND_EVIDENCE_WORDS.get(slug, [])),
                    "needs_policy": slug in KINDS_NEEDING_POLICY,
                    "position": position,
                },
            }
            for position, (slug, name, description) in enumerate(PRACTICE_KINDS, start=1)
        ]
        areas = [
            {
                "model": "practices.strategyarea",
                "fields": {**area, "goal_source": [area["goal_source"]] if area["goal_source"] else None},
            }
            for area in sorted(self.areas.values(), key=lambda area: area["position"])
        ]
        wordings = defaultdict(set)
        for link in self.community_links:
            wordings[link["community"]].add(link["as_named"] or COMMUNITIES[link["community"]][0])
        communities = [
            {"model": "practices.community", "fields": {"slug": slug, "name": name, "description": ""}}
            for slug, (name, _wordings) in sorted(COMMUNITIES.items(), key=lambda item: item[1][0])
            if slug in wordings
        ]
        used_languages = {link["language"] for link in self.language_links}
        languages = [
            {"model": "practices.language", "fields": {"code": code, "name": name}}
            for name, code in sorted(LANGUAGES.items())
            if code in used_languages
        ]

        def natural(key):
            return [key] if key else None

        departments = [
            {
                "model": "departments.department",
                "fields": {
                    **row,
                    "city_population_source": natural(row["city_population_source"]),
                    "foreign_born_share_source": natural(row["foreign_born_share_source"]),
                },
            }
            for row in self.departments
        ]
        departments += [
            {
                "model": "departments.writtenpolicy",
                "fields": {**policy, "department": [policy["department"]], "source": [policy["source"]]},
            }
            for policy in self.policies
        ]
        practices = [
            {
                "model": "practices.practice",
                "fields": {
                    **row,
                    "department": [row["department"]],
                    "year_started_source": natural(row["year_started_source"]),
                    "kinds": [[kind] for kind in row["kinds"]],
                    "areas": [[area] for area in row["areas"]],
                    "status": "published",
                    "last_reviewed": None,
                },
            }
            for row in self.practices
        ]
        practices += [
            {
                "model": "practices.practicecommunity",
                "fields": {
                    **link,
                    "practice": [link["practice"]],
                    "community": [link["community"]],
                    "source": [link["source"]],
                },
            }
            for link in self.community_links
        ]
        practices += [
            {
                "model": "practices.practicelanguage",
                "fields": {"practice": [link["practice"]], "language": [link["language"]], "source": [link["source"]]},
            }
            for link in self.language_links
        ]
        practices += [
            {
                "model": "practices.fact",
                "fields": {
                    **fact,
                    "practice": [fact["practice"]],
                    "source": [fact["source"]],
                    "additional_sources": [[key] for key in fact["additional_sources"]],
                },
            }
            for fact in self.facts
        ]
        recommendations = [
            {
                "model": "practices.recommendation",
                "fields": {**rec, "area": [rec["area"]], "sources": [[key] for key in rec["sources"]]},
            }
            for rec in self.recommendations
        ]
        recommendations += [
            {
                "model": "practices.recommendationexample",
                "fields": {
                    **example,
                    "recommendation": [example["recommendation"]],
                    "practice": [example["practice"]],
                    "source": [example["source"]],
                },
            }
            for example in self.examples
        ]
        return {
            "1-sources.json": source_rows + note_rows,
            "2-vocabularies.json": kinds + areas + communities + languages,
            "3-departments.json": departments,
            "4-practices.json": practices,
            "5-recommendations.json": recommendations,
        }

    def write(self, output_dir):
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, rows in self.fixtures().items():
            path = output_dir / name
            path.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            written[name] = len(rows)
        return written
