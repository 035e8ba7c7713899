"""Speed and memory of reading a trace: one hour of 10 Hz samples from 8 GPUs (~290,000 rows).

The trace is written into a temporary folder in the AERP trace CSV and in nvidia-smi's CSV
(``timestamp, index, power.draw [W]``, units in cells), then ``aerp.traces.summarize`` reads
each over a window inside it. For each file the best CPU time of a few runs and the peak
memory that tracemalloc sees during one run are printed, also for a trace a tenth as long:
time should grow about ten-fold (linear) and memory not at all (streaming).

This is a measurement, not a test: nothing here asserts a time.

Usage: python benchmarks/traces.py [--gpus 8] [--hz 10] [--seconds 3600] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from aerp.traces import summarize

START = 1_730_000_000.0  # a fixed epoch second, so that every run writes the same bytes


def power(gpu: int, step: int) -> float:
    """A plausible, deterministic power curve: a plateau with a slow wave and per-GPU offsets."""
    return 250.0 + 40.0 * math.sin(step / 37.0 + gpu) + 3.0 * ((step * 7919 + gpu * 104729) % 11)


def write_aerp(path: Path, gpus: int, hz: int, seconds: int) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("time [s],device,power [W]\n")
        for step in range(seconds * hz):
            stamp = f"{START + step / hz:.3f}"
            for gpu in range(gpus):
                out.write(f"{stamp},GPU-{gpu},{power(gpu, step):.2f}\n")
                rows += 1
    return rows


def write_nvidia_smi(path: Path, gpus: int, hz: int, seconds: int) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("timestamp, index, power.draw [W]\n")
        for step in range(seconds * hz):
            moment = dt.datetime.fromtimestamp(START + step / hz, dt.timezone.utc)
            stamp = moment.strftime("%Y/%m/%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
            for gpu in range(gpus):
                out.write(f"{stamp}, {gpu}, {power(gpu, step):.2f} W\n")
                rows += 1
    return rows


def measure(call: Callable[[], object], runs: int) -> tuple[float, int]:
    """Best CPU seconds of ``runs`` calls, and the peak of traced memory in one more call."""
    best = math.inf
    for _ in range(runs):
        began = time.process_time()
        call()
        best = min(best, time.process_time() - began)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpus", type=int, default=8)
    parser.add_argument("--hz", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'format':<11} {'rows':>9} {'MB':>6} {'CPU s':>7} {'µs/row':>7} {'peak MiB':>9}  energy")
    with tempfile.TemporaryDirectory() as folder:
        for seconds in (args.seconds // 10, args.seconds):
            for name, writer in (("aerp", write_aerp), ("nvidia-smi", write_nvidia_smi)):
                path = Path(folder) / f"{name}-{seconds}.csv"
                rows = writer(path, args.gpus, args.hz, seconds)
                window = (START + 1.05, START + seconds - 1.05)  # edges between samples: interpolated
                cpu, peak = measure(lambda p=path, w=window: summarize(p, window=w), args.runs)
                summary = summarize(path, window=window)
                print(
                    f"{name:<11} {rows:>9,} {path.stat().st_size / 1e6:>6.1f} {cpu:>7.3f} {cpu / rows * 1e6:>7.2f} "
                    f"{peak / 2**20:>9.2f}  {summary.energy_J / 3.6e6:.4f} kWh, {summary.checker_mean_W:.2f} W"
                )


if __name__ == "__main__":
    main()
