"""The benchmark's synthetic directory is deterministic, published, and kept apart from real rows."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from practices.models import Practice, PracticeKind

pytestmark = pytest.mark.django_db


def build(*args, **options):
    call_command("build_synthetic_directory", *args, interactive=False, verbosity=0, **options)


def snapshot():
    synthetic = Practice.objects.filter(slug__startswith="synthetic-").annotate(
        facts_count=Count("facts", distinct=True), kinds_count=Count("kinds", distinct=True)
    )
    return list(
        synthetic.order_by("slug").values_list("slug", "title", "department__slug", "facts_count", "kinds_count")
    )


def test_the_same_seed_builds_the_same_directory():
    build(departments=5, practices=40, seed=3)
    first = snapshot()
    assert len(first) == 40
    build("--clear", departments=5, practices=40, seed=3)
    assert snapshot() == first
    build("--clear", departments=5, practices=40, seed=4)
    assert snapshot() != first
    assert Practice.objects.filter(slug="storm-lake-ia").exists()


def test_synthetic_practices_are_searchable_with_their_kinds_and_facts():
    build(departments=3, practices=12, seed=5)
    practice = Practice.objects.filter(slug__startswith="synthetic-").prefetch_related("kinds", "facts").first()
    kind_word = practice.kinds.all()[0].name.split()[0]
    assert kind_word in practice.search_names
    assert practice.facts.all()[0].text.split()[0] in practice.search_facts


def test_it_refuses_to_build_twice_or_on_an_empty_directory():
    build(departments=2, practices=5)
    with pytest.raises(CommandError, match="already holds synthetic rows"):
        build(departments=2, practices=5)
    Practice.objects.all().delete()
    PracticeKind.objects.all().delete()
    with pytest.raises(CommandError, match="Load the directory first"):
        build("--clear", departments=2, practices=5)
