"""The measurement boundary: what was measured, how, and that the results match it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aerp.findings import Severity
from aerp.quantities import exact_canonical, factor_doubles
from aerp.registry import Context, Problem, check


def _boundary(ctx: Context) -> list[str]:
    """The declared boundary, with the rated component added when it was left out.

    Leaving the accelerator out of the boundary is one defect, reported by AERP-M001; the
    checks that compare methods and energies with the boundary then assume it is there, so
    that the same omission is not reported again by them.
    """
    boundary = list(ctx.data["measurement"]["boundary"])
    rated = ctx.params["rated_component"]
    if rated in boundary or (not ctx.closed and ctx.protocol.version != "1.0"):
        return boundary  # from AERP 1.1 an open-division result may be measured without accelerators
    return [rated, *boundary]


def _members(boundary: list[str]) -> frozenset[str] | list[str]:
    """The boundary for membership tests: a set, unless a member cannot be hashed (then the list itself)."""
    try:
        return frozenset(boundary)
    except TypeError:
        return boundary


def _same_whole_unit(interval: Any, bound: Any, ctx: Context) -> bool:
    """True when two durations are whole numbers in one unit of a positive factor: they then compare as written.

    Nearly every sampling interval is written as its bound is (15 s against 15 s); such a
    pair converts without fail, so comparing the integers is comparing the exact durations.
    """
    if type(interval) is not dict or type(bound) is not dict:
        return False
    unit = interval.get("unit")
    return (
        type(interval.get("value")) is int
        and type(bound.get("value")) is int
        and type(unit) is str
        and unit == bound.get("unit")
        and factor_doubles(ctx.protocol, "duration").get(unit, 0.0) > 0
    )


def _why_measured(ctx: Context, component: str, declared: str = "is in the boundary") -> str:
    """Why a component must be reported: the boundary declares it, or it is the rated component.

    The rated component is assumed in the boundary even where the file leaves it out (that
    omission is AERP-M001's finding), and the message must not claim the file declares it.
    """
    if component in ctx.data["measurement"]["boundary"]:
        return declared
    return (
        "is the rated component (which the boundary must include)"
        if declared.startswith("is")
        else ("is rated and so must be measured")
    )


@check(
    "AERP-M001",
    Severity.ERROR,
    "REQ-MEAS-1",
    "The measurement boundary includes the rated component (the accelerator).",
    inputs=("/measurement/boundary",),
    until="1.0",
)
def boundary_has_rated(ctx: Context) -> Iterator[Problem]:
    yield from _rated_in_boundary(ctx)


@check(
    "AERP-M016",
    Severity.ERROR,
    "REQ-MEAS-18",
    "Closed division: the measurement boundary includes the rated component (the accelerator).",
    inputs=("/measurement/boundary", "/division"),
    since="1.1",
)
def closed_boundary_has_rated(ctx: Context) -> Iterator[Problem]:
    if ctx.closed:
        yield from _rated_in_boundary(ctx)


def _rated_in_boundary(ctx: Context) -> Iterator[Problem]:
    rated = ctx.params["rated_component"]
    if rated not in ctx.data["measurement"]["boundary"]:
        yield Problem(
            "/measurement/boundary",
            f"the boundary must include `{rated}`, the rated component",
            hint=f"add {rated} to measurement.boundary and report its energy",
        )


@check(
    "AERP-M002",
    Severity.ERROR,
    "REQ-MEAS-2",
    "Every component in the boundary, and none outside it, has its measurement method.",
    inputs=("/measurement/boundary", "/measurement/methods"),
)
def methods_match_boundary(ctx: Context) -> Iterator[Problem]:
    boundary = _boundary(ctx)
    methods = ctx.data["measurement"]["methods"]
    for component in boundary:
        if component not in methods:
            yield Problem(
                "/measurement/methods",
                f"`{component}` {_why_measured(ctx, component)} but has no method, tool and sampling interval",
            )
    for component in methods:
        if component not in boundary:
            yield Problem(
                f"/measurement/methods/{component}",
                f"`{component}` has a method but is not in the measurement boundary",
                hint=f"add {component} to measurement.boundary, or remove its method",
            )


@check(
    "AERP-M003",
    Severity.ERROR,
    "REQ-MEAS-3",
    "Every repetition reports the energy of each component in the boundary, and of none outside it.",
    inputs=("/measurement/boundary", "/results/repetitions/*/energy"),
)
def energy_matches_boundary(ctx: Context) -> Iterator[Problem]:
    boundary = _boundary(ctx)
    inside = _members(boundary)
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        energy = repetition["energy"]
        missing = [c for c in boundary if c not in energy]
        extra = [c for c in energy if c != "total" and c not in inside]
        if not missing and not extra:
            continue
        where = f"/results/repetitions/{index}/energy"
        if missing:
            yield Problem(
                where,
                f"repetition {index + 1} reports no energy for "
                + "; ".join(f"`{c}`, which {_why_measured(ctx, c, 'the boundary includes')}" for c in missing),
            )
        for component in extra:
            yield Problem(
                f"{where}/{component}",
                f"repetition {index + 1} reports `{component}` energy, which is outside the measurement boundary",
            )


@check(
    "AERP-M004",
    Severity.ERROR,
    "REQ-MEAS-5",
    "Phases, where reported, are the phases the task defines.",
    inputs=("/task", "/results/repetitions/*/phases"),
)
def phases_of_task(ctx: Context) -> Iterator[Problem]:
    task = ctx.data["task"]
    allowed = ctx.params["tasks"][task]["phases"]
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        for phase in repetition.get("phases", {}):
            if phase not in allowed:
                yield Problem(
                    f"/results/repetitions/{index}/phases/{phase}",
                    f"`{phase}` is not a phase of `{task}`; its phases are {', '.join(allowed)}",
                )


@check(
    "AERP-M005",
    Severity.ERROR,
    "REQ-MEAS-10",
    "Closed division: the accelerator's energy is measured, not estimated.",
    inputs=("/division", "/measurement/methods"),
)
def rated_component_measured(ctx: Context) -> Iterator[Problem]:
    rated = ctx.params["rated_component"]
    method = ctx.data["measurement"]["methods"].get(rated, {}).get("method")
    if ctx.closed and method is not None and not ctx.params["measurement_methods"][method]["measured"]:
        yield Problem(
            f"/measurement/methods/{rated}/method",
            f"the closed division rates measured accelerator energy; `{method}` is not a measurement",
            hint="measure with an energy counter, power sampling or a wall meter",
        )


@check(
    "AERP-M006",
    Severity.ERROR,
    "REQ-MEAS-16",
    "Closed division: no sampling interval is longer than the protocol's maximum.",
    inputs=("/division", "/measurement/methods"),
    until="1.0",
)
def sampling_interval_bound(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    limit_quantity = ctx.params["closed_measurement"]["max_sampling_interval"]
    limit = exact_canonical(limit_quantity, "duration", ctx.protocol)
    for component, method in ctx.data["measurement"]["methods"].items():
        interval = method["sampling_interval"]
        if _same_whole_unit(interval, limit_quantity, ctx):
            longer = interval["value"] > limit_quantity["value"]
        else:
            longer = exact_canonical(interval, "duration", ctx.protocol) > limit
        if longer:
            yield Problem(
                f"/measurement/methods/{component}/sampling_interval",
                f"the {component} is sampled every {interval['value']} {interval['unit']}; the closed "
                f"division samples at least every {limit_quantity['value']} {limit_quantity['unit']}",
            )


@check(
    "AERP-M007",
    Severity.ERROR,
    "REQ-MEAS-8",
    "A wall meter states its analyser model and calibration date.",
    inputs=("/measurement/methods",),
)
def wall_meter_described(ctx: Context) -> Iterator[Problem]:
    for component, method in ctx.data["measurement"]["methods"].items():
        if method["method"] == "wall-meter" and "meter" not in method:
            yield Problem(
                f"/measurement/methods/{component}",
                f"the {component} is measured with a wall meter: state meter.model and meter.calibration_date",
            )


@check(
    "AERP-M008",
    Severity.ERROR,
    "REQ-MEAS-9",
    "A repetition that reports phases reports every phase of its task.",
    inputs=("/task", "/results/repetitions/*/phases"),
)
def every_phase(ctx: Context) -> Iterator[Problem]:
    phases = ctx.params["tasks"][ctx.data["task"]]["phases"]
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        reported = repetition.get("phases")
        if not reported or any(p not in phases for p in reported):
            continue  # a misnamed phase is AERP-M004's finding
        missing = [p for p in phases if p not in reported]
        if missing:
            yield Problem(
                f"/results/repetitions/{index}/phases",
                f"repetition {index + 1} reports phases but not {', '.join(missing)}",
                hint="the rated energy is summed over every phase",
            )


@check(
    "AERP-M009",
    Severity.ERROR,
    "REQ-MEAS-11",
    "Mean power and phases report no component outside the boundary.",
    inputs=("/measurement/boundary", "/results/repetitions"),
)
def inside_boundary(ctx: Context) -> Iterator[Problem]:
    boundary = set(_boundary(ctx)) | {"total"}
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        base = f"/results/repetitions/{index}"
        for component in repetition.get("mean_power", {}):
            if component not in boundary:
                yield Problem(
                    f"{base}/mean_power/{component}",
                    f"repetition {index + 1} reports `{component}` power, outside the measurement boundary",
                )
        for phase, energy in repetition.get("phases", {}).items():
            for component in energy:
                if component not in boundary:
                    yield Problem(
                        f"{base}/phases/{phase}/{component}",
                        f"repetition {index + 1} reports `{component}` energy in its {phase} phase, "
                        "outside the measurement boundary",
                    )


@check(
    "AERP-M010",
    Severity.ERROR,
    "REQ-MEAS-13",
    "Closed division: energies do not include a PUE factor.",
    inputs=("/division", "/measurement/pue"),
)
def no_pue_in_closed(ctx: Context) -> Iterator[Problem]:
    pue = ctx.data["measurement"].get("pue")
    if ctx.closed and pue and pue["applied"]:
        yield Problem(
            "/measurement/pue/applied",
            "the closed division rates the energy the accelerator drew; a PUE factor is applied",
            hint="report energies without the data-centre overhead and set pue.applied to false",
        )


@check(
    "AERP-M014",
    Severity.ERROR,
    "REQ-MEAS-19",
    "Closed division: the accelerator is read by an energy counter or sampled at 1 s or faster; "
    "other components at 15 s or faster.",
    inputs=("/division", "/measurement/methods"),
    since="1.1",
)
def closed_sampling(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    rules = ctx.params["closed_measurement"]
    rated = ctx.params["rated_component"]
    for component, method in ctx.data["measurement"]["methods"].items():
        if component == rated and method["method"] == "energy-counter":
            continue  # a counter read at the window's start and end measures the whole window
        bound = rules["max_power_sampling_interval" if component == rated else "max_sampling_interval"]
        interval = method["sampling_interval"]
        if _same_whole_unit(interval, bound, ctx):
            longer = interval["value"] > bound["value"]
        else:
            seconds = exact_canonical(interval, "duration", ctx.protocol)
            longer = seconds > exact_canonical(bound, "duration", ctx.protocol)
        if longer:
            yield Problem(
                f"/measurement/methods/{component}/sampling_interval",
                f"the {component} is sampled every {interval['value']} {interval['unit']}; the closed division "
                f"samples it at least every {bound['value']} {bound['unit']}"
                + (" or reads an energy counter at the window's start and end" if component == rated else ""),
                hint="sample more often, or read the accelerator's energy counter (NVML total energy)"
                if component == rated
                else "sample more often",
            )


@check(
    "AERP-M015",
    Severity.ERROR,
    "REQ-MEAS-20",
    "Closed division: every measurement window lasts at least the protocol's minimum (60 s).",
    inputs=("/division", "/results/repetitions/*/duration", "/results/idle/duration"),
    since="1.1",
)
def minimum_window(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    bound = ctx.params["closed_measurement"]["min_window"]
    least = exact_canonical(bound, "duration", ctx.protocol)
    windows = [
        (f"/results/repetitions/{i}/duration", f"repetition {i + 1}", r.get("duration"))
        for i, r in enumerate(ctx.data["results"]["repetitions"])
    ]
    idle = ctx.data["results"].get("idle")
    if isinstance(idle, dict):
        windows.append(("/results/idle/duration", "the idle measurement", idle.get("duration")))
    short = []
    for pointer, name, duration in windows:
        try:
            seconds = exact_canonical(duration, "duration", ctx.protocol)
        except (KeyError, TypeError, ValueError):
            continue
        if 0 < seconds < least:
            short.append((pointer, name, duration))
    if short:
        pointer, name, duration = short[0]
        more = f" (and {len(short) - 1} other windows)" if len(short) > 1 else ""
        yield Problem(
            pointer,
            f"{name} lasts {duration['value']} {duration['unit']}, shorter than the closed division's minimum window "
            f"of {bound['value']} {bound['unit']}{more}",
            hint="repeat the dataset pass inside the window (results.repetitions[i].passes) until it lasts long enough",
        )
