"""Exact comparisons decided on binary doubles where the doubles can decide them.

Verdicts compare exact rationals (:mod:`aerp.exact`), and rational arithmetic costs a
hundred times what a double's does. Nearly every comparison a validator makes is far from
its threshold, though: a repetition's energy is 0.1 % or 50 % away from the sum of its
components, not one part in 10^15. So a comparison is first made on doubles, each carrying
a bound on its rounding error; where the computed margin exceeds that bound the exact
comparison must come out the same way, and only the close calls (None here) are left to
exact arithmetic. This is the floating-point filter of computational geometry's exact
predicates, applied to tolerances.

The bounds rest on two facts of IEEE 754 binary64 in the normal range: each operation
(+, −, ×, ÷) is correctly rounded, with a relative error of at most U = 2⁻⁵³; and
``float()`` of a :class:`~fractions.Fraction` is correctly rounded (CPython divides the
integers with correct rounding). Values outside ``[2⁻³⁰⁰, 2³⁰⁰]`` are not approximated, so
no product of three of them can overflow or lose precision below the normal range. Every
bound below is a small multiple of what the analysis gives, so the margin never decides.
"""

from __future__ import annotations

import bisect
import math
from fractions import Fraction

U = 2.0**-53
_LOW = 2.0**-300
_HIGH = 2.0**300
TERM_ERROR = 8 * U  # relative error of approximate() (U) or product() (5 U), with room
QUOTIENT_ERROR = 4 * TERM_ERROR  # of quotient() of two approximations, or of one and a median of them
_WIDEN = 2.0**-40  # how far a range's bounds are widened: far beyond any error here
_TINY = 2.0**-1000  # an absolute error allowance below every approximated value


def approximate(value: Fraction) -> float | None:
    """The double nearest ``value`` (relative error ≤ U), or None outside the range the bounds hold in."""
    try:
        near = float(value)
    except OverflowError:
        return None
    if near == 0.0:
        return 0.0 if value == 0 else None
    return near if _LOW <= abs(near) <= _HIGH else None


def product(value: float | int, *factors: float) -> float | None:
    """``value`` (a number as read: its double is the nearest to its decimal) times up to two doubles.

    Within 5 U of the exact product when each factor is within U of its exact value; None
    where an input or the result lies outside the range in which that bound holds (0 included:
    a decimal below the range reads as 0.0, so a 0.0 cannot be told from a tiny value).
    """
    try:
        near = float(value)
    except OverflowError:
        return None
    for factor in (near, *factors):
        if not _LOW <= abs(factor) <= _HIGH:
            return None
    for factor in factors:
        near *= factor
    return near if _LOW <= abs(near) <= _HIGH else None


def quotient(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` of two approximations, within QUOTIENT_ERROR of the exact quotient."""
    if denominator == 0.0:
        return None
    near = numerator / denominator
    return near if near == 0.0 or _LOW <= abs(near) <= _HIGH else None


def combined_error(count: int) -> float:
    """Relative error bound of an identity evaluated on ``count`` positive approximations.

    The identities are sums, means, and products of two or three factors (of which one a sum),
    with positive exact coefficients: each input contributes at most TERM_ERROR, a sum of n
    terms at most (n − 1)·U of its value, and the few products and divisions a U each. Doubled.
    """
    return 2 * ((count + 8) * U + count * TERM_ERROR)


# How far apart two doubles must be for the exact values they approximate to be ordered the same
# way: every approximation here lies within 64 U of its exact value, and the margin exceeds two
# such errors and the rounding of the comparison many times over, yet is a billion times finer
# than any real distance from a bound.
MARGIN = 2.0**-40


def surely_less(small: float, large: float) -> bool:
    """True only when the exact positive values that ``small`` and ``large`` approximate satisfy S < L.

    Each input must be a positive double in the normal range within 64 U of its exact value.
    Then S ≤ small/(1 − 64 U) and L ≥ large/(1 + 64 U), and the two products below are rounded
    by at most U each: small·(1 + M) < large·(1 − M) with M = MARGIN leaves S < L.
    """
    return small * (1 + MARGIN) < large * (1 - MARGIN) and math.isfinite(large)


def close(left: float, left_error: float, right: float, right_error: float, tolerance: float | None) -> bool | None:
    """Whether ``|L − R| ≤ t·max(|L|, |R|)`` for the exact L, R, t, or None when the doubles cannot tell.

    ``left`` and ``right`` approximate L and R within the relative errors given; ``tolerance``
    approximates t within U (it is :func:`approximate` of the exact tolerance).
    """
    if tolerance is None or not (math.isfinite(left) and math.isfinite(right)):
        return None
    magnitude_left, magnitude_right = abs(left), abs(right)
    if not (magnitude_left <= _HIGH and magnitude_right <= _HIGH):
        return None
    error_left = left_error * magnitude_left
    error_right = right_error * magnitude_right
    gap = abs(left - right)
    scale = max(magnitude_left, magnitude_right)
    margin = tolerance * scale - gap
    # |L−R| is off by at most the two errors (plus its rounding), max(|L|,|R|) by the larger,
    # t·max by t times that; every rounding here adds U of a term. Doubled, plus an absolute floor.
    error = 2 * ((1 + tolerance) * (error_left + error_right) + 4 * U * (gap + tolerance * scale)) + _TINY
    if margin > error:
        return True
    if margin < -error:
        return False
    return None


class Ranges:
    """Closed ranges ``[low, high]`` of exact positive bounds, asked whether an approximate value may lie in one."""

    def __init__(self, ranges: list[tuple[Fraction, Fraction]]) -> None:
        widened: list[tuple[float, float]] = []
        self._usable = True
        for low, high in ranges:
            low_f, high_f = approximate(low), approximate(high)
            if low_f is None or high_f is None:
                self._usable = False  # cannot be filtered: always ask exactly
                return
            widened.append((low_f * (1 - _WIDEN), high_f * (1 + _WIDEN)))
        merged: list[list[float]] = []
        for low, high in sorted(widened):  # overlapping ranges joined: one bisection finds the candidate
            if merged and low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]

    def may_hold(self, value: float | None) -> bool:
        """False only when the exact value (within QUOTIENT_ERROR of ``value``) lies in none of the ranges."""
        if value is None or not self._usable:
            return True
        index = bisect.bisect_right(self._lows, value) - 1
        return index >= 0 and value <= self._highs[index]
