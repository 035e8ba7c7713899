"""Build a corpus of N submissions from the reference suite, for the benchmarks.

Copies cycle through every reference case (conformant and not, YAML and JSON), each under a
new name in its own sub-folder, so a corpus of N files exercises every check in the mix the
suite has.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "reference-results" / "1.0"


def reference_files() -> list[Path]:
    return sorted(p for p in SUITE.rglob("*") if p.suffix in (".yaml", ".json"))


def build(count: int, target: Path) -> Path:
    """Write ``count`` files under ``target`` (100 per sub-folder) and return ``target``."""
    sources = reference_files()
    target.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        source = sources[index % len(sources)]
        folder = target / f"batch-{index // 100:04d}"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source, folder / f"{index:06d}-{source.name}")
    return target
