"""Fast paths decide only what their definitions decide: the floating-point filter, the one-walk search.

The consistency analysis compares doubles first and rationals only for close calls
(:mod:`aerp.filtered`). Each property here pits a filtered decision against the exact one
on inputs built to lie on, or a hair beyond, the boundary the doubles cannot see; and the
whole analysis must report the same findings with the filter switched off. The quantities of
a document, found in one walk along a tree of patterns, are those of every pattern in turn.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp import filtered
from aerp.exact import Written, decimal_text, exact
from aerp.quantities import overflowing, vocabulary
from conftest import suite
from helpers import CLEAN, PROTOCOL, check, graft, load

# decimals of up to 17 significant digits over a wide range of magnitudes
_DIGITS = st.integers(min_value=1, max_value=10**17 - 1)
_EXPONENT = st.integers(min_value=-40, max_value=40)
DECIMALS = st.builds(lambda m, e: Fraction(m) * Fraction(10) ** e, _DIGITS, _EXPONENT)
TOLERANCES = st.sampled_from([Fraction(1, 1000), Fraction(1, 100), Fraction(5, 100), Fraction(25, 100)])
ENERGY_UNITS = st.sampled_from(sorted(vocabulary(PROTOCOL).dimensions["energy"]))
# how far from the boundary: exactly on it, or a relative hair (far below a double's resolution) either side
NUDGES = st.sampled_from([Fraction(0), Fraction(1, 10**30), Fraction(-1, 10**30), Fraction(1, 10**12)])


def _exact_close(left: Fraction, right: Fraction, tolerance: Fraction) -> bool:
    scale = max(abs(left), abs(right))
    return scale == 0 or abs(left - right) <= tolerance * scale


@settings(max_examples=400, deadline=None)
@given(DECIMALS, TOLERANCES, NUDGES, st.booleans(), st.booleans())
def test_close_decides_only_as_exact_arithmetic_does(
    base: Fraction, tolerance: Fraction, nudge: Fraction, below: bool, swap: bool
) -> None:
    # on the boundary: |L − R| = t·max(L, R) with R the larger, so L = R·(1 − t); or above it, L = R·(1 + t)
    right = base
    left = base * (1 - tolerance) if below else base / (1 - tolerance)
    left = left * (1 + nudge)
    if swap:
        left, right = right, left
    approx_left, approx_right = filtered.approximate(left), filtered.approximate(right)
    assert approx_left is not None and approx_right is not None
    decided = filtered.close(
        approx_left, filtered.TERM_ERROR, approx_right, filtered.TERM_ERROR, filtered.approximate(tolerance)
    )
    if decided is not None:
        assert decided == _exact_close(left, right, tolerance)
    if abs(nudge) == Fraction(1, 10**30):
        assert decided is None, "a difference of 1e-30 is below any double's resolution"


@settings(max_examples=300, deadline=None)
@given(st.lists(DECIMALS, min_size=1, max_size=12), TOLERANCES, NUDGES, ENERGY_UNITS)
def test_a_sum_of_read_numbers_is_decided_as_exactly(
    parts: list[Fraction], tolerance: Fraction, nudge: Fraction, unit: str
) -> None:
    """A total against the sum of its parts, each read from its decimal and converted by the unit's factor."""
    factor = vocabulary(PROTOCOL).dimensions["energy"][unit]
    total = sum(parts, Fraction(0)) * (1 - tolerance) * (1 + nudge)
    values = [*parts, total]
    texts = [decimal_text(v) for v in values]
    if any(t is None for t in texts):
        return  # the nudged total has no finite decimal: nothing a file could write
    doubles = [filtered.product(Written(t), float(factor), 1.0) for t in texts if t]
    if any(d is None for d in doubles):
        return
    *approx_parts, approx_total = (d for d in doubles if d is not None)
    decided = filtered.close(
        approx_total,
        filtered.TERM_ERROR,
        sum(approx_parts),
        filtered.combined_error(len(values)),
        filtered.approximate(tolerance),
    )
    exact_total, exact_sum = total * factor, sum(parts, Fraction(0)) * factor
    if decided is not None:
        assert decided == _exact_close(exact_total, exact_sum, tolerance)


