"""The one record every stage of the pipeline produces, and the verdict it implies.

A finding is data, not text: renderers decide how it looks. Every finding names the check
that produced it and the requirement of the specification that it enforces, so that a
reader can go from any message to the sentence of the standard that it breaks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Verdict(str, enum.Enum):
    CONFORMANT = "conformant"
    NON_CONFORMANT = "non-conformant"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Finding:
    """One defect (or remark) in one file, located by JSON Pointer and line:column."""

    check: str
    severity: Severity
    pointer: str
    message: str
    requirement: str
    line: int = 1
    column: int = 1
    hint: str | None = None

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.column, self.check, self.pointer)

    def as_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "check": self.check,
            "severity": self.severity.value,
            "path": self.pointer,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "requirement": self.requirement,
        }
        if self.hint:
            record["hint"] = self.hint
        return record


@dataclass
class FileResult:
    """What the validator concluded about one input file."""

    path: str
    sha256: str | None
    findings: list[Finding] = field(default_factory=list)
    loaded: bool = True
    aerp_version: str | None = None
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def verdict(self) -> Verdict:
        if not self.loaded:
            return Verdict.UNREADABLE
        return Verdict.NON_CONFORMANT if self.errors else Verdict.CONFORMANT
