"""Uncertainty (AERP 1.1): a rated result states the uncertainty of its rated metric, and claims by it.

A closed-division result states, in ``results.summary.uncertainty``, the combined standard
uncertainty u of its rated metric E, the coverage factor k, the expanded uncertainty U = k·u and
the budget u is combined from (GUM, JCGM 100:2008). The checks hold the statement to arithmetic
(U = k·u, the budget combines to u), to the repetitions (the Type A of the budget is at least
the scatter of the repetitions, s/√n), and hold the claim to the decision rule: the stars a
result claims are those that hold over the whole interval [E − U, E + U] (guarded acceptance,
ILAC-G8:09/2019). Every comparison is exact (:mod:`aerp.uncertainty` compares squares), and E is
the rated metric computed from the repetitions, never the summary.

One defect, one finding: where a value E is formed from is already disputed, or the expanded
uncertainty is itself reported (AERP-Q002), the claim is not judged again.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from aerp.checks.rating import INPUTS as RATING_INPUTS
from aerp.checks.rating import rateable, rated_metric
from aerp.exact import exact, significant, to_float
from aerp.findings import Severity
from aerp.quantities import exact_canonical
from aerp.rating import GUARDED, NoScale, claimable, decision_rule, fixed_range, thresholds
from aerp.registry import Context, Problem, check
from aerp.uncertainty import (
    Standard,
    Statement,
    Unreadable,
    agree,
    at_least,
    combined,
    coverage_factor,
    default_type_b,
    read_statement,
    type_a_variance,
)

E = Severity.ERROR
UNCERTAINTY = "/results/summary/uncertainty"
_STATEMENT = "uncertainty-statement"
_TOLERANCE = "uncertainty"  # the protocol tolerance (tolerances.<name>) the statement's arithmetic is held to


def statement(ctx: Context) -> Statement | None:
    """The submission's uncertainty statement, exact; None where it is absent or the schema has to speak."""
    if _STATEMENT not in ctx.cache:
        summary = _summary(ctx)
        node = summary.get("uncertainty") if summary is not None else None
        try:
            ctx.cache[_STATEMENT] = read_statement(node, ctx.protocol) if node is not None else None
        except Unreadable:
            ctx.cache[_STATEMENT] = None
    return ctx.cache[_STATEMENT]


def _summary(ctx: Context) -> dict[str, Any] | None:
    """``results.summary`` where it is an object (elsewhere the schema reports it)."""
    results = ctx.data.get("results")
    summary = results.get("summary") if isinstance(results, dict) else None
    return summary if isinstance(summary, dict) else None


def _tolerance(ctx: Context) -> Fraction:
    return exact(ctx.params["tolerances"][_TOLERANCE])


def _close(left: Fraction, right: Fraction, tolerance: Fraction) -> bool:
    scale = max(abs(left), abs(right))
    return scale == 0 or abs(left - right) <= tolerance * scale


def _expanded_disputed(ctx: Context, stated: Statement) -> bool:
    """True when AERP-Q002 reports the expanded uncertainty (a wrong k, or U ≠ k·u)."""
    return stated.coverage_factor != coverage_factor(ctx.protocol) or not _close(
        stated.expanded, stated.coverage_factor * stated.standard, _tolerance(ctx)
    )


def _per_repetition(ctx: Context) -> list[Fraction] | None:
    """Each repetition's rated energy per ``rated_per_queries`` queries, exact (the values E is the mean of)."""
    per = exact(ctx.params["rated_per_queries"])
    component = ctx.params["rated_component"]
    values = []
    for repetition in ctx.data["results"]["repetitions"]:
        quantity = repetition.get("energy", {}).get(component)
        queries = repetition.get("queries")
        if not isinstance(quantity, dict) or isinstance(queries, bool) or not isinstance(queries, int) or queries <= 0:
            return None
        try:
            values.append(exact_canonical(quantity, "energy", ctx.protocol) * per / queries)
        except (KeyError, TypeError, ValueError):
            return None
    return values


