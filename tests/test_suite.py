"""The conformance suite of every edition, run through the CLI exactly as another implementation would run it.

A batch may mix editions: each file is checked against the edition its aerp_version
declares, and every 1.0 case keeps its verdict and findings whatever else the validator
supports.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest

from conftest import EDITIONS, ROOT, load_manifest, run_cli, suite


@functools.cache
def _report(edition: str) -> dict[str, dict]:
    folder = suite(edition)
    outcome = run_cli("validate", "-o", "json", "--timestamp", "2026-01-01T00:00:00Z", str(folder))
    assert outcome.exit_code == 1, "the suite holds non-conformant cases, so the run must exit 1"
    return {str(Path(f["path"]).relative_to(folder)): f for f in outcome.json()["files"]}


CASES = [(edition, case) for edition in EDITIONS for case in load_manifest(edition)["cases"]]


def test_there_are_two_editions_side_by_side() -> None:
    assert {"1.0", "1.1"} <= set(EDITIONS)


@pytest.mark.parametrize("edition", EDITIONS)
def test_manifest_lists_every_file_once(edition: str) -> None:
    folder = suite(edition)
    listed = Counter(case["file"] for case in load_manifest(edition)["cases"])
    assert [name for name, n in listed.items() if n > 1] == []
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.suffix in (".yaml", ".json", ".yml")}
    assert set(listed) == on_disk


@pytest.mark.parametrize("edition", EDITIONS)
def test_suite_size_meets_the_foundation(edition: str) -> None:
    verdicts = Counter(case["verdict"] for case in load_manifest(edition)["cases"])
    assert verdicts["conformant"] >= 12
    assert verdicts["non-conformant"] + verdicts["unreadable"] >= 30


def test_the_second_edition_is_at_least_as_complete_as_the_first() -> None:
    first, second = load_manifest("1.0")["cases"], load_manifest("1.1")["cases"]
    assert len(second) >= len(first)
    carried = {case["derived_from"] for case in second if "derived_from" in case}
    assert carried == {f"1.0/{case['file']}" for case in first}


@pytest.mark.parametrize(("edition", "case"), CASES, ids=[f"{e}/{c['file']}" for e, c in CASES])
def test_case_gets_expected_verdict_and_checks(edition: str, case: dict) -> None:
    entry = _report(edition)[case["file"]]
    assert entry["verdict"] == case["verdict"], entry["findings"]
    assert sorted({f["check"] for f in entry["findings"]}) == sorted(case["checks"]), entry["findings"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_check_of_the_edition_has_a_failing_case(edition: str) -> None:
    from aerp.registry import all_checks

    manifest = load_manifest(edition)
    exercised = {check for case in manifest["cases"] for check in case["checks"]}
    excused = {entry["check"] for entry in manifest.get("not_covered", []) if entry.get("reason")}
    applicable = [c for c in all_checks() if not c.retired and c.applies_to(edition)]
    missing = [c.id for c in applicable if c.id not in exercised | excused]
    assert missing == []
    assert not exercised & excused, "a check listed as not covered is covered after all"
    foreign = exercised - {c.id for c in applicable}
    assert foreign == set(), "a case expects a check that does not belong to its edition"


@pytest.mark.parametrize("edition", EDITIONS)
def test_conformant_folder_alone_exits_zero(edition: str) -> None:
    folder = suite(edition) / "conformant"
    outcome = run_cli("validate", str(folder))
    assert outcome.exit_code == 0, outcome.stdout
    submissions = [p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json")]  # traces lie beside them
    assert outcome.stdout.strip().splitlines()[-1].startswith(f"{len(submissions)} files")


def test_a_batch_mixing_editions_checks_each_file_against_its_own() -> None:
    first = suite("1.0") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    second = suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    outcome = run_cli("validate", "-o", "json", "--timestamp", "2026-01-01T00:00:00Z", str(first), str(second))
    assert outcome.exit_code == 0, outcome.stdout
    files = outcome.json()["files"]
    assert [f["aerp_version"] for f in files] == ["1.0.0", "1.1.0"]
    # the same measurement carried forward keeps its energy and stars
    assert files[0]["energy_wh_per_1000_queries"] == files[1]["energy_wh_per_1000_queries"]
    assert files[0]["stars"] == files[1]["stars"]


def test_the_committed_second_edition_suite_is_what_its_derivation_writes(tmp_path: Path) -> None:
    import importlib.util
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "reference-results", copy / "reference-results")
    spec = importlib.util.spec_from_file_location("derive", copy / "reference-results" / "derive_1_1.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.modules["derive"] = module  # a module's dataclasses look themselves up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["derive"]
    module.ROOT = copy
    module.TARGET = copy / "reference-results" / "1.1"
    module.main()
    written = {p.relative_to(copy): p.read_bytes() for p in (copy / "reference-results").rglob("*") if p.is_file()}
    committed = {p.relative_to(ROOT): p.read_bytes() for p in (ROOT / "reference-results").rglob("*") if p.is_file()}
    changed = [str(p) for p in written if "__pycache__" not in str(p) and committed.get(p) != written[p]]
    assert changed == []
