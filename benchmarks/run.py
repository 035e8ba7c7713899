"""AERP's performance against its peer and its floor, measured side by side in one run on this machine.

Builds a corpus of N submissions from the reference suite (every case, YAML and JSON, in the
suite's mix of conformant and broken files), then measures, alternating the commands run for
run so that the machine's noise falls on all of them alike:

- `aerp validate` (all checks) over the corpus with --jobs 1 and --jobs J (default: all cores);
- `check-jsonschema --schemafile schemas/1.0/submission.schema.json` over the same files
  (schema only: the peer), in batches of 1,000 paths per invocation;
- the floor, in one Python process: read each file, parse it (json, or PyYAML's libyaml loader
  with dates kept as strings) and validate it with jsonschema-rs, the fastest schema check there is;
- the cold start on one file: `aerp validate` vs `check-jsonschema`, and `aerp --version`;
- the peak memory (RSS) of `aerp validate --jobs 1` over a small and a large corpus;
- the growth of one file's cost with its size: each dimension of ``growth.py`` (repetitions,
  phases, array items, schema errors and findings, trace rows) grown ten-fold, in JSON and
  YAML, in this process; a factor near 10 is linear, near 100 quadratic.

The peer is compared at its best: check-jsonschema reads YAML with ruamel.yaml, whose pure-Python
parser is several times slower than its C extension (ruamel.yaml.clib, in the bench extra), so
the run stops if the extension is missing, and prints which YAML parser each side used. Every
command runs from compiled bytecode, as an installed package does: where PYTHONDONTWRITEBYTECODE
is set (a development shell), AERP's sources would be compiled again at every start while the
peer's installed ``.pyc`` files are not, so the children get a bytecode cache in a temporary
folder instead, warmed by one untimed run of each command.

Prints files per second, CPU seconds, the ratios against the targets and peak memory, and
writes them as JSON (--json). Needs check-jsonschema and ruamel.yaml.clib: pip install '.[bench]'.

Usage: python benchmarks/run.py [--files 10000] [--jobs 2] [--memory-small 2000] [--memory-large 20000]
                                [--runs 3] [--cold-runs 15] [--growth-runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import growth
from corpus import ROOT, build

SCHEMA = ROOT / "schemas" / "1.0" / "submission.schema.json"
ONE_FILE = ROOT / "reference-results" / "1.0" / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
# The floor: what any schema validator of these files must at least do, done as fast as Python can.
FLOOR = """
import json, sys, time, yaml, jsonschema_rs
from pathlib import Path

class Loader(yaml.CSafeLoader):
    pass

Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)  # JSON's data model
schema = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
files = [p for p in sorted(Path(sys.argv[1]).rglob('*')) if p.is_file()]
start = time.perf_counter()
for path in files:
    raw = path.read_bytes()
    try:
        validator.is_valid(json.loads(raw) if path.suffix == '.json' else yaml.load(raw, Loader=Loader))
    except Exception:
        pass
