from django.shortcuts import render
from django.urls import reverse

from pagecache.middleware import cache_public_page
from practices.models import vocabulary_choices
from sources.citations import Citations

from . import exports
from .forms import PlanForm, answers_query
from .plan import Plan


@cache_public_page
def plan(request):
    options = vocabulary_choices()
    # Any answer in the address, even an empty one, asks for a plan; a bare /plan/ shows the form.
    asked = any(name in request.GET for name in [*PlanForm.base_fields, "format"])
    form = PlanForm(request.GET if asked else None, options=options)
    context = {"form": form, "plan": None, "citations": Citations()}
    if asked and form.is_valid():
        answers = form.answers()
        query = answers_query(answers)
        if "edit" in request.GET:
            # A link that fills in some answers (a state's page gives its state) and leaves the rest to the visitor.
            context["form"] = PlanForm(query, options=options)
            return render(request, "planning/plan.html", context)
        if not query:
            query["size"] = ""  # an empty answer still asks for a (general) plan; a bare /plan/ shows the form
        plan = Plan(answers, options=options)
        share_url = request.build_absolute_uri(reverse("planning:plan") + (f"?{query.urlencode()}" if query else ""))
        export = request.GET.get("format")
        if export == "csv":
            return exports.as_csv(plan, request.build_absolute_uri)
        if export == "md":
            return exports.as_markdown(plan, request.build_absolute_uri, share_url)
        # Show the answers as the plan understood them (typed names matched to the lists, say).
        context.update(form=PlanForm(query, options=options), plan=plan, query=query, share_url=share_url)
    return render(request, "planning/plan.html", context)
