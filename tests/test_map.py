"""The map: its projection and shapes, its markers against the filtered list, its list, its weight."""

import gzip
import html
import json
import re
import tarfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from departments.models import Department
from maps import directory_map, stances
from maps.directory_map import DirectoryMap
from maps.projection import HEIGHT, WIDTH, project
from maps.shapes import DATA_FILE, atlas
from practices.models import Practice
from tools.us_map import shapes as builder

pytestmark = pytest.mark.django_db

LIST = reverse("practices:list")
MARKER = re.compile(
    r'<a href="(?P<url>[^"]+)"><title>(?P<label>[^<]+)</title>'
    r'<circle cx="(?P<x>[\d.-]+)" cy="(?P<y>[\d.-]+)" r="(?P<r>[\d.]+)"/>(?:<text[^>]*>(?P<count>\d+)</text>)?</a>'
)

# d3-geo 3.1.2's geoAlbersUsa().scale(1300).translate([487.5, 305]), run with node on these points.
D3_REFERENCE = {
    "Storm Lake, IA": ((-95.2019, 42.6436), (511.26010801669554, 214.74806843740157)),
    "Anchorage, AK": ((-149.9003, 61.2181), (112.277427569713, 544.2779162203778)),
    "Juneau, AK": ((-134.4197, 58.3019), (176.93702274402565, 556.0837861629693)),
    "Utqiagvik, AK": ((-156.7886, 71.2906), (89.3904442818784, 465.03400421829315)),
    "Honolulu, HI": ((-157.8583, 21.3069), (266.95994676863154, 549.1903729395863)),
    "Hilo, HI": ((-155.09, 19.7297), (326.1522737544992, 584.6749541795259)),
    "Miami, FL": ((-80.1918, 25.7617), (822.7383158297632, 572.5407791128295)),
    "Seattle, WA": ((-122.3321, 47.6062), (97.6249669465995, 46.31865922997736)),
    "Bangor, ME": ((-68.7778, 44.8016), (929.526139001244, 103.4156494186966)),
    "Washington, DC": ((-77.0369, 38.9072), (827.428627167461, 267.315273920894)),
    "Brownsville, TX": ((-97.4975, 25.9017), (467.170327202747, 596.218419405408)),
    "San Juan, PR": ((-66.1057, 18.4655), None),
    "Paris, France": ((2.35, 48.85), None),
}

CITIES_IN_STATES = {
    "IA": (-95.2019, 42.6436),
    "AK": (-149.9003, 61.2181),
    "HI": (-157.8583, 21.3069),
    "FL": (-80.1918, 25.7617),
    "WA": (-122.3321, 47.6062),
    "ME": (-68.7778, 44.8016),
    "RI": (-71.4128, 41.824),
    "DC": (-77.0369, 38.9072),
    "TX": (-97.4975, 25.9017),
    "MI": (-83.0458, 42.3314),
    "NY": (-74.006, 40.7128),
}


def rings(path):
    """The rings of one of the data file's paths ('M x y l dx dy ... z', whole numbers)."""
    parsed = []
    for part in re.findall(r"M[^M]+", path):
        numbers = [int(number) for number in re.findall(r"-?\d+", part)]
        x, y = numbers[0], numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        parsed.append(ring)
    return parsed


def inside(point, path):
    return builder.inside(*point, rings(path))


def map_block(response):
    text = response.content.decode()
    start = text.index('<details class="map-panel"')
    return text[start : text.index("</details>", start) + len("</details>")]


def markers(response):
    return [match.groupdict() for match in MARKER.finditer(map_block(response))]


def department_of(url):
    """The department a marker's link leads to: its one practice's, or its own page."""
    slug = url.strip("/").split("/")[-1]
    if url.startswith("/practices/"):
        return Practice.objects.get(slug=slug).department
    return Department.objects.get(slug=slug)


def expected_departments(queryset):
    """{department slug: practice count} for practices the page lists."""
    counts = {}
    for practice in queryset.select_related("department"):
        counts[practice.department.slug] = counts.get(practice.department.slug, 0) + 1
    return counts


