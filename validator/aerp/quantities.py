"""Physical quantities: conversion to canonical units, and explanations of wrong units.

Conversion never needs pint: protocol.yaml gives every allowed symbol's exact factor to
its dimension's canonical unit as a rational number (a test checks each against pint), so
converting is one exact multiplication, rounded once. pint is consulted only to explain a
unit that is *not* allowed — to tell the user that ``W*h`` is an energy written the wrong way
or that ``m`` is a length — and only after the string has passed a strict grammar and
length bound, because pint's parser evaluates expressions (``9**9**9`` would never end).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from aerp.exact import Written, exact
from aerp.protocol import Protocol

# What may reach pint: short, ASCII letters, digits, one level of * / ^ and spaces; no
# parentheses, no repeated operators, exponents of at most two digits.
_GATE = re.compile(r"^[A-Za-z]{1,12}(?:\s*[*/]\s*[A-Za-z]{1,12}(?:\^[0-9]{1,2})?){0,3}$")
_MAX_UNIT_LENGTH = 40


@dataclass(frozen=True)
class Vocabulary:
    """The allowed symbols of every dimension of one protocol version."""

    dimensions: dict[str, dict[str, Fraction]]
    canonical: dict[str, str]
    nouns: dict[str, str]

    def dimension_of(self, symbol: str) -> str | None:
        for dimension, symbols in self.dimensions.items():
            if symbol in symbols:
                return dimension
        return None

    def dimension_of_enum(self, options: list[str]) -> str | None:
        for dimension, symbols in self.dimensions.items():
            if list(symbols) == list(options):
                return dimension
        return None


_CACHE: dict[str, Vocabulary] = {}


def vocabulary(protocol: Protocol) -> Vocabulary:
    cached = _CACHE.get(protocol.version)
    if cached is None:
        units = protocol.units
        cached = Vocabulary(
            dimensions={d: {s: Fraction(str(f)) for s, f in spec["symbols"].items()} for d, spec in units.items()},
            canonical={d: spec["canonical"] for d, spec in units.items()},
            nouns={d: spec["noun"] for d, spec in units.items()},
        )
        _CACHE[protocol.version] = cached
    return cached


# Conversions already made, by (version, dimension, unit, type of the value, the value or its
# written text). The checks of one file convert the same quantity many times over (the
# consistency identities alone, hundreds of times per file), and parsing a decimal into a
# Fraction dominates each conversion. The result is a function of the key alone, so a hit
# is the conversion itself; the pipeline empties the table before each file
# (:func:`forget_conversions`) and it never holds more than _MAX_CONVERSIONS entries, so
# memory stays flat over any number of files.
_CONVERSIONS: dict[tuple[Any, ...], Fraction] = {}
_MAX_CONVERSIONS = 4096
_MEMO_TYPES = (Written, int, float, str)


def forget_conversions() -> None:
    """Empty the table of conversions: called before each file, whose quantities are its own."""
    _CONVERSIONS.clear()


def exact_canonical(quantity: dict[str, Any], dimension: str, protocol: Protocol) -> Fraction:
    """The exact value of ``{value, unit}`` in the canonical unit of ``dimension``.

    ``value`` is a number as the reader gave it (its written decimal, see :mod:`aerp.exact`)
    or the decimal text of one. Verdicts compare these, never binary doubles.

    Remembered in _CONVERSIONS when the quantity is a plain mapping with a string unit and a
    value of a kind whose key determines the result; anything else (a bool, a missing member,
    a mapping of another class) is converted afresh, raising exactly what it always raised.
    """
    if type(quantity) is dict:
        unit = quantity.get("unit")
        value = quantity.get("value")
        kind = type(value)
        if type(unit) is str and kind in _MEMO_TYPES:
            key = (protocol.version, dimension, unit, kind, value.text if kind is Written else value)
            found = _CONVERSIONS.get(key)
            if found is None:
                found = _convert(quantity, dimension, protocol)  # raises for an unknown unit or a non-number
                if len(_CONVERSIONS) >= _MAX_CONVERSIONS:
                    _CONVERSIONS.clear()
                _CONVERSIONS[key] = found
            return found
    return _convert(quantity, dimension, protocol)


def _convert(quantity: dict[str, Any], dimension: str, protocol: Protocol) -> Fraction:
    factor = vocabulary(protocol).dimensions[dimension][quantity["unit"]]
    return exact(quantity["value"]) * factor


def to_canonical(quantity: dict[str, Any], dimension: str, protocol: Protocol) -> float:
    """The canonical value as the nearest double: the exact decimal times the exact factor, rounded once.

    Rounding once from the exact value makes the double a function of the quantity alone, so
    ``0.27889 kWh`` and ``278.890 Wh`` give the same double (multiplying the double nearest
    0.27889 by 1000 would not). Raises OverflowError beyond binary64 (see :func:`overflowing`).
    """
    value = exact_canonical(quantity, dimension, protocol)
    return float(value)


def overflowing(quantity: dict[str, Any], dimension: str, protocol: Protocol) -> bool:
    """True when the value cannot be expressed in the canonical unit as a finite binary64 number.

    Decided without rationals where the double of the value (within half an ulp of the decimal)
    times the factor lies far inside the range: only values near the limit are converted exactly.
    """
    value, unit = quantity.get("value"), quantity.get("unit")
    if type(value) in (Written, float, int) and type(unit) is str:
        factor = factor_doubles(protocol, dimension).get(unit)
        try:
            if factor is not None and abs(float(value)) * factor <= _SURELY_FINITE:
                return False
        except OverflowError:  # an integer beyond binary64: decided exactly below
            pass
    try:
        to_canonical(quantity, dimension, protocol)
    except OverflowError:
        return True
    except KeyError:
        return False  # not an allowed unit: the schema stage reports it
    return False


_SURELY_FINITE = 2.0**1000  # a product of doubles this small is far from binary64's limit, 2^1024


_FACTOR_DOUBLES: dict[tuple[str, str], dict[str, float]] = {}


def factor_doubles(protocol: Protocol, dimension: str) -> dict[str, float]:
    """The doubles nearest the factors of ``dimension``'s symbols (within half an ulp)."""
    key = (protocol.version, dimension)
    found = _FACTOR_DOUBLES.get(key)
    if found is None:
        found = {s: float(f) for s, f in vocabulary(protocol).dimensions.get(dimension, {}).items()}
        _FACTOR_DOUBLES[key] = found
    return found


