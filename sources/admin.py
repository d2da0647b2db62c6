from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from curation.admin_base import CurationAdmin, SpreadsheetAdminMixin

from .models import ReportNote, Source
from .resources import SourceResource


@admin.register(Source)
class SourceAdmin(SpreadsheetAdminMixin, CurationAdmin):
    resource_classes = [SourceResource]
    list_display = ["title", "publisher", "date", "kind", "evidence", "key", "fact_count"]
    list_filter = ["kind", "evidence"]
    search_fields = ["key", "title", "publisher", "author", "url", "copy_url"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "publisher", "author", "date", "url", "copy_url", "kind", "evidence", "key"]}),
        (_("Curation"), {"fields": ["curator_notes", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(fact_count=Count("facts"))

    @admin.display(description=_("facts citing it"), ordering="fact_count")
    def fact_count(self, source):
        return source.fact_count


@admin.register(ReportNote)
class ReportNoteAdmin(CurationAdmin):
    list_display = ["__str__", "topic", "position", "source", "read_in_report"]
    list_filter = ["topic", "read_in_report"]
    list_select_related = ["source"]
    search_fields = ["heading", "text"]
    autocomplete_fields = ["source"]
