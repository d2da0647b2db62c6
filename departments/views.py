from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from practices.models import Practice
from sources.citations import Citations

from .models import Department


def department_list(request):
    published = Practice.objects.published()
    departments = (
        Department.objects.public()
        .prefetch_related(Prefetch("practices", queryset=published.order_by("report_order")))
        .order_by("city", "state")
    )
    return render(request, "departments/department_list.html", {"departments": departments})


def department_detail(request, slug):
    preview = Practice.can_preview(request.user)
    departments = Department.objects.all() if preview else Department.objects.public()
    practices = Practice.objects.visible_to(request.user)
    department = get_object_or_404(
        departments.select_related("city_population_source", "foreign_born_share_source").prefetch_related(
            Prefetch("practices", queryset=practices.prefetch_related("kinds").order_by("report_order"))
        ),
        slug=slug,
    )
    return render(request, "departments/department_detail.html", {"department": department, "citations": Citations()})
