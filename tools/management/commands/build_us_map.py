from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.us_map.shapes import PackageError, build, read_package, write

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "maps" / "data" / "us-states.json"


class Command(BaseCommand):
    help = (
        "Rebuild maps/data/us-states.json (the states the map draws) from npm's us-atlas package: "
        "`npm pack us-atlas@3` in a scratch folder, then pass the .tgz (or an unpacked package folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("package", type=Path, help="us-atlas-<version>.tgz from `npm pack`, or its folder.")
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"Default: {DEFAULT_OUTPUT}.")

    def handle(self, *args, package, output, **options):
        try:
            meta, topology = read_package(package)
        except PackageError as error:
            raise CommandError(str(error)) from error
        data = build(topology, meta)
        path = write(data, output)
        self.stdout.write(f"{path}: {len(data['states'])} states, {path.stat().st_size:,} bytes, from {data['source']}")
