"""How old a review may be before an entry is listed under "needs review"."""

import datetime

from django.conf import settings
from django.utils import timezone


def review_cutoff(today=None):
    """Reviews before this date are too old: REVIEW_MAX_AGE_DAYS before today."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.REVIEW_MAX_AGE_DAYS)
