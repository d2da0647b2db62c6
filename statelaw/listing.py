"""The /states/ page: every published state entry, filterable by stance, with a count for each stance.

Values of ``stance`` may repeat (OR-ed); unknown ones are ignored with a notice, never an error.
The whole list is small (the states and DC), so it is read once and counted in Python: two queries.
"""

from dataclasses import dataclass
from functools import cached_property

from config.typed import as_typed

from .models import STANCE_MEANINGS, Stance


def stances_asked(values):
    """The stances a query asks for (``?stance=``, any case, each once, in order) and the values that are not
    stances (cut short, for a notice)."""
    selected, ignored = [], []
    for raw in values:
        value = raw.strip().lower()
        if value in Stance.values:
            if value not in selected:
                selected.append(value)
        elif value:
            ignored.append(as_typed(raw))
    return selected, ignored


@dataclass
class StanceOption:
    value: str
    label: str
    meaning: str
    count: int
    selected: bool


class StateListing:
    def __init__(self, params, entries):
        self.entries = sorted(entries, key=lambda entry: str(entry.name))
        self.selected, self.ignored = stances_asked(params.getlist("stance"))

    @cached_property
    def options(self):
        counts = {}
        for entry in self.entries:
            counts[entry.stance] = counts.get(entry.stance, 0) + 1
        return [
            StanceOption(
                stance.value,
                stance.label,
                STANCE_MEANINGS[stance],
                counts.get(stance.value, 0),
                stance.value in self.selected,
            )
            for stance in Stance
        ]

    @cached_property
    def shown(self):
        if not self.selected:
            return self.entries
        return [entry for entry in self.entries if entry.stance in self.selected]

    @property
    def total(self):
        return len(self.entries)

    @property
    def is_filtered(self):
        return bool(self.selected)
