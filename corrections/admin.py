from django.contrib import admin

from curation.admin_base import CurationAdmin

from .models import CorrectionSuggestion


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(CurationAdmin):
    list_display = ["__str__", "page", "practice", "status", "created"]
    list_filter = ["status"]
    list_select_related = ["practice"]
    search_fields = ["message", "page", "evidence_url"]
    autocomplete_fields = ["practice"]
    readonly_fields = ["page", "message", "evidence_url", "email", "created"]
    fields = ["page", "practice", "message", "evidence_url", "email", "created", "status", "curator_notes"]
