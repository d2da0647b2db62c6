"""The U.S. states from npm's us-atlas, as compact SVG paths for maps/data/us-states.json.

us-atlas (ISC licence, Mike Bostock; from the U.S. Census Bureau's 2017 cartographic boundary
files) ships ``states-albers-10m.json``: TopoJSON already projected with d3's geoAlbersUsa to a
975 x 610 frame. This module decodes its arcs, simplifies each shared arc once (Visvalingam's
effective area, so neighbouring states keep one common border and no slivers open between them),
rounds to whole units of the frame, drops islands too small to see, and writes one relative SVG
path per state with a point well inside it for a label or a state-wide marker. It runs at build
time only (``manage.py build_us_map``); the site reads the JSON it writes.
"""

import heapq
import io
import json
import math
import tarfile
from pathlib import Path

PACKAGE = "us-atlas"
SHAPES_FILE = "package/states-albers-10m.json"
# Effective area (square units of the 975 x 610 frame) under which a bend is dropped, and the
# area under which an island is left out (a state's largest piece is always kept).
SIMPLIFY_AREA = 2.0
SMALLEST_ISLAND = 4.0

# Census FIPS codes of us-atlas's states to USPS codes (departments/states.py).
FIPS_TO_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY",
}  # fmt: skip


class PackageError(Exception):
    pass


def read_package(path):
    """(package.json, the states topology) from an ``npm pack`` tarball or an unpacked package folder."""
    path = Path(path)
    if path.is_dir():
        folder = path if (path / "package.json").exists() else path / "package"
        try:
            meta = json.loads((folder / "package.json").read_text())
            topology = json.loads((folder / Path(SHAPES_FILE).name).read_text())
        except FileNotFoundError as error:
            raise PackageError(f"{path} is not an unpacked us-atlas package: {error}") from error
    else:
        try:
            with tarfile.open(path) as archive:
                meta = json.load(archive.extractfile("package/package.json"))
                topology = json.load(io.TextIOWrapper(archive.extractfile(SHAPES_FILE), encoding="utf-8"))
        except (OSError, KeyError, tarfile.TarError) as error:
            raise PackageError(f"{path} is not a us-atlas tarball from `npm pack`: {error}") from error
    if meta.get("name") != PACKAGE:
        raise PackageError(f"{path} holds the package {meta.get('name')!r}, not {PACKAGE!r}.")
    return meta, topology


def decode_arcs(topology):
    """Each arc as a list of (x, y) in the frame (TopoJSON quantized, delta-encoded arcs)."""
    (kx, ky), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        arcs.append(points)
    return arcs


def triangle_area(a, b, c):
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def simplify(points, min_area):
    """Visvalingam-Whyatt: drop the bend with the smallest effective area until all are >= min_area.

    The ends stay put: they are where arcs meet, so every state sharing them keeps the same border.
    """
    count = len(points)
    if count <= 3:
        return points
    previous, following = list(range(-1, count - 1)), list(range(1, count + 1))
    removed = [False] * count
    areas = {index: triangle_area(points[index - 1], points[index], points[index + 1]) for index in range(1, count - 1)}
    heap = [(area, index) for index, area in areas.items()]
    heapq.heapify(heap)
    while heap:
        area, index = heapq.heappop(heap)
        if removed[index] or areas[index] != area:
            continue  # a stale entry: this bend's area changed when a neighbour went
        if area >= min_area:
            break
        removed[index] = True
        before, after = previous[index], following[index]
        following[before], previous[after] = after, before
        for neighbour in (before, after):
            if 0 < neighbour < count - 1:
                # Never smaller than the bend just removed, so the order of removals holds.
                areas[neighbour] = max(
                    area,
                    triangle_area(points[previous[neighbour]], points[neighbour], points[following[neighbour]]),
                )
                heapq.heappush(heap, (areas[neighbour], neighbour))
    return [point for index, point in enumerate(points) if not removed[index]]


def ring_points(arc_indexes, arcs):
    """A ring from its arcs (a negative index ~i means arc i reversed), each junction once."""
    ring = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def rounded(ring):
    """The ring on whole units, without repeated points or the closing copy of the first."""
    points = []
    for x, y in ring:
        point = (round(x), round(y))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points


def signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def svg_path(polygons):
    """'M x y l dx dy ... z' per ring, numbers joined as tightly as SVG allows."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            numbers = []
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                numbers += [x1 - x0, y1 - y0]
            parts.append(f"M{ring[0][0]} {ring[0][1]}l{join_numbers(numbers)}z")
    return "".join(parts)


def join_numbers(numbers):
    text = ""
    for number in numbers:
        text += str(number) if not text or number < 0 else f" {number}"
    return text


def point_to_segment(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0 if not length else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def inside(px, py, polygon):
    """Even-odd rule over the polygon's rings (its outline and any holes)."""
    result = False
    for ring in polygon:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > py) != (y1 > py) and px < (x1 - x0) * (py - y0) / (y1 - y0) + x0:
                result = not result
    return result


def edge_distance(px, py, polygon):
    """Distance to the polygon's nearest edge: positive inside, negative outside."""
    nearest = min(
        point_to_segment(px, py, a, b) for ring in polygon for a, b in zip(ring, ring[1:] + ring[:1], strict=True)
    )
    return nearest if inside(px, py, polygon) else -nearest


def label_point(polygon, precision=0.5):
    """The point inside ``polygon`` farthest from its edges (Mapbox's polylabel), for a state-wide marker.

    A centroid can fall outside a curved state (Florida, Michigan, Maryland); this cannot.
    """
    xs = [x for x, _ in polygon[0]]
    ys = [y for _, y in polygon[0]]
    size = min(max(xs) - min(xs), max(ys) - min(ys))
    if size == 0:
        return xs[0], ys[0]

    def cell(x, y, half):
        distance = edge_distance(x, y, polygon)
        return (-(distance + half * math.sqrt(2)), distance, x, y, half)

    half = size / 2
    queue = []
    x = min(xs)
    while x < max(xs):
        y = min(ys)
        while y < max(ys):
            heapq.heappush(queue, cell(x + half, y + half, half))
            y += size
        x += size
    best = cell(sum(xs) / len(xs), sum(ys) / len(ys), 0)
    while queue:
        _, distance, x, y, half = heapq.heappop(queue)
        if distance > best[1]:
            best = (0, distance, x, y, 0)
        if distance + half * math.sqrt(2) - best[1] <= precision:
            continue
        half /= 2
        for dx in (-half, half):
            for dy in (-half, half):
                heapq.heappush(queue, cell(x + dx, y + dy, half))
    return round(best[2]), round(best[3])


def build(topology, meta):
    """The data file's content: the frame, where the shapes came from, and each state's path and label point."""
    arcs = [simplify(arc, SIMPLIFY_AREA) for arc in decode_arcs(topology)]
    states = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        code = FIPS_TO_USPS[geometry["id"]]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        pieces = []
        for polygon in polygons:
            rings = [rounded(ring_points(ring, arcs)) for ring in polygon]
            rings = [ring for ring in rings if len(ring) >= 3]
            if rings:
                pieces.append(rings)
        pieces.sort(key=lambda rings: -abs(signed_area(rings[0])))
        kept = pieces[:1] + [rings for rings in pieces[1:] if abs(signed_area(rings[0])) >= SMALLEST_ISLAND]
        states[code] = {
            "name": geometry["properties"]["name"],
            "d": svg_path(kept),
            "label": label_point(kept[0]),
        }
    return {
        "source": (
            f"{PACKAGE} {meta['version']} ({meta.get('license', 'licence not stated')}), {SHAPES_FILE.split('/')[-1]}: "
            "the U.S. Census Bureau's 2017 cartographic state boundaries, projected with d3.geoAlbersUsa()"
            ".scale(1300).translate([487.5, 305])"
        ),
        "simplified": f"Visvalingam, {SIMPLIFY_AREA} square units; islands under {SMALLEST_ISLAND} left out",
        "width": 975,
        "height": 610,
        "states": dict(sorted(states.items())),
    }


def write(data, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One state per line: small diffs when the package or the settings change.
    lines = [
        f"  {json.dumps(code)}: {json.dumps(state, separators=(',', ':'))}" for code, state in data["states"].items()
    ]
    head = {key: value for key, value in data.items() if key != "states"}
    text = json.dumps(head, indent=2)[:-2] + ',\n  "states": {\n' + ",\n".join("  " + line for line in lines)
    path.write_text(text + "\n  }\n}\n")
    return path
