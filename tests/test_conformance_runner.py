"""reference-results/run_conformance.py, the runner other implementations use, run as they would run it.

The runner must say 100 % for the reference validator, and must not say it for a validator that is wrong:
a runner that passes everything proves nothing. Both are run as child processes, the way a shell runs them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import ROOT, SUITE, load_manifest

RUNNER = ROOT / "reference-results" / "run_conformance.py"
MANIFEST_FILE = ROOT / "reference-results" / "manifest-1.0.yaml"
MANIFEST_SCHEMA = ROOT / "reference-results" / "manifest.schema.json"
MANIFEST = load_manifest()
CASES: list[dict[str, Any]] = MANIFEST["cases"]
REFERENCE = [sys.executable, "-m", "aerp", "validate", "-o", "json"]

# A "validator" that reads nothing and calls every file of the folder conformant, without findings. Its mode
# (first argument) makes it also leave one file out and add an entry outside the suite, or print paths relative
# to the folder it was handed, so that the runner's errors, extras and path matching are exercised too.
ALWAYS_CONFORMANT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    mode, suite = sys.argv[1], Path(sys.argv[-1])
    files = sorted(p for p in suite.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    if mode == "omit-one":
        files = [p for p in files if p.name != "units-wrong-case.yaml"]
    shown = [p.relative_to(suite).as_posix() if mode == "suite-relative" else str(p) for p in files]
    if mode == "omit-one":
        shown.append("somewhere/else.yaml")
    entries = [{"path": s, "verdict": "conformant", "findings": []} for s in shown]
    print(json.dumps({"tool": {"name": "always-conformant", "version": "0"}, "files": entries}))
    sys.exit(0)
    """
)


