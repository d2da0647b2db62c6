"""Practice search: one function decides how, whichever database runs.

On PostgreSQL a stored, weighted tsvector (names and tags > summary > facts) with a GIN index
answers a web-search style query, ranked. On SQLite every word must appear in the names, the
summary or the facts, and matches in names count most.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce

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
    return _search_words(queryset, query)


def _search_postgresql(queryset, query):
    search_query = SearchQuery(query, search_type="websearch", config=LANGUAGE_CONFIG)
    return queryset.filter(search_vector=search_query).annotate(rank=SearchRank(F("search_vector"), search_query))


def _search_words(queryset, query):
    """Every word (or '-word' to exclude) must begin a word in the names, summary or facts."""
    included, excluded = [], []
    for token in query.split()[:MAX_WORDS]:
        word = token.strip("\"'().,;:!?*&|")
        if not word or word.upper() in {"OR", "AND"}:
            continue
        (excluded if token.startswith("-") and len(word) > 1 else included).append(word_pattern(word.lstrip("-")))
    if not included and not excluded:
        return queryset.none().annotate(rank=Value(0.0, output_field=models.FloatField()))
    rank = Value(0.0, output_field=models.FloatField())
    for pattern in included:
        in_names, in_summary, in_facts = (Q(**{f"{name}__iregex": pattern}) for name in FIELDS)
        queryset = queryset.filter(in_names | in_summary | in_facts)
        rank = rank + Case(
            When(in_names, then=Value(1.0)),
            When(in_summary, then=Value(0.4)),
            default=Value(0.2),
            output_field=models.FloatField(),
        )
    for pattern in excluded:
        queryset = queryset.exclude(
            Q(search_names__iregex=pattern) | Q(summary__iregex=pattern) | Q(search_facts__iregex=pattern)
        )
    return queryset.annotate(rank=Coalesce(rank, Value(0.0)))


FIELDS = ("search_names", "summary", "search_facts")


def word_pattern(token):
    """A regular expression for a word starting like ``token``, loosely ignoring English endings.

    'academies' and 'academy' find each other; 'interpreting' finds 'interpreters', 'deportation'
    finds 'deport'; 'ICE' does
    not find 'police'; 'policy' does not find 'police'.
    """
    word = token.lower()
    if word.endswith("ies") and len(word) > 4:
        return rf"\b{re.escape(word[:-3])}(y|ies)"
    if word.endswith("y") and len(word) > 3:
        return rf"\b{re.escape(word[:-1])}(y|ies)"
    for suffix in ("ations", "ation", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return rf"\b{re.escape(word[: -len(suffix)])}"
    return rf"\b{re.escape(word)}"
