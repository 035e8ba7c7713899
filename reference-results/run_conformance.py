#!/usr/bin/env python3
"""Run the AERP conformance suite against any validator and report how much of it the validator reproduces.

Usage::

    python reference-results/run_conformance.py [--suite reference-results/1.0]
        [--manifest reference-results/manifest-1.0.yaml] [--json out.json] [--date YYYY-MM-DD]
        -- COMMAND ...

COMMAND is any program that validates a folder and prints an AERP JSON report (the format of
schemas/1.0/report.schema.json: ``files[]`` with ``path``, ``verdict`` and ``findings[].check``).
The suite folder is appended to it as its last argument, and it is run once, e.g.
``-- aerp validate -o json``.

A case passes when the report's verdict and *set* of check ids for that file equal the manifest's;
messages, hints, lines and columns are the implementation's own. A case the report leaves out is an
*error*, never dropped silently; report entries that are not cases are listed but not counted.

Exit status: 0 when every case passes, 1 when any fails or errs, 2 on a usage error or when the
command's output is not an AERP JSON report.

The script stands alone on purpose -- standard library and PyYAML (the manifest is YAML), no
import of ``aerp`` -- so that another implementation can run it without installing this one, and
its output is deterministic (no clock, no absolute paths it was not given) so that two runs of the
same validator can be compared byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_SUITE = HERE / "1.0"
DEFAULT_MANIFEST = HERE / "manifest-1.0.yaml"
VERDICTS = ("conformant", "non-conformant", "unreadable")
OUTCOMES = ("pass", "fail", "error")
RESULT_FORMAT = "1.0"

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Anything that stops the run before a case can be judged: exit status 2."""


@dataclass(frozen=True)
class Case:
    """One file of the suite and what a conforming validator says about it."""

    file: str
    description: str
    verdict: str
    checks: frozenset[str]

    @property
    def group(self) -> str:
        """The top folder of the case (conformant/ or non-conformant/), the unit of the per-group totals."""
        parts = PurePosixPath(self.file).parts
        return f"{parts[0]}/" if len(parts) > 1 else "./"


@dataclass
class Manifest:
    """The parsed manifest, with its digest: the digest pins which expectations a result was measured against."""

    suite: str
    aerp_version: str
    sha256: str
    cases: list[Case]
    not_covered: list[dict[str, str]]


@dataclass
class Outcome:
    """The judgement on one case; ``actual`` is None when the report had no usable entry for it."""

    case: Case
    outcome: str
    reasons: list[str] = field(default_factory=list)
    actual_verdict: str | None = None
    actual_checks: list[str] | None = None


