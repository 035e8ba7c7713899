"""The AERP trace CSV: the format AERP recommends for raw power and energy-counter traces.

The normative description is :data:`FORMAT` (the spec cites it) and the column grammar is
the data in :data:`COLUMNS`, :data:`HEADER_CELL` and :data:`DECIMAL`; the reader below is
their implementation and nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aerp.traces._clock import MAX_DECIMAL, Rfc3339Clock, is_decimal
from aerp.traces._source import Batch, csv_cells, first_line
from aerp.traces.model import Row, TraceError, TraceLimits, TraceRows

FORMAT = """\
AERP trace CSV, version 1

1.  Encoding. The file is UTF-8 text. Each line ends with LF or CR LF; the last line may
    lack its end. A byte order mark before the first line is allowed and ignored. Blank
    lines are ignored. No line holds a NUL, and no CR except the one before LF.
2.  Header. The first non-blank line is the header: cells separated by commas, with no
    space around a comma. A cell is a column name, optionally followed by one space and a
    unit in square brackets: `name` or `name [unit]`. A name is a lower-case letter
    followed by lower-case letters, digits, `_`, `.` or `-`; no name appears twice.
3.  Columns. The header has exactly one time column, `time [s]` or `time [RFC3339]`;
    exactly one `device` column; and exactly one reading column, `power [W]`, `energy [J]`
    or `energy [mJ]`. Any other column is allowed and ignored by AERP (a tool may record
    temperature or clocks beside the readings), as long as its header cell is well formed.
4.  Rows. Every other line is one reading of one device: as many cells as the header,
    separated by commas, unquoted; no cell contains a comma or a double quote.
5.  time [s]: seconds since 1970-01-01T00:00:00Z as a decimal: one or more ASCII digits,
    optionally a point and one or more digits (no sign, exponent, space or separator), at
    most 32 characters.
    time [RFC3339]: an RFC 3339 date-time with a `T` and an explicit offset (`Z` or
    `+HH:MM`/`-HH:MM`), fractional seconds optional (up to 9 digits); leap seconds are not
    used.
6.  device: an identifier of the device the reading is of (a GPU UUID, a PCI bus id, an
    index, a meter channel): 1 to 128 characters, no control character, no space at
    either end. Rows of different devices may interleave in any order.
7.  power [W]: the device's power at that instant, a decimal (as in 5) in watts. energy [J]
    and energy [mJ]: the reading of a cumulative energy counter (such as NVML's total-energy
    counter, mJ since the driver was loaded), a decimal; the energy over an interval is the
    difference of two readings. A counter that decreases has been reset or has wrapped: the
    interval that holds the decrease contributes no energy and the row is reported.
    An empty cell is a row without a reading: counted as missing, never as zero.
8.  Order. The rows of one device are in non-decreasing time; a row earlier than the
    previous row of its device makes the trace unreadable. Equal times are allowed.
9.  Bounds. A reader may refuse a trace beyond the limits of protocol.yaml `trace_limits`
    (bytes, rows, bytes per line, devices).
"""

# A header cell: name, then optionally " [unit]".
HEADER_CELL = r"(?P<name>[a-z][a-z0-9_.-]*)(?: \[(?P<unit>[^\[\],\"]+)\])?"
# A number in a time [s], power or energy cell, and its most characters.
DECIMAL = r"[0-9]+(?:\.[0-9]+)?"
DECIMAL_MAX_CHARACTERS = MAX_DECIMAL
# The columns AERP reads: name -> the units it may carry and what each means.
COLUMNS: dict[str, dict[str, Any]] = {
    "time": {
        "required": True,
        "units": {
            "s": "seconds since 1970-01-01T00:00:00Z, a decimal",
            "RFC3339": "an RFC 3339 date-time with its offset",
        },
    },
    "device": {"required": True, "units": {None: "an identifier, 1-128 characters, no control character"}},
    "power": {"required": False, "units": {"W": "power at the instant, watts, a decimal"}},
    "energy": {
        "required": False,
        "units": {
            "J": "a cumulative energy counter reading, joules, a decimal",
            "mJ": "a cumulative energy counter reading, millijoules, a decimal",
        },
    },
}
# Exactly one of these must be present.
READING_COLUMNS = ("power", "energy")
_ENERGY_SCALE = {"J": 1.0, "mJ": 0.001}
_CELL = re.compile(HEADER_CELL)


def is_header(line: str) -> bool:
    """Whether ``line`` is the header of an AERP trace (what format detection asks)."""
    cells = line.split(",")
    return any(cell in ("time [s]", "time [RFC3339]") for cell in cells) and "device" in cells


def read(batches: Iterator[Batch], limits: TraceLimits) -> TraceRows:
    """The readings of an AERP trace; every rule of :data:`FORMAT` that a row can break is checked."""
    header, number, batches = first_line(batches)
    found: dict[str, tuple[int, str | None]] = {}
    cells = header.split(",")
    for index, cell in enumerate(cells):
        match = _CELL.fullmatch(cell)
        if match is None:
            raise TraceError("trace.header", f"the header cell {cell[:40]!r} is not `name` or `name [unit]`", number)
        name, unit = match["name"], match["unit"]
        if name in found:
            raise TraceError("trace.header", f"the column {name!r} appears twice", number)
        if name in COLUMNS and unit not in COLUMNS[name]["units"]:
            allowed = ", ".join(f"{name} [{u}]" if u else name for u in COLUMNS[name]["units"])
            raise TraceError("trace.header", f"{cell!r}: the column must be {allowed}", number)
        found[name] = (index, unit)
    for name, column in COLUMNS.items():
        if column["required"] and name not in found:
            raise TraceError("trace.header", f"the header has no {name} column", number)
    readings = [name for name in READING_COLUMNS if name in found]
    if len(readings) != 1:
        raise TraceError("trace.header", "the header needs exactly one of power [W], energy [J], energy [mJ]", number)
    kind = readings[0]
    time_at, time_unit = found["time"]
    value_at, value_unit = found[kind]
    scale = _ENERGY_SCALE.get(value_unit or "", 1.0)
    rows = _rows(
        batches, limits, len(cells), time_at, time_unit == "s", found["device"][0], value_at, kind, scale, number
    )
    return TraceRows("aerp", kind, rows)


def _rows(
    batches: Iterator[Batch],
    limits: TraceLimits,
    width: int,
    time_at: int,
    seconds_clock: bool,
    device_at: int,
    value_at: int,
    kind: str,
    scale: float,
    header_line: int,
) -> Iterator[Row]:
    rfc3339 = Rfc3339Clock()
    power_kind = kind == "power"
    for number, parts in csv_cells(batches, header_line, width, limits, "trace"):
        stamp = parts[time_at]
        if seconds_clock:
            if not is_decimal(stamp):
                raise TraceError("trace.time", f"time {stamp[:40]!r} is not a decimal number of seconds", number)
            seconds = float(stamp)
        else:
            try:
                seconds = rfc3339(stamp)
            except ValueError as problem:
                raise TraceError("trace.time", str(problem), number) from None
        cell = parts[value_at]
        if is_decimal(cell):
            value: float | None = float(cell) * scale if scale != 1.0 else float(cell)
        elif cell:
            raise TraceError("trace.value", f"{kind} {cell[:40]!r} is not a decimal number", number)
        else:
            value = None
        if power_kind:
            yield (seconds, parts[device_at], value, None, number)
        else:
            yield (seconds, parts[device_at], None, value, number)
