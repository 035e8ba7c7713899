"""From readings to one summary per window: energy, means, gaps, limits, counter resets.

One pass over the rows, memory independent of the trace's length: per device, the last
reading and a few running sums; for all devices, a bounded histogram of gaps.

- Power readings: the energy of a device is the trapezoid rule over its readings; at each
  edge of the window, the power is interpolated linearly between the readings on either
  side, so a window that falls between samples is cut exactly where it lies.
- Counter readings (cumulative energy): the energy is the difference of the counter over
  the window, interpolated at the edges the same way (the counter is taken to rise
  linearly between two readings). A counter that decreases has been reset or has wrapped:
  the interval holding the decrease contributes nothing, the count restarts from the new
  reading, and the row's line is reported.
- The energy of the trace is the sum over its devices. Readings outside the window count
  neither in the energy nor in the means.
- The checker's mean is MLPerf's rule: the mean of the readings strictly inside the window,
  per device, summed over devices.
- Gaps are the times between consecutive readings of one device, over the intervals that
  overlap the window. The largest is exact, with its line. The median comes from a
  histogram keyed by the gap in whole microseconds: exact (to 1 µs) while the trace has at
  most :data:`EXACT_GAPS` distinct gaps — every real log seen has a few dozen — and beyond
  that the keys keep :data:`MANTISSA_BITS` significant bits (within 0.1 %), so that the
  histogram stays under about 30,000 entries whatever the trace holds.

Arithmetic is in floats: a trace has hundreds of thousands of readings, each already a
rounded decimal, and the caller compares the figures against tolerances itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from aerp.traces.model import LimitExcess, Row, TraceError, TraceLimits, TraceRows, WindowSummary

EXACT_GAPS = 4096
MANTISSA_BITS = 10
MAX_LISTED = 100  # counter resets listed by line; the rest are counted
MAX_DEVICE_NAME = 128

# the fields of a device's running state (a list: cheaper than attributes in the hot loop)
_LAST_ROW, _T, _V, _ENERGY, _N, _SUM, _FIRST, _LEFT = range(8)


def _coarse(key: int) -> int:
    """A gap in µs reduced to MANTISSA_BITS significant bits: the middle of its bin."""
    drop = key.bit_length() - MANTISSA_BITS
    return key if drop <= 0 else ((key >> drop) << drop) + (1 << (drop - 1))


def _median(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    wanted = ((total - 1) // 2, total // 2)
    picked: list[int] = []
    seen = 0
    for key in sorted(histogram):
        seen += histogram[key]
        while len(picked) < 2 and seen > wanted[len(picked)]:
            picked.append(key)
        if len(picked) == 2:
            break
    return (picked[0] + picked[1]) / 2e6


def _us(seconds: float) -> float:
    """A time or duration to the microsecond, for reporting.

    Epoch seconds in a float carry about 0.2 µs of noise today (a reading at .189 s becomes
    .18899989), which would show as 1.0209999 s for a gap of 1.021 s; no trace clock is
    finer than a microsecond, so nothing real is lost. Energies and means are computed from
    the unrounded times.
    """
    return round(seconds, 6)


def _check_device(name: str, line: int, known: int, limits: TraceLimits) -> None:
    """A device seen for the first time: a printable identifier, and not one too many."""
    if known >= limits.max_devices:
        raise TraceError("trace.too-many-devices", f"more than {limits.max_devices} devices (the limit)", line)
    if not name or len(name) > MAX_DEVICE_NAME:
        raise TraceError("trace.device", f"a device identifier has 1 to {MAX_DEVICE_NAME} characters", line)
    if name != name.strip():
        raise TraceError("trace.device", f"the device identifier {name!r} begins or ends with a space", line)
    if not name.isprintable() or '"' in name:
        raise TraceError("trace.device", "the device identifier holds a control character or a quote", line)


def integrate(
    trace: TraceRows,
    limits: TraceLimits,
    window: tuple[float, float] | None = None,
    power_limit_W: float | None = None,
) -> WindowSummary:
    """Consume ``trace.rows`` once and summarise them over ``window`` (seconds), or over the whole trace."""
    if window is not None:
        start, end = window
        if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
            raise ValueError("the window must be two finite times, the end after the start")
    else:
        start, end = -math.inf, math.inf
    if power_limit_W is not None and not (math.isfinite(power_limit_W) and power_limit_W > 0):
        raise ValueError("the power limit must be a finite number of watts above zero")
    counter = trace.kind == "energy"
    limit = math.inf if power_limit_W is None else float(power_limit_W)
    states: dict[str, list] = {}
    histogram: dict[int, int] = {}
    coarse = False
    rows = samples = missing = above = powered = 0
    above_line: int | None = None
    max_gap = -1.0
    max_gap_line: int | None = None
    resets: list[int] = []
    reset_count = 0
    rows_iter: Iterator[Row] = trace.rows
    for time, device, power, energy, line in rows_iter:
        rows += 1
        state = states.get(device)
        if state is None:
            _check_device(device, line, len(states), limits)
            state = states[device] = [-math.inf, None, 0.0, 0.0, 0, 0.0, None, 0.0]
        if time < state[_LAST_ROW]:
            raise TraceError(
                "trace.time-order", f"the time goes back {state[_LAST_ROW] - time:g} s for device {device!r}", line
            )
        state[_LAST_ROW] = time
        value = energy if counter else power
        if value is None:
            if start <= time <= end:
                missing += 1
            continue
        before = state[_T]
        if before is None:
            state[_FIRST] = time
        elif time > start and before < end:
            gap = time - before
            if gap > max_gap:
                max_gap, max_gap_line = gap, line
            key = int(gap * 1e6 + 0.5)
            if coarse:
                key = _coarse(key)
            count = histogram.get(key)
            if count is None:
                histogram[key] = 1
                if not coarse and len(histogram) > EXACT_GAPS:
                    coarse = True
                    coarsened: dict[int, int] = {}
                    for old, n in histogram.items():
                        coarsened[_coarse(old)] = coarsened.get(_coarse(old), 0) + n
                    histogram = coarsened
            else:
                histogram[key] = count + 1
            previous = state[_V]
            if counter:
                rise = value - previous
                if rise < 0:
                    reset_count += 1
                    if len(resets) < MAX_LISTED:
                        resets.append(line)
                elif (before >= start and time <= end) or gap == 0:
                    state[_ENERGY] += rise
                else:
                    state[_ENERGY] += (
                        rise * ((time if time < end else end) - (before if before > start else start)) / gap
                    )
            elif before >= start and time <= end:
                state[_ENERGY] += (previous + value) * gap
                state[_LEFT] += previous * gap  # the rectangle rule, for the integration's uncertainty
            else:
                low = before if before > start else start
                high = time if time < end else end
                slope = (value - previous) / gap
                state[_ENERGY] += (2 * previous + slope * (low - before + high - before)) * (high - low)
                state[_LEFT] += (previous + slope * (low - before)) * (high - low)
        if start <= time <= end:
            samples += 1
            if power is not None:
                powered += 1
                if start < time < end:
                    state[_N] += 1
                    state[_SUM] += power
                if power > limit:
                    above += 1
                    if above_line is None:
                        above_line = line
        state[_T] = time
        state[_V] = value
    if not powered and counter:
        power_limit_W = None  # a counter without power readings says nothing about the limit
    return _summary(
        trace, window, states, histogram, power_limit_W, rows, samples, missing, above, above_line,
        max_gap, max_gap_line, resets, reset_count,
    )  # fmt: skip


def _summary(
    trace: TraceRows,
    window: tuple[float, float] | None,
    states: dict[str, list],
    histogram: dict[int, int],
    power_limit_W: float | None,
    rows: int,
    samples: int,
    missing: int,
    above: int,
    above_line: int | None,
    max_gap: float,
    max_gap_line: int | None,
    resets: list[int],
    reset_count: int,
) -> WindowSummary:
    read = [s for s in states.values() if s[_FIRST] is not None]
    if not read:
        raise TraceError("trace.empty", "the trace holds no readings" if rows else "the trace holds no samples")
    first = min(s[_FIRST] for s in read)
    last = max(s[_T] for s in read)
    halve = 1.0 if trace.kind == "energy" else 0.5  # the trapezoid's sums hold twice the energy
    per_device = {name: states[name][_ENERGY] * halve for name in sorted(states)}
    energy = math.fsum(per_device.values())
    left = math.fsum(s[_LEFT] for s in states.values()) if trace.kind != "energy" else energy
    outside_by = 0.0
    if window is not None:
        start, end = window
        duration = end - start
        for state in states.values():
            if state[_FIRST] is None:
                outside_by = max(outside_by, duration)
            else:
                outside_by = max(outside_by, state[_FIRST] - start, end - state[_T])
    else:
        duration = last - first
    means = [s[_SUM] / s[_N] for s in states.values() if s[_N]]
    checker = math.fsum(means) if means and len(means) == len(states) else None
    return WindowSummary(
        format=trace.format,
        kind=trace.kind,
        samples=samples,
        missing=missing,
        rows=rows,
        devices=sorted(states),
        first_s=_us(first),
        last_s=_us(last),
        window_start_s=_us(window[0]) if window else None,
        window_end_s=_us(window[1]) if window else None,
        duration_s=_us(duration),
        energy_J=energy,
        energy_left_J=left,
        mean_power_W=energy / duration if duration > 0 else None,
        checker_mean_W=checker,
        median_gap_s=_median(histogram),
        max_gap_s=_us(max_gap) if max_gap_line is not None else None,
        max_gap_at_line=max_gap_line,
        above_limit=None if power_limit_W is None else LimitExcess(float(power_limit_W), above, above_line),
        counter_resets=resets,
        counter_reset_count=reset_count,
        window_outside=outside_by > 0,
        outside_by_s=outside_by,
        per_device=per_device,
    )
