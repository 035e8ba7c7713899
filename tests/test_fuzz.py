"""A structure-aware fuzz target over the reference results: whatever the file, a report, never a crash.

Each example takes a conformant reference result, applies a few mutations of the kinds that
broke earlier validators — integers with hundreds of digits, numbers at the edges of binary64,
long arrays, deep nesting, quantities re-expressed exactly in another unit, values moved onto
a star threshold — and writes it to disk both as JSON and as YAML. The whole pipeline, reader
included, must then give a report whose every finding has an id, a line, a message and a
requirement, and both syntaxes of the same document must get the same verdict and findings.

It runs briefly by default (CI) and for as long as wanted with
``python -m pytest tests/test_fuzz.py --hypothesis-profile=long``.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aerp.exact import Written, decimal_text, exact
from aerp.pipeline import validate_file
from aerp.rating import thresholds
from aerp.registry import REGISTRY
from helpers import CONFORMANT, PROTOCOL, core_yaml
from helpers import paths as _paths

BASES = sorted(CONFORMANT)
HUGE_INTEGERS = st.integers(18, 399).map(lambda digits: 10**digits + 7) | st.integers(18, 399).map(
    lambda digits: -(10**digits)
)
EDGE_FLOATS = st.sampled_from([1.0e308, -1.0e308, 1.7976931348623157e308, 5e-324, -5e-324, 2.2250738585072014e-308])
EDGE_NUMBERS = HUGE_INTEGERS | EDGE_FLOATS | st.sampled_from([0, -1, 2**53 + 1, 2**63, 2**64 + 1])


def _quantities(node: Any, prefix: tuple = ()) -> list[tuple]:
    return [
        p
        for p in _paths(node, prefix)
        if p and isinstance(_at(node, p), dict) and {"value", "unit"} <= set(_at(node, p))
    ]


def _at(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _dimension(unit: Any) -> str | None:
    for dimension, spec in PROTOCOL.units.items():
        if unit in spec["symbols"]:
            return dimension
    return None


def _number(value: Fraction) -> Any:
    text = decimal_text(value)
    if text is None:
        return None
    return int(text) if "." not in text else Written(text)


@st.composite
def mutants(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(CONFORMANT[draw(st.sampled_from(BASES))])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        action = draw(st.sampled_from(["edge-number", "long-array", "deep", "reexpress", "threshold", "retype"]))
        if action == "edge-number":
            numbers = [p for p in paths if isinstance(_at(document, p), (int, float)) and _at(document, p) is not True]
            if numbers:
                path = draw(st.sampled_from(numbers))
                _at(document, path[:-1])[path[-1]] = draw(EDGE_NUMBERS)
        elif action == "long-array":
            arrays = [p for p in paths if isinstance(_at(document, p), list) and _at(document, p)]
            if arrays:
                array = _at(document, draw(st.sampled_from(arrays)))
                array.extend(copy.deepcopy(array[-1]) for _ in range(draw(st.integers(1, 400))))
        elif action == "deep":
            path = draw(st.sampled_from(paths))
            value = _at(document, path)
            for _ in range(draw(st.integers(1, 80))):
                value = {"x": value}
            _at(document, path[:-1])[path[-1]] = value
        elif action == "reexpress":
            quantities = _quantities(document)
            if quantities:
                quantity = _at(document, draw(st.sampled_from(quantities)))
                dimension = _dimension(quantity.get("unit"))
                if dimension is not None and isinstance(quantity.get("value"), (int, float)):
                    symbols = PROTOCOL.units[dimension]["symbols"]
                    unit = draw(st.sampled_from(sorted(symbols)))
                    value = _number(
                        exact(quantity["value"])
                        * Fraction(str(symbols[quantity["unit"]]))
                        / Fraction(str(symbols[unit]))
                    )
                    if value is not None:
                        quantity.update(value=value, unit=unit)
        elif action == "threshold":
            summary = document["results"]["summary"]["accelerator_energy_per_1000_queries"]
            try:
                edges = thresholds(PROTOCOL, document["task"], document["model"].get("class"))
            except Exception:
                continue
            summary.update(value=_number(draw(st.sampled_from(edges))), unit="Wh")
        elif action == "retype":
            path = draw(st.sampled_from(paths))
            _at(document, path[:-1])[path[-1]] = draw(
                st.sampled_from([None, True, "", "TBD", [], {}, "1e999", "\u202e", -0.0])
            )
    return document


def _plain(node: Any) -> Any:
    """The document with written numbers as plain floats, for the YAML emitter."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, Written):
        return float(node)
    return node


def _report(path: Path) -> tuple[str, list[tuple[str, str]]]:
    result = validate_file(path)  # raises only on a bug of the validator: exit 3 in the CLI
    for finding in result.findings:
        assert finding.check in REGISTRY, finding.check
        assert finding.message and finding.requirement.startswith("REQ-") and finding.line >= 1
    return result.verdict.value, sorted({(f.check, f.pointer) for f in result.findings})


@given(mutants())
def test_a_mutated_reference_result_gets_the_same_report_as_json_and_as_yaml(
    tmp_path_factory: Any, document: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    as_json = folder / "mutant.json"
    as_yaml = folder / "mutant.yaml"
    plain = _plain(document)
    as_json.write_text(json.dumps(plain), encoding="utf-8")
    as_yaml.write_text(core_yaml(plain), encoding="utf-8")
    from_json = _report(as_json)
    from_yaml = _report(as_yaml)
    assert from_json == from_yaml