def _stars(count: int) -> str:
    return f"{count} star{'s' if count != 1 else ''}"


@check(
    "AERP-Q001",
    E,
    "REQ-UNC-1",
    "A closed-division result states the uncertainty of its rated metric.",
    inputs=("/division", UNCERTAINTY, "/results/repetitions"),
    since="1.1",
)
def closed_states_uncertainty(ctx: Context) -> Iterator[Problem]:
    summary = _summary(ctx)
    if ctx.closed and summary is not None and "uncertainty" not in summary:
        k = significant(coverage_factor(ctx.protocol))
        yield Problem(
            "/results/summary",
            "a closed-division result states the uncertainty of its rated metric in `results.summary.uncertainty`",
            hint=f"state the combined standard uncertainty u, coverage_factor: {k}, the expanded uncertainty "
            f"U = {k}·u and the budget u is combined from (a Type A from the repetitions, a Type B for the "
            "instrument)",
        )


@check(
    "AERP-Q002",
    E,
    "REQ-UNC-2",
    "The expanded uncertainty is the coverage factor of the protocol times the standard uncertainty.",
    inputs=(UNCERTAINTY,),
    since="1.1",
)
def expanded_is_k_times_u(ctx: Context) -> Iterator[Problem]:
    stated = statement(ctx)
    if stated is None:
        return
    k = coverage_factor(ctx.protocol)
    if stated.coverage_factor != k:
        yield Problem(
            f"{UNCERTAINTY}/coverage_factor",
            f"the coverage factor is {significant(stated.coverage_factor)}, but AERP {ctx.protocol.version} "
            f"expands the standard uncertainty with k = {significant(k)} (a coverage of about 95 %)",
            hint=f"state coverage_factor: {significant(k)} and expanded = {significant(k)} × standard",
        )
    product = stated.coverage_factor * stated.standard
    if not _close(stated.expanded, product, _tolerance(ctx)):
        yield Problem(
            f"{UNCERTAINTY}/expanded",
            f"the expanded uncertainty is {significant(stated.expanded)} Wh per 1,000 queries, but k × u = "
            f"{significant(stated.coverage_factor)} × {significant(stated.standard)} = {significant(product)} Wh",
            hint="U = k·u: write U with as many digits as the tolerance needs, or correct u",
        )


@check(
    "AERP-Q003",
    E,
    "REQ-UNC-3",
    "The standard uncertainty is the combination of its budget (root sum of squares, or linear sum if correlated).",
    inputs=(UNCERTAINTY,),
    since="1.1",
)
def budget_combines(ctx: Context) -> Iterator[Problem]:
    stated = statement(ctx)
    if stated is None:
        return
    values = [c.value for c in stated.budget]
    computed = combined(values, stated.correlated)
    if agree(Standard.of(stated.standard), computed, _tolerance(ctx)):
        return
    how = "the linear sum (correlated: true)" if stated.correlated else "the root sum of squares"
    if not values:
        message = f"the budget lists no components, so nothing supports u = {significant(stated.standard)} Wh"
    else:
        message = (
            f"the standard uncertainty is {significant(stated.standard)} Wh per 1,000 queries, but {how} of the "
            f"budget's {len(values)} component(s) is {significant(computed.approximate())} Wh"
        )
    yield Problem(
        f"{UNCERTAINTY}/standard",
        message,
        hint="u is combined from the budget: √(Σ u_i²) for independent components, Σ u_i where they are "
        "correlated (then state correlated: true)",
    )


