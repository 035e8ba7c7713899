"""Energies as people write them on a command line or in a CSV cell: "19.01 Wh", "0.01901 kWh".

A value is a decimal number, one space, and an allowed energy symbol of the protocol; no
expression is ever evaluated. Task names may be the AI Energy Score's file names
(``image_generation``), which protocol.yaml lists as aliases of the pipeline tags.
"""

from __future__ import annotations

import math
import re

from aerp.protocol import Protocol
from aerp.quantities import explain, to_canonical, vocabulary

_ENERGY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s+(\S{1,40})\s*$")


class BadInput(ValueError):
    """A value a person typed that cannot be used, with the reason in words."""


def energy_wh(text: str, protocol: Protocol) -> float:
    """The energy in Wh that ``text`` ("<number> <unit>") states."""
    match = _ENERGY.match(text or "")
    if not match:
        raise BadInput(f"`{text[:60]}` is not an energy: write a number, a space and a unit, such as `19.01 Wh`")
    number, unit = float(match.group(1)), match.group(2)
    if unit not in vocabulary(protocol).dimensions["energy"]:
        _, message, hint = explain(unit, "energy", protocol)
        raise BadInput(f"{message}" + (f" — {hint}" if hint else ""))
    if not math.isfinite(number) or number < 0:
        raise BadInput(f"an energy of {match.group(1)} {unit} cannot be rated: it must be finite and not negative")
    # the decimal text converts exactly: "0.01901 kWh" is 19.01 Wh, not the nearest binary double
    return to_canonical({"value": match.group(1), "unit": unit}, "energy", protocol)


def task_name(text: str, protocol: Protocol) -> str:
    """The pipeline tag of a task given by its tag or by an AI Energy Score alias."""
    name = (text or "").strip()
    if name in protocol.tasks:
        return name
    for tag, task in protocol.tasks.items():
        if name in task.get("aliases", ()):
            return tag
    raise BadInput(f"unknown task `{name[:60]}`; tasks: {', '.join(protocol.tasks)}")
