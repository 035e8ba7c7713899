"""Ratings: a closed-division result claims the stars its own rated metric earns on the fixed scale.

The rated metric is computed from the repetitions (REQ-MEAS-4), exactly, on the decimals
written in the file: the mean over repetitions of the accelerator energy × 1,000 / queries.
The summary is the lab's copy of it and is never rated, so no rounding of the summary can
gain a star (a summary rounded across a threshold is AERP-R005's finding). When the
consistency checks already dispute a value the metric is computed from, the stars are not
recomputed from it (one defect, one finding). The computed and claimed stars are recorded
for the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

from aerp.checks.consistency import disputed
from aerp.exact import Written, exact, significant, to_float
from aerp.findings import Severity
from aerp.protocol import Protocol
from aerp.quantities import exact_canonical, vocabulary
from aerp.rating import NoScale, fixed, thresholds
from aerp.registry import Context, Problem, check

E = Severity.ERROR
SUMMARY = "/results/summary/accelerator_energy_per_1000_queries"
INPUTS = ("/division", "/task", "/model", "/rating", "/results", "/measurement")
_RATED = "rated-metric"


def rated_metric(ctx: Context) -> Fraction | None:
    """E_rated of REQ-MEAS-4 in Wh per ``rated_per_queries`` queries, exact; None where it cannot be formed.

    The mean of energy × per / queries over the repetitions, summed as integers over a common
    denominator and made a Fraction once: the same rational as adding the Fractions one by one
    (a Fraction is in lowest terms, so equal values are equal objects' values), without a
    greatest common divisor for every addition.
    """
    if _RATED in ctx.cache:
        return ctx.cache[_RATED]
    per = exact(ctx.params["rated_per_queries"])
    component = ctx.params["rated_component"]
    try:
        factors = vocabulary(ctx.protocol).dimensions.get("energy", {})
    except (KeyError, TypeError, ValueError, AttributeError):
        factors = {}  # every energy then goes through exact_canonical(), which raises what it raises
    numerators: list[int] = []
    denominators: list[int] = []
    for repetition in ctx.data["results"]["repetitions"]:
        quantity = repetition.get("energy", {}).get(component)
        queries = repetition.get("queries")
        if not isinstance(quantity, dict) or not isinstance(queries, int) or queries <= 0:
            numerators = []
            break
        try:
            numerator, denominator = _energy_ratio(quantity, factors, ctx.protocol)
        except (KeyError, TypeError, ValueError):
            numerators = []
            break
        numerators.append(numerator)
        denominators.append(denominator * queries)
    metric = None
    if numerators:
        common = math.lcm(*denominators)
        total = sum(n * (common // d) for n, d in zip(numerators, denominators, strict=True))
        metric = Fraction(total * per.numerator, common * per.denominator * len(numerators))
    ctx.cache[_RATED] = metric
    return metric


def _energy_ratio(quantity: dict[str, Any], factors: dict[str, Fraction], protocol: Protocol) -> tuple[int, int]:
    """:func:`exact_canonical` of an energy as (numerator, positive denominator), not necessarily in lowest terms.

    A written decimal or an integer in a unit of ``factors`` (the protocol's energy units, as
    :func:`exact_canonical` converts them) is multiplied out from its digits and the unit's
    factor (exactly what :func:`aerp.exact.exact` reads, raising what it raises); anything else
    goes through :func:`exact_canonical` itself.
    """
    value, unit = quantity.get("value"), quantity.get("unit")
    kind = type(value)
    if type(unit) is str and (kind is Written or kind is int):
        factor = factors.get(unit)
        if factor is not None:
            numerator, denominator = Decimal(value.text).as_integer_ratio() if kind is Written else (value, 1)
            return numerator * factor.numerator, denominator * factor.denominator
    canonical = exact_canonical(quantity, "energy", protocol)
    return canonical.numerator, canonical.denominator


def _summary(ctx: Context) -> Fraction | None:
    quantity = ctx.data["results"]["summary"].get("accelerator_energy_per_1000_queries")
    try:
        return exact_canonical(quantity, "energy", ctx.protocol) if isinstance(quantity, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def rateable(ctx: Context) -> Fraction | None:
    """The rated metric, unless a value it is formed from is disputed or not positive."""
    metric = rated_metric(ctx)
    summary = _summary(ctx)
    shown = metric if metric is not None else summary
    if shown is not None:
        ctx.facts["energy_wh_per_1000_queries"] = to_float(shown)
    if metric is None or metric <= 0:
        return None
    disputes = disputed(ctx)
    if disputes:  # nearly always none: the inputs are named only to be compared with them
        component = ctx.params["rated_component"]
        inputs = {SUMMARY} | {
            f"/results/repetitions/{i}/energy/{component}" for i in range(len(ctx.data["results"]["repetitions"]))
        }
        if inputs & disputes:
            return None
    return metric


@check("AERP-R001", E, "REQ-RATE-1", "A closed-division submission claims its stars.", inputs=("/division", "/rating"))
def closed_claims(ctx: Context) -> Iterator[Problem]:
    if ctx.closed and "rating" not in ctx.data:
        yield Problem(
            "",
            "a closed-division result claims its stars in `rating`",
            hint=f"add rating: {{stars: N, scale: {ctx.params['rating']['scale']}}}; `aerp rate` computes N",
        )


@check(
    "AERP-R002",
    E,
    "REQ-RATE-2",
    "The claimed stars are the stars the fixed scale gives the submission's own rated energy.",
    inputs=INPUTS,
    until="1.0",
)
def claim_matches(ctx: Context) -> Iterator[Problem]:
    energy = rateable(ctx)
    task, size_class = ctx.data["task"], ctx.data["model"].get("class")
    if energy is None or not ctx.closed:
        return
    try:
        rating = fixed(ctx.protocol, task, size_class, energy)
        edges = thresholds(ctx.protocol, task, size_class)
    except NoScale:
        return  # a missing or misplaced class is AERP-T003's finding
    ctx.facts["stars"] = rating.stars
    claim = ctx.data.get("rating")
    if claim is None or claim["scale"] != ctx.params["rating"]["scale"]:
        return
    ctx.facts["claimed_stars"] = claim["stars"]
    if claim["stars"] != rating.stars:
        scope = f"{task}" + (f" class {size_class}" if size_class else "")
        yield Problem(
            "/rating/stars",
            f"{claim['stars']} stars claimed, but the rated metric, {significant(energy)} Wh per 1,000 queries "
            f"from the repetitions, earns {rating.stars} on the {ctx.params['rating']['scale']} scale of {scope} "
            f"(thresholds {', '.join(significant(t) for t in edges)} Wh)",
            hint=f"claim {rating.stars} stars, or check the repetitions' accelerator energies and units",
        )


@check(
    "AERP-R005",
    Severity.WARNING,
    "REQ-RATE-5",
    "The summary lies in the same star band as the rated metric computed from the repetitions.",
    inputs=INPUTS,
)
def summary_in_band(ctx: Context) -> Iterator[Problem]:
    energy = rateable(ctx)
    summary = _summary(ctx)
    if energy is None or summary is None or summary <= 0 or not ctx.closed:
        return
    task, size_class = ctx.data["task"], ctx.data["model"].get("class")
    try:
        of_metric = fixed(ctx.protocol, task, size_class, energy)
        of_summary = fixed(ctx.protocol, task, size_class, summary)
    except NoScale:
        return
    if of_metric.stars != of_summary.stars:
        yield Problem(
            SUMMARY,
            f"the summary, {significant(summary)} Wh, would earn {of_summary.stars} stars, but the rated metric "
            f"computed from the repetitions, {significant(energy, 9)} Wh, earns {of_metric.stars}: the summary "
            "is rounded across a threshold",
            hint="write the summary with enough digits to stay in the band of the rated metric",
        )


@check("AERP-R003", E, "REQ-DIV-3", "An open-division submission claims no stars.", inputs=("/division", "/rating"))
def open_claims_none(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed and "rating" in ctx.data:
        yield Problem(
            "/rating",
            "an open-division result is not rated: remove `rating`",
            hint="stars compare results measured the same way; the open division allows other ways",
        )


@check(
    "AERP-R004",
    E,
    "REQ-RATE-3",
    "The claimed stars are read from the scale of the declared AERP version.",
    inputs=("/rating",),
    until="1.0",
)
def scale_of_version(ctx: Context) -> Iterator[Problem]:
    yield from _scale_of_edition(ctx)


@check(
    "AERP-R006",
    E,
    "REQ-RATE-6",
    "The claimed stars are read from the scale of the declared edition (aerp-1.1-fixed).",
    inputs=("/rating",),
    since="1.1",
)
def scale_of_edition(ctx: Context) -> Iterator[Problem]:
    yield from _scale_of_edition(ctx)


def _scale_of_edition(ctx: Context) -> Iterator[Problem]:
    claim = ctx.data.get("rating")
    expected = ctx.params["rating"]["scale"]
    if claim is not None and claim["scale"] != expected:
        yield Problem(
            "/rating/scale",
            f"`{claim['scale']}` is not the scale of AERP {ctx.protocol.version}",
            hint=f"use {expected}",
        )
