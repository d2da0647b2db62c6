"""Reviews are dated and signed; old or missing reviews are easy to find; 'status now' is dated and cited."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from practices.models import Practice

from .admin_forms import admin_url, form_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def reviewed(slug, days_ago, by=None):
    Practice.objects.filter(slug=slug).update(last_reviewed=TODAY - datetime.timedelta(days=days_ago), reviewed_by=by)


def test_needs_review_means_never_reviewed_or_reviewed_too_long_ago(curator):
    reviewed("storm-lake-ia", 10, curator)
    reviewed("dallas-tx", 400, curator)
    needing = set(Practice.objects.needs_review().values_list("slug", flat=True))
    assert "storm-lake-ia" not in needing
    assert "dallas-tx" in needing
    assert "lowell-ma" in needing  # never reviewed
    assert len(needing) == 17


@override_settings(REVIEW_MAX_AGE_DAYS=7)
def test_the_age_limit_comes_from_the_review_max_age_days_setting(curator):
    reviewed("storm-lake-ia", 10, curator)
    assert Practice.objects.needs_review().filter(slug="storm-lake-ia").exists()
    assert Practice.objects.get(slug="storm-lake-ia").review_due


def test_the_changelist_filters_practices_needing_review(curator_client, curator):
    reviewed("storm-lake-ia", 10, curator)
    response = curator_client.get(admin_url(Practice, "changelist"), {"review": "needed"})
    shown = {practice.slug for practice in response.context["cl"].result_list}
    assert len(shown) == 17
    assert "storm-lake-ia" not in shown
    response = curator_client.get(admin_url(Practice, "changelist"), {"review": "done"})
    assert [practice.slug for practice in response.context["cl"].result_list] == ["storm-lake-ia"]


def test_the_mark_reviewed_action_stamps_today_and_the_curator(curator_client, curator):
    ids = list(Practice.objects.filter(slug__in=["storm-lake-ia", "dallas-tx"]).values_list("pk", flat=True))
    response = curator_client.post(
        admin_url(Practice, "changelist"), {"action": "mark_reviewed", "_selected_action": ids}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0].startswith("Marked 2 practices as reviewed today by you: ")
    for practice in Practice.objects.filter(pk__in=ids):
        assert practice.last_reviewed == TODAY
        assert practice.reviewed_by == curator
        assert practice.history.first().history_user == curator
    assert not Practice.objects.needs_review().filter(pk__in=ids).exists()


def test_the_change_form_box_marks_a_review(curator_client, curator):
    practice = Practice.objects.get(slug="storm-lake-ia")
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    curator_client.post(admin_url(Practice, "change", practice.pk), data)
    practice.refresh_from_db()
    assert practice.last_reviewed is None  # saving alone is not a review
    data = form_data(curator_client.get(admin_url(Practice, "change", practice.pk)))
    response = curator_client.post(admin_url(Practice, "change", practice.pk), {**data, "mark_reviewed": "on"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.last_reviewed, practice.reviewed_by) == (TODAY, curator)


def test_a_reviewer_without_a_review_date_is_refused_by_the_database(curator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.filter(slug="storm-lake-ia").update(reviewed_by=curator, last_reviewed=None)
