"""Dates the directory keeps as written in its sources: "2010", "2010-05", "2010-05-14", or words."""

import datetime
import re

from django.utils import formats

WRITTEN_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def readable_date(text):
    """A kept date as a reader says it ("May 2010", "14 May 2010"); anything else as it was written."""
    match = WRITTEN_DATE.match((text or "").strip())
    if not match:
        return text
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day:
            return formats.date_format(datetime.date(year, month, day), "j F Y")
        if month:
            return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    except ValueError:  # "2010-13": not a date after all
        return text
    return str(year)
