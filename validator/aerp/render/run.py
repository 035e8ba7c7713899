"""What a renderer is given: the results of one run and the facts that identify the run."""

from __future__ import annotations

from dataclasses import dataclass, field

from aerp.findings import FileResult, Severity, Verdict


@dataclass
class Run:
    results: list[FileResult]
    tool_version: str
    timestamp: str
    color: bool = False
    extra: dict[str, object] = field(default_factory=dict)
    # counts kept instead of the results, when the results were written out as they came
    tally: dict[str, int] | None = None

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.results if r.verdict is verdict)

    def total(self, severity: Severity) -> int:
        return sum(1 for r in self.results for f in r.findings if f.severity is severity)

    @property
    def spec_versions(self) -> list[str]:
        return sorted({r.aerp_version for r in self.results if r.aerp_version})

    def summary(self) -> dict[str, int]:
        if self.tally is not None:
            return dict(self.tally)
        return {
            "files": len(self.results),
            "conformant": self.count(Verdict.CONFORMANT),
            "non_conformant": self.count(Verdict.NON_CONFORMANT),
            "unreadable": self.count(Verdict.UNREADABLE),
            "errors": self.total(Severity.ERROR),
            "warnings": self.total(Severity.WARNING),
        }
