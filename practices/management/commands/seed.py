from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from curation.history import record_current_links
from departments.models import Department
from practices import search_text
from practices.models import (
    Community,
    Language,
    Practice,
    PracticeKind,
    Recommendation,
    SearchSynonym,
    StrategyArea,
)
from practices.synonyms import add_default_synonyms
from sources.models import ReportNote, Source
from statelaw.models import StateEntry

# Deleted in this order by --force, so that nothing is still referenced when it goes.
DIRECTORY_MODELS = [
    StateEntry,
    Recommendation,
    Practice,
    Department,
    StrategyArea,
    PracticeKind,
    Community,
    Language,
    ReportNote,
    Source,
]


def fixture_files():
    """The directory's fixtures, in loading order (their names start with a number)."""
    return sorted(Path(settings.FIXTURE_DIRS[0]).glob("*.json"))


LOADED_REASON = "Loaded from the fixtures by manage.py seed"


def history_tracked_models():
    """Every directory model the fixtures load that keeps a history, parts such as facts and links included.
    (The search synonyms are not loaded: practices/synonyms.py starts their history.)"""
    return [
        model
        for app_label in ("sources", "departments", "statelaw", "practices")
        for model in apps.get_app_config(app_label).get_models()
        if hasattr(model._meta, "simple_history_manager_attribute") and model is not SearchSynonym
    ]


def record_loaded_history():
    """Start each entry's history with the state the fixtures gave it.

    loaddata saves raw, which django-simple-history does not record; without this first entry a
    curator could not see or revert to the original text.
    """
    loaded = timezone.now()
    for model in history_tracked_models():
        model.history.bulk_history_create(
            model.objects.all(), batch_size=500, default_change_reason=LOADED_REASON, default_date=loaded
        )
        record_current_links(model, model.history.filter(history_date=loaded, history_change_reason=LOADED_REASON))


def directory_counts():
    return {model._meta.verbose_name_plural: model.objects.count() for model in DIRECTORY_MODELS}


class Command(BaseCommand):
    help = (
        "Load the directory's content from fixtures/ into an empty database. On a database that already "
        "holds content it changes nothing, so curated edits are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete ALL directory content, curated edits included, and reload the fixtures.",
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm --force."
        )

    def handle(self, *args, force, interactive, **options):
        counts = {name: count for name, count in directory_counts().items() if count}
        if counts and not force:
            held = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(
                f"The directory already holds content ({held}). Nothing was loaded and nothing was changed.\n"
                "To throw away every curated edit and reload the original fixtures, run: "
                "python manage.py seed --force"
            )
            return
        if counts:
            self.stderr.write(
                self.style.WARNING(
                    "WARNING: --force deletes all directory content, including every edit curators made, "
                    "and reloads the original fixtures. This cannot be undone."
                )
            )
            if interactive and input("Type 'yes' to continue: ").strip().lower() != "yes":
                raise CommandError("Cancelled; nothing was changed.")
        files = fixture_files()
        if not files:
            raise CommandError(f"No fixtures found in {settings.FIXTURE_DIRS[0]}.")
        with transaction.atomic():
            for model in DIRECTORY_MODELS:
                model.objects.all().delete()
            # loaddata sets links (a practice's kinds, ...) after saving each row, which history would
            # record as a change; the first record below holds the loaded state with its links instead.
            with override_settings(SIMPLE_HISTORY_ENABLED=False), search_text.batched():
                call_command("loaddata", *[str(path) for path in files], verbosity=0)
            record_loaded_history()
            # Kept through --force: they are the curators' search settings, not the directory's content.
            add_default_synonyms(SearchSynonym, SearchSynonym.history.model)
        loaded = ", ".join(f"{count} {name}" for name, count in directory_counts().items())
        self.stdout.write(self.style.SUCCESS(f"Loaded the directory: {loaded}."))
