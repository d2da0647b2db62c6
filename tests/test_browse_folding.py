"""Filter groups fold to their top options (issue 17): what the page sends, before any JavaScript."""

import pytest
from django.urls import reverse

from practices.browse import FINDABLE_AT, FOLDED_AT

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")


def facets(client, **params):
    return {facet.name: facet for facet in client.get(LIST, params).context["facets"]}


def test_long_groups_show_the_options_finding_most_and_fold_the_rest(client):
    for facet in facets(client).values():
        if len(facet.options) > FOLDED_AT + 1:
            assert len(facet.top) == FOLDED_AT
            counts = sorted((option.count for option in facet.options), reverse=True)
            assert min(option.count for option in facet.top) >= counts[FOLDED_AT]
            assert len(facet.top) + len(facet.rest) == len(facet.options)
        else:
            assert facet.top == facet.options and not facet.rest


def test_a_chosen_option_is_never_folded_away(client):
    state = facets(client)["state"]
    rarest = min(state.options, key=lambda option: (option.count, option.value))
    assert rarest in state.rest
    chosen = facets(client, state=rarest.value)["state"]
    assert rarest.value in {option.value for option in chosen.top if option.selected}


def test_long_groups_offer_a_box_to_find_an_option(client):
    response = client.get(LIST)
    for facet in response.context["facets"]:
        marked = f'id="facet-{facet.name}" data-find-label=' in response.text
        assert marked == (len(facet.options) >= FINDABLE_AT), facet.name
    assert "Show all 24" in response.text  # the communities