def from_canonical(value: float, unit: str, dimension: str, protocol: Protocol) -> float:
    factor = vocabulary(protocol).dimensions[dimension][unit]
    return float(Fraction(value) / factor)


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    """One pint registry per process, built on first need (it costs hundreds of milliseconds)."""
    import pint

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=False)


# pint dimensionalities of the dimensions, by a representative symbol of each.
_PINT_PROBES = {"energy": "J", "power": "W", "duration": "s", "mass_co2e": "g", "memory": "byte"}


def _pint_dimension(symbol: str) -> tuple[str | None, str | None]:
    """(the AERP dimension, pint's own name for the dimensionality) of a gated unit string."""
    if len(symbol) > _MAX_UNIT_LENGTH or not _GATE.match(symbol):
        return None, None
    registry = _registry()
    try:
        units = registry.parse_units(symbol.replace("^", "**"))
    except Exception:  # pint raises many kinds; none of them is a finding of its own
        return None, None
    dimensionality = units.dimensionality
    for dimension, probe in _PINT_PROBES.items():
        if registry.parse_units(probe).dimensionality == dimensionality:
            return dimension, None
    intensity = registry.parse_units("g/kWh").dimensionality
    if dimensionality == intensity:
        return "carbon_intensity", None
    return None, str(dimensionality)


# Letters of other scripts that look like the Latin letters of unit symbols.
_CONFUSABLES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "а": "a",
        "е": "e",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "с": "c",
        "х": "x",
        "у": "y",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Τ": "T",
        "Χ": "X",
        "ο": "o",
        "κ": "k",
        "ѕ": "s",
        "ԝ": "w",
        "һ": "h",
        "ɡ": "g",
        "ｇ": "g",
    }
)


def _lookalikes(symbol: str) -> str | None:
    odd = [ch for ch in symbol if ord(ch) > 127]
    if not odd:
        return None
    names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}" for ch in dict.fromkeys(odd))
    return names


def explain(symbol: Any, dimension: str, protocol: Protocol) -> tuple[str, str, str | None]:
    """Why ``symbol`` is not an allowed unit of ``dimension``: (check id, message, hint)."""
    vocab = vocabulary(protocol)
    allowed = list(vocab.dimensions[dimension])
    noun = vocab.nouns[dimension]
    listing = ", ".join(allowed)
    shown = symbol if len(symbol) <= 40 else symbol[:37] + "..."
    odd = _lookalikes(symbol)
    if odd:
        latin = unicodedata.normalize("NFKC", symbol).translate(_CONFUSABLES)
        folded_allowed = {s.lower(): s for s in allowed}
        meant = latin if latin in allowed else folded_allowed.get(latin.lower())
        hint = f"did you mean `{meant}`?" if meant else f"use one of {listing}"
        return "AERP-U003", f"the unit `{shown}` contains characters outside ASCII ({odd})", hint
    folded = {s.lower(): s for s in allowed}
    if symbol.lower() in folded:
        right = folded[symbol.lower()]
        return "AERP-U001", f"`{shown}` is not a unit symbol: symbols are case-sensitive", f"did you mean `{right}`?"
    other = vocab.dimension_of(symbol)
    if other is not None and other != dimension:
        return (
            "AERP-U002",
            f"`{symbol}` is {vocab.nouns[other]}; this field is {noun}",
            f"give {noun} in one of {listing}",
        )
    for other_dimension, symbols in vocab.dimensions.items():
        folded_other = {s.lower(): s for s in symbols}
        if other_dimension != dimension and symbol.lower() in folded_other:
            return (
                "AERP-U002",
                f"`{shown}` looks like `{folded_other[symbol.lower()]}`, {vocab.nouns[other_dimension]}; "
                f"this field is {noun}",
                f"give {noun} in one of {listing}",
            )
    found, pint_name = _pint_dimension(symbol)
    if found == dimension:
        return (
            "AERP-U003",
            f"`{shown}` is {noun} but not one of the symbols AERP allows",
            f"write it with one of {listing}",
        )
    if found is not None:
        return "AERP-U002", f"`{shown}` is {vocab.nouns[found]}; this field is {noun}", f"use one of {listing}"
    if pint_name is not None:
        return "AERP-U002", f"`{shown}` has dimension {pint_name}; this field is {noun}", f"use one of {listing}"
    return "AERP-U003", f"`{shown}` is not a unit AERP knows", f"use one of {listing}"
