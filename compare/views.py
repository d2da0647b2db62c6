from django.shortcuts import render

from pagecache.middleware import cache_public_page
from practices.search import clean_query
from sources.citations import Citations

from .rows import compare_rows
from .selection import MAX_PRACTICES, MIN_PRACTICES, Picker, Selection

HIDE_SAME = "hide"


@cache_public_page
def compare(request):
    selection = Selection.from_query(request.GET)
    hide_same = request.GET.get("same") == HIDE_SAME and selection.enough
    rows = compare_rows(selection.practices) if selection.enough else []
    same = HIDE_SAME if hide_same else None
    context = {
        "selection": selection,
        "columns": selection.columns(same=same),
        "rows": [row for row in rows if not (hide_same and row.all_agree)],
        "hidden_rows": [row for row in rows if hide_same and row.all_agree],
        "share_url": request.build_absolute_uri(selection.url(same=same)),
        "hide_same_url": selection.url(same=HIDE_SAME),
        "show_all_url": selection.url(),
        "agreeing_rows": sum(row.all_agree for row in rows),
        "hide_same": hide_same,
        "picker": Picker(selection, clean_query(request.GET.get("q"))) if selection.room else None,
        "citations": Citations(),
        "min_practices": MIN_PRACTICES,
        "max_practices": MAX_PRACTICES,
    }
    return render(request, "compare/compare.html", context)
