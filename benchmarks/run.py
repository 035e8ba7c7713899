"""AERP's performance against its peers, measured in one run on this machine.

Builds a corpus of N submissions from the reference suite (every case, YAML and JSON, in
the suite's mix of conformant and broken files), then measures, alternating the commands run
for run so that the machine's noise falls on all of them alike:

- `aerp validate` (all checks) over the corpus with --jobs 1 and --jobs = all cores;
- `check-jsonschema --schemafile schemas/1.0/submission.schema.json` over the same files
  (schema only: the peer), in batches of 1,000 paths per invocation;
- parsing alone (PyYAML's C loader / json) of the same files in one Python process (the floor);
- the cold start on one file: `aerp validate` vs `check-jsonschema`, and `aerp --version`;
- peak memory (RSS) of `aerp validate --jobs 1` for a small and a large corpus.

It prints files per second, the ratios against the targets, and peak memory, and writes
them as JSON (--json). Needs check-jsonschema: pip install '.[bench]'.

Usage: python benchmarks/run.py [--files 10000] [--small 1000] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import ROOT, build

SCHEMA = ROOT / "schemas" / "1.0" / "submission.schema.json"
ONE_FILE = ROOT / "reference-results" / "1.0" / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
FLOOR = """
import json, sys, time, yaml
from pathlib import Path
files = [p for p in sorted(Path(sys.argv[1]).rglob('*')) if p.is_file()]
start = time.perf_counter()
for path in files:
    raw = path.read_bytes()
    try:
        json.loads(raw) if path.suffix == '.json' else yaml.load(raw, Loader=yaml.CSafeLoader)
    except Exception:
        pass
print(time.perf_counter() - start)
"""


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def check_jsonschema(files: list[Path]) -> float:
    """Total time of check-jsonschema over ``files``, 1,000 paths per invocation."""
    binary = shutil.which("check-jsonschema")
    if binary is None:
        raise SystemExit("check-jsonschema is not installed: pip install '.[bench]'")
    return sum(seconds([binary, "--schemafile", str(SCHEMA), *map(str, files[i:i + 1000])])
               for i in range(0, len(files), 1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    aerp = [sys.executable, "-m", "aerp"]
    cjs = shutil.which("check-jsonschema") or "check-jsonschema"
    with tempfile.TemporaryDirectory() as folder:
        large = build(args.files, Path(folder) / "large")
        small = build(args.small, Path(folder) / "small")
        files = sorted(p for p in large.rglob("*") if p.is_file())
        runs: dict[str, list[float]] = {"aerp_jobs_1": [], "aerp_jobs_n": [], "check_jsonschema": [], "floor": []}
        for _ in range(args.runs):
            runs["aerp_jobs_1"].append(seconds([*aerp, "validate", "-q", "--jobs", "1", str(large)]))
            runs["aerp_jobs_n"].append(seconds([*aerp, "validate", "-q", "--jobs", str(args.jobs), str(large)]))
            runs["check_jsonschema"].append(check_jsonschema(files))
            floor = subprocess.run([sys.executable, "-c", FLOOR, str(large)], capture_output=True, text=True,
                                   check=True)
            runs["floor"].append(float(floor.stdout))
        cold: dict[str, list[float]] = {"aerp_validate_one": [], "check_jsonschema_one": [], "aerp_version": []}
        for _ in range(args.cold_runs):
            cold["aerp_validate_one"].append(seconds([*aerp, "validate", str(ONE_FILE)]))
            cold["check_jsonschema_one"].append(seconds([cjs, "--schemafile", str(SCHEMA), str(ONE_FILE)]))
            cold["aerp_version"].append(seconds([*aerp, "--version"]))

        def peak(target: Path) -> int:
            done = subprocess.run([sys.executable, "-c", PEAK, *aerp, "validate", "-q", "--jobs", "1", str(target)],
                                  capture_output=True, text=True, check=True)
            return int(done.stdout)

        memory = {"small_kib": peak(small), "large_kib": peak(large)}
    med = {k: statistics.median(v) for k, v in runs.items()}
    cold_med = {k: statistics.median(v) for k, v in cold.items()}
    n = args.files
    figures = {
        "files": n, "jobs": args.jobs, "runs": args.runs,
        "files_per_second": {k: n / v for k, v in med.items()},
        "median_seconds": med, "cold_start_median_seconds": cold_med, "peak_rss_kib": memory,
        "targets": {
            "aerp_jobs_n_vs_check_jsonschema_throughput (>= 3)": med["check_jsonschema"] / med["aerp_jobs_n"],
            "aerp_jobs_1_vs_parse_floor_cost (<= 5)": med["aerp_jobs_1"] / med["floor"],
            "cold_start_aerp_vs_check_jsonschema (<= 1)": cold_med["aerp_validate_one"]
            / cold_med["check_jsonschema_one"],
            "aerp_version_ms (< 150)": cold_med["aerp_version"] * 1000,
            f"peak_memory_{n}_vs_{args.small} (<= 1.2)": memory["large_kib"] / memory["small_kib"],
        },
    }
    print(f"{n} files ({args.small} for the memory comparison), median of {args.runs} runs, {args.jobs} cores")
    for name, value in med.items():
        print(f"  {name:>17}: {value:7.2f} s  {n / value:8.0f} files/s")
    for name, value in cold_med.items():
        print(f"  cold {name:>20}: {value * 1000:7.1f} ms (median of {args.cold_runs})")
    print(f"  peak RSS aerp --jobs 1: {memory['small_kib'] / 1024:.1f} MiB ({args.small} files), "
          f"{memory['large_kib'] / 1024:.1f} MiB ({n} files)")
    print("targets:")
    for name, value in figures["targets"].items():
        print(f"  {name}: {value:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
