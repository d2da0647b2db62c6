"""Practice search: one function decides how, whichever database runs.

On PostgreSQL a stored, weighted tsvector (names and tags > summary > facts) with a GIN index
answers a web-search style query, ranked. On SQLite an FTS5 index over the same three columns,
stemmed and weighted alike, finds practices where every word starts a word, ranked by bm25.
Either way the columns are kept current by practices/search_text.py.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, connections, models
from django.db.models import F, Value

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
LANGUAGE_CONFIG = "english"


class SearchDocument(models.Func):
    """The weighted search vector of a practice: tsvector on PostgreSQL, NULL elsewhere."""

    output_field = SearchVectorField(null=True)

    def __init__(self):
        super().__init__(
            SearchVector("search_names", weight="A", config=LANGUAGE_CONFIG)
            + SearchVector("summary", weight="B", config=LANGUAGE_CONFIG)
            + SearchVector("search_facts", weight="C", config=LANGUAGE_CONFIG),
        )

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index on databases without GIN (unused there)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def check_supported(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            super().check_supported(schema_editor)


def clean_query(query):
    """The visitor's words, trimmed to a sane length; '' if there is nothing to search for."""
    query = " ".join(str(query or "").replace("\x00", " ").split())
    return query[:MAX_QUERY_LENGTH]


WORD = re.compile(r"[^\W_]+")
# Words the visitor may type as words, which the databases' query languages would read as operators.
OPERATORS = {"OR", "AND", "NOT", "NEAR"}
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
POSSESSIVE = re.compile(r"(?<=[^\W_])'s\b", re.IGNORECASE)
LETTERS_DIGITS = re.compile(r"\d+|[^\W\d_]+")


def words_of(text):
    """Text as both databases' indexes split it: lowercase letters and digits, punctuation a separator.
    A possessive goes ("officers' ", "city's" read as "officers", "city"); "don't" stays two words, as indexed."""
    text = POSSESSIVE.sub("", str(text).translate(APOSTROPHES))
    return tuple(WORD.findall(text.lower()))


def fold(word):
    """A word without a plural ending, to compare a visitor's words with a synonym's ("U visas", "U visa")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def spellings(words, one_token=True):
    """The ways an index may hold a wording: "u-visa" as "u visa" or "uvisa"; "287g" as "287g" or "287 g"."""
    found = [words]
    if len(words) > 1 and one_token:
        found.append(("".join(words),))
    elif len(words) == 1 and len(split := tuple(LETTERS_DIGITS.findall(words[0]))) > 1:
        found.append(split)
    return found


@dataclass(frozen=True)
class Group:
    """One thing the visitor asked for: a word or a synonym's wording, and every phrase that finds it."""

    label: str  # as the visitor typed it
    words: tuple  # as the index reads it
    phrases: tuple  # each a tuple of words; any one matching finds the group
    synonym: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A visitor's query, read once: what every word must match (``groups``) and what excludes."""

    text: str = ""
    groups: tuple = ()
    excluded: tuple = ()

    def __bool__(self):
        return bool(self.groups or self.excluded)

    @property
    def phrases(self):
        return [phrase for group in self.groups for phrase in group.phrases]


def query_tokens(text):
    """(token as typed, its words, whether it is excluded) for each token of a cleaned query that counts."""
    tokens = []
    for token in text.split()[:MAX_WORDS]:
        words = words_of(token)
        if words and not (len(words) == 1 and words[0].upper() in OPERATORS):
            tokens.append((token, words, token.startswith("-") and len(token) > 1))
    return tokens


def parse(query, synonyms=None):
    """Read a query; ``synonyms`` (lists of wordings) default to the curated ones (one query)."""
    text = clean_query(query)
    tokens = query_tokens(text)
    if not tokens:
        return ParsedQuery(text)
    if synonyms is None:
        synonyms = apps.get_model("practices", "SearchSynonym").objects.forms()
    groups = []
    for excluded in (False, True):
        groups.append(tuple(group_words([(label, words) for label, words, ex in tokens if ex == excluded], synonyms)))
    return ParsedQuery(text, groups[0], groups[1])


def group_words(tokens, synonyms):
    """The tokens as groups: the longest run of whole tokens that is a synonym's wording becomes its group."""
    wordings = {}
    for forms in synonyms:
        phrases = tuple(
            dict.fromkeys(
                spelled
                for form in forms
                if (words := words_of(form))
                for spelled in spellings(words, one_token=len(form.split()) == 1)
            )
        )
        for form in forms:
            # Matched as the visitor's words are read: "and", "not"... are not among them.
            if key := tuple(fold(word) for word in words_of(form) if word.upper() not in OPERATORS):
                wordings.setdefault(key, phrases)
    index = 0
    while index < len(tokens):
        for end in range(len(tokens), index, -1):
            words = tuple(word for _label, token_words in tokens[index:end] for word in token_words)
            phrases = wordings.get(tuple(map(fold, words)))
            if phrases:
                label = " ".join(label.lstrip("-") for label, _words in tokens[index:end])
                yield Group(label, words, phrases, synonym=True)
                index = end
                break
        else:
            label, words = tokens[index]
            yield Group(label.lstrip("-"), words, tuple(spellings(words)))
            index += 1


def search(queryset, query):
    """Filter `queryset` to practices matching every word of `query` and annotate each with a `rank`.

    ``query`` is the visitor's text or a ParsedQuery (pages that search more than once parse once).
    """
    parsed = query if isinstance(query, ParsedQuery) else parse(query)
    if not parsed.text:
        return queryset.annotate(rank=Value(0.0, output_field=models.FloatField()))
    if not parsed:
        return no_matches(queryset)
    return matching(queryset, parsed.groups, parsed.excluded)


