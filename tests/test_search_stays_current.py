"""Search answers with what the directory says now, whatever path wrote the change (issue 10).

Each test changes a word by a different path and asks the browse page, on whichever database runs.
"""

import pytest
from django.urls import reverse

from departments.models import Department
from practices.models import (
    Community,
    Fact,
    Practice,
    PracticeCommunity,
    PracticeKind,
    Recommendation,
    RecommendationExample,
)

from .admin_forms import admin_url, form_data
from .test_import_export import confirm, export, rows_of, to_csv, upload

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")


def found(client, words):
    return {practice.slug for practice in client.get(LIST, {"q": words}).context["page_obj"]}


def test_a_plain_save_in_a_shell(client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.title = "Storm Lake quokkaward outreach"
    practice.save()
    assert found(client, "quokkaward") == {"storm-lake-ia"}


def test_a_fact_added_and_deleted_in_a_shell(client):
    fact = Fact.objects.create(
        practice=Practice.objects.get(slug="dallas-tx"), section="how-it-works", text="A wombatic meeting.", source_id=1
    )
    assert found(client, "wombatic") == {"dallas-tx"}
    fact.delete()
    assert found(client, "wombatic") == set()


def test_a_queryset_update_and_a_bulk_create(client):
    Department.objects.filter(slug="storm-lake-ia").update(city="Lakequokka")
    assert "storm-lake-ia" in found(client, "Lakequokka")
    community = Community.objects.create(slug="numbat", name="Numbatese")
    PracticeCommunity.objects.bulk_create(
        [PracticeCommunity(practice=Practice.objects.get(slug="dallas-tx"), community=community, source_id=1)]
    )
    assert found(client, "Numbatese") == {"dallas-tx"}


def test_the_recommendations_a_practice_shows(client):
    recommendation = Recommendation.objects.get(title__icontains="U visa")
    dallas = Practice.objects.get(slug="dallas-tx")
    link = RecommendationExample.objects.create(
        recommendation=recommendation, practice=dallas, note="A kiwibird link.", source_id=1
    )
    assert found(client, "kiwibird") == {"dallas-tx"}
    Recommendation.objects.filter(pk=recommendation.pk).update(title="Set up a clear takahe certification process")
    assert "dallas-tx" in found(client, "takahe")
    link.delete()
    assert "dallas-tx" not in found(client, "kiwibird")


def test_links_set_from_either_side(client):
    kind = PracticeKind.objects.create(slug="bilbying", name="Bilbying", description="A test kind.")
    kind.practices.add(Practice.objects.get(slug="dallas-tx"))
    assert found(client, "Bilbying") == {"dallas-tx"}
    Practice.objects.get(slug="storm-lake-ia").kinds.add(kind)
    assert found(client, "Bilbying") == {"dallas-tx", "storm-lake-ia"}
    kind.practices.clear()
    assert found(client, "Bilbying") == set()


def test_a_bulk_delete_of_a_vocabulary_entry_in_the_admin(admin_client, client):
    kind = PracticeKind.objects.create(slug="potoroo", name="Potoroo work", description="A test kind.")
    kind.practices.add(Practice.objects.get(slug="dallas-tx"))
    assert found(client, "Potoroo") == {"dallas-tx"}
    response = admin_client.post(
        admin_url(PracticeKind, "changelist"),
        {"action": "delete_selected", "_selected_action": [kind.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not PracticeKind.objects.filter(pk=kind.pk).exists()
    assert found(client, "Potoroo") == set()


def test_a_spreadsheet_import_that_renames(curator_client, client):
    rows = rows_of(export(curator_client, Department))
    for row in rows:
        if row["slug"] == "storm-lake-ia":
            row["city"] = "Quollville"
    preview = upload(curator_client, Department, to_csv(rows))
    assert preview.status_code == 200
    confirm(curator_client, Department, preview)
    assert Department.objects.get(slug="storm-lake-ia").city == "Quollville"
    assert "storm-lake-ia" in found(client, "Quollville")


def test_a_history_revert(curator_client, client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    loaded = practice.history.get()
    change = admin_url(Practice, "change", practice.pk)
    curator_client.post(change, {**form_data(curator_client.get(change)), "title": "Dingoing in Storm Lake"})
    assert found(client, "Dingoing") == {"storm-lake-ia"}
    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, loaded.history_id])
    assert curator_client.post(revert_url, form_data(curator_client.get(revert_url))).status_code == 302
    assert found(client, "Dingoing") == set()
    assert "storm-lake-ia" in found(client, loaded.title.split()[0])


@pytest.fixture
def rebuilds(monkeypatch):
    """The practice ids each rebuild of derived fields covers, in order."""
    from practices import search_text
    from practices.models import PracticeQuerySet

    seen = []
    original = PracticeQuerySet.refresh_derived

    def counted(queryset):
        seen.append(sorted(queryset.values_list("pk", flat=True)))
        return original(queryset)

    monkeypatch.setattr(PracticeQuerySet, "refresh_derived", counted)
    assert search_text.READ_FIELDS  # the rule under test
    return seen


def test_publishing_and_reviewing_rebuild_nothing(rebuilds, curator):
    Practice.objects.filter(slug__in=["storm-lake-ia", "dallas-tx"]).unpublish()
    Practice.objects.filter(slug__in=["storm-lake-ia", "dallas-tx"]).publish()
    Practice.objects.filter(slug="dallas-tx").mark_reviewed(curator)
    assert rebuilds == []


def test_a_source_rebuilds_its_practices_only_when_what_they_read_changes(rebuilds):
    from sources.models import Source

    source = Source.objects.filter(facts__practice__slug="storm-lake-ia").first()
    source.title = source.title + " (retitled)"
    source.save()
    assert rebuilds == []
    source.evidence = "evaluation" if source.evidence != "evaluation" else "report"
    source.save()
    assert len(rebuilds) == 1 and Practice.objects.get(slug="storm-lake-ia").pk in rebuilds[0]


def test_one_admin_save_of_a_practice_with_its_facts_rebuilds_it_once(curator_client, rebuilds):
    practice = Practice.objects.get(slug="storm-lake-ia")
    change = admin_url(Practice, "change", practice.pk)
    data = form_data(curator_client.get(change))
    rebuilds.clear()
    response = curator_client.post(change, {**data, "title": "Storm Lake bandicoot outreach"})
    assert response.status_code == 302
    assert rebuilds == [[practice.pk]]
    assert found(curator_client, "bandicoot") == {"storm-lake-ia"}
