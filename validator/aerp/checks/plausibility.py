"""Plausibility: results that are consistent on paper but break physics or statistics.

The bounds are data (protocol.yaml `plausibility`, the accelerator catalogue). Values that
another check already reported — a unit slip, a zero or negative energy — are left out here,
so that one defect stays one finding. Every comparison with a bound is exact, on the decimals
the file writes (:mod:`aerp.exact`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from aerp.catalogue import find
from aerp.checks.consistency import slipped
from aerp.exact import exact, significant
from aerp.findings import Severity
from aerp.quantities import exact_canonical
from aerp.registry import Context, Problem, check

E, W = Severity.ERROR, Severity.WARNING
_MODIFIED_Z = Fraction("0.6745")  # the modified z-score's constant, the 0.75 quantile of the normal distribution
RESULTS = ("/results", "/measurement", "/hardware/accelerators", "/division")


@dataclass
class Repetition:
    index: int
    energy_wh: Fraction
    duration_s: Fraction
    per_query_wh: Fraction


def _repetitions(ctx: Context) -> list[Repetition]:
    """The repetitions whose accelerator energy and duration are usable (positive, not slipped).

    Found once per file: several checks read them.
    """
    found = ctx.cache.get(_USABLE)
    if found is None:
        found = ctx.cache[_USABLE] = _usable_repetitions(ctx)
    return found


_USABLE = "plausibility-repetitions"


def _usable_repetitions(ctx: Context) -> list[Repetition]:
    rated = ctx.params["rated_component"]
    bad = slipped(ctx)
    usable = []
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        base = f"/results/repetitions/{index}"
        energy = repetition["energy"].get(rated)
        if energy is None or {f"{base}/energy/{rated}", f"{base}/duration"} & bad:
            continue
        energy_wh = exact_canonical(energy, "energy", ctx.protocol)
        duration_s = exact_canonical(repetition["duration"], "duration", ctx.protocol)
        if energy_wh > 0 and duration_s > 0:
            usable.append(Repetition(index, energy_wh, duration_s, energy_wh / repetition["queries"]))
    return usable


def _limit_w(ctx: Context) -> Fraction:
    return exact_canonical(ctx.data["hardware"]["accelerators"]["power_limit"], "power", ctx.protocol)


def _percent(ratio: Fraction, sign: bool = True) -> str:
    """A ratio as a percentage for a message, at any magnitude (never through a float that overflows)."""
    text = significant(ratio * 100, 3)
    return f"{'+' if sign and ratio > 0 else ''}{text} %"


def _once(problems: list[Problem]) -> Iterator[Problem]:
    """The same finding in several repetitions: report the first, with the count."""
    if problems:
        first = problems[0]
        extra = f" (and in {len(problems) - 1} other repetitions)" if len(problems) > 1 else ""
        yield Problem(first.pointer, first.message + extra, hint=first.hint, severity=first.severity)


@check(
    "AERP-P001",
    E,
    "REQ-PLAUS-2",
    "The enforced power limit does not exceed the catalogue's maximum for the accelerator.",
    inputs=("/hardware/accelerators",),
)
def power_limit_within_catalogue(ctx: Context) -> Iterator[Problem]:
    accelerators = ctx.accelerators
    entry = find(accelerators, ctx.protocol) if accelerators is not None else None
    if entry is None:
        return
    maximum = exact_canonical(entry["max_power"], "power", ctx.protocol)
    limit = _limit_w(ctx)
    if limit > maximum:
        yield Problem(
            "/hardware/accelerators/power_limit",
            f"the enforced power limit {significant(limit)} W exceeds the {significant(maximum)} W an {entry['model']} "
            f"({entry['form_factor']}) can draw",
            hint=f"state the limit enforced during the run (nvidia-smi -q -d POWER); source: {entry['source']}",
        )


def _mean_power_outside(ctx: Context, bound_w: Fraction, above: bool, describe: str, hint: str) -> Iterator[Problem]:
    """One finding for the repetitions whose mean accelerator power lies beyond ``bound_w``."""
    problems = []
    for rep in _repetitions(ctx):
        power = rep.energy_wh * 3600 / rep.duration_s
        if (power > bound_w) if above else (power < bound_w):
            problems.append(
                Problem(
                    f"/results/repetitions/{rep.index}/energy/{ctx.params['rated_component']}",
                    f"repetition {rep.index + 1} implies a mean accelerator power of {significant(power, 4)} W, "
                    f"{describe}",
                    hint=hint,
                )
            )
    yield from _once(problems)


@check(
    "AERP-P002",
    E,
    "REQ-PLAUS-1",
    "The mean accelerator power of a repetition does not exceed count × enforced power limit.",
    inputs=RESULTS,
)
def mean_power_within_limit(ctx: Context) -> Iterator[Problem]:
    if ctx.accelerators is None:
        return
    count = ctx.accelerators["count"]
    ceiling = count * _limit_w(ctx) * (1 + exact(ctx.params["plausibility"]["power_transient_tolerance"]))
    yield from _mean_power_outside(
        ctx,
        ceiling,
        True,
        f"more than {count} × {significant(_limit_w(ctx))} W can deliver",
        "check the energy's unit, the duration, and the accelerator count and power limit",
    )


@check(
    "AERP-P003",
    W,
    "REQ-PLAUS-4",
    "The mean accelerator power of a repetition is not implausibly low for its accelerators.",
    inputs=RESULTS,
)
def mean_power_not_too_low(ctx: Context) -> Iterator[Problem]:
    if ctx.accelerators is None:
        return
    count = ctx.accelerators["count"]
    fraction = ctx.params["plausibility"]["min_power_fraction"]
    yield from _mean_power_outside(
        ctx,
        count * _limit_w(ctx) * exact(fraction),
        False,
        f"less than {fraction:.0%} of {count} × {significant(_limit_w(ctx))} W: below what an idle accelerator draws",
        "check that the energy covers every accelerator used and every phase",
    )


@check("AERP-P004", W, "REQ-PLAUS-5", "No repetition lies far from the others (robust outlier test).", inputs=RESULTS)
def outliers(ctx: Context) -> Iterator[Problem]:
    reps = _repetitions(ctx)
    if len(reps) < 3:
        return
    bounds = ctx.params["plausibility"]["outlier"]
    values = [r.per_query_wh for r in reps]
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    for rep in reps:
        deviation = abs(rep.per_query_wh - median)
        # modified z-score 0.6745 (x - median) / MAD, compared exactly: 0.6745 * deviation > z * MAD
        beyond = _MODIFIED_Z * deviation > exact(bounds["modified_z"]) * mad if mad > 0 else deviation > 0
        if beyond and deviation > exact(bounds["min_relative_deviation"]) * median:
            score = significant(_MODIFIED_Z * deviation / mad, 3) if mad > 0 else "unbounded: the others agree exactly"
            yield Problem(
                f"/results/repetitions/{rep.index}/energy/{ctx.params['rated_component']}",
                f"repetition {rep.index + 1} is {_percent(rep.per_query_wh / median - 1)} from the median "
                f"of the repetitions (modified z-score {score})",
                hint="an outlier repetition often means an interrupted or overlapping run; "
                "report it as it was, and explain it",
            )


@check(
    "AERP-P005",
    E,
    "REQ-PLAUS-6",
    "Closed division: the repetitions' accelerator energy varies by no more than the protocol allows.",
    inputs=RESULTS,
)
def variation(ctx: Context) -> Iterator[Problem]:
    reps = _repetitions(ctx)
    if not ctx.closed or len(reps) < 2:
        return
    values = [r.per_query_wh for r in reps]
    # the sample standard deviation (divisor n - 1) over the mean, compared exactly by its square
    mean = sum(values, Fraction(0)) / len(values)
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1)
    limit = ctx.params["plausibility"]["max_cv_closed"]
    if variance > exact(limit) ** 2 * mean**2:
        cv = _percent(Fraction(math.isqrt(int(variance * 10**12 / mean**2)), 10**6), sign=False)
        yield Problem(
            "/results/repetitions",
            f"the repetitions' accelerator energy varies with a coefficient of variation of {cv} "
            f"(sample standard deviation over the mean), more than the {limit:.0%} the closed division allows",
            hint="a stable, dedicated accelerator repeats within a few percent",
        )


@check(
    "AERP-P006",
    E,
    "REQ-MEAS-17",
    "Every repetition lasts at least ten sampling intervals of each component.",
    inputs=RESULTS,
)
def enough_samples(ctx: Context) -> Iterator[Problem]:
    needed = ctx.params["min_sampling_intervals"]
    bad = slipped(ctx)
    problems = []
    methods = ctx.data["measurement"]["methods"]
    longest = max(
        ((exact_canonical(m["sampling_interval"], "duration", ctx.protocol), c) for c, m in methods.items()),
        default=None,
    )
    if longest is None or longest[0] <= 0:
        return
    interval, component = longest
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        pointer = f"/results/repetitions/{index}/duration"
        duration = exact_canonical(repetition["duration"], "duration", ctx.protocol)
        if pointer not in bad and 0 < duration < needed * interval:
            problems.append(
                Problem(
                    pointer,
                    f"repetition {index + 1} lasts {significant(duration)} s, fewer than {needed} sampling "
                    f"intervals of the {component} ({significant(interval)} s)",
                    hint="sample more often, or measure a longer window",
                )
            )
    yield from _once(problems)


@check("AERP-P007", E, "REQ-MEAS-14", "PUE, where stated, is at least 1.", inputs=("/measurement/pue",))
def pue_at_least_one(ctx: Context) -> Iterator[Problem]:
    pue = ctx.data["measurement"].get("pue")
    if pue is not None and exact(pue["value"]) < exact(ctx.params["plausibility"]["pue"]["min"]):
        yield Problem(
            "/measurement/pue/value",
            f"a PUE of {pue['value']} is below 1: a data centre cannot use less energy than its IT load",
            hint="PUE = facility energy / IT energy; 1.0 means no overhead",
        )


@check("AERP-P008", W, "REQ-PLAUS-7", "PUE, where stated, is not implausibly high.", inputs=("/measurement/pue",))
def pue_not_too_high(ctx: Context) -> Iterator[Problem]:
    pue = ctx.data["measurement"].get("pue")
    maximum = ctx.params["plausibility"]["pue"]["max"]
    if pue is not None and exact(pue["value"]) > exact(maximum):
        yield Problem(
            "/measurement/pue/value",
            f"a PUE of {pue['value']} is above {maximum}; typical data centres report 1.1 to 1.6",
        )


@check(
    "AERP-P009",
    W,
    "REQ-PLAUS-8",
    "The carbon intensity lies within the range of real grids.",
    inputs=("/measurement/carbon_intensity",),
)
def intensity_in_range(ctx: Context) -> Iterator[Problem]:
    quantity = ctx.data["measurement"].get("carbon_intensity")
    if quantity is None or quantity["value"] < 0:
        return  # a negative intensity is AERP-U005's finding
    bounds = ctx.params["plausibility"]["carbon_intensity"]
    value = exact_canonical(quantity, "carbon_intensity", ctx.protocol)
    low = exact_canonical(bounds["min"], "carbon_intensity", ctx.protocol)
    high = exact_canonical(bounds["max"], "carbon_intensity", ctx.protocol)
    if not low <= value <= high:
        yield Problem(
            "/measurement/carbon_intensity",
            f"a carbon intensity of {significant(value)} g/kWh lies outside the {significant(low)}–{significant(high)} "
            "g/kWh of real grids",
            hint="check the unit: kg/kWh and g/kWh differ by 1,000",
        )
