"""Growth of `aerp validate` with the size of one file: near 10× per ×10 is linear.

REQ-SEC-9 asks that a file's cost grow no faster than its size. Starting from a conformant
reference result, each dimension of the file below is grown ten-fold at each step (more
repetitions, more phases per repetition, more array items, more schema errors and findings,
more rows in the power trace a 1.1 submission carries as evidence), the file is written as
JSON and as YAML (its trace beside it), and ``validate_file`` runs in-process on it: the
best CPU time of a few runs is printed with its growth factor over the previous step. A
factor near 10 is linear; one near 100 is quadratic.

This is a measurement, not a test: nothing here asserts a time. ``tests/test_cost.py`` grows
the same dimensions (imported from here) at smaller sizes and bounds the ratios.

Usage: python benchmarks/growth.py [--steps 3] [--runs 3] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the test helpers' YAML 1.2 writer

from aerp.pipeline import default_limits, validate_file
from aerp.yaml_reader import read_yaml
from helpers import core_yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference-results" / "1.0" / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
TRACED = ROOT / "reference-results" / "1.1" / "conformant" / "evidence-trace-consistent.yaml"

Document = dict[str, Any]


@dataclass(frozen=True)
class Bundle:
    """A grown submission with the files it names beside it (a trace), by file name."""

    document: Document
    files: dict[str, str]


def reference() -> Document:
    """The reference result as the validator reads it."""
    return read_yaml(REFERENCE.read_text(encoding="utf-8"), default_limits()).data


def traced() -> Document:
    """A 1.1 reference result whose accelerators' power trace (AERP format, 1 s samples) is read as evidence."""
    return read_yaml(TRACED.read_text(encoding="utf-8"), default_limits()).data


