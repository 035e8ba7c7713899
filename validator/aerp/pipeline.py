"""One file through the pipeline: load, version, schema, semantic checks, located findings.

Each stage that fails stops the ones that depend on it: an unreadable file gets its one
load finding; a file whose version is unknown cannot be checked against any schema; a
semantic check whose inputs the schema already rejected stays silent. A check that raises
is a bug of the validator, not of the file: it propagates, and the CLI exits 3.

The cost of a file grows with its size, never faster: a check lists at most
``limits.max_findings_per_check`` findings per file and counts the rest in one more finding
of its own id, and deciding which semantic checks to silence takes one pass over the
rejected places, not a comparison of every check's inputs with every one of them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aerp.checks.schema import problems as schema_problems
from aerp.checks.schema import with_requirement
from aerp.checks.units import conversion_problems
from aerp.checks.version import resolve_version
from aerp.evidence import gather
from aerp.findings import FileResult, Finding, Severity
from aerp.load import Document, Limits, LoadError, decode, guess_format, load_text, read_bytes
from aerp.pointer import resolve
from aerp.protocol import load_minor, minor_versions
from aerp.quantities import forget_conversions
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


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class _Findings:
    """The findings of one file, each (check, place) once, at most ``cap`` listed per check.

    A hostile file can hold hundreds of thousands of defects; listing them all costs time and
    says nothing more than the first hundred. The ones past the cap are only counted (no
    location, no message), and one more finding of the same check says how many there were,
    with the most severe of their severities, so the verdict and the record of every check
    that fired stay as they were.
    """

    def __init__(self, document: Document, cap: int) -> None:
        self.document = document
        self.cap = cap
        self.listed: list[Finding] = []
        self._places: dict[str, set[str]] = {}
        self._counts: dict[str, int] = {}
        self._overflow: dict[str, tuple[int, Problem, Severity]] = {}

    def add(self, check_id: str, problem: Problem, finish: Callable[[str, Problem], Problem] | None = None) -> None:
        """Record one problem; ``finish`` completes it (its requirement, say) only if it is listed."""
        places = self._places.setdefault(check_id, set())
        if problem.pointer in places:
            return  # the same place reported by two routes
        places.add(problem.pointer)
        count = self._counts.get(check_id, 0) + 1
        self._counts[check_id] = count
        if count <= self.cap:
            self.listed.append(_finding(check_id, finish(check_id, problem) if finish else problem, self.document))
            return
        severity = problem.severity or REGISTRY[check_id].severity
        more, first, worst = self._overflow.get(check_id, (0, problem, severity))
        self._overflow[check_id] = (more + 1, first, max(worst, severity, key=_RANK.__getitem__))

    def result(self) -> list[Finding]:
        for check_id, (more, first, worst) in self._overflow.items():
            summary = Problem(
                first.pointer,
                f"{more} more {'finding' if more == 1 else 'findings'} of {check_id} in this file, not listed "
                f"(at most {self.cap} are listed per check and file)",
                hint="correct the ones listed and validate again; the limit is protocol.yaml "
                "`limits.max_findings_per_check`",
                severity=worst,
            )
            self.listed.append(_finding(check_id, summary, self.document))
        return sorted(self.listed, key=Finding.sort_key)


def _load_failure(path: str, digest: str | None, error: LoadError) -> FileResult:
    entry = REGISTRY[error.check]
    finding = Finding(
        error.check, entry.severity, "", error.message, entry.requirement, error.line, error.column, error.hint
    )
    return FileResult(path=path, sha256=digest, findings=[finding], loaded=False)


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while one file is read and checked, and resumed after.

    A submission is a tree of mappings and lists, which reference counting frees. The cycle
    collector runs by allocation counts and traverses every object that is alive, so while a
    large document is built and checked it would walk that document again and again: the cost of
    a file would grow faster than its size (about ×15 for ten times the repetitions instead of
    ×10). The few cycles a check makes (a closure that refers to its analysis) are collected
    once the collector resumes, at the next allocations after the file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_file(path: Path, display: str | None = None, limits: Limits | None = None) -> FileResult:
    """Validate the file at ``path``; ``display`` is the name used in the report."""
    with cycle_collection_paused():
        return _validate_file(path, display, limits)


def _validate_file(path: Path, display: str | None, limits: Limits | None) -> FileResult:
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
    return validate_document(document, name, digest, limits, base=path.resolve().parent)


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


def validate_document(
    document: Document, name: str, digest: str | None, limits: Limits | None = None, base: Path | None = None
) -> FileResult:
    """The findings of a loaded document: its version, its schema, its traces read, then every semantic check.

    ``base`` is the folder the submission was read from: the traces it names are read there
    (:mod:`aerp.evidence`). A document without a folder is checked without its traces.
    """
    forget_conversions()  # the conversions remembered are this file's own (memory stays flat)
    result = FileResult(path=name, sha256=digest)
    data: Any = document.data
    protocol, problem = resolve_version(data)
    if protocol is None:
        assert problem is not None
        result.findings.append(_finding("AERP-V001", problem, document))
        return result
    result.aerp_version = data["aerp_version"]
    findings = _Findings(document, (limits or default_limits()).max_findings_per_check)
    tainted = _Tainted()

    def finish(check_id: str, schema_problem: Problem) -> Problem:
        return with_requirement(check_id, schema_problem, protocol)

    for check_id, schema_problem in schema_problems(data, protocol):
        tainted.add(schema_problem.pointer)
        findings.add(check_id, schema_problem, finish)
    result.facts.update(_facts(data))
    context = Context(data=data, protocol=protocol, facts=result.facts)
    context.cache["evidence"] = gather(data, protocol, base)
    for conversion in conversion_problems(context):  # like the schema: checks never see such a value
        tainted.add(conversion.pointer)
        findings.add("AERP-U006", conversion)
    context.cache["tainted"] = tainted  # shared analyses that other checks call ask it too
    for entry in semantic_checks(protocol.version):
        if tainted.touches(entry.inputs):
            continue
        assert entry.function is not None
        for semantic_problem in entry.function(context):
            findings.add(entry.id, semantic_problem)
    result.findings = findings.result()
    return result


class _Tainted:
    """The places the schema or unit stages rejected, indexed by the shape of the pointers that ask.

    A semantic check stays silent when one of its inputs lies on the path of a rejected place
    (:func:`aerp.registry.overlaps`). Comparing every input with every rejected place costs
    their product, which a file with a hundred thousand schema errors makes quadratic. Instead
    each rejected place is matched once against an index of the inputs' prefixes, keyed by the
    positions of their ``*`` tokens: a pass over the rejected places, whatever their number.
    """

    def __init__(self) -> None:
        self._places: set[str] = set()
        self._touched: set[str] | None = None

    def add(self, pointer: str) -> None:
        self._places.add(pointer)
        self._touched = None

    def touches(self, inputs: tuple[str, ...]) -> bool:
        if not self._places or not inputs:
            return False
        if self._touched is None:
            every_input = tuple(sorted({need for entry in semantic_checks() for need in entry.inputs}))
            self._touched = _touched_inputs(self._places, every_input)
        return any(need in self._touched for need in inputs)


# (mask: the positions of `*` tokens) -> (the other tokens -> the inputs that have them)
_Table = dict[tuple[int, ...], dict[tuple[str, ...], set[str]]]


@functools.lru_cache(maxsize=8)
def _input_index(inputs: tuple[str, ...]) -> tuple[dict[int, _Table], dict[int, _Table]]:
    """The inputs indexed by length and ``*`` positions, for :func:`_touched_inputs`.

    ``heads[n]`` holds each input's first n tokens: a rejected place of n tokens that matches
    one lies on that input's path. ``wholes[n]`` holds the inputs of n tokens: one that matches
    the first n tokens of a longer rejected place lies on that place's path.
    """
    heads: dict[int, _Table] = {}
    wholes: dict[int, _Table] = {}

    def enter(index: dict[int, _Table], tokens: tuple[str, ...], need: str) -> None:
        mask = tuple(i for i, t in enumerate(tokens) if t == "*")
        rest = tuple(t for t in tokens if t != "*")
        index.setdefault(len(tokens), {}).setdefault(mask, {}).setdefault(rest, set()).add(need)

    for need in inputs:
        tokens = _tokens(need)
        for length in range(len(tokens) + 1):
            enter(heads, tokens[:length], need)
        enter(wholes, tokens, need)
    return heads, wholes


def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(pointer.split("/")[1:]) if pointer else ()


def _touched_inputs(places: set[str], inputs: tuple[str, ...]) -> set[str]:
    """The inputs that lie on the path of a rejected place, or on whose path one lies: a pass over the places."""
    heads, wholes = _input_index(inputs)
    touched: set[str] = set()

    def look(table: _Table, tokens: tuple[str, ...]) -> None:
        for mask, entries in table.items():
            found = entries.get(tuple(t for i, t in enumerate(tokens) if i not in mask) if mask else tokens)
            if found:
                touched.update(found)

    for place in places:
        tokens = _tokens(place)
        if "*" in tokens:  # a key that is literally "*" matches like a wildcard: compare the slow way
            touched.update(need for need in inputs if overlaps(need, place))
            continue
        look(heads.get(len(tokens), {}), tokens)
        for length, table in wholes.items():
            if length < len(tokens):
                look(table, tokens[:length])
    return touched
