"""Growth of `aerp ingest` with the size of its input: near 10× per ×10 is linear.

Generates inputs of growing size, ten times larger at each step: AI Energy Score v1
reports (optimum-benchmark's benchmark_report.json) with N measures per phase, and
CodeCarbon emissions.csv files with N rows. Each is ingested in-process, as the CLI does
(convert, then write the YAML), and the CPU time is printed with its growth factor over
the previous step.

A submission larger than `aerp validate` reads (protocol.yaml `limits`) is refused by
ingest once converted, before it is written; from about 4,000 CodeCarbon rows on that
would cut the measurement short. So by default the limits are lifted here, and the growth
measured is that of reading, converting and writing; with --limits they stay, and a
refused step is marked "refused".

This is a measurement, not a test: nothing here asserts a time. Above some 10,000
repetitions the factor creeps past 10 (about 12 from 5,000 to 50,000 CodeCarbon rows):
Python's cyclic garbage collector, which revisits every live object, takes a growing share;
with it disabled the same step is about 10.5.

Usage: python benchmarks/ingest_growth.py [--steps 3] [--runs 3] [--measures 20] [--rows 50] [--limits]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aerp.ingest import IngestError, IngestOptions, _common, dump, ingest

PHASES = ("preprocess", "prefill", "decode")
COLUMNS = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "water_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "on_cloud",
    "pue",
    "wue",
]


def _energy(rng: random.Random, scale: float) -> dict[str, object]:
    cpu, ram, gpu = (round(rng.uniform(0.5, 1.5) * scale * f, 12) for f in (0.4, 0.05, 1.0))
    return {"unit": "kWh", "cpu": cpu, "ram": ram, "gpu": gpu, "total": round(cpu + ram + gpu, 12)}


def aies_v1_report(measures: int, folder: Path) -> Path:
    """A benchmark_report.json whose phases each hold ``measures`` repetitions."""
    rng = random.Random(measures)
    report: dict[str, object] = {}
    for phase, scale in zip(PHASES, (1e-4, 5e-3, 2e-2), strict=True):
        values = [_energy(rng, scale) for _ in range(measures)]
        mean = {k: sum(v[k] for v in values) / measures for k in ("cpu", "ram", "gpu", "total")}  # type: ignore[misc]
        report[phase] = {
            "memory": None,
            "latency": None,
            "throughput": None,
            "energy": {"unit": "kWh", **mean},
            "efficiency": {"unit": "samples/kWh", "value": 1000 / mean["gpu"]},
            "measures": values,
        }
    path = folder / f"aies-v1-{measures}.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def codecarbon_csv(rows: int, folder: Path) -> Path:
    """An emissions.csv of CodeCarbon 3.3.0 with ``rows`` tracked runs on one H100."""
    rng = random.Random(rows)
    path = folder / f"emissions-{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for index in range(rows):
            duration = rng.uniform(160, 175)
            gpu, cpu, ram = (duration * watts / 3.6e6 for watts in (rng.uniform(200, 210), 165.0, 14.3))
            total = gpu + cpu + ram
            writer.writerow(
                [
                    f"2026-03-16T{10 + index // 3600 % 10:02d}:{index // 60 % 60:02d}:{index % 60:02d}",
                    "bench",
                    f"{index:08x}-0000-4000-8000-000000000000",
                    "5b0fa12a-3dd7-45bb-9766-cc326314d9f1",
                    f"{duration:.6f}",
                    f"{total * 0.369:.12g}",
                    f"{total * 0.369 / duration:.12g}",
                    "165.0",
                    f"{gpu * 3.6e6 / duration:.4f}",
                    "14.3",
                    f"{cpu:.11f}",
                    f"{gpu:.11f}",
                    f"{ram:.11f}",
                    f"{total:.11f}",
                    "0.0",
                    "United States",
                    "USA",
                    "virginia",
                    "",
                    "",
                    "Linux-5.15.0-119-generic-x86_64-with-glibc2.35",
                    "3.11.9",
                    "3.3.0",
                    "224",
                    "Intel(R) Xeon(R) Platinum 8480+",
                    "1",
                    "1 x NVIDIA H100 80GB HBM3",
                    "-77.4874",
                    "39.0438",
                    "2015.5599",
                    "machine",
                    "2.9",
                    "92.0",
                    "4.2",
                    "84.1",
                    "N",
                    "1.0",
                    "0.0",
                ]
            )
    return path


def cpu_seconds(run: Callable[[], object], runs: int) -> tuple[float, bool]:
    """The least CPU time of ``runs`` runs (the others are noise), and whether ingest refused."""
    best, refused = float("inf"), False
    for _ in range(runs):
        start = time.process_time()
        try:
            run()
        except IngestError:
            refused = True
        best = min(best, time.process_time() - start)
    return best, refused


def series(name: str, sizes: list[int], make: Callable[[int], Callable[[], object]], runs: int) -> None:
    print(f"\n{name}")
    print(f"{'size':>10} {'CPU s':>9} {'×':>7}")
    previous = None
    for size in sizes:
        seconds, refused = cpu_seconds(make(size), runs)
        factor = f"{seconds / previous:7.1f}" if previous else f"{'':>7}"
        print(f"{size:>10,} {seconds:9.3f} {factor}{'  refused: over the limits validate reads' if refused else ''}")
        previous = seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="sizes per series, each ten times the previous")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the fastest counts")
    parser.add_argument("--measures", type=int, default=20, help="aies-v1 measures per phase at the first step")
    parser.add_argument("--rows", type=int, default=50, help="CodeCarbon rows at the first step")
    parser.add_argument("--limits", action="store_true", help="keep the limits aerp validate reads")
    args = parser.parse_args()
    if not args.limits:
        lifted = {name: value * 1000 for name, value in _common.limits().items()}
        _common.limits = lambda: lifted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)

        def v1(size: int) -> Callable[[], object]:
            path = aies_v1_report(size, folder)
            return lambda: dump(ingest("aies-v1", [path], IngestOptions(task="text-generation", queries=1000)))

        def cc(size: int) -> Callable[[], object]:
            path = codecarbon_csv(size, folder)
            return lambda: dump(ingest("codecarbon", [path], IngestOptions(task="text-generation", queries=1000)))

        v1(args.measures)()  # imports and protocol data are loaded once, outside any measurement
        series("aies-v1: measures per phase", [args.measures * 10**i for i in range(args.steps)], v1, args.runs)
        series("codecarbon: rows", [args.rows * 10**i for i in range(args.steps)], cc, args.runs)


if __name__ == "__main__":
    main()
