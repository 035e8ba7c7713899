"""`aerp rate --input` on a CSV of N rows: time beyond start-up, measured in one run.

Runs `aerp --version` (start-up alone) and `aerp rate --input rows.csv` alternately, and
reports the median difference: the cost of reading and rating the rows. Both methods.

Usage: python benchmarks/rate_csv.py [--rows 1000] [--runs 9] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASKS = [
    ("text_generation", "A", 5, 30),
    ("text-generation", "B", 100, 600),
    ("summarization", "", 5, 40),
    ("asr", "", 10, 90),
    ("image_generation", "", 300, 1500),
    ("object-detection", "", 1, 8),
]
UNITS = [("Wh", 1), ("kWh", 1e-3), ("J", 3600), ("kJ", 3.6)]


def make_rows(count: int, path: Path) -> None:
    rng = random.Random(20260211)
    lines = ["model,task,class,energy"]
    for index in range(count):
        task, size_class, low, high = rng.choice(TASKS)
        unit, factor = rng.choice(UNITS)
        lines.append(f"org/model-{index},{task},{size_class},{rng.uniform(low, high) * factor:.6g} {unit}")
    path.write_text("\n".join(lines) + "\n")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = Path(folder) / "rows.csv"
        make_rows(args.rows, rows)
        aerp = [sys.executable, "-m", "aerp"]
        samples: dict[str, list[float]] = {"start-up": [], "fixed": [], "cohort": []}
        for _ in range(args.runs):
            samples["start-up"].append(timed([*aerp, "--version"]))
            samples["fixed"].append(timed([*aerp, "rate", "--input", str(rows)]))
            samples["cohort"].append(timed([*aerp, "rate", "--input", str(rows), "--method", "cohort"]))
    medians = {k: statistics.median(v) for k, v in samples.items()}
    figures = {
        "rows": args.rows,
        "runs": args.runs,
        "median_seconds": medians,
        "beyond_start_up_seconds": {m: medians[m] - medians["start-up"] for m in ("fixed", "cohort")},
    }
    print(f"{args.rows} rows, median of {args.runs} runs")
    for method in ("fixed", "cohort"):
        extra = figures["beyond_start_up_seconds"][method]
        print(
            f"  {method:>6}: {medians[method] * 1000:7.1f} ms in all, {extra * 1000:7.1f} ms beyond start-up "
            f"({args.rows / max(extra, 1e-9):,.0f} rows/s)"
        )
    print(f"  start-up (aerp --version): {medians['start-up'] * 1000:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