@settings(max_examples=300, deadline=None)
@given(
    _DIGITS,
    _EXPONENT,
    st.sampled_from(
        sorted({f for d in ("energy", "power", "duration") for f in vocabulary(PROTOCOL).dimensions[d].values()})
    ),
)
def test_product_is_within_its_stated_error(digits: int, exponent: int, factor: Fraction) -> None:
    value = Fraction(digits) * Fraction(10) ** exponent
    text = decimal_text(value)
    assert text is not None
    scale = Fraction(1, 7)
    near = filtered.product(Written(text), float(factor), float(scale))
    assert near is not None
    true = value * factor * scale
    assert abs(Fraction(near) - true) <= Fraction(filtered.TERM_ERROR) * true


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([1000, 3600, Fraction(36, 10), 60]), st.booleans(), st.booleans(), NUDGES)
def test_slip_ranges_never_exclude_a_ratio_inside_them(
    factor: Fraction, inverse: bool, upper: bool, nudge: Fraction
) -> None:
    tolerance = Fraction(5, 100)
    candidate = Fraction(1) / factor if inverse else Fraction(factor)
    ranges = filtered.Ranges([(candidate * (1 - tolerance), candidate * (1 + tolerance))])
    ratio = candidate * (1 + tolerance if upper else 1 - tolerance) * (1 + nudge)
    inside = candidate * (1 - tolerance) <= ratio <= candidate * (1 + tolerance)
    if inside:
        assert ranges.may_hold(filtered.approximate(ratio))
        numerator = filtered.approximate(ratio * 7)
        assert numerator is not None
        assert ranges.may_hold(filtered.quotient(numerator, 7.0))


def test_values_outside_the_filtered_range_are_left_to_exact_arithmetic() -> None:
    assert filtered.approximate(Fraction(1, 10**400)) is None  # reads as 0.0: not told from zero
    assert filtered.approximate(Fraction(10**400)) is None  # beyond binary64
    assert filtered.approximate(Fraction(0)) == 0.0
    assert filtered.product(Written("1e-400"), 1.0) is None
    assert filtered.product(10**400, 1.0) is None
    assert filtered.close(float("inf"), 0.0, 1.0, 0.0, 0.001) is None


@settings(max_examples=300, deadline=None)
@given(_DIGITS, st.integers(min_value=280, max_value=320), ENERGY_UNITS)
def test_overflow_is_decided_as_the_exact_conversion_decides_it(digits: int, exponent: int, unit: str) -> None:
    symbols = vocabulary(PROTOCOL).dimensions["energy"]
    text = f"{digits}e{exponent - 17}"
    value = Written(text) if float(text) != float("inf") else None
    if value is None:
        return
    true = exact(value) * symbols[unit]
    try:
        float(true)
        expected = False
    except OverflowError:
        expected = True
    assert overflowing({"value": value, "unit": unit}, "energy", PROTOCOL) is expected


# -- the whole analysis, with and without the filter --------------------------------------------


def _without_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filtered, "close", lambda *args: None)
    monkeypatch.setattr(filtered, "product", lambda *args: None)
    monkeypatch.setattr(filtered, "approximate", lambda value: None)
    monkeypatch.setattr(filtered.Ranges, "may_hold", lambda self, value: True)


def _consistency_findings(document: Any) -> list[tuple[str, str, str, str | None]]:
    return [(f.check, f.pointer, f.message, f.hint) for f in check(document).findings if f.check.startswith("AERP-C")]


def _reference_documents() -> list[Any]:
    documents = []
    for edition in ("1.0", "1.1"):
        for path in sorted(suite(edition).rglob("*")):
            if path.suffix in (".json", ".yaml"):
                try:
                    documents.append(pytest.param(load(path), id=f"{edition}/{path.name}"))
                except Exception:  # an unreadable case: it never reaches the analysis
                    continue
    return documents


def _on_boundaries() -> list[Any]:
    """Clean files whose first total lies exactly on the sum's tolerance, and a hair beyond, in every unit."""
    tolerance = exact(PROTOCOL.params["tolerances"]["sum"])
    symbols = vocabulary(PROTOCOL).dimensions["energy"]
    cases = []
    for name, document in sorted(CLEAN.items()):
        energy = document["results"]["repetitions"][0]["energy"]
        if "total" not in energy:
            continue
        parts = sum(exact(q["value"]) * symbols[q["unit"]] for k, q in energy.items() if k != "total")
        for unit, factor in symbols.items():
            for label, nudge in (("on", Fraction(0)), ("beyond", Fraction(-1, 10**25))):
                text = decimal_text(parts * (1 - tolerance) * (1 + nudge) / factor)
                if text is None:
                    continue
                changed = copy.deepcopy(document)
                changed["results"]["repetitions"][0]["energy"]["total"] = {"value": Written(text), "unit": unit}
                cases.append(pytest.param(changed, label, id=f"{name}: total {label} the tolerance in {unit}"))
    return cases