# --- reading the inputs ---------------------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it, so output does not vary
    with where the repository is checked out."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def load_manifest(path: Path) -> Manifest:
    """Read the manifest and check the little of its shape the runner relies on (manifest.schema.json has the rest,
    but jsonschema is not a dependency of this script)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the manifest {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise UsageError(f"the manifest {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise UsageError(f"the manifest {path} has no `cases` list")
    cases: list[Case] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["cases"]):
        where = f"the manifest's case {index}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} is not a mapping")
        file, verdict, checks = entry.get("file"), entry.get("verdict"), entry.get("checks")
        if not isinstance(file, str) or not file:
            raise UsageError(f"{where} has no `file`")
        if file in seen:
            raise UsageError(f"{where}: `{file}` is listed twice")
        if verdict not in VERDICTS:
            raise UsageError(f"{where} (`{file}`): `verdict` is not one of {', '.join(VERDICTS)}")
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise UsageError(f"{where} (`{file}`): `checks` is not a list of check ids")
        seen.add(file)
        cases.append(Case(file, str(entry.get("description", "")), verdict, frozenset(checks)))
    not_covered = [
        {"check": str(item.get("check", "")), "reason": str(item.get("reason", ""))}
        for item in data.get("not_covered") or []
        if isinstance(item, dict)
    ]
    return Manifest(
        suite=str(data.get("suite", "")),
        aerp_version=str(data.get("aerp_version", "")),
        sha256=hashlib.sha256(content).hexdigest(),
        cases=sorted(cases, key=lambda c: c.file),
        not_covered=sorted(not_covered, key=lambda item: item["check"]),
    )


def run_command(command: list[str]) -> tuple[dict[str, Any], int]:
    """Run the validator once and parse its standard output; anything but a JSON object with a `files` list is a
    usage error, since no case can be judged from it."""
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except OSError as exc:
        raise UsageError(f"cannot run {shlex.join(command)}: {exc.strerror or exc}") from None
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
    context = f" (exit status {done.returncode}" + (f"; its last error lines: {' | '.join(tail)})" if tail else ")")
    try:
        report = json.loads(done.stdout)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"the command's output is not JSON: {exc}{context}") from None
    if not isinstance(report, dict) or not isinstance(report.get("files"), list):
        raise UsageError(f"the command's output is not an AERP JSON report: it has no `files` list{context}")
    return report, done.returncode


# --- matching report entries to cases -------------------------------------------------------------------------


def suite_relative(raw: str, suite: Path, known: set[str]) -> str | None:
    """Where a reported path stands in the suite folder, as the manifest writes it (forward slashes).

    Implementations print paths in their own way: as given (relative to the working folder), absolute, resolved
    through symbolic links, or relative to the folder they were handed. Each reading is tried in that order, and
    the first that names a case wins; failing that, the first that falls inside the suite at all.
    """
    reported = Path(raw)
    absolute = reported if reported.is_absolute() else Path.cwd() / reported
    bases = [Path(os.path.normpath(suite.absolute())), Path(os.path.realpath(suite))]
    readings: list[str] = []
    for candidate in (Path(os.path.normpath(absolute)), Path(os.path.realpath(absolute))):
        for base in bases:
            try:
                readings.append(candidate.relative_to(base).as_posix())
            except ValueError:
                continue
    if not reported.is_absolute():
        inside = os.path.normpath(raw)
        if not inside.startswith(".."):
            readings.append(Path(inside).as_posix())
    for reading in readings:
        if reading in known:
            return reading
    return readings[0] if readings else None


def entry_problem(entry: dict[str, Any]) -> str | None:
    """Why a report entry cannot be compared at all, if it cannot: then the case is an error, not a failure."""
    if not isinstance(entry.get("verdict"), str):
        return "the report entry has no `verdict` string"
    findings = entry.get("findings")
    if not isinstance(findings, list):
        return "the report entry has no `findings` list"
    if not all(isinstance(f, dict) and isinstance(f.get("check"), str) for f in findings):
        return "a finding of the report entry has no `check` string"
    return None


def judge(case: Case, entries: list[dict[str, Any]]) -> Outcome:
    """Pass when verdict and set of check ids equal the manifest's; the reasons say exactly what differs."""
    if not entries:
        return Outcome(case, "error", ["the report has no entry for this file"])
    if len(entries) > 1:
        return Outcome(case, "error", [f"the report lists this file {len(entries)} times"])
    entry = entries[0]
    problem = entry_problem(entry)
    if problem:
        return Outcome(case, "error", [problem])
    verdict: str = entry["verdict"]
    checks = {f["check"] for f in entry["findings"]}
    reasons: list[str] = []
    if verdict != case.verdict:
        reasons.append(f"verdict {verdict}, expected {case.verdict}")
    missing, unexpected = sorted(case.checks - checks), sorted(checks - case.checks)
    if missing:
        reasons.append(f"missing check(s) {', '.join(missing)}")
    if unexpected:
        reasons.append(f"unexpected check(s) {', '.join(unexpected)}")
    return Outcome(case, "fail" if reasons else "pass", reasons, verdict, sorted(checks))


def evaluate(manifest: Manifest, report: dict[str, Any], suite: Path) -> tuple[list[Outcome], list[str]]:
    """Every case judged, in manifest-file order, and the report entries that are no case (sorted)."""
    known = {case.file for case in manifest.cases}
    by_case: dict[str, list[dict[str, Any]]] = {file: [] for file in known}
    extra: list[str] = []
    for entry in report["files"]:
        raw = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(raw, str):
            extra.append(f"<an entry without a `path` string: {json.dumps(entry, sort_keys=True)[:80]}>")
            continue
        placed = suite_relative(raw, suite, known)
        if placed in by_case:
            by_case[placed].append(entry)
        else:
            extra.append(raw)
    return [judge(case, by_case[case.file]) for case in manifest.cases], sorted(extra)


# --- the result -----------------------------------------------------------------------------------------------


def percent(passed: int, total: int) -> str:
    """One decimal, rounded down, so that 100.0 % means every case passed and nothing else does."""
    if total == 0:
        return "0.0"
    tenths = passed * 1000 // total
    return f"{tenths // 10}.{tenths % 10}"


