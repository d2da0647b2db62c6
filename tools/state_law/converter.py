"""Turn the state-law research notes (../shared/state-law/state-laws.yaml) into fixtures/6-state-laws.json.

Facts come from the notes exactly: law names, years, titles, case names, courts, dates, and every
source. The sentences the site shows come from tools/state_law/wording.yaml, the directory's own
words, never from the notes' prose; a note without wording there (or wording without a note) stops
the build, and so does a public sentence that repeats a run of a note's words.

``manage.py build_fixtures`` runs this after the NLC notes, so a source both cite stays one row.
"""

import datetime
import re
from pathlib import Path

from statelaw.models import BillOutcome, Effect, LawStatus, Stance
from tools.research_notes.converter import NotesError, clean_text, clean_url, load_yaml, normalise_url, public_text

WORDING = Path(__file__).with_name("wording.yaml")
FIXTURE_NAME = "6-state-laws.json"

# The values the site's models take, so the fixtures cannot hold one it does not know.
STANCES = set(Stance.values)
LAW_STATUSES = set(LawStatus.values)
BILL_OUTCOMES = set(BillOutcome.values)
EFFECTS = set(Effect.values)
# The notes' own prose: the site must not repeat it.
NOTE_PROSE = ("summary", "what_it_does", "status", "holding")
# A run of this many words shared with a note's prose is a copied sentence, not a shared name.
COPIED_RUN = 9


def text_of(value):
    """A note's value as text: YAML reads some dates as dates and some years as numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return clean_text(value)


def dated(value):
    """A date as given, or '' for 'undated'."""
    text = text_of(value)
    return "" if text.lower() == "undated" else text


def leading_date(value):
    """'2025-07' from '2025-07 (newest dated source; ...)'; '' when the notes give no date."""
    match = re.match(r"^(\d{4}(?:-\d{2}){0,2})\b", text_of(value))
    return match.group(1) if match else ""


def official_title(title):
    """The notes' title without descriptive labels, which they put in square brackets."""
    title = text_of(title)
    if title.startswith("["):
        return ""
    return re.sub(r"\s*\[[^\]]*\]\s*", " ", title).strip()


def words(text):
    """The words of a text, without numbers and citations ('36-80-23', '(g)'), which facts share."""
    return [word for word in re.findall(r"[a-z']+", text.lower()) if len(word) > 1 or word == "a"]


