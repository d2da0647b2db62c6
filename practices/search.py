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


def search(queryset, query):
    """Filter `queryset` to practices matching `query` and annotate each with a `rank`."""
    query = clean_query(query)
    if not query:
        return queryset.annotate(rank=Value(0.0, output_field=models.FloatField()))
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, query)
    return _search_sqlite(queryset, query)


@dataclass(frozen=True)
class Term:
    """One word of a visitor's query ('U-visa' is one term of two parts), and whether '-' excludes it."""

    parts: tuple
    excluded: bool = False


def terms(query):
    """The query's words, as both databases read them: punctuation and query syntax are plain separators."""
    found = []
    for token in query.split()[:MAX_WORDS]:
        parts = tuple(WORD.findall(token.lower()))
        if parts and not (len(parts) == 1 and parts[0].upper() in OPERATORS):
            found.append(Term(parts, excluded=token.startswith("-") and len(token) > 1))
    return found


WORD = re.compile(r"[^\W_]+")
# Words the visitor may type as words, which the databases' query languages would read as operators.
OPERATORS = {"OR", "AND", "NOT", "NEAR"}


def no_matches(queryset):
    return queryset.none().annotate(rank=Value(0.0, output_field=models.FloatField()))


def _search_postgresql(queryset, query):
    """A tsquery of prefix terms: 'acad' finds 'academy', 'deportation' finds 'deport'; '-word' excludes."""
    included = [term for term in terms(query) if not term.excluded]
    excluded = [term for term in terms(query) if term.excluded]
    if not included and not excluded:
        return no_matches(queryset)

    def tsquery(term):
        return "(" + " <-> ".join(part + ":*" if last else part for part, last in last_flags(term.parts)) + ")"

    if not included:
        search_query = SearchQuery(" | ".join(map(tsquery, excluded)), search_type="raw", config=LANGUAGE_CONFIG)
        return queryset.exclude(search_vector=search_query).annotate(rank=Value(0.0, output_field=models.FloatField()))
    expression = " & ".join(map(tsquery, included))
    if excluded:
        expression = f"({expression}) & !({' | '.join(map(tsquery, excluded))})"
    search_query = SearchQuery(expression, search_type="raw", config=LANGUAGE_CONFIG)
    return queryset.filter(search_vector=search_query).annotate(rank=SearchRank(F("search_vector"), search_query))


def last_flags(parts):
    return [(part, index == len(parts) - 1) for index, part in enumerate(parts)]


def _search_sqlite(queryset, query):
    """FTS5 (see SQLITE_INDEX): every word must start a word (stemmed), '-word' excludes; ranked by bm25."""
    included = [fts_term(term) for term in terms(query) if not term.excluded]
    excluded = [fts_term(term) for term in terms(query) if term.excluded]
    if not included and not excluded:
        return no_matches(queryset)
    if not included:
        # FTS5 refuses MATCH inside a correlated subquery: exclude by an uncorrelated one.
        entries = apps.get_model("practices", "PracticeSearchEntry").objects
        matching = entries.filter(document__match=" OR ".join(excluded)).values("practice_id")
        return queryset.exclude(pk__in=matching).annotate(rank=Value(0.0, output_field=models.FloatField()))
    expression = " AND ".join(included)
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(excluded)})"
    return queryset.filter(search_entry__document__match=expression).annotate(rank=-F("search_entry__rank"))


def fts_term(term):
    """A term as an FTS5 prefix phrase: its parts are letters and digits only, so none reads as syntax."""
    return '"' + " ".join(term.parts) + '"*'


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
