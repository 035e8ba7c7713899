"""The types every trace reader and the integration share, in a module of their own.

Readers import this module and nothing else of the package's logic, and the integration
imports the readers only through the package's public face: data flows one way (file →
samples → summary), as it does for submissions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

# The trace formats AERP reads, by the name ``--format`` and ``summarize(fmt=...)`` take.
FORMATS = ("mlperf", "nvidia-smi", "aerp")


class Sample(NamedTuple):
    """One reading of one device at one instant.

    A named tuple rather than a dataclass so that a reader's hot loop can yield a plain
    ``tuple`` of the same layout (time, device, power, energy, line) without building an
    object per row; code that wants names wraps it with ``Sample._make``.
    """

    time_s: float
    device: str
    power_W: float | None
    energy_J: float | None
    line: int


# A sample as the readers yield it in their hot loop: a plain tuple laid out as Sample.
Row = tuple[float, str, "float | None", "float | None", int]


class TraceRows(NamedTuple):
    """What a reader returns: the format it read, the kind of reading, and the rows, lazily."""

    format: str
    kind: str  # "power" or "energy"
    rows: Iterator[Row]


class TraceError(Exception):
    """A trace (or the log that gives its window) that cannot be read, with the line that says why.

    ``code`` is a stable identifier of the kind of defect (``trace.encoding``, ``trace.nul``,
    ...) that a check can map to a finding; ``line`` is 1-based, or 0 when the defect is the
    file as a whole (a FIFO, a symbolic link, too many bytes).
    """

    def __init__(self, code: str, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line

    def where(self, path: str) -> str:
        """``path:line: message``, the way compilers and ``aerp validate`` point at a defect."""
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class TraceLimits:
    """Bounds on what a trace reader accepts; protocol data (``trace_limits`` in protocol.yaml).

    A validator may lower them (a test does, to reach the row limit without writing
    gigabytes); it never needs to raise them, which is why they come from the spec.
    """

    max_bytes: int
    max_rows: int
    max_line_length: int
    max_devices: int

    @classmethod
    def from_protocol(cls, minor: str = "1.1") -> TraceLimits:
        from aerp.protocol import load_minor

        block = load_minor(minor).params["trace_limits"]
        return cls(
            max_bytes=int(block["max_bytes"]),
            max_rows=int(block["max_rows"]),
            max_line_length=int(block["max_line_length"]),
            max_devices=int(block["max_devices"]),
        )


@dataclass(frozen=True)
class LimitExcess:
    """Readings above a per-device power limit: how many, and where the first one is."""

    limit_W: float
    count: int
    first_line: int | None


@dataclass
class WindowSummary:
    """What the checks receive about one trace over one window: counts, energy, gaps, devices.

    Figures are floats: the integration runs over hundreds of thousands of samples, and a
    check compares them against tolerances itself. ``samples`` counts readings inside the
    closed window; ``checker_mean_W`` follows MLPerf's rule (readings strictly inside the
    window, averaged per device, summed over devices); ``mean_power_W`` is the integrated
    energy over the window's duration. With no window, the window is the whole trace.
    """

    format: str
    kind: str  # "power" (power readings, trapezoid) or "energy" (cumulative counter readings)
    samples: int
    missing: int  # rows in the window that carry no reading (nvidia-smi's [N/A])
    rows: int  # sample rows in the whole file
    devices: list[str]
    first_s: float  # first and last reading of the trace, seconds since the epoch
    last_s: float
    window_start_s: float | None
    window_end_s: float | None
    duration_s: float
    energy_J: float
    # the same window integrated by the left rectangle rule: its difference from the trapezoid bounds the
    # integration's error (a counter's energy needs no rule: the two are equal)
    energy_left_J: float
    mean_power_W: float | None
    checker_mean_W: float | None
    median_gap_s: float | None
    max_gap_s: float | None
    max_gap_at_line: int | None
    above_limit: LimitExcess | None
    counter_resets: list[int] = field(default_factory=list)  # lines, the first MAX_LISTED only
    counter_reset_count: int = 0
    window_outside: bool = False
    outside_by_s: float = 0.0
    per_device: dict[str, float] = field(default_factory=dict)  # device -> energy_J in the window

    def to_json(self) -> dict[str, Any]:
        """The summary as plain JSON values, keys in a fixed order (``aerp trace stats -o json``)."""
        return asdict(self)
