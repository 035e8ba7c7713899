"""Arithmetic consistency: slips are found once, with the fix; units never change a verdict."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aerp.checks.units import quantities
from helpers import CLEAN, PROTOCOL, check, errors, node, reexpress, scaled

SLIPS = [
    ("a repetition's accelerator energy ×1000", ("results", "repetitions", 1, "energy", "accelerator"), 1000),
    ("a repetition's cpu energy ÷1000", ("results", "repetitions", 3, "energy", "cpu"), 1 / 1000),
    ("a repetition's total ×3600", ("results", "repetitions", 2, "energy", "total"), 3600),
    ("a duration ×1000 (ms as s)", ("results", "repetitions", 0, "duration"), 1000),
    ("the summary energy ×1000", ("results", "summary", "accelerator_energy_per_1000_queries"), 1000),
    ("the summary energy ÷3600", ("results", "summary", "accelerator_energy_per_1000_queries"), 1 / 3600),
    ("the summary energy ×3.6", ("results", "summary", "accelerator_energy_per_1000_queries"), 3.6),
    ("the mean duration ×60", ("results", "summary", "mean_duration"), 60),
    ("the carbon intensity ×1000", ("measurement", "carbon_intensity"), 1000),
]


def _planted() -> list[Any]:
    cases = []
    for name, document in CLEAN.items():
        for label, path, factor in SLIPS:
            try:
                node(document, *path)
            except (KeyError, IndexError):
                continue
            cases.append(pytest.param(name, path, factor, id=f"{name}: {label}"))
    return cases


@pytest.mark.parametrize(("name", "path", "factor"), _planted())
def test_each_slip_gives_exactly_one_error_naming_the_fix(name: str, path: tuple, factor: float) -> None:
    result = check(scaled(CLEAN[name], path, factor))
    found = [f for f in result.findings if f.severity.value == "error"]
    assert len(found) == 1, [(f.check, f.pointer, f.message) for f in result.findings]
    finding = found[0]
    assert finding.check == "AERP-C007"
    assert finding.pointer == "/" + "/".join(str(p) for p in path)
    assert finding.hint and finding.hint.startswith("write ")


def test_conformant_reference_results_have_no_consistency_findings() -> None:
    for name, document in CLEAN.items():
        assert errors(document) == [], name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CLEAN)), st.data())
def test_scaling_one_repetition_energy_by_1000_always_yields_a_finding(name: str, data: st.DataObject) -> None:
    document = CLEAN[name]
    index = data.draw(st.integers(0, len(document["results"]["repetitions"]) - 1))
    component = data.draw(st.sampled_from(sorted(document["results"]["repetitions"][index]["energy"])))
    factor = data.draw(st.sampled_from([1000, 1 / 1000]))
    found = errors(scaled(document, ("results", "repetitions", index, "energy", component), factor))
    assert found, f"{name}: repetition {index} {component} ×{factor} went unnoticed"


def _reexpressed(document: dict[str, Any], choose: st.DataObject) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    for pointer, dimension, quantity in list(quantities(copied, "1.0")):
        unit = choose.draw(st.sampled_from(list(PROTOCOL.units[dimension]["symbols"])), label=pointer)
        quantity.update(reexpress(quantity, dimension, unit))
    return copied


def _outcome(document: dict[str, Any]) -> tuple[str, list[tuple[str, str]], Any]:
    result = check(document)
    return result.verdict.value, sorted((f.check, f.pointer) for f in result.findings), result.facts.get("stars")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CLEAN)), st.data())
def test_unit_invariance(name: str, choose: st.DataObject) -> None:
    document = CLEAN[name]
    assert _outcome(_reexpressed(document, choose)) == _outcome(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CLEAN)), st.data())
def test_unit_invariance_holds_for_defective_files_too(name: str, choose: st.DataObject) -> None:
    document = scaled(CLEAN[name], ("results", "summary", "accelerator_energy_per_1000_queries"), 1.05)
    assert _outcome(_reexpressed(document, choose)) == _outcome(document)
