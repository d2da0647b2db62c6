from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from departments.models import Department, SizeBand
from pagecache.middleware import cache_public_page
from sources.citations import Citations
from sources.models import ReportNote, Source
from statelaw.models import STANCE_MEANINGS, Stance

from .browse import POLICY_CHOICES, PracticeBrowse
from .glossary import TERMS
from .models import (
    Practice,
    PracticeKind,
    Recommendation,
    StrategyArea,
)
from .status_now import RECENT_YEARS


@cache_public_page
def home(request):
    published = Practice.objects.published()
    counted = {"count": Count("practices", filter=Q(practices__in=published))}
    # The cards show the departments the report profiles: a few, however large the directory grows.
    in_report = published.filter(report_page__isnull=False)
    context = {
        "practice_count": published.filter(entry_kind=Practice.EntryKind.GOOD_PRACTICE).count(),
        "kinds": PracticeKind.objects.annotate(**counted).filter(count__gt=0),
        "areas": StrategyArea.objects.annotate(**counted).filter(count__gt=0),
        "departments": Department.objects.filter(Exists(in_report.filter(department=OuterRef("pk"))))
        .prefetch_related(Prefetch("practices", queryset=in_report.order_by("report_order")))
        .order_by("city", "state"),
    }
    return render(request, "practices/home.html", context)


@cache_public_page
def practice_list(request):
    browse = PracticeBrowse(request.GET, Practice.objects.published())
    page = browse.page(request.GET.get("page"))
    page.object_list = browse.with_snippets(page.object_list)
    facets = browse.facets()
    context = {
        "browse": browse,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "facets": facets,
        "filters_available": any(facet.options for facet in facets),
        "chips": browse.chips(),
        # Those that match some of the words follow the last page of those that match them all.
        "partial": None if page.has_next() else browse.partial_matches,
        "suggestion": browse.suggestion(page.paginator.count),
    }
    return render(request, "practices/practice_list.html", context)


@cache_public_page
def practice_detail(request, slug):
    practices = Practice.objects.visible_to(request.user).for_detail_page()
    practice = get_object_or_404(practices, slug=slug)
    report, nlc_page = Source.objects.report_and_nlc_page()
    context = {
        "practice": practice,
        "department": practice.department,
        "report": report,
        "nlc_page": nlc_page,
        "citations": Citations(),
    }
    return render(request, "practices/practice_detail.html", context)


@cache_public_page
def recommendations(request):
    recommendations = Recommendation.objects.with_public_examples()
    published = Practice.objects.published()
    areas = (
        StrategyArea.objects.select_related("goal_source")
        .annotate(practice_count=Count("practices", filter=Q(practices__in=published)))
        .prefetch_related(Prefetch("recommendations", queryset=recommendations))
    )
    return render(request, "practices/recommendations.html", {"areas": areas, "citations": Citations()})


@cache_public_page
def glossary(request):
    context = {
        "terms": sorted(TERMS, key=lambda term: str(term.name).lower()),
        "kinds": PracticeKind.objects.order_by("position", "name"),
        "areas": StrategyArea.objects.order_by("position", "name"),
        "size_bands": SizeBand.choices,
        "stances": [(Stance(value).label, meaning) for value, meaning in STANCE_MEANINGS.items()],
        "policies": POLICY_CHOICES,
        "recent_years": RECENT_YEARS,
    }
    return render(request, "practices/glossary.html", context)


@cache_public_page
def about(request):
    notes = ReportNote.objects.select_related("source").order_by("topic", "position")
    by_topic = {}
    for note in notes:
        by_topic.setdefault(note.topic, []).append(note)
    report, nlc_page = Source.objects.report_and_nlc_page()
    context = {
        "report": report,
        "nlc_page": nlc_page,
        "recent_years": RECENT_YEARS,
        "notes": by_topic,
        "contents": Practice.objects.published()
        .filter(report_page__isnull=False)
        .select_related("department")
        .order_by(F("report_order").asc(nulls_last=True), "title"),
        "citations": Citations(),
    }
    return render(request, "practices/about.html", context)
