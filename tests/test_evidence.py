"""Traces in a submission: read only inside its folder, never through a link, within the limits, digest first."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from aerp.pipeline import validate_file
from conftest import run_cli, suite

CASE = suite("1.1") / "conformant" / "evidence-trace-consistent.yaml"
TRACE = CASE.with_name(CASE.stem + ".trace.csv")


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    """The consistent evidence case and its trace, copied into a folder of their own."""
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(CASE, folder / CASE.name)
    shutil.copy(TRACE, folder / TRACE.name)
    return folder / CASE.name, folder / TRACE.name


def _findings(path: Path) -> set[tuple[str, str]]:
    return {(f.check, f.pointer) for f in validate_file(path).findings}


def test_the_consistent_case_is_conformant_from_any_folder(tmp_path: Path) -> None:
    submission, _ = _copy(tmp_path)
    result = validate_file(submission)
    assert result.verdict.value == "conformant", result.findings


def test_a_trace_is_read_only_inside_the_folder_and_never_through_a_link(tmp_path: Path) -> None:
    submission, trace = _copy(tmp_path)
    outside = tmp_path / "elsewhere.csv"
    trace.rename(outside)
    trace.symlink_to(outside)  # same bytes, same digest: refused only because it is a link
    found = validate_file(submission).findings
    assert [(f.check, "symbolic link" in f.message) for f in found if f.check == "AERP-E002"] == [("AERP-E002", True)]
    # a link in a folder of the path is refused too
    trace.unlink()
    real = tmp_path / "real"
    real.mkdir()
    outside.rename(real / trace.name)
    (submission.parent / "logs").symlink_to(real)
    document = yaml.safe_load(submission.read_text())
    document["artifacts"][-1]["path"] = f"logs/{trace.name}"
    moved = submission.with_name("moved.yaml")
    moved.write_text(yaml.safe_dump(document, sort_keys=False))
    messages = [f.message for f in validate_file(moved).findings if f.check == "AERP-E002"]
    assert len(messages) == 1 and "symbolic link" in messages[0]


def test_a_missing_trace_or_one_that_is_not_a_file_is_one_finding(tmp_path: Path) -> None:
    submission, trace = _copy(tmp_path)
    trace.unlink()
    assert [c for c, _ in _findings(submission) if c.startswith("AERP-E")] == ["AERP-E002"]
    os.mkfifo(trace)  # a FIFO must not block the validator
    outcome = run_cli("validate", str(submission))
    assert outcome.exit_code == 1 and "AERP-E002" in outcome.stdout and "Traceback" not in outcome.stderr


def test_a_trace_whose_digest_differs_is_not_read(tmp_path: Path) -> None:
    submission, trace = _copy(tmp_path)
    trace.write_bytes(trace.read_bytes().replace(b",0,", b",7,", 1))  # one device renamed, digest now wrong
    checks = {c for c, _ in _findings(submission)}
    assert "AERP-E002" in checks and "AERP-E006" not in checks  # the content of an unmatched file is never judged


def test_a_trace_beyond_the_limits_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aerp.protocol import load_minor

    submission, trace = _copy(tmp_path)
    limits = load_minor("1.1").params["trace_limits"]
    monkeypatch.setitem(limits, "max_bytes", trace.stat().st_size - 1)
    messages = [f.message for f in validate_file(submission).findings if f.check == "AERP-E002"]
    assert len(messages) == 1 and "larger than the limit" in messages[0]


@pytest.mark.parametrize(
    "content",
    [b"\x00" * 4096, b"time [s],device,power [W]\n" + b"x" * (5 * 1024 * 1024), b"", b"\xff\xfe\x00t\x00i"],
    ids=["NUL bytes", "a line of 5 MB", "empty", "UTF-16"],
)
def test_a_hostile_trace_gives_one_finding_never_a_crash(tmp_path: Path, content: bytes) -> None:
    submission, trace = _copy(tmp_path)
    trace.write_bytes(content)
    document = yaml.safe_load(submission.read_text())
    document["artifacts"][-1]["sha256"] = hashlib.sha256(content).hexdigest()
    submission.write_text(yaml.safe_dump(document, sort_keys=False))
    outcome = run_cli("validate", str(submission))
    assert outcome.exit_code == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    evidence = [line for line in outcome.stdout.splitlines() if " AERP-E00" in line]
    assert len(evidence) == 1 and ("AERP-E003" in evidence[0] or "AERP-E002" in evidence[0]), outcome.stdout


def test_a_document_checked_without_its_folder_skips_only_the_traces() -> None:
    from aerp.load import Document
    from aerp.pipeline import validate_document

    document = yaml.safe_load(CASE.read_text())
    result = validate_document(Document(data=document, format="yaml", _positions={"": (1, 1)}), "x.yaml", None)
    assert result.verdict.value == "conformant"
    without_trace = dict(document, artifacts=[a for a in document["artifacts"] if "trace" not in a])
    refused = validate_document(Document(data=without_trace, format="yaml", _positions={"": (1, 1)}), "y.yaml", None)
    assert "AERP-E001" in {f.check for f in refused.findings}
