from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from config.clients import client_key
from practices.models import Practice

from .forms import CorrectionSuggestionForm
from .models import CorrectionSuggestion


def suggest_correction(request):
    status = 200
    if request.method == "POST":
        form = CorrectionSuggestionForm(request.POST)
        sender = client_key(request, "corrections")
        if not CorrectionSuggestion.objects.accepting_more(sender):
            form.add_error(
                None,
                _(
                    "More suggestions than our editors can read have arrived in the last hour, so this one "
                    "was not sent. Your text is still below: please send it again in an hour."
                ),
            )
            status = 429
        if form.is_valid():
            suggestion = form.save(commit=False)
            suggestion.practice = practice_at(suggestion.page)
            suggestion.client_key = sender
            suggestion.save()
            CorrectionSuggestion.objects.forget_old_clients()
            messages.success(request, _("Thank you. Our editors will check your suggestion against a source."))
            return redirect(suggestion.page or "about")
    else:
        form = CorrectionSuggestionForm(initial={"page": request.GET.get("page", "")[:300]})
    page = form["page"].value() or ""
    context = {"form": form, "practice": practice_at(page)}
    return render(request, "corrections/suggest_correction.html", context, status=status)


def practice_at(path):
    """The published practice whose page is at `path`, if any."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "practices:detail":
        return None
    return Practice.objects.published().filter(slug=match.kwargs["slug"]).first()
