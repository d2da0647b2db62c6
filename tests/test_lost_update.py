"""Two curators editing the same entry: the second save is refused with the first one's change, never lost."""

import pytest
from django.test import Client

from departments.models import Department
from practices.models import Fact, Practice, Recommendation
from sources.models import Source

from .admin_forms import admin_url, error_text, form_data, inline_prefix

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(make_curator):
    return make_curator("ben", first_name="Ben", last_name="Okafor")


@pytest.fixture
def two_sessions(curator, ben):
    ana_client, ben_client = Client(), Client()
    ana_client.force_login(curator)
    ben_client.force_login(ben)
    return ana_client, ben_client


def open_form(client, obj):
    response = client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    return form_data(response), response


def test_version_counts_up_in_the_database_on_every_save():
    practice = Practice.objects.get(slug="storm-lake-ia")
    start = practice.version
    stale = Practice.objects.get(pk=practice.pk)
    practice.save()
    stale.save()  # saved from an older copy: still a new number, never a repeat
    assert stale.version == start + 2
    assert Practice.objects.get(pk=practice.pk).version == start + 2


def test_the_second_save_is_refused_and_names_the_first_curator_and_field(two_sessions):
    ana, ben = two_sessions
    practice = Practice.objects.get(slug="storm-lake-ia")
    ana_data, _response = open_form(ana, practice)
    ben_data, _response = open_form(ben, practice)

    ana_data["summary"] = "Ana's reviewed summary."
    response = ana.post(admin_url(Practice, "change", practice.pk), ana_data)
    assert response.status_code == 302

    ben_data["summary"] = "Ben's competing summary."
    response = ben.post(admin_url(Practice, "change", practice.pk), ben_data)
    assert response.status_code == 200
    message = error_text(response)
    assert "Ana García saved a change to this practice" in message
    assert "summary" in message
    assert "Ana's reviewed summary." in message
    assert "Nothing of yours was saved" in message
    # Ben's input is still in the form, so he can reconcile it.
    assert response.context["adminform"].form["summary"].value() == "Ben's competing summary."
    practice.refresh_from_db()
    assert practice.summary == "Ana's reviewed summary."


def test_after_seeing_the_conflict_saving_again_is_a_deliberate_overwrite(two_sessions):
    ana, ben = two_sessions
    practice = Practice.objects.get(slug="storm-lake-ia")
    ana_data, _response = open_form(ana, practice)
    ben_data, _response = open_form(ben, practice)
    ana.post(admin_url(Practice, "change", practice.pk), {**ana_data, "summary": "Ana's summary."})

    refused = ben.post(admin_url(Practice, "change", practice.pk), {**ben_data, "summary": "Ben's summary."})
    assert refused.status_code == 200
    # The re-displayed form carries the version Ana saved; posting it now is Ben's informed choice.
    again = form_data(refused)
    assert ben.post(admin_url(Practice, "change", practice.pk), again).status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Ben's summary."


def test_a_change_to_facts_alone_is_caught_by_the_practice_check(two_sessions):
    ana, ben = two_sessions
    practice = Practice.objects.get(slug="storm-lake-ia")
    ana_data, response = open_form(ana, practice)
    ben_data, _response = open_form(ben, practice)
    prefix = inline_prefix(response, Fact)
    first_fact = Fact.objects.get(pk=ana_data[f"{prefix}-0-id"])

    ana_data[f"{prefix}-0-text"] = "Ana corrected this fact."
    assert ana.post(admin_url(Practice, "change", practice.pk), ana_data).status_code == 302

    ben_data[f"{prefix}-0-text"] = "Ben rewrote the same fact."
    response = ben.post(admin_url(Practice, "change", practice.pk), ben_data)
    assert response.status_code == 200
    message = error_text(response)
    assert "Ana García" in message
    assert "facts" in message
    first_fact.refresh_from_db()
    assert first_fact.text == "Ana corrected this fact."


