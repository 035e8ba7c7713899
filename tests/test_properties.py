"""Invariants stated once and checked on many generated inputs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aerp.json_reader import read_json
from aerp.load import Document, Limits
from aerp.pipeline import default_limits, validate_document
from aerp.yaml_reader import read_yaml
from conftest import conformant_files
from helpers import mutate

LIMITS: Limits = default_limits()
PER_FILE_CPU_SECONDS = 2.0  # a generous bound on CPU time (not elapsed time, which load stretches): a file takes ms
BASES = [
    read_yaml(p.read_text(), LIMITS).data if p.suffix == ".yaml" else read_json(p.read_text(), LIMITS).data
    for p in conformant_files()
]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    return mutate(
        draw(st.sampled_from(BASES)),
        draw,
        ["delete", "retype", "rescale", "rename", "duplicate"],
        values=JSON_VALUES,
        factors=[-1, 0, 1000, 1e-3, 3600, 1e300, 1e-300],
        names=st.text(min_size=1, max_size=12),
    )


@given(mutated())
def test_any_mutation_of_a_valid_file_yields_a_report(document: dict) -> None:
    start = time.process_time()
    result = validate_document(Document(data=document, format="json", _positions={"": (1, 1)}), "mutant.json", None)
    assert time.process_time() - start < PER_FILE_CPU_SECONDS
    assert result.verdict.value in ("conformant", "non-conformant")
    for finding in result.findings:
        assert finding.message and finding.requirement.startswith("REQ-") and finding.line >= 1


@given(st.binary(max_size=400))
def test_any_bytes_yield_a_report(tmp_path_factory: Any, content: bytes) -> None:
    from aerp.pipeline import validate_file

    target: Path = tmp_path_factory.mktemp("bytes") / "random.yaml"
    target.write_bytes(content)
    result = validate_file(target)
    assert result.verdict.value in ("conformant", "non-conformant", "unreadable")
    assert result.findings, "random bytes are never a conformant submission"


@given(JSON_VALUES)
def test_any_json_document_yields_a_report(tmp_path_factory: Any, value: Any) -> None:
    from aerp.pipeline import validate_file

    target: Path = tmp_path_factory.mktemp("json") / "random.json"
    target.write_text(json.dumps(value))
    result = validate_file(target)
    assert result.findings and result.verdict.value != "conformant"


@given(JSON_VALUES, st.sampled_from(["block", "flow"]))
def test_any_yaml_document_yields_a_report(tmp_path_factory: Any, value: Any, style: str) -> None:
    import yaml

    from aerp.pipeline import validate_file

    target: Path = tmp_path_factory.mktemp("yaml") / "random.yaml"
    target.write_text(yaml.safe_dump(value, default_flow_style=style == "flow", allow_unicode=True))
    result = validate_file(target)
    assert result.findings and result.verdict.value != "conformant"
