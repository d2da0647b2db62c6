"""Every public page costs the same number of queries however large the directory grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department
from practices.models import (
    Community,
    Fact,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    RecommendationExample,
    StrategyArea,
)
from sources.models import Source

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10

PAGES = [
    reverse("home"),
    reverse("practices:list"),
    reverse("practices:list") + "?kind=language_access&kind=cultural_liaison&state=IA&community=lao&size=small",
    reverse("practices:list") + "?q=interpreters&sort=city",
    reverse("practices:detail", args=["storm-lake-ia"]),
    reverse("departments:list"),
    reverse("departments:detail", args=["storm-lake-ia"]),
    reverse("practices:recommendations"),
    reverse("about"),
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow_the_directory(copies=30):
    """Add departments and practices with facts, tags, sources and recommendation links."""
    kinds = list(PracticeKind.objects.all())
    areas = list(StrategyArea.objects.all())
    communities = list(Community.objects.all())
    languages = list(Language.objects.all())
    sources = list(Source.objects.all()[:5])
    storm_lake = Practice.objects.get(slug="storm-lake-ia")
    for number in range(copies):
        department = Department.objects.create(
            slug=f"grown-{number}-ia",
            name=f"Grown {number} Police Department",
            city=f"Grown {number}",
            state="IA",
            city_population=20000 + number,
            city_population_year=2010,
            city_population_source=sources[0],
        )
        for practice_number in range(2):
            practice = Practice.objects.create(
                slug=f"grown-{number}-{practice_number}",
                title=f"Grown practice {number}.{practice_number}",
                department=department,
                summary="Interpreters for grown test data.",
                status=Practice.Status.PUBLISHED,
            )
            practice.kinds.set(kinds[: 3 + number % 5])
            practice.areas.set(areas[:2])
            for community in communities[:3]:
                PracticeCommunity.objects.create(practice=practice, community=community, source=sources[1])
            for language in languages[:2]:
                PracticeLanguage.objects.create(practice=practice, language=language, source=sources[2])
            for position, section in enumerate(["how-it-works", "staffing", "timeline", "people", "outcomes"]):
                fact = Fact.objects.create(
                    practice=practice,
                    section=section,
                    position=position,
                    text=f"Fact {position}",
                    year=2000 + position if section == "timeline" else None,
                    source=sources[position % 5],
                )
                fact.additional_sources.set(sources[:2])
            RecommendationExample.objects.create(
                recommendation_id=1 + number % 28,
                practice=practice,
                note="Grown example.",
                source=sources[3],
                position=10 + practice_number,
            )
    # The Storm Lake page itself gains facts too.
    for position in range(40):
        Fact.objects.create(
            practice=storm_lake,
            section="timeline",
            year=2020,
            text=f"Event {position}",
            source=sources[position % 5],
            position=100 + position,
        )


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_small_and_constant(client, url):
    before = count_queries(client, url)
    grow_the_directory()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} queries before growing, {after} after"
    assert after <= MAX_QUERIES, f"{url}: {after} queries"
