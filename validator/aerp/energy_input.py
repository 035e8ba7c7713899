"""Energies as people write them on a command line or in a CSV cell: "19.01 Wh", "0.01901 kWh".

An expanded uncertainty is written the same way ("0.5 Wh"); unlike an energy it may be zero.

A value is a decimal number, one space, and an allowed energy symbol of the protocol; no
expression is ever evaluated. Task names may be the AI Energy Score's file names
(``image_generation``), which protocol.yaml lists as aliases of the pipeline tags.
"""

from __future__ import annotations

import re
from fractions import Fraction

from aerp.protocol import Protocol
from aerp.quantities import exact_canonical, explain, vocabulary

_ENERGY = re.compile(r"^\s*([-+]?)(\d+\.?\d*|\.\d+)(?:[eE]([-+]?\d+))?\s+(\S{1,40})\s*$", re.ASCII)
# Beyond these powers of ten no energy unit brings a value back into the range of a double
# (about 1e-324 to 1e308 Wh); refusing them first keeps the exact arithmetic small.
_LARGEST_POWER, _SMALLEST_POWER = 400, -400


class BadInput(ValueError):
    """A value a person typed that cannot be used, with the reason in words."""


def _power_of_ten(mantissa: str, exponent: int) -> int | None:
    """The power of ten of the leading digit of ``mantissa`` e ``exponent``; None for zero.

    Computed from the text, so that ``1e-999999999`` costs nothing: building its exact value
    first would mean a billion-digit integer.
    """
    whole, _, fraction = mantissa.partition(".")
    significant = (whole + fraction).lstrip("0")
    if not significant:
        return None
    return len(significant) - 1 - len(fraction) + exponent


def energy_wh(text: str, protocol: Protocol) -> Fraction:
    """The energy in Wh that ``text`` ("<number> <unit>") states, exactly as written.

    Refused, as ``aerp validate`` refuses them in a submission: a number longer than the
    protocol's bound, a unit that is not an energy, zero or a negative energy (AERP-U004),
    and an energy too large (AERP-U006) or too small to be a finite, non-zero number of Wh.
    """
    return _quantity_wh(text, protocol, "energy")


def uncertainty_wh(text: str, protocol: Protocol) -> Fraction:
    """The expanded uncertainty U in Wh that ``text`` ("<number> <unit>") states, exactly as written.

    Written like an energy and refused for the same reasons, except that zero is allowed: a
    stated U of 0 is a result whose interval is E itself. A negative U is no uncertainty at all.
    """
    return _quantity_wh(text, protocol, "uncertainty")


def _quantity_wh(text: str, protocol: Protocol, what: str) -> Fraction:
    """An energy (positive) or an expanded uncertainty (zero or positive) in Wh, exactly as written."""
    match = _ENERGY.match(text or "")
    if not match:
        example = "19.01 Wh" if what == "energy" else "0.5 Wh"
        raise BadInput(f"`{text[:60]}` is not an {what}: write a number, a space and a unit, such as `{example}`")
    sign, mantissa, exponent_text, unit = match.groups()
    written = text.strip().split()[0]
    limit = int(protocol.limits.get("max_number_length", 400))
    if len(written) > limit:
        raise BadInput(f"the number has {len(written)} characters, more than the limit of {limit}")
    if unit not in vocabulary(protocol).dimensions["energy"]:
        _, message, hint = explain(unit, "energy", protocol)
        raise BadInput(f"{message}" + (f" — {hint}" if hint else ""))
    power = _power_of_ten(mantissa, int(exponent_text or 0))
    shown = f"{written} {unit}"
    if what == "uncertainty":
        if power is None:
            return Fraction(0)  # "-0 Wh" too: zero has no sign
        if sign == "-":
            raise BadInput(f"the expanded uncertainty is negative ({shown}); it must be zero or positive")
    elif power is None or sign == "-":
        kind = "zero" if power is None else "negative"
        raise BadInput(f"the energy is {kind} ({shown}); it must be positive (AERP-U004)")
    too_large = f"{shown} is too large to express in Wh as a finite number (AERP-U006)"
    too_small = f"{shown} is too small to express in Wh as a number other than zero; " + (
        "it must be positive (AERP-U004)" if what == "energy" else "write 0 for none"
    )
    if power > _LARGEST_POWER:
        raise BadInput(too_large)
    if power < _SMALLEST_POWER:
        raise BadInput(too_small)
    # the decimal text converts exactly: "0.01901 kWh" is 19.01 Wh, not the nearest binary double
    wh = exact_canonical({"value": written.lstrip("+"), "unit": unit}, "energy", protocol)
    try:
        nearest = float(wh)
    except OverflowError:
        raise BadInput(too_large) from None
    if nearest == 0.0:
        raise BadInput(too_small)
    return wh


def task_name(text: str, protocol: Protocol) -> str:
    """The pipeline tag of a task given by its tag or by an AI Energy Score alias."""
    name = (text or "").strip()
    if name in protocol.tasks:
        return name
    for tag, task in protocol.tasks.items():
        if name in task.get("aliases", ()):
            return tag
    raise BadInput(f"unknown task `{name[:60]}`; tasks: {', '.join(protocol.tasks)}")
