"""The pre-commit hook, run as pre-commit runs it, on folders of passing and failing examples."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
EXAMPLES = Path(__file__).resolve().parent / "hooks"


def _run_hook(files: list[Path]) -> subprocess.CompletedProcess[str]:
    hook = next(h for h in HOOKS if h["id"] == "aerp-validate")
    command = shlex.split(hook["entry"]) + hook.get("args", [])
    assert command[0] == "aerp"
    return subprocess.run(
        [sys.executable, "-m", "aerp", *command[1:], *map(str, files)], capture_output=True, text=True, check=False
    )


def test_the_hook_selects_submission_files_only() -> None:
    pattern = re.compile(HOOKS[0]["files"])
    assert all(pattern.search(p.name) for p in EXAMPLES.rglob("*.aerp.*"))
    assert not any(pattern.search(name) for name in ("config.yaml", "package.json", ".pre-commit-config.yaml"))


@pytest.mark.parametrize("path", sorted((EXAMPLES / "pass").iterdir()), ids=lambda p: p.name)
def test_passing_examples(path: Path) -> None:
    done = _run_hook([path])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", sorted((EXAMPLES / "fail").iterdir()), ids=lambda p: p.name)
def test_failing_examples(path: Path) -> None:
    done = _run_hook([path])
    assert done.returncode == 1 and " AERP-" in done.stdout and "Traceback" not in done.stderr


def test_one_run_over_mixed_files_fails_and_names_each_bad_file() -> None:
    files = sorted(EXAMPLES.rglob("*.aerp.*"))
    done = _run_hook(files)
    assert done.returncode == 1
    for bad in (EXAMPLES / "fail").iterdir():
        assert bad.name in done.stdout
