"""Every admin page answers a superuser and turns an anonymous visitor to the login page."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

DIRECTORY_APPS = {"sources", "departments", "practices"}
MODELS = [model for model in admin.site._registry if model._meta.app_label in DIRECTORY_APPS]
HISTORY_MODELS = [model for model in MODELS if hasattr(model, "history")]
# Models the fixtures do not fill, with a way to make one row.
MAKE_ONE = {
    "corrections.CorrectionSuggestion": lambda model: model.objects.create(
        page="/practices/storm-lake-ia/", message="The CSO count changed in 2020."
    ),
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_answer(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "police"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first() or MAKE_ONE[model._meta.label](model)
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_anonymous_visitors_are_sent_to_log_in(client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_invalid_admin_input_is_explained_not_saved(admin_client):
    from practices.models import Practice

    practice = Practice.objects.get(slug="storm-lake-ia")
    response = admin_client.get(admin_url(Practice, "change", practice.pk))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "kinds": [kind.pk for kind in practice.kinds.all()],
            "areas": [area.pk for area in practice.areas.all()],
            "year_started": "1492",
        }
    )
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[f"{inline_form.prefix}-{name}"] = value
    response = admin_client.post(admin_url(Practice, "change", practice.pk), data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1900." in response.text
    practice.refresh_from_db()
    assert practice.year_started is None


def test_admin_edits_reach_search_at_once(admin_client):
    from practices.models import Fact, Practice
    from sources.models import Source

    practice = Practice.objects.get(slug="storm-lake-ia")
    data = {
        "practice": practice.pk,
        "section": "how-it-works",
        "position": 99,
        "text": "Officers carry a quokkadex.",
        "source": Source.objects.first().pk,
        "heading": "",
        "year": "",
    }
    response = admin_client.post(admin_url(Fact, "add"), data)
    assert response.status_code == 302
    results = admin_client.get(reverse("practices:list"), {"q": "quokkadex"}).context["page_obj"]
    assert [p.slug for p in results] == ["storm-lake-ia"]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_the_rows_shown(admin_client, model, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    model_admin = admin.site._registry[model]

    def queries_with_page_size(size):
        monkeypatch.setattr(model_admin, "list_per_page", size)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(admin_url(model, "changelist")).status_code == 200
        return len(queries)

    while model.objects.count() < 2:
        MAKE_ONE[model._meta.label](model)
    assert queries_with_page_size(1) == queries_with_page_size(100)


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label)
def test_history_pages_answer(admin_client, model):
    obj = model.objects.first()
    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    record = model.history.filter(**{model._meta.pk.attname: obj.pk}).first()
    revert = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[obj.pk, record.pk])
    assert admin_client.get(revert).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_a_reader_with_view_rights_only_can_open_every_page(client, django_user_model, model):
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(reader)
    obj = model.objects.first() or MAKE_ONE[model._meta.label](model)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert "version" not in response.context["adminform"].form.fields


def test_a_practice_s_change_page_costs_the_same_however_many_facts_it_has(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from practices.models import Fact, Practice

    practice = Practice.objects.get(slug="storm-lake-ia")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(admin_url(Practice, "change", practice.pk)).status_code == 200
        return len(captured)

    before = queries()
    Fact.objects.bulk_create(
        Fact(practice=practice, section="outcomes", text=f"Outcome {n}", source_id=1, position=200 + n)
        for n in range(20)
    )
    # Each fact row's two autocomplete fields (source, additional sources) look up their chosen values:
    # Django's widget does that per row. Everything else on the page (the status, evidence and warning
    # panels, the inline's own rows) is loaded once, however many facts there are.
    assert queries() - before <= 2 * 20
