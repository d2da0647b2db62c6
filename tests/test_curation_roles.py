"""Curators edit the directory; they do not manage users or groups, nor delete whole entries."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse

from curation.roles import CURATOR_GROUP, ensure_curator_group
from departments.models import Department
from practices.models import Fact, Practice, PracticeKind, Recommendation
from sources.models import ReportNote, Source

from .admin_forms import admin_url, form_data

pytestmark = pytest.mark.django_db


def codenames(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_migrate_creates_the_curator_group_with_editing_rights_only():
    perms = codenames(Group.objects.get(name=CURATOR_GROUP))
    for model in (Practice, Department, Source, Fact, Recommendation, PracticeKind, ReportNote):
        for action in ("add", "change", "view"):
            assert (model._meta.app_label, f"{action}_{model._meta.model_name}") in perms
    assert ("practices", "delete_fact") in perms
    assert ("practices", "delete_practice") not in perms
    assert ("sources", "delete_source") not in perms
    assert not {perm for perm in perms if perm[0] == "auth"}
    assert not {perm for perm in perms if perm[1].endswith(("_historicalpractice", "_historicalsource"))}


def test_the_group_setup_is_idempotent_and_repairs_the_group():
    group = Group.objects.get(name=CURATOR_GROUP)
    expected = codenames(group)
    group.permissions.remove(Permission.objects.get(codename="change_practice"))
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    ensure_curator_group()
    ensure_curator_group()
    assert Group.objects.filter(name=CURATOR_GROUP).count() == 1
    assert codenames(group) == expected


def test_create_curator_makes_a_staff_user_in_the_group_and_never_a_superuser():
    out = StringIO()
    call_command("create_curator", "maria", "--email", "maria@example.org", "--noinput", stdout=out)
    user = User.objects.get(username="maria")
    assert user.is_staff and not user.is_superuser
    assert user.email == "maria@example.org"
    assert user.groups.filter(name=CURATOR_GROUP).exists()
    assert not user.has_usable_password()
    assert "changepassword maria" in out.getvalue()
    assert user.has_perm("practices.change_practice")
    assert not user.has_perm("auth.change_user")


def test_create_curator_promotes_an_existing_user():
    User.objects.create_user("jo", password="not-a-secret")
    call_command("create_curator", "jo", "--noinput", stdout=StringIO())
    user = User.objects.get(username="jo")
    assert user.is_staff
    assert user.has_usable_password()
    assert user.groups.filter(name=CURATOR_GROUP).exists()


def test_create_curator_asks_for_a_password_interactively(monkeypatch):
    answers = iter(["a-long-enough-passphrase", "a-long-enough-passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_curator", "sam", stdout=StringIO(), stderr=StringIO())
    assert User.objects.get(username="sam").check_password("a-long-enough-passphrase")


def test_a_curator_edits_a_practice(curator_client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    assert curator_client.get(admin_url(Practice, "changelist")).status_code == 200
    response = curator_client.get(admin_url(Practice, "change", practice.pk))
    assert response.status_code == 200
    data = {**form_data(response), "summary": "Edited by a curator."}
    assert curator_client.post(admin_url(Practice, "change", practice.pk), data).status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Edited by a curator."


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
    ],
)
def test_a_curator_cannot_manage_users_or_groups(curator_client, url):
    assert curator_client.get(url).status_code == 403


def test_a_curator_cannot_open_their_own_user_page(curator_client, curator):
    assert curator_client.get(reverse("admin:auth_user_change", args=[curator.pk])).status_code == 403


def test_a_curator_cannot_delete_a_practice_but_can_delete_a_fact(curator_client):
    practice = Practice.objects.get(slug="storm-lake-ia")
    assert curator_client.get(admin_url(Practice, "delete", practice.pk)).status_code == 403
    fact = practice.facts.first()
    assert curator_client.get(admin_url(Fact, "delete", fact.pk)).status_code == 200


def test_the_admin_index_shows_a_curator_the_directory_not_the_user_accounts(curator_client):
    response = curator_client.get(reverse("admin:index"))
    assert response.status_code == 200
    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels == {"sources", "departments", "statelaw", "practices", "corrections"}
