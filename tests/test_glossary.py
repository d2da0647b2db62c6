"""The glossary page, and terms linked where they first appear."""

import pytest
from django.urls import reverse

from practices.glossary import TERMS, Glossed
from practices.models import PracticeKind

pytestmark = pytest.mark.django_db

GLOSSARY = reverse("practices:glossary")


def test_the_glossary_explains_the_directorys_words_and_the_entries_terms(client):
    response = client.get(GLOSSARY)
    assert response.status_code == 200
    for term in TERMS:
        assert f'id="{term.anchor}"' in response.text
    kind = PracticeKind.objects.get(slug="language_access")
    assert kind.description in response.text
    for anchor in ("recommendation-area", "city-size", "status-today", "evidence", "policy-on-record", "state-law"):
        assert f'id="{anchor}"' in response.text


def test_only_the_first_appearance_is_linked_and_the_text_is_escaped():
    glossed = Glossed()
    first = glossed('<b>U visa</b> help; U visas again & "ICE"')
    assert first.count('class="glossed"') == 2  # U visa and ICE, once each
    assert "&lt;b&gt;" in first and "<b>" not in first and "&amp;" in first
    assert f'href="{GLOSSARY}#u-visa"' in first
    assert 'class="glossed"' not in glossed("A later U visa and ICE stay plain.")


def test_a_recommendation_links_its_first_mention_of_the_form(client):
    response = client.get(reverse("practices:recommendations"))
    assert response.text.count(f'href="{GLOSSARY}#i-918-supplement-b"') == 1


def test_filter_groups_link_their_glossary_entry(client):
    response = client.get(reverse("practices:list"))
    assert f'href="{GLOSSARY}#recommendation-area"' in response.text
    assert "Strategy area" not in response.text