@pytest.mark.parametrize("name", list(D3_REFERENCE))
def test_the_projection_matches_d3_geo_albers_usa(name):
    (longitude, latitude), expected = D3_REFERENCE[name]
    point = project(longitude, latitude)
    if expected is None:
        assert point is None
    else:
        assert point == pytest.approx(expected, abs=1e-6)


def test_the_projection_ignores_what_it_cannot_place():
    assert project(None, 40) is None
    assert project(-200, 40) is None
    assert project(-95, 95) is None


@pytest.mark.parametrize("state", list(CITIES_IN_STATES))
def test_known_cities_land_inside_their_states_shapes(state):
    point = project(*CITIES_IN_STATES[state])
    assert inside(point, atlas().states[state].path)
    others = [code for code, shape in atlas().states.items() if code != state and inside(point, shape.path)]
    assert not others


def test_every_department_of_the_directory_lands_in_its_own_state():
    for department in Department.objects.all():
        point = project(department.longitude, department.latitude)
        assert inside(point, atlas().states[department.state].path), department.place


def test_the_shapes_file_holds_every_state_once_small_and_credits_its_source():
    shapes = atlas()
    territories = {"AS", "GU", "MP", "PR", "VI"}
    from departments.states import State

    assert set(shapes.states) == set(State.values) - territories
    assert (shapes.width, shapes.height) == (WIDTH, HEIGHT) == (975, 610)
    assert "us-atlas 3.0.1 (ISC)" in shapes.source and "Census Bureau" in shapes.source
    assert DATA_FILE.stat().st_size < 18_000
    for code, shape in shapes.states.items():
        assert inside(shape.label, shape.path), f"{code}'s marker point is outside it"


def test_browse_marks_one_dot_per_department_of_the_filtered_practices(client):
    for query in ["", "?kind=language_access", "?state=MA&state=VA", "?q=interpreters", "?size=small&area=diversity"]:
        response = client.get(LIST + query)
        listed = response.context["page_obj"].paginator.object_list
        expected = expected_departments(listed)
        found = markers(response)
        assert len(found) == len(expected), query
        for marker in found:
            department = department_of(marker["url"])
            assert expected[department.slug] == int(marker["count"] or 1), query
            assert department.city in html.unescape(marker["label"])


def test_a_marker_links_to_its_one_practice_or_to_the_department_of_several(client):
    storm_lake = Department.objects.get(slug="storm-lake-ia")
    Practice.objects.create(
        slug="storm-lake-second",
        title="A second Storm Lake practice",
        department=storm_lake,
        summary="For the test.",
        status=Practice.Status.PUBLISHED,
    )
    response = client.get(LIST + "?state=IA")
    by_url = {marker["url"]: marker for marker in markers(response)}
    assert by_url["/departments/storm-lake-ia/"]["count"] == "2"
    assert html.unescape(by_url["/departments/storm-lake-ia/"]["label"]) == "Storm Lake, Iowa: 2 practices"
    des_moines = by_url["/practices/des-moines-ia/"]
    assert des_moines["count"] is None
    assert html.unescape(des_moines["label"]) == "Des Moines, Iowa: HONRA / AORO"
    assert float(des_moines["r"]) < float(by_url["/departments/storm-lake-ia/"]["r"])


def test_markers_sit_where_the_projection_puts_their_departments(client):
    response = client.get(reverse("departments:list"))
    for marker in markers(response):
        department = department_of(marker["url"])
        x, y = project(department.longitude, department.latitude)
        assert (float(marker["x"]), float(marker["y"])) == pytest.approx((x, y), abs=0.06)


def test_the_list_beside_the_map_gives_states_and_departments_with_counts(client):
    response = client.get(LIST + "?kind=language_access")
    block = map_block(response)
    listing = block[block.index('id="map-list"') :]
    expected = expected_departments(response.context["page_obj"].paginator.object_list)
    departments = Department.objects.filter(slug__in=expected)
    states = sorted({department.state for department in departments})
    for state in states:
        in_state = sum(expected[department.slug] for department in departments if department.state == state)
        name = departments.filter(state=state).first().get_state_display()
        noun = "practice" if in_state == 1 else "practices"
        link = f'<a href="/practices/?kind=language_access&amp;state={state}">{name}</a>'
        law = f"; state law: {stances.state_stances()[state].label}" if state in stances.state_stances() else ""
        assert f'{link} <span class="map-list__count">({in_state} {noun}{law})</span>' in listing
    for department in departments:
        assert f">{department.city}</a>" in listing
    assert "The map as a list" in listing
    assert f"<summary>Map: {len(expected)} departments in {len(states)} states</summary>" in block


