"""Plausibility: results that are consistent on paper but break physics or statistics.

The bounds are data (protocol.yaml `plausibility`, the accelerator catalogue). Values that
another check already reported — a unit slip, a zero or negative energy — are left out here,
so that one defect stays one finding. Every comparison with a bound is exact, on the decimals
the file writes (:mod:`aerp.exact`).

Exact rational arithmetic over every repetition costs more than the rest of these checks
together, and nearly every file lies far inside its bounds. So each check over the
repetitions first asks whether doubles, each within a known relative error of its exact value
(:mod:`aerp.filtered`), prove that it has nothing to report; only where they cannot (a finding,
or a value too close to a bound for doubles to tell) does it run its exact definition, which
alone writes findings.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from aerp import filtered
from aerp.catalogue import entry_of
from aerp.checks.consistency import slipped
from aerp.exact import Written, exact, significant
from aerp.findings import Severity
from aerp.quantities import exact_canonical, factor_doubles
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


# -- the fast paths: doubles that prove a check has nothing to report -------------------------------

_NUMBERS = (Written, float, int)
_MAX_COUNT = 2.0**300  # counts (queries, accelerators) up to this keep every double here in the normal range


def _near(quantity: Any, factors: dict[str, float]) -> float | None:
    """The canonical value of ``{value, unit}`` as a double within 5 U (:func:`filtered.product`), or None.

    None where the doubles cannot stand for the exact value: a value that is not a number as
    read, a unit without a factor, a zero (or a value read as zero), or a magnitude outside
    the range in which the error bound holds. The sign of a non-zero result is the exact sign.
    """
    value, unit = quantity["value"], quantity["unit"]
    if type(value) not in _NUMBERS or type(unit) is not str:
        return None
    factor = factors.get(unit)
    return filtered.product(value, factor) if factor is not None else None


_PARAMETERS: dict[tuple[Any, ...], float | None] = {}


def _parameter(value: Any, plus: int = 0, sign: int = 1) -> float | None:
    """``plus + sign × exact(value)`` of a protocol number, as :func:`filtered.approximate` gives it (within U).

    Remembered by the number itself (its type and, for a written one, its text), so that a
    changed protocol parameter is converted anew. None for anything but a number as read (the
    exact definitions then meet it as they always did) and where it cannot be converted.
    """
    if type(value) not in _NUMBERS:
        return None
    key = (type(value), getattr(value, "text", None), value, plus, sign)
    if key not in _PARAMETERS:
        try:
            near = filtered.approximate(plus + sign * exact(value))
        except (ValueError, ArithmeticError):  # not a finite number
            near = None
        if len(_PARAMETERS) >= 256:
            _PARAMETERS.clear()  # protocols have a handful of these: only a test that makes many gets here
        _PARAMETERS[key] = near
    return _PARAMETERS[key]


class _NearRepetition(NamedTuple):
    """A usable repetition as doubles: energy and duration within 5 U, the energy per query within 8 U."""

    energy_wh: float
    duration_s: float
    per_query_wh: float


def _near_durations(ctx: Context) -> list[float | None]:
    """Every repetition's duration as :func:`_near` gives it, found once per file (two fast paths read them).

    Raises what reading an ill-formed repetition raises; the callers then leave it to the exact definitions.
    """
    found = ctx.cache.get(_DURATIONS)
    if found is None:
        durations = factor_doubles(ctx.protocol, "duration")
        found = [_near(repetition["duration"], durations) for repetition in ctx.data["results"]["repetitions"]]
        ctx.cache[_DURATIONS] = found
    return found


_DURATIONS = "plausibility-near-durations"


def _near_repetitions(ctx: Context) -> list[_NearRepetition] | None:
    """The repetitions :func:`_repetitions` finds usable, as doubles; None where doubles cannot tell which those are.

    Found once per file, like the exact ones.
    """
    if _NEAR not in ctx.cache:
        try:
            ctx.cache[_NEAR] = _approximate_repetitions(ctx)
        except (KeyError, TypeError, AttributeError, IndexError):
            ctx.cache[_NEAR] = None  # not as the schema has it: the exact definition decides
    return ctx.cache[_NEAR]


_NEAR = "plausibility-near-repetitions"


def _approximate_repetitions(ctx: Context) -> list[_NearRepetition] | None:
    """:func:`_usable_repetitions` on doubles: the same repetitions left out, the same ones kept.

    A repetition is left out where its energy is missing or slipped, and kept where both its
    energy and duration are positive: the sign of a double that is not zero is its exact
    value's. A value read as zero or beyond the range of the bounds gives up (None).
    """
    rated = ctx.params["rated_component"]
    bad = slipped(ctx)
    energies = factor_doubles(ctx.protocol, "energy")
    durations = _near_durations(ctx)
    near = []
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        energy = repetition["energy"].get(rated)
        if energy is None:
            continue
        if bad and {f"/results/repetitions/{index}/energy/{rated}", f"/results/repetitions/{index}/duration"} & bad:
            continue
        energy_wh = _near(energy, energies)
        duration_s = durations[index]
        if energy_wh is None or duration_s is None:
            return None
        if energy_wh < 0 or duration_s < 0:
            continue  # exactly negative: not usable
        queries = repetition["queries"]
        if type(queries) is not int or not 0 < queries <= _MAX_COUNT:
            return None
        near.append(_NearRepetition(energy_wh, duration_s, energy_wh / queries))
    return near


def _power_bound(ctx: Context, fraction: Any, plus: int) -> float | None:
    """count × power limit × (plus + fraction) as a double within 10 U, or None where it cannot be formed so.

    count within U, the limit within 5 U, the factor within U, two products rounded: 9 U and
    their cross terms. None also where the bound is not positive: then only the exact
    definition can say which repetitions lie beyond it.
    """
    accelerators = ctx.accelerators
    if accelerators is None:
        return None
    count = accelerators["count"]
    limit_w = _near(accelerators["power_limit"], factor_doubles(ctx.protocol, "power"))
    scale = _parameter(fraction, plus)
    if type(count) is not int or not 0 < count <= _MAX_COUNT or limit_w is None or limit_w < 0 or not scale:
        return None
    return count * limit_w * scale if scale > 0 else None


def _powers_within(ctx: Context, bound: float | None, above: bool) -> bool:
    """True only when no usable repetition's exact mean power lies above (``above``) or below ``bound``'s exact value.

    A mean power E·3600/D of doubles within 5 U each is within 12 U, and lies in the normal
    range (E and D do, and their quotient times 3600 stays far inside it).
    """
    near = _near_repetitions(ctx)
    if near is None or bound is None:
        return False
    for rep in near:
        power = rep.energy_wh * 3600 / rep.duration_s
        if not (filtered.surely_less(power, bound) if above else filtered.surely_less(bound, power)):
            return False
    return True


def _no_outlier(ctx: Context) -> bool:
    """True only when AERP-P004 finds nothing: every energy per query within ``min_relative_deviation`` of the median.

    A finding needs a deviation beyond that fraction of the median, so where every value lies
    inside (median·(1 − r), median·(1 + r)) there is none, whatever the z-scores. It suffices to
    show it of the smallest and the largest value. Each value is within 8 U; the median of such
    values is within 8 U of the exact median (the k-th smallest of values each within a relative
    error lies within that error of the exact k-th smallest), 9 U for the mean of two; the
    bounds, times 1 ± r within U, within 11 U.
    """
    near = _near_repetitions(ctx)
    if near is None:
        return False
    if len(near) < 3:
        return True  # the check compares three repetitions or more
    deviation = ctx.params["plausibility"]["outlier"]["min_relative_deviation"]
    upper, lower = _parameter(deviation, 1), _parameter(deviation, 1, -1)
    if not upper or not lower or lower <= 0:
        return False
    values = sorted(rep.per_query_wh for rep in near)
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return filtered.surely_less(median * lower, values[0]) and filtered.surely_less(values[-1], median * upper)


def _steady(ctx: Context) -> bool:
    """True only when AERP-P005 finds nothing: the sample variance is at most max_cv² × mean² exactly.

    With R the range of the n values and m their smallest, every deviation from the mean is at
    most R, so the sample variance is at most n·R²/(n − 1), and the mean is at least m: where
    n·(R/m)² ≤ (n − 1)·cv², the variance is at most cv²·mean². Each side is bounded the safe
    way: the range from above and the minimum from below by the margin (which exceeds the 8 U of
    each value), and every rounding of the products by a further margin.
    """
    near = _near_repetitions(ctx)
    if near is None:
        return False
    if not ctx.closed or len(near) < 2:
        return True
    limit = _parameter(ctx.params["plausibility"]["max_cv_closed"])
    if not limit:
        return False
    limit = abs(limit)  # the check compares its square
    values = [rep.per_query_wh for rep in near]
    high, low = max(values), min(values)
    margin = filtered.MARGIN
    spread = ((high - low) + (high + low) * margin) / (low * (1 - margin)) * (1 + margin)  # ≥ R / m
    floor = limit * (1 - margin)  # ≤ cv
    count = len(values)
    return count * spread * spread * (1 + margin) <= (count - 1) * floor * floor * (1 - margin)


def _long_enough(ctx: Context) -> bool:
    """True only when AERP-P006 finds nothing: no repetition it reads is shorter than needed × the longest interval.

    Every duration is converted, as the exact definition converts every one; the longest
    interval within 5 U, times the count within 7 U.
    """
    needed = ctx.params["min_sampling_intervals"]
    methods = ctx.data["measurement"]["methods"]
    durations = factor_doubles(ctx.protocol, "duration")
    if type(needed) is not int or not 0 < needed <= _MAX_COUNT:
        return False
    try:
        intervals = [_near(m["sampling_interval"], durations) for m in methods.values()]
        lengths = _near_durations(ctx)
    except (KeyError, TypeError, AttributeError):
        return False
    known = [interval for interval in intervals if interval is not None]
    if len(known) < len(intervals) or None in lengths:
        return False
    longest = max(known, default=None)
    if longest is None or longest < 0:
        return True  # no interval, or every one exactly negative: the check has no interval to count
    least = needed * longest
    bad = slipped(ctx)
    return all(
        length is not None
        and (length < 0 or filtered.surely_less(least, length) or f"/results/repetitions/{index}/duration" in bad)
        for index, length in enumerate(lengths)
    )


# -- the checks -------------------------------------------------------------------------------------


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
    entry = entry_of(ctx)
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
    tolerance = ctx.params["plausibility"]["power_transient_tolerance"]
    if _powers_within(ctx, _power_bound(ctx, tolerance, 1), above=True):
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
    if _powers_within(ctx, _power_bound(ctx, fraction, 0), above=False):
        return
    yield from _mean_power_outside(
        ctx,
        count * _limit_w(ctx) * exact(fraction),
        False,
        f"less than {fraction:.0%} of {count} × {significant(_limit_w(ctx))} W: below what an idle accelerator draws",
        "check that the energy covers every accelerator used and every phase",
    )


@check("AERP-P004", W, "REQ-PLAUS-5", "No repetition lies far from the others (robust outlier test).", inputs=RESULTS)
def outliers(ctx: Context) -> Iterator[Problem]:
    if _no_outlier(ctx):
        return
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
    if _steady(ctx):
        return
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
    if _long_enough(ctx):
        return
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
