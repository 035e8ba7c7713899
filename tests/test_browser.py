"""A real browser reads the conformance report and a label as a person would see them.

Headless Chromium (Debian's `chromium`) loads the self-contained HTML report and an SVG
label from files, with the network cut off; the test reads the DOM it rendered. `.ci/run`
installs Chromium where it is missing; where it cannot be installed the test skips and says
why.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import SUITE, run_cli, suite

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--disable-quic",
]


def _chromium(*args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_html_report_shows_its_summary_table(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    outcome = run_cli(
        "validate", "-o", "html", "--timestamp", "2026-02-11T00:00:00Z", "--output-file", str(page), str(SUITE)
    )
    assert outcome.exit_code == 1
    dom = _chromium("--dump-dom", page.as_uri())
    table = re.search(r'<table[^>]*id="summary".*?</table>', dom, re.S)
    assert table, "the summary table is missing from the rendered page"
    rows = re.findall(r"<tr", table.group(0))
    assert len(rows) - 1 == len([p for p in SUITE.rglob("*") if p.suffix in (".yaml", ".json")])
    assert "meta-llama/Llama-3.1-8B-Instruct" in table.group(0)
    assert "<svg" in dom and "AERP conformance report" in dom
    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,1800", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 10_000


def test_a_label_shows_its_stars(tmp_path: Path) -> None:
    label = tmp_path / "label.svg"
    source = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    assert run_cli("label", str(source), "-o", str(label)).exit_code == 0
    dom = _chromium("--dump-dom", label.as_uri())
    assert "4 of 5 stars" in dom
    assert len(re.findall(r'class="star filled"', dom)) == 4
    shot = tmp_path / "label.png"
    _chromium("--window-size=560,770", f"--screenshot={shot}", label.as_uri())
    assert shot.stat().st_size > 5_000


SPANS = suite("1.1") / "conformant" / "uncertainty-spans-two-thresholds.yaml"  # 9.60 ± 4.22 Wh: 3–5 stars, claim 3


def test_a_1_1_label_shows_its_uncertainty_and_its_range(tmp_path: Path) -> None:
    label = tmp_path / "label.svg"
    assert run_cli("label", str(SPANS), "--output-file", str(label)).exit_code == 0
    dom = _chromium("--dump-dom", label.as_uri())
    assert "3–5 stars: claim 3" in dom and "± 4.22 Wh" in dom and "coverage factor k = 2" in dom
    assert len(re.findall(r'class="star filled"', dom)) == 3
    assert len(re.findall(r'class="star empty in-range"', dom)) == 2
    shot = tmp_path / "label.png"
    _chromium("--window-size=520,764", f"--screenshot={shot}", label.as_uri())
    assert shot.stat().st_size > 5_000


def test_the_html_report_shows_an_interval_and_its_error_bar(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    other = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    args = ("validate", "-o", "html", "--timestamp", "2026-02-11T00:00:00Z", "--output-file", str(page))
    assert run_cli(*args, str(SPANS), str(other)).exit_code == 0
    dom = _chromium("--dump-dom", page.as_uri())
    table = re.search(r'<table[^>]*id="summary".*?</table>', dom, re.S)
    assert table and "9.599 ± 4.22" in table.group(0) and "(range 3–5)" in table.group(0)
    assert len(re.findall(r'class="error-bar"', dom)) == 1  # the 1.0 result has no uncertainty, so no bar
    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,1800", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 10_000
