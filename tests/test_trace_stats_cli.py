"""`aerp trace stats`: what a user sees — the table, the JSON, the exit codes, the error lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aerp.discover import NOTHING_THERE
from conftest import Outcome, run_cli, run_subprocess

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "traces"
REAL = pytest.mark.skipif(
    not DATA.is_dir(), reason="the real logs of shared/data/traces lie beside the checkout in CI, not in this clone"
)
KRAI = (
    DATA / "mlperf" / "mlcommons__inference_results_v1.0__closed__Krai__results__"
    "xavier-power.0-fan.cool-tflite-v2.4.1-ruy__resnet50__singlestream__performance__run_1__"
)
SPL, DETAIL = Path(f"{KRAI}spl.txt"), Path(f"{KRAI}mlperf_log_detail.txt")
FLAME = DATA / "nvidia-smi" / "PranavDani__Flame__nvidia-smi.csv"
JSON_KEYS = {
    "samples", "devices", "duration_s", "energy_J", "mean_power_W", "checker_mean_W", "max_gap_s", "median_gap_s",
    "first_s", "last_s", "above_limit", "counter_resets", "format",
}  # fmt: skip


def stats(*args: str) -> Outcome:
    return run_cli("trace", "stats", *args)


def assert_clean(outcome: Outcome) -> None:
    said = outcome.stdout + outcome.stderr
    assert "Traceback" not in said and "internal error" not in said


@REAL
def test_an_mlperf_run_with_its_window_prints_the_published_mean() -> None:
    outcome = stats(str(SPL), "--mlperf-detail", str(DETAIL))
    assert outcome.exit_code == 0, outcome.stderr
    table = dict(line.split("  ", 1) for line in outcome.stdout.splitlines() if not line.startswith(" "))
    assert table["checker mean"].strip().startswith("28.173 W")  # the figure MLPerf published
    assert table["mean power"].strip().startswith("28.186 W")
    assert table["samples"].strip().startswith("601 in the window")
    assert "2021-02-26 17:18:12.409" in table["window"] and "covered by the trace" in table["window"]


@REAL
def test_json_holds_every_figure_and_agrees_with_the_text() -> None:
    outcome = stats(str(SPL), "--mlperf-detail", str(DETAIL), "-o", "json", "--power-limit", "28.5")
    assert outcome.exit_code == 0, outcome.stderr
    report = outcome.json()
    assert set(report) >= JSON_KEYS
    assert report["format"] == "mlperf" and report["devices"] == ["system"] and report["samples"] == 601
    assert round(report["checker_mean_W"], 3) == 28.173
    assert report["energy_J"] == pytest.approx(report["mean_power_W"] * report["duration_s"], rel=1e-9)
    assert report["above_limit"]["limit_W"] == 28.5 and report["above_limit"]["count"] > 0  # the peak is 28.6 W
    assert report["counter_resets"] == [] and report["window_outside"] is False
    again = stats(str(SPL), "--mlperf-detail", str(DETAIL), "-o", "json", "--power-limit", "28.5")
    assert again.stdout == outcome.stdout  # deterministic
    higher = stats(str(SPL), "--mlperf-detail", str(DETAIL), "-o", "json", "--power-limit", "28.6").json()
    assert higher["above_limit"] == {"limit_W": 28.6, "count": 0, "first_line": None}


@REAL
def test_the_window_may_be_typed_in_seconds_or_in_the_traces_own_clock() -> None:
    by_text = stats(str(FLAME), "--from", "2024/10/30 18:42:34.000", "--to", "2024/10/30 18:42:36.500", "-o", "json")
    by_seconds = stats(str(FLAME), "--from", "1730313754", "--to", "1730313756.5", "-o", "json")
    assert by_text.exit_code == by_seconds.exit_code == 0
    assert by_text.json()["energy_J"] == by_seconds.json()["energy_J"]
    assert by_text.json()["duration_s"] == 2.5
    whole = stats(str(FLAME), "-o", "json").json()
    assert whole["samples"] == 73 and whole["window_start_s"] is None
    assert by_text.json()["samples"] < whole["samples"]


@REAL
def test_the_output_file_and_the_format_option(tmp_path: Path) -> None:
    target = tmp_path / "stats.json"
    outcome = stats(str(FLAME), "-o", "json", "--output-file", str(target))
    assert outcome.exit_code == 0 and outcome.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "nvidia-smi"
    assert stats(str(FLAME), "--format", "nvidia-smi").exit_code == 0
    wrong = stats(str(FLAME), "--format", "mlperf")
    assert wrong.exit_code == 1 and f"{FLAME}:1: this is not a PTDaemon sample line" in wrong.stderr


@REAL
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--mlperf-detail", str(DETAIL), "--from", "1", "--to", "2"], "not both"),
        (["--from", "1"], "give both --from and --to"),
        (["--to", "1"], "give both --from and --to"),
        (["--from", "5", "--to", "4"], "must end after it starts"),
        (["--from", "yesterday", "--to", "4"], "is neither seconds since the epoch nor a trace timestamp"),
        (["--from", "1e3", "--to", "1e4"], "is neither seconds"),
        (["--power-limit", "nan"], "is not a power in watts above zero"),
        (["--power-limit", "-5"], "is not a power in watts above zero"),
        (["--format", "csv"], "Invalid value for '--format'"),
        (["-o", "nonsense"], "Invalid value for '-o' / '--output': 'nonsense'"),
        (["-o", "json", "--output-file", "{tmp}/s.txt"], "add -o text"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    outcome = stats(str(FLAME), *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert words in outcome.stderr
    assert_clean(outcome)


HOSTILE = {
    "garbage.bin": ((bytes(range(128, 256)) + b"\n") * 20, ":1: the line is not valid UTF-8"),
    "nul.csv": (b"time [s],device,power [W]\n1000,gpu0,5\n10\x0001,gpu0,5\n", ":3: the line holds a NUL byte"),
    "long.csv": (b"time [s],device,power [W]\n1000,gpu0," + b"9" * 5_000_000 + b"\n", ":2: the line is longer than"),
    "empty.csv": (b"", ": the file is empty"),
    "back.csv": (b"time [s],device,power [W]\n1000,gpu0,5\n999,gpu0,5\n", ":3: the time goes back 1 s"),
    "value.csv": (b"time [s],device,power [W]\n1000,gpu0,5e2\n", ":2: power '5e2' is not a decimal number"),
    "escape.csv": (b"time [s],device,power [W]\n1000,\x1b[31mgpu,5\n", ":2: the device identifier holds a control"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_trace_that_cannot_be_read_is_one_line_and_exit_1(tmp_path: Path, name: str) -> None:
    content, words = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content)
    outcome = stats(str(path))
    assert outcome.exit_code == 1
    assert outcome.stdout == "" and outcome.stderr.count("\n") == 1
    assert f"aerp trace stats: {path}{words}" in outcome.stderr
    assert_clean(outcome)


def test_a_missing_trace_is_named_as_everywhere(tmp_path: Path) -> None:
    outcome = stats(str(tmp_path / "nothing.csv"))
    assert outcome.exit_code == 1 and f"{tmp_path / 'nothing.csv'}: {NOTHING_THERE}" in outcome.stderr


def test_a_detail_log_without_a_window_is_exit_1_with_its_path(tmp_path: Path) -> None:
    log = tmp_path / "mlperf_log_detail.txt"
    log.write_text(':::MLLOG {"key": "power_begin", "value": "02-26-2021 17:18:12.409"}\n', encoding="utf-8")
    outcome = stats(str(SPL), "--mlperf-detail", str(log))
    assert outcome.exit_code == 1 and f"{log}: the log has no power_end" in outcome.stderr


@REAL
def test_the_command_line_follows_a_symbolic_link(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(FLAME)
    assert stats(str(link)).exit_code == 0


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome = run_subprocess("trace", "stats", str(fifo), timeout=60)
    assert outcome.exit_code == 1 and "not a regular file" in outcome.stderr
    assert "Traceback" not in outcome.stderr


@REAL
def test_a_window_outside_the_trace_is_reported_not_refused() -> None:
    outcome = stats(str(FLAME), "--from", "1730313750", "--to", "1730313756", "-o", "json")
    assert outcome.exit_code == 0
    assert outcome.json()["window_outside"] is True and outcome.json()["outside_by_s"] == pytest.approx(3.189)
    text = stats(str(FLAME), "--from", "1730313750", "--to", "1730313756").stdout
    assert "not covered by the trace: outside by 3.189 s" in text


def test_two_devices_are_listed_with_their_energy(tmp_path: Path) -> None:
    trace = tmp_path / "two.csv"
    trace.write_text("time [s],device,power [W]\n1000,a,10\n1000,b,20\n1001,a,10\n1001,b,20\n", encoding="utf-8")
    outcome = stats(str(trace))
    assert outcome.exit_code == 0
    assert "devices       2: a, b" in outcome.stdout
    assert "  a" in outcome.stdout and "10.000 J" in outcome.stdout and "20.000 J" in outcome.stdout
    assert "checker mean  30.000 W" in outcome.stdout