@pytest.mark.parametrize("document", _reference_documents())
def test_the_filter_changes_no_finding_of_any_reference_result(document: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    filtered_findings = _consistency_findings(document)
    _without_filter(monkeypatch)
    assert _consistency_findings(document) == filtered_findings


@pytest.mark.parametrize(("document", "where"), _on_boundaries())
def test_a_total_on_its_tolerance_holds_and_a_hair_beyond_fails_in_every_unit(
    document: Any, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _consistency_findings(document)
    on_total = [f for f in found if f[0] == "AERP-C001" and f[1] == "/results/repetitions/0/energy/total"]
    assert bool(on_total) == (where == "beyond"), found
    _without_filter(monkeypatch)
    assert _consistency_findings(document) == found


def test_the_boundary_cases_exist() -> None:
    assert len(_on_boundaries()) >= 8


def test_every_loadable_reference_result_is_compared() -> None:
    assert len(_reference_documents()) >= 240  # both suites: the comparison cannot pass by finding no files


# -- quantities found in one walk ---------------------------------------------------------------


def _quantities_pattern_by_pattern(data: Any, version: str) -> list[tuple[str, str, Any]]:
    """The definition: every pattern expanded over the document in turn."""
    from aerp.checks.units import _is_number, quantity_patterns
    from aerp.pointer import expand

    return [
        (pointer, dimension, node)
        for pattern, dimension in quantity_patterns(version)
        for pointer, node in expand(data, pattern)
        if isinstance(node, dict) and isinstance(node.get("unit"), str) and _is_number(node.get("value"))
    ]


_SHAPES = st.recursive(
    st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(["Wh", "kWh", "W", "s", "x/y", "~0"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "unit", "energy", "total", "accelerator", "a/b", "*"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_reference_documents()), st.data())
def test_quantities_in_one_walk_are_those_of_every_pattern_in_turn(param: Any, data: st.DataObject) -> None:
    from aerp.checks.units import quantities

    version = ".".join(str(param.values[0].get("aerp_version", "1.0.0")).split(".")[:2])
    if version not in ("1.0", "1.1"):
        version = "1.0"
    document = graft(param.values[0], data.draw, _SHAPES)
    assert quantities(document, version) == _quantities_pattern_by_pattern(document, version)


# -- decimals read exactly -------------------------------------------------------------------------

# every spelling of a number the readers accept: JSON's grammar and the YAML 1.2 core schema's floats
_NUMERALS = st.from_regex(r"\A[-+]?(?:[0-9]{1,25}(?:\.[0-9]{0,25})?|\.[0-9]{1,25})(?:[eE][-+]?[0-9]{1,3})?\Z")


@settings(max_examples=500, deadline=None)
@given(_NUMERALS)
def test_a_written_decimal_is_read_as_the_fraction_of_its_text(text: str) -> None:
    if abs(float(text)) == float("inf"):
        return  # the readers refuse it (AERP-L009)
    assert exact(Written(text)) == Fraction(text)
    assert exact(float(text)) == Fraction(repr(float(text)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(DECIMALS, st.fractions(min_value=0, max_value=3)), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=5),
    st.booleans(),
    NUDGES,
)
def test_ranges_never_exclude_a_value_inside_any_of_them(
    spans: list[tuple[Fraction, Fraction]], pick: int, upper: bool, nudge: Fraction
) -> None:
    """Overlapping, nested and disjoint ranges alike: only a value outside every range is excluded."""
    ranges = [(low, low * (1 + width)) for low, width in spans]
    search = filtered.Ranges(ranges)
    low, high = ranges[pick % len(ranges)]
    bound = (high if upper else low) * (1 + nudge)
    for value in (bound, bound * 2, bound / 2):
        if not search.may_hold(filtered.approximate(value)):
            assert not any(a <= value <= b for a, b in ranges)
    beyond = max(b for _, b in ranges) * 2
    assert not search.may_hold(filtered.approximate(beyond)), "a value far beyond every range is decided"
