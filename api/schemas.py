"""The API's response shapes, built from the open-data tables so that a column is defined once."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, create_model

from opendata import tables

TYPES = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": datetime.date,
    "datetime": datetime.datetime,
    "list": list[str],
}


def row_schema(table, schema_name, *, leave_out=(), **extra):
    """A schema with one field per column of ``table`` (typed, described), plus ``extra`` fields."""
    fields = {}
    for column in table.columns:
        if column.name in leave_out:
            continue
        python_type = Literal[column.enum] if column.enum else TYPES[column.type]
        if column.type not in ("string", "list", "boolean") and not column.required:
            python_type = python_type | None
        fields[column.name] = (python_type, Field(description=str(column.description)))
    fields.update(extra)
    return create_model(schema_name, __base__=Schema, __doc__=str(table.description), **fields)


class Error(Schema):
    detail: str = Field(description="What was wrong with the request, in plain words.")


class Page(Schema):
    count: int = Field(description="How many rows match, on all pages.")
    page: int
    pages: int = Field(description="How many pages there are at this page size.")
    page_size: int
    next: str | None = Field(description="The next page's address; null on the last page.")
    previous: str | None = Field(description="The previous page's address; null on the first page.")


def page_of(item, name):
    return create_model(name, __base__=Page, results=(list[item], ...))


class Entry(Schema):
    key: str = Field(description="The key the filters and other tables use.")
    name: str


Practice = row_schema(tables.practices, "Practice")
Department = row_schema(tables.departments, "Department")
Recommendation = row_schema(tables.recommendations, "Recommendation")
Source = row_schema(tables.sources, "Source")
Fact = row_schema(tables.facts, "Fact", leave_out={"practice"})
CommunityLink = row_schema(
    tables.practice_communities,
    "CommunityServed",
    leave_out={"practice"},
    name=(str, Field(description="The community's name.")),
)
LanguageLink = row_schema(
    tables.practice_languages, "LanguageUsed", leave_out={"practice"}, name=(str, Field(description="Its name."))
)
Example = row_schema(tables.recommendation_examples, "ExamplePractice")

PracticeDetail = create_model(
    "PracticeDetail",
    __base__=Practice,
    __doc__="A published practice with everything its page shows: facts, tags with their sources, the "
    "recommendations it illustrates, its department and every source it cites.",
    department_details=(Department, Field(description="The department that runs it.")),
    facts=(list[Fact], Field(description="Its cited facts, by section and position.")),
    communities_served=(list[CommunityLink], Field(description="Communities served, each with its source.")),
    languages_used=(list[LanguageLink], Field(description="Languages, each with its source.")),
    illustrates=(list[Example], Field(description="Recommendations this practice shows at work, and why.")),
    sources=(list[Source], Field(description="Every source the practice cites.")),
)
DepartmentDetail = create_model(
    "DepartmentDetail",
    __base__=Department,
    sources=(list[Source], Field(description="The sources of the city's facts.")),
)
RecommendationDetail = create_model(
    "RecommendationDetail",
    __base__=Recommendation,
    examples=(list[Example], Field(description="Published practices that show it, and what each shows.")),
    cited=(list[Source], Field(description="The recommending and example sources.")),
)

Kind = row_schema(tables.kinds, "Kind")
Area = row_schema(tables.areas, "Area")
Community = row_schema(tables.communities, "Community")
Language = row_schema(tables.languages, "Language")


class Vocabularies(Schema):
    kinds: list[Kind]  # type: ignore[valid-type]
    areas: list[Area]  # type: ignore[valid-type]
    communities: list[Community]  # type: ignore[valid-type]
    languages: list[Language]  # type: ignore[valid-type]
    states: list[Entry] = Field(description="USPS codes (the filter 'state').")
    city_sizes: list[Entry] = Field(description="Population bands (the filter 'size').")
    sorts: list[Entry] = Field(description="Orders for the practices list ('relevance' needs q).")


PracticePage = page_of(Practice, "PracticePage")
DepartmentPage = page_of(Department, "DepartmentPage")
SourcePage = page_of(Source, "SourcePage")