def run_runner(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The runner in a child process, with the reference validator importable as `python -m aerp`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "validator")}
    return subprocess.run(
        [sys.executable, str(RUNNER), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def headline(passed: int, total: int) -> str:
    tenths = passed * 1000 // total
    return f"conformance: {passed} of {total} cases ({tenths // 10}.{tenths % 10} %)"


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    out = tmp_path_factory.mktemp("runner") / "result.json"
    done = run_runner("--json", str(out), "--date", "2026-01-01", "--", *REFERENCE)
    return done, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    script = tmp_path / "always_conformant.py"
    script.write_text(ALWAYS_CONFORMANT, encoding="utf-8")
    return script


def test_reference_validator_conforms_fully(reference_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    done, result = reference_run
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == headline(len(CASES), len(CASES)) == f"conformance: {len(CASES)} of {len(CASES)} cases (100.0 %)"
    assert sum(1 for line in lines if line.startswith("  pass  ")) == len(CASES)
    assert result["totals"]["pass"] == result["totals"]["cases"] == len(CASES)
    assert result["totals"]["percent"] == 100.0
    assert set(result["totals"]["groups"]) == {"conformant/", "non-conformant/"}


def test_result_records_its_identity(reference_run: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, result = reference_run
    assert result["suite"]["manifest_sha256"] == hashlib.sha256(MANIFEST_FILE.read_bytes()).hexdigest()
    assert result["suite"]["aerp_version"] == MANIFEST["aerp_version"]
    assert result["command"] == [*REFERENCE, "reference-results/1.0"]
    assert result["date"] == "2026-01-01"
    assert result["implementation"]["name"] == "aerp"
    assert [c["file"] for c in result["cases"]] == sorted(c["file"] for c in CASES)
    assert {c["outcome"] for c in result["cases"]} == {"pass"}
    assert result["extra_report_entries"] == []
    assert [n["check"] for n in result["not_covered"]] == [n["check"] for n in MANIFEST["not_covered"]]


def test_output_is_deterministic(reference_run: tuple[subprocess.CompletedProcess[str], dict], tmp_path: Path) -> None:
    """Two runs of one validator give the same bytes, so results can be diffed; without --date there is no date."""
    first, _ = reference_run
    again = run_runner("--json", str(tmp_path / "again.json"), "--", *REFERENCE)
    assert again.stdout == first.stdout.replace("date: 2026-01-01\n", "")
    assert "date" not in json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))


def test_a_validator_that_passes_everything_does_not_conform(fake: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = run_runner("--json", str(out), "--", sys.executable, str(fake), "all")
    assert done.returncode == 1, done.stdout + done.stderr
    clean = [c for c in CASES if c["verdict"] == "conformant" and not c["checks"]]
    assert done.stdout.splitlines()[-1] == headline(len(clean), len(CASES))
    assert 0 < len(clean) < len(CASES)
    assert (
        "  fail  non-conformant/units-wrong-case.yaml: verdict conformant, expected non-conformant; "
        "missing check(s) AERP-U001" in done.stdout
    )
    assert "  fail  conformant/plausibility-pue-high.yaml: missing check(s) AERP-P008" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    totals = result["totals"]
    assert (totals["pass"], totals["fail"], totals["error"]) == (len(clean), len(CASES) - len(clean), 0)
    assert totals["percent"] == float(headline(len(clean), len(CASES)).split("(")[1].split(" %")[0])
    conformant_group = totals["groups"]["conformant/"]
    assert conformant_group["pass"] == len(clean)
    assert totals["groups"]["non-conformant/"]["pass"] == 0
    assert result["implementation"] == {"name": "always-conformant", "version": "0"}
    failed = {c["file"]: c for c in result["cases"] if c["outcome"] == "fail"}
    assert failed["non-conformant/format-empty.yaml"]["actual"] == {"verdict": "conformant", "checks": []}
    assert failed["non-conformant/format-empty.yaml"]["expected"] == {"verdict": "unreadable", "checks": ["AERP-L003"]}


def test_a_case_left_out_is_an_error_and_an_unknown_entry_is_noted(fake: Path) -> None:
    done = run_runner("--", sys.executable, str(fake), "omit-one")
    assert done.returncode == 1
    assert "  error non-conformant/units-wrong-case.yaml: the report has no entry for this file" in done.stdout
    assert "not counted):\n  somewhere/else.yaml\n" in done.stdout
    failing = sum(1 for c in CASES if c["file"].startswith("non-conformant/"))
    assert f"non-conformant/  0 of {failing} pass, {failing - 1} fail, 1 error" in done.stdout


def test_paths_relative_to_the_suite_folder_are_matched(fake: Path, tmp_path: Path) -> None:
    """An implementation that prints paths relative to the folder it was handed, run from another folder."""
    out = tmp_path / "result.json"
    elsewhere = run_runner(
        "--suite", str(SUITE), "--json", str(out), "--", sys.executable, str(fake), "suite-relative", cwd=tmp_path
    )
    as_given = run_runner("--", sys.executable, str(fake), "all")
    assert elsewhere.returncode == as_given.returncode == 1
    assert elsewhere.stdout.splitlines()[-1] == as_given.stdout.splitlines()[-1]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["totals"]["error"] == 0 and result["extra_report_entries"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give the validator command after `--`"),
        (("--",), "the validator command after `--` is empty"),
        (("--", sys.executable, "-c", "print('not json')"), "the command's output is not JSON"),
        (("--", sys.executable, "-c", "print('[1, 2]')"), "not an AERP JSON report"),
        (("--suite", "no/such/folder", "--", sys.executable), "does not exist"),
        (("--date", "yesterday", "--", sys.executable), "--date"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    done = run_runner(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert done.stdout == ""


def test_manifest_is_valid_against_its_schema() -> None:
    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    manifest = yaml.safe_load(MANIFEST_FILE.read_text(encoding="utf-8"))
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)] == []


@pytest.mark.parametrize(
    "mutation",
    [
        "unknown top-level member",
        "unknown case member",
        "check id in lower case",
        "check listed twice",
        "non-conformant case without checks",
        "unreadable case with a schema check",
        "conformant case in non-conformant/",
        "file outside the suite",
    ],
)
def test_manifest_schema_rejects_a_broken_manifest(mutation: str) -> None:
    """The schema is closed and states the rules of the format, so that a slip in the manifest is caught."""
    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    manifest = copy.deepcopy(yaml.safe_load(MANIFEST_FILE.read_text(encoding="utf-8")))
    conformant = next(c for c in manifest["cases"] if c["verdict"] == "conformant")
    failing = next(c for c in manifest["cases"] if c["verdict"] == "non-conformant")
    unreadable = next(c for c in manifest["cases"] if c["verdict"] == "unreadable")
    if mutation == "unknown top-level member":
        manifest["version"] = "1"
    elif mutation == "unknown case member":
        failing["severity"] = "error"
    elif mutation == "check id in lower case":
        failing["checks"] = [failing["checks"][0].lower()]
    elif mutation == "check listed twice":
        failing["checks"] = failing["checks"] * 2
    elif mutation == "non-conformant case without checks":
        failing["checks"] = []
    elif mutation == "unreadable case with a schema check":
        unreadable["checks"] = ["AERP-S001"]
    elif mutation == "conformant case in non-conformant/":
        conformant["file"] = "non-conformant/" + conformant["file"].split("/", 1)[1]
    elif mutation == "file outside the suite":
        failing["file"] = "../elsewhere.yaml"
    assert not Draft202012Validator(schema).is_valid(manifest)
