"""No write without the right to make it: every admin view that writes, third-party ones included, for
every curated model; throttled sign-ins; a per-client limit on the public correction form."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from corrections.models import CorrectionSuggestion
from curation.admin_base import CurationAdmin, SpreadsheetAdminMixin
from practices.models import Practice

from .admin_forms import admin_url, form_data
from .curated import CURATED, CURATED_MODELS, an_entry, label

pytestmark = pytest.mark.django_db

SPREADSHEET_MODELS = [model for model, model_admin in CURATED if isinstance(model_admin, SpreadsheetAdminMixin)]


@pytest.fixture
def reader(django_user_model):
    """Staff who may view every curated model (and its history) but change nothing."""
    user = django_user_model.objects.create_user("rita", password="not-a-secret", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=[f"view_{model._meta.model_name}" for model in CURATED_MODELS],
            content_type__app_label__in={model._meta.app_label for model in CURATED_MODELS},
        )
    )
    return user


@pytest.fixture
def reader_client(reader):
    client = Client()
    client.force_login(reader)
    return client


def test_every_curated_model_is_found_and_curated_through_the_guarded_admin():
    assert {"practices.Practice", "departments.Department", "sources.Source", "practices.PracticeKind"} <= {
        label(model) for model in CURATED_MODELS
    }
    for model, model_admin in CURATED:
        assert isinstance(model_admin, CurationAdmin), f"{label(model)} is not edited through CurationAdmin"
        # A list-editable change list saves rows without the version their page was opened at.
        assert not model_admin.list_editable, f"{label(model)} edits rows in its change list"


def revert_url(model, obj):
    record = model.history.filter(**{model._meta.pk.attname: obj.pk}).order_by("history_id").first()
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[obj.pk, record.pk])


def text_field_of(model_admin, data):
    return next(name for name, value in data.items() if isinstance(value, str) and not name.startswith("_"))


@pytest.mark.parametrize("model", CURATED_MODELS, ids=label)
def test_a_reader_sees_an_old_version_read_only_and_cannot_revert_to_it(reader_client, admin_client, model):
    obj = an_entry(model)
    url = revert_url(model, obj)
    page = reader_client.get(url)
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    assert all(field.widget.is_hidden for field in fields.values()), "the reader got form fields to fill in"
    assert not re.search(r'<(input|textarea|select)[^>]+name="(?!csrfmiddlewaretoken)', page.text)
    assert 'name="_save"' not in page.text

    # What a curator's browser would post from the same page, posted by the reader.
    data = form_data(admin_client.get(url))
    before = model._base_manager.filter(pk=obj.pk).values().get()
    assert reader_client.post(url, data).status_code == 403
    assert model._base_manager.filter(pk=obj.pk).values().get() == before


def test_a_reader_cannot_publish_a_draft_through_the_revert_form(reader_client, admin_client):
    """The reported attack: the revert form of a draft, posted with status=published and a new title."""
    practice = Practice.objects.get(slug="storm-lake-ia")
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.DRAFT)
    url = revert_url(Practice, practice)
    data = {**form_data(admin_client.get(url)), "status": "published", "title": "Taken over"}
    assert reader_client.post(url, data).status_code == 403
    practice.refresh_from_db()
    assert (practice.status, practice.title) == (Practice.Status.DRAFT, "Community Service Officers")


def test_reverting_a_deleted_entry_needs_the_right_to_add(make_curator, django_user_model):
    from practices.models import Fact

    fact = Fact.objects.filter(practice__slug="storm-lake-ia").first()
    pk = fact.pk
    fact.delete()
    record = Fact.history.filter(id=pk, history_type="-").get()
    url = reverse("admin:practices_fact_simple_history", args=[pk, record.history_id])
    editor = django_user_model.objects.create_user("ed", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["view_fact", "change_fact"]))
    client = Client()
    client.force_login(editor)
    assert client.post(url, {}).status_code == 403
    assert not Fact.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("model", SPREADSHEET_MODELS, ids=label)
def test_a_reader_cannot_import_confirm_or_export(reader_client, model):
    assert reader_client.get(admin_url(model, "import")).status_code == 403
    assert reader_client.post(admin_url(model, "import"), {}).status_code == 403
    assert reader_client.post(admin_url(model, "process_import"), {}).status_code == 403
    assert reader_client.get(admin_url(model, "export")).status_code == 403
    assert reader_client.post(admin_url(model, "export"), {"format": "0"}).status_code == 403
    changelist = reader_client.get(admin_url(model, "changelist"))
    assert 'href="import/"' not in changelist.text and 'href="export/' not in changelist.text


def test_a_reader_cannot_run_the_bulk_actions(reader_client):
    draft = Practice.objects.get(slug="storm-lake-ia")
    Practice.objects.filter(pk=draft.pk).update(status=Practice.Status.DRAFT)
    for action in ("publish", "unpublish", "mark_reviewed", "delete_selected"):
        reader_client.post(admin_url(Practice, "changelist"), {"action": action, "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Practice.Status.DRAFT and draft.last_reviewed is None
    assert Practice.objects.filter(pk=draft.pk).exists()


def test_a_bulk_action_counts_up_versions_so_an_open_form_cannot_undo_it(curator_client, make_curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.DRAFT)
    ben = Client()
    ben.force_login(make_curator("ben"))
    stale = form_data(ben.get(admin_url(Practice, "change", practice.pk)))
    curator_client.post(admin_url(Practice, "changelist"), {"action": "publish", "_selected_action": [practice.pk]})
    assert Practice.objects.get(pk=practice.pk).status == Practice.Status.PUBLISHED
    response = ben.post(admin_url(Practice, "change", practice.pk), {**stale, "summary": "Ben's summary."})
    assert response.status_code == 200
    assert Practice.objects.get(pk=practice.pk).status == Practice.Status.PUBLISHED


# Sign-in throttling (django-axes)

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def maria(django_user_model):
    return django_user_model.objects.create_user("maria", password="the-right-passphrase", is_staff=True)


def test_failed_sign_ins_lock_the_account_without_checking_more_passwords(client, maria, settings, monkeypatch):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "maria", "wrong").status_code == 200
    locked = sign_in(client, "maria", "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.text and "15 minutes" in locked.text
    assert "ask an administrator" in locked.text

    checked = []
    monkeypatch.setattr(
        "django.contrib.auth.hashers.check_password", lambda *args, **kwargs: checked.append(args) or True
    )
    # The right password, from another network: the account itself is paused, and no hashing is spent.
    response = sign_in(Client(), "maria", "the-right-passphrase", address="198.51.100.4")
    assert response.status_code == 429
    assert not checked
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_from_one_client_lock_that_client_for_every_account(client, maria, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{number}", "wrong")
    assert sign_in(client, "maria", "the-right-passphrase").status_code == 429
    # Someone else, elsewhere, signs in as usual.
    assert sign_in(Client(), "maria", "the-right-passphrase", address="198.51.100.4").status_code == 302


def test_a_superuser_unlocks_an_account_in_the_admin(client, maria, admin_client, settings):
    from axes.models import AccessAttempt

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "maria", "wrong")
    attempts = AccessAttempt.objects.filter(username="maria")
    assert attempts.exists()
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "maria" in listing.text
    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": list(attempts.values_list("pk", flat=True)), "post": "yes"},
    )
    assert sign_in(client, "maria", "the-right-passphrase").status_code == 302


def test_a_lockout_ends_by_itself_after_the_cool_off(client, maria, settings):
    from axes.models import AccessAttempt

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "maria", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(client, "maria", "the-right-passphrase").status_code == 302


def test_a_curator_cannot_unlock_accounts(curator_client):
    assert curator_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


# The public correction form


def suggest(client, number, address):
    return client.post(
        reverse("corrections:new"), {"page": "/about/", "message": f"Suggestion {number}"}, REMOTE_ADDR=address
    )


def test_one_client_cannot_use_up_everyones_hour_of_corrections(client, settings):
    settings.CORRECTIONS_PER_CLIENT, settings.CORRECTIONS_PER_HOUR = 3, 10
    for number in range(3):
        assert suggest(client, number, "203.0.113.7").status_code == 302
    refused = suggest(client, 99, "203.0.113.7")
    assert refused.status_code == 429
    assert "Suggestion 99" in refused.text
    assert suggest(Client(), 4, "198.51.100.4").status_code == 302
    # The same /64 network is one client (an IPv6 host picks any address in it).
    for number in range(3):
        suggest(Client(), 10 + number, f"2001:db8:1:2::{number + 1}")
    assert suggest(Client(), 20, "2001:db8:1:2:ffff::9").status_code == 429


def test_the_global_ceiling_still_holds_across_clients(client, settings):
    settings.CORRECTIONS_PER_CLIENT, settings.CORRECTIONS_PER_HOUR = 3, 4
    for number in range(4):
        assert suggest(client, number, f"203.0.113.{number + 1}").status_code == 302
    assert suggest(client, 9, "203.0.113.200").status_code == 429


def test_no_raw_address_is_stored_and_keys_are_cleared_after_the_hour(client):
    suggest(client, 1, "203.0.113.7")
    stored = CorrectionSuggestion.objects.values().get()
    assert "203.0.113.7" not in str(stored)
    assert re.fullmatch(r"[0-9a-f]{64}", stored["client_key"])
    CorrectionSuggestion.objects.update(created=timezone.now() - timezone.timedelta(hours=2))
    suggest(client, 2, "198.51.100.4")
    assert CorrectionSuggestion.objects.filter(client_key="").count() == 1


def test_behind_the_proxy_the_client_is_read_from_x_forwarded_for(client, settings):
    settings.TRUSTED_PROXIES, settings.CORRECTIONS_PER_CLIENT = 1, 1
    url = reverse("corrections:new")

    def from_client(address, spoofed="1.2.3.4"):
        return client.post(
            url,
            {"page": "/about/", "message": f"From {address}"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {address}",
        )

    assert from_client("203.0.113.7").status_code == 302
    # A different spoofed left-hand entry does not make it another client; another address does.
    assert from_client("203.0.113.7", spoofed="5.6.7.8").status_code == 429
    assert from_client("198.51.100.4").status_code == 302