def test_an_unchanged_resave_of_a_fresh_form_is_not_refused(curator_client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    data, _response = open_form(curator_client, practice)
    assert curator_client.post(admin_url(Practice, "change", practice.pk), data).status_code == 302
    data, _response = open_form(curator_client, practice)
    assert curator_client.post(admin_url(Practice, "change", practice.pk), data).status_code == 302


@pytest.mark.parametrize(
    ("model", "lookup", "field", "label"),
    [
        (Department, {"slug": "storm-lake-ia"}, "curator_notes", "notes for curators"),
        (Source, {"key": "nlc-2011"}, "curator_notes", "notes for curators"),
        (Recommendation, {"slug": "civilian-bilingual-staff"}, "note", "provenance note"),
    ],
    ids=["department", "source", "recommendation"],
)
def test_departments_sources_and_recommendations_are_guarded_too(two_sessions, model, lookup, field, label):
    ana, ben = two_sessions
    obj = model.objects.get(**lookup)
    ana_data, _response = open_form(ana, obj)
    ben_data, _response = open_form(ben, obj)
    assert ana.post(admin_url(model, "change", obj.pk), {**ana_data, field: "Ana's words."}).status_code == 302
    response = ben.post(admin_url(model, "change", obj.pk), {**ben_data, field: "Ben's words."})
    assert response.status_code == 200
    assert "Ana García" in error_text(response)
    assert label in error_text(response)
    obj.refresh_from_db()
    assert getattr(obj, field) == "Ana's words."


def test_a_fact_saved_on_its_own_page_refuses_an_open_practice_form(two_sessions):
    ana, ben = two_sessions
    practice = Practice.objects.get(slug="storm-lake-ia")
    fact = practice.facts.first()
    ben_data, _response = open_form(ben, practice)
    fact_data, _response = open_form(ana, fact)
    assert ana.post(admin_url(Fact, "change", fact.pk), {**fact_data, "text": "Ana's fact."}).status_code == 302

    response = ben.post(admin_url(Practice, "change", practice.pk), {**ben_data, "summary": "Ben's summary."})
    assert response.status_code == 200
    assert "Ana García" in error_text(response)
    assert "facts" in error_text(response)


def test_a_fact_page_opened_before_a_practice_save_is_refused(two_sessions):
    ana, ben = two_sessions
    practice = Practice.objects.get(slug="storm-lake-ia")
    fact = practice.facts.first()
    fact_data, _response = open_form(ben, fact)
    ana_data, _response = open_form(ana, practice)
    prefix = "facts"
    index = next(key for key, value in ana_data.items() if key.endswith("-id") and value == fact.pk)
    ana_data[index.replace("-id", "-text")] = "Ana's fact."
    assert prefix in index
    assert ana.post(admin_url(Practice, "change", practice.pk), ana_data).status_code == 302

    response = ben.post(admin_url(Fact, "change", fact.pk), {**fact_data, "text": "Ben's fact."})
    assert response.status_code == 200
    assert "Ana García saved a change to this practice" in error_text(response)
    fact.refresh_from_db()
    assert fact.text == "Ana's fact."


def test_a_department_form_does_not_undo_a_practice_published_meanwhile(two_sessions):
    ana, ben = two_sessions
    department = Department.objects.get(slug="storm-lake-ia")
    practice = department.practices.get()
    practice.status = Practice.Status.DRAFT
    practice.save()
    ben_data, response = open_form(ben, department)

    # Ana publishes the practice; Ben's department form still lists it as a draft.
    ana_data, _response = open_form(ana, practice)
    assert ana.post(admin_url(Practice, "change", practice.pk), {**ana_data, "status": "published"}).status_code == 302

    response = ben.post(admin_url(Department, "change", department.pk), {**ben_data, "curator_notes": "Ben."})
    assert response.status_code == 200
    row_errors = " ".join(
        str(error) for formset in response.context["inline_admin_formsets"] for error in formset.formset.errors
    )
    assert "Ana García" in row_errors
    assert "publication status" in row_errors
    practice.refresh_from_db()
    department.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert department.curator_notes != "Ben."


def test_a_department_form_is_not_refused_for_a_practice_change_it_does_not_show(two_sessions):
    ana, ben = two_sessions
    department = Department.objects.get(slug="storm-lake-ia")
    practice = department.practices.get()
    ben_data, _response = open_form(ben, department)
    ana_data, _response = open_form(ana, practice)
    assert ana.post(admin_url(Practice, "change", practice.pk), {**ana_data, "summary": "Ana's."}).status_code == 302

    response = ben.post(admin_url(Department, "change", department.pk), {**ben_data, "curator_notes": "Ben."})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Ana's."
