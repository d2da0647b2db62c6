from import_export.fields import Field
from import_export.widgets import DateWidget

from curation.spreadsheets import ByKeysWidget, ByKeyWidget, DirectoryResource
from departments.models import Department
from sources.models import Source

from .models import Practice, PracticeKind, StrategyArea


class PracticeResource(DirectoryResource):
    """One row per practice. Its facts, communities and languages are edited in the admin, not here."""

    department = Field(attribute="department", column_name="department", widget=ByKeyWidget(Department, "slug"))
    year_started_source = Field(
        attribute="year_started_source", column_name="year_started_source", widget=ByKeyWidget(Source, "key")
    )
    current_status_source = Field(
        attribute="current_status_source", column_name="current_status_source", widget=ByKeyWidget(Source, "key")
    )
    kinds = Field(attribute="kinds", column_name="kinds", widget=ByKeysWidget(PracticeKind, field="slug"))
    areas = Field(attribute="areas", column_name="areas", widget=ByKeysWidget(StrategyArea, field="slug"))
    # Exported for reference; a review is recorded with the admin's "mark as reviewed", never by import.
    last_reviewed = Field(attribute="last_reviewed", column_name="last_reviewed", widget=DateWidget(), readonly=True)
    reviewed_by = Field(attribute="reviewed_by__username", column_name="reviewed_by", readonly=True)

    class Meta:
        model = Practice
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "version",
            "title",
            "other_names",
            "department",
            "entry_kind",
            "report_order",
            "report_page",
            "year_started",
            "year_started_source",
            "year_ended",
            "summary",
            "caveat",
            "kinds",
            "areas",
            "contact_title",
            "status",
            "current_status",
            "current_status_checked",
            "current_status_note",
            "current_status_source",
            "last_reviewed",
            "reviewed_by",
            "curator_notes",
        ]
        export_order = fields
