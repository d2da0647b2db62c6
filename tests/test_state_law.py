"""State law as directory content: the data the notes give, /states/, a state's page, and its curation."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from statelaw.models import Bill, CourtRuling, Effect, Law, OtherMeasure, Stance, StateEntry

pytestmark = pytest.mark.django_db

NOTES = Path(settings.BASE_DIR).parent / "shared" / "state-law" / "state-laws.yaml"
LIST = reverse("statelaw:list")


def state_page(code):
    return reverse("statelaw:detail", kwargs={"code": code})


# The data


def test_every_state_and_dc_is_loaded_published_with_the_notes_stances():
    entries = StateEntry.objects.all()
    assert entries.count() == 51
    assert set(entries.values_list("status", flat=True)) == {StateEntry.Status.PUBLISHED}
    counts = {stance: entries.filter(stance=stance).count() for stance in Stance.values}
    assert counts == {"restricts_local_limits": 24, "limits_cooperation": 17, "mixed": 1, "no_statewide_law_found": 9}
    assert entries.get(state="VA").stance == Stance.MIXED
    assert {entry.state for entry in entries.filter(stance=Stance.NO_STATEWIDE_LAW_FOUND)} == {
        "AK",
        "HI",
        "ID",
        "KY",
        "MI",
        "NE",
        "PA",
        "RI",
        "WI",
    }


def test_every_law_ruling_measure_and_bill_cites_a_source_with_an_address():
    for model in (Law, CourtRuling, OtherMeasure, Bill):
        rows = model.objects.select_related("source")
        assert rows.exists(), model
        for row in rows:
            assert row.source.url.startswith(("http://", "https://")), row
    assert Law.objects.count() == 69
    assert CourtRuling.objects.count() == 22
    assert OtherMeasure.objects.count() == 17
    assert Bill.objects.count() == 36


def test_facts_carry_over_exactly():
    texas = StateEntry.objects.get(state="TX")
    sb8 = texas.laws.get(short_name="SB 8 (2025)")
    assert (sb8.name, sb8.year) == ("SB 8 (89th Legislature, R.S.)", "2025")
    assert sb8.source.url == "https://capitol.texas.gov/tlodocs/89R/billtext/html/SB00008F.htm"
    assert "December 1, 2026" in sb8.status_note
    assert "$25,000-25,500" in texas.laws.get(short_name="SB 4 (2017)").summary
    assert (texas.checked_on.isoformat(), texas.sources_through) == ("2026-12-01", "2025-07")
    iowa = StateEntry.objects.get(state="IA").laws.get(short_name="SF 481 (2018)")
    assert iowa.status == "in_force" and set(iowa.effects) == {"bans_local_limits", "requires_detainers"}
    lunn = CourtRuling.objects.get(case__startswith="Lunn v. Commonwealth")
    assert (lunn.court, lunn.date) == ("Massachusetts Supreme Judicial Court", "2017-07-24")
    # A date the notes did not record stays empty rather than guessed.
    assert StateEntry.objects.get(state="AK").sources_through == ""
    assert Law.objects.get(short_name="La. R.S. 40:81 et seq.").year == ""


def test_what_the_notes_leave_uncertain_is_kept_for_curators_only():
    alaska = StateEntry.objects.get(state="AK")
    assert "HB 205" in alaska.curator_notes
    assert "undated (akleg.gov" in alaska.curator_notes


def test_no_statewide_law_found_never_says_none_exists():
    for entry in StateEntry.objects.filter(stance=Stance.NO_STATEWIDE_LAW_FOUND):
        text = " ".join([entry.summary, entry.must, entry.must_not]).lower()
        assert "found" in text or "did not confirm" in text, entry.state
        assert not re.search(r"\b(no law exists|there is no|has no law|none exists)\b", text), entry.state


def test_every_effect_is_known_and_the_three_example_states_carry_theirs():
    known = set(Effect.values)
    for row in [*Law.objects.all(), *CourtRuling.objects.all()]:
        assert set(row.effects) <= known, row
    effects = {
        code: {effect for law in StateEntry.objects.get(state=code).authorities() for effect in law.effects}
        for code in ("TX", "IA", "NC", "CA", "AK")
    }
    assert {"bans_local_limits", "requires_detainers", "requires_287g"} <= effects["TX"]
    assert {"bans_local_limits", "requires_detainers"} <= effects["IA"]
    assert {"bans_local_limits", "requires_detainers", "requires_ice_notice"} <= effects["NC"]
    assert {"bars_enforcement_help", "bars_detainer_holds"} <= effects["CA"]
    assert effects["AK"] == set()


@pytest.mark.skipif(not NOTES.exists(), reason="the research notes are not beside the project")
def test_the_public_sentences_are_ours_and_match_the_committed_fixture():
    pytest.importorskip("yaml")
    from tools.state_law.converter import FIXTURE_NAME, StateLawBuilder, runs

    builder = StateLawBuilder(NOTES, known_sources=[]).build()
    committed = json.loads((Path(settings.FIXTURE_DIRS[0]) / FIXTURE_NAME).read_text(encoding="utf-8"))
    rebuilt = {(row["model"], json.dumps(row["fields"], sort_keys=True)) for row in builder.rows()}
    statelaw_rows = {(row["model"], json.dumps(row["fields"], sort_keys=True)) for row in committed}
    assert {row for row in rebuilt if row[0].startswith("statelaw.")} == {
        row for row in statelaw_rows if row[0].startswith("statelaw.")
    }
    # No public sentence repeats a run of the notes' words (the converter refuses to build one).
    for entry in StateEntry.objects.prefetch_related("laws", "rulings"):
        for text in [entry.summary, entry.must, entry.must_not, *[law.summary for law in entry.laws.all()]]:
            assert not runs(text) & builder.note_runs, text


# /states/


def test_the_list_shows_every_state_with_its_stance_and_counts(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert response.status_code == 200
    listing = response.context["listing"]
    assert [entry.name for entry in listing.shown][:3] == ["Alabama", "Alaska", "Arizona"]
    assert len(listing.shown) == 51
    counts = {option.value: option.count for option in listing.options}
    assert counts["restricts_local_limits"] == 24
    assert "Requires cooperation" in response.text and "Not legal advice." in response.text
    assert state_page("tx") in response.text
    # Dates read as words; nothing shows the stored form.
    assert "31 December 2024" in response.text and "November 2024" in response.text
    assert not re.search(r">\d{4}-\d{2}", response.text)
    assert "SB 4 (2017); SB 4 (2023); SB 8 (2025)" in response.text  # each state's laws, oldest first


@pytest.mark.parametrize(
    "kept, shown",
    [
        ("2024", "2024"),
        ("2024-11", "November 2024"),
        ("2024-11-05", "5 November 2024"),
        ("late 2017 or 2018", "late 2017 or 2018"),
        ("2010-13", "2010-13"),
        ("", ""),
    ],
)
def test_kept_dates_read_as_a_person_says_them(kept, shown):
    from sources.dates import readable_date

    assert readable_date(kept) == shown


def test_the_list_filters_by_stance_and_keeps_its_counts(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"stance": ["limits_cooperation", "mixed"]})
    shown = response.context["listing"].shown
    assert len(shown) == 18
    assert {entry.stance for entry in shown} == {"limits_cooperation", "mixed"}
    assert {option.value: option.count for option in response.context["listing"].options}["mixed"] == 1
    assert 'value="mixed" checked' in response.text


def test_an_unknown_stance_is_ignored_with_a_notice(client):
    response = client.get(LIST, {"stance": ["sanctuary<script>", "MIXED"]})
    assert response.status_code == 200
    assert len(response.context["listing"].shown) == 1
    assert "so it was ignored: sanctuary&lt;script&gt;" in response.text


# A state's page


def test_a_state_page_says_what_police_must_and_must_not_do_with_each_law_cited(client):
    response = client.get(state_page("tx"))
    assert response.status_code == 200
    text = response.text
    assert "Jails must comply with ICE detainer requests (SB 4, 2017)." in text
    assert "What local police and their city must not do" in text
    for name in ("SB 4 (2017)", "SB 8 (2025)", "SB 4 (2023)", "City of El Cenizo v. Texas, 890 F.3d 164"):
        assert name in text
    assert "In force in part" in text and "Blocked" not in text.split("Court rulings")[0].split("SB 4 (2023)")[0]
    assert "Law researched on 1 December 2026, in sources dated up to July 2025." in text
    assert "ask your city attorney" in text
    assert 'href="https://capitol.texas.gov/tlodocs/89R/billtext/html/SB00008F.htm"' in text
    assert re.search(r'<a href="#source-\d+"', text)
    # The directory's practice in Texas, and a way to plan for a Texas city.
    assert "Asian American Unit" in text
    assert "?state=TX" in text


def test_a_state_without_a_law_found_says_so_honestly(client):
    text = client.get(state_page("ak")).text
    assert "No statewide law found" in text
    assert "No statewide duty was found in the sources consulted. That does not mean there is none" in text
    assert "HB 205 (30th Legislature)" in text and "No record of enactment found" in text
    assert "The directory profiles no department in Alaska yet." in text


def test_a_state_page_costs_the_same_queries_whatever_it_holds(client, django_assert_max_num_queries):
    for code in ("tx", "va", "ak", "ia"):
        with django_assert_max_num_queries(9):
            assert client.get(state_page(code)).status_code == 200


def test_addresses_are_lowercase_and_bad_codes_are_not_found(client):
    response = client.get(state_page("TX"))
    assert (response.status_code, response["Location"]) == (301, state_page("tx"))
    for code in ("zz", "pr", "t", "tex", "1x"):
        assert client.get(f"{LIST}{code}/").status_code == 404, code


def test_a_draft_state_is_hidden_from_the_public_and_previewed_by_curators(curator_client):
    StateEntry.objects.filter(state="IA").update(status=StateEntry.Status.DRAFT)
    public = Client()
    assert public.get(state_page("ia")).status_code == 404
    assert "Iowa" not in [entry.name for entry in public.get(LIST).context["listing"].shown]
    preview = curator_client.get(state_page("ia"))
    assert preview.status_code == 200 and "Draft preview." in preview.text


# Curation


def test_a_curator_edits_a_state_in_the_admin_and_its_history_records_it(curator_client):
    entry = StateEntry.objects.get(state="NV")
    url = reverse("admin:statelaw_stateentry_change", args=[entry.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["summary"] = entry.summary + " Checked again."
    data.update(management_forms(curator_client.get(url).context))
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry.refresh_from_db()
    assert entry.summary.endswith("Checked again.")
    assert entry.version == 2
    assert entry.history.count() == 2


def management_forms(context):
    """The inline formsets' fields as the change form renders them."""
    data = {}
    for formset in context["inline_admin_formsets"]:
        formset = formset.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is None:
                    continue
                key = form.add_prefix(name)
                if isinstance(value, list | tuple):
                    data[key] = [str(item) for item in value]
                else:
                    data[key] = value
    return data


