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

    @property
    def accelerators(self) -> dict[str, Any] | None:
        """``hardware.accelerators``, or None for a result measured without accelerators (open division, 1.1)."""
        accelerators = self.data.get("hardware", {}).get("accelerators")
        return accelerators if isinstance(accelerators, dict) else None


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
    since: str = "1.0"  # the first edition (minor version) whose rule the check enforces
    until: str | None = None  # the last such edition; None while the rule holds in the newest

    def applies_to(self, edition: str) -> bool:
        """True when the check belongs to ``edition`` (a minor version such as ``1.1``).

        Editions are compared as numbers, so that a check declared for 1.0 onwards applies
        to 1.2 without being touched: only the checks whose rule changes name an edition.
        """
        version = _minor(edition)
        return _minor(self.since) <= version and (self.until is None or version <= _minor(self.until))


def _minor(edition: str) -> tuple[int, int]:
    major, minor = edition.split(".")[:2]
    return int(major), int(minor)


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


def declare(check_id: str, severity: Severity, requirement: str, summary: str, stage: str, since: str = "1.0") -> Check:
    """Declare a check that a pipeline stage (load, version, schema) emits itself."""
    return _register(Check(check_id, severity, requirement, summary, stage, since=since))


def check(
    check_id: str,
    severity: Severity,
    requirement: str,
    summary: str,
    inputs: tuple[str, ...] = (),
    since: str = "1.0",
    until: str | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a semantic check.

    ``inputs`` are the JSON Pointers the check reads (``*`` matches any array index or
    key). When the schema stage already reported a defect at, above or below one of them,
    the check stays silent: one defect, one finding. ``since`` and ``until`` name the
    editions whose rule it enforces (see :meth:`Check.applies_to`).
    """

    def decorate(function: CheckFunction) -> CheckFunction:
        _register(
            Check(check_id, severity, requirement, summary, "semantic", function, inputs, since=since, until=until)
        )
        return function

    return decorate


def all_checks() -> list[Check]:
    import aerp.checks  # noqa: F401 - registers every check

    state = tuple(map(id, REGISTRY.values()))
    if _SORTED[0] != state:  # sorted again only when a check was registered or replaced since
        _SORTED[:] = [state, sorted(REGISTRY.values(), key=lambda c: c.id)]
    return list(_SORTED[1])


_SORTED: list[Any] = [(), []]  # (the registry's entries by identity, its checks sorted by id)


def _segments(pointer: str) -> list[str]:
    return pointer.split("/")[1:] if pointer else []


def overlaps(pattern: str, pointer: str) -> bool:
    """True when one of the two pointers lies on the path of the other (``*`` matches any token)."""
    for left, right in zip(_segments(pattern), _segments(pointer), strict=False):
        if left != right and left != "*" and right != "*":
            return False
    return True


def semantic_checks(edition: str | None = None) -> Iterator[Check]:
    """The semantic checks of ``edition`` (every edition's when None)."""
    ordered = all_checks()  # every check module imported, so that the registry is complete
    key = (edition, _SORTED[0])  # a check registered or replaced later (a plugin, a test) makes a new list
    found = _SEMANTIC.get(key)
    if found is None:
        found = _SEMANTIC[key] = tuple(
            entry
            for entry in ordered
            if entry.stage == "semantic"
            and entry.function is not None
            and not entry.retired
            and (edition is None or entry.applies_to(edition))
        )
    return iter(found)


# The semantic checks of each edition, by (edition, the registry's entries): the pipeline asks
# for them for every file, and the answer changes only when a check is registered or replaced.
_SEMANTIC: dict[tuple[str | None, tuple[int, ...]], tuple[Check, ...]] = {}
