"""New practices start as drafts; curators publish and unpublish; only published ones are public."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User

from departments.models import Department
from practices.models import Practice

from .admin_forms import admin_url

pytestmark = pytest.mark.django_db

STORM_LAKE, DALLAS = "storm-lake-ia", "dallas-tx"


def make_drafts(*slugs):
    Practice.objects.filter(slug__in=slugs).update(status=Practice.Status.DRAFT)


def run_action(client, action, slugs):
    ids = list(Practice.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    response = client.post(admin_url(Practice, "changelist"), {"action": action, "_selected_action": ids}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_a_new_practice_is_a_draft_and_not_public():
    practice = Practice.objects.create(
        slug="new-practice",
        title="New practice",
        department=Department.objects.get(slug="storm-lake-ia"),
        summary="Added by a curator.",
    )
    assert practice.status == Practice.Status.DRAFT
    assert practice not in Practice.objects.published()
    assert Practice.objects.published().count() == 18


def test_published_excludes_drafts():
    make_drafts(STORM_LAKE)
    published = set(Practice.objects.published().values_list("slug", flat=True))
    assert STORM_LAKE not in published
    assert DALLAS in published


def test_visible_to_shows_drafts_only_to_staff_who_may_view_practices(curator):
    make_drafts(STORM_LAKE)
    staff_without_rights = User.objects.create_user("clerk", is_staff=True)
    reader_with_rights_but_not_staff = User.objects.create_user("reader")
    reader_with_rights_but_not_staff.user_permissions.add(Permission.objects.get(codename="view_practice"))
    inactive_curator = User.objects.create_user("gone", is_staff=True, is_active=False)
    inactive_curator.user_permissions.add(Permission.objects.get(codename="view_practice"))
    superuser = User.objects.create_superuser("root")

    def sees_draft(user):
        return Practice.objects.visible_to(user).filter(slug=STORM_LAKE).exists()

    assert sees_draft(curator)
    assert sees_draft(superuser)
    assert not sees_draft(AnonymousUser())
    assert not sees_draft(staff_without_rights)
    assert not sees_draft(reader_with_rights_but_not_staff)
    assert not sees_draft(User.objects.get(pk=inactive_curator.pk))
    assert Practice.objects.visible_to(AnonymousUser()).count() == 17


def test_the_publish_action_names_what_it_published(curator_client):
    make_drafts(STORM_LAKE, DALLAS)
    messages = run_action(curator_client, "publish", [STORM_LAKE, DALLAS, "lowell-ma"])
    assert len(messages) == 1
    assert messages[0].startswith("Published 2 practices: ")
    assert "Community Service Officers (Storm Lake, IA)" in messages[0]
    assert "Asian American Unit (Dallas, TX)" in messages[0]
    assert "1 was already published." in messages[0]
    assert Practice.objects.published().count() == 18


def test_the_unpublish_action_turns_practices_back_into_drafts(curator_client, curator):
    messages = run_action(curator_client, "unpublish", [STORM_LAKE])
    assert messages == ["Unpublished 1 practice (now a draft): Community Service Officers (Storm Lake, IA)."]
    practice = Practice.objects.get(slug=STORM_LAKE)
    assert practice.status == Practice.Status.DRAFT
    # Recorded in the history, with who did it.
    latest = practice.history.first()
    assert (latest.status, latest.history_user) == ("draft", curator)


def test_publishing_what_is_already_published_changes_nothing(curator_client):
    before = Practice.objects.get(slug=STORM_LAKE).version
    messages = run_action(curator_client, "publish", [STORM_LAKE])
    assert messages == ["1 was already published."]
    assert Practice.objects.get(slug=STORM_LAKE).version == before
