"""The registry of checks: every rule the validator enforces, with its metadata.

A check is declared once, with its identifier, default severity, the requirement of the
specification it enforces and a one-line summary; ``aerp checks`` and the traceability
matrix are generated from here. Stage checks (load, version, schema) are emitted by their
pipeline stage; semantic checks are plain functions of a :class:`Context` that yield
:class:`Problem` records and do no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aerp.findings import Severity
from aerp.protocol import Protocol

_CHECK_ID = re.compile(r"^AERP-[A-Z]\d{3}$")
_REQUIREMENT_ID = re.compile(r"^REQ-[A-Z]+-\d+$")


@dataclass(frozen=True)
class Problem:
    """What a semantic check yields: where, what, and optionally how to fix it."""

    pointer: str
    message: str
    hint: str | None = None
    severity: Severity | None = None  # None: the check's default
    requirement: str | None = None  # None: the check's requirement


@dataclass
class Context:
    """What a semantic check may look at: the document and the protocol it declares."""

    data: dict[str, Any]
    protocol: Protocol
    facts: dict[str, Any] = field(default_factory=dict)  # what the report shows (energy, stars)
    cache: dict[str, Any] = field(default_factory=dict)  # what checks share within one file

    @property
    def params(self) -> dict[str, Any]:
        return self.protocol.params

    @property
    def closed(self) -> bool:
        return self.data.get("division") == "closed"


CheckFunction = Callable[[Context], Iterable[Problem]]


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    requirement: str
    summary: str
    stage: str
    function: CheckFunction | None = None
    inputs: tuple[str, ...] = ()
    retired: bool = False


REGISTRY: dict[str, Check] = {}


def _register(entry: Check) -> Check:
    if not _CHECK_ID.match(entry.id):
        raise ValueError(f"bad check id {entry.id!r}")
    if not _REQUIREMENT_ID.match(entry.requirement):
        raise ValueError(f"bad requirement id {entry.requirement!r} for {entry.id}")
    if entry.id in REGISTRY:
        raise ValueError(f"check id {entry.id} declared twice")
    REGISTRY[entry.id] = entry
    return entry


def declare(check_id: str, severity: Severity, requirement: str, summary: str, stage: str) -> Check:
    """Declare a check that a pipeline stage (load, version, schema) emits itself."""
    return _register(Check(check_id, severity, requirement, summary, stage))


def check(
    check_id: str,
    severity: Severity,
    requirement: str,
    summary: str,
    inputs: tuple[str, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a semantic check.

    ``inputs`` are the JSON Pointers the check reads (``*`` matches any array index or
    key). When the schema stage already reported a defect at, above or below one of them,
    the check stays silent: one defect, one finding.
    """

    def decorate(function: CheckFunction) -> CheckFunction:
        _register(Check(check_id, severity, requirement, summary, "semantic", function, inputs))
        return function

    return decorate


def all_checks() -> list[Check]:
    import aerp.checks  # noqa: F401 - registers every check

    return sorted(REGISTRY.values(), key=lambda c: c.id)


def _segments(pointer: str) -> list[str]:
    return pointer.split("/")[1:] if pointer else []


def overlaps(pattern: str, pointer: str) -> bool:
    """True when one of the two pointers lies on the path of the other (``*`` matches any token)."""
    for left, right in zip(_segments(pattern), _segments(pointer), strict=False):
        if left != right and left != "*" and right != "*":
            return False
    return True


def semantic_checks() -> Iterator[Check]:
    for entry in all_checks():
        if entry.stage == "semantic" and entry.function is not None and not entry.retired:
            yield entry
