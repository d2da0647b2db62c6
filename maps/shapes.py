"""The states the map draws: maps/data/us-states.json, built by ``manage.py build_us_map``.

Read once per process; nothing reads the npm package at run time.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "us-states.json"


@dataclass(frozen=True)
class StateShape:
    code: str
    name: str
    path: str  # SVG path data in the 975 x 610 frame
    label: tuple  # a point well inside the state


@dataclass(frozen=True)
class Atlas:
    width: int
    height: int
    source: str
    states: dict  # USPS code -> StateShape


@cache
def atlas():
    data = json.loads(DATA_FILE.read_text())
    states = {
        code: StateShape(code, state["name"], state["d"], tuple(state["label"]))
        for code, state in data["states"].items()
    }
    return Atlas(data["width"], data["height"], data["source"], states)
