"""Numbers as written: a submission's number is the decimal in the file, not a binary double.

A verdict that depends on which way a binary float rounds is a verdict on the validator,
not on the file: ``0.27889 kWh`` and ``278.890 Wh`` are the same energy and must earn the
same stars, also exactly on a threshold. So the readers keep the decimal text of every
non-integer number (:class:`Written`, a ``float`` that remembers its text, so that schema
validation and display work unchanged), and every comparison against a threshold or a
tolerance is made on :class:`~fractions.Fraction` values from :func:`exact`, which are the
written decimals themselves. Integers are exact in Python already.

Protocol data (thresholds, tolerances) is read by PyYAML as binary doubles. A double's
``repr`` is the shortest decimal that reads back to it, so for every decimal written with
at most 15 significant digits ``Fraction(repr(float(text)))`` is that decimal exactly; the
protocol's numbers all are (a test checks every one), so :func:`exact` recovers them too.
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction
from typing import Any

_DISPLAY = Context(prec=28)


class Written(float):
    """A float read from a file, with the decimal text it was written as."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Written:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Written, (self.text,))


def exact(value: Any) -> Fraction:
    """The exact rational value of a number as written (``bool`` is not a number here)."""
    if isinstance(value, Written):
        return _decimal(value.text)
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, float):
        return _decimal(repr(value))  # the shortest decimal that denotes this double
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        return Fraction(value)
    raise TypeError(f"not a number: {type(value).__name__}")


def _decimal(text: str) -> Fraction:
    """The exact value of a decimal numeral that a reader accepted (or a double's repr).

    The decimal module parses in C and gives the exact ratio of integers: the same value as
    ``Fraction(text)``, in a third of the time (the checks convert thousands per file).
    """
    return Fraction(*Decimal(text).as_integer_ratio())


def significant(value: Fraction | float | int, digits: int = 6) -> str:
    """``value`` to ``digits`` significant digits for a message, at any magnitude.

    ``float(Fraction)`` overflows beyond binary64; the decimal module does not, so a
    message about a value of 1e308 kWh in Wh never becomes a crash.
    """
    number = exact(value) if not isinstance(value, Fraction) else value
    if number == 0:
        return "0"
    try:
        approximate = float(number)
    except OverflowError:
        approximate = 0.0
    if approximate != 0.0 and abs(approximate) != float("inf"):
        return f"{approximate:.{digits}g}"  # the usual spelling wherever binary64 reaches
    decimal = _DISPLAY.divide(Decimal(number.numerator), Decimal(number.denominator))
    sign, figures, exponent = decimal.normalize(_DISPLAY).as_tuple()
    mantissa = "".join(map(str, figures))
    power = len(mantissa) - 1 + int(exponent)
    rounded = Decimal(f"{'-' if sign else ''}{mantissa[0]}.{mantissa[1:] or '0'}").quantize(
        Decimal(1).scaleb(-(digits - 1)), context=_DISPLAY
    )
    if abs(rounded) >= 10:  # 9.9999999 rounds up to the next power of ten
        rounded, power = rounded.scaleb(-1, context=_DISPLAY), power + 1
    head = format(rounded.normalize(_DISPLAY), "f")
    return f"{head}e{power:+03d}"


def to_float(value: Fraction) -> float:
    """The nearest double, or ±inf beyond the binary64 range (for facts in reports, never for verdicts)."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def decimal_text(value: Fraction) -> str | None:
    """The finite decimal that is exactly ``value`` ("0.27889"), or None when there is none (1/3)."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    digits = str(scaled).rjust(places + 1, "0")
    whole, fraction = (digits[:-places], digits[-places:]) if places else (digits, "")
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"
