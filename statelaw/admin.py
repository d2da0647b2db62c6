from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from curation.admin_base import CurationAdmin, NeedsReviewFilter, PublishingActions

from .models import Bill, CourtRuling, Law, OtherMeasure, StateEntry

TEXT_AREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 90})}}


class LawInline(admin.StackedInline):
    model = Law
    fields = [
        ("short_name", "year", "position"),
        "name",
        "title",
        "summary",
        ("status", "status_note"),
        "effects",
        ("source", "additional_sources"),
    ]
    autocomplete_fields = ["source", "additional_sources"]
    formfield_overrides = TEXT_AREA
    extra = 0


class CourtRulingInline(admin.StackedInline):
    model = CourtRuling
    fields = [("case", "position"), ("court", "date"), "holding", "effects", ("source", "additional_sources")]
    autocomplete_fields = ["source", "additional_sources"]
    formfield_overrides = TEXT_AREA
    extra = 0


class OtherMeasureInline(admin.StackedInline):
    model = OtherMeasure
    fields = [("name", "date", "position"), "summary", "source"]
    autocomplete_fields = ["source"]
    formfield_overrides = TEXT_AREA
    extra = 0


class BillInline(admin.StackedInline):
    model = Bill
    fields = [("name", "year", "position"), ("outcome", "source"), "about"]
    autocomplete_fields = ["source"]
    formfield_overrides = TEXT_AREA
    extra = 0


@admin.register(StateEntry)
class StateEntryAdmin(PublishingActions, CurationAdmin):
    list_display = ["__str__", "state", "stance", "status", "checked_on", "sources_through", "last_reviewed"]
    list_filter = ["stance", "status", NeedsReviewFilter]
    list_select_related = ["reviewed_by"]
    search_fields = ["state", "summary", "must", "must_not", "laws__name", "laws__short_name", "rulings__case"]
    readonly_fields = ["last_reviewed", "reviewed_by", "created", "updated"]
    formfield_overrides = TEXT_AREA
    inlines = [LawInline, CourtRulingInline, OtherMeasureInline, BillInline]
    fieldsets = [
        (None, {"fields": [("state", "stance"), "summary", "must", "must_not"]}),
        (
            _("How current"),
            {
                "description": _(
                    "Laws in this area change quickly. Record when the law was last searched for and the date of "
                    "the newest source relied on; both are shown on the state's page."
                ),
                "fields": [("checked_on", "sources_through")],
            },
        ),
        (
            _("Publication and review"),
            {"fields": ["status", ("last_reviewed", "reviewed_by"), "curator_notes", ("created", "updated")]},
        ),
    ]


@admin.register(Law)
class LawAdmin(CurationAdmin):
    list_display = ["short_name", "entry", "year", "status"]
    list_filter = ["status", "entry__stance", "entry"]
    list_select_related = ["entry"]
    search_fields = ["name", "short_name", "title", "summary"]
    autocomplete_fields = ["entry", "source", "additional_sources"]
    formfield_overrides = TEXT_AREA


@admin.register(CourtRuling)
class CourtRulingAdmin(CurationAdmin):
    list_display = ["case", "entry", "court", "date"]
    list_filter = ["entry"]
    list_select_related = ["entry"]
    search_fields = ["case", "court", "holding"]
    autocomplete_fields = ["entry", "source", "additional_sources"]
    formfield_overrides = TEXT_AREA
