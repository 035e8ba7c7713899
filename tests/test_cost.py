"""A file's cost grows with its size, never faster (REQ-SEC-9).

Each dimension of ``benchmarks/growth.py`` (repetitions, phases per repetition, array items,
mixed items of a ``uniqueItems`` array, schema errors) is grown ten-fold, and the CPU time of
validating the larger file is compared with that of the smaller, both measured in this one
run. A ratio, not a time: it holds on a slow or busy machine. Linear work gives about ×10 and
quadratic work ×100; the bound, ×40, lets the first pass and fails the second.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from aerp.pipeline import default_limits, validate_file
from conftest import ROOT


def _growth() -> ModuleType:
    """The benchmark's own growth functions, so that the test and the measurement grow the same files."""
    spec = importlib.util.spec_from_file_location("aerp_growth", ROOT / "benchmarks" / "growth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


GROWTH = _growth()
BOUND = 40  # ×10 the input may cost at most ×40 the CPU time
RUNS = 3  # the best of three runs: a pause of the process inflates one, rarely all
# (dimension, smaller count): large enough that the grown part, not the fixed cost of a file, dominates
SIZES = {
    "repetitions": 10,
    "phases per repetition": 30,
    "array items (artifacts)": 100,
    "mixed unique items": 800,  # below that, jsonschema's pairwise comparison hid its quadratic cost
    "schema errors": 500,
    "trace rows": 3_000,
}


def cpu_seconds(path: Path) -> float:
    return GROWTH.cpu_seconds(path, RUNS)  # the benchmark's own measure: the best CPU time of RUNS validations


def test_every_dimension_of_the_benchmark_is_covered() -> None:
    assert {dimension.name for dimension in GROWTH.DIMENSIONS} == set(SIZES)


@pytest.mark.parametrize("name", sorted(SIZES))
def test_ten_times_the_input_costs_about_ten_times_the_cpu(tmp_path: Path, name: str) -> None:
    dimension = next(d for d in GROWTH.DIMENSIONS if d.name == name)
    validate_file(GROWTH.REFERENCE)  # the schema compiled and the checks imported before timing
    costs = []
    for count in (SIZES[name], SIZES[name] * 10):
        folder = tmp_path / str(count)
        folder.mkdir()
        costs.append(cpu_seconds(dimension.write(count, folder, "json")))
    small, large = costs
    assert large < BOUND * small, f"{name}: ×10 the input cost ×{large / small:.0f} ({small:.3f} s → {large:.3f} s)"


def test_findings_past_the_cap_are_counted_in_one_more_finding(tmp_path: Path) -> None:
    cap = default_limits().max_findings_per_check
    path = tmp_path / "errors.json"
    path.write_text(json.dumps(GROWTH.schema_errors(GROWTH.reference(), 1000)), encoding="utf-8")
    result = validate_file(path)
    assert result.verdict.value == "non-conformant"
    for check in ("AERP-S003", "AERP-S004"):  # each item: not a string, and not one of the allowed values
        findings = [f for f in result.findings if f.check == check]
        assert len(findings) == cap + 1
        summary = [f for f in findings if "more" in f.message]
        assert len(summary) == 1 and summary[0].message.startswith(f"{1000 - cap} more findings of {check}")
        assert summary[0].severity.value == "error"


def test_a_file_within_the_cap_lists_every_finding(tmp_path: Path) -> None:
    cap = default_limits().max_findings_per_check
    path = tmp_path / "errors.json"
    path.write_text(json.dumps(GROWTH.schema_errors(GROWTH.reference(), cap)), encoding="utf-8")
    findings = [f for f in validate_file(path).findings if f.check == "AERP-S003"]
    assert len(findings) == cap and not [f for f in findings if "more" in f.message]


def test_the_cycle_collector_is_paused_for_a_file_and_resumed_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large document is not traversed by the collector again and again; its state is restored, also on error."""
    import gc

    from aerp import pipeline

    seen: list[bool] = []
    real = pipeline.validate_document

    def watching(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "validate_document", watching)
    assert gc.isenabled()
    validate_file(GROWTH.REFERENCE)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        validate_file(GROWTH.REFERENCE)
        assert not gc.isenabled(), "a caller that paused it keeps it paused"
    finally:
        gc.enable()
    monkeypatch.setattr(pipeline, "validate_document", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        validate_file(GROWTH.REFERENCE)
    assert gc.isenabled()
