"""Batch validation: parallel speed-up and memory flatness, measured in one run.

- speed: `aerp validate -q` over N files with --jobs 1 and --jobs J (default: all cores),
  alternated run for run, as files per second and a ratio;
- memory: the peak resident memory of `aerp validate -q --jobs 1` over a small and a large
  corpus, as a ratio (the large one should not need more memory than the small one).

Usage: python benchmarks/batch.py [--files 2000] [--small 200] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build

PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def peak_kib(command: list[str]) -> int:
    done = subprocess.run([sys.executable, "-c", PEAK, *command], capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    aerp = [sys.executable, "-m", "aerp", "validate", "-q"]
    with tempfile.TemporaryDirectory() as folder:
        large = build(args.files, Path(folder) / "large")
        small = build(args.small, Path(folder) / "small")
        one, many = [], []
        for _ in range(args.runs):
            one.append(seconds([*aerp, "--jobs", "1", str(large)]))
            many.append(seconds([*aerp, "--jobs", str(args.jobs), str(large)]))
        memory = {
            "small": peak_kib([*aerp, "--jobs", "1", str(small)]),
            "large": peak_kib([*aerp, "--jobs", "1", str(large)]),
        }
    t1, tj = statistics.median(one), statistics.median(many)
    figures = {
        "files": args.files,
        "jobs": args.jobs,
        "runs": args.runs,
        "seconds": {"jobs_1": t1, f"jobs_{args.jobs}": tj},
        "files_per_second": {"jobs_1": args.files / t1, f"jobs_{args.jobs}": args.files / tj},
        "speed_up": t1 / tj,
        "peak_rss_kib": {f"{args.small}_files": memory["small"], f"{args.files}_files": memory["large"]},
        "memory_ratio": memory["large"] / memory["small"],
    }
    print(f"{args.files} files, median of {args.runs} runs")
    print(f"  --jobs 1: {t1:6.2f} s ({args.files / t1:7.0f} files/s)")
    print(f"  --jobs {args.jobs}: {tj:6.2f} s ({args.files / tj:7.0f} files/s)   speed-up {t1 / tj:.2f}x")
    print(
        f"  peak RSS --jobs 1: {memory['small'] / 1024:.1f} MiB for {args.small} files, "
        f"{memory['large'] / 1024:.1f} MiB for {args.files} files (ratio {figures['memory_ratio']:.2f})"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
