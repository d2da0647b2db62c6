from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Community,
    CorrectionSuggestion,
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


class RefreshesSearchText:
    """Keeps practice search current after a curator changes what it reads."""

    def practices_to_refresh(self, obj):
        return obj.practices.all()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.practices_to_refresh(obj).refresh_search_text()

    def delete_model(self, request, obj):
        practices = list(self.practices_to_refresh(obj).values_list("pk", flat=True))
        super().delete_model(request, obj)
        Practice.objects.filter(pk__in=practices).refresh_search_text()


@admin.register(PracticeKind)
class PracticeKindAdmin(RefreshesSearchText, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategyArea)
class StrategyAreaAdmin(RefreshesSearchText, admin.ModelAdmin):
    list_display = ["name", "is_nlc_area", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["goal_source"]


@admin.register(Community)
class CommunityAdmin(RefreshesSearchText, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(RefreshesSearchText, admin.ModelAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Practice.objects.filter(pk=form.instance.pk).refresh_search_text()

    @admin.display(description=_("facts"), ordering="fact_count")
    def fact_count(self, practice):
        return practice.fact_count


@admin.register(Fact)
class FactAdmin(RefreshesSearchText, admin.ModelAdmin):
    list_display = ["__str__", "practice", "section", "year", "source"]
    list_filter = ["section", "practice"]
    list_select_related = ["practice", "source"]
    search_fields = ["text", "heading", "practice__title"]
    autocomplete_fields = ["practice", "source", "additional_sources"]

    def practices_to_refresh(self, fact):
        return Practice.objects.filter(pk=fact.practice_id)


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


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "page", "practice", "status", "created"]
    list_filter = ["status"]
    list_select_related = ["practice"]
    search_fields = ["message", "page", "evidence_url"]
    autocomplete_fields = ["practice"]
    readonly_fields = ["page", "message", "evidence_url", "email", "created"]
    fields = ["page", "practice", "message", "evidence_url", "email", "created", "status", "curator_notes"]
