"""Markup a curator (or an attacker with a curator's password) types into content is shown as text."""

import pytest
from django.db.models import Value
from django.db.models.functions import Concat

from departments.models import Department
from practices.models import (
    Community,
    Fact,
    Practice,
    PracticeCommunity,
    PracticeKind,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)
from sources.models import ReportNote, Source
from tests.hostile import MARKUP, assert_escaped

pytestmark = pytest.mark.django_db

SCRIPT, IMAGE, ATTRIBUTE = MARKUP[0], MARKUP[1], MARKUP[3]


def hostile(label, markup=SCRIPT):
    return f"{label} {markup}"


@pytest.fixture
def marked_up_directory():
    practice = Practice.objects.get(slug="storm-lake-ia")
    fields = {
        "title": hostile("Title", IMAGE),
        "summary": hostile("Summary"),
        "other_names": hostile("Other name", ATTRIBUTE),
        "caveat": hostile("Caveat", IMAGE),
        "contact_title": hostile("Contact"),
    }
    Practice.objects.filter(pk=practice.pk).update(**fields)
    Department.objects.filter(pk=practice.department_id).update(name=hostile("Agency", IMAGE), city="Storm <b>Lake")
    fact = Fact.objects.filter(practice=practice).first()
    Fact.objects.filter(pk=fact.pk).update(heading=hostile("Heading", IMAGE), text=hostile("Fact"))
    Source.objects.filter(pk=fact.source_id).update(
        title=hostile("Source", IMAGE), publisher=hostile("Publisher"), author=hostile("Author", ATTRIBUTE)
    )
    # Names are unique: keep each one's own name in front of the markup.
    PracticeKind.objects.filter(practices=practice).update(
        name=Concat("name", Value(f" {SCRIPT}")), description=hostile("About", IMAGE)
    )
    StrategyArea.objects.update(goal=hostile("Goal"), goal_note=hostile("Goal note", IMAGE))
    Community.objects.filter(practices=practice).update(name=Concat("name", Value(f" {IMAGE}")))
    PracticeCommunity.objects.filter(practice=practice).update(as_named=hostile("As named", IMAGE))
    Recommendation.objects.update(title=hostile("Recommendation"), note=hostile("Note", IMAGE), actions=SCRIPT)
    RecommendationExample.objects.update(note=hostile("Example", IMAGE))
    ReportNote.objects.update(heading=hostile("Report note", IMAGE), text=hostile("Report text"))
    RecommendationExample.objects.get_or_create(
        recommendation=Recommendation.objects.first(),
        practice=practice,
        defaults={"note": hostile("Example"), "source_id": fact.source_id},
    )
    return practice


def test_stored_markup_is_escaped_on_every_page(client, marked_up_directory):
    practice = marked_up_directory
    pages = [
        "/",
        "/practices/",
        "/practices/?q=Summary",
        f"/practices/?community={practice.community_links.first().community.slug}",
        practice.get_absolute_url(),
        "/departments/",
        practice.department.get_absolute_url(),
        "/recommendations/",
        "/about/",
        f"/corrections/new/?page={practice.get_absolute_url()}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
    # And the markup is there, as text, where it belongs.
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Title &quot;&gt;&lt;img src=x onerror=zqx()&gt;" in page
    assert "Summary &lt;script&gt;zqx()&lt;/script&gt;" in page
    assert "Storm &lt;b&gt;Lake" in page
