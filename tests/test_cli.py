"""The command line as a user meets it: output, exit codes, help, and failure modes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from aerp import __version__
from aerp.protocol import data_root
from conftest import SUITE, conformant_files, run_cli, run_subprocess

TEXT_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
    r"(?P<check>AERP-[A-Z]\d{3}) (?P<message>.+) \[(?P<req>REQ-[A-Z]+-\d+)\]$"
)


def test_version() -> None:
    outcome = run_cli("--version")
    assert outcome.exit_code == 0 and outcome.stdout.strip() == f"aerp {__version__}"


def test_help_names_the_commands() -> None:
    outcome = run_cli("--help")
    assert outcome.exit_code == 0
    for command in ("validate", "checks", "schema"):
        assert command in outcome.stdout


def test_checks_lists_every_check_with_its_requirement() -> None:
    outcome = run_cli("checks", "-o", "json")
    entries = json.loads(outcome.stdout)
    assert len(entries) >= 20
    assert all(re.match(r"^REQ-[A-Z]+-\d+$", e["requirement"]) for e in entries)
    assert len({e["id"] for e in entries}) == len(entries)
    text = run_cli("checks").stdout.splitlines()
    assert len(text) == len(entries) and text[0].startswith(entries[0]["id"])


def test_schema_prints_the_shipped_schema() -> None:
    from aerp.protocol import minor_versions

    def shipped(edition: str) -> object:
        return json.loads((data_root() / f"schemas/{edition}/submission.schema.json").read_text())

    assert json.loads(run_cli("schema").stdout) == shipped(minor_versions()[-1])
    for edition in minor_versions():
        assert json.loads(run_cli("schema", "--aerp-version", edition).stdout) == shipped(edition)
    assert json.loads(run_cli("schema", "--report").stdout)["title"].startswith("AERP validator report")
    assert run_cli("schema", "--aerp-version", "1.0.0").exit_code == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("validate").exit_code == 2
    assert run_cli("schema", "--aerp-version", "9.9").exit_code == 2
    assert run_cli("validate", "-o", "nonsense", str(SUITE)).exit_code == 2
    assert run_cli("validate", "--timestamp", "yesterday", str(SUITE)).exit_code == 2
    (tmp_path / "notes.txt").write_text("no submissions here")
    assert run_cli("validate", str(tmp_path)).exit_code == 2


def test_text_output_lines_are_parseable(tmp_path: Path) -> None:
    outcome = run_cli("validate", str(SUITE / "non-conformant"))
    assert outcome.exit_code == 1
    *findings, summary = outcome.stdout.strip().splitlines()
    assert findings and all(TEXT_LINE.match(line) for line in findings), findings
    assert re.match(
        r"^\d+ files: \d+ conformant, \d+ non-conformant, \d+ unreadable; \d+ errors?, \d+ warnings?$", summary
    )


def test_json_report_is_valid_and_deterministic() -> None:
    args = ("validate", "-o", "json", "--timestamp", "2026-02-11T00:00:00Z", str(SUITE))
    first, second = run_cli(*args), run_cli(*args)
    assert first.stdout == second.stdout
    schema = json.loads((data_root() / "schemas/1.0/report.schema.json").read_text())
    Draft202012Validator(schema).validate(first.json())
    report = first.json()
    assert report["summary"]["files"] == len(report["files"])
    assert [f["path"] for f in report["files"]] == sorted(f["path"] for f in report["files"])


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    outcome = run_cli("validate", "-o", "json", "--output-file", str(target), str(conformant_files()[0]))
    assert outcome.exit_code == 0 and outcome.stdout == ""
    assert json.loads(target.read_text())["summary"]["conformant"] == 1


def test_unsupported_version_is_one_finding_listing_supported(tmp_path: Path) -> None:
    target = tmp_path / "future.yaml"
    target.write_text('aerp_version: "2.3.0"\ntask: summarization\n')
    outcome = run_cli("validate", str(target))
    lines = [line for line in outcome.stdout.splitlines() if "AERP-" in line]
    assert outcome.exit_code == 1 and len(lines) == 1
    assert "AERP-V001" in lines[0] and "1.0.0" in lines[0] and lines[0].startswith(f"{target}:1:")


def test_a_bug_in_a_check_exits_3_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from aerp import registry

    registry.all_checks()
    broken = registry.REGISTRY["AERP-T001"]

    def explode(_ctx: object) -> list:
        raise KeyError("boom")

    monkeypatch.setitem(
        registry.REGISTRY,
        "AERP-T001",
        registry.Check(
            broken.id, broken.severity, broken.requirement, broken.summary, broken.stage, explode, broken.inputs
        ),
    )
    outcome = run_cli("validate", str(conformant_files()[0]))
    assert outcome.exit_code == 3
    assert "internal error" in outcome.stderr and "bug in the validator" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_module_entry_point_from_another_directory(tmp_path: Path) -> None:
    outcome = run_subprocess("validate", str(SUITE / "conformant"), cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_quiet_prints_only_the_summary() -> None:
    outcome = run_cli("validate", "-q", str(SUITE / "non-conformant"))
    assert outcome.exit_code == 1
    assert len(outcome.stdout.strip().splitlines()) == 1 and "non-conformant" in outcome.stdout


INGEST_DATA = Path(__file__).resolve().parent / "ingest_data"


def test_ingest_then_validate_lists_the_gaps(tmp_path: Path) -> None:
    target = tmp_path / "result.yaml"
    outcome = run_cli(
        "ingest",
        "codecarbon",
        str(INGEST_DATA / "codecarbon-3.x-emissions.csv"),
        "--task",
        "text-generation",
        "--queries",
        "1000",
        "--output-file",
        str(target),
    )
    assert outcome.exit_code == 0 and "aerp validate" in outcome.stderr
    report = run_cli("validate", "-o", "json", str(target)).json()["files"][0]
    assert report["verdict"] == "non-conformant"
    assert {f["check"] for f in report["findings"]} <= {"AERP-D001", "AERP-D002", "AERP-D003"}


@pytest.mark.parametrize(
    ("kind", "path", "words"),
    [
        ("aies-v1", "bad/truncated.json", "truncated"),
        ("codecarbon", "bad/empty.csv", "empty"),
        ("codecarbon", "aies-v1-benchmark_report.json", "this is json, not a codecarbon emissions.csv"),
    ],
)
def test_ingest_refuses_the_wrong_kind_of_file(kind: str, path: str, words: str) -> None:
    if not (INGEST_DATA / path).exists():
        pytest.skip(f"{path} is not among the ingest test data")
    outcome = run_cli("ingest", kind, str(INGEST_DATA / path), "--task", "summarization")
    assert outcome.exit_code == 1 and words in outcome.stderr.lower() and outcome.stdout == ""


def test_init_writes_a_template_that_lists_only_gaps(tmp_path: Path) -> None:
    target = tmp_path / "template.yaml"
    assert run_cli("init", "--task", "image_generation", "--output-file", str(target)).exit_code == 0
    report = run_cli("validate", "-o", "json", str(target)).json()["files"][0]
    assert report["task"] == "text-to-image"
    assert {f["check"] for f in report["findings"]} <= {"AERP-D001", "AERP-D002", "AERP-D006"}  # D006: recommended
    assert {f["check"] for f in report["findings"] if f["severity"] == "error"} <= {"AERP-D001", "AERP-D002"}
    assert run_cli("init", "--task", "nonsense").exit_code == 2
