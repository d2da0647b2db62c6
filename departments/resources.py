from import_export.fields import Field

from curation.spreadsheets import ByKeyWidget, DirectoryResource
from sources.models import Source

from .models import Department


class DepartmentResource(DirectoryResource):
    city_population_source = Field(
        attribute="city_population_source", column_name="city_population_source", widget=ByKeyWidget(Source, "key")
    )
    foreign_born_share_source = Field(
        attribute="foreign_born_share_source",
        column_name="foreign_born_share_source",
        widget=ByKeyWidget(Source, "key"),
    )

    class Meta:
        model = Department
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "version",
            "name",
            "kind",
            "city",
            "state",
            "latitude",
            "longitude",
            "website",
            "city_population",
            "city_population_year",
            "city_population_source",
            "city_population_basis",
            "foreign_born_share",
            "foreign_born_share_year",
            "foreign_born_share_source",
            "foreign_born_share_basis",
            "curator_notes",
        ]
        export_order = fields
