"""What became of each program: the rule that derives the status today from dated, cited facts
(practices/status_now.py), the 2026 update as the fixtures load it, and how pages and browse show it."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from practices.models import CurrentStatus, Fact, FactSection, FactShows, Practice
from practices.status_now import RECENT_YEARS, derive, year_of

LIST = reverse("practices:list")


def fact(year, shows, name="", position=0):
    return SimpleNamespace(year=year, shows=shows, heading=name, position=position)


# The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "year"),
    [
        ("2017-01-18", 2017),
        ("2017-01", 2017),
        ("late 2017 or 2018", 2017),
        ("2022 or later", 2022),
        ("c.2015-2018", 2015),
        ("undated (current page)", None),
        ("undated (c.2025)", None),
        ("", None),
        ("late 2026", 2026),
    ],
)
def test_a_fact_counts_from_the_earliest_year_its_date_allows(date, year):
    assert year_of(date) == year


def test_evidence_from_the_recent_years_before_the_check_means_running():
    status = derive([fact(2026 - RECENT_YEARS, FactShows.PROGRAM)], "late 2026")
    assert (status.status, status.year) == (CurrentStatus.RUNNING, 2026 - RECENT_YEARS)


def test_older_evidence_means_no_trace_since_its_year_not_ended():
    facts = [fact(2026 - RECENT_YEARS - 1, FactShows.PROGRAM), fact(2025, FactShows.RELATED)]
    status = derive(facts, "2026-11-30")
    assert (status.status, status.year) == (CurrentStatus.NO_TRACE, 2026 - RECENT_YEARS - 1)


def test_the_latest_sign_under_another_name_means_renamed_or_recast_with_that_name():
    facts = [fact(2010, FactShows.PROGRAM), fact(2021, FactShows.RECAST, "Hispanic community liaison officer")]
    status = derive(facts, "late 2026")
    assert (status.status, status.name, status.year) == (
        CurrentStatus.RECAST,
        "Hispanic community liaison officer",
        2021,
    )


def test_a_later_sign_under_the_report_name_means_running_again():
    assert derive([fact(2017, FactShows.RECAST, "Branch"), fact(2022, FactShows.PROGRAM)], "2026").status == "running"


def test_ended_only_with_a_fact_that_says_so_and_then_whatever_else_happened():
    assert derive([fact(2019, FactShows.ENDED), fact(2024, FactShows.PROGRAM)], "2026").status == CurrentStatus.ENDED
    assert derive([fact(1994, FactShows.PROGRAM)], "2026").status == CurrentStatus.NO_TRACE


def test_undated_pages_and_related_work_never_decide():
    facts = [fact(None, FactShows.PROGRAM), fact(None, FactShows.RECAST, "Unit"), fact(2025, FactShows.RELATED)]
    assert derive(facts, "late 2026").status == CurrentStatus.UNKNOWN


def test_without_a_check_it_is_not_yet_checked_whatever_the_facts_say():
    assert derive([fact(2025, FactShows.PROGRAM)], "").status == CurrentStatus.NOT_CHECKED


def test_the_status_names_the_fact_it_rests_on():
    deciding = fact(2023, FactShows.RECAST, "Outreach Division", position=2)
    assert derive([fact(2023, FactShows.PROGRAM, position=1), deciding], "late 2026").fact is deciding


# The 2026 update, as the fixtures load it ------------------------------------------------------


EXPECTED = {
    "brooklyn-center-mn": ("running", 2025, ""),
    "newport-news-va": ("recast", 2023, "the Community & Youth Outreach Division's Latino outreach"),
    "norfolk-va": ("recast", 2021, "Hispanic community liaison officer"),
    "las-vegas-nv": ("no-trace", 2006, ""),
    "portland-or": ("unknown", None, ""),
    "chelsea-ma": ("no-trace", 2012, ""),
    "saint-paul-mn": ("running", 2021, ""),
    "fort-wayne-in": ("no-trace", 2018, ""),
    "washington-dc": ("running", 2022, ""),
    "dallas-tx": ("no-trace", 2016, ""),
    "des-moines-ia": ("running", 2025, ""),
    "lowell-ma": ("unknown", None, ""),
    "storm-lake-ia": ("no-trace", 2009, ""),
    "garden-grove-ca": ("no-trace", 1994, ""),
    "new-haven-ct": ("running", 2025, ""),
    "new-york-ny": ("no-trace", 2007, ""),
    "winston-salem-nc": ("no-trace", 2011, ""),
    "indianapolis-model-2000-2007": ("recast", 2023, "IMPD's Community Engagement & Outreach Bureau"),
}


@pytest.mark.django_db
def test_every_entry_has_dated_cited_facts_since_the_report_and_a_check_date():
    for practice in Practice.objects.prefetch_related("facts"):
        facts = practice.status_facts
        assert facts, practice.slug
        assert practice.current_status_checked == "late 2026"
        for status_fact in facts:
            assert status_fact.source_id and status_fact.text and status_fact.shows
            assert status_fact.year == year_of(status_fact.date)


@pytest.mark.django_db
def test_each_status_follows_from_the_facts_by_the_rule():
    found = {}
    for practice in Practice.objects.prefetch_related("facts"):
        live = practice.status_now
        # What browse filters on is what the page derives.
        assert (practice.current_status, practice.current_status_year, practice.current_status_name) == (
            live.status,
            live.year,
            live.name,
        )
        found[practice.slug] = (live.status, live.year, live.name)
    assert found == EXPECTED


@pytest.mark.django_db
def test_no_program_is_called_ended_because_no_source_says_so():
    assert not Fact.objects.filter(section=FactSection.SINCE_REPORT, shows=FactShows.ENDED).exists()
    assert not Practice.objects.filter(current_status=CurrentStatus.ENDED).exists()


@pytest.mark.django_db
def test_a_new_dated_fact_changes_the_status_at_once():
    practice = Practice.objects.get(slug="storm-lake-ia")
    Fact.objects.create(
        practice=practice,
        section=FactSection.SINCE_REPORT,
        position=50,
        date="2026-02",
        year=2026,
        shows=FactShows.ENDED,
        text="The city council ends the two posts.",
        source=practice.facts.first().source,
    )
    practice.refresh_from_db()
    assert (practice.current_status, practice.current_status_year) == (CurrentStatus.ENDED, 2026)


@pytest.mark.django_db
def test_the_database_and_the_form_hold_facts_since_the_report_to_the_rule():
    practice = Practice.objects.get(slug="storm-lake-ia")
    source = practice.facts.first().source
    with pytest.raises(IntegrityError), transaction.atomic():
        Fact.objects.create(practice=practice, section=FactSection.SINCE_REPORT, text="No 'shows'.", source=source)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fact.objects.create(practice=practice, section=FactSection.STAFFING, shows="program", text="x", source=source)
    recast = Fact(practice=practice, section=FactSection.SINCE_REPORT, shows=FactShows.RECAST, text="x", source=source)
    with pytest.raises(ValidationError) as error:
        recast.full_clean()
    assert error.value.message_dict["heading"] == ["Give the name the program goes by now."]


@pytest.mark.django_db
@pytest.mark.parametrize("checked", ["yesterday", "11/30/2026", "2026-13", "late"])
def test_a_check_date_must_be_written_plainly(checked):
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.current_status_checked = checked
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "current_status_checked" in error.value.message_dict


@pytest.mark.django_db
def test_a_check_date_cannot_be_in_the_future():
    practice = Practice.objects.get(slug="storm-lake-ia")
    practice.current_status_checked = str(datetime.date.today().year + 1)
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert error.value.message_dict["current_status_checked"] == ["The date cannot be in the future."]


# Pages -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_practice_page_says_near_the_top_what_became_of_it_and_when_that_was_checked(client):
    text = client.get(reverse("practices:detail", args=["norfolk-va"])).text
    box = text.index('class="status-box"')
    assert box < text.index('id="summary"')
    assert "Renamed or recast: a dated source from 2021 shows it as Hispanic community liaison officer." in text
    assert "Checked late 2026." in text
    assert "(the program, as Hispanic community liaison officer)" in text
    assert '<h2 id="since-report">Since the report</h2>' in text


@pytest.mark.django_db
def test_the_page_shows_the_current_official_page_as_a_plain_link(client):
    text = client.get(reverse("practices:detail", args=["dallas-tx"])).text
    assert (
        'Current page: <a href="https://dallaspolice.net/communitys/asianamericanunit" rel="noopener">'
        "Asian American Unit (Dallas Police Department; undated page)</a>"
    ) in text
    portland = client.get(reverse("practices:detail", args=["portland-or"])).text
    assert "No current official page for the program was found." in portland


@pytest.mark.django_db
def test_current_pages_carry_no_phone_numbers_or_email_addresses():
    for practice in Practice.objects.exclude(current_page_url=""):
        assert "@" not in practice.current_page_url + practice.current_page_title
        assert not any(char.isdigit() for char in practice.current_page_title.replace("343.00", "").replace("2011", ""))
    assert "dev.hennepin.us" not in "".join(Practice.objects.values_list("current_page_url", flat=True))


@pytest.mark.django_db
def test_undated_facts_say_they_do_not_decide(client):
    text = client.get(reverse("practices:detail", args=["new-york-ny"])).text
    assert "No trace since 2007." in text
    assert "undated, so it does not decide the status" in text


@pytest.mark.django_db
def test_result_cards_carry_the_status_line(client):
    text = client.get(LIST).text
    assert "Status today:</strong> Running: seen at work in 2025" in text
    assert "Status today:</strong> No trace since 1994" in text


@pytest.mark.django_db
def test_browse_filters_by_status_with_counts(client):
    response = client.get(LIST, {"status": "no-trace"})
    slugs = {practice.slug for practice in response.context["page_obj"]}
    assert slugs == {slug for slug, (status, *_rest) in EXPECTED.items() if status == "no-trace"}
    facet = next(facet for facet in response.context["facets"] if facet.name == "status")
    counts = {option.value: option.count for option in facet.options}
    assert counts == {"running": 5, "recast": 3, "no-trace": 8, "unknown": 2}
    both = client.get(LIST, {"status": ["running", "recast"], "state": "VA"})
    assert {p.slug for p in both.context["page_obj"]} == {"newport-news-va", "norfolk-va"}


@pytest.mark.django_db
def test_an_unknown_status_in_a_link_is_ignored_with_a_notice(client):
    response = client.get(LIST, {"status": "thriving"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 18
    assert "thriving" in response.text


@pytest.mark.django_db
def test_the_about_page_explains_the_rule(client):
    text = client.get(reverse("about")).text
    assert 'id="status-rule"' in text
    assert f"from the {RECENT_YEARS} years before the check" in text
    assert "Ended: only when a source says the program ended." in text
