"""Reviews are dated and signed; old or missing reviews are easy to find; 'status now' is dated and cited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from practices.models import Practice
from sources.models import Source

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


def test_the_fixtures_load_every_status_now_as_not_known():
    assert set(Practice.objects.values_list("current_status", flat=True)) == {Practice.CurrentStatus.UNKNOWN}


@pytest.mark.parametrize(
    "fields",
    [
        {"current_status": "thriving"},
        {"current_status": "running"},  # no date, no source
        {"current_status": "ended", "current_status_checked": TODAY},  # no source
        {"current_status": "changed", "current_status_checked": TODAY, "cite": True},  # no note
    ],
)
def test_the_database_refuses_an_undated_uncited_or_unexplained_status_now(fields):
    fields = dict(fields)
    if fields.pop("cite", False):
        fields["current_status_source"] = Source.objects.get(key="nlc-2011")
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.filter(slug="storm-lake-ia").update(**fields)


def test_a_dated_cited_status_now_is_accepted():
    source = Source.objects.get(key="nlc-2011")
    Practice.objects.filter(slug="storm-lake-ia").update(
        current_status="changed",
        current_status_checked=TODAY,
        current_status_source=source,
        current_status_note="Renamed.",
    )
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.full_clean()
    assert practice.get_current_status_display() == "Running in a changed form"


def test_the_form_explains_the_status_now_rules():
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.current_status = Practice.CurrentStatus.CHANGED
    practice.current_status_checked = TODAY + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    messages = error.value.message_dict
    assert messages["current_status_checked"] == ["The date cannot be in the future."]
    assert messages["current_status_source"] == ["Cite the source that shows the status now."]
    assert messages["current_status_note"] == ["Say how the program changed."]