def test_curators_may_not_delete_a_whole_state(curator_client):
    entry = StateEntry.objects.get(state="NV")
    assert curator_client.get(reverse("admin:statelaw_stateentry_delete", args=[entry.pk])).status_code == 403


# The law beside a program's account


def law_box(text):
    start = text.index('id="state-law-today"')
    return text[start : text.index("</aside>", start)]


def test_a_practice_page_shows_its_state_law_today_and_what_came_after_the_account(client):
    box = law_box(client.get(reverse("practices:detail", args=["storm-lake-ia"])).text)
    assert "Iowa's law today" in box and "Requires cooperation" in box
    assert "describes it as of 2011. This law came later:" in box
    assert ">SF 481 (2018)</a>" in box
    assert "SF 2340" not in box, "a law a court has blocked is not the law today"
    assert f'href="{state_page("ia")}"' in box and "confirm with your city attorney" in box


def test_department_pages_show_the_law_of_their_state(client):
    des_moines = law_box(client.get(reverse("departments:detail", args=["des-moines-ia"])).text)
    assert ">SF 481 (2018)</a>" in des_moines
    garden_grove = law_box(client.get(reverse("departments:detail", args=["garden-grove-ca"])).text)
    assert "California's law today" in garden_grove and "Limits cooperation" in garden_grove
    assert ">SB 54 (2017)</a>" in garden_grove


