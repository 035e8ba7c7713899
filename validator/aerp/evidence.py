"""Reading a submission's traces: the load step of the evidence, before any check runs.

From AERP 1.1 a submission can name its raw measurement traces among its artifacts, and the
validator recomputes every repetition's energy from them. Reading a file that a stranger's
submission names is the riskiest thing the validator does, so this step is narrow: a trace
is opened only inside the submission's own folder, never through a symbolic link (in any
component of its path), only if it is a regular file within the protocol's size limit, and
only after its SHA-256 matches the digest the submission states. What the checks then
receive is a summary per measurement window (samples, energy, gaps, devices); the checks stay
pure functions and never open a file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WINDOWS = ("/results/idle",)


@dataclass
class TraceEvidence:
    """What the validator could learn from one trace artifact."""

    artifact: int
    path: str
    trace: dict[str, Any]
    problem: str | None = None  # why the trace could not be used (AERP-E002), in words
    kind: str | None = None  # "unreadable" (file system, limits, digest) or "content" (the trace itself)
    line: int | None = None  # the trace's line that a content problem concerns
    windows: dict[str, Any] = field(default_factory=dict)  # owner pointer -> window summary
    whole: Any = None  # the whole trace's summary


@dataclass
class Evidence:
    """Every trace of a submission, read; ``base`` None when the document has no folder (read from memory)."""

    base: Path | None
    traces: list[TraceEvidence] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.base is not None


def _windows(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The measurement windows the document states, by the pointer of the repetition (or idle) they belong to."""
    found: dict[str, tuple[float, float]] = {}
    results = data.get("results", {})
    owners = [(f"/results/repetitions/{i}", r) for i, r in enumerate(results.get("repetitions", []))]
    if isinstance(results.get("idle"), dict):
        owners.append(("/results/idle", results["idle"]))
    for pointer, owner in owners:
        window = owner.get("window") if isinstance(owner, dict) else None
        if isinstance(window, dict):
            start, end = window.get("start"), window.get("end")
            if isinstance(start, (int, float)) and isinstance(end, (int, float)) and not isinstance(start, bool):
                found[pointer] = (float(start), float(end))
    return found


def _unsafe(base: Path, relative: str) -> str | None:
    """Why ``relative`` may not be opened below ``base``; None for a confined regular file reached without links."""
    if relative.startswith("/") or "\\" in relative or ".." in relative.split("/"):
        return "its path leaves the submission's folder"
    current = base
    parts = [p for p in relative.split("/") if p]
    for index, part in enumerate(parts):
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return "it does not exist beside the submission"
        except OSError as error:
            return f"it cannot be read: {error.strerror or error}"
        if stat.S_ISLNK(info.st_mode):
            return "it is a symbolic link, which the validator never follows"
        if index < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            return "a component of its path is not a folder"
        if index == len(parts) - 1 and not stat.S_ISREG(info.st_mode):
            return "it is not a regular file (a folder, a FIFO, a socket or a device)"
    return None


def _digest(path: Path, limit: int) -> tuple[str | None, str | None]:
    """(SHA-256 hex, None) of a file read in chunks without following links, or (None, why not)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return None, f"it cannot be opened: {error.strerror or error}"
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None, "it is not a regular file"
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                return None, f"it is larger than the limit of {limit:,} bytes for a trace (protocol.yaml trace_limits)"
            digest.update(chunk)
    return digest.hexdigest(), None


def gather(data: Any, protocol: Any, base: Path | None) -> Evidence:
    """Read every trace ``data`` names, below ``base`` (the submission's folder)."""
    evidence = Evidence(base=base)
    if base is None or not isinstance(data, dict) or "trace_limits" not in protocol.params:
        return evidence
    artifacts = data.get("artifacts")
    if not isinstance(artifacts, list):
        return evidence
    limits = protocol.params["trace_limits"]
    windows = _windows(data)
    accelerators = data.get("hardware", {}).get("accelerators")
    power_limit = _power_limit_w(accelerators, protocol)
    if power_limit is not None:  # a single sample may overshoot the enforced limit by the protocol's tolerance
        power_limit *= 1 + float(protocol.params.get("evidence", {}).get("sample_over_limit", 0))
    for index, artifact in enumerate(artifacts):
        if not isinstance(artifact, dict) or not isinstance(artifact.get("trace"), dict):
            continue
        record = TraceEvidence(index, str(artifact.get("path", "")), artifact["trace"])
        evidence.traces.append(record)
        reason = _unsafe(base, record.path)
        if reason is None:
            digest, reason = _digest(base / record.path, int(limits["max_bytes"]))
            if reason is None and digest != artifact.get("sha256"):
                reason = f"its SHA-256 is {digest}, not the {artifact.get('sha256')} the submission states"
        if reason is not None:
            record.problem, record.kind = reason, "unreadable"
            continue
        _summarize(record, base / record.path, windows, power_limit, limits)
    return evidence


def _power_limit_w(accelerators: Any, protocol: Any) -> float | None:
    from aerp.quantities import exact_canonical

    try:
        return float(exact_canonical(accelerators["power_limit"], "power", protocol))
    except (KeyError, TypeError, ValueError):
        return None


def _summarize(
    record: TraceEvidence, path: Path, windows: dict[str, tuple[float, float]], limit: float | None, limits: Any
) -> None:
    from aerp import traces

    fmt = record.trace.get("format", "auto")
    bounds = traces.TraceLimits(**{k: int(v) for k, v in limits.items()})
    try:
        record.whole = traces.summarize(path, fmt=fmt, power_limit_W=limit, limits=bounds, follow_links=False)
        for pointer, window in windows.items():
            if window[0] < window[1]:
                record.windows[pointer] = traces.summarize(path, fmt=fmt, window=window, limits=bounds)
    except traces.TraceError as error:
        record.problem, record.kind, record.line = error.message, "content", error.line
    except ValueError as error:  # a format the reader does not know, a window it cannot use
        record.problem, record.kind = str(error), "content"
