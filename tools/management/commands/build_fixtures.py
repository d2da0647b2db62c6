import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.research_notes.converter import FixtureBuilder, NotesError
from tools.state_law.converter import state_law_fixture


class Command(BaseCommand):
    help = "Rebuild fixtures/*.json from the research notes (YAML). Needs PyYAML (requirements-dev.txt)."

    def add_arguments(self, parser):
        shared = Path(settings.BASE_DIR).parent / "shared"
        parser.add_argument(
            "--notes",
            type=Path,
            default=shared / "nlc-report",
            help="Folder holding report.yaml, recommendations.yaml and practices/ (default: ../shared/nlc-report).",
        )
        parser.add_argument(
            "--state-law",
            type=Path,
            default=shared / "state-law" / "state-laws.yaml",
            help="The state-law notes (default: ../shared/state-law/state-laws.yaml).",
        )
        parser.add_argument(
            "--output", type=Path, default=Path(settings.FIXTURE_DIRS[0]), help="Where to write the fixtures."
        )

    def handle(self, *args, notes, state_law, output, **options):
        if not (notes / "report.yaml").exists():
            raise CommandError(f"No research notes at {notes} (expected report.yaml there).")
        if not state_law.exists():
            raise CommandError(f"No state-law notes at {state_law}.")
        try:
            builder = FixtureBuilder(notes).build()
            written = builder.write(output)
            # The state laws come last: their sources reuse the rows the NLC notes already made.
            for name, rows in state_law_fixture(state_law, builder).items():
                (output / name).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
                written[name] = len(rows)
        except NotesError as error:
            raise CommandError(str(error)) from error
        for name, count in written.items():
            self.stdout.write(f"{output / name}: {count} objects")
