"""Star ratings as pure functions of data: the fixed AERP scale and the cohort method.

``fixed``: the thresholds of protocol.yaml ``rating.thresholds``, frozen for the life of a
protocol version, so a rating depends on the submission alone. ``cohort``: the AI Energy
Score's method, equal-width bins over the range of a set of results, kept for auditing
relative leaderboards. Both are right-closed: a value on an edge earns the higher rating.

A result with an expanded uncertainty U is an interval [max(E − U, 0), E + U], which may span
thresholds (:func:`rate_range`). The decision rule of a protocol version (``rating.decision_rule``)
says which stars of that interval the result may claim: ``simple-acceptance`` (AERP 1.0, and any
version that names no rule) the stars of E itself; ``guarded-acceptance`` (AERP 1.1) the stars that
hold over the whole interval, those of E + U, so that a label never promises more than the
measurement supports (ILAC-G8:09/2019, JCGM 106:2012).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Any

from aerp.exact import decimal_text, exact
from aerp.protocol import Protocol


@dataclass(frozen=True)
class Rating:
    stars: int
    band: tuple[float | None, float | None]  # (exclusive low, inclusive high), Wh per 1,000 queries


class NoScale(ValueError):
    """The task and class have no scale (an unknown task, a missing class, a cohort of one)."""


def thresholds(protocol: Protocol, task: str, size_class: str | None) -> list[Fraction]:
    """The scale's internal edges as the exact decimals protocol.yaml writes (see :mod:`aerp.exact`)."""
    table: dict[str, Any] = protocol.params["rating"]["thresholds"]
    if task not in table:
        raise NoScale(f"`{task}` has no rating scale")
    entry = table[task]
    if isinstance(entry, dict):
        if not size_class:
            raise NoScale(f"`{task}` is rated per size class: give one of {', '.join(entry)}")
        if size_class not in entry:
            raise NoScale(f"`{task}` has no size class `{size_class}`; its classes are {', '.join(entry)}")
        return _exact_edges(entry[size_class])
    if size_class:
        raise NoScale(f"size classes apply to text-generation only, not to `{task}`")
    return _exact_edges(entry)


# Scales converted to exact edges, by the numbers protocol.yaml writes: every file is rated on
# one of a few scales, and a changed scale (a test's, a new edition's) has other numbers, so it
# is converted anew. Only scales of plain doubles and integers are remembered: their value is
# their whole meaning (a written decimal keeps digits beyond its double's).
_EDGES: dict[tuple[Any, ...], tuple[Fraction, ...]] = {}
_MAX_SCALES = 256


def _exact_edges(edges: Any) -> list[Fraction]:
    """``[exact(t) for t in edges]``, remembered for a scale of doubles and integers; a new list every call."""
    try:
        values = tuple(edges)
    except TypeError:
        return [exact(t) for t in edges]  # raising what it raises
    kinds = tuple(map(type, values))
    if not set(kinds) <= {float, int}:
        return [exact(t) for t in values]
    key = (values, kinds)  # with the types: 1e23 == 99999999999999991611392, yet exact() reads the double as 10^23
    found = _EDGES.get(key)
    if found is None:
        found = tuple(exact(t) for t in values)
        if len(_EDGES) >= _MAX_SCALES:
            _EDGES.clear()
        _EDGES[key] = found
    return list(found)


def rate(
    energy_wh: Fraction | float, edges: Sequence[Fraction | float], stars: Sequence[int] = (5, 4, 3, 2, 1)
) -> Rating:
    """Stars for ``energy_wh`` on internal ``edges`` (ascending, right-closed bands).

    Python compares a Fraction with a float or another Fraction exactly, so a rated metric
    given as the exact decimal of the file is placed by its true value, on an edge too.
    """
    band = bisect.bisect_left(list(edges), energy_wh)  # a value equal to an edge stays in the lower band
    low = float(edges[band - 1]) if band > 0 else None
    high = float(edges[band]) if band < len(edges) else None
    return Rating(stars=stars[band], band=(low, high))


def fixed(protocol: Protocol, task: str, size_class: str | None, energy_wh: Fraction | float) -> Rating:
    return rate(energy_wh, thresholds(protocol, task, size_class), protocol.params["rating"]["stars"])