@check(
    "AERP-Q004",
    E,
    "REQ-UNC-4",
    "The budget's Type A is at least the scatter of the repetitions' rated energies, s/√n.",
    inputs=(UNCERTAINTY, "/results/repetitions", "/results/summary/accelerator_energy_per_1000_queries"),
    since="1.1",
)
def type_a_not_understated(ctx: Context) -> Iterator[Problem]:
    stated = statement(ctx)
    if stated is None or rateable(ctx) is None:
        return  # no statement, or a value the metric is formed from is disputed: that is the finding
    values = _per_repetition(ctx)
    if values is None or len(values) < 2:
        return
    required = Standard(type_a_variance(values))
    entries = stated.of_type("A")
    budget = Standard(sum((c.value**2 for c in entries), Fraction(0)))
    if at_least(budget, required, _tolerance(ctx)):
        return
    scatter = (
        f"s/√n = {significant(required.approximate())} Wh per 1,000 queries, the standard uncertainty of the mean "
        f"of the {len(values)} repetitions' rated energies"
    )
    if not entries:
        message = f"the budget has no Type A component, but the repetitions scatter: {scatter}"
    else:
        total = significant(budget.approximate())
        message = f"the budget's Type A component(s) come to {total} Wh, less than {scatter}"
    yield Problem(
        f"{UNCERTAINTY}/budget",
        message,
        hint=f"state a Type A component of at least {significant(required.upper(3))} Wh "
        "(s: the sample standard deviation of the repetitions, n − 1; n: the number of repetitions)",
    )


@check(
    "AERP-Q005",
    E,
    "REQ-UNC-5",
    "The claimed stars are those that hold over the whole interval E ± U (guarded acceptance).",
    inputs=(*RATING_INPUTS, UNCERTAINTY),
    since="1.1",
)
def claim_by_decision_rule(ctx: Context) -> Iterator[Problem]:
    energy = rateable(ctx)
    if energy is None or not ctx.closed:
        return
    summary = _summary(ctx)
    stated = statement(ctx)
    if summary is not None and "uncertainty" in summary:
        if stated is None or _expanded_disputed(ctx, stated):
            return  # the statement is the schema's or AERP-Q002's finding
        expanded = stated.expanded
    else:
        expanded = Fraction(0)  # none stated (AERP-Q001): the interval is E itself
    task, size_class = ctx.data["task"], ctx.data["model"].get("class")
    try:
        found = fixed_range(ctx.protocol, task, size_class, energy, expanded)
        edges = thresholds(ctx.protocol, task, size_class)
    except NoScale:
        return  # a missing or misplaced class is AERP-T003's finding
    allowed = claimable(ctx.protocol, found)
    ctx.facts["stars"] = allowed
    ctx.facts["stars_low"], ctx.facts["stars_high"] = found.stars_low, found.stars_high
    ctx.facts["expanded_uncertainty_wh_per_1000_queries"] = to_float(expanded)
    claim = ctx.data.get("rating")
    scale = ctx.params["rating"]["scale"]
    if claim is None or claim["scale"] != scale:
        return  # AERP-R001 and AERP-R004
    ctx.facts["claimed_stars"] = claim["stars"]
    if claim["stars"] == allowed:
        return
    scope = f"{task}" + (f" class {size_class}" if size_class else "")
    on_scale = f"on the {scale} scale of {scope} (thresholds {', '.join(significant(t) for t in edges)} Wh)"
    metric = f"the rated metric, {significant(energy)} Wh per 1,000 queries from the repetitions"
    if expanded == 0:
        message = f"{_stars(claim['stars'])} claimed, but {metric}, earns {allowed} {on_scale}"
        hint = f"claim {allowed} stars, or check the repetitions' accelerator energies and units"
    else:
        bottom = significant(energy - expanded) if energy > expanded else "0"
        interval = f"[{bottom}, {significant(energy + expanded)}] Wh"
        spread = f"{found.stars_low}–{found.stars_high} stars" if found.spans else _stars(found.stars_low)
        if decision_rule(ctx.protocol) == GUARDED:
            rule = f"the claim is the stars that hold over the whole interval, {allowed} (guarded acceptance)"
        else:
            rule = f"the claim is the stars of the rated metric, {allowed}"
        message = (
            f"{_stars(claim['stars'])} claimed, but {metric}, with its expanded uncertainty "
            f"U = {significant(expanded)} Wh spans {interval}, which earns {spread} {on_scale}: {rule}"
        )
        hint = f"claim {allowed} stars" + (f"; the label shows {spread}" if found.spans else "")
    yield Problem("/rating/stars", message, hint=hint)


