"""Every change to the directory is recorded with who and when, and can be reverted from the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from curation.history import link_fields, link_history_model, links_as_of
from departments.models import Department, WrittenPolicy
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
    SearchSynonym,
    StrategyArea,
)
from sources.models import ReportNote, Source
from statelaw.models import Bill, CourtRuling, Law, OtherMeasure, StateEntry

from .admin_forms import admin_url, form_data, inline_prefix

pytestmark = pytest.mark.django_db

CURATED_MODELS = [
    Source,
    ReportNote,
    Department,
    WrittenPolicy,
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
    StateEntry,
    Law,
    CourtRuling,
    OtherMeasure,
    Bill,
]


def test_every_curated_model_keeps_a_history():
    assert set(history_tracked_models()) == set(CURATED_MODELS)
    assert SearchSynonym.history.count() == SearchSynonym.objects.count()


def test_a_synonym_edit_is_recorded_and_can_be_reverted(curator_client, curator):
    synonym = SearchSynonym.objects.get(term="U visa")
    url = admin_url(SearchSynonym, "change", synonym.pk)
    data = form_data(curator_client.get(url))
    assert curator_client.post(url, {**data, "alternatives": "u-visa\nvictim visa"}).status_code == 302
    latest = synonym.history.first()
    assert latest.history_user == curator and latest.alternatives == "u-visa\nvictim visa"
    first = synonym.history.last()
    revert_url = admin_url(SearchSynonym, "simple_history", synonym.pk, first.history_id)
    page = curator_client.get(revert_url)
    assert curator_client.post(revert_url, form_data(page)).status_code == 302
    synonym.refresh_from_db()
    assert "I-918" in synonym.alternatives


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


def kind_slugs(practice_or_record):
    return sorted(kind.slug for kind in practice_or_record.kinds.all())


def recorded_kinds(record):
    """The kinds a historical record of a practice keeps (its links as they were)."""
    return sorted(PracticeKind.objects.filter(pk__in=links_as_of(record)["kinds"]).values_list("slug", flat=True))


def test_seed_records_each_loaded_version_with_its_links():
    for practice in Practice.objects.prefetch_related("kinds", "areas"):
        links = links_as_of(practice.history.get())
        assert sorted(links["kinds"]) == sorted(kind.pk for kind in practice.kinds.all())
        assert sorted(links["areas"]) == sorted(area.pk for area in practice.areas.all())
    for recommendation in Recommendation.objects.all():
        assert sorted(links_as_of(recommendation.history.get())["sources"]) == sorted(
            recommendation.sources.values_list("pk", flat=True)
        )


def test_an_edit_of_kinds_is_one_record_with_the_new_kinds_and_shows_in_the_diff(curator_client, curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    loaded, original_kinds = practice.history.get(), kind_slugs(practice)
    kept = practice.kinds.first()
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    assert (
        curator_client.post(admin_url(Practice, "change", practice.pk), {**data, "kinds": [kept.pk]}).status_code == 302
    )

    assert practice.history.count() == 2
    latest = practice.history.first()
    assert (latest.history_user, recorded_kinds(latest)) == (curator, [kept.slug])
    assert "kinds" in latest.diff_against(loaded).changed_fields
    assert recorded_kinds(loaded) == original_kinds != [kept.slug]


def test_revert_restores_the_kinds_and_areas_of_the_chosen_version(curator_client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    original_kinds, original_areas = kind_slugs(practice), sorted(practice.areas.values_list("slug", flat=True))
    assert len(original_kinds) > 1 and original_areas
    loaded = practice.history.get()
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    edited = {**data, "kinds": [practice.kinds.first().pk], "areas": []}
    assert curator_client.post(admin_url(Practice, "change", practice.pk), edited).status_code == 302
    assert Practice.objects.get(pk=practice.pk).areas.count() == 0

    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, loaded.history_id])
    assert curator_client.post(revert_url, form_data(curator_client.get(revert_url))).status_code == 302

    practice = Practice.objects.get(pk=practice.pk)
    assert kind_slugs(practice) == original_kinds
    assert sorted(practice.areas.values_list("slug", flat=True)) == original_areas
    assert recorded_kinds(practice.history.first()) == original_kinds


def test_a_version_recorded_without_links_keeps_the_current_links_on_revert(curator_client):
    """Versions from before links were recorded (see migration 0007) restore fields, not links."""
    practice = Practice.objects.get(slug="storm-lake-ia")
    loaded = practice.history.get()
    for field in link_fields(Practice):
        link_history_model(Practice, field).objects.filter(history=loaded).delete()
    assert links_as_of(loaded) is None
    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, loaded.history_id])
    data = form_data(curator_client.get(revert_url))
    assert sorted(data["kinds"]) == sorted(practice.kinds.values_list("pk", flat=True))
