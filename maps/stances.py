"""Each state's stance on local cooperation with federal immigration enforcement, for shading the map.

The one place the map learns state law: the published entries of the ``statelaw`` app. The map
reads them inside its one query (``stances_column``, the same short text on every row), so the
shading costs no query of its own; ``state_stances()`` reads them alone. A state without a
published entry is drawn unshaded.
"""

from dataclasses import dataclass

from django.db.models import CharField, StringAgg, Subquery, Value
from django.db.models.functions import Concat

from statelaw.models import Stance as LawStance
from statelaw.models import StateEntry

ORDER = list(LawStance.values)


@dataclass(frozen=True)
class Stance:
    value: str  # e.g. "limits_cooperation"; also the shading's CSS class, map-stance--<value>
    label: str
    order: int  # the legend's order


def stances_column():
    """'IA:restricts_local_limits,CA:limits_cooperation,...' for every published entry, as a column."""
    pairs = (
        StateEntry.objects.published()
        # Without the model's default ordering: PostgreSQL refuses to order a grouped row by a column.
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(pairs=StringAgg(Concat("state", Value(":"), "stance"), Value(","), output_field=CharField()))
        .values("pairs")
    )
    return Subquery(pairs, output_field=CharField())


def parse(text):
    stances = {}
    for pair in (text or "").split(","):
        state, _, stance = pair.partition(":")
        if stance in ORDER:
            stances[state] = Stance(stance, LawStance(stance).label, ORDER.index(stance))
    return stances


def state_stances():
    """{USPS code: Stance} for the states whose stance the directory publishes (one query)."""
    return parse(StateEntry.objects.annotate(pairs=stances_column()).values_list("pairs", flat=True).first())