@check(
    "AERP-Q006",
    Severity.WARNING,
    "REQ-UNC-6",
    "The budget has a Type B component for the instrument that measured the accelerator energy.",
    inputs=(UNCERTAINTY,),
    since="1.1",
)
def instrument_component(ctx: Context) -> Iterator[Problem]:
    stated = statement(ctx)
    if stated is None:
        return
    if any("instrument" in c.name.lower() or (c.type == "B" and c.source) for c in stated.budget):
        return
    relative = exact(ctx.params["uncertainty"]["default_counter_relative"])
    percent = significant(relative * 100)
    try:
        energy = rated_metric(ctx)  # only to put a number in the hint
    except (AttributeError, TypeError):
        energy = None  # repetitions the schema reports; the warning stands without the number
    value = (
        f"{significant(default_type_b(energy, ctx.protocol).upper(3))} Wh"
        if energy is not None and energy > 0
        else f"{significant(relative)}·E/√3"
    )
    yield Problem(
        f"{UNCERTAINTY}/budget",
        "the budget has no Type B component for the instrument that measured the accelerator energy "
        "(a component named for the instrument, or a Type B with its source)",
        hint=f"add {{name: instrument, type: B, value: {value}, source: ...}}: where the instrument's accuracy is "
        f"not published, ±{percent} % of E read as the bounds of a rectangular distribution, u = "
        f"{significant(relative)}·E/√3",
    )


@check(
    "AERP-Q007",
    E,
    "REQ-UNC-7",
    "Where the accelerators' power trace is read, the budget's sampling component is at least what the trace gives.",
    inputs=(UNCERTAINTY, "/artifacts", "/results/repetitions"),
    since="1.1",
)
def sampling_from_the_trace(ctx: Context) -> Iterator[Problem]:
    """The sampling and integration Type B is computed from the trace, not declared (REQ-UNC-7).

    Per window, the trapezoid and the left rectangle rule bracket the energy a sampled power
    trace holds; their difference, per 1,000 queries and averaged over the repetitions, is the
    half-width of a rectangular distribution (:func:`aerp.uncertainty.sampling_component_per_1000`).
    A component smaller than the statement's own rounding (tolerances.uncertainty of u) is
    immaterial and need not be listed.
    """
    from aerp.checks.evidence import usable_traces
    from aerp.uncertainty import Window, sampling_component_per_1000

    stated = statement(ctx)
    if stated is None:
        return
    windows = []
    repetitions = ctx.data["results"]["repetitions"]
    for record in usable_traces(ctx):
        if record.whole.kind != "power":
            continue
        for index, repetition in enumerate(repetitions):
            summary = record.windows.get(f"/results/repetitions/{index}")
            queries = repetition.get("queries")
            if summary is None or not isinstance(queries, int) or queries <= 0:
                continue
            windows.append(Window(Fraction(summary.energy_J) / 3600, Fraction(summary.energy_left_J) / 3600, queries))
    if not windows:
        return
    computed = sampling_component_per_1000(windows)
    tolerance = _tolerance(ctx)
    if computed.square <= (tolerance * stated.standard) ** 2:
        return  # below the rounding of the statement itself
    declared = [
        c for c in stated.budget if c.type == "B" and ("sampling" in c.name.lower() or "integration" in c.name.lower())
    ]
    largest = max((c.value for c in declared), default=Fraction(0))
    if largest**2 < computed.square * (1 - tolerance) ** 2:
        value = significant(computed.upper(3))
        yield Problem(
            f"{UNCERTAINTY}/budget",
            f"the accelerators' power trace gives a sampling and integration component of {value} Wh per 1,000 "
            "queries (the trapezoid and rectangle rules differ by that much, as a rectangular half-width); the "
            + ("budget lists none" if not declared else f"budget lists {significant(largest)} Wh"),
            hint=f"add {{name: sampling and integration, type: B, value: {value} Wh, source: computed from the trace}}",
        )
