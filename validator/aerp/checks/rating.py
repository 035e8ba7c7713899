"""Ratings: a closed-division result claims the stars its own energy earns on the fixed scale.

The rated metric is read from the summary, after unit conversion; when the consistency
checks already dispute the summary, the stars are not recomputed from it (one defect, one
finding). The computed and claimed stars are recorded for the report.
"""

from __future__ import annotations

from collections.abc import Iterator

from aerp.checks.consistency import disputed
from aerp.findings import Severity
from aerp.quantities import to_canonical
from aerp.rating import NoScale, fixed, thresholds
from aerp.registry import Context, Problem, check

E = Severity.ERROR
SUMMARY = "/results/summary/accelerator_energy_per_1000_queries"
INPUTS = ("/division", "/task", "/model", "/rating", "/results", "/measurement")


def _rated(ctx: Context) -> float | None:
    quantity = ctx.data["results"]["summary"]["accelerator_energy_per_1000_queries"]
    energy = to_canonical(quantity, "energy", ctx.protocol)
    ctx.facts["energy_wh_per_1000_queries"] = energy
    if SUMMARY in disputed(ctx) or energy <= 0:
        return None
    return energy


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
)
def claim_matches(ctx: Context) -> Iterator[Problem]:
    energy = _rated(ctx)
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
            f"{claim['stars']} stars claimed, but {energy:.6g} Wh per 1,000 queries earns {rating.stars} "
            f"on the {ctx.params['rating']['scale']} scale of {scope} (thresholds "
            f"{', '.join(f'{t:g}' for t in edges)} Wh)",
            hint=f"claim {rating.stars} stars, or check the summary's energy and unit",
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
)
def scale_of_version(ctx: Context) -> Iterator[Problem]:
    claim = ctx.data.get("rating")
    expected = ctx.params["rating"]["scale"]
    if claim is not None and claim["scale"] != expected:
        yield Problem(
            "/rating/scale",
            f"`{claim['scale']}` is not the scale of AERP {ctx.protocol.version}",
            hint=f"use {expected}",
        )
