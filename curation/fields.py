"""Field rules shared by the content apps: slugs, web addresses, plausible years, one-per-line text."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Lowercase letters and digits, joined by single hyphens or underscores: 'storm-lake-ia', 'language_access'.
# Plain groups only, so that SQLite (Python's re) and PostgreSQL (its own regex engine) read it alike.
SLUG_PATTERN = r"^[a-z0-9]+([-_][a-z0-9]+)*$"
SLUG_RULE = _("Lowercase letters and numbers, with single hyphens or underscores between words (e.g. 'storm-lake-ia').")
slug_format = RegexValidator(SLUG_PATTERN, SLUG_RULE, code="invalid_slug")

WEB_URL_RULE = _("Enter a full web address starting with http:// or https://.")
web_url = URLValidator(schemes=["http", "https"], message=WEB_URL_RULE)


def slug_constraint(field_name, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field_name}__regex": SLUG_PATTERN}), name=name, violation_error_message=SLUG_RULE
    )


def web_url_constraint(field_name, name):
    return models.CheckConstraint(
        condition=Q(**{field_name: ""})
        | Q(**{f"{field_name}__istartswith": "http://"})
        | Q(**{f"{field_name}__istartswith": "https://"}),
        name=name,
        violation_error_message=WEB_URL_RULE,
    )


# A year outside this range is a typing mistake, not history.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def plausible_year_validators():
    return [MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)]


def plausible_year(field):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR})


def lines(text):
    """Non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]