def cohort_edges(energies: Sequence[float], bins: int = 5) -> list[float]:
    """The internal edges of ``bins`` equal-width bins over [min, max], as pandas.cut draws them.

    The outer edges do not matter: with right-closed bands the minimum always falls into the
    first band and the maximum into the last.
    """
    if len(energies) < 2:
        raise NoScale("a cohort of one result has no range to divide")
    low, high = min(energies), max(energies)
    if high == low:
        raise NoScale("every result of the cohort has the same energy: there is no range to divide")
    width = (high - low) / bins
    edges = [low + width * i for i in range(1, bins)]
    if not all(a < b for a, b in zip([low, *edges], [*edges, high], strict=True)):
        raise NoScale("the range of the cohort is too narrow to divide into distinct bands")
    return edges


def cohort(protocol: Protocol, energies: Sequence[float]) -> list[Rating]:
    """Ratings of every member of a cohort, by the AI Energy Score's method."""
    spec = protocol.params["rating"]["cohort"]
    edges = cohort_edges(energies, spec["bins"])
    stars = protocol.params["rating"]["stars"]
    return [rate(e, edges, stars) for e in energies]


# -- the decision rule: an interval of energies, and the stars a result may claim ------------------

SIMPLE, GUARDED = "simple-acceptance", "guarded-acceptance"
DECISION_RULES = (SIMPLE, GUARDED)


@dataclass(frozen=True)
class RatingRange:
    """The stars of E and of both ends of [max(E − U, 0), E + U] on one scale.

    ``stars_low`` (the stars of E + U) are the fewest the interval allows and ``stars_high``
    (the stars of max(E − U, 0)) the most; with U = 0 all three are the stars of E.
    """

    stars: int
    stars_low: int
    stars_high: int
    rating: Rating  # of E, with its band

    @property
    def spans(self) -> bool:
        """True when the interval crosses a threshold: the label shows ``stars_low–stars_high``."""
        return self.stars_low != self.stars_high


def rate_range(
    energy_wh: Fraction | float,
    expanded_wh: Fraction | float,
    edges: Sequence[Fraction | float],
    stars: Sequence[int] = (5, 4, 3, 2, 1),
) -> RatingRange:
    """The stars of ``energy_wh`` and of the ends of its interval ± ``expanded_wh`` (U ≥ 0).

    The lower end is max(E − U, 0). An energy of 0 is not a result in AERP (energies are
    positive), but every scale's first threshold is positive, so every energy from 0 up to it,
    including the smallest positive one, earns the best stars: clamping at 0 gives exactly
    "the best stars of the scale whenever E − U ≤ 0", with no special case. Every comparison
    is exact (Fractions), so the same energy and uncertainty in J, Wh or kWh earn the same
    range, on a threshold too.
    """
    if expanded_wh < 0:
        raise ValueError("an expanded uncertainty is zero or positive")
    energy = exact(energy_wh)
    expanded = exact(expanded_wh)
    of_energy = rate(energy, edges, stars)
    at_top = rate(energy + expanded, edges, stars).stars  # the most energy: the fewest stars
    at_bottom = rate(max(energy - expanded, Fraction(0)), edges, stars).stars
    return RatingRange(stars=of_energy.stars, stars_low=at_top, stars_high=at_bottom, rating=of_energy)


def fixed_range(
    protocol: Protocol, task: str, size_class: str | None, energy_wh: Fraction | float, expanded_wh: Fraction | float
) -> RatingRange:
    """:func:`rate_range` on the protocol's fixed scale of ``task`` (and ``size_class``)."""
    edges = thresholds(protocol, task, size_class)
    return rate_range(energy_wh, expanded_wh, edges, protocol.params["rating"]["stars"])


def decision_rule(protocol: Protocol) -> str:
    """The protocol's decision rule for a claim; a version that names none (AERP 1.0) uses simple acceptance."""
    rule = protocol.params["rating"].get("decision_rule", SIMPLE)
    if rule not in DECISION_RULES:
        raise ValueError(f"unknown decision rule {rule!r} in protocol {protocol.version}; known: {DECISION_RULES}")
    return str(rule)