def test_the_svg_has_its_frame_a_name_and_every_marker_a_name(client):
    block = map_block(client.get(reverse("departments:list")))
    assert '<svg class="map" viewBox="0 0 975 610" width="975" height="610" role="group"' in block
    assert 'aria-labelledby="map-title"' in block and '<title id="map-title">Map of the United States' in block
    assert block.count("<path ") == 51
    assert '<g class="map__states" aria-hidden="true">' in block
    found = markers(client.get(reverse("departments:list")))
    assert len(found) == Department.objects.public().count() == 18
    assert all(marker["label"].strip() for marker in found)
    # The markers, the legend's link to the states' laws, then the list's states and departments.
    assert block.count("<a href=") == len(found) + 1 + 13 + 18
    assert 'class="map-panel__skip visually-hidden-focusable" href="#map-list"' in block


def test_the_map_is_light(client):
    """The map, its legend and its list on the departments page: under 23 KB of HTML, 7.5 KB gzipped."""
    block = map_block(client.get(reverse("departments:list"))).encode()
    assert len(block) < 23_000, len(block)
    assert len(gzip.compress(block)) < 7_500, len(gzip.compress(block))


def test_drafts_leave_the_map(client):
    Practice.objects.filter(slug="lowell-ma").update(status=Practice.Status.DRAFT)
    response = client.get(reverse("departments:list"))
    assert "/practices/lowell-ma/" not in map_block(response)
    assert "Lowell" not in map_block(response)


def test_departments_off_the_map_are_listed_and_say_why(client):
    source = Department.objects.get(slug="storm-lake-ia").city_population_source
    san_juan = Department.objects.create(
        slug="san-juan-pr", city="San Juan", state="PR", latitude="18.4655", longitude="-66.1057"
    )
    nowhere = Department.objects.create(slug="nowhere-ks", city="Nowhere", state="KS")
    for department in (san_juan, nowhere):
        Practice.objects.create(
            slug=f"{department.slug}-practice",
            title=f"{department.city} practice",
            department=department,
            summary="For the test.",
            status=Practice.Status.PUBLISHED,
        )
    assert source  # the seeded data is what the other departments cite
    block = map_block(client.get(reverse("departments:list")))
    urls = [marker["url"] for marker in markers(client.get(reverse("departments:list")))]
    assert "/practices/san-juan-pr-practice/" not in urls and "/practices/nowhere-ks-practice/" not in urls
    assert '>San Juan</a> <span class="muted">(outside this map)</span>' in block
    assert '>Nowhere</a> <span class="muted">(not on the map: no location recorded)</span>' in block


def test_past_the_limit_the_map_counts_practices_per_state(client, monkeypatch):
    monkeypatch.setattr(directory_map, "MAX_DEPARTMENT_MARKERS", 5)
    response = client.get(LIST)
    found = markers(response)
    states = Department.objects.public().values_list("state", flat=True).distinct()
    assert len(found) == len(set(states)) == 13
    by_url = {marker["url"]: marker for marker in found}
    iowa = by_url["/practices/?state=IA"]
    assert iowa["count"] == "2"
    assert html.unescape(iowa["label"]) == "Iowa: 2 practices in 2 departments"
    block = map_block(response)
    assert "choose a state to see its departments one by one" in block
    assert ">Storm Lake</a>" not in block  # the list counts states too, each linking to its practices


def test_the_map_costs_one_query_whatever_the_filters(django_assert_num_queries):
    practices = Practice.objects.published().filter(department__state__in=["IA", "MN"]).search("police")
    with django_assert_num_queries(1):
        found = DirectoryMap(practices).departments
    assert {department.state for department in found} <= {"IA", "MN"}