def test_a_case_study_over_a_closed_period_compares_with_its_last_year():
    from practices.models import Practice

    case_study = Practice.objects.get(slug="indianapolis-model-2000-2007")
    assert case_study.described_as_of == 2007
    today = StateEntry.objects.published().today_in("IN")
    assert [law.short_name for law in today.after(case_study.described_as_of)] == [
        "IC 5-2-18.2 (2011)",
        "HEA 1393 (2025)",
        "SEA 76 (2026)",
    ]


def test_no_box_for_a_state_without_a_published_entry(client):
    StateEntry.objects.filter(state="IA").update(status=StateEntry.Status.DRAFT)
    assert 'id="state-law-today"' not in client.get(reverse("practices:detail", args=["storm-lake-ia"])).text


# Browse: the law facet


def law_facet(response):
    facet = next(facet for facet in response.context["facets"] if facet.name == "law")
    return {option.value: option.count for option in facet.options}


def test_browse_counts_practices_by_the_stance_of_their_state(client, django_assert_max_num_queries):
    browse = reverse("practices:list")
    with django_assert_max_num_queries(10):
        response = client.get(browse)
    assert law_facet(response) == {"restricts_local_limits": 6, "limits_cooperation": 10, "mixed": 2}
    assert sum(law_facet(response).values()) == 18
    # Filtering by law finds the practices in those states; the law facet ignores its own filter.
    limits = client.get(browse, {"law": "limits_cooperation"})
    assert limits.context["page_obj"].paginator.count == 10
    assert {practice.department.state for practice in limits.context["page_obj"]} == {
        "MN",
        "NV",
        "OR",
        "MA",
        "DC",
        "CA",
        "CT",
        "NY",
    }
    assert law_facet(limits) == law_facet(response)
    assert "State law today: Limits cooperation" in limits.text


def test_the_law_facet_combines_with_the_others_and_ignores_unknown_values(client):
    browse = reverse("practices:list")
    iowa_size = client.get(browse, {"size": "small", "law": ["restricts_local_limits", "sanctuary"]})
    assert [practice.slug for practice in iowa_size.context["page_obj"]] == ["storm-lake-ia"]
    # The law facet counts the small cities of every stance, since it ignores its own filter.
    from practices.models import Practice

    stances = dict(StateEntry.objects.values_list("state", "stance"))
    small = Practice.objects.published().filter(department__size_band="small").select_related("department")
    expected = {}
    for practice in small:
        expected[stances[practice.department.state]] = expected.get(stances[practice.department.state], 0) + 1
    assert law_facet(iowa_size) == expected
    assert expected["restricts_local_limits"] == 1
    assert "State law today: “sanctuary”" in iowa_size.text
    # A state whose entry is a draft has no stance to count.
    StateEntry.objects.filter(state="VA").update(status=StateEntry.Status.DRAFT)
    assert "mixed" not in law_facet(client.get(browse))
