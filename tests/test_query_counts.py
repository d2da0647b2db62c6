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
# A search also reads the curated synonyms and, for several words, which practices match which word,
# then loads the practices that match only some of them, with their kinds.
SEARCH_QUERIES = MAX_QUERIES + 4

PAGES = [
    reverse("home"),
    reverse("practices:list"),
    reverse("practices:list") + "?kind=language_access&kind=cultural_liaison&state=IA&community=lao&size=small",
    reverse("practices:list") + "?q=interpreters&sort=city",
    reverse("practices:list") + "?q=Somali+Hmong+u-visa",
    reverse("practices:detail", args=["storm-lake-ia"]),
    reverse("departments:list"),
    reverse("departments:detail", args=["storm-lake-ia"]),
    reverse("practices:recommendations"),
    reverse("about"),
    reverse("compare:compare") + "?p=storm-lake-ia&p=garden-grove-ca&p=saint-paul-mn",
    reverse("compare:compare") + "?p=storm-lake-ia&q=police",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow_the_directory(copies=30):
    """Add departments and practices with facts, tags, sources and recommendation links, in bulk."""
    kinds = list(PracticeKind.objects.all())
    areas = list(StrategyArea.objects.all())
    communities = list(Community.objects.all())
    languages = list(Language.objects.all())
    sources = list(Source.objects.all()[:5])
    storm_lake = Practice.objects.get(slug="storm-lake-ia")
    departments = Department.objects.bulk_create(
        Department(
            slug=f"grown-{number}-ia",
            name=f"Grown {number} Police Department",
            city=f"Grown {number}",
            state="IA",
            city_population=20000 + number,
            city_population_year=2010,
            city_population_source=sources[0],
        )
        for number in range(copies)
    )
    practices = Practice.objects.bulk_create(
        Practice(
            slug=f"grown-{number}-{practice_number}",
            title=f"Grown practice {number}.{practice_number}",
            department=department,
            summary="Interpreters for grown test data.",
            status=Practice.Status.PUBLISHED,
        )
        for number, department in enumerate(departments)
        for practice_number in range(2)
    )
    Practice.kinds.through.objects.bulk_create(
        Practice.kinds.through(practice=practice, practicekind=kind)
        for index, practice in enumerate(practices)
        for kind in kinds[: 3 + (index // 2) % 5]
    )
    Practice.areas.through.objects.bulk_create(
        Practice.areas.through(practice=practice, strategyarea=area) for practice in practices for area in areas[:2]
    )
    PracticeCommunity.objects.bulk_create(
        PracticeCommunity(practice=practice, community=community, source=sources[1])
        for practice in practices
        for community in communities[:3]
    )
    PracticeLanguage.objects.bulk_create(
        PracticeLanguage(practice=practice, language=language, source=sources[2])
        for practice in practices
        for language in languages[:2]
    )
    sections = ["how-it-works", "staffing", "timeline", "people", "outcomes"]
    facts = Fact.objects.bulk_create(
        [
            Fact(
                practice=practice,
                section=section,
                position=position,
                text=f"Fact {position}",
                year=2000 + position if section == "timeline" else None,
                source=sources[position % 5],
            )
            for practice in practices
            for position, section in enumerate(sections)
        ]
        # The Storm Lake page itself gains facts too.
        + [
            Fact(
                practice=storm_lake,
                section="timeline",
                year=2020,
                text=f"Event {position}",
                source=sources[position % 5],
                position=100 + position,
            )
            for position in range(40)
        ]
    )
    Fact.additional_sources.through.objects.bulk_create(
        Fact.additional_sources.through(fact=fact, source=source)
        for fact in facts[: len(practices) * 5]
        for source in sources[:2]
    )
    RecommendationExample.objects.bulk_create(
        RecommendationExample(
            recommendation_id=1 + (index // 2) % 28,
            practice=practice,
            note="Grown example.",
            source=sources[3],
            position=10 + index % 2,
        )
        for index, practice in enumerate(practices)
    )


def test_every_page_costs_a_small_constant_number_of_queries(client):
    """Measured on the seeded directory, then again after it grows (grown once for every page)."""
    before = {url: count_queries(client, url) for url in PAGES}
    grow_the_directory()
    after = {url: count_queries(client, url) for url in PAGES}
    grew = {url: (before[url], after[url]) for url in PAGES if after[url] != before[url]}
    assert not grew, f"queries (before, after growing) per page: {grew}"
    too_many = {
        url: count
        for url, count in after.items()
        if count > (SEARCH_QUERIES if "q=" in url and "compare" not in url else MAX_QUERIES)
    }
    assert not too_many, f"pages over their query budget: {too_many}"
