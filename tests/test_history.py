"""Every change to the directory is recorded with who and when, and can be reverted from the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from departments.models import Department
from practices.management.commands.seed import LOADED_REASON, history_tracked_models
from practices.models import (
    Community,
    Fact,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)
from sources.models import ReportNote, Source

from .admin_forms import admin_url, form_data, inline_prefix

pytestmark = pytest.mark.django_db

CURATED_MODELS = [
    Source,
    ReportNote,
    Department,
    Practice,
    Fact,
    Recommendation,
    RecommendationExample,
    PracticeCommunity,
    PracticeLanguage,
    PracticeKind,
    StrategyArea,
    Community,
    Language,
]


def test_every_curated_model_keeps_a_history():
    assert set(history_tracked_models()) == set(CURATED_MODELS)


def test_seed_starts_each_history_with_the_loaded_state_and_nothing_else():
    for model in CURATED_MODELS:
        assert model.history.count() == model.objects.count(), model
        assert set(model.history.values_list("history_type", "history_change_reason")) == {("+", LOADED_REASON)}


def test_seed_force_keeps_the_history_and_starts_it_again_for_the_reloaded_rows():
    before = Practice.history.count()
    call_command("seed", "--force", "--noinput", stdout=StringIO(), stderr=StringIO())
    deleted = Practice.history.filter(history_type="-").count()
    assert deleted == 18
    assert Practice.history.count() == before + 18 + 18


def test_an_admin_edit_is_recorded_with_the_curator(curator_client, curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    response = curator_client.get(admin_url(Practice, "change", practice.pk))
    data = form_data(response)
    prefix = inline_prefix(response, Fact)
    data.update({"summary": "A curator's summary.", f"{prefix}-0-text": "A curator's fact."})
    assert curator_client.post(admin_url(Practice, "change", practice.pk), data).status_code == 302

    latest = practice.history.first()
    assert (latest.history_type, latest.history_user, latest.summary) == ("~", curator, "A curator's summary.")
    assert "summary" in latest.diff_against(latest.prev_record).changed_fields
    fact_record = Fact.history.filter(practice_id=practice.pk, history_type="~").get()
    assert (fact_record.history_user, fact_record.text) == (curator, "A curator's fact.")


def test_the_history_page_lists_changes_with_who_made_them(curator_client, curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    curator_client.post(admin_url(Practice, "change", practice.pk), {**data, "summary": "Changed."})
    response = curator_client.get(admin_url(Practice, "history", practice.pk))
    assert response.status_code == 200
    assert "ana" in response.text
    assert LOADED_REASON in response.text


def test_revert_restores_an_earlier_version_from_the_history_page(curator_client, curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    original = practice.summary
    loaded = practice.history.get()
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    curator_client.post(admin_url(Practice, "change", practice.pk), {**data, "summary": "A mistaken edit."})
    assert Practice.objects.get(pk=practice.pk).summary == "A mistaken edit."

    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, loaded.history_id])
    response = curator_client.get(revert_url)
    assert response.status_code == 200
    data = form_data(response)
    assert data["summary"] == original
    assert curator_client.post(revert_url, data).status_code == 302

    practice.refresh_from_db()
    assert practice.summary == original
    assert practice.version == 3
    assert (practice.history.first().history_user, practice.history.count()) == (curator, 3)


def test_a_stale_revert_is_refused_like_a_stale_edit(curator_client, make_curator):
    from django.test import Client

    practice = Practice.objects.get(slug="storm-lake-ia")
    loaded = practice.history.get()
    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, loaded.history_id])
    revert_data = form_data(curator_client.get(revert_url))

    ben = Client()
    ben.force_login(make_curator("ben"))
    data = form_data(ben.get(admin_url(Practice, "change", practice.pk)))
    ben.post(admin_url(Practice, "change", practice.pk), {**data, "summary": "Ben's newer edit."})

    response = curator_client.post(revert_url, revert_data)
    assert response.status_code == 200
    assert "ben saved a change to this practice" in response.text
    assert Practice.objects.get(pk=practice.pk).summary == "Ben's newer edit."


def test_a_deleted_fact_can_be_restored_from_its_history(curator_client):
    fact = Fact.objects.filter(practice__slug="storm-lake-ia").first()
    pk, text = fact.pk, fact.text
    assert curator_client.post(admin_url(Fact, "delete", pk), {"post": "yes"}).status_code == 302
    assert not Fact.objects.filter(pk=pk).exists()
    deleted = Fact.history.filter(id=pk, history_type="-").get()
    revert_url = reverse("admin:practices_fact_simple_history", args=[pk, deleted.history_id])
    assert curator_client.post(revert_url, form_data(curator_client.get(revert_url))).status_code == 302
    assert Fact.objects.get(pk=pk).text == text
