"""The conformance suite, run through the CLI exactly as another implementation would run it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import SUITE, load_manifest, run_cli

MANIFEST = load_manifest()
CASES = MANIFEST["cases"]


def _report() -> dict[str, dict]:
    outcome = run_cli("validate", "-o", "json", "--timestamp", "2026-01-01T00:00:00Z", str(SUITE))
    assert outcome.exit_code == 1, "the suite holds non-conformant cases, so the run must exit 1"
    return {str(Path(f["path"]).relative_to(SUITE)): f for f in outcome.json()["files"]}


REPORT = _report()


def test_manifest_lists_every_file_once() -> None:
    listed = Counter(case["file"] for case in CASES)
    assert [name for name, n in listed.items() if n > 1] == []
    on_disk = {str(p.relative_to(SUITE)) for p in SUITE.rglob("*") if p.suffix in (".yaml", ".json", ".yml")}
    assert set(listed) == on_disk


def test_suite_size_meets_the_foundation() -> None:
    verdicts = Counter(case["verdict"] for case in CASES)
    assert verdicts["conformant"] >= 12
    assert verdicts["non-conformant"] + verdicts["unreadable"] >= 30


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_case_gets_expected_verdict_and_checks(case: dict) -> None:
    entry = REPORT[case["file"]]
    assert entry["verdict"] == case["verdict"], entry["findings"]
    assert sorted({f["check"] for f in entry["findings"]}) == sorted(case["checks"]), entry["findings"]


def test_every_stage_and_semantic_check_has_a_failing_case() -> None:
    from aerp.registry import all_checks

    exercised = {check for case in CASES for check in case["checks"]}
    excused = {entry["check"] for entry in MANIFEST.get("not_covered", []) if entry.get("reason")}
    missing = [c.id for c in all_checks() if not c.retired and c.id not in exercised | excused]
    assert missing == []
    assert not exercised & excused, "a check listed as not covered is covered after all"


def test_conformant_folder_alone_exits_zero() -> None:
    outcome = run_cli("validate", str(SUITE / "conformant"))
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.stdout.strip().splitlines()[-1].startswith(f"{len(list((SUITE / 'conformant').iterdir()))} files")
