"""The version stage: a submission names the exact AERP version it follows.

This runs before the schema, because the version decides which schema applies.
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


def resolve_version(data: Any) -> tuple[Protocol | None, Problem | None]:
    """The protocol the document declares, or the one problem that prevents knowing it."""
    supported = ", ".join(supported_versions())
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
