"""GPU logs written by ``nvidia-smi --query-gpu=... --format=csv[,nounits] -l/-lms``.

What real logs look like (``shared/data/traces/nvidia-smi``)::

    timestamp, index, power.draw [W]
    2024/10/30 18:42:33.189, 0, 22.89 W

- the header names each queried field with its unit in brackets; cells after a comma start
  with a space; with ``nounits`` the cells drop their unit, the header keeps it;
- a field the GPU cannot report is ``[N/A]`` or ``[Not Supported]``: a row without a
  reading, counted as missing, never as zero;
- several GPUs interleave, one row per GPU per sample: the device is the ``uuid`` column if
  queried, else ``pci.bus_id``, else ``index``; a log with none of them is one GPU, ``gpu``;
- the timestamp is the local clock with no zone (read as in ``_clock``);
- at short intervals the driver repeats its last reading (it refreshes power more slowly
  than it is polled); repeated readings are real samples of a step function and are kept.

The power column is ``power.draw`` (or ``power.draw.instant``, then ``power.draw.average``).
nvidia-smi has no documented query field for NVML's total-energy counter, so any column
whose unit is ``[mJ]`` or ``[J]`` is read as a cumulative energy counter, and the energy is
then taken from it rather than from the power readings. A log without a header
(``noheader``) cannot be read: its columns are unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aerp.traces._clock import is_decimal, nvidia_clock
from aerp.traces._source import Batch, csv_cells, first_line
from aerp.traces.model import Row, TraceError, TraceLimits, TraceRows

DEVICE = "gpu"
_CELL = re.compile(r"(?P<name>[^\[\]]*?)(?: \[(?P<unit>[^\[\]]*)\])?")
# the columns that name a GPU, most stable first (an index can change between boots)
_DEVICE_COLUMNS = (("uuid", "gpu_uuid"), ("pci.bus_id", "gpu_bus_id"), ("index",))
_POWER_COLUMNS = ("power.draw", "power.draw.instant", "power.draw.average")
_ENERGY_UNITS = {"mJ": 0.001, "J": 1.0}
NAMES = frozenset(
    {"timestamp", "index", "name", "gpu_name", "uuid", "gpu_uuid", "pci.bus_id", "gpu_bus_id", *_POWER_COLUMNS}
)


def header_columns(line: str) -> list[tuple[str, str | None]]:
    """``(name, unit)`` of every cell of a header line (``power.draw [W]`` → ``("power.draw", "W")``)."""
    columns = []
    for cell in line.split(","):
        match = _CELL.fullmatch(cell.strip())
        if match is None:
            columns.append((cell.strip(), None))
        else:
            columns.append((match["name"], match["unit"]))
    return columns


def read(batches: Iterator[Batch], limits: TraceLimits) -> TraceRows:
    """The readings of a log; the header is its first non-blank line."""
    header, number, batches = first_line(batches)
    columns = header_columns(header)
    names = [name for name, _ in columns]
    for name in set(names):
        if names.count(name) > 1:
            raise TraceError("trace.header", f"the column {name!r} appears twice", number)
    if "timestamp" not in names:
        raise TraceError(
            "trace.header", "the header has no timestamp column (query it first: --query-gpu=timestamp,...)", number
        )
    time_at = names.index("timestamp")
    device_at = next((names.index(n) for group in _DEVICE_COLUMNS for n in group if n in names), None)
    power_at = next((names.index(n) for n in _POWER_COLUMNS if n in names), None)
    if power_at is not None and columns[power_at][1] not in ("W", None):
        raise TraceError("trace.header", f"{header.split(',')[power_at].strip()!r}: power must be in [W]", number)
    energy = [(i, unit) for i, (_, unit) in enumerate(columns) if unit in _ENERGY_UNITS]
    if len(energy) > 1:
        raise TraceError("trace.header", "more than one energy column ([mJ] or [J]): which one is the counter?", number)
    if power_at is None and not energy:
        raise TraceError("trace.header", "the log has no power.draw column and no energy column in [mJ] or [J]", number)
    energy_at, energy_unit = energy[0] if energy else (None, None)
    kind = "energy" if energy_at is not None else "power"
    rows = _rows(batches, limits, len(columns), time_at, device_at, power_at, energy_at, energy_unit, number)
    return TraceRows("nvidia-smi", kind, rows)


def _value(cell: str, unit: str, scale: float, what: str, number: int) -> float | None:
    """A reading from a cell (``208.36 W``, ``208.36``, ``[N/A]``); None when there is none."""
    text = cell.strip()
    if text.endswith(unit):
        text = text[: -len(unit)]
    if is_decimal(text):
        return float(text) * scale if scale != 1.0 else float(text)
    if (text.startswith("[") and text.endswith("]")) or text == "N/A":
        return None
    raise TraceError("trace.value", f"{what} {cell.strip()[:40]!r} is not a reading", number)


def _rows(
    batches: Iterator[Batch],
    limits: TraceLimits,
    width: int,
    time_at: int,
    device_at: int | None,
    power_at: int | None,
    energy_at: int | None,
    energy_unit: str | None,
    header_line: int,
) -> Iterator[Row]:
    clock = nvidia_clock()
    energy_suffix = f" {energy_unit}"
    energy_scale = _ENERGY_UNITS.get(energy_unit or "", 1.0)
    for number, parts in csv_cells(batches, header_line, width, limits, "log"):
        try:
            seconds = clock(parts[time_at].strip())
        except ValueError as problem:
            raise TraceError("trace.time", str(problem), number) from None
        device = parts[device_at].strip() if device_at is not None else DEVICE
        power = None
        if power_at is not None:
            cell = parts[power_at]
            # the common cell, " 208.36 W", parsed inline; anything else goes through _value
            text = cell[1:-2] if cell.endswith(" W") and cell.startswith(" ") else cell.strip()
            power = float(text) if is_decimal(text) else _value(cell, " W", 1.0, "power.draw", number)
        energy = None
        if energy_at is not None:
            energy = _value(parts[energy_at], energy_suffix, energy_scale, "the energy counter", number)
        yield (seconds, device, power, energy, number)
