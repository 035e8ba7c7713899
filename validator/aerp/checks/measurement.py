"""The measurement boundary: what was measured, how, and that the results match it."""

from __future__ import annotations

from collections.abc import Iterator

from aerp.findings import Severity
from aerp.registry import Context, Problem, check


def _boundary(ctx: Context) -> list[str]:
    """The declared boundary, with the rated component added when it was left out.

    Leaving the accelerator out of the boundary is one defect, reported by AERP-M001; the
    checks that compare methods and energies with the boundary then assume it is there, so
    that the same omission is not reported again by them.
    """
    boundary = list(ctx.data["measurement"]["boundary"])
    rated = ctx.params["rated_component"]
    return boundary if rated in boundary else [rated, *boundary]


@check(
    "AERP-M001",
    Severity.ERROR,
    "REQ-MEAS-1",
    "The measurement boundary includes the rated component (the accelerator).",
    inputs=("/measurement/boundary",),
)
def boundary_has_rated(ctx: Context) -> Iterator[Problem]:
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
                f"`{component}` is in the boundary but has no method, tool and sampling interval",
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
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        energy = repetition["energy"]
        missing = [c for c in boundary if c not in energy]
        extra = [c for c in energy if c != "total" and c not in boundary]
        where = f"/results/repetitions/{index}/energy"
        if missing:
            yield Problem(
                where, f"repetition {index + 1} reports no energy for {', '.join(missing)}, which the boundary includes"
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