def runs(text, length=COPIED_RUN):
    tokens = words(text)
    return {" ".join(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


class StateLawBuilder:
    """Builds the state-law fixture rows, reusing the keys of sources the directory already cites."""

    def __init__(self, notes_path, wording_path=WORDING, known_sources=None):
        self.notes_path = Path(notes_path)
        self.wording_path = Path(wording_path)
        # normalised URL -> key, for sources the other fixtures already hold.
        self.known = {normalise_url(row["url"]): row["key"] for row in known_sources or [] if row.get("url")}
        self.sources = {}  # key -> fields, new sources only
        self.source_by_url = {}
        self.entries, self.laws, self.rulings, self.measures, self.bills = [], [], [], [], []
        self.note_runs = set()

    # Sources -------------------------------------------------------------------------------

    def source(self, code, url, title, publisher, date=""):
        url = clean_url(url)
        if not url:
            raise NotesError(f"{code}: an item has no source address.")
        normal = normalise_url(url)
        if normal in self.known:
            return self.known[normal]
        if normal in self.source_by_url:
            key = self.source_by_url[normal]
            merged = self.sources[key]
            for field, value in (("publisher", publisher), ("date", dated(date))):
                if not merged[field] and value:
                    merged[field] = public_text(value)
            return key
        key = f"state-{code.lower()}-{sum(k.startswith(f'state-{code.lower()}-') for k in self.sources) + 1}"
        self.sources[key] = {
            "key": key,
            "title": public_text(title),
            "publisher": public_text(publisher),
            "author": "",
            "date": dated(date),
            "url": url,
            "kind": "",
            "curator_notes": f"Cited by the state-law notes for {code}.",
        }
        self.source_by_url[normal] = key
        return key

    def cited(self, code, item):
        main = self.source(code, item["source_url"], item["source_title"], item["publisher"], item.get("date"))
        also = []
        for extra in item.get("also_sources") or []:
            key = self.source(code, extra["url"], extra["title"], extra["publisher"], extra.get("date"))
            if key != main and key not in also:
                also.append(key)
        return main, also

    # Wording -------------------------------------------------------------------------------

    @staticmethod
    def match(code, kind, notes_items, wording_items, key):
        """Pair each note with its wording by ``key``; both sides must match one to one."""
        wording = {key(item): item for item in wording_items}
        if len(wording) != len(wording_items):
            raise NotesError(f"{code}: two {kind} in the wording share a name.")
        pairs = []
        for item in notes_items:
            found = wording.pop(key(item), None)
            if found is None:
                raise NotesError(f"{code}: no wording for {kind} {key(item)!r} in {WORDING.name}.")
            pairs.append((item, found))
        if wording:
            raise NotesError(f"{code}: wording for {kind} the notes do not have: {sorted(wording)}.")
        return pairs

    def effects(self, code, item):
        effects = list(item.get("effects") or [])
        unknown = set(effects) - EFFECTS
        if unknown:
            raise NotesError(f"{code}: unknown effects {sorted(unknown)}.")
        return effects

    def ours(self, code, text):
        """A public sentence of ours: cleaned, and checked against copying a note."""
        text = clean_text(text)
        copied = runs(text) & self.note_runs
        if copied:
            raise NotesError(f"{code}: public text repeats the notes' words ({sorted(copied)[0]!r}): {text!r}")
        return text

    # Entries -------------------------------------------------------------------------------

    def add_state(self, code, notes, wording):
        if notes["stance"] not in STANCES:
            raise NotesError(f"{code}: unknown stance {notes['stance']!r}.")
        checked = text_of(notes["checked"])
        notes_for_curators = [clean_text(item) for item in notes.get("uncertain") or []]
        if checked != leading_date(checked):
            notes_for_curators.append(f"Newest source, as the research notes put it: {checked}.")
        self.entries.append(
            {
                "state": code,
                "stance": notes["stance"],
                "summary": self.ours(code, wording["summary"]),
                "must": "\n".join(self.ours(code, line) for line in wording.get("must") or []),
                "must_not": "\n".join(self.ours(code, line) for line in wording.get("must_not") or []),
                "checked_on": text_of(notes["searched_on"]),
                "sources_through": leading_date(checked),
                "status": "published",
                "last_reviewed": None,
                "curator_notes": "\n\n".join(notes_for_curators),
            }
        )
        laws = self.match(
            code,
            "law",
            notes.get("laws") or [],
            wording.get("laws") or [],
            lambda item: (text_of(item["name"]), text_of(item["year"])),
        )
        for position, (item, words_) in enumerate(laws):
            if words_.get("status") not in LAW_STATUSES:
                raise NotesError(f"{code}: law {item['name']!r} needs a status out of {sorted(LAW_STATUSES)}.")
            source, also = self.cited(code, item)
            year = text_of(item["year"])
            self.laws.append(
                {
                    "entry": [code],
                    "position": position,
                    "name": text_of(item["name"]),
                    "short_name": clean_text(words_["short"]),
                    "title": clean_text(words_["title"]) if "title" in words_ else official_title(item.get("title")),
                    "year": "" if year == "not captured" else year,
                    "summary": self.ours(code, words_["summary"]),
                    "status": words_["status"],
                    "status_note": self.ours(code, words_.get("status_note")),
                    "effects": self.effects(code, words_),
                    "source": [source],
                    "additional_sources": [[key] for key in also],
                }
            )
        rulings = self.match(
            code, "ruling", notes.get("court") or [], wording.get("rulings") or [], lambda item: text_of(item["case"])
        )
        for position, (item, words_) in enumerate(rulings):
            source, also = self.cited(code, item)
            self.rulings.append(
                {
                    "entry": [code],
                    "position": position,
                    "case": text_of(item["case"]),
                    "court": text_of(item["court"]),
                    "date": clean_text(words_["date"]) if "date" in words_ else dated(item.get("date")),
                    "holding": self.ours(code, words_["holding"]),
                    "effects": self.effects(code, words_),
                    "source": [source],
                    "additional_sources": [[key] for key in also],
                }
            )
        measures = self.match(
            code,
            "measure",
            notes.get("other_measures") or [],
            wording.get("measures") or [],
            lambda item: text_of(item.get("measure") or item.get("name")),
        )
        for position, (item, words_) in enumerate(measures):
            source, _also = self.cited(code, item)
            self.measures.append(
                {
                    "entry": [code],
                    "position": position,
                    "name": text_of(item["measure"]),
                    "date": dated(item.get("date")),
                    "summary": self.ours(code, words_["summary"]),
                    "source": [source],
                }
            )
        bills = self.match(
            code,
            "bill",
            notes.get("bills_not_enacted_or_pending") or [],
            wording.get("bills") or [],
            lambda item: text_of(item["name"]),
        )
        for position, (item, words_) in enumerate(bills):
            if words_.get("outcome") not in BILL_OUTCOMES:
                raise NotesError(f"{code}: bill {item['name']!r} needs an outcome out of {sorted(BILL_OUTCOMES)}.")
            source, _also = self.cited(code, item)
            self.bills.append(
                {
                    "entry": [code],
                    "position": position,
                    "name": text_of(item["name"]),
                    "year": text_of(item.get("year")),
                    "outcome": words_["outcome"],
                    "about": self.ours(code, words_.get("about")),
                    "source": [source],
                }
            )

    def build(self):
        notes = load_yaml(self.notes_path)
        wording = load_yaml(self.wording_path)
        if set(notes) != set(wording):
            raise NotesError(
                f"States in the notes but not the wording: {sorted(set(notes) - set(wording))}; "
                f"in the wording but not the notes: {sorted(set(wording) - set(notes))}."
            )
        for entry in notes.values():
            for field in NOTE_PROSE:
                self.note_runs |= runs(text_of(entry.get(field)))
            for group in ("laws", "court", "other_measures", "bills_not_enacted_or_pending"):
                for item in entry.get(group) or []:
                    for field in NOTE_PROSE:
                        self.note_runs |= runs(text_of(item.get(field)))
        for code in sorted(notes):
            self.add_state(code, notes[code], wording[code])
        return self

    def rows(self):
        """The fixture's objects, in loading order."""

        def model(name, rows):
            return [{"model": f"statelaw.{name}", "fields": row} for row in rows]

        return [
            *[{"model": "sources.source", "fields": self.sources[key]} for key in self.sources],
            *model("stateentry", self.entries),
            *model("law", self.laws),
            *model("courtruling", self.rulings),
            *model("othermeasure", self.measures),
            *model("bill", self.bills),
        ]


def state_law_fixture(notes_path, nlc_builder, wording_path=WORDING):
    """{FIXTURE_NAME: rows}, given the NLC builder whose sources the state laws may share."""
    builder = StateLawBuilder(notes_path, wording_path, known_sources=nlc_builder.sources.values()).build()
    return {FIXTURE_NAME: builder.rows()}
