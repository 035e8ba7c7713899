"""The wheel carries the protocol: a non-editable install works from any directory, offline data."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SUITE


@pytest.mark.skipif(os.environ.get("AERP_SKIP_INSTALL_TEST") == "1", reason="AERP_SKIP_INSTALL_TEST=1")
def test_wheel_install_validates_the_suite_from_root(tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.create(target, with_pip=True, system_site_packages=True)
    python = target / "bin" / "python"
    build = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    aerp = target / "bin" / "aerp"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import aerp, aerp.protocol as p; print(aerp.__file__, p.data_root())"],
        capture_output=True,
        text=True,
        cwd="/",
        env=env,
    )
    assert str(target) in where.stdout, where.stdout + where.stderr  # the installed copy, not the checkout
    good = subprocess.run(
        [str(aerp), "validate", str(SUITE / "conformant")], capture_output=True, text=True, cwd="/", env=env
    )
    assert good.returncode == 0, good.stdout + good.stderr
    everything = subprocess.run([str(aerp), "validate", str(SUITE)], capture_output=True, text=True, cwd="/", env=env)
    assert everything.returncode == 1 and "Traceback" not in everything.stderr
    assert sys.executable  # the test ran under some interpreter; the wheel under the venv's
