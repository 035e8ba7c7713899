"""Star ratings as pure functions of data: the fixed AERP scale and the cohort method.

``fixed``: the thresholds of protocol.yaml ``rating.thresholds``, frozen for the life of a
protocol version, so a rating depends on the submission alone. ``cohort``: the AI Energy
Score's method, equal-width bins over the range of a set of results, kept for auditing
relative leaderboards. Both are right-closed: a value on an edge earns the higher rating.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from aerp.exact import exact
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
        return [exact(t) for t in entry[size_class]]
    if size_class:
        raise NoScale(f"size classes apply to text-generation only, not to `{task}`")
    return [exact(t) for t in entry]


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
