from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

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
    StrategyArea,
)


@admin.register(PracticeKind)
class PracticeKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategyArea)
class StrategyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "is_nlc_area", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["goal_source"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


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
    fields = [("section", "position", "year"), "heading", "text", ("source", "additional_sources")]
    autocomplete_fields = ["source", "additional_sources"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})}}
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "entry_kind", "report_order", "status", "last_reviewed", "fact_count"]
    list_filter = ["status", "entry_kind", "kinds", "areas", "department__state"]
    list_select_related = ["department"]
    search_fields = ["title", "other_names", "summary", "slug", "department__name", "department__city"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["department", "year_started_source"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["created", "updated"]
    inlines = [PracticeCommunityInline, PracticeLanguageInline, FactInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "other_names", "department", "entry_kind"]}),
        (_("In the NLC report"), {"fields": [("report_order", "report_page")]}),
        (_("About the practice"), {"fields": ["summary", "caveat", "kinds", "areas", "contact_title"]}),
        (_("Dates"), {"fields": [("year_started", "year_ended"), "year_started_source"]}),
        (_("Publication"), {"fields": ["status", "last_reviewed", "curator_notes", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(fact_count=Count("facts"))

    @admin.display(description=_("facts"), ordering="fact_count")
    def fact_count(self, practice):
        return practice.fact_count


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
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
class RecommendationAdmin(admin.ModelAdmin):
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
