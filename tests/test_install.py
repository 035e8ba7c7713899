"""The wheel carries the protocol: a non-editable install works from any directory, offline data.

The wheel is installed, without its dependencies, into a fresh virtual environment that does not
see the base interpreter's packages. Its dependencies come from the environment running the tests
(the one `pip install '.[test]'` filled), listed by a ``.pth`` file after the new environment's own
site-packages: the freshly installed ``aerp`` is found first, and nothing depends on what the base
interpreter happens to have installed.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SUITE


def _running_site_dirs() -> list[str]:
    """The site-packages folders of the interpreter running the tests, where the dependencies are."""
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
        folders.append(site.getusersitepackages())
    return [folder for folder in folders if os.path.isdir(folder)]


def _fresh_environment(target: Path) -> Path:
    """A venv isolated from the base interpreter's site, with the running environment's packages behind its own."""
    venv.create(target, with_pip=True, system_site_packages=False, clear=True)
    python = target / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # plain path lines are appended to sys.path after the folder holding the .pth file itself;
    # their own .pth files (an editable install of the checkout among them) are not processed
    (Path(purelib) / "zz-aerp-test-dependencies.pth").write_text("\n".join(_running_site_dirs()) + "\n")
    return python


@pytest.mark.skipif(os.environ.get("AERP_SKIP_INSTALL_TEST") == "1", reason="AERP_SKIP_INSTALL_TEST=1")
def test_wheel_install_validates_the_suite_from_root(tmp_path: Path) -> None:
    target = tmp_path / "venv"
    python = _fresh_environment(target)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    base_site = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"]
    isolated = subprocess.run(
        [str(python), "-c", "import sys; print('\\n'.join(sys.path))"], capture_output=True, text=True, env=env
    )
    assert base_site not in isolated.stdout.splitlines(), "the new environment must not see the base interpreter"
    build = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    aerp = target / "bin" / "aerp"
    where = subprocess.run(
        [str(python), "-c", "import aerp, aerp.protocol as p; print(aerp.__file__); print(p.data_root())"],
        capture_output=True,
        text=True,
        cwd="/",
        env=env,
    )
    assert where.returncode == 0, where.stderr
    module, data = where.stdout.splitlines()
    assert module.startswith(str(target)), module  # the installed copy, not the checkout
    assert data.startswith(str(target)), data  # and its data travelled inside the wheel
    good = subprocess.run(
        [str(aerp), "validate", str(SUITE / "conformant")], capture_output=True, text=True, cwd="/", env=env
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert "conformant" in good.stdout
    everything = subprocess.run([str(aerp), "validate", str(SUITE)], capture_output=True, text=True, cwd="/", env=env)
    assert everything.returncode == 1, everything.stdout[-2000:] + everything.stderr[-2000:]
    assert "Traceback" not in everything.stderr
