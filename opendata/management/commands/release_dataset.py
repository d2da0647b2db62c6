from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from opendata.release import releases_dir, write_release


class Command(BaseCommand):
    help = (
        "Write the next dataset release (a dated, versioned Frictionless Data Package of every published "
        "table, and its zip archive) into DJANGO_DATA_RELEASES_DIR; /data/ then offers it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The site's public address for the links in the data, e.g. https://practices.example.org "
            "(default: DJANGO_SITE_URL).",
        )
        parser.add_argument("--output", default=None, help="Write into this folder instead of the releases folder.")

    def handle(self, *args, site_url, output, **options):
        site_url = (site_url or "").strip().rstrip("/")
        try:
            URLValidator(schemes=["http", "https"])(site_url)
        except ValidationError:
            raise CommandError(
                "Give the site's public address with --site-url https://... or DJANGO_SITE_URL: the release's "
                "links (each practice's page) are made from it."
            ) from None
        release = write_release(site_url, output or releases_dir())
        self.stdout.write(f"Released version {release.version} ({release.date}): {release.archive}")