def tally(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Counts per outcome; the headline is passed / all cases (Bowtie's 1 - (failed + errored) / total)."""
    counts = {name: sum(1 for o in outcomes if o.outcome == name) for name in OUTCOMES}
    return {"cases": len(outcomes), **counts, "percent": float(percent(counts["pass"], len(outcomes)))}


def build_result(
    manifest: Manifest,
    suite_shown: str,
    manifest_shown: str,
    command: list[str],
    exit_code: int,
    report: dict[str, Any],
    outcomes: list[Outcome],
    extra: list[str],
    when: str | None,
) -> dict[str, Any]:
    """The machine-readable result (written by --json); the text output is rendered from the same data."""
    groups = sorted({o.case.group for o in outcomes})
    tool = report.get("tool")
    result: dict[str, Any] = {
        "result_format": RESULT_FORMAT,
        "suite": {
            "name": manifest.suite,
            "aerp_version": manifest.aerp_version,
            "path": suite_shown,
            "manifest": manifest_shown,
            "manifest_sha256": manifest.sha256,
        },
        "implementation": tool if isinstance(tool, dict) else None,
        "command": command,
        "command_exit_status": exit_code,
    }
    if when is not None:
        result["date"] = when
    result["not_covered"] = manifest.not_covered
    result["cases"] = [
        {
            "file": o.case.file,
            "group": o.case.group,
            "outcome": o.outcome,
            "reasons": o.reasons,
            "expected": {"verdict": o.case.verdict, "checks": sorted(o.case.checks)},
            "actual": None if o.actual_verdict is None else {"verdict": o.actual_verdict, "checks": o.actual_checks},
        }
        for o in outcomes
    ]
    result["extra_report_entries"] = extra
    result["totals"] = {
        **tally(outcomes),
        "groups": {group: tally([o for o in outcomes if o.case.group == group]) for group in groups},
    }
    return result


def render_text(result: dict[str, Any]) -> str:
    """Per case pass/fail/error with reasons, extras, non-goals, totals per group, and the headline last."""
    suite, totals = result["suite"], result["totals"]
    lines = [
        f"suite: {suite['name']} (AERP {suite['aerp_version']}) at {suite['path']}",
        f"manifest: {suite['manifest']} (sha256 {suite['manifest_sha256']})",
        f"command: {shlex.join(result['command'])} (exit status {result['command_exit_status']})",
    ]
    tool = result["implementation"]
    if tool:
        lines.append(f"implementation: {tool.get('name', '?')} {tool.get('version', '?')}")
    if "date" in result:
        lines.append(f"date: {result['date']}")
    for group in totals["groups"]:
        lines.append("")
        lines.append(group)
        for case in (c for c in result["cases"] if c["group"] == group):
            reasons = f": {'; '.join(case['reasons'])}" if case["reasons"] else ""
            lines.append(f"  {case['outcome']:<5} {case['file']}{reasons}")
    if result["extra_report_entries"]:
        lines.append("")
        lines.append("report entries that are not cases of the manifest (not counted):")
        lines.extend(f"  {path}" for path in result["extra_report_entries"])
    if result["not_covered"]:
        lines.append("")
        lines.append("not covered by the suite:")
        lines.extend(f"  {item['check']}: {item['reason']}" for item in result["not_covered"])
    lines.append("")
    width = max(len(group) for group in totals["groups"]) if totals["groups"] else 0
    for group, count in totals["groups"].items():
        lines.append(
            f"{group:<{width}}  {count['pass']} of {count['cases']} pass, {count['fail']} fail, {count['error']} error"
        )
    lines.append(
        f"conformance: {totals['pass']} of {totals['cases']} cases ({percent(totals['pass'], totals['cases'])} %)"
    )
    return "\n".join(lines) + "\n"


# --- command line ---------------------------------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split at the first `--`: options before, the validator command after (it may have options of its own)."""
    parser = argparse.ArgumentParser(
        prog="run_conformance.py",
        usage="%(prog)s [--suite DIR] [--manifest FILE] [--json OUT] [--date DATE] -- COMMAND ...",
        description="Run the AERP conformance suite against a validator that prints an AERP JSON report. "
        "The suite folder is appended to COMMAND as its last argument.",
    )
    parser.add_argument("--suite", type=Path, default=None, help="the suite folder (default: 1.0 beside this script)")
    parser.add_argument(
        "--manifest", type=Path, default=None, help="the manifest (default: manifest-1.0.yaml beside this script)"
    )
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write the result as JSON to OUT")
    parser.add_argument("--date", default=None, help="the date to record in the result (ISO 8601); none if omitted")
    if "--" not in argv:
        parser.print_usage(sys.stderr)
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: give the validator command after `--`\n")
    split = argv.index("--")
    options, command = parser.parse_args(argv[:split]), argv[split + 1 :]
    if not command:
        parser.print_usage(sys.stderr)
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: the validator command after `--` is empty\n")
    if options.date is not None:
        try:
            date.fromisoformat(options.date[:10])
        except ValueError:
            parser.exit(
                EXIT_USAGE,
                f"{parser.prog}: error: --date {options.date!r} does not start with a valid date (YYYY-MM-DD)\n",
            )
    return options, command


def main(argv: list[str] | None = None) -> int:
    """Run once, judge every case, print the report; the exit status says whether the validator conforms."""
    options, command = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    suite: Path = options.suite if options.suite is not None else DEFAULT_SUITE
    manifest_path: Path = options.manifest if options.manifest is not None else DEFAULT_MANIFEST
    suite_shown = str(options.suite) if options.suite is not None else display_path(DEFAULT_SUITE)
    manifest_shown = str(options.manifest) if options.manifest is not None else display_path(DEFAULT_MANIFEST)
    try:
        if not suite.is_dir():
            raise UsageError(f"the suite folder {suite_shown} does not exist")
        manifest = load_manifest(manifest_path)
        full_command = [*command, suite_shown]
        report, exit_code = run_command(full_command)
    except UsageError as exc:
        print(f"run_conformance.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    outcomes, extra = evaluate(manifest, report, suite)
    result = build_result(
        manifest, suite_shown, manifest_shown, full_command, exit_code, report, outcomes, extra, options.date
    )
    sys.stdout.write(render_text(result))
    if options.json is not None:
        try:
            options.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"run_conformance.py: error: cannot write {options.json}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    everything_passed = bool(outcomes) and all(o.outcome == "pass" for o in outcomes)
    return EXIT_PASS if everything_passed else EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
