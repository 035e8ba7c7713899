"""The default output: one line per finding, editor-clickable, then one summary line.

``path:line:col: severity CHECK-ID message — hint [REQ-ID]``
"""

from __future__ import annotations

import click

from aerp.findings import Severity
from aerp.render.run import Run
from aerp.safe_text import printable

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(run: Run) -> str:
    lines: list[str] = []
    for result in run.results:
        for finding in result.findings:
            severity = finding.severity.value
            if run.color:
                severity = click.style(severity, fg=_COLOURS[finding.severity], bold=True)
            message = printable(finding.message + (f" — {finding.hint}" if finding.hint else ""))
            lines.append(
                f"{printable(result.path)}:{finding.line}:{finding.column}: {severity} {finding.check} "
                f"{message} [{finding.requirement}]"
            )
    s = run.summary()
    lines.append(
        f"{_plural(s['files'], 'file')}: {s['conformant']} conformant, {s['non_conformant']} non-conformant, "
        f"{s['unreadable']} unreadable; {_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}"
    )
    return "\n".join(lines) + "\n"