def matching(queryset, groups, excluded):
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, groups, excluded)
    return _search_sqlite(queryset, groups, excluded)


def matches_by_group(queryset, parsed):
    """{practice id: {group index: rank}} for the practices of ``queryset`` that match any one group (and
    no excluded word): which of the visitor's words each practice matches, in one query."""
    if not parsed.groups:
        return {}
    parts = [
        matching(queryset.order_by(), [group], parsed.excluded)
        .annotate(group=Value(index, output_field=models.IntegerField()))
        .values_list("pk", "group", "rank")
        for index, group in enumerate(parsed.groups)
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    found = {}
    for pk, group, rank in rows:
        found.setdefault(pk, {})[group] = rank or 0.0
    return found


def no_matches(queryset):
    return queryset.none().annotate(rank=Value(0.0, output_field=models.FloatField()))


def _search_postgresql(queryset, groups, excluded):
    """A tsquery of prefix phrases: 'acad' finds 'academy', 'deportation' finds 'deport'; '-word' excludes."""

    def tsquery(phrase, prefix=True):
        return "(" + " <-> ".join(part + ":*" if last and prefix else part for part, last in last_flags(phrase)) + ")"

    def any_of(group, prefix=True):
        return "(" + " | ".join(tsquery(phrase, prefix) for phrase in group.phrases) + ")"

    def none_of(groups):
        # Whole words only: "-u" leaves out "u", not every word starting with it.
        return " | ".join(any_of(group, prefix=False) for group in groups)

    if not groups:
        search_query = SearchQuery(none_of(excluded), search_type="raw", config=LANGUAGE_CONFIG)
        return queryset.exclude(search_vector=search_query).annotate(rank=Value(0.0, output_field=models.FloatField()))
    expression = " & ".join(map(any_of, groups))
    if excluded:
        expression = f"({expression}) & !({none_of(excluded)})"
    search_query = SearchQuery(expression, search_type="raw", config=LANGUAGE_CONFIG)
    return queryset.filter(search_vector=search_query).annotate(rank=SearchRank(F("search_vector"), search_query))


def last_flags(parts):
    return [(part, index == len(parts) - 1) for index, part in enumerate(parts)]


def _search_sqlite(queryset, groups, excluded):
    """FTS5 (see SQLITE_INDEX): every group must match a phrase starting words (stemmed), '-word'
    excludes; ranked by bm25."""

    def any_of(group, prefix=True):
        return "(" + " OR ".join(fts_phrase(phrase, prefix) for phrase in group.phrases) + ")"

    def none_of(groups):
        # Whole words only: "-u" leaves out "u", not every word starting with it.
        return " OR ".join(any_of(group, prefix=False) for group in groups)

    if not groups:
        # FTS5 refuses MATCH inside a correlated subquery: exclude by an uncorrelated one.
        entries = apps.get_model("practices", "PracticeSearchEntry").objects
        matching = entries.filter(document__match=none_of(excluded)).values("practice_id")
        return queryset.exclude(pk__in=matching).annotate(rank=Value(0.0, output_field=models.FloatField()))
    expression = " AND ".join(map(any_of, groups))
    if excluded:
        expression = f"({expression}) NOT ({none_of(excluded)})"
    return queryset.filter(search_entry__document__match=expression).annotate(rank=-F("search_entry__rank"))


def fts_phrase(parts, prefix=True):
    """A phrase as an FTS5 phrase (a prefix phrase by default): its parts are letters and digits only, so
    none reads as syntax."""
    return '"' + " ".join(parts) + ('"*' if prefix else '"')


# The SQLite full-text index: an FTS5 table over the practice's three search columns, kept in
# step by triggers on the practice table (so every write path keeps it current), weighted like
# PostgreSQL's A/B/C. The Porter stemmer lets 'academies' find 'academy' and 'deportation' 'deport'.
SQLITE_TABLE = "practices_practice_fts"
SQLITE_COLUMNS = ("search_names", "summary", "search_facts")
SQLITE_INDEX = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(
        {", ".join(SQLITE_COLUMNS)}, content='practices_practice', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rank) VALUES('rank', 'bm25(10.0, 4.0, 1.0)')",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_insert AFTER INSERT ON practices_practice BEGIN
        INSERT INTO {SQLITE_TABLE}(rowid, {", ".join(SQLITE_COLUMNS)})
        VALUES (new.id, {", ".join(f"new.{column}" for column in SQLITE_COLUMNS)});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_delete AFTER DELETE ON practices_practice BEGIN
        INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {", ".join(SQLITE_COLUMNS)})
        VALUES ('delete', old.id, {", ".join(f"old.{column}" for column in SQLITE_COLUMNS)});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_update AFTER UPDATE ON practices_practice BEGIN
        INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, {", ".join(SQLITE_COLUMNS)})
        VALUES ('delete', old.id, {", ".join(f"old.{column}" for column in SQLITE_COLUMNS)});
        INSERT INTO {SQLITE_TABLE}(rowid, {", ".join(SQLITE_COLUMNS)})
        VALUES (new.id, {", ".join(f"new.{column}" for column in SQLITE_COLUMNS)});
    END""",
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES('rebuild')",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
]


class FullTextDocument(models.TextField):
    """FTS5's hidden column named after its table: the whole row, for MATCH."""


@FullTextDocument.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


def ensure_sqlite_index(sender=None, using="default", **kwargs):
    """Create the SQLite full-text index and its triggers if missing, and rebuild it; safe to repeat."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_INDEX:
            cursor.execute(statement)
