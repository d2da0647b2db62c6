from curation.spreadsheets import DirectoryResource

from .models import Source


class SourceResource(DirectoryResource):
    class Meta:
        model = Source
        import_id_fields = ["key"]
        fields = [
            "key",
            "version",
            "title",
            "publisher",
            "author",
            "date",
            "url",
            "copy_url",
            "kind",
            "evidence",
            "curator_notes",
        ]
        export_order = fields
