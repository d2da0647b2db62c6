"""d3-geo's geoAlbersUsa in Python, set up as us-atlas's states-albers-10m.json was projected.

us-atlas projected its shapes with ``d3.geoAlbersUsa().scale(1300).translate([487.5, 305])`` to
fit a 975 x 610 frame; departments' coordinates go through the same projection here, so markers
land on the shapes. It is a composite of three conic equal-area projections: the lower 48 states,
and Alaska (at 0.35 of the scale) and Hawaii moved into insets at the bottom left. A point falls
in the first of the three whose frame (clip extent) holds it; anything else (Puerto Rico, the
other territories, the rest of the world) has no place on this map and projects to None.

Ported from d3-geo 3.1 (src/projection/albersUsa.js, conicEqualArea.js, index.js; ISC licence).
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 975, 610
SCALE, TRANSLATE = 1300, (487.5, 305)
EPSILON = 1e-6


@dataclass(frozen=True)
class ConicEqualArea:
    """A conic equal-area (Albers) projection as d3 composes one: rotate, project, center, scale, translate."""

    parallels: tuple  # standard parallels, degrees
    rotate: float  # degrees of longitude added before projecting
    center: tuple  # (longitude, latitude) in the rotated frame that lands on ``translate``
    scale: float
    translate: tuple
    extent: tuple  # ((x0, y0), (x1, y1)): points projected outside are not this projection's

    def raw(self, lam, phi):
        sin0 = math.sin(math.radians(self.parallels[0]))
        n = (sin0 + math.sin(math.radians(self.parallels[1]))) / 2
        c = 1 + sin0 * (2 * n - sin0)
        r0 = math.sqrt(c) / n
        r = math.sqrt(c - 2 * n * math.sin(phi)) / n
        return r * math.sin(lam * n), r0 - r * math.cos(lam * n)

    def __call__(self, longitude, latitude):
        lam = math.radians(longitude + self.rotate)
        if abs(lam) > math.pi:
            lam -= round(lam / math.tau) * math.tau
        x, y = self.raw(lam, math.radians(latitude))
        cx, cy = self.raw(math.radians(self.center[0]), math.radians(self.center[1]))
        px = self.translate[0] + self.scale * (x - cx)
        py = self.translate[1] - self.scale * (y - cy)
        (x0, y0), (x1, y1) = self.extent
        if x0 <= px <= x1 and y0 <= py <= y1:
            return px, py
        return None


def _albers_usa(scale, translate):
    k, (x, y) = scale, translate
    lower48 = ConicEqualArea(
        parallels=(29.5, 45.5),
        rotate=96,
        center=(-0.6, 38.7),
        scale=k,
        translate=(x, y),
        extent=((x - 0.455 * k, y - 0.238 * k), (x + 0.455 * k, y + 0.238 * k)),
    )
    alaska = ConicEqualArea(
        parallels=(55, 65),
        rotate=154,
        center=(-2, 58.5),
        scale=k * 0.35,
        translate=(x - 0.307 * k, y + 0.201 * k),
        extent=(
            (x - 0.425 * k + EPSILON, y + 0.120 * k + EPSILON),
            (x - 0.214 * k - EPSILON, y + 0.234 * k - EPSILON),
        ),
    )
    hawaii = ConicEqualArea(
        parallels=(8, 18),
        rotate=157,
        center=(-3, 19.9),
        scale=k,
        translate=(x - 0.205 * k, y + 0.212 * k),
        extent=(
            (x - 0.214 * k + EPSILON, y + 0.166 * k + EPSILON),
            (x - 0.115 * k - EPSILON, y + 0.234 * k - EPSILON),
        ),
    )
    return lower48, alaska, hawaii


PARTS = _albers_usa(SCALE, TRANSLATE)


def project(longitude, latitude):
    """(x, y) in the 975 x 610 frame of us-atlas's Albers USA shapes, or None if off the map."""
    if longitude is None or latitude is None:
        return None
    longitude, latitude = float(longitude), float(latitude)
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return None
    for part in PARTS:
        point = part(longitude, latitude)
        if point is not None:
            return point
    return None
