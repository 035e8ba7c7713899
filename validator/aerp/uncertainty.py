"""The uncertainty of a rated metric, after the GUM (JCGM 100:2008), as pure exact computation.

A rated result states its energy E per 1,000 queries, the combined standard uncertainty u of E,
the coverage factor k and the expanded uncertainty U = k·u (k = 2, about 95 % for a normal
distribution), with the budget of components u is combined from: Type A, evaluated from the
repetitions' scatter, and Type B, evaluated from other information (an instrument's accuracy,
the integration of a sampled power trace). The decision rule of :mod:`aerp.rating` reads E and
U; the checks of :mod:`aerp.checks.uncertainty` hold the budget to these computations.

Standard uncertainties are square roots, and the square root of a rational number is rarely
rational. So every value the validator derives itself (a Type A from the repetitions, a default
Type B, a sampling component) is a :class:`Standard`, held as its exact square; every verdict
compares squares (u² against s²/n, u_c² against Σu_i²), and a decimal is produced for display
only. The values a submission writes are decimals, exact already (:mod:`aerp.exact`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import isqrt
from typing import Any

from aerp.exact import exact
from aerp.protocol import Protocol
from aerp.quantities import exact_canonical
from aerp.rating import fixed_range

_THREE = Fraction(3)


@dataclass(frozen=True, order=True)
class Standard:
    """A standard uncertainty (Wh per 1,000 queries) held as its exact square, since √ is rarely rational.

    Compare ``square`` for a verdict; :meth:`approximate` and :meth:`upper` are for display and
    for writing a budget down, never for a verdict.
    """

    square: Fraction

    def __post_init__(self) -> None:
        if self.square < 0:
            raise ValueError("a variance is zero or positive")

    @classmethod
    def of(cls, value: Fraction | float | int) -> Standard:
        """The standard uncertainty ``value`` (a written decimal, ≥ 0)."""
        number = exact(value)
        if number < 0:
            raise ValueError("a standard uncertainty is zero or positive")
        return cls(number * number)

    def exact_root(self) -> Fraction | None:
        """The root itself where it is rational (a written value's square), else None."""
        numerator, denominator = _isqrt_exact(self.square.numerator), _isqrt_exact(self.square.denominator)
        return Fraction(numerator, denominator) if numerator is not None and denominator is not None else None

    def approximate(self, digits: int = 28) -> Fraction:
        """√square to ``digits`` significant digits, rounded half to even (for display)."""
        return _root(self.square, digits, upward=False)

    def upper(self, digits: int = 28) -> Fraction:
        """√square rounded up to ``digits`` significant digits: a bound that never understates u.

        An exact rational root is rounded up too, so that the bound is written with the digits asked
        for and is never below the rounded display value.
        """
        return _root(self.square, digits, upward=True)

    def __float__(self) -> float:
        return float(self.approximate(17))


def _isqrt_exact(number: int) -> int | None:
    root = isqrt(number)
    return root if root * root == number else None


def _root(square: Fraction, digits: int, upward: bool) -> Fraction:
    """√square to ``digits`` significant digits, in integer arithmetic: rounded up, or to nearest (ties even).

    (The decimal module's sqrt always rounds half to even, so it cannot give a bound.)
    """
    if square == 0:
        return Fraction(0)
    power = (len(str(square.numerator)) - len(str(square.denominator))) // 2  # 10^(2p) ≤ square < 10^(2p+2)
    while Fraction(10) ** (2 * power) > square:
        power -= 1
    while Fraction(10) ** (2 * power + 2) <= square:
        power += 1
    scale = Fraction(10) ** (digits - 1 - power)
    scaled = square * scale * scale  # the root times ``scale`` is √scaled
    floor = isqrt(scaled.numerator // scaled.denominator)
    if upward:
        root = floor if floor * floor == scaled else floor + 1
    else:
        half = Fraction(2 * floor + 1, 2) ** 2  # (floor + ½)²: above it the root rounds up
        root = floor + 1 if half < scaled or (half == scaled and floor % 2 == 1) else floor
    return root / scale


# -- Type A: the repetitions ----------------------------------------------------------------------


def type_a_variance(values: Sequence[Fraction]) -> Fraction:
    """s²/n, the exact variance of the mean of n ≥ 2 repetitions (s: the sample standard deviation, n − 1).

    The rated metric is the mean of the repetitions' energies per 1,000 queries (REQ-MEAS-4),
    so its Type A standard uncertainty is that of a mean, s/√n (GUM 4.2.3).
    """
    if len(values) < 2:
        raise ValueError("a Type A evaluation needs at least two repetitions")
    numbers = [exact(v) for v in values]
    n = len(numbers)
    mean = sum(numbers, Fraction(0)) / n
    variance = sum(((v - mean) ** 2 for v in numbers), Fraction(0)) / (n - 1)
    return variance / n


def type_a(values: Sequence[Fraction]) -> Standard:
    """The Type A standard uncertainty s/√n of the mean of ``values``, held exactly (see :class:`Standard`)."""
    return Standard(type_a_variance(values))


# -- Type B: what is known of the instruments -----------------------------------------------------


def rectangular(half_width: Fraction) -> Standard:
    """The standard uncertainty of a rectangular distribution of half-width a: a/√3 (GUM 4.3.7)."""
    a = exact(half_width)
    return Standard(a * a / _THREE)


def default_type_b(energy: Fraction, protocol: Protocol) -> Standard:
    """The conservative Type B of an on-board energy counter whose accuracy no catalogue states.

    ``uncertainty.default_counter_relative`` (0.05 in AERP 1.1) is taken as the half-width of a
    rectangular distribution of the relative error, so u = 0.05·E/√3 (GUM 4.3.7: only bounds are
    known, every value between them equally likely). Why 5 %: NVIDIA's ±5 % for the power
    readings of Fermi and Kepler boards (NVML, ``nvmlDeviceGetPowerUsage``) is the only accuracy
    a vendor has published for an on-board accelerator reading; none is published for the
    energy counters of later generations, and a rule that assumed a smaller error would reward
    the absence of evidence.
    """
    relative = exact(protocol.params["uncertainty"]["default_counter_relative"])
    return rectangular(relative * exact(energy))


def sampling_component(trapezoid_wh: Fraction, left_wh: Fraction) -> Standard:
    """A Type B for sampling and integration of one window, from two integrations of the same trace.

    The trapezoid rule and left Riemann sums bracket how a sampled power trace may be read into
    energy; their difference is taken as the half-width of a rectangular distribution of the
    integration error, so u = |E_trapezoid − E_left|/√3. The arguments are numbers, so that the
    evidence code that reads traces can call it with what it integrated.
    """
    return rectangular(abs(exact(trapezoid_wh) - exact(left_wh)))


@dataclass(frozen=True)
class Window:
    """One measured window's two integrations of the accelerator trace, and its queries."""

    trapezoid_wh: Fraction
    left_wh: Fraction
    queries: int


def sampling_component_per_1000(windows: Sequence[Window], per: int = 1000) -> Standard:
    """The sampling Type B of the rated metric (a mean over windows of energy × ``per`` / queries).

    An integration error has the same cause in every window (the same trace rate, the same
    rule), so the windows' errors are taken as fully correlated: the component of the mean is
    the mean of the windows' components, per ``per`` queries (the conservative bound).
    """
    if not windows:
        raise ValueError("a sampling component needs at least one window")
    halves = [abs(exact(w.trapezoid_wh) - exact(w.left_wh)) * per / w.queries for w in windows]
    return rectangular(sum(halves, Fraction(0)) / len(halves))


# -- combining -----------------------------------------------------------------------------------


def combined(components: Sequence[Fraction | Standard], correlated: bool = False) -> Standard:
    """The combined standard uncertainty of components of the same quantity (sensitivity 1).

    Uncorrelated: the root sum of squares (GUM 5.1.2), exact. Fully correlated: the linear sum
    (GUM 5.2.2 with r = 1), the conservative bound; a component known only as a square enters
    it by its upward-rounded root, so the sum never understates u.
    """
    standards = [c if isinstance(c, Standard) else Standard.of(c) for c in components]
    if not correlated:
        return Standard(sum((s.square for s in standards), Fraction(0)))
    total = sum((s.upper() for s in standards), Fraction(0))
    return Standard(total * total)


def agree(stated: Standard, computed: Standard, tolerance: Fraction) -> bool:
    """|u − c| ≤ tolerance·max(u, c), decided on squares: min² ≥ (1 − tolerance)²·max² (u, c ≥ 0)."""
    low, high = sorted((stated.square, computed.square))
    return high == 0 or low >= (1 - tolerance) ** 2 * high


def at_least(stated: Standard, required: Standard, tolerance: Fraction) -> bool:
    """u ≥ (1 − tolerance)·r, decided on squares."""
    return stated.square >= (1 - tolerance) ** 2 * required.square


# -- a submission's statement --------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One line of a budget: a standard uncertainty of E, in Wh per 1,000 queries."""

    name: str
    type: str  # "A" or "B"
    value: Fraction
    source: str | None


@dataclass(frozen=True)
class Statement:
    """``results.summary.uncertainty`` of a submission, in Wh per 1,000 queries."""

    standard: Fraction
    coverage_factor: Fraction
    expanded: Fraction
    budget: tuple[Component, ...]
    correlated: bool

    def of_type(self, kind: str) -> list[Component]:
        return [c for c in self.budget if c.type == kind]


class Unreadable(ValueError):
    """A statement whose shape or units the schema stage reports; the checks then stay silent."""


def read_statement(node: Any, protocol: Protocol) -> Statement:
    """The statement of ``results.summary.uncertainty``, exact; :class:`Unreadable` where the schema has to speak.

    ``{standard: {value, unit}, coverage_factor: number, expanded: {value, unit},
    budget: [{name, type: A | B, value: {value, unit}, source}], correlated: bool (default false)}``.
    """
    if not isinstance(node, dict):
        raise Unreadable("not an object")
    try:
        standard = _energy(node["standard"], protocol)
        expanded = _energy(node["expanded"], protocol)
        factor = node["coverage_factor"]
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise Unreadable("coverage_factor is not a number")
        budget = node.get("budget", [])
        if not isinstance(budget, list):
            raise Unreadable("budget is not a list")
        components = []
        for entry in budget:
            if not isinstance(entry, dict) or entry.get("type") not in ("A", "B"):
                raise Unreadable("a budget entry without a type A or B")
            source = entry.get("source")
            components.append(
                Component(
                    name=str(entry.get("name", "")),
                    type=entry["type"],
                    value=_energy(entry["value"], protocol),
                    source=source if isinstance(source, str) and source.strip() else None,
                )
            )
        correlated = node.get("correlated", False)
        if not isinstance(correlated, bool):
            raise Unreadable("correlated is not true or false")
    except (KeyError, TypeError) as problem:
        raise Unreadable(str(problem)) from None
    return Statement(standard, exact(factor), expanded, tuple(components), correlated)


def _energy(quantity: Any, protocol: Protocol) -> Fraction:
    if not isinstance(quantity, dict):
        raise Unreadable("not a {value, unit} quantity")
    try:
        value = exact_canonical(quantity, "energy", protocol)
    except (KeyError, TypeError, ValueError) as problem:
        raise Unreadable(str(problem)) from None
    if value < 0:
        raise Unreadable("a negative uncertainty")
    return value


# -- the decision rule ---------------------------------------------------------------------------


def coverage_factor(protocol: Protocol) -> Fraction:
    """k of the protocol (``uncertainty.coverage_factor``)."""
    return exact(protocol.params["uncertainty"]["coverage_factor"])


def stars_range(
    protocol: Protocol, task: str, size_class: str | None, energy: Fraction, expanded: Fraction
) -> tuple[int, int, int]:
    """(stars of E, stars of E + U, stars of max(E − U, 0)) on the protocol's fixed scale.

    The second is the fewest stars the interval allows (``stars_low``, the claim under guarded
    acceptance), the third the most (``stars_high``). See :func:`aerp.rating.rate_range`.
    """
    found = fixed_range(protocol, task, size_class, energy, expanded)
    return found.stars, found.stars_low, found.stars_high