print(time.perf_counter() - start)
"""
PEER_YAML = """
import ruamel.yaml
parser = ruamel.yaml.YAML(typ="safe").Parser
native = parser.__name__ == "CParser"
print(f"ruamel.yaml {ruamel.yaml.__version__}, " + ("C parser (ruamel.yaml.clib)" if native else "pure-Python parser"))
print(int(native))
"""


def aerp_yaml() -> str:
    import yaml

    native = getattr(yaml, "__with_libyaml__", False) and hasattr(yaml, "CSafeLoader")
    return f"PyYAML {yaml.__version__}, " + ("C parser (libyaml)" if native else "pure-Python parser")


def aerp_schema_engine() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"jsonschema-rs {version('jsonschema-rs')} decides, jsonschema explains failures"
    except PackageNotFoundError:
        return "jsonschema alone (jsonschema-rs is not installed)"


def interpreter_of(script: str) -> str:
    """The Python that runs a console script (its shebang), to ask it about its own libraries."""
    with open(script, "rb") as stream:
        first = stream.readline().decode(errors="replace").strip()
    if first.startswith("#!") and "python" in first:
        return first[2:].split()[0]
    return sys.executable


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system seconds of the children


def timed(command: list[str], env: dict[str, str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def check_jsonschema(binary: str, files: list[Path], env: dict[str, str]) -> Timing:
    """check-jsonschema over ``files``, 1,000 paths per invocation: the sum of the invocations."""
    parts = [
        timed([binary, "--schemafile", str(SCHEMA), *map(str, files[i : i + 1000])], env)
        for i in range(0, len(files), 1000)
    ]
    return Timing(sum(p.wall for p in parts), sum(p.cpu for p in parts))


# A ten-fold larger file may cost at most this many times more: 10 is linear, 100 quadratic;
# the margin absorbs what a shared machine adds to one measurement.
NEAR_LINEAR = 15


def grow_each(folder: Path, runs: int) -> list[dict[str, Any]]:
    """Each dimension of growth.py at its last two sizes, in JSON and YAML: CPU seconds and their ratio."""
    from aerp.pipeline import validate_file

    validate_file(growth.REFERENCE)  # the schema compiled and the checks imported before timing
    found = []
    for dimension in growth.DIMENSIONS:
        counts = [dimension.start * 10 ** (dimension.steps - 2), dimension.start * 10 ** (dimension.steps - 1)]
        for fmt in ("json", "yaml"):
            seconds = []
            for count in counts:
                folder.mkdir(parents=True, exist_ok=True)
                seconds.append(growth.cpu_seconds(dimension.write(count, folder, fmt), runs))
                shutil.rmtree(folder)
            found.append(
                {
                    "dimension": dimension.name,
                    "format": fmt,
                    "counts": counts,
                    "seconds": seconds,
                    "factor": seconds[1] / seconds[0],
                }
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="corpus for throughput (default 10,000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory-small", type=int, default=2_000)
    parser.add_argument("--memory-large", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--growth-runs", type=int, default=3, help="runs per size of one file; the best counts")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    cjs = shutil.which("check-jsonschema")
    if cjs is None:
        raise SystemExit("check-jsonschema is not installed: pip install '.[bench]'")
    peer = subprocess.run([interpreter_of(cjs), "-c", PEER_YAML], capture_output=True, text=True, check=True)
    peer_yaml, peer_native = peer.stdout.splitlines()
    if peer_native != "1":
        raise SystemExit(
            f"check-jsonschema would read YAML with {peer_yaml}: install its C extension "
            "(pip install '.[bench]', which includes ruamel.yaml.clib) to compare with it at its best"
        )
    script = Path(sys.executable).with_name("aerp")
    aerp = [str(script)] if script.exists() else [sys.executable, "-m", "aerp"]
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        large = build(args.files, Path(folder) / "large")
        files = sorted(p for p in large.rglob("*") if p.is_file())
        for warm in (
            [*aerp, "validate", "-q", str(ONE_FILE)],
            [cjs, "--schemafile", str(SCHEMA), str(ONE_FILE)],
            [sys.executable, "-c", FLOOR, str(Path(folder) / "none"), str(SCHEMA)],
        ):
            subprocess.run(warm, capture_output=True, check=False, env=env)
        runs: dict[str, list[Timing]] = {"aerp_jobs_1": [], "aerp_jobs_n": [], "check_jsonschema": [], "floor": []}
        for _ in range(args.runs):
            runs["aerp_jobs_1"].append(timed([*aerp, "validate", "-q", "--jobs", "1", str(large)], env))
            runs["aerp_jobs_n"].append(timed([*aerp, "validate", "-q", "--jobs", str(args.jobs), str(large)], env))
            runs["check_jsonschema"].append(check_jsonschema(cjs, files, env))
            floor = subprocess.run(
                [sys.executable, "-c", FLOOR, str(large), str(SCHEMA)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            seconds = float(floor.stdout)
            runs["floor"].append(Timing(seconds, seconds))  # one busy loop: its elapsed time is its CPU time
        cold: dict[str, list[float]] = {"aerp_validate_one": [], "check_jsonschema_one": [], "aerp_version": []}
        for _ in range(args.cold_runs):
            cold["aerp_validate_one"].append(timed([*aerp, "validate", str(ONE_FILE)], env).wall)
            cold["check_jsonschema_one"].append(timed([cjs, "--schemafile", str(SCHEMA), str(ONE_FILE)], env).wall)
            cold["aerp_version"].append(timed([*aerp, "--version"], env).wall)

        def peak(count: int) -> int:
            target = build(count, Path(folder) / f"memory-{count}")
            done = subprocess.run(
                [sys.executable, "-c", PEAK, *aerp, "validate", "-q", "--jobs", "1", str(target)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            shutil.rmtree(target)
            return int(done.stdout)

        memory = {"small_kib": peak(args.memory_small), "large_kib": peak(args.memory_large)}
        growths = grow_each(Path(folder) / "growth", args.growth_runs)
    wall = {k: statistics.median(t.wall for t in v) for k, v in runs.items()}
    cpu = {k: statistics.median(t.cpu for t in v) for k, v in runs.items()}
    cold_med = {k: statistics.median(v) for k, v in cold.items()}
    n, jobs = args.files, args.jobs
    targets = {
        f"aerp --jobs {jobs} vs check-jsonschema, throughput (>= 3)": (
            wall["check_jsonschema"] / wall["aerp_jobs_n"],
            lambda r: r >= 3,
        ),
        "aerp --jobs 1 vs floor read+parse+jsonschema-rs, time (<= 2)": (
            wall["aerp_jobs_1"] / wall["floor"],
            lambda r: r <= 2,
        ),
        "cold start aerp validate one.yaml vs check-jsonschema (<= 0.5)": (
            cold_med["aerp_validate_one"] / cold_med["check_jsonschema_one"],
            lambda r: r <= 0.5,
        ),
        "aerp --version ms (< 100)": (cold_med["aerp_version"] * 1000, lambda r: r < 100),
        f"peak memory {args.memory_large} vs {args.memory_small} files (<= 1.1)": (
            memory["large_kib"] / memory["small_kib"],
            lambda r: r <= 1.1,
        ),
        f"largest growth of one file's cost per x10 of its size (<= {NEAR_LINEAR}; linear 10)": (
            max(g["factor"] for g in growths),
            lambda r: r <= NEAR_LINEAR,
        ),
    }
    figures = {
        "files": n,
        "jobs": jobs,
        "runs": args.runs,
        "yaml": {"aerp": aerp_yaml(), "check_jsonschema": peer_yaml},
        "aerp_schema_engine": aerp_schema_engine(),
        "files_per_second": {k: n / v for k, v in wall.items()},
        "median_seconds": wall,
        "median_cpu_seconds": cpu,
        "cpu_ms_per_file": {k: v / n * 1000 for k, v in cpu.items()},
        "cold_start_median_seconds": cold_med,
        "peak_rss_kib": memory,
        "growth": growths,
        "targets": {name: value for name, (value, _) in targets.items()},
        "met": {name: meets(value) for name, (value, meets) in targets.items()},
    }
    print(
        f"{n} files, median of {args.runs} runs, --jobs {jobs} on {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print(f"  YAML: aerp {figures['yaml']['aerp']}; check-jsonschema {peer_yaml}")
    print(f"  schema stage of aerp: {figures['aerp_schema_engine']}")
    for name in wall:
        print(
            f"  {name:>17}: {wall[name]:7.2f} s  {n / wall[name]:8.0f} files/s   "
            f"CPU {cpu[name] / n * 1000:6.2f} ms/file"
        )
    for name, value in cold_med.items():
        print(f"  cold {name:>20}: {value * 1000:7.1f} ms (median of {args.cold_runs})")
    print(
        f"  peak RSS aerp --jobs 1: {memory['small_kib'] / 1024:.1f} MiB ({args.memory_small} files), "
        f"{memory['large_kib'] / 1024:.1f} MiB ({args.memory_large} files)"
    )
    print("  growth of one file's CPU time, x10 its size (in this process, best of runs):")
    for g in growths:
        print(
            f"    {g['dimension']:<26} {g['format']:<4} {g['counts'][0]:>7} -> {g['counts'][1]:>7}: "
            f"{g['seconds'][0]:.4f} s -> {g['seconds'][1]:.4f} s  x{g['factor']:.1f}"
        )
    print("targets:")
    for name, (value, meets) in targets.items():
        print(f"  {name}: {value:.2f}  {'met' if meets(value) else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
