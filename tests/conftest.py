"""Shared fixtures: where the project's data lives, and the CLI as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from aerp.cli import main

# Fuzzing profiles: the default is bounded for CI; `--hypothesis-profile=long` runs the fuzz
# tests for about an hour (python -m pytest tests/test_properties.py --hypothesis-profile=long).
settings.register_profile("default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=200_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "reference-results" / "1.0"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str) -> Outcome:
    """Run ``aerp`` in-process, as click would from a shell."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_subprocess(*args: str, cwd: Path | None = None, timeout: float = 120) -> Outcome:
    """Run ``python -m aerp`` in a child process: what a user's shell sees, tracebacks included."""
    done = subprocess.run(
        [sys.executable, "-m", "aerp", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


EDITIONS = sorted(
    (p.name for p in (ROOT / "reference-results").iterdir() if p.is_dir() and re.fullmatch(r"\d+\.\d+", p.name)),
    key=lambda v: tuple(int(x) for x in v.split(".")),
)


def suite(edition: str = "1.0") -> Path:
    return ROOT / "reference-results" / edition


def load_manifest(edition: str = "1.0") -> dict[str, Any]:
    return yaml.safe_load((ROOT / "reference-results" / f"manifest-{edition}.yaml").read_text(encoding="utf-8"))


def conformant_files() -> list[Path]:
    return sorted(p for p in (SUITE / "conformant").iterdir() if p.suffix in (".yaml", ".json"))


@pytest.fixture
def cli() -> Any:
    return run_cli
