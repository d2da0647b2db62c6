from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, prefetch_related_objects
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from curation.admin_base import CurationAdmin, NeedsReviewFilter, PublishingActions, SpreadsheetAdminMixin
from curation.versions import VersionedModelForm

from . import consistency
from .evidence import outcome_sources
from .models import (
    Community,
    Fact,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    SearchSynonym,
    StrategyArea,
)
from .resources import PracticeResource
from .status_now import label as status_label


@admin.register(PracticeKind)
class PracticeKindAdmin(CurationAdmin):
    list_display = ["name", "slug", "needs_policy", "position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategyArea)
class StrategyAreaAdmin(CurationAdmin):
    list_display = ["name", "is_nlc_area", "position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["goal_source"]


@admin.register(Community)
class CommunityAdmin(CurationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(CurationAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(CurationAdmin):
    list_display = ["term", "other_wordings"]
    search_fields = ["term", "alternatives", "note"]
    fields = ["term", "alternatives", "note"]

    @admin.display(description=_("other wordings"))
    def other_wordings(self, obj):
        return ", ".join(obj.other_wordings)


class PracticeCommunityInline(admin.TabularInline):
    model = PracticeCommunity
    autocomplete_fields = ["community", "source"]
    extra = 0


class PracticeLanguageInline(admin.TabularInline):
    model = PracticeLanguage
    autocomplete_fields = ["language", "source"]
    extra = 0


class FactInline(admin.StackedInline):
    model = Fact
    fields = [
        ("section", "position", "year"),
        ("date", "shows"),
        "heading",
        "text",
        ("source", "additional_sources"),
        "correction",
    ]
    autocomplete_fields = ["source", "additional_sources"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})}}
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").prefetch_related("additional_sources")


class PracticeForm(VersionedModelForm):
    mark_reviewed = forms.BooleanField(
        label=_("Mark as reviewed today"),
        required=False,
        help_text=_("Tick when you have checked the whole entry against its sources; records today and your name."),
    )


class ConsistencyFilter(admin.SimpleListFilter):
    title = _("consistency")
    parameter_name = "consistency"

    def lookups(self, request, model_admin):
        return [("warnings", _("Has warnings not accepted"))]

    def queryset(self, request, queryset):
        if self.value() != "warnings":
            return queryset
        flagged = [
            practice.pk
            for practice, warnings in consistency.warnings_by_practice(queryset).items()
            if any(not warning.accepted for warning in warnings)
        ]
        return queryset.filter(pk__in=flagged)


@admin.register(Practice)
class PracticeAdmin(PublishingActions, SpreadsheetAdminMixin, CurationAdmin):
    form = PracticeForm
    resource_classes = [PracticeResource]
    list_display = [
        "title",
        "department",
        "entry_kind",
        "report_order",
        "status",
        "current_status",
        "last_reviewed",
        "reviewed_by",
        "fact_count",
    ]
    list_filter = [
        "status",
        NeedsReviewFilter,
        ConsistencyFilter,
        "current_status",
        "evidence_level",
        "entry_kind",
        "kinds",
        "areas",
        "department__state",
    ]
    list_select_related = ["department", "reviewed_by"]
    search_fields = ["title", "other_names", "summary", "slug", "department__name", "department__city"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["department", "year_started_source"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = [
        "last_reviewed",
        "reviewed_by",
        "created",
        "updated",
        "status_today",
        "evidence",
        "why_each_kind",
        "consistency_warnings",
    ]
    inlines = [PracticeCommunityInline, PracticeLanguageInline, FactInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "other_names", "department", "entry_kind"]}),
        (_("In the NLC report"), {"fields": [("report_order", "report_page")]}),
        (
            _("About the practice"),
            {"fields": ["summary", "caveat", "kinds", "why_each_kind", "areas", "contact_title"]},
        ),
        (_("Dates"), {"fields": [("year_started", "year_ended"), "year_started_source", "year_started_note"]}),
        (
            _("Since the report"),
            {
                "description": _(
                    "What became of the program. Add dated facts in the section 'Since the report' below, each "
                    "saying what it shows; the status today follows from them and the date of the check, by the "
                    "rule the About page explains. Never mark a fact 'ended' unless its source says so."
                ),
                "fields": ["current_status_checked", "status_today", ("current_page_url", "current_page_title")],
            },
        ),
        (_("Evidence"), {"fields": ["evidence"]}),
        (_("Consistency"), {"fields": ["consistency_warnings", "consistency_accepted"]}),
        (
            _("Publication and review"),
            {
                "fields": [
                    "status",
                    "mark_reviewed",
                    ("last_reviewed", "reviewed_by"),
                    "curator_notes",
                    ("created", "updated"),
                ]
            },
        ),
    ]

    def entry_label(self, practice):
        return f"{practice.title} ({practice.department.place})"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(fact_count=Count("facts"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A reader without the right to change sees no "mark as reviewed" box.
        return [
            (title, {**options, "fields": [name for name in options["fields"] if name != "mark_reviewed"]})
            for title, options in fieldsets
        ]

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("department", "year_started_source", "reviewed_by")
            .prefetch_related("kinds", "areas")
        )

    @admin.display(description=_("facts"), ordering="fact_count")
    def fact_count(self, practice):
        return practice.fact_count

    @admin.display(description=_("status today"))
    def status_today(self, practice):
        if not practice.pk:
            return "-"
        status = practice.status_now
        if status.fact is None:
            return status_label(status.status)
        return format_html(
            "{} <span class='help'>({})</span>",
            status_label(status.status, status.year, status.name),
            _("rests on: %(fact)s") % {"fact": status.fact},
        )

    @admin.display(description=_("evidence behind its outcomes"))
    def evidence(self, practice):
        if not practice.pk:
            return "-"
        sources = format_html_join(
            ", ",
            "{} ({})",
            ((source.title, source.get_evidence_display()) for source in outcome_sources(practice.facts.all())),
        )
        return format_html(
            "<strong>{}</strong><br><span class='help'>{} {}</span>",
            practice.get_evidence_level_display(),
            _("From the sources of its outcome facts (set each source's 'as evidence of results'):"),
            sources or _("none"),
        )

    @admin.display(description=_("why each kind"))
    def why_each_kind(self, practice):
        if not practice.pk:
            return "-"
        rows = []
        for kind, shown_by in consistency.kind_evidence(practice):
            reasons = "; ".join(str(item) for item in shown_by[:3]) or _("nothing shows it")
            rows.append((kind.name, reasons))
        return format_html("<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong>: {}</li>", rows))

    @admin.display(description=_("warnings"))
    def consistency_warnings(self, practice):
        if not practice.pk:
            return "-"
        warnings = consistency.check(practice, consistency.Vocabulary.load())
        if not warnings:
            return _("None: its languages, communities, start year, kinds and areas agree with its facts.")
        rows = [
            (
                warning.code,
                warning.message,
                _("accepted: %(why)s") % {"why": warning.accepted} if warning.accepted else "",
            )
            for warning in warnings
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li><code>{}</code> {} <em>{}</em></li>", rows))

    def get_object(self, request, object_id, from_field=None):
        """The practice with what its read-only panels (status, evidence, kinds, warnings) read, loaded once."""
        practice = super().get_object(request, object_id, from_field)
        if practice is not None:
            prefetch_related_objects([practice], "department", *consistency.check_relations())
        return practice

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("mark_reviewed"):
            obj.mark_reviewed(request.user)
        super().save_model(request, obj, form, change)


@admin.register(Fact)
class FactAdmin(CurationAdmin):
    list_display = ["__str__", "practice", "section", "year", "source"]
    list_filter = ["section", "practice"]
    list_select_related = ["practice", "source"]
    search_fields = ["text", "heading", "practice__title"]
    autocomplete_fields = ["practice", "source", "additional_sources"]


class RecommendationExampleInline(admin.TabularInline):
    model = RecommendationExample
    autocomplete_fields = ["practice", "source"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(CurationAdmin):
    list_display = ["title", "area", "position", "example_count"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["title", "actions", "note"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["sources"]
    inlines = [RecommendationExampleInline]
    fieldsets = [
        (None, {"fields": ["area", "title", "slug", "position"]}),
        (_("Content"), {"fields": ["actions", "sources", "note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(example_count=Count("example_links"))

    @admin.display(description=_("examples"), ordering="example_count")
    def example_count(self, recommendation):
        return recommendation.example_count
