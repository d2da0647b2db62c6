from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from curation.admin_base import CurationAdmin, SpreadsheetAdminMixin, VersionedInline

from .models import Department, WrittenPolicy, practice_model
from .resources import DepartmentResource


class PracticeInline(VersionedInline, admin.TabularInline):
    model = practice_model()
    fields = ["title", "entry_kind", "report_page", "status", "last_reviewed"]
    readonly_fields = ["title", "entry_kind", "report_page", "last_reviewed"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # A practice needs its kinds, summary and facts: add it from the practice form.
        return False


class WrittenPolicyInline(admin.TabularInline):
    model = WrittenPolicy
    fields = ["name", "kind", "year", "summary", "source", "position"]
    autocomplete_fields = ["source"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}
    extra = 0
    verbose_name_plural = _(
        "Written policies on immigration status, and commitments its leaders stated in public (each cited)"
    )


@admin.register(Department)
class DepartmentAdmin(SpreadsheetAdminMixin, CurationAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["__str__", "city", "state", "kind", "size_band", "city_population", "practice_count"]
    list_filter = ["state", "kind", "size_band", ("policies__kind", admin.AllValuesFieldListFilter)]
    search_fields = ["name", "city", "slug"]
    prepopulated_fields = {"slug": ["city", "state"]}
    autocomplete_fields = ["city_population_source", "foreign_born_share_source"]
    readonly_fields = ["size_band", "created", "updated"]
    inlines = [WrittenPolicyInline, PracticeInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "website", "city", "state", "slug"]}),
        (_("Location"), {"fields": ["latitude", "longitude"]}),
        (
            _("City facts"),
            {
                "fields": [
                    ("city_population", "city_population_year", "city_population_basis"),
                    "city_population_source",
                    ("foreign_born_share", "foreign_born_share_year", "foreign_born_share_basis"),
                    "foreign_born_share_source",
                    "size_band",
                ]
            },
        ),
        (_("Curation"), {"fields": ["curator_notes", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(practice_count=Count("practices"))

    @admin.display(description=_("practices"), ordering="practice_count")
    def practice_count(self, department):
        return department.practice_count
