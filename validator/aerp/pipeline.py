"""One file through the pipeline: load, version, schema, semantic checks, located findings.

Each stage that fails stops the ones that depend on it: an unreadable file gets its one
load finding; a file whose version is unknown cannot be checked against any schema; a
semantic check whose inputs the schema already rejected stays silent. A check that raises
is a bug of the validator, not of the file: it propagates, and the CLI exits 3.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from aerp.checks.schema import validate as schema_problems
from aerp.checks.units import conversion_problems
from aerp.checks.version import resolve_version
from aerp.findings import FileResult, Finding
from aerp.load import Document, Limits, LoadError, decode, guess_format, load_text, read_bytes
from aerp.pointer import resolve
from aerp.protocol import load_minor, minor_versions
from aerp.registry import REGISTRY, Context, Problem, all_checks, overlaps, semantic_checks


def default_limits() -> Limits:
    """The bounds of the newest protocol version (they apply before the version is known)."""
    values = load_minor(minor_versions()[-1]).limits
    return Limits(**{k: int(v) for k, v in values.items()})


def _finding(check_id: str, problem: Problem, document: Document | None) -> Finding:
    entry = REGISTRY[check_id]
    line, column = document.locate(problem.pointer) if document else (1, 1)
    return Finding(
        check=check_id,
        severity=problem.severity or entry.severity,
        pointer=problem.pointer,
        message=problem.message,
        requirement=problem.requirement or entry.requirement,
        line=line,
        column=column,
        hint=problem.hint,
    )


def _load_failure(path: str, digest: str | None, error: LoadError) -> FileResult:
    entry = REGISTRY[error.check]
    finding = Finding(
        error.check, entry.severity, "", error.message, entry.requirement, error.line, error.column, error.hint
    )
    return FileResult(path=path, sha256=digest, findings=[finding], loaded=False)


def validate_file(path: Path, display: str | None = None, limits: Limits | None = None) -> FileResult:
    """Validate the file at ``path``; ``display`` is the name used in the report."""
    all_checks()  # make sure every check is registered
    name = display if display is not None else str(path)
    limits = limits or default_limits()
    try:
        content = read_bytes(path, limits.max_bytes)
    except LoadError as error:
        return _load_failure(name, None, error)
    digest = hashlib.sha256(content).hexdigest()
    try:
        text = decode(content)
        document = load_text(text, guess_format(path, text), limits)
    except LoadError as error:
        return _load_failure(name, digest, error)
    return validate_document(document, name, digest)


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    """What a report shows of a submission, where the document states it plainly."""
    model = resolve(data, "/model", {})
    accelerators = resolve(data, "/hardware/accelerators", {})
    facts: dict[str, Any] = {
        "task": data.get("task"),
        "division": data.get("division"),
        "model": resolve(model, "/repository"),
        "revision": resolve(model, "/revision"),
        "class": resolve(model, "/class"),
        "date": data.get("date"),
    }
    facts = {k: v for k, v in facts.items() if isinstance(v, str)}
    vendor, name, count = (resolve(accelerators, p) for p in ("/vendor", "/model", "/count"))
    if isinstance(vendor, str) and isinstance(name, str):
        facts["hardware"] = f"{count} × {vendor} {name}" if isinstance(count, int) else f"{vendor} {name}"
    return facts


def validate_document(document: Document, name: str, digest: str | None) -> FileResult:
    result = FileResult(path=name, sha256=digest)
    data: Any = document.data
    protocol, problem = resolve_version(data)
    if protocol is None:
        assert problem is not None
        result.findings.append(_finding("AERP-V001", problem, document))
        return result
    result.aerp_version = data["aerp_version"]
    tainted: list[str] = []
    for check_id, schema_problem in schema_problems(data, protocol):
        tainted.append(schema_problem.pointer)
        result.findings.append(_finding(check_id, schema_problem, document))
    result.facts.update(_facts(data))
    context = Context(data=data, protocol=protocol, facts=result.facts)
    for conversion in conversion_problems(context):  # like the schema: checks never see such a value
        tainted.append(conversion.pointer)
        result.findings.append(_finding("AERP-U006", conversion, document))
    for entry in semantic_checks():
        if any(overlaps(need, bad) for need in entry.inputs for bad in tainted):
            continue
        assert entry.function is not None
        for semantic_problem in entry.function(context):
            result.findings.append(_finding(entry.id, semantic_problem, document))
    result.findings = _once_each(result.findings)
    return result


def _once_each(findings: list[Finding]) -> list[Finding]:
    """Sorted by place, and a check that reports the same place twice (by two routes) reported once."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        if (finding.check, finding.pointer) not in seen:
            seen.add((finding.check, finding.pointer))
            unique.append(finding)
    return unique
