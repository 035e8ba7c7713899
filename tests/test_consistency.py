"""Arithmetic consistency: slips are found once, with the fix; units never change a verdict."""

from __future__ import annotations

import copy
from fractions import Fraction
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
        exactly = [u for u in PROTOCOL.units[dimension]["symbols"] if reexpress(quantity, dimension, u) is not None]
        unit = choose.draw(st.sampled_from(exactly), label=pointer)  # the same quantity, exactly
        quantity.update(reexpress(quantity, dimension, unit) or {})
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


def _with_phases() -> list[str]:
    return [n for n, d in CLEAN.items() if any("phases" in r for r in d["results"]["repetitions"])]


@pytest.mark.parametrize("name", _with_phases())
@pytest.mark.parametrize("component", ["accelerator", "cpu", "ram"])
def test_a_value_small_because_a_phase_is_negative_is_not_a_unit_slip(name: str, component: str) -> None:
    """A repetition whose phases add up, with one phase negative, is reported at the negative value only."""
    from aerp.exact import Written, decimal_text, exact

    document = copy.deepcopy(CLEAN[name])
    repetition = document["results"]["repetitions"][1]
    if component not in repetition["energy"]:
        pytest.skip(f"{name} does not report {component}")
    phases = repetition["phases"]
    last = list(phases)[-1]
    unit = repetition["energy"][component]["unit"]
    symbols = PROTOCOL.units["energy"]["symbols"]

    def wh(quantity: dict) -> Fraction:
        return exact(quantity["value"]) * Fraction(str(symbols[quantity["unit"]]))

    others = sum((wh(node[component]) for phase, node in phases.items() if phase != last), Fraction(0))
    whole = others / 1000  # the repetition's energy becomes 1000× smaller than its siblings', as in real reports
    phase = phases[last][component]
    phase["value"] = Written(decimal_text((whole - others) / Fraction(str(symbols[phase["unit"]]))) or "0")
    repetition["energy"][component]["value"] = Written(decimal_text(whole / Fraction(str(symbols[unit]))) or "0")
    if "total" in repetition["energy"] and component != "total":
        del repetition["energy"]["total"]
        for node in phases.values():
            node.pop("total", None)
    result = check(document)
    checks = {(f.check, f.pointer) for f in result.findings if f.severity.value == "error"}
    assert not [c for c in checks if c[0] == "AERP-C007"], result.findings
    assert ("AERP-U004", f"/results/repetitions/1/phases/{last}/{component}") in checks


def test_a_relation_broken_beside_a_slip_states_the_written_numbers() -> None:
    """After a slip is reported, a relation that still fails is reported with the file's values, not corrected ones."""
    from aerp.exact import significant

    for name, clean in CLEAN.items():
        document = copy.deepcopy(clean)
        energy = document["results"]["repetitions"][0]["energy"]
        if "total" not in energy or "cpu" not in energy:
            continue
        energy["total"]["value"] = energy["total"]["value"] * 1000  # a slip
        energy["cpu"]["value"] = energy["cpu"]["value"] * 1.2  # and a real discrepancy
        findings = check(document).findings
        pointer = "/results/repetitions/0/energy/total"
        assert ("AERP-C007", pointer) in {(f.check, f.pointer) for f in findings}, name
        for finding in findings:
            if finding.check == "AERP-C001" and finding.pointer == pointer:
                written = f"{significant(energy['total']['value'])} {energy['total']['unit']}"
                assert f"is {written} but" in finding.message, (name, finding.message)
