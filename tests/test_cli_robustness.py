"""The command line under the mistakes and accidents users meet: every command, the same answer.

Each test walks click's registry of commands, so that a command added later is held to the
same rules: an output path that cannot be written is a usage error (exit 2) in every command
that writes; a reader that closes the pipe ends nothing but the output; the same mistake gets
the same exit code and the same words everywhere; no number typed on the command line or in
a CSV ends in an internal error.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp.cli import OutputFile, main
from aerp.discover import NOTHING_THERE
from aerp.quantities import vocabulary
from conftest import SUITE, Outcome, run_cli
from helpers import PROTOCOL

INGEST_DATA = Path(__file__).resolve().parent / "ingest_data"
CONFORMANT = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
NON_CONFORMANT = SUITE / "non-conformant" / "rating-wrong-stars.yaml"
TRACE = SUITE.parent / "1.1" / "conformant" / "evidence-trace-consistent.trace.csv"
ENERGY_UNITS = sorted(vocabulary(PROTOCOL).dimensions["energy"])


def commands(
    group: click.Group = main, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command a user can run, by its words on the command line, from click's registry."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(commands())

# One run of every command that succeeds and writes to standard output. A new command fails
# test_every_command_is_covered until it has a row here, and so joins every test below.
RUNS: dict[tuple[str, ...], list[str]] = {
    ("checks",): [],
    ("export", "cyclonedx"): [str(CONFORMANT)],
    ("export", "spdx"): [str(CONFORMANT)],
    ("ingest",): ["codecarbon", str(INGEST_DATA / "codecarbon-3.x-emissions.csv"), "--task", "text-generation"],
    ("init",): ["--task", "automatic-speech-recognition"],
    ("label",): [str(CONFORMANT)],
    ("migrate",): [str(CONFORMANT), "--to", "1.1"],
    ("rate",): ["--task", "automatic-speech-recognition", "--energy", "5 Wh"],
    ("schema",): [],
    ("spec", "matrix"): [],
    ("spec", "render"): [],
    ("trace", "stats"): [str(TRACE)],
    ("validate",): [str(CONFORMANT)],
}


def with_input(*args: str, stdin: str) -> Outcome:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def assert_no_crash(outcome: Outcome) -> None:
    text = outcome.stdout + outcome.stderr
    assert "Traceback" not in text and "internal error" not in text and "bug in the validator" not in text, text


def test_every_command_is_covered() -> None:
    assert set(RUNS) == set(COMMANDS)
    for words, args in RUNS.items():
        outcome = run_cli(*words, *args)
        assert outcome.exit_code == 0 and outcome.stdout, (words, outcome.stderr)


# -- 1. an output that cannot be written is a usage error, in every command that writes ---------


def _writes(command: click.Command) -> list[click.Option]:
    return [
        p
        for p in command.params
        if isinstance(p, click.Option) and (isinstance(p.type, OutputFile) or p.name in ("output_file", "labels_dir"))
    ]


WRITERS = [
    pytest.param(words, option.opts[-1], isinstance(option.type, OutputFile) and option.type.folder, id=" ".join(words))
    for words, command in COMMANDS.items()
    for option in _writes(command)
]
WRITE_ALL = [
    *WRITERS,
    # the old spelling, where -o named the file, still goes through the same checks
    *(pytest.param(words, "-o", False, id=f"{' '.join(words)} -o FILE") for words in (("label",), ("init",))),
    pytest.param(("spec", "render"), "-o", False, id="spec render -o FILE"),
    pytest.param(("ingest",), "-o", False, id="ingest -o FILE"),
]


def test_the_commands_that_write_are_found() -> None:
    found = {words for words, *_ in (p.values for p in WRITERS)}
    assert found >= {("validate",), ("rate",), ("label",), ("init",), ("spec", "matrix"), ("spec", "render")}


# The legacy `-o FILE` is told from a format by its suffix.
LEGACY_SUFFIX = {("label",): ".svg", ("init",): ".yaml", ("spec", "render"): ".html", ("ingest",): ".yaml"}


@pytest.mark.parametrize(("words", "option", "folder"), WRITE_ALL)
def test_an_output_in_a_missing_folder_is_a_usage_error(
    tmp_path: Path, words: tuple[str, ...], option: str, folder: bool
) -> None:
    target = tmp_path / "missing" / ("labels" if folder else "out" + LEGACY_SUFFIX.get(words, ""))
    outcome = run_cli(*words, *RUNS[words], option, str(target))
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert_no_crash(outcome)
    assert f"cannot write '{target}': the folder '{target.parent}' does not exist" in outcome.stderr
    assert not target.parent.exists()


OTHER_FAILURES = ["is a folder", "under a file", "full disk"]


@pytest.mark.parametrize(("words", "option", "folder"), WRITERS)
@pytest.mark.parametrize("failure", OTHER_FAILURES)
def test_every_reason_a_file_cannot_be_written_is_a_usage_error(
    tmp_path: Path, words: tuple[str, ...], option: str, folder: bool, failure: str
) -> None:
    if failure == "full disk" and (folder or not Path("/dev/full").exists()):
        pytest.skip("a folder cannot be a full device; /dev/full is Linux's")
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    target, words_expected = {
        "is a folder": (
            tmp_path / ("a-file" if folder else "a-folder"),
            "a file, not a folder" if folder else "it is a folder",
        ),
        "under a file": (tmp_path / "a-file" / "out", "is not a folder"),
        "full disk": (Path("/dev/full"), "the disk is full"),  # found only when writing: the same words
    }[failure]
    outcome = run_cli(*words, *RUNS[words], option, str(target))
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert_no_crash(outcome)
    checked = isinstance(next(p for p in COMMANDS[words].params if option in p.opts).type, OutputFile)
    if checked or failure != "is a folder":  # a plain click.Path refuses a folder in click's own words
        assert f"cannot write '{target}'" in outcome.stderr and words_expected in outcome.stderr


def test_every_output_option_is_checked_before_any_work() -> None:
    unchecked = [w for w, c in COMMANDS.items() for p in _writes(c) if not isinstance(p.type, OutputFile)]
    assert unchecked == []


def test_an_output_that_would_overwrite_an_input_is_refused(tmp_path: Path) -> None:
    original = SUITE / "conformant" / "text-generation-a-llama-3.1-8b-open-l4.json"
    source = tmp_path / "result.json"
    source.write_bytes(original.read_bytes())
    outcome = run_cli("validate", "-o", "json", "--output-file", str(source), str(tmp_path))
    assert outcome.exit_code == 2 and "is one of the files to validate" in outcome.stderr
    assert source.read_bytes() == original.read_bytes()


def test_labels_folder_is_made_when_its_parent_exists(tmp_path: Path) -> None:
    outcome = run_cli("validate", "-q", "--labels", str(tmp_path / "labels"), str(CONFORMANT))
    assert outcome.exit_code == 0 and len(list((tmp_path / "labels").glob("*.label.svg"))) == 1


# -- 2. a reader that closes the pipe ends the output, not the run ------------------------------

PIPED = [
    *(pytest.param(words, args, 0, id=" ".join(words)) for words, args in RUNS.items()),
    pytest.param(("validate",), [str(SUITE)], 1, id="validate a suite with failures"),
    pytest.param(("validate",), ["-o", "json", str(NON_CONFORMANT)], 1, id="validate -o json"),
    pytest.param(("rate",), ["--input", str(INGEST_DATA / "bad" / "leaderboard.csv")], 1, id="rate a bad table"),
    pytest.param((), ["--help"], 0, id="--help"),
    pytest.param(("validate",), ["--help"], 0, id="validate --help"),
    pytest.param((), ["--version"], 0, id="--version"),
]


def _closed_pipe_run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m aerp ARGS`` writing into a pipe whose reader is already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "aerp", *args], stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize(("words", "args", "code"), PIPED)
def test_a_closed_standard_output_ends_quietly(words: tuple[str, ...], args: list[str], code: int) -> None:
    done = _closed_pipe_run(*words, *args)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "Exception ignored" not in done.stderr and "BrokenPipeError" not in done.stderr


def test_a_pipe_closed_after_the_first_line_keeps_the_exit_code() -> None:
    """`aerp validate SUITE | head -1`: the run goes on and exits 1 for its non-conformant files."""
    child = subprocess.Popen(
        [sys.executable, "-m", "aerp", "validate", "--jobs", "1", str(SUITE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 1 and " AERP-" in first
    assert "Traceback" not in stderr and "internal error" not in stderr and "Exception ignored" not in stderr


# -- 3. the same mistake: the same exit code and the same words in every command ---------------


def _with(name: str) -> set[tuple[str, ...]]:
    return {w for w, c in COMMANDS.items() if any(p.name == name for p in c.params)}


UNKNOWN_TASK = {
    ("rate",): ["--task", "nonsense", "--energy", "5 Wh"],
    ("init",): ["--task", "nonsense"],
    ("ingest",): ["codecarbon", str(INGEST_DATA / "codecarbon-3.x-emissions.csv"), "--task", "nonsense"],
}
UNSUPPORTED_VERSION = {
    ("checks",): [],
    ("init",): ["--task", "summarization"],
    ("schema",): [],
    ("rate",): ["--task", "automatic-speech-recognition", "--energy", "5 Wh"],
    ("spec", "matrix"): [],
    ("spec", "render"): [],
}
BAD_TIMESTAMP = {("validate",): [str(CONFORMANT)]}
WITH_FORMAT = {words: RUNS[words] for words, c in COMMANDS.items() if any(p.name == "fmt" for p in c.params)}


def test_the_tables_name_every_command_with_the_parameter() -> None:
    assert set(UNKNOWN_TASK) == _with("task")
    assert set(UNSUPPORTED_VERSION) == _with("version")
    assert set(BAD_TIMESTAMP) == _with("timestamp")


def _rows(table: dict[tuple[str, ...], list[str]]) -> list[object]:
    return [
        pytest.param(
            words,
            args,
            id=" ".join(words),
        )
        for words, args in table.items()
    ]


@pytest.mark.parametrize(("words", "args"), _rows(UNKNOWN_TASK))
def test_an_unknown_task_is_the_same_usage_error_everywhere(words: tuple[str, ...], args: list[str]) -> None:
    outcome = run_cli(*words, *args)
    assert outcome.exit_code == 2
    assert_no_crash(outcome)
    assert "Invalid value for '--task': unknown task `nonsense`; tasks: text-generation," in outcome.stderr


@pytest.mark.parametrize("version", ["9.9", "1.0.x", "1", "v1.0"])
@pytest.mark.parametrize(("words", "args"), _rows(UNSUPPORTED_VERSION))
def test_an_unsupported_version_is_the_same_usage_error_everywhere(
    words: tuple[str, ...], args: list[str], version: str
) -> None:
    outcome = run_cli(*words, *args, "--aerp-version", version)
    assert outcome.exit_code == 2
    assert_no_crash(outcome)
    assert f"Invalid value for '--aerp-version': '{version}' is not a supported version; supported: 1.0" in (
        outcome.stderr
    )


@pytest.mark.parametrize("words", UNSUPPORTED_VERSION)
@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.7"])
def test_a_supported_version_is_accepted_with_or_without_its_patch(words: tuple[str, ...], version: str) -> None:
    assert run_cli(*words, *UNSUPPORTED_VERSION[words], "--aerp-version", version).exit_code == 0


@pytest.mark.parametrize("timestamp", ["yesterday", "2026-13-01T00:00:00Z", ""])
@pytest.mark.parametrize(("words", "args"), _rows(BAD_TIMESTAMP))
def test_a_bad_timestamp_is_the_same_usage_error_everywhere(
    words: tuple[str, ...], args: list[str], timestamp: str
) -> None:
    outcome = run_cli(*words, "--timestamp", timestamp, *args)
    assert outcome.exit_code == 2
    assert f"Invalid value for '--timestamp': '{timestamp}' is not an ISO 8601 date-time" in outcome.stderr


@pytest.mark.parametrize(("words", "args"), _rows(WITH_FORMAT))
def test_an_unknown_format_is_the_same_usage_error_everywhere(words: tuple[str, ...], args: list[str]) -> None:
    outcome = run_cli(*words, *args, "-o", "nonsense")
    assert outcome.exit_code == 2
    assert_no_crash(outcome)
    assert "Invalid value for '-o' / '--output': 'nonsense'" in outcome.stderr


MISSING = {
    ("validate",): lambda missing: [str(missing)],
    ("label",): lambda missing: [str(missing)],
    ("rate",): lambda missing: ["--input", str(missing)],
    ("ingest",): lambda missing: ["codecarbon", str(missing), "--task", "text-generation"],
    ("migrate",): lambda missing: [str(missing), "--to", "1.1"],
    ("trace", "stats"): lambda missing: [str(missing)],
}


@pytest.mark.parametrize("name", ["results.yaml", "results", "results/"])
@pytest.mark.parametrize(
    "words",
    [pytest.param(w, id=" ".join(w)) for w in MISSING],
)
def test_a_missing_input_is_named_the_same_way_everywhere(tmp_path: Path, words: tuple[str, ...], name: str) -> None:
    """Nothing at a path the user gave: unreadable (exit 1), and not called a file when it may be a folder."""
    missing = f"{tmp_path}/{name}"
    outcome = run_cli(*words, *MISSING[words](missing))
    assert outcome.exit_code == 1
    assert_no_crash(outcome)
    said = outcome.stdout + outcome.stderr
    assert NOTHING_THERE in said and str(tmp_path / name.rstrip("/")) in said
    assert "the file does not exist" not in said and "Errno" not in said


# -- 4 and 5. numbers typed on the command line: refused as usage errors, never a crash ---------


@pytest.mark.parametrize(
    ("energy", "words"),
    [
        ("1e308 MWh", "too large to express in Wh"),
        ("1.8e308 Wh", "too large to express in Wh"),
        ("1e999999999 J", "too large to express in Wh"),
        ("1e-400 Wh", "too small to express in Wh"),
        ("1e-999999999 kWh", "too small to express in Wh"),
        ("9" * 401 + " Wh", "more than the limit of 400"),
        ("\u0663 Wh", "is not an energy"),
        ("0 Wh", "the energy is zero (0 Wh); it must be positive (AERP-U004)"),
        ("0.000e7 kWh", "the energy is zero (0.000e7 kWh); it must be positive"),
        ("-0 Wh", "the energy is zero"),
        ("-5 J", "the energy is negative (-5 J); it must be positive (AERP-U004)"),
    ],
)
def test_an_energy_that_cannot_be_rated_is_a_usage_error(energy: str, words: str) -> None:
    outcome = run_cli("rate", "--task", "automatic-speech-recognition", "--energy", energy)
    assert outcome.exit_code == 2, outcome.stdout
    assert_no_crash(outcome)
    assert "Invalid value for '--energy'" in outcome.stderr and words in outcome.stderr


@pytest.mark.parametrize("energy", ["1e308 MWh", "1e-400 Wh", "0 Wh", "-1 kWh", "1e99999 J"])
def test_an_energy_that_cannot_be_rated_in_a_csv_is_reported_by_its_line(energy: str) -> None:
    rows = f"task,class,energy\nautomatic-speech-recognition,,5 Wh\nautomatic-speech-recognition,,{energy}\n"
    outcome = with_input("rate", "--input", "-", stdin=rows)
    assert outcome.exit_code == 1
    assert_no_crash(outcome)
    assert outcome.stdout.splitlines()[1:] == [
        "automatic-speech-recognition,,5 Wh,5",
        f"automatic-speech-recognition,,{energy},",
    ]
    assert outcome.stderr.startswith("<stdin>:3: ")


def test_zero_energy_is_refused_by_rate_for_the_reason_validate_gives(tmp_path: Path) -> None:
    text = CONFORMANT.read_text(encoding="utf-8")
    summary = 'accelerator_energy_per_1000_queries: {value: 9.598948, unit: "Wh"}'
    assert summary in text
    submission = tmp_path / "zero.yaml"
    submission.write_text(text.replace(summary, summary.replace("9.598948", "0")), encoding="utf-8")
    report = run_cli("validate", "-o", "json", str(submission)).json()["files"][0]
    u004 = [f["message"] for f in report["findings"] if f["check"] == "AERP-U004"]
    assert u004 and all(message.endswith("is zero (0 Wh); it must be positive") for message in u004)
    outcome = run_cli("rate", "--task", "text-generation", "--class", "A", "--energy", "0 Wh")
    assert outcome.exit_code == 2 and "is zero (0 Wh); it must be positive (AERP-U004)" in outcome.stderr


DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=25)


@st.composite
def energy_texts(draw: st.DrawFn) -> str:
    """Decimals as people type them: signs, leading zeros, fractions, exponents up to ±400, every unit."""
    whole, fraction = draw(DIGITS), draw(st.one_of(st.none(), DIGITS))
    if not whole and not fraction:
        whole = "0"
    number = draw(st.sampled_from(["", "+", "-"])) + whole + ("" if fraction is None else "." + fraction)
    exponent = draw(st.one_of(st.none(), st.integers(min_value=-400, max_value=400)))
    if exponent is not None:
        number += draw(st.sampled_from(["e", "E"])) + draw(st.sampled_from(["", "+"])) * (exponent >= 0) + str(exponent)
    return f"{number} {draw(st.sampled_from(ENERGY_UNITS))}"


@settings(max_examples=300)
@given(energy_texts())
def test_no_energy_text_is_an_internal_error(energy: str) -> None:
    outcome = run_cli("rate", "--task", "automatic-speech-recognition", "--energy", energy, "-o", "json")
    assert_no_crash(outcome)
    assert outcome.exit_code in (0, 2), outcome.stderr
    if outcome.exit_code == 0:
        rated = outcome.json()
        assert rated["stars"] in (1, 2, 3, 4, 5)
        assert math.isfinite(rated["energy_wh_per_1000"]) and rated["energy_wh_per_1000"] > 0
    else:
        assert "Invalid value for '--energy'" in outcome.stderr


@settings(max_examples=100)
@given(st.lists(energy_texts(), min_size=1, max_size=8))
def test_no_energy_text_in_a_csv_is_an_internal_error(energies: list[str]) -> None:
    rows = "task,class,energy\n" + "".join(f"automatic-speech-recognition,,{e}\n" for e in energies)
    for method in ("fixed", "cohort"):
        outcome = with_input("rate", "--input", "-", "--method", method, "-o", "json", stdin=rows)
        assert_no_crash(outcome)
        assert outcome.exit_code in (0, 1), outcome.stderr
        assert len(outcome.json()) == len(energies)
        reported = {int(m[1]) for m in re.finditer(r"^<stdin>:(\d+): ", outcome.stderr, re.MULTILINE)}
        assert reported <= set(range(2, len(energies) + 2))


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--max-bytes", "9" * 30, str(CONFORMANT)],
        ["validate", "--max-bytes", str(2**40), str(CONFORMANT)],
        ["validate", "--max-bytes", "0", str(CONFORMANT)],
        ["validate", "--max-bytes", "1e3", str(CONFORMANT)],
        ["validate", "--jobs", "0", str(CONFORMANT)],
        ["validate", "--jobs", "-1", str(CONFORMANT)],
    ],
)
def test_other_numbers_on_the_command_line_are_usage_errors(args: list[str]) -> None:
    outcome = run_cli(*args)
    assert outcome.exit_code == 2
    assert_no_crash(outcome)


def test_a_large_but_possible_max_bytes_still_validates() -> None:
    assert run_cli("validate", "-q", "--max-bytes", str(2**30), str(CONFORMANT)).exit_code == 0


# -- 6. a CSV saved by a spreadsheet, with a byte order mark -----------------------------------


BOM_ROWS = "\ufefftask,class,energy\r\ntext-generation,A,9.6 Wh\r\nautomatic-speech-recognition,,0.0801 kWh\r\n"


def test_rate_reads_a_csv_with_a_byte_order_mark(tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_bytes(BOM_ROWS.encode("utf-8"))
    for outcome in (run_cli("rate", "--input", str(source)), with_input("rate", "--input", "-", stdin=BOM_ROWS)):
        assert outcome.exit_code == 0, outcome.stderr
        assert outcome.stdout.splitlines() == [
            "task,class,energy,stars",
            "text-generation,A,9.6 Wh,4",
            "automatic-speech-recognition,,0.0801 kWh,1",
        ]


def test_a_submission_with_a_byte_order_mark_is_still_refused(tmp_path: Path) -> None:
    source = tmp_path / "result.yaml"
    source.write_bytes(b"\xef\xbb\xbf" + CONFORMANT.read_bytes())
    outcome = run_cli("validate", str(source))
    assert outcome.exit_code == 1 and "AERP-L002" in outcome.stdout and "byte order mark" in outcome.stdout


# -- 7. -o is the format, --output-file the file, in every command ------------------------------


@pytest.mark.parametrize(
    "words",
    [pytest.param(w, id=" ".join(w)) for w, c in COMMANDS.items() if any("-o" in p.opts for p in c.params)],
)
def test_dash_o_is_the_output_format(words: tuple[str, ...]) -> None:
    option = next(p for p in COMMANDS[words].params if "-o" in p.opts)
    assert option.name == "fmt" and "--output" in option.opts


def test_every_command_that_writes_a_file_takes_output_file() -> None:
    for words, command in COMMANDS.items():
        if _writes(command):
            assert any("--output-file" in p.opts for p in command.params), words


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["label", str(CONFORMANT), "--output-file", "{tmp}/label.png"], "writes svg, not png: name the file *.svg"),
        (["label", str(CONFORMANT), "-o", "{tmp}/label.png"], "writes svg, not png: name the file *.svg"),
        (["label", str(CONFORMANT), "-o", "png"], "'png' is not a format of this command; it writes: svg"),
        (["label", str(CONFORMANT), "-o", "{tmp}/a.svg", "--output-file", "{tmp}/b.svg"], "name the file once"),
        (["init", "--task", "summarization", "--output-file", "{tmp}/t.json"], "writes yaml, not json"),
        (["validate", "-o", "json", "--output-file", "{tmp}/r.html", str(CONFORMANT)], "add -o html"),
        (["validate", "--output-file", "{tmp}/r.json", str(CONFORMANT)], "the output is text: add -o json"),
        (
            ["rate", "--input", str(INGEST_DATA / "bad" / "leaderboard.csv"), "--output-file", "{tmp}/r.json"],
            "add -o json",
        ),
        (["rate", "--task", "summarization", "--energy", "1 Wh", "-o", "csv"], "it writes: text, json"),
        (["spec", "render", "--output-file", "{tmp}/spec.pdf"], "writes html, not pdf"),
        (["spec", "matrix", "-o", "json", "--output-file", "{tmp}/m.md"], "add -o markdown"),
    ],
)
def test_an_output_file_must_be_named_for_what_it_holds(tmp_path: Path, args: list[str], words: str) -> None:
    outcome = run_cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert_no_crash(outcome)
    assert words in outcome.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_old_dash_o_file_spelling_still_writes_with_a_note(tmp_path: Path) -> None:
    old, new = tmp_path / "old.svg", tmp_path / "new.svg"
    before = run_cli("label", str(CONFORMANT), "-o", str(old))
    after = run_cli("label", str(CONFORMANT), "--output-file", str(new))
    assert before.exit_code == after.exit_code == 0 and old.read_bytes() == new.read_bytes()
    assert "deprecated" in before.stderr and f"--output-file {old}" in before.stderr and after.stderr == ""
    assert run_cli("label", str(CONFORMANT), "-o", "svg").stdout == new.read_text()
    assert "deprecated" in run_cli("label", "--help").stdout


def test_spec_render_writes_to_standard_output_like_every_command(tmp_path: Path) -> None:
    target = tmp_path / "spec.html"
    assert run_cli("spec", "render", "--output-file", str(target)).exit_code == 0
    assert run_cli("spec", "render").stdout == target.read_text(encoding="utf-8")


# -- 8. a tool's own output given to validate points to `aerp ingest` ---------------------------


@pytest.mark.parametrize(
    ("path", "command"),
    [
        ("codecarbon-2.x-emissions.csv", "aerp ingest codecarbon"),
        ("codecarbon-3.x-emissions.csv", "aerp ingest codecarbon"),
        ("aies-v1-benchmark_report.json", "aerp ingest aies-v1"),
        ("aies-v2-run/benchmark_report.json", "aerp ingest aies-v2"),
        ("aies-v2-run/GPU_ENERGY_SUMMARY.json", "aerp ingest aies-v2"),
        ("aies-v2-run/benchmark_results.csv", "aerp ingest aies-v2"),
        ("mlperf-system.json", "aerp ingest mlperf-system"),
    ],
)
def test_a_tool_output_points_to_the_ingest_command(path: str, command: str) -> None:
    report = run_cli("validate", "-o", "json", str(INGEST_DATA / path)).json()["files"][0]
    assert [f["check"] for f in report["findings"]] == ["AERP-V001"]
    finding = report["findings"][0]
    assert "not an AERP submission" in finding["message"] and f"`{command} " in finding["hint"]
    assert "add `aerp_version" not in finding["hint"]


def test_a_tool_run_folder_points_every_file_to_ingest() -> None:
    outcome = run_cli("validate", str(INGEST_DATA / "aies-v2-run"))
    findings = [line for line in outcome.stdout.splitlines() if " AERP-" in line]
    assert outcome.exit_code == 1 and len(findings) == 2
    assert all("`aerp ingest aies-v2 <its run folder>`" in line for line in findings)


def test_a_codecarbon_csv_that_is_not_even_yaml_still_points_to_ingest(tmp_path: Path) -> None:
    source = (INGEST_DATA / "codecarbon-3.x-emissions.csv").read_text(encoding="utf-8")
    header, first, *rest = source.splitlines(keepends=True)
    cells = first.split(",")
    cells[1] = '"llama: run 2"'  # a project name with ": " makes the file a YAML syntax error
    target = tmp_path / "emissions.csv"
    target.write_text(header + ",".join(cells) + "".join(rest), encoding="utf-8")
    outcome = run_cli("validate", str(target))
    assert outcome.exit_code == 1 and "AERP-L004" in outcome.stdout
    assert "this looks like CodeCarbon's emissions.csv: turn it into a submission with `aerp ingest codecarbon" in (
        outcome.stdout
    )


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ((INGEST_DATA / "bad" / "leaderboard.csv").read_text(encoding="utf-8"), "leaderboard.csv"),
        ('{"task": "summarization", "model": {"repository": "org/name"}}', "result.json"),
    ],
)
def test_other_documents_without_a_version_get_no_ingest_pointer(tmp_path: Path, content: str, name: str) -> None:
    target = tmp_path / name
    target.write_text(content, encoding="utf-8")
    outcome = run_cli("validate", str(target))
    assert outcome.exit_code == 1 and "AERP-V001" in outcome.stdout and "aerp ingest" not in outcome.stdout


def test_label_of_a_tool_output_says_what_to_do() -> None:
    outcome = run_cli("label", str(INGEST_DATA / "codecarbon-3.x-emissions.csv"))
    assert outcome.exit_code == 1 and "aerp ingest codecarbon" in outcome.stderr and outcome.stdout == ""


def test_json_output_of_tool_pointer_is_a_valid_report() -> None:
    report = json.loads(run_cli("validate", "-o", "json", str(INGEST_DATA / "mlperf-system.json")).stdout)
    assert report["summary"]["non_conformant"] == 1
