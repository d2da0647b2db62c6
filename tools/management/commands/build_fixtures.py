from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.research_notes.converter import FixtureBuilder, NotesError


class Command(BaseCommand):
    help = "Rebuild fixtures/*.json from the research notes (YAML). Needs PyYAML (requirements-dev.txt)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--notes",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "nlc-report",
            help="Folder holding report.yaml, recommendations.yaml and practices/ (default: ../shared/nlc-report).",
        )
        parser.add_argument(
            "--output", type=Path, default=Path(settings.FIXTURE_DIRS[0]), help="Where to write the fixtures."
        )

    def handle(self, *args, notes, output, **options):
        if not (notes / "report.yaml").exists():
            raise CommandError(f"No research notes at {notes} (expected report.yaml there).")
        try:
            written = FixtureBuilder(notes).build().write(output)
        except NotesError as error:
            raise CommandError(str(error)) from error
        for name, count in written.items():
            self.stdout.write(f"{output / name}: {count} objects")
