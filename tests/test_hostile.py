"""Hostile and broken input: every attack gives exit 1 and one finding, in bounded CPU time and memory.

Each attack runs `python -m aerp validate FILE` in a child process, as a leaderboard would run
it on a stranger's file. The harness bounds what the validator controls, with the bounds the
specification states (Security considerations): the CPU time of the child (user + system) and
its peak resident memory, both read from the kernel's accounting of the child by a wrapper
process whose only child is the validator. Elapsed time is not bounded, since it depends on
what else the machine is doing; a generous wall-clock guard only ends a child that hangs. The
child's address space is capped, so a runaway could not take the machine down. Large attacks
are generated here rather than committed.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SUITE, run_cli

HOSTILE = Path(__file__).resolve().parent / "hostile"
EXPECTED: dict[str, str] = yaml.safe_load((HOSTILE / "expected.yaml").read_text())
CPU_BOUND_S = 2.0  # spec/1.0/aerp-1.0.md, Security considerations: 2 seconds of CPU time
MEMORY_BOUND_BYTES = 200 * 10**6  # and 200 MB of peak resident memory
HANG_GUARD_S = 60.0  # only to end a child that hangs; elapsed time is not a bound
ADDRESS_SPACE_CAP = 4 * 1024**3
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "validator"), os.environ.get("PYTHONPATH", "")) if p),
}


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


# A wrapper whose only child is the command, so that the CPU time and the peak it reports are
# the command's own (the kernel's accounting of the waited-for child, not the wrapper's).
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write(f'\\nMEASURED {used.ru_utime + used.ru_stime} {used.ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Measured:
    """What one child did and what it cost."""

    code: int
    stdout: str
    stderr: str
    cpu_seconds: float
    peak_bytes: int

    def over_budget(self) -> list[str]:
        """Each bound of the specification that the child exceeded, said in words (empty: within budget)."""
        excess = []
        if self.cpu_seconds >= CPU_BOUND_S:
            excess.append(f"{self.cpu_seconds:.2f} s of CPU time (bound {CPU_BOUND_S} s)")
        if self.peak_bytes >= MEMORY_BOUND_BYTES:
            excess.append(f"{self.peak_bytes / 1e6:.0f} MB peak memory (bound {MEMORY_BOUND_BYTES / 1e6:.0f} MB)")
        return excess


def measure(command: list[str], hang_guard: float = HANG_GUARD_S) -> Measured:
    """Run ``command`` under the wrapper; a child still running after ``hang_guard`` seconds is killed and fails."""
    wrapper = subprocess.Popen(
        [sys.executable, "-c", _MEASURE, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_cap,
        env=ENV,
        text=True,
        start_new_session=True,  # the wrapper and the command in one group, so a hang is ended whole
    )
    try:
        stdout, stderr = wrapper.communicate(timeout=hang_guard)
    except subprocess.TimeoutExpired:
        os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.communicate()
        pytest.fail(f"{command[-1]}: still running after {hang_guard} s: it hangs")
    stderr, _, measured = stderr.rpartition("\nMEASURED ")
    cpu, peak_kib = measured.split()
    return Measured(wrapper.returncode, stdout, stderr, float(cpu), int(peak_kib) * 1024)


def attack(*args: str) -> Measured:
    """One validator run in a child process, measured."""
    return measure([sys.executable, "-m", "aerp", *args])


def _assert_within_budget(measured: Measured, what: str) -> None:
    assert not measured.over_budget(), f"{what}: " + "; ".join(measured.over_budget())


def _assert_one_finding(path: Path, check: str) -> None:
    done = attack("validate", str(path))
    assert done.code == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    findings = [line for line in done.stdout.splitlines() if " AERP-" in line]
    assert len(findings) == 1, findings
    assert f" {check} " in findings[0]
    _assert_within_budget(done, path.name)


@pytest.mark.parametrize(("name", "check"), sorted(EXPECTED.items()))
def test_committed_attack(name: str, check: str) -> None:
    _assert_one_finding(HOSTILE / name, check)


def _base() -> str:
    text = (SUITE / "conformant" / "image-to-text-blip-image-captioning-large.yaml").read_text()
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


GENERATED = {
    "yaml-deep-nesting.yaml": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "AERP-L011"),
    "yaml-deep-block-nesting.yaml": ("".join(" " * i + "k:\n" for i in range(2000)), "AERP-L011"),
    "json-deep-nesting.json": ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "AERP-L011"),
    "json-huge-integer.json": ('{"aerp_version": "1.0.0", "x": ' + "9" * 100_000 + "}", "AERP-L011"),
    "yaml-megabyte-string.yaml": ("aerp_version: '1.0.0'\nnote: '" + "x" * 1_048_576 + "'\n", "AERP-L011"),
    "file-too-large.yaml": ("# " + "x" * (5 * 1024 * 1024) + "\n", "AERP-L011"),
    "yaml-many-nodes.yaml": ("aerp_version: '1.0.0'\nx: [" + "1, " * 250_000 + "1]\n", "AERP-L011"),
    "value-long-unit.yaml": (None, "AERP-U003"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_attack(tmp_path: Path, name: str) -> None:
    content, check = GENERATED[name]
    if content is None:
        content = _base().replace(
            'memory: {value: 512, unit: "GiB"}', 'memory: {value: 512, unit: "' + "W" * 60_000 + '"}'
        )
    target = tmp_path / name
    target.write_text(content)
    _assert_one_finding(target, check)


def test_files_that_are_not_files(tmp_path: Path) -> None:
    (tmp_path / "directory.yaml").mkdir()
    (tmp_path / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    for name in ("directory.yaml", "broken.yaml", "fifo.yaml", "removed-while-running.yaml"):
        _assert_one_finding(tmp_path / name, "AERP-L001")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    target = tmp_path / "locked.yaml"
    target.write_text(_base())
    target.chmod(0)
    _assert_one_finding(target, "AERP-L001")


def test_a_symlink_loop_in_a_folder_ends(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(_base())
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "back").symlink_to(tmp_path / "inner")
    done = attack("validate", "-q", str(tmp_path))
    assert done.code == 0 and done.stdout.startswith("1 file:")
    _assert_within_budget(done, "a folder with symbolic link loops")


AUDIT = r"""
import os, sys
import aerp
from aerp.protocol import data_root
inputs = set(sys.argv[1:])
allowed = (os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix), str(data_root().resolve()),
           os.path.dirname(os.path.realpath(aerp.__file__)))
