"""More of everything, quickly (bulk writes): for tests that a cost does not grow with the directory."""

from departments.models import Department
from practices.models import (
    Community,
    Fact,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)
from sources.models import Source


def grow(copies=20):
    """``copies`` departments, each with two published practices carrying tags, cited facts and examples."""
    sources = list(Source.objects.order_by("pk")[:5])
    kinds, areas = list(PracticeKind.objects.all()), list(StrategyArea.objects.all())
    communities, languages = list(Community.objects.all()[:3]), list(Language.objects.all()[:2])
    recommendations = list(Recommendation.objects.order_by("pk")[:5])
    departments = Department.objects.bulk_create(
        Department(
            slug=f"grown-{number}-ia",
            name=f"Grown {number} Police Department",
            city=f"Grown {number}",
            state="IA",
            city_population=20_000 + number,
            city_population_year=2010,
            city_population_source=sources[0],
        )
        for number in range(copies)
    )
    practices = Practice.objects.bulk_create(
        Practice(
            slug=f"grown-{department.pk}-{number}",
            title=f"Grown practice {department.pk}.{number}",
            department=department,
            summary="Interpreters for grown test data.",
            status=Practice.Status.PUBLISHED,
        )
        for department in departments
        for number in range(2)
    )
    Practice.kinds.through.objects.bulk_create(
        Practice.kinds.through(practice=practice, practicekind=kind) for practice in practices for kind in kinds[:4]
    )
    Practice.areas.through.objects.bulk_create(
        Practice.areas.through(practice=practice, strategyarea=area) for practice in practices for area in areas[:2]
    )
    PracticeCommunity.objects.bulk_create(
        PracticeCommunity(practice=practice, community=community, source=sources[1])
        for practice in practices
        for community in communities
    )
    PracticeLanguage.objects.bulk_create(
        PracticeLanguage(practice=practice, language=language, source=sources[2])
        for practice in practices
        for language in languages
    )
    facts = Fact.objects.bulk_create(
        Fact(practice=practice, section=section, position=position, text=f"Fact {position}", source=sources[3])
        for practice in practices
        for position, section in enumerate(["how-it-works", "staffing", "outcomes"])
    )
    Fact.additional_sources.through.objects.bulk_create(
        Fact.additional_sources.through(fact=fact, source=source) for fact in facts for source in sources[:2]
    )
    RecommendationExample.objects.bulk_create(
        RecommendationExample(recommendation=recommendation, practice=practice, note="Grown.", source=sources[4])
        for practice in practices
        for recommendation in recommendations
    )
    return practices
