from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from curation.admin_base import CurationAdmin, names_of
from curation.review import review_cutoff

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


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("needed", _("Needs review (never, or before %(date)s)") % {"date": review_cutoff()}),
            ("done", _("Reviewed since %(date)s") % {"date": review_cutoff()}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needs_review()
        if self.value() == "done":
            return queryset.reviewed_recently()
        return queryset


@admin.register(StateEntry)
class StateEntryAdmin(CurationAdmin):
    list_display = ["__str__", "state", "stance", "status", "checked_on", "sources_through", "last_reviewed"]
    list_filter = ["stance", "status", NeedsReviewFilter]
    list_select_related = ["reviewed_by"]
    search_fields = ["state", "summary", "must", "must_not", "laws__name", "laws__short_name", "rulings__case"]
    readonly_fields = ["last_reviewed", "reviewed_by", "created", "updated"]
    formfield_overrides = TEXT_AREA
    inlines = [LawInline, CourtRulingInline, OtherMeasureInline, BillInline]
    actions = ["publish", "unpublish", "mark_reviewed"]
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

    def report(self, request, changed, selected, done, already):
        parts = []
        if changed:
            parts.append(done(len(changed)) % {"count": len(changed), "names": names_of(changed)})
        if unchanged := selected - len(changed):
            parts.append(already(unchanged) % {"count": unchanged})
        self.message_user(request, " ".join(parts), messages.SUCCESS if changed else messages.WARNING)

    @admin.action(description=_("Publish the selected states"), permissions=["change"])
    def publish(self, request, queryset):
        self.report(
            request,
            queryset.set_status(StateEntry.Status.PUBLISHED),
            queryset.count(),
            lambda n: ngettext("Published %(count)d state: %(names)s.", "Published %(count)d states: %(names)s.", n),
            lambda n: ngettext("%(count)d was already published.", "%(count)d were already published.", n),
        )

    @admin.action(description=_("Unpublish the selected states (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self.report(
            request,
            queryset.set_status(StateEntry.Status.DRAFT),
            queryset.count(),
            lambda n: ngettext(
                "Unpublished %(count)d state (now a draft): %(names)s.",
                "Unpublished %(count)d states (now drafts): %(names)s.",
                n,
            ),
            lambda n: ngettext("%(count)d was already a draft.", "%(count)d were already drafts.", n),
        )

    @admin.action(description=_("Mark the selected states as reviewed today by me"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        reviewed = queryset.mark_reviewed(request.user)
        self.report(
            request,
            reviewed,
            len(reviewed),
            lambda n: ngettext(
                "Marked %(count)d state as reviewed today by you: %(names)s.",
                "Marked %(count)d states as reviewed today by you: %(names)s.",
                n,
            ),
            lambda n: "",
        )


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