if sys.pycache_prefix:  # compiled modules kept apart (PYTHONPYCACHEPREFIX): reading them is importing, not input
    allowed += (os.path.realpath(sys.pycache_prefix),)
seen = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if not path.startswith(allowed) and path not in inputs and "__pycache__" not in path:
            seen.append(("open", path))
    elif event in ("socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system", "os.exec",
                   "pickle.find_class"):
        seen.append((event, str(args[0])[:80]))
sys.addaudithook(hook)
from click.testing import CliRunner
from aerp.cli import main
result = CliRunner().invoke(main, ["validate", "--jobs", "1", *sys.argv[1:]])
print(result.exit_code)
print(repr(seen))
"""


def test_nothing_but_the_inputs_is_read_and_nothing_is_run(tmp_path: Path) -> None:
    """Artifacts are never opened, links in them never followed, no network, no process, no pickle."""
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    folder = tmp_path / "submission"
    (folder / "logs").mkdir(parents=True)
    (folder / "logs" / "benchmark_report.json").symlink_to(secret)
    submission = folder / "result.yaml"
    submission.write_text(_base())
    hostile = [str(p.resolve()) for p in sorted(HOSTILE.iterdir()) if p.name != "expected.yaml"]
    script = AUDIT
    done = subprocess.run(
        [sys.executable, "-c", script, str(submission.resolve()), *hostile],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    exit_code, seen = done.stdout.splitlines()[-2:]
    assert exit_code == "1", done.stdout + done.stderr
    assert seen == "[]"


def test_a_run_writes_only_where_it_was_told(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for path in sorted(HOSTILE.iterdir())[:10]:
        (work / path.name).write_bytes(path.read_bytes())
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    labels = tmp_path / "labels"
    run_cli(
        "validate",
        "-o",
        "json",
        "--output-file",
        str(report),
        "--labels",
        str(labels),
        str(work),
        str(SUITE / "conformant" / "image-to-text-blip-image-captioning-large.yaml"),
    )
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    added = sorted(str(p.relative_to(tmp_path)) for p in set(after) - set(before))
    changed = [p for p in before if after.get(p) != before[p] and p not in (report.parent, tmp_path)]
    assert added == ["labels", "labels/image-to-text-blip-image-captioning-large.label.svg", "out/report.json"]
    assert changed == []


ROWS_ATTACKS = {
    "nul.csv": b"task,class,energy\nasr,,1\x00 Wh\n",
    "invalid-utf8.csv": b"task,class,energy\nasr,,\xff\xfe Wh\n",
    "huge-number.csv": b"task,class,energy\nasr,,1e999 Wh\n",
    "long-cell.csv": b"task,class,energy\n" + b"asr,," + b"9" * 200_000 + b" Wh\n",
    "unit-bomb.csv": b"task,class,energy\nasr,,1 m**(9**9**9)\n",
    "binary.csv": bytes(range(256)) * 8,
    "empty.csv": b"",
}


@pytest.mark.parametrize("name", sorted(ROWS_ATTACKS))
def test_rate_input_attacks(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(ROWS_ATTACKS[name])
    done = attack("rate", "--input", str(target))
    assert done.code == 1 and "Traceback" not in done.stdout + done.stderr and done.stderr.strip()
    _assert_within_budget(done, name)


def test_control_characters_never_reach_a_terminal_or_xml() -> None:
    import xml.etree.ElementTree as ET

    path = str(HOSTILE / "value-control-characters.yaml")
    text = run_cli("validate", path).stdout
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text
    ET.fromstring(run_cli("validate", "-o", "junit", path).stdout)  # no character XML 1.0 forbids


INGEST_ATTACKS = {
    ("codecarbon", "binary.csv"): bytes(range(256)) * 8,
    ("codecarbon", "nul.csv"): b"timestamp,duration\n2026-01-01T00:00:00,1\x00\n",
    ("codecarbon", "huge-number.csv"): b"duration,gpu_energy\n" + b"9" * 100_000 + b",1e999\n",
    ("aies-v1", "deep.json"): b'{"prefill": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ("aies-v1", "nan.json"): b'{"prefill": {"energy": {"unit": "kWh", "gpu": NaN}}}',
    ("aies-v1", "wrong-kind.json"): b'{"config": {"name": "not an optimum-benchmark report"}}',
    ("mlperf-system", "list.json"): b"[1, 2, 3]",
}


@pytest.mark.parametrize(("kind", "name"), sorted(INGEST_ATTACKS))
def test_ingest_attacks(tmp_path: Path, kind: str, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(INGEST_ATTACKS[(kind, name)])
    done = attack("ingest", kind, str(target), "--task", "text-generation")
    assert done.code == 1 and "Traceback" not in done.stdout + done.stderr and done.stderr.startswith("aerp ingest:")
    _assert_within_budget(done, name)


# The harness itself: a bound that cannot fail proves nothing, so each is shown to fail.
_BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end:\n    pass\n"


def test_the_harness_reports_a_child_that_burns_too_much_cpu() -> None:
    done = measure([sys.executable, "-c", _BURN.format(seconds=CPU_BOUND_S + 0.3)])
    assert done.code == 0
    assert done.cpu_seconds >= CPU_BOUND_S + 0.3
    assert [reason for reason in done.over_budget() if "CPU" in reason]


def test_the_harness_reports_a_child_that_takes_too_much_memory() -> None:
    size = MEMORY_BOUND_BYTES + 50 * 10**6
    done = measure([sys.executable, "-c", f"block = b'x' * {size}"])  # written to, so resident
    assert done.code == 0
    assert done.peak_bytes >= size
    assert [reason for reason in done.over_budget() if "memory" in reason]


def test_the_harness_counts_cpu_not_waiting() -> None:
    """A child that waits costs no CPU: elapsed time, which a busy machine stretches, is not what is bounded."""
    done = measure([sys.executable, "-c", "import time; time.sleep(2.5)"])
    assert done.code == 0 and done.over_budget() == []
    assert done.cpu_seconds < 1.0


def test_the_harness_ends_a_child_that_hangs() -> None:
    with pytest.raises(pytest.fail.Exception, match="hangs"):
        measure([sys.executable, "-c", "import time; time.sleep(600)"], hang_guard=1.0)
