"""Evidence (AERP 1.1): the validator checks what was measured, not only what was written.

The load step (:mod:`aerp.evidence`) has read every trace the submission names and summarised
it per measurement window; these checks compare the summaries with the submission. Each
finding points at the submission's member and names the trace file (and its line where one
is at fault). Where a document is checked without its folder (read from memory), the traces
cannot be read and only the checks on the document itself run.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from aerp.evidence import Evidence, TraceEvidence
from aerp.exact import exact, significant
from aerp.findings import Severity
from aerp.quantities import exact_canonical
from aerp.registry import Context, Problem, check

E, W = Severity.ERROR, Severity.WARNING
INPUTS = ("/artifacts", "/results", "/measurement", "/hardware/accelerators", "/division")


def _evidence(ctx: Context) -> Evidence | None:
    evidence = ctx.cache.get("evidence")
    return evidence if isinstance(evidence, Evidence) else None


def _accelerator_traces(ctx: Context) -> list[TraceEvidence]:
    evidence = _evidence(ctx)
    if evidence is None:
        return []
    rated = ctx.params["rated_level"]
    return [t for t in evidence.traces if t.trace.get("level") == rated]


def usable_traces(ctx: Context) -> list[TraceEvidence]:
    """The accelerator traces that were read and summarised (the uncertainty checks use them too)."""
    return [t for t in _accelerator_traces(ctx) if t.problem is None and t.whole is not None]


_usable = usable_traces


@check(
    "AERP-E001",
    E,
    "REQ-EVID-1",
    "Closed division: the accelerators' trace is among the artifacts.",
    inputs=("/artifacts", "/division", "/measurement/boundary"),
    since="1.1",
)
def accelerator_trace_named(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed or ctx.params["rated_component"] not in ctx.data["measurement"]["boundary"]:
        return  # a closed result that did not measure the accelerator is AERP-M016's finding
    rated = ctx.params["rated_level"]
    named = [a for a in ctx.data["artifacts"] if isinstance(a.get("trace"), dict) and a["trace"]["level"] == rated]
    if not named:
        yield Problem(
            "/artifacts",
            "the closed division carries the accelerators' raw measurement trace: no artifact is a trace at the "
            "accelerator level",
            hint="add the power samples or energy-counter readings as an artifact with trace: {format: aerp, "
            "level: accelerator, devices: [...]}",
        )


@check(
    "AERP-E002",
    E,
    "REQ-EVID-2",
    "A named trace is a regular file inside the submission's folder, within the limits, with the stated SHA-256.",
    inputs=("/artifacts",),
    since="1.1",
)
def trace_usable(ctx: Context) -> Iterator[Problem]:
    evidence = _evidence(ctx)
    for record in evidence.traces if evidence else []:
        if record.kind == "unreadable":
            yield Problem(
                f"/artifacts/{record.artifact}",
                f"the trace `{record.path}` cannot be used: {record.problem}",
                hint="ship the trace beside the submission, as a regular file, with the SHA-256 of its bytes",
            )


@check(
    "AERP-E003",
    E,
    "REQ-EVID-3",
    "A named trace reads as a trace of its declared format.",
    inputs=("/artifacts",),
    since="1.1",
)
def trace_readable(ctx: Context) -> Iterator[Problem]:
    evidence = _evidence(ctx)
    for record in evidence.traces if evidence else []:
        if record.kind == "content":
            where = f"{record.path}:{record.line}" if record.line else record.path
            yield Problem(
                f"/artifacts/{record.artifact}/trace",
                f"{where}: {record.problem}",
                hint=f"a trace of format `{record.trace.get('format')}` (see the clause on evidence)",
            )


def _owners(ctx: Context) -> list[tuple[str, str, Any]]:
    """(pointer, name, node) of every repetition and of the idle measurement."""
    results = ctx.data["results"]
    owners = [(f"/results/repetitions/{i}", f"repetition {i + 1}", r) for i, r in enumerate(results["repetitions"])]
    if isinstance(results.get("idle"), dict):
        owners.append(("/results/idle", "the idle measurement", results["idle"]))
    return owners


@check(
    "AERP-E004",
    E,
    "REQ-EVID-4",
    "Every measurement window is stated and lies inside the accelerators' trace.",
    inputs=INPUTS,
    since="1.1",
)
def windows_inside(ctx: Context) -> Iterator[Problem]:
    traces = _usable(ctx)
    if not traces:
        return
    for pointer, name, owner in _owners(ctx):
        if "window" not in owner:
            yield Problem(pointer, f"{name} states no measurement window on the trace's clock (window: {{start, end}})")
            continue
        window = owner["window"]
        for record in traces:
            whole = record.whole
            summary = record.windows.get(pointer)
            outside = summary is None or summary.window_outside or window["start"] >= window["end"]
            if outside:
                yield Problem(
                    f"{pointer}/window",
                    f"{name}'s window [{window['start']}, {window['end']}] s does not lie inside the trace "
                    f"`{record.path}`, which runs from {whole.first_s:.3f} s to {whole.last_s:.3f} s",
                    hint="state the window on the trace's own clock",
                )


def _interval_s(ctx: Context) -> Fraction | None:
    method = ctx.data["measurement"]["methods"].get(ctx.params["rated_component"])
    try:
        return exact_canonical(method["sampling_interval"], "duration", ctx.protocol)
    except (KeyError, TypeError, ValueError):
        return None


@check(
    "AERP-E005",
    E,
    "REQ-EVID-5",
    "Inside every window the trace is sampled at its stated interval, with no gap beyond the protocol's factor.",
    inputs=INPUTS,
    since="1.1",
)
def sampled_densely(ctx: Context) -> Iterator[Problem]:
    interval = _interval_s(ctx)
    if interval is None or interval <= 0:
        return
    if (
        ctx.closed
        and ctx.data["measurement"]["methods"].get(ctx.params["rated_component"], {}).get("method") == "power-sampling"
    ):
        interval = min(interval, exact_canonical(ctx.params["closed_measurement"]["max_power_sampling_interval"],
                                                 "duration", ctx.protocol))  # fmt: skip
    factor = exact(ctx.params["evidence"]["gap_factor"])
    for record in _usable(ctx):
        if record.whole.kind != "power":
            continue  # a counter accumulates between readings: read at the window's edges, it misses nothing
        for pointer, summary in record.windows.items():
            if summary is None or not summary.samples or summary.median_gap_s is None or summary.max_gap_s is None:
                continue
            median, largest = Fraction(summary.median_gap_s), Fraction(summary.max_gap_s)
            if median > interval * (1 + exact(ctx.params["evidence"]["median_interval_tolerance"])):
                yield Problem(
                    f"{pointer}/window",
                    f"`{record.path}` is sampled every {significant(median, 3)} s in this window (median), more "
                    f"sparsely than the {significant(interval)} s the measurement states",
                    hint="sample at the stated interval, or state the interval the tool used",
                )
            elif largest > interval * factor:
                at = f" (at line {summary.max_gap_at_line})" if summary.max_gap_at_line else ""
                yield Problem(
                    f"{pointer}/window",
                    f"`{record.path}` has a gap of {significant(largest, 3)} s inside this window{at}, more than "
                    f"{significant(factor)} sampling intervals of {significant(interval)} s",
                    hint="a gap hides what the accelerator drew; repeat the measurement",
                )


@check(
    "AERP-E006",
    E,
    "REQ-EVID-6",
    "The trace's devices are the accelerators the submission declares.",
    inputs=INPUTS,
    since="1.1",
)
def devices_match(ctx: Context) -> Iterator[Problem]:
    accelerators = ctx.accelerators
    for record in _usable(ctx):
        found = list(record.whole.devices)
        declared = list(record.trace.get("devices", []))
        count = accelerators.get("count") if accelerators else None
        if sorted(found) != sorted(declared) or (isinstance(count, int) and len(found) != count):
            yield Problem(
                f"/artifacts/{record.artifact}/trace/devices",
                f"`{record.path}` holds {len(found)} device(s) ({', '.join(found[:8])}); the artifact declares "
                f"{', '.join(declared[:8])} and hardware.accelerators.count is {count}",
                hint="the trace covers exactly the accelerators the model ran on",
            )


@check(
    "AERP-E007",
    E,
    "REQ-EVID-7",
    "No sample of the trace exceeds the enforced power limit beyond the protocol's tolerance.",
    inputs=INPUTS,
    since="1.1",
)
def samples_within_limit(ctx: Context) -> Iterator[Problem]:
    for record in _usable(ctx):
        above = record.whole.above_limit
        count = above.count if above is not None else 0
        if count:
            line = f", first at line {above.first_line}" if above.first_line else ""
            tolerance = ctx.params["evidence"]["sample_over_limit"]
            yield Problem(
                f"/artifacts/{record.artifact}",
                f"`{record.path}` has {count} sample(s) above the enforced power limit by more than "
                f"{float(tolerance):.0%}{line}",
                hint="check the power limit stated in hardware.accelerators.power_limit and the trace's units",
            )


@check(
    "AERP-E008",
    E,
    "REQ-EVID-8",
    "The energy integrated from the trace over each window equals the energy the submission reports.",
    inputs=INPUTS,
    since="1.1",
)
def energy_matches(ctx: Context) -> Iterator[Problem]:
    component = ctx.params["rated_component"]
    tolerance = exact(ctx.params["evidence"]["energy_tolerance"])
    owners = {pointer: (name, node) for pointer, name, node in _owners(ctx)}
    for record in _usable(ctx):
        for pointer, summary in record.windows.items():
            if summary is None or pointer not in owners or summary.energy_J is None:
                continue
            name, node = owners[pointer]
            try:
                reported = exact_canonical(node["energy"][component], "energy", ctx.protocol)
            except (KeyError, TypeError, ValueError):
                continue
            measured = Fraction(summary.energy_J) / 3600
            if abs(reported - measured) > tolerance * max(abs(reported), abs(measured)):
                yield Problem(
                    f"{pointer}/energy/{component}",
                    f"{name} reports {significant(reported)} Wh of accelerator energy, but `{record.path}` "
                    f"integrates to {significant(measured)} Wh over its window "
                    f"({float(reported / measured - 1) if measured else 0:+.1%})",
                    hint=f"the reported energy is what the trace shows within {float(tolerance):.0%}",
                )


@check(
    "AERP-E009",
    W,
    "REQ-EVID-9",
    "No energy counter is reset or wraps inside a measurement window.",
    inputs=INPUTS,
    since="1.1",
)
def counters_continuous(ctx: Context) -> Iterator[Problem]:
    for record in _usable(ctx):
        for pointer, summary in record.windows.items():
            resets = list(summary.counter_resets) if summary is not None else []
            if resets:
                yield Problem(
                    f"{pointer}/window",
                    f"the energy counter of `{record.path}` restarts inside this window (line {resets[0]}); the "
                    "energy is summed across the restart",
                    hint="a counter resets when the driver reloads: do not reload it during a measurement",
                )
