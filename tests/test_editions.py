"""Editions side by side, and `aerp migrate`: a 1.0 file carried to 1.1 keeps every value it states."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aerp.exact import Written, exact
from aerp.json_reader import read_json
from aerp.load import Document
from aerp.migrate import CannotMigrate, migrate
from aerp.pipeline import default_limits, validate_document, validate_file
from aerp.protocol import load_minor
from aerp.registry import all_checks
from aerp.yaml_reader import read_yaml
from conftest import load_manifest, run_cli, suite

LIMITS = default_limits()
FIRST = suite("1.0")
CONFORMANT_1_0 = [FIRST / c["file"] for c in load_manifest("1.0")["cases"] if c["verdict"] == "conformant"]
NEW_STATEMENTS = {"AERP-D002", "AERP-E001", "AERP-R006"}  # TBD for what 1.1 requires, the trace, the 1.1 claim


def _read(path: Path) -> Any:
    reader = read_json if path.suffix == ".json" else read_yaml
    return reader(path.read_text(encoding="utf-8"), LIMITS).data


def _numbers(node: Any, prefix: str = "") -> dict[str, Any]:
    """Every number of a document by pointer, as the exact decimal written."""
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            found.update(_numbers(value, f"{prefix}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.update(_numbers(value, f"{prefix}/{index}"))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        found[prefix] = (exact(node), node.text if isinstance(node, Written) else repr(node))
    elif isinstance(node, str):
        found[prefix] = node
    return found


@pytest.mark.parametrize("path", CONFORMANT_1_0, ids=lambda p: p.name)
def test_a_migrated_conformant_file_keeps_every_value_and_fails_only_for_new_disclosure(path: Path) -> None:
    fmt = "json" if path.suffix == ".json" else "yaml"
    text, changes = migrate(path.read_text(encoding="utf-8"), fmt, "1.1", LIMITS)
    before, after = _numbers(_read(path)), _numbers((read_json if fmt == "json" else read_yaml)(text, LIMITS).data)
    kept = {k: v for k, v in before.items() if k != "/aerp_version"}
    assert {k: after.get(k) for k in kept} == kept  # same members, same decimals as written, same units
    assert after["/aerp_version"] == "1.1.0" and changes[0].startswith("aerp_version:")
    target = path.parent / f"migrated{path.suffix}"
    result = _validate_text(text, fmt, target)
    errors = {f.check for f in result.findings if f.severity.value == "error"}
    # what 1.1 newly asks for: its new members (TBD), the accelerators' trace, the claim on the 1.1 scale
    assert errors <= NEW_STATEMENTS, [(f.check, f.pointer, f.message) for f in result.findings]
    if fmt == "yaml":  # comments are carried over where the format allows
        assert [line for line in path.read_text().splitlines() if line.lstrip().startswith("#")] == [
            line for line in text.splitlines() if line.lstrip().startswith("#")
        ]


def _validate_text(text: str, fmt: str, name: Path) -> Any:
    document: Document = (read_json if fmt == "json" else read_yaml)(text, LIMITS)
    return validate_document(document, str(name), None)


def test_the_migrate_command_writes_the_file_and_says_what_changed(tmp_path: Path) -> None:
    source = FIRST / "conformant" / "summarization-bart-large-cnn.yaml"
    target = tmp_path / "summarization-1.1.yaml"
    outcome = run_cli("migrate", str(source), "--to", "1.1", "--output-file", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    assert "changed aerp_version: 1.0.0 → 1.1.0" in outcome.stderr
    assert "/results/repetitions/0/counts: TBD" in outcome.stderr
    result = validate_file(target)
    assert result.aerp_version == "1.1.0"
    assert {f.check for f in result.findings if f.severity.value == "error"} <= NEW_STATEMENTS


def test_migrate_refuses_what_it_cannot_carry(tmp_path: Path) -> None:
    second = suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    outcome = run_cli("migrate", str(second), "--to", "1.1")
    assert outcome.exit_code == 1 and "no migration from `1.1.0` to 1.1" in outcome.stderr
    assert (
        run_cli("migrate", str(FIRST / "conformant" / "summarization-bart-large-cnn.yaml"), "--to", "9.9").exit_code
        == 2
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("aerp_version: [", encoding="utf-8")
    outcome = run_cli("migrate", str(broken), "--to", "1.1")
    assert outcome.exit_code == 1 and "cannot be read" in outcome.stderr and "Traceback" not in outcome.stderr
    with pytest.raises(CannotMigrate):
        migrate("- a list\n", "yaml", "1.1", LIMITS)


@given(st.sampled_from(CONFORMANT_1_0), st.data())
def test_migration_is_value_preserving_for_any_decimal_spelling(path: Path, data: st.DataObject) -> None:
    """Another spelling of a decimal (trailing zeros, an exponent) survives migration as written."""
    fmt = "json" if path.suffix == ".json" else "yaml"
    text = path.read_text(encoding="utf-8")
    spellings = data.draw(st.sampled_from(["1.50", "15.0e-1", "0.150E1", "1.5000"]))
    if "value: 1, unit" in text:
        text = text.replace("value: 1, unit", f"value: {spellings}, unit", 1)
    migrated, _ = migrate(text, fmt, "1.1", LIMITS)
    assert (spellings in migrated) == (spellings in text)


def test_every_check_names_the_editions_it_applies_to() -> None:
    editions = ["1.0", "1.1"]
    for entry in all_checks():
        assert any(entry.applies_to(e) for e in editions), entry.id
        assert entry.applies_to("1.2") == (entry.until is None), entry.id  # a new edition inherits unchanged rules


def test_a_check_of_a_withdrawn_rule_stays_with_its_edition() -> None:
    by_id = {c.id: c for c in all_checks()}
    assert by_id["AERP-M001"].applies_to("1.0") and not by_id["AERP-M001"].applies_to("1.1")
    assert by_id["AERP-M016"].applies_to("1.1") and not by_id["AERP-M016"].applies_to("1.0")


def test_a_dataset_revision_other_than_the_protocols_pin_is_reported() -> None:
    """REQ-TASK-7 with a pinned revision, in protocol data modified for the test (1.1 pins none yet)."""
    from dataclasses import replace

    protocol = load_minor("1.1")
    params = copy.deepcopy(protocol.params)
    params["tasks"]["text-generation"]["revision"] = "0" * 40
    pinned = replace(protocol, params=params)
    document = _read(suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml")

    from aerp.registry import REGISTRY, Context

    problems = list(REGISTRY["AERP-T020"].function(Context(data=document, protocol=pinned)))  # type: ignore[misc]
    assert len(problems) == 1 and "0000000000" in problems[0].message
    assert list(REGISTRY["AERP-T020"].function(Context(data=document, protocol=protocol))) == []  # type: ignore[misc]


@pytest.mark.parametrize("command", [("checks",), ("spec", "matrix"), ("schema",), ("init", "--task", "summarization")])
@pytest.mark.parametrize("edition", ["1.0", "1.1"])
def test_commands_take_the_edition(command: tuple[str, ...], edition: str) -> None:
    outcome = run_cli(*command, "--aerp-version", edition)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout


def test_a_new_template_follows_the_newest_edition(tmp_path: Path) -> None:
    target = tmp_path / "template.yaml"
    assert run_cli("init", "--task", "text-generation", "--output-file", str(target)).exit_code == 0
    result = validate_file(target)
    assert result.aerp_version == "1.1.0"
    assert {f.check for f in result.findings if f.severity.value == "error"} <= {"AERP-D001", "AERP-D002"}


def test_the_stars_are_those_of_the_gross_energy_not_the_idle_corrected_one() -> None:
    """REQ-IDLE-3: the claim is read from the gross energy (E + U); the idle-corrected energy earns more, unclaimed."""
    from aerp.rating import fixed

    document = _read(suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml")
    gross = validate_document(Document(data=document, format="yaml", _positions={"": (1, 1)}), "gross.yaml", None)
    assert not [f for f in gross.findings if f.severity.value == "error"], gross.findings
    corrected = document["results"]["summary"]["accelerator_energy_per_1000_queries_idle_corrected"]
    better = fixed(load_minor("1.1"), "text-generation", "A", exact(corrected["value"])).stars
    assert better > gross.facts["stars"]
    claimed = copy.deepcopy(document)
    claimed["rating"]["stars"] = better
    result = validate_document(Document(data=claimed, format="yaml", _positions={"": (1, 1)}), "net.yaml", None)
    assert "AERP-Q005" in {f.check for f in result.findings}


def test_an_accelerator_less_open_result_is_admitted_and_never_rated() -> None:
    path = suite("1.1") / "conformant" / "open-cpu-only.json"
    result = validate_file(path)
    assert result.verdict.value == "conformant" and "stars" not in result.facts
    document = _read(path)
    document["rating"] = {"stars": 3, "scale": "aerp-1.0-fixed"}
    rated = validate_document(Document(data=document, format="json", _positions={"": (1, 1)}), "rated.json", None)
    assert "AERP-R003" in {f.check for f in rated.findings}
    closed = _read(path)
    closed["division"] = "closed"
    refused = validate_document(Document(data=closed, format="json", _positions={"": (1, 1)}), "closed.json", None)
    assert {"AERP-S001", "AERP-M016"} & {f.check for f in refused.findings}
