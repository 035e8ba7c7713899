"""MLPerf power logs: PTDaemon's ``spl.txt`` samples and loadgen's window markers.

``spl.txt`` has one line per analyser sample::

    Time,03-19-2021 16:22:24.758,Watts,196.000000,Volts,246.190000,Amps,0.847000,PF,0.940000,Mark,<label>

A multi-channel analyser writes the system total first (with -1 for Volts, Amps and PF)
and appends ``Ch1,Watts,...`` blocks; the total ``Watts`` (the fourth field) is the
reading, as MLPerf's submission checker takes it. The clock has no zone (see ``_clock``);
``Mark`` is a session label, not a clock. The whole system is one device, ``system``.

While the analyser changes range (in ranging runs) PTDaemon writes ``Watts,-1.000000``: no
reading. AERP counts such a sample as missing, never as a power (MLPerf's checker would
average the -1 in); any other negative or malformed value makes the trace unreadable.

The window is loadgen's: in ``mlperf_log_detail.txt``, the ``:::MLLOG {json}`` lines whose
``key`` is ``power_begin`` and ``power_end`` carry the same zone-less clock in ``value``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from aerp.traces._clock import is_decimal, ptd_clock
from aerp.traces._source import Batch, bounded_lines, opened
from aerp.traces.model import Row, TraceError, TraceLimits, TraceRows

DEVICE = "system"
_MARKERS = ("power_begin", "power_end")


def read(batches: Iterator[Batch], limits: TraceLimits) -> TraceRows:
    """The samples of an ``spl.txt``: each line must be a sample line; blank lines are skipped."""
    return TraceRows("mlperf", "power", _rows(batches, limits))


def _rows(batches: Iterator[Batch], limits: TraceLimits) -> Iterator[Row]:
    clock = ptd_clock()
    count = 0
    max_rows = limits.max_rows
    for first, lines in batches:
        for number, line in enumerate(lines, first):
            if not line:
                continue
            parts = line.split(",", 5)
            if len(parts) < 5 or parts[0] != "Time" or parts[2] != "Watts":
                raise TraceError(
                    "trace.syntax", "this is not a PTDaemon sample line (Time,<time>,Watts,<watts>,...)", number
                )
            count += 1
            if count > max_rows:
                raise TraceError(
                    "trace.too-many-rows", f"the trace has more than {max_rows} samples (the limit)", number
                )
            try:
                seconds = clock(parts[1])
            except ValueError as problem:
                raise TraceError("trace.time", str(problem), number) from None
            watts = parts[3]
            if is_decimal(watts):
                yield (seconds, DEVICE, float(watts), None, number)
            elif watts[:1] == "-" and is_decimal(watts[1:]) and float(watts[1:]) == 1.0:
                yield (seconds, DEVICE, None, None, number)  # PTDaemon's "no reading"
            else:
                raise TraceError("trace.value", f"Watts {watts[:40]!r} is not a decimal number of watts ≥ 0", number)


def mlperf_window(
    detail_log: str | os.PathLike[str], limits: TraceLimits | None = None, follow_links: bool = False
) -> tuple[float, float]:
    """``(power_begin, power_end)`` in seconds, from loadgen's ``mlperf_log_detail.txt``.

    Each marker must appear exactly once and the window must be forward; anything else is a
    TraceError naming the line, since a window silently taken from the wrong marker would
    rate the wrong samples.
    """
    if limits is None:
        limits = TraceLimits.from_protocol()
    clock = ptd_clock()
    found: dict[str, tuple[float, int]] = {}
    with opened(detail_log, limits, follow_links, buffered=True) as stream:
        for number, line in bounded_lines(stream, limits):
            if not line.startswith(":::MLLOG ") or not any(marker in line for marker in _MARKERS):
                continue
            try:
                record = json.loads(line[len(":::MLLOG ") :])
            except ValueError:
                raise TraceError("trace.syntax", "the :::MLLOG line is not one JSON object", number) from None
            key = record.get("key") if isinstance(record, dict) else None
            if key not in _MARKERS:
                continue
            if key in found:
                raise TraceError("trace.window", f"a second {key} (the first is on line {found[key][1]})", number)
            value = record.get("value")
            if not isinstance(value, str):
                raise TraceError("trace.window", f"the value of {key} is not a time (MM-DD-YYYY HH:MM:SS.fff)", number)
            try:
                found[key] = (clock(value), number)
            except ValueError as problem:
                raise TraceError("trace.window", f"{key}: {problem}", number) from None
    for marker in _MARKERS:
        if marker not in found:
            raise TraceError(
                "trace.window", f"the log has no {marker}: it is not the log of a run with power measurement"
            )
    (begin, _), (end, end_line) = found["power_begin"], found["power_end"]
    if end <= begin:
        raise TraceError("trace.window", "power_end is not after power_begin", end_line)
    return begin, end
