"""Reading evidence: raw power and energy-counter traces, summarised per window.

From AERP 1.1 a submission can carry its measurement traces. Reading one is a load step of
its own: streaming (one block of the file in memory at a time), bounded by protocol data
(``trace_limits``), refusing links and anything that is not a regular file, and reporting
every defect as one :class:`TraceError` with its line. What the checks receive is a
:class:`WindowSummary`, so that they stay pure functions of data.

    summarize(path, fmt="auto", window=None, power_limit_W=None, limits=None, follow_links=False)
    mlperf_window(detail_log) -> (power_begin_s, power_end_s)
    read_samples(path, fmt="auto", limits=None, follow_links=False) -> Iterator[Sample]

Formats: ``mlperf`` (PTDaemon ``spl.txt``), ``nvidia-smi`` (``--query-gpu`` CSV) and ``aerp``
(the AERP trace CSV, defined in :data:`aerp.traces.aerp_csv.FORMAT`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from aerp.traces import aerp_csv, mlperf, nvidia_smi
from aerp.traces._clock import parse_timestamp
from aerp.traces._source import Batch, first_line, line_batches, opened
from aerp.traces.detect import detect_format
from aerp.traces.integrate import integrate
from aerp.traces.mlperf import mlperf_window
from aerp.traces.model import FORMATS, LimitExcess, Sample, TraceError, TraceLimits, TraceRows, WindowSummary

__all__ = [
    "FORMATS",
    "LimitExcess",
    "Sample",
    "TraceError",
    "TraceLimits",
    "WindowSummary",
    "default_limits",
    "detect_format",
    "mlperf_window",
    "parse_timestamp",
    "read_samples",
    "summarize",
]

_READERS = {"mlperf": mlperf.read, "nvidia-smi": nvidia_smi.read, "aerp": aerp_csv.read}


def default_limits() -> TraceLimits:
    """The bounds of AERP 1.1 (``trace_limits`` in ``spec/1.1/protocol.yaml``)."""
    return TraceLimits.from_protocol("1.1")


def _rows(batches: Iterator[Batch], fmt: str, limits: TraceLimits) -> TraceRows:
    if fmt not in ("auto", *FORMATS):
        raise ValueError(f"unknown trace format {fmt!r}; formats: auto, {', '.join(FORMATS)}")
    line, number, batches = first_line(batches)
    if fmt == "auto":
        fmt = detect_format(line, number)
    return _READERS[fmt](batches, limits)


def summarize(
    path: str | os.PathLike[str],
    fmt: str = "auto",
    window: tuple[float, float] | None = None,
    power_limit_W: float | None = None,
    limits: TraceLimits | None = None,
    follow_links: bool = False,
) -> WindowSummary:
    """Read the trace at ``path`` once and summarise it over ``window`` (seconds), or over all of it.

    ``window`` is in the trace's own clock: seconds since the epoch, where a zone-less clock
    (PTDaemon, nvidia-smi) is read as if it were UTC, as :func:`mlperf_window` reads loadgen's.
    A window that the trace does not cover is not an error: the summary says so
    (``window_outside``, ``outside_by_s``) and the caller decides. Raises TraceError for a
    trace that cannot be read, ValueError for a bad ``fmt`` or ``window``.
    """
    limits = limits or default_limits()
    with opened(path, limits, follow_links) as stream:
        return integrate(_rows(line_batches(stream, limits), fmt, limits), limits, window, power_limit_W)


def read_samples(
    path: str | os.PathLike[str], fmt: str = "auto", limits: TraceLimits | None = None, follow_links: bool = False
) -> Iterator[Sample]:
    """Every sample of a trace, in file order, as :class:`Sample` (for tools and tests; slower than summarize)."""
    limits = limits or default_limits()
    with opened(path, limits, follow_links) as stream:
        for row in _rows(line_batches(stream, limits), fmt, limits).rows:
            yield Sample._make(row)
