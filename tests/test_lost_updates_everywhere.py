"""Every curated model has the version guard: of two concurrent saves, the second is refused, naming the first.

The models are discovered (tests/curated.py), so a model a new app adds to the admin is checked too.
"""

import importlib
import types

import pytest
from django import forms
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client

from curation.admin_base import guard_field

from .admin_forms import admin_url, error_text, form_data
from .curated import CURATED, CURATED_MODELS, an_entry, label

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sessions(curator, make_curator):
    ana, ben = Client(), Client()
    ana.force_login(curator)
    ben.force_login(make_curator("ben", first_name="Ben", last_name="Okafor"))
    return ana, ben


def free_text_field(model, form):
    """A field both curators can type into: plain text, not a key (each types a different value)."""
    for name, field in form.fields.items():
        if type(field) is not forms.CharField or field.widget.is_hidden or field.disabled:
            continue
        model_field = model._meta.get_field(name)
        if name not in ("slug", "key", "code"):
            return name, model_field
    raise LookupError(f"{label(model)} has no free text field to edit")


@pytest.mark.parametrize("model", CURATED_MODELS, ids=label)
def test_every_curated_model_carries_a_version(model):
    assert guard_field(model), f"{label(model)} has no version guard (make it a VersionedModel)"


@pytest.mark.parametrize("model", CURATED_MODELS, ids=label)
def test_the_second_of_two_concurrent_saves_is_refused(two_sessions, model):
    ana, ben = two_sessions
    obj = an_entry(model)
    url = admin_url(model, "change", obj.pk)
    ana_page, ben_page = ana.get(url), ben.get(url)
    name, model_field = free_text_field(model, ana_page.context["adminform"].form)
    limit = getattr(model_field, "max_length", None) or 200
    ana_value, ben_value = "Ana's words."[:limit], "Ben's words."[:limit]

    assert ana.post(url, {**form_data(ana_page), name: ana_value}).status_code == 302
    response = ben.post(url, {**form_data(ben_page), name: ben_value})
    assert response.status_code == 200, f"{label(model)}: Ben's stale save went through"
    message = error_text(response)
    assert "Ana García saved a change to this" in message
    assert "Nothing of yours was saved" in message
    obj.refresh_from_db()
    assert getattr(obj, name) == ana_value


def test_the_migration_starts_existing_suggestions_history_with_their_state():
    """corrections 0002 gives each suggestion made before it a first history record (versions start at 1)."""
    from corrections.models import CorrectionSuggestion

    suggestion = CorrectionSuggestion.objects.create(
        page="/about/", message="An older suggestion.", curator_notes="Checked the 2010 census."
    )
    suggestion.history.all().delete()  # as before the migration, which created the history table
    migration = importlib.import_module("corrections.migrations.0002_versions_history_client_key")
    migration.record_current_state(django_apps, types.SimpleNamespace(connection=connection))
    (record,) = suggestion.history.all()
    assert (record.curator_notes, record.version, record.history_type) == ("Checked the 2010 census.", 1, "+")


def test_a_suggestion_s_history_leaves_out_what_the_visitor_typed():
    from corrections.models import VISITOR_FIELDS, CorrectionSuggestion

    history_fields = {field.name for field in CorrectionSuggestion.history.model._meta.fields}
    assert not history_fields & set(VISITOR_FIELDS)
    assert {"status", "curator_notes", "version"} <= history_fields


def test_the_list_is_the_admin_s(admin_client):
    """Every model in the admin's index for curators is in the checked list."""
    index = admin_client.get("/admin/")
    shown = {(app["app_label"], entry["object_name"]) for app in index.context["app_list"] for entry in app["models"]}
    checked = {(model._meta.app_label, model._meta.object_name) for model, _admin in CURATED}
    assert {entry for entry in shown if entry[0] not in ("auth", "axes")} == checked
