from django.contrib import messages
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from departments.models import Department
from pagecache.middleware import cache_public_page
from sources.citations import Citations
from sources.models import ReportNote, Source

from .browse import PracticeBrowse
from .forms import CorrectionSuggestionForm
from .models import (
    CorrectionSuggestion,
    Fact,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)


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
    facets = browse.facets()
    context = {
        "browse": browse,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "facets": facets,
        "filters_available": any(facet.options for facet in facets),
        "chips": browse.chips(),
    }
    return render(request, "practices/practice_list.html", context)


@cache_public_page
def practice_detail(request, slug):
    practices = (
        Practice.objects.visible_to(request.user)
        .select_related(
            "department__city_population_source",
            "department__foreign_born_share_source",
            "year_started_source",
            "current_status_source",
        )
        .prefetch_related(
            "kinds",
            "areas",
            Prefetch("community_links", queryset=PracticeCommunity.objects.select_related("community", "source")),
            Prefetch("language_links", queryset=PracticeLanguage.objects.select_related("language", "source")),
            Prefetch("facts", queryset=Fact.objects.select_related("source").prefetch_related("additional_sources")),
            Prefetch(
                "recommendation_links",
                queryset=RecommendationExample.objects.select_related("recommendation__area", "source").order_by(
                    "recommendation__area__position", "recommendation__position"
                ),
            ),
        )
    )
    practice = get_object_or_404(practices, slug=slug)
    context = {
        "practice": practice,
        "department": practice.department,
        "report": Source.objects.filter(key=Source.NLC_REPORT_KEY).first(),
        "citations": Citations(),
    }
    return render(request, "practices/practice_detail.html", context)


@cache_public_page
def recommendations(request):
    examples = RecommendationExample.objects.filter(practice__in=Practice.objects.published()).select_related(
        "practice__department", "source"
    )
    recommendations = Recommendation.objects.prefetch_related(
        "sources", Prefetch("example_links", queryset=examples, to_attr="public_examples")
    )
    published = Practice.objects.published()
    areas = (
        StrategyArea.objects.select_related("goal_source")
        .annotate(practice_count=Count("practices", filter=Q(practices__in=published)))
        .prefetch_related(Prefetch("recommendations", queryset=recommendations))
    )
    return render(request, "practices/recommendations.html", {"areas": areas, "citations": Citations()})


@cache_public_page
def about(request):
    notes = ReportNote.objects.select_related("source").order_by("topic", "position")
    by_topic = {}
    for note in notes:
        by_topic.setdefault(note.topic, []).append(note)
    context = {
        "report": Source.objects.filter(key=Source.NLC_REPORT_KEY).first(),
        "notes": by_topic,
        "contents": Practice.objects.published()
        .filter(report_page__isnull=False)
        .select_related("department")
        .order_by(F("report_order").asc(nulls_last=True), "title"),
        "citations": Citations(),
    }
    return render(request, "practices/about.html", context)


def suggest_correction(request):
    status = 200
    if request.method == "POST":
        form = CorrectionSuggestionForm(request.POST)
        if not CorrectionSuggestion.objects.accepting_more():
            form.add_error(
                None,
                _(
                    "More suggestions than the curators can read have arrived in the last hour, so this one "
                    "was not sent. Your text is still below: please send it again in an hour."
                ),
            )
            status = 429
        if form.is_valid():
            suggestion = form.save(commit=False)
            suggestion.practice = practice_at(suggestion.page)
            suggestion.save()
            messages.success(request, _("Thank you. The curators will check your suggestion against a source."))
            return redirect(suggestion.page or "about")
    else:
        form = CorrectionSuggestionForm(initial={"page": request.GET.get("page", "")[:300]})
    page = form["page"].value() or ""
    context = {"form": form, "practice": practice_at(page)}
    return render(request, "practices/suggest_correction.html", context, status=status)


def practice_at(path):
    """The published practice whose page is at `path`, if any."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "practices:detail":
        return None
    return Practice.objects.published().filter(slug=match.kwargs["slug"]).first()
