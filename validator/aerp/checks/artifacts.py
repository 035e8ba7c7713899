"""Artifacts: the raw logs a submission lists, named by paths confined to its own folder.

The validator never opens an artifact (it reads only the files it is given); it checks that
every path is one that a reviewer's tooling could resolve inside the submission's folder
without being led elsewhere: relative, with forward slashes, no `..`, no drive, no scheme.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aerp.findings import Severity
from aerp.registry import Context, Problem, check

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f]")  # the characters below U+0020


def _unconfined(path: str) -> str | None:
    """Why ``path`` could lead outside the submission's folder, or None when it cannot."""
    if path.startswith("/"):
        return "it is absolute"
    if "\\" in path:
        return "it uses a backslash; paths use / as separator"
    if _SCHEME.match(path):
        return "it has a drive letter or a URI scheme"
    if _CONTROL.search(path):
        return "it holds a control character"
    segments = path.split("/")
    if ".." in segments:
        return "it climbs out of the folder with `..`"
    if any(segment in ("", ".") for segment in segments):
        return "it has an empty or `.` segment"
    return None


@check(
    "AERP-A001",
    Severity.ERROR,
    "REQ-REPORT-4",
    "Every artifact path is relative and stays inside the submission's folder.",
    inputs=("/artifacts",),
)
def confined_paths(ctx: Context) -> Iterator[Problem]:
    for index, artifact in enumerate(ctx.data["artifacts"]):
        reason = _unconfined(artifact["path"])
        if reason:
            yield Problem(
                f"/artifacts/{index}/path",
                f"artifact path `{artifact['path'][:80]}` is refused: {reason}",
                hint="give the path of the log relative to the submission's folder, e.g. logs/run.json",
            )


@check("AERP-A002", Severity.ERROR, "REQ-REPORT-5", "No two artifacts have the same path.", inputs=("/artifacts",))
def distinct_paths(ctx: Context) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, artifact in enumerate(ctx.data["artifacts"]):
        path = artifact["path"]
        if path in seen:
            yield Problem(
                f"/artifacts/{index}/path",
                f"artifact {index + 1} repeats the path of artifact {seen[path] + 1}: `{path[:80]}`",
            )
        else:
            seen[path] = index
