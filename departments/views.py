from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from config.typed import as_typed
from pagecache.middleware import cache_public_page
from sources.citations import Citations

from .models import Department, WrittenPolicy, practice_model

DEPARTMENTS_PER_PAGE = 50
Practice = practice_model()

# ?policy= on the list: departments with a written policy, or with a policy or a stated commitment.
POLICY_FILTERS = {
    "written": _("with a written policy on immigration status"),
    "any": _("with a written policy or a public commitment"),
}


@cache_public_page
def department_list(request):
    published = Practice.objects.published()
    departments = Department.objects.public()
    policy = request.GET.get("policy", "")
    ignored = policy if policy and policy not in POLICY_FILTERS else ""
    if policy in POLICY_FILTERS:
        departments = departments.with_policies(policy)
    # The map shows the departments the list shows, whichever filter applies.
    map_practices = published.filter(department__in=departments.values("pk"))
    departments = (
        departments.with_published_practices()
        .prefetch_related(Prefetch("policies", queryset=WrittenPolicy.objects.order_by("year", "position")))
        .order_by("city", "state", "pk")
    )
    page = Paginator(departments, DEPARTMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "departments": page,
        "page_obj": page,
        "map_practices": map_practices,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "policy": policy if policy in POLICY_FILTERS else "",
        "policy_filters": POLICY_FILTERS,
        "ignored_policy": as_typed(ignored),
    }
    return render(request, "departments/department_list.html", context)


@cache_public_page
def department_detail(request, slug):
    preview = Practice.can_preview(request.user)
    departments = Department.objects.all() if preview else Department.objects.public()
    practices = Practice.objects.visible_to(request.user)
    department = get_object_or_404(
        departments.select_related("city_population_source", "foreign_born_share_source").prefetch_related(
            Prefetch("practices", queryset=practices.prefetch_related("kinds").order_by("report_order")),
            Prefetch("policies", queryset=WrittenPolicy.objects.select_related("source").order_by("year", "position")),
        ),
        slug=slug,
    )
    return render(request, "departments/department_detail.html", {"department": department, "citations": Citations()})
