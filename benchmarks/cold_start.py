"""Cold start of `aerp validate` on one reference file, as a ratio measured in one run.

Compares, run for run (interleaved, so the machine's noise falls on both alike):

- ``validate``: the validator as shipped, which converts with exact factors from
  protocol.yaml and loads pint only to explain a unit outside the vocabulary;
- ``validate+pint``: the same run preceded by what a validator that converted with pint
  would pay on every start (importing pint and building its unit registry);
- ``--version``: the floor of starting the command at all.

Usage: python benchmarks/cold_start.py [--runs N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "reference-results" / "1.0" / "conformant" / "text-generation-a-llama-3.1-8b.yaml"

COMMANDS = {
    "validate": [sys.executable, "-m", "aerp", "validate", str(FILE)],
    "validate+pint": [
        sys.executable,
        "-c",
        "import pint; pint.UnitRegistry(); import sys; sys.argv = ['aerp', 'validate', "
        f"{str(FILE)!r}]; from aerp.cli import main; main()",
    ],
    "--version": [sys.executable, "-m", "aerp", "--version"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:>15}: median {value * 1000:7.1f} ms over {args.runs} runs")
    ratio = medians["validate+pint"] / medians["validate"]
    print(f"validate with pint's start-up cost / validate as shipped: {ratio:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "median_seconds": medians, "ratio": ratio}, indent=2))


if __name__ == "__main__":
    main()
