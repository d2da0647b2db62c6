"""`manage.py seed` loads an empty directory once and never overwrites curated edits."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from practices.management.commands.seed import DIRECTORY_MODELS, directory_counts
from practices.models import Practice

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def empty_the_directory():
    for model in DIRECTORY_MODELS:
        model.objects.all().delete()


def test_seed_loads_an_empty_directory():
    empty_the_directory()
    output = seed()
    assert "Loaded the directory" in output
    assert Practice.objects.count() == 18


def test_seed_twice_changes_nothing_and_keeps_an_edit():
    storm_lake = Practice.objects.get(slug="storm-lake-ia")
    storm_lake.summary = "A curator rewrote this summary."
    storm_lake.save()
    before = directory_counts()
    output = seed()
    assert "Nothing was loaded and nothing was changed" in output
    assert directory_counts() == before
    storm_lake.refresh_from_db()
    assert storm_lake.summary == "A curator rewrote this summary."


def test_force_reloads_after_a_warning():
    Practice.objects.filter(slug="storm-lake-ia").update(summary="Edited.")
    out, err = StringIO(), StringIO()
    call_command("seed", "--force", "--noinput", stdout=out, stderr=err)
    assert "WARNING" in err.getvalue()
    assert Practice.objects.get(slug="storm-lake-ia").summary != "Edited."
    assert Practice.objects.count() == 18


def test_force_without_confirmation_changes_nothing(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    Practice.objects.filter(slug="storm-lake-ia").update(summary="Edited.")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("seed", "--force", stdout=StringIO(), stderr=StringIO())
    assert Practice.objects.get(slug="storm-lake-ia").summary == "Edited."