def test_no_results_no_map(client):
    response = client.get(LIST + "?q=nothingmatchesthisword")
    assert 'class="map-panel"' not in response.text


def test_states_are_shaded_by_their_published_stance_with_a_legend(client, monkeypatch):
    from statelaw.models import StateEntry

    published = dict(StateEntry.objects.published().values_list("state", "stance"))
    found = stances.state_stances()
    assert {code: stance.value for code, stance in found.items()} == published
    text = client.get(reverse("departments:list")).text
    for code, stance in published.items():
        path = atlas().states[code].path
        assert f'<path class="map-stance--{stance}" d="{path}"/>' in text, code
    assert 'class="map-legend"' in text and 'href="/states/"' in text
    StateEntry.objects.update(status="draft")
    assert stances.state_stances() == {}
    assert "map-legend" not in client.get(reverse("departments:list")).text
    limits = stances.Stance("limits_cooperation", "Limits cooperation", 1)
    requires = stances.Stance("restricts_local_limits", "Requires cooperation", 0)
    monkeypatch.setattr(directory_map, "parse", lambda text: {"CA": limits, "TX": requires, "IA": requires})
    text = client.get(reverse("departments:list")).text
    assert text.count('class="map-stance--restricts_local_limits"') == 2
    assert text.count('class="map-stance--limits_cooperation"') == 1
    legend = text[text.index('class="map-legend"') :]
    assert legend.index("Requires cooperation") < legend.index("Limits cooperation")


# The build tool, on a tiny topology: two squares sharing one border.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [0, 0]},
    "arcs": [
        [[10, 10], [0, 10], [0, 10], [0, 10], [0, 10]],  # the shared border, x = 10, y 10..50
        [[10, 50], [-10, 0], [0, -40], [10, 0]],  # the west square's other sides
        [[10, 10], [20, 0], [1, 20], [-1, 20], [-20, 0]],  # the east square's, with a slight bend
    ],
    "objects": {
        "states": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "19", "properties": {"name": "Iowa"}, "arcs": [[0, 1]]},
                {"type": "Polygon", "id": "17", "properties": {"name": "Illinois"}, "arcs": [[2, ~0]]},
            ],
        }
    },
}


def package_tarball(tmp_path, name="us-atlas"):
    path = tmp_path / "us-atlas-9.9.9.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for member, content in [
            ("package/package.json", {"name": name, "version": "9.9.9", "license": "ISC"}),
            (builder.SHAPES_FILE, TOPOLOGY),
        ]:
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, BytesIO(data))
    return path


def test_the_build_tool_writes_shared_borders_once_simplified_and_labels_inside(tmp_path):
    output = tmp_path / "states.json"
    call_command("build_us_map", str(package_tarball(tmp_path)), output=output, stdout=StringIO())
    data = json.loads(output.read_text())
    assert data["source"].startswith("us-atlas 9.9.9 (ISC)")
    iowa, illinois = data["states"]["IA"], data["states"]["IL"]
    # The straight shared border keeps only its ends; the east side's bend (20 square units) stays.
    assert iowa["d"] == "M10 10l0 40-10 0 0-40z"
    assert illinois["d"] == "M10 10l20 0 1 20-1 20-20 0z"
    for state in (iowa, illinois):
        assert builder.inside(*state["label"], rings(state["d"]))


def test_the_build_tool_refuses_another_package_or_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not 'us-atlas'"):
        call_command("build_us_map", str(package_tarball(tmp_path, name="left-pad")), output=tmp_path / "x.json")
    with pytest.raises(CommandError, match="not a us-atlas tarball"):
        call_command("build_us_map", str(tmp_path / "missing.tgz"), output=tmp_path / "x.json")


def test_the_departments_map_follows_the_policy_filter(client):
    from django.urls import reverse

    filtered = client.get(reverse("departments:list"), {"policy": "written"})
    listed = {department.pk for department in filtered.context["departments"]}
    mapped = {practice.department_id for practice in filtered.context["map_practices"]}
    assert mapped == listed
    assert len(listed) < len({d.pk for d in client.get(reverse("departments:list")).context["departments"]})
