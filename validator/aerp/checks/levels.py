"""Boundary levels (AERP 1.1): accelerator, node, wall, facility — what each repetition measured.

The accelerator level is the rated one; the others place the result in a wider boundary
(the node's DC energy, the AC energy at its plug, the facility's share through the PUE) so
that a reader of an AERP value knows which part of a Software Carbon Intensity E it is.
Levels nest, so each reported level is at least the one inside it; the facility energy is
the wall energy times the PUE. All comparisons are exact (:mod:`aerp.exact`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from aerp.exact import exact, significant
from aerp.findings import Severity
from aerp.quantities import exact_canonical
from aerp.registry import Context, Problem, check

E = Severity.ERROR
LEVELS = ("/measurement/levels", "/results/repetitions", "/division")


def _declared(ctx: Context) -> list[str]:
    return list(ctx.data["measurement"].get("levels", []))


def _energy(ctx: Context, quantity: Any) -> Fraction | None:
    if not isinstance(quantity, dict):
        return None
    try:
        return exact_canonical(quantity, "energy", ctx.protocol)
    except (KeyError, TypeError, ValueError):
        return None


@check(
    "AERP-M011",
    E,
    "REQ-LEVEL-2",
    "A closed-division submission measures the accelerator level, the level that is rated.",
    inputs=("/measurement/levels", "/division"),
    since="1.1",
)
def rated_level_measured(ctx: Context) -> Iterator[Problem]:
    rated = ctx.params["rated_level"]
    if ctx.closed and rated not in _declared(ctx):
        yield Problem(
            "/measurement/levels",
            f"the closed division is rated at the `{rated}` level, which measurement.levels does not list",
            hint=f"add {rated} to measurement.levels and report the accelerators' energy",
        )


@check(
    "AERP-M012",
    E,
    "REQ-LEVEL-3",
    "Every repetition reports the energy of each declared level, and of no other.",
    inputs=LEVELS,
    since="1.1",
)
def level_energies(ctx: Context) -> Iterator[Problem]:
    rated = ctx.params["rated_level"]
    declared = [level for level in _declared(ctx) if level != rated]
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        reported = repetition.get("levels", {})
        where = f"/results/repetitions/{index}"
        missing = [level for level in declared if level not in reported]
        if missing:
            yield Problem(
                f"{where}/levels" if "levels" in repetition else where,
                f"repetition {index + 1} reports no energy at the {', '.join(missing)} level"
                f"{'s' if len(missing) > 1 else ''}, which measurement.levels declares",
                hint="report results.repetitions[i].levels.<level> for every declared level",
            )
        for level in reported:
            if level not in declared:
                yield Problem(
                    f"{where}/levels/{level}",
                    f"repetition {index + 1} reports the {level} level, which measurement.levels does not declare",
                    hint=f"add {level} to measurement.levels, or remove it here",
                )


@check(
    "AERP-M013",
    E,
    "REQ-LEVEL-4",
    "Levels nest: accelerator energy ≤ node ≤ wall ≤ facility (within the tolerance `levels`).",
    inputs=LEVELS,
    since="1.1",
)
def levels_nest(ctx: Context) -> Iterator[Problem]:
    order = list(ctx.params["levels"])
    rated = ctx.params["rated_level"]
    slack = 1 - exact(ctx.params["tolerances"]["levels"])  # different instruments read different levels
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        values: list[tuple[str, Fraction, str]] = []
        accelerator = _energy(ctx, repetition.get("energy", {}).get(ctx.params["rated_component"]))
        if accelerator is not None:
            values.append((rated, accelerator, f"/results/repetitions/{index}/energy/{ctx.params['rated_component']}"))
        for level in order:
            value = _energy(ctx, repetition.get("levels", {}).get(level))
            if level != rated and value is not None:
                values.append((level, value, f"/results/repetitions/{index}/levels/{level}"))
        for (inner, inner_value, _), (outer, outer_value, pointer) in itertools.pairwise(values):
            if outer_value < inner_value * slack:
                yield Problem(
                    pointer,
                    f"repetition {index + 1}: the {outer} level's energy, {significant(outer_value)} Wh, is less "
                    f"than the {inner} level's, {significant(inner_value)} Wh, which it contains",
                    hint="a wider boundary contains the narrower one: check the units and what each meter measured",
                )
                break


@check(
    "AERP-C009",
    E,
    "REQ-LEVEL-5",
    "The facility energy equals the wall energy times a PUE that the energies do not include.",
    inputs=(*LEVELS, "/measurement/pue"),
    since="1.1",
)
def facility_is_wall_times_pue(ctx: Context) -> Iterator[Problem]:
    pue = ctx.data["measurement"].get("pue")
    if not isinstance(pue, dict) or "value" not in pue or pue.get("applied") is not False:
        return  # a PUE already applied is in every reported energy: no level is derived from it
    factor = exact(pue["value"])
    tolerance = exact(ctx.params["tolerances"]["levels"])
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        levels = repetition.get("levels", {})
        wall, facility = _energy(ctx, levels.get("wall")), _energy(ctx, levels.get("facility"))
        if wall is None or facility is None:
            continue
        expected = wall * factor
        if abs(facility - expected) > tolerance * max(abs(facility), abs(expected)):
            yield Problem(
                f"/results/repetitions/{index}/levels/facility",
                f"repetition {index + 1}: the facility energy is {significant(facility)} Wh but the wall energy "
                f"× PUE is {significant(wall)} Wh × {significant(factor)} = {significant(expected)} Wh",
                hint="the facility level is the wall energy times the PUE of measurement.pue",
            )


@check(
    "AERP-M017",
    E,
    "REQ-LEVEL-6",
    "Every declared node or wall level states how its energy was measured.",
    inputs=("/measurement",),
    since="1.1",
)
def level_methods(ctx: Context) -> Iterator[Problem]:
    methods = ctx.data["measurement"].get("level_methods", {})
    for level in _declared(ctx):
        if level in ("node", "wall") and level not in methods:
            yield Problem(
                "/measurement/level_methods" if "level_methods" in ctx.data["measurement"] else "/measurement",
                f"the {level} level is declared but measurement.level_methods.{level} does not say how it was measured",
                hint="state its method, tool and sampling interval (and a wall meter's model and calibration date)",
            )
