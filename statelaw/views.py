from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from departments.models import Department
from pagecache.middleware import cache_public_page
from sources.citations import Citations

from .listing import StateListing
from .models import StateEntry


def directory_in(state):
    """The state's profiled departments, each with its published practices (two queries)."""
    return Department.objects.public().filter(state=state).with_published_practices().order_by("city", "pk")


@cache_public_page
def state_list(request):
    listing = StateListing(request.GET, StateEntry.objects.published().for_list())
    return render(request, "statelaw/state_list.html", {"listing": listing})


@cache_public_page
def state_detail(request, code):
    if code != code.lower():
        return redirect("statelaw:detail", code=code.lower(), permanent=True)
    if len(code) != 2 or not code.isalpha():
        raise Http404
    entries = StateEntry.objects.visible_to(request.user).for_detail_page()
    entry = get_object_or_404(entries, state=code.upper())
    context = {
        "entry": entry,
        "departments": directory_in(entry.state),
        "citations": Citations(),
    }
    return render(request, "statelaw/state_detail.html", context)