def trace_rows(document: Document, count: int) -> Bundle:
    """The trace resampled to ``count`` rows over the same span, by linear interpolation; its digest updated.

    The windows' integrals stay those of the reference trace (to the resampling's error), so
    the grown file is checked like the original: only the number of rows grows.
    """
    grown = copy.deepcopy(document)
    entry = next(a for a in grown["artifacts"] if "trace" in a)
    rows = [line.split(",") for line in (TRACED.parent / entry["path"]).read_text(encoding="utf-8").splitlines()]
    header, samples = rows[0], [(float(t), float(w)) for t, _device, w in rows[1:]]
    start, end = samples[0][0], samples[-1][0]
    lines = [",".join(header)]
    below = 0
    for index in range(count):
        moment = start + (end - start) * index / (count - 1)
        while below + 2 < len(samples) and samples[below + 1][0] <= moment:
            below += 1
        (t0, w0), (t1, w1) = samples[below], samples[below + 1]
        power = w0 + (w1 - w0) * (moment - t0) / (t1 - t0)
        lines.append(f"{moment:.6f},0,{power:.3f}")
    text = "\n".join(lines) + "\n"
    entry["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    return Bundle(grown, {entry["path"]: text})


def repetitions(document: Document, count: int) -> Document:
    """``count`` repetitions (the schema allows up to 1,000), each a copy of the first."""
    grown = copy.deepcopy(document)
    first = grown["results"]["repetitions"][0]
    grown["results"]["repetitions"] = [copy.deepcopy(first) for _ in range(count)]
    grown["run"]["repetitions"] = count
    return grown


def phases(document: Document, count: int) -> Document:
    """``count`` phases in every repetition: the task's own and more, each a finding of the phase checks."""
    grown = copy.deepcopy(document)
    for repetition in grown["results"]["repetitions"]:
        known = repetition["phases"]
        template = next(iter(known.values()))
        extra = {f"phase-{index}": copy.deepcopy(template) for index in range(max(0, count - len(known)))}
        repetition["phases"] = {**known, **extra}
    return grown


def artifacts(document: Document, count: int) -> Document:
    """``count`` artifacts, each with its own path and checksum: an array of valid items."""
    grown = copy.deepcopy(document)
    grown["artifacts"] = [
        {"path": f"logs/run-{index:06d}.json", "sha256": f"{index:064x}", "description": f"log of run {index}"}
        for index in range(count)
    ]
    return grown


def mixed_items(document: Document, count: int) -> Document:
    """``count`` distinct items of every JSON type in an array the schema declares ``uniqueItems``."""
    grown = copy.deepcopy(document)
    kinds: list[Callable[[int], Any]] = [
        lambda i: {"item": i},
        lambda i: [i, "x"],
        lambda i: f"item-{i}",
        lambda i: i,
        lambda i: i + 0.5,
    ]
    grown["measurement"]["boundary"] = [kinds[i % len(kinds)](i) for i in range(count)]
    return grown


def schema_errors(document: Document, count: int) -> Document:
    """``count`` items of the wrong type and value, each two schema errors."""
    grown = copy.deepcopy(document)
    grown["measurement"]["boundary"] = list(range(count))
    return grown


@dataclass(frozen=True)
class Dimension:
    """One way a file grows: a function of a reference result and a count, and the count to start from."""

    name: str
    grow: Callable[[Document, int], Document | Bundle]
    start: int
    steps: int = 3  # 1,000 repetitions is the schema's maximum: that dimension stops there
    base: Callable[[], Document] = reference

    def write(self, count: int, folder: Path, fmt: str) -> Path:
        """The grown submission written into ``folder`` as ``fmt`` (with any file it names), and its path."""
        grown = self.grow(self.base(), count)
        bundle = grown if isinstance(grown, Bundle) else Bundle(grown, {})
        for name, text in bundle.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        path = folder / f"{self.grow.__name__}-{count}.{fmt}"
        path.write_text(dump(bundle.document, fmt), encoding="utf-8")
        return path


# The dimensions grown, each ten-fold per step.
DIMENSIONS: list[Dimension] = [
    Dimension("repetitions", repetitions, 10),
    Dimension("phases per repetition", phases, 3),
    Dimension("array items (artifacts)", artifacts, 10),
    Dimension("mixed unique items", mixed_items, 80),
    Dimension("schema errors", schema_errors, 200),
    Dimension("trace rows", trace_rows, 2_000, base=traced),
]


def dump(document: Any, fmt: str) -> str:
    """``document`` as JSON, or as block-style YAML that reads back as the same data."""
    text = json.dumps(document, indent=1)
    if fmt == "json":
        return text
    plain = json.loads(text)  # plain floats: the reader's decimal-keeping floats are no YAML type
    return core_yaml(plain)


def cpu_seconds(path: Path, runs: int) -> float:
    """The best CPU time of ``runs`` validations of ``path`` in this process."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        validate_file(path)
        best = min(best, time.process_time() - start)
    return best


def measure(dimension: Dimension, fmt: str, steps: int, runs: int, folder: Path) -> list[tuple[int, int, float]]:
    """(count, bytes, CPU seconds) at each step of one dimension."""
    rows = []
    for step in range(steps):
        count = dimension.start * 10**step
        path = dimension.write(count, folder, fmt)
        size = sum(p.stat().st_size for p in folder.iterdir() if p == path or p.suffix == ".csv")
        rows.append((count, size, cpu_seconds(path, runs)))
        for written in folder.iterdir():
            written.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3, help="ten-fold steps per dimension (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the best CPU time counts (default 3)")
    parser.add_argument("--only", nargs="*", default=None, help="names of dimensions to grow (default: all)")
    args = parser.parse_args()
    print(f"{'dimension':<26} {'fmt':<4} {'count':>8} {'bytes':>10} {'CPU s':>9} {'×/×10':>7}")
    validate_file(REFERENCE)  # compile the schema and import every check before any timing
    with tempfile.TemporaryDirectory() as temporary:
        for dimension in DIMENSIONS:
            if args.only and dimension.name not in args.only:
                continue
            for fmt in ("json", "yaml"):
                previous = None
                for count, size, seconds in measure(
                    dimension, fmt, min(args.steps, dimension.steps), args.runs, Path(temporary)
                ):
                    factor = f"{seconds / previous:7.1f}" if previous else f"{'':>7}"
                    print(f"{dimension.name:<26} {fmt:<4} {count:>8} {size:>10} {seconds:>9.4f} {factor}", flush=True)
                    previous = seconds


if __name__ == "__main__":
    main()