def claimable(protocol: Protocol, stars: RatingRange) -> int:
    """The stars a result may claim under the protocol's decision rule.

    Guarded acceptance claims ``stars_low``, the stars that hold over the whole interval, so
    the risk of a label that promises more than the true energy earns falls on the claimant,
    not on the reader. Simple acceptance claims the stars of E, whatever U.
    """
    return stars.stars_low if decision_rule(protocol) == GUARDED else stars.stars


# -- thresholds published with the digits the rule can use ----------------------------------------


def round_significant(value: Fraction, digits: int) -> Fraction:
    """``value`` rounded to ``digits`` significant digits, exactly, ties to even.

    Computed on the exact rational (no binary double anywhere): the power of ten of the leading
    digit is found by comparing with powers of ten, the scaled value is rounded by
    ``round(Fraction)``, which rounds half to even.
    """
    if digits < 1:
        raise ValueError("a value keeps at least one significant digit")
    value = exact(value)
    if value == 0:
        return Fraction(0)
    magnitude = abs(value)
    power = len(str(magnitude.numerator)) - len(str(magnitude.denominator))  # within one of the true power
    while Fraction(10) ** power > magnitude:
        power -= 1
    while Fraction(10) ** (power + 1) <= magnitude:
        power += 1
    scale = Fraction(10) ** (digits - 1 - power)
    return Fraction(round(value * scale)) / scale


def rounded_scale(edges: Sequence[Fraction | float], digits: int) -> list[Fraction]:
    """A scale's thresholds each rounded to ``digits`` significant digits (half-even), still ascending.

    A threshold written with six significant digits claims a resolution of 0.001 %, far finer
    than any measurement of the energy; a scale read under a decision rule that accounts for
    the uncertainty publishes only the digits the rule can use. Rounding may not merge or swap
    two thresholds: a scale whose rounded thresholds no longer strictly ascend is refused, since
    a star band would vanish.
    """
    rounded = [round_significant(exact(edge), digits) for edge in edges]
    for lower, upper in itertools.pairwise(rounded):
        if not lower < upper:
            raise ValueError(
                f"thresholds rounded to {digits} significant digits no longer ascend: "
                f"{_written(lower, digits)} then {_written(upper, digits)}"
            )
    return rounded


def rounded_table(table: dict[str, Any], digits: int) -> dict[str, Any]:
    """Every scale of a ``rating.thresholds`` table rounded by :func:`rounded_scale` (same shape)."""
    rounded: dict[str, Any] = {}
    for task, entry in table.items():
        scales = entry.items() if isinstance(entry, dict) else [(None, entry)]
        done = {}
        for size_class, edges in scales:
            try:
                done[size_class] = rounded_scale(edges, digits)
            except ValueError as problem:
                raise ValueError(f"{task}{f' class {size_class}' if size_class else ''}: {problem}") from None
        rounded[task] = done if isinstance(entry, dict) else done[None]
    return rounded


def _written(value: Fraction, digits: int) -> str:
    """The decimal of a rounded threshold showing its ``digits`` significant digits (6.80, 28.0, 2000)."""
    text = decimal_text(value)
    if text is None:  # never: a value rounded to significant digits is a finite decimal
        raise ValueError(f"{value} is not a finite decimal")
    number = Decimal(text)
    places = min(number.adjusted() - digits + 1, 0)  # trailing zeros after the point are digits too
    shown = number.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_EVEN, context=Context(prec=digits + 400))
    return format(shown, "f")


def derived_thresholds_yaml(source: Protocol, digits: int) -> str:
    """The ``rating.thresholds`` block of protocol.yaml for a scale derived from ``source``'s by rounding.

    Printed, to be pasted into the protocol data of the new version (its values are then read
    back exactly by :func:`aerp.exact.exact`): ``print(derived_thresholds_yaml(load_minor("1.0"), 3))``.
    """
    table = rounded_table(source.params["rating"]["thresholds"], digits)
    lines = ["  thresholds:"]
    for task, entry in table.items():
        if isinstance(entry, dict):
            lines.append(f"    {task}:")
            for size_class, edges in entry.items():
                lines.append(f"      {size_class}: [{', '.join(_written(e, digits) for e in edges)}]")
        else:
            lines.append(f"    {task}: [{', '.join(_written(e, digits) for e in entry)}]")
    return "\n".join(lines) + "\n"
