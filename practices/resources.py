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
    kinds = Field(attribute="kinds", column_name="kinds", widget=ByKeysWidget(PracticeKind, field="slug"))
    areas = Field(attribute="areas", column_name="areas", widget=ByKeysWidget(StrategyArea, field="slug"))
    # Exported for reference; a review is recorded with the admin's "mark as reviewed", never by import.
    last_reviewed = Field(attribute="last_reviewed", column_name="last_reviewed", widget=DateWidget(), readonly=True)
    reviewed_by = Field(attribute="reviewed_by__username", column_name="reviewed_by", readonly=True)
    # Derived from the facts "since the report" and their sources (status_now.py, evidence.py): exported only.
    current_status = Field(attribute="current_status", column_name="current_status", readonly=True)
    evidence_level = Field(attribute="evidence_level", column_name="evidence_level", readonly=True)

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
            "year_started_note",
            "summary",
            "caveat",
            "kinds",
            "areas",
            "contact_title",
            "status",
            "current_status_checked",
            "current_status",
            "current_page_url",
            "current_page_title",
            "evidence_level",
            "last_reviewed",
            "reviewed_by",
            "curator_notes",
        ]
        export_order = fields
