"""Practice search: one function decides how, whichever database runs.

On PostgreSQL a stored, weighted tsvector (names and tags > summary > facts) with a GIN index
answers a web-search style query, ranked. On SQLite every word must appear in the names, the
summary or the facts, and matches in names count most.
"""

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
    words = [word.strip("\"'()") for word in query.split()][:MAX_WORDS]
    words = [word for word in words if word and word.upper() != "OR" and not word.startswith("-")] or [query]
    rank = Value(0.0, output_field=models.FloatField())
    for word in words:
        in_names = Q(search_names__icontains=word)
        in_summary = Q(summary__icontains=word)
        in_facts = Q(search_facts__icontains=word)
        queryset = queryset.filter(in_names | in_summary | in_facts)
        rank = rank + Case(
            When(in_names, then=Value(1.0)),
            When(in_summary, then=Value(0.4)),
            default=Value(0.2),
            output_field=models.FloatField(),
        )
    return queryset.annotate(rank=Coalesce(rank, Value(0.0)))
