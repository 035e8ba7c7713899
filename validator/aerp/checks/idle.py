"""Idle power (AERP 1.1): the accelerators' draw with the model loaded and no queries.

An accelerator draws power while it waits; a rated energy includes it, because a deployed
model pays for it too, and the rated metric stays gross. Reporting the idle window as well
lets a reader separate the energy of the work from the energy of being on, and the validator
recomputes the idle-corrected figure exactly: for each repetition i,
(E_i − P_idle × t_i) × 1,000 / queries_i, averaged, with P_idle = idle energy / idle duration.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from aerp.checks.consistency import disputed
from aerp.exact import exact, significant
from aerp.findings import Severity
from aerp.quantities import exact_canonical
from aerp.registry import Context, Problem, check

E = Severity.ERROR
CORRECTED = "/results/summary/accelerator_energy_per_1000_queries_idle_corrected"


@check(
    "AERP-I001",
    E,
    "REQ-IDLE-1",
    "Closed division: the accelerators' idle power is measured and reported, with the idle-corrected energy.",
    inputs=("/division", "/results"),
    since="1.1",
)
def idle_reported(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    results = ctx.data["results"]
    if "idle" not in results:
        yield Problem(
            "/results",
            "the closed division reports an idle window: the accelerators' energy over a period with the model "
            "loaded, after warm-up, and no queries",
            hint="add results.idle: {duration: {value: 120, unit: s}, energy: {accelerator: {...}}}",
        )
    elif CORRECTED.rsplit("/", 1)[1] not in results["summary"]:
        yield Problem(
            "/results/summary",
            "results.idle is reported but the summary has no accelerator_energy_per_1000_queries_idle_corrected",
            hint="the idle-corrected energy subtracts idle power × duration from each repetition",
        )


def corrected_metric(ctx: Context) -> Fraction | None:
    """The idle-corrected rated metric, exactly; None where a value it needs is missing or unusable."""
    results = ctx.data["results"]
    idle = results.get("idle")
    component = ctx.params["rated_component"]
    try:
        idle_energy = exact_canonical(idle["energy"][component], "energy", ctx.protocol)
        idle_seconds = exact_canonical(idle["duration"], "duration", ctx.protocol)
        if idle_seconds <= 0:
            return None
        power = idle_energy / idle_seconds  # Wh per second
        per = exact(ctx.params["rated_per_queries"])
        values = []
        for repetition in results["repetitions"]:
            energy = exact_canonical(repetition["energy"][component], "energy", ctx.protocol)
            seconds = exact_canonical(repetition["duration"], "duration", ctx.protocol)
            queries = repetition["queries"]
            if not isinstance(queries, int) or queries <= 0:
                return None
            values.append((energy - power * seconds) * per / queries)
    except (KeyError, TypeError, ValueError):
        return None
    return sum(values, Fraction(0)) / len(values) if values else None


@check(
    "AERP-I002",
    E,
    "REQ-IDLE-2",
    "The idle-corrected summary equals the repetitions' energy less idle power × duration.",
    inputs=("/results",),
    since="1.1",
)
def idle_corrected_summary(ctx: Context) -> Iterator[Problem]:
    stated = ctx.data["results"]["summary"].get(CORRECTED.rsplit("/", 1)[1])
    if not isinstance(stated, dict) or "idle" not in ctx.data["results"]:
        return
    component = ctx.params["rated_component"]
    inputs = {
        f"/results/repetitions/{i}/{m}"
        for i in range(len(ctx.data["results"]["repetitions"]))
        for m in ("duration", f"energy/{component}")
    }
    if inputs & disputed(ctx):
        return  # a repetition's value is already disputed: that is the finding
    expected = corrected_metric(ctx)
    try:
        written = exact_canonical(stated, "energy", ctx.protocol)
    except (KeyError, TypeError, ValueError):
        return
    if expected is None:
        return
    tolerance = exact(ctx.params["tolerances"]["summary"])
    if abs(written - expected) > tolerance * max(abs(written), abs(expected)):
        yield Problem(
            CORRECTED,
            f"the idle-corrected energy is {significant(written)} Wh per 1,000 queries but the repetitions less "
            f"idle power × duration give {significant(expected)} Wh",
            hint="for each repetition: (E − P_idle × t) × 1,000 / queries, averaged; P_idle = idle energy / "
            "idle duration",
        )
