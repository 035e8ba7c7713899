"""The default output: one line per finding, editor-clickable, then one summary line.

``path:line:col: severity CHECK-ID message — hint [REQ-ID]``
"""

from __future__ import annotations

import click

from aerp.findings import FileResult, Severity
from aerp.render.run import Run
from aerp.safe_text import printable

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def finding_lines(result: FileResult, color: bool = False) -> list[str]:
    """The lines of one file's findings: written as each file is done, in a long run."""
    lines = []
    for finding in result.findings:
        severity = finding.severity.value
        if color:
            severity = click.style(severity, fg=_COLOURS[finding.severity], bold=True)
        message = printable(finding.message + (f" — {finding.hint}" if finding.hint else ""))
        lines.append(
            f"{printable(result.path)}:{finding.line}:{finding.column}: {severity} {finding.check} "
            f"{message} [{finding.requirement}]"
        )
    return lines


def summary_line(s: dict[str, int]) -> str:
    return (
        f"{_plural(s['files'], 'file')}: {s['conformant']} conformant, {s['non_conformant']} non-conformant, "
        f"{s['unreadable']} unreadable; {_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}"
    )


def render(run: Run) -> str:
    lines = [line for result in run.results for line in finding_lines(result, run.color)]
    lines.append(summary_line(run.summary()))
    return "\n".join(lines) + "\n"
