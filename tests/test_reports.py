"""Batch validation and the machine formats: SARIF, JUnit, JSON — complete and deterministic."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import validators

from aerp import registry
from aerp.findings import FileResult
from aerp.render import json_report
from aerp.render.run import Run
from conftest import ROOT, SUITE, run_cli, run_subprocess, suite

SARIF_SCHEMA = ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json"
STAMP = ("--timestamp", "2026-02-11T00:00:00Z")


def _run(*args: str) -> str:
    return run_cli("validate", *STAMP, *args, str(SUITE)).stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "text"])
def test_same_inputs_same_bytes_whatever_the_jobs(fmt: str) -> None:
    one, two = _run("-o", fmt, "--jobs", "1"), _run("-o", fmt, "--jobs", "2")
    assert one == two == _run("-o", fmt, "--jobs", "2")


@pytest.mark.skipif(not SARIF_SCHEMA.exists(), reason=f"the OASIS SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
def test_sarif_is_valid_sarif_2_1_0() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    document = json.loads(_run("-o", "sarif"))
    validators.validator_for(schema)(schema).validate(document)


def test_sarif_names_every_check_and_locates_every_finding() -> None:
    sarif = json.loads(_run("-o", "sarif"))["runs"][0]
    report = json.loads(_run("-o", "json"))
    rules = sarif["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in registry.all_checks() if not c.retired]
    assert all(
        r["properties"]["requirement"] in r["help"]["text"] and r["helpUri"].endswith(r["properties"]["requirement"])
        for r in rules
    )
    assert len(sarif["results"]) == sum(len(f["findings"]) for f in report["files"])
    for result in sarif["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_junit_has_one_testcase_per_file() -> None:
    suite = ET.fromstring(_run("-o", "junit"))
    report = json.loads(_run("-o", "json"))
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == len(report["files"])
    assert int(suite.get("failures")) == report["summary"]["non_conformant"]
    assert int(suite.get("errors")) == report["summary"]["unreadable"]
    first = cases[0]
    assert first.get("classname") == f"{SUITE.as_posix()}/conformant" and first.get("name").endswith((".yaml", ".json"))
    failing = [c for c in cases if c.find("failure") is not None]
    assert all(c.find("failure").text and "AERP-" in c.find("failure").text for c in failing)


def test_fail_fast_stops_at_the_first_failing_file() -> None:
    report = json.loads(run_cli("validate", "-o", "json", "--fail-fast", str(SUITE / "non-conformant")).stdout)
    assert len(report["files"]) == 1 and report["files"][0]["verdict"] != "conformant"


def test_a_batch_goes_on_past_files_it_cannot_read(tmp_path: Path) -> None:
    good = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    (tmp_path / "a-good.yaml").write_text(good.read_text())
    (tmp_path / "b-broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "loop").symlink_to(tmp_path)
    locked = tmp_path / "c-locked.yaml"
    locked.write_text(good.read_text())
    locked.chmod(0)
    outcome = run_cli("validate", "-o", "json", str(tmp_path))
    files = {Path(f["path"]).name: f for f in outcome.json()["files"]}
    assert files["a-good.yaml"]["verdict"] == "conformant"
    assert [f["check"] for f in files["b-broken.yaml"]["findings"]] == ["AERP-L001"]
    if os.geteuid() != 0:  # root reads anything
        assert [f["check"] for f in files["c-locked.yaml"]["findings"]] == ["AERP-L001"]
    assert outcome.exit_code == 1


def test_a_bug_on_one_file_of_a_batch_still_reports_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    registry.all_checks()
    broken = registry.REGISTRY["AERP-T003"]

    def explode(ctx: registry.Context) -> list:
        if ctx.data.get("task") == "summarization":
            raise ZeroDivisionError("boom")
        return []

    monkeypatch.setitem(
        registry.REGISTRY,
        "AERP-T003",
        registry.Check(
            broken.id, broken.severity, broken.requirement, broken.summary, broken.stage, explode, broken.inputs
        ),
    )
    outcome = run_cli("validate", "-o", "json", "--jobs", "1", str(SUITE / "conformant"))
    assert outcome.exit_code == 3
    assert "internal error while checking" in outcome.stderr and "summarization-bart-large-cnn" in outcome.stderr
    assert len(outcome.json()["files"]) == len(list((SUITE / "conformant").iterdir())) - 1


def test_parallel_run_from_a_shell() -> None:
    outcome = run_subprocess("validate", "-q", "--jobs", "2", str(SUITE))
    assert outcome.exit_code == 1 and "Traceback" not in outcome.stderr
    assert outcome.stdout.startswith(f"{len(list(SUITE.rglob('*.yaml')) + list(SUITE.rglob('*.json')))} files")


def test_labels_for_every_conformant_closed_file(tmp_path: Path) -> None:
    outcome = run_cli("validate", "-q", "--labels", str(tmp_path / "labels"), str(SUITE))
    report = json.loads(run_cli("validate", "-o", "json", str(SUITE)).stdout)
    expected = [f for f in report["files"] if f["verdict"] == "conformant" and f["division"] == "closed"]
    written = sorted((tmp_path / "labels").glob("*.label.svg"))
    assert len(written) == len(expected) >= 12
    assert f"{len(expected)} label(s) written" in outcome.stderr


def test_no_label_for_a_non_conformant_or_open_file() -> None:
    for name in ("non-conformant/rating-wrong-stars.yaml", "conformant/text-generation-a-llama-3.1-8b-open-l4.json"):
        outcome = run_cli("label", str(SUITE / name))
        assert outcome.exit_code == 1 and "no label:" in outcome.stderr and outcome.stdout == ""


# ------------------------------------------------------------------- the JSON report: the interval of AERP 1.1

SPANS = suite("1.1") / "conformant" / "uncertainty-spans-two-thresholds.yaml"
INTERVAL = ("stars_low", "stars_high", "expanded_uncertainty_wh_per_1000_queries")
OLD_MEMBERS = [
    "path", "sha256", "aerp_version", "verdict", "task", "class", "model", "revision", "division", "hardware", "date",
    "energy_wh_per_1000_queries", "stars", "claimed_stars", "findings",
]  # fmt: skip


def _schema(edition: str) -> dict[str, object]:
    return json.loads((ROOT / "schemas" / edition / "report.schema.json").read_text(encoding="utf-8"))


def test_a_1_1_entry_gives_the_interval_its_claim_was_read_from() -> None:
    report = json.loads(run_cli("validate", "-o", "json", *STAMP, str(SPANS), str(SUITE / "conformant")).stdout)
    entry = next(f for f in report["files"] if f["path"] == str(SPANS))
    assert entry["verdict"] == "conformant"
    assert {key: entry[key] for key in INTERVAL} == {
        "stars_low": 3,
        "stars_high": 5,
        "expanded_uncertainty_wh_per_1000_queries": 4.22,
    }
    assert entry["stars"] == entry["stars_low"] == 3  # the claim is the stars of E + U
    assert list(entry)[-4:] == [*INTERVAL, "findings"]
    for edition in ("1.0", "1.1"):  # one report format, whichever edition's schema a reader holds
        validators.validator_for(_schema(edition))(_schema(edition)).validate(report)


def test_a_1_0_entry_keeps_exactly_the_members_it_had() -> None:
    """No interval fact, no new member: a report of AERP 1.0 files is what it was, byte for byte."""
    report = json.loads(_run("-o", "json"))
    assert report["files"] and all(list(entry) == OLD_MEMBERS for entry in report["files"])
    assert "±" not in _run("-o", "json")


@pytest.mark.parametrize("edition", ["1.0", "1.1"])
@pytest.mark.parametrize(
    ("member", "value"),
    [("stars_low", 0), ("stars_high", 6), ("stars_low", 2.5), ("expanded_uncertainty_wh_per_1000_queries", -0.1)],
)
def test_the_report_schema_holds_the_interval_to_its_meaning(edition: str, member: str, value: object) -> None:
    report = json.loads(run_cli("validate", "-o", "json", *STAMP, str(SPANS)).stdout)
    schema = _schema(edition)
    validator = validators.validator_for(schema)(schema)
    validator.validate(report)
    report["files"][0][member] = value
    assert not validator.is_valid(report)


def test_a_non_finite_interval_fact_is_left_out_rather_than_written_as_invalid_json() -> None:
    result = FileResult("x.yaml", "0" * 64, aerp_version="1.1.0", facts={"stars_low": 3, "stars_high": 5})
    result.facts["expanded_uncertainty_wh_per_1000_queries"] = float("inf")
    text = json_report.render(Run(results=[result], tool_version="t", timestamp="t"))
    entry = json.loads(text)["files"][0]
    assert "Infinity" not in text and "expanded_uncertainty_wh_per_1000_queries" not in entry
    assert (entry["stars_low"], entry["stars_high"]) == (3, 5)
