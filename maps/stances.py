"""Each state's stance on local cooperation with federal immigration enforcement, for shading the map.

The one place the map learns state law. The directory's state-law content (issue 12's ``statelaw``
app) is not installed yet, so no state has a stance and the map draws no shading or legend; once it
is, this returns its published entries' stances and the map shades states by them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stance:
    value: str  # e.g. "limits_cooperation"; also the shading's CSS class, map-stance--<value>
    label: str
    order: int  # the legend's order


def state_stances():
    """{USPS code: Stance} for the states whose stance the directory publishes."""
    return {}
