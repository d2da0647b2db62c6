"""The curated models, discovered: every model the project's own apps register in the admin.

Tests that state a rule for every curated model (the version guard, write permissions) use this list,
so a model a new app registers is held to the rule as soon as it is in the admin.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin

BASE_DIR = Path(settings.BASE_DIR).resolve()


def project_app(model):
    path = Path(apps.get_app_config(model._meta.app_label).path).resolve()
    return BASE_DIR in path.parents and ".venv" not in path.parts


def curated_admins():
    """[(model, its ModelAdmin)] for the project's models in the admin, in a stable order."""
    registered = [(model, model_admin) for model, model_admin in admin.site._registry.items() if project_app(model)]
    return sorted(registered, key=lambda item: item[0]._meta.label)


CURATED = curated_admins()
CURATED_MODELS = [model for model, _admin in CURATED]


def label(model):
    return model._meta.label


def an_entry(model):
    """A row of ``model``: the fixtures' first, or one made for the test (models the fixtures leave empty)."""
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        return obj
    if model._meta.label == "corrections.CorrectionSuggestion":
        return model.objects.create(page="/practices/storm-lake-ia/", message="The CSO count changed in 2020.")
    raise LookupError(f"No {model._meta.label} to test with: add a way to make one in tests/curated.py.")
