"""The version stage: a submission names the exact AERP version it follows.

This runs before the schema, because the version decides which schema applies. A document
without a version is often not a submission at all but a measurement tool's own output
(CodeCarbon's emissions.csv, an AI Energy Score report, an MLPerf system description): that
is recognised by its shape, and the finding names the ``aerp ingest`` command that turns it
into a submission, instead of asking for an ``aerp_version`` it was never meant to have.
"""

from __future__ import annotations

from typing import Any

from aerp.findings import Severity
from aerp.protocol import Protocol, for_version, supported_versions
from aerp.registry import Problem, declare

declare(
    "AERP-V001",
    Severity.ERROR,
    "REQ-VERSION-1",
    "The submission declares, in aerp_version, a version of AERP that this validator supports.",
    "version",
)


# Columns of CodeCarbon's emissions.csv that every version since 2.0 writes.
_CODECARBON_COLUMNS = {"timestamp", "duration", "emissions", "energy_consumed"}
# Keys of an MLPerf systems/<id>.json that only such a description has.
_MLPERF_KEYS = {"accelerator_model_name", "accelerators_per_node", "host_processor_model_name", "number_of_nodes"}


def _csv_columns(text: str) -> set[str]:
    """The column names of the first line of ``text``, if it reads as a CSV header."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if first.count(",") < 3:
        return set()
    return {cell.strip().strip('"').strip() for cell in first.split(",")}


def tool_output(data: Any) -> tuple[str, str, str] | None:
    """(the ``aerp ingest`` kind, what the document is, what to give ingest) for a tool's own output.

    ``data`` is the loaded document; a CSV named on the command line is read as YAML, which
    makes it one string, so a string is read for its header line. None for anything else.
    """
    if isinstance(data, str):
        columns = _csv_columns(data)
        if columns >= _CODECARBON_COLUMNS:
            return "codecarbon", "CodeCarbon's emissions.csv", "<this file> --task <task>"
        if "config_name" in columns and any(c.startswith("energy_") for c in columns):
            return "aies-v2", "the benchmark_results.csv of an AI Energy Score v2 run", "<its run folder>"
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("summary"), dict) and isinstance(data.get("energy"), dict):
        return "aies-v2", "an AI Energy Score v2 benchmark_report.json", "<its run folder>"
    if any(isinstance(v, dict) and isinstance(v.get("energy"), dict) and "unit" in v["energy"] for v in data.values()):
        return (
            "aies-v1",
            "optimum-benchmark's benchmark_report.json (AI Energy Score v1)",
            "<this file> --task <task>",
        )
    if "total" in data and any(isinstance(k, str) and k.endswith("_wh") for k in data):
        return "aies-v2", "the GPU_ENERGY_SUMMARY.json of an AI Energy Score v2 run", "<its run folder>"
    if len(_MLPERF_KEYS & set(data)) >= 2:
        return "mlperf-system", "an MLPerf system description", "<this file>"
    return None


def tool_problem(data: Any) -> Problem | None:
    """The V001 problem of a tool's own output: what it is, and the command that converts it."""
    recognised = tool_output(data)
    if recognised is None:
        return None
    kind, what, given = recognised
    return Problem(
        "",
        f"this is {what}, not an AERP submission: it names no `aerp_version`",
        hint=f"turn it into a submission with `aerp ingest {kind} {given}`",
    )


def tool_hint(text: str) -> str | None:
    """The ``aerp ingest`` hint for a file that did not even load, judged by its first line."""
    recognised = tool_output(text)
    if recognised is None:
        return None
    kind, what, given = recognised
    return f"this looks like {what}: turn it into a submission with `aerp ingest {kind} {given}`"


def resolve_version(data: Any) -> tuple[Protocol | None, Problem | None]:
    """The protocol the document declares, or the one problem that prevents knowing it."""
    supported = ", ".join(supported_versions())
    if not isinstance(data, dict) or "aerp_version" not in data:
        recognised = tool_problem(data)
        if recognised is not None:
            return None, recognised
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string"}.get(type(data), "a scalar")
        return None, Problem("", f"a submission is a mapping with `aerp_version`; this document is {kind}")
    declared = data.get("aerp_version")
    if declared is None:
        return None, Problem(
            "",
            "`aerp_version` is missing: a submission names the exact AERP version it follows",
            hint=f'add `aerp_version: "{supported_versions()[-1]}"`; supported: {supported}',
        )
    if not isinstance(declared, str):
        return None, Problem(
            "/aerp_version",
            f'`aerp_version` must be a string such as "{supported_versions()[-1]}"',
            hint="quote the version: a bare 1.0 is read as a number",
        )
    protocol = for_version(declared)
    if protocol is None:
        return None, Problem(
            "/aerp_version", f"AERP version `{declared}` is not supported; supported versions: {supported}"
        )
    return protocol, None
