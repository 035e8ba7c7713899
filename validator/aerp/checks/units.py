"""Units: every quantity uses an allowed, case-exact symbol of its dimension, and is positive.

Where a quantity stands is read from the schema itself (every ``$ref`` to a dimension's
``$defs`` entry), so a new quantity in a later schema is checked without a code change.
A unit the schema's enum rejects is explained here instead of by the generic enum message:
one defect, one finding, and that finding says how to fix it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from aerp.checks.schema import SchemaProblem, explainer
from aerp.exact import Written
from aerp.findings import Severity
from aerp.places import describe
from aerp.pointer import expand_all
from aerp.protocol import Protocol
from aerp.quantities import explain, factor_doubles, overflowing, vocabulary
from aerp.registry import Context, Problem, check, declare

E = Severity.ERROR
declare("AERP-U001", E, "REQ-UNITS-2", "Unit symbols are written with the exact case (kWh, not kwh or KWh).", "schema")
declare(
    "AERP-U002",
    E,
    "REQ-UNITS-2",
    "A quantity's unit belongs to its dimension (no power where an energy is due).",
    "schema",
)
declare(
    "AERP-U003", E, "REQ-UNITS-2", "A quantity's unit is one of the symbols AERP allows for its dimension.", "schema"
)


@functools.cache
def quantity_patterns(version: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(pointer pattern as tokens, dimension) for every quantity the schema defines."""
    from aerp.protocol import load_minor

    schema = load_minor(version).schema
    dimensions = set(load_minor(version).units)
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(node: Any, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.rsplit("/", 1)[1]
            if name in dimensions:
                found.append((path, name))
                return
            if name not in seen:
                walk(schema["$defs"][name], path, seen | {name})
            return
        for key, child in node.get("properties", {}).items():
            walk(child, (*path, key), seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], (*path, "*"), seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], (*path, "*"), seen)

    walk(schema, (), frozenset())
    return tuple(found)


def quantities(data: Any, version: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every well-formed quantity of the document: (pointer, dimension, {value, unit}).

    Found in one walk of the document (:func:`aerp.pointer.expand_all`), in the order of the
    patterns and, within one, of the document.
    """
    patterns = quantity_patterns(version)
    return [
        (pointer, dimension, node)
        for (_tokens, dimension), found in zip(patterns, expand_all(data, [t for t, _ in patterns]), strict=True)
        for pointer, node in found
        if isinstance(node, dict) and isinstance(node.get("unit"), str) and _is_number(node.get("value"))
    ]


def quantities_of(ctx: Context) -> list[tuple[str, str, dict[str, Any]]]:
    """The quantities of the file being checked, found once and shared by the checks."""
    if "quantities" not in ctx.cache:
        ctx.cache["quantities"] = quantities(ctx.data, ctx.protocol.version)
    return ctx.cache["quantities"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@explainer
def unit_not_allowed(error: Any, protocol: Protocol) -> SchemaProblem | None:
    """Replace "`kwh` is not one of ..." with what is wrong with the unit and how to fix it."""
    path = list(error.absolute_path)
    if error.validator != "enum" or not path or path[-1] != "unit" or not isinstance(error.instance, str):
        return None
    dimension = vocabulary(protocol).dimension_of_enum(error.validator_value)
    if dimension is None:
        return None
    check_id, message, hint = explain(error.instance, dimension, protocol)
    pointer = "".join(f"/{p}" for p in path)
    return check_id, Problem(pointer, message, hint=hint)


_SIGNED_HINT = {
    "energy": "an energy computed as a difference (decode = generate − prefill) turns negative when the "
    "windows are too short; measure each phase in its own window",
}


def _not_above_zero(ctx: Context) -> list[tuple[str, str, dict[str, Any]]]:
    """The quantities whose value is zero or negative, in order: found once per file for both checks below.

    Every other quantity is positive, which neither check reports; the values are numbers
    (:func:`quantities`), for which ``v <= 0`` is ``v < 0 or v == 0``.
    """
    found = ctx.cache.get(_NOT_ABOVE_ZERO)
    if found is None:
        found = ctx.cache[_NOT_ABOVE_ZERO] = [entry for entry in quantities_of(ctx) if entry[2]["value"] <= 0]
    return found


_NOT_ABOVE_ZERO = "units-not-above-zero"


def _non_positive(ctx: Context, dimensions: set[str], strict: bool) -> Iterator[Problem]:
    for pointer, dimension, quantity in _not_above_zero(ctx):
        value = quantity["value"]
        if dimension in dimensions and (value < 0 or (strict and value == 0)):
            what = "zero" if value == 0 else "negative"
            must = "positive" if strict else "zero or positive"
            yield Problem(
                pointer,
                f"{describe(pointer)} is {what} ({value} {quantity['unit']}); it must be {must}",
                hint=_SIGNED_HINT.get(dimension) if value < 0 else None,
            )


@check("AERP-U004", E, "REQ-UNITS-3", "Energies, powers, durations and memory sizes are greater than zero.")
def positive(ctx: Context) -> Iterator[Problem]:
    yield from _non_positive(ctx, {"energy", "power", "duration", "memory"}, strict=True)


@check("AERP-U005", E, "REQ-UNITS-5", "Masses of CO2-equivalent and carbon intensities are not negative.")
def not_negative(ctx: Context) -> Iterator[Problem]:
    yield from _non_positive(ctx, {"mass_co2e", "carbon_intensity"}, strict=False)


declare(
    "AERP-U006",
    E,
    "REQ-FORMAT-6",
    "Every quantity converts to its canonical unit as a finite number (no overflow).",
    "schema",
)


_READ_NUMBERS = (Written, float, int)
_SURELY_FINITE = 2.0**1000  # a product of doubles this small is far from binary64's limit, 2^1024


def conversion_problems(ctx: Context) -> Iterator[Problem]:
    """Quantities too large to convert (1e308 kWh is not a finite number of Wh).

    Run before the semantic checks, like the schema: the checks that convert a value never
    see one that cannot be converted, and the value is reported once, here.

    Nearly every value is far inside binary64's range: where the double read times the unit's
    factor (each within half an ulp of its exact value) is at most 2^1000, the exact value is
    finite by a wide margin, and only the others are asked of :func:`overflowing` (which makes
    the same test first, per quantity, at the cost of a call and a look-up of the factors).
    """
    factors: dict[str, dict[str, float]] = {}
    for pointer, dimension, quantity in quantities_of(ctx):
        value, unit = quantity.get("value"), quantity.get("unit")
        if type(value) in _READ_NUMBERS and type(unit) is str:
            by_unit = factors.get(dimension)
            if by_unit is None:
                by_unit = factors[dimension] = factor_doubles(ctx.protocol, dimension)
            factor = by_unit.get(unit)
            try:
                if factor is not None and abs(float(value)) * factor <= _SURELY_FINITE:
                    continue
            except OverflowError:  # an integer beyond binary64: overflowing() decides it exactly
                pass
        if overflowing(quantity, dimension, ctx.protocol):
            canonical = vocabulary(ctx.protocol).canonical[dimension]
            yield Problem(
                f"{pointer}/value",
                f"{quantity['value']} {quantity['unit']} is too large to express in {canonical} as a finite number",
                hint="check the value and its unit",
            )
