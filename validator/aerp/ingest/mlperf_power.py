"""MLPerf Inference power results: the scored run's wall energy, as an AERP 1.1 open-division submission.

An MLPerf power result folder holds, for one benchmark and scenario, the scored run
(``performance/run_1``: PTDaemon's sample log ``spl.txt``, loadgen's ``mlperf_log_detail.txt``
with the ``power_begin``/``power_end`` markers, and ``mlperf_log_summary.txt``), the ranging
run (``performance/ranging``) and the power client/server logs (``performance/power``).
What it measured is the whole system under test at its AC input (DOMAIN §4.3): AERP 1.1's
``wall`` level, never the accelerator level that the closed division rates. The result is
therefore written in the open division with ``measurement.levels: [wall]``, one repetition
(the scored run) whose window is loadgen's and whose wall energy is the integral of the
analyser's samples over that window, the way :func:`aerp.traces.summarize` integrates them,
so that ``aerp validate`` can read the same trace and agree.

AERP 1.1 describes a measurement by components (accelerator, CPU, RAM) first and levels
second: ``measurement.boundary``, ``measurement.methods`` and every repetition's ``energy``
must each name at least one component. An analyser at the wall separates none, so these
stay ``TBD`` (as ``boundary: [TBD]``, which keeps the document on the schema's
accelerator-less branch), and the notes say why; so does the boundary's energy per 1,000
queries, which 1.1 defines over the components. The mean wall power, MLPerf's own figure,
has no member in 1.1 (``mean_power`` is per component): it is kept under
``extensions.x-mlperf-power`` with the other figures loadgen and PTDaemon state.

Nothing is invented: the task, model, dataset, hardware and software are not in these logs
and stay TBD (``aerp ingest mlperf-system`` reads the system description, to merge); the
query count is taken only where the logs state it. Artifacts are named relative to the folder
the submission is written to, so that the validator finds the trace beside it.

Two layouts are read: the result folder as MLPerf publishes it (``performance/run_1/spl.txt``,
...), and a folder of flattened copies whose names encode those paths
(``<stem>__performance__run_1__spl.txt``), as test data keeps them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions, IngestUsageError
from aerp.ingest._common import (
    MAX_BYTES,
    TBD,
    AsWritten,
    Note,
    about_values,
    check_shape,
    derived,
    is_number,
    json_safe,
    missing,
    normalized,
    retire,
    shown,
)
from aerp.protocol import load_minor

KIND = "mlperf-power"
EDITION = "1.1"
FLAT_RUN = "__performance__run_1__"
FLAT_SUFFIX = FLAT_RUN + "spl.txt"
# (role, path under the result folder, whether the result needs it)
FILES = (
    ("scored trace", "performance/run_1/spl.txt", True),
    ("detail log", "performance/run_1/mlperf_log_detail.txt", True),
    ("summary log", "performance/run_1/mlperf_log_summary.txt", False),
    ("ranging trace", "performance/ranging/spl.txt", False),
    ("server log", "performance/power/server.log", False),
)
DESCRIPTIONS = {
    "scored trace": "PTDaemon sample log of the scored run (MLPerf performance/run_1/spl.txt)",
    "detail log": "loadgen detail log of the scored run, with the power_begin and power_end markers",
    "summary log": "loadgen summary of the scored run",
    "ranging trace": "PTDaemon sample log of the ranging run, which set the analyser's ranges (not a measurement "
    "of the result)",
    "server log": "MLPerf power server log: PTDaemon's version, the analyser and the sampling commands",
}
# the loadgen keys the detail log is read for (the markers are read by aerp.traces.mlperf_window)
DETAIL_KEYS = (
    "effective_scenario",
    "effective_samples_per_query",
    "generated_query_count",
    "result_query_count",
    "qsl_reported_total_count",
    "effective_performance_sample_count",
    "loadgen_version",
    "sut_name",
    "test_datetime",
    "result_validity",
    "power_begin",
    "power_end",
)
# what the summary states as the run's headline figure, by scenario
HEADLINES = (
    "Samples per second",
    "QPS w/ loadgen overhead",
    "Scheduled samples per second",
    "Completed samples per second",
)
_SUMMARY_LINE = re.compile(r"^\s*([^:]{1,80}?)\s*:\s*(.*?)\s*$")
_DIGITS = re.compile(r"^\d{1,30}$")
_DECIMAL = re.compile(r"^\d{1,30}(?:\.\d{1,30})?(?:[eE][+-]?\d{1,4})?$")
_IDENTIFY = re.compile(r"Reply from ptd: '([^']*version=[^']*)'")
_GO = re.compile(r"Sending to ptd: 'Go,(\d{1,9}),\d{1,9},([^']*)'")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ResultFiles:
    """Where the files of one result lie: ``base`` is the folder their artifact paths start from."""

    base: Path
    files: dict[str, Path]  # role -> path; only the files present
    layout: str  # "folder" or "flattened"


def _flattened(folder: Path, stem: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for role, relative, _ in FILES:
        path = folder / (stem + "__" + relative.replace("/", "__"))
        if path.is_file():
            found[role] = path
    return found


def _stems(folder: Path) -> list[str]:
    """The flattened results in ``folder``: the names before ``__performance__run_1__``."""
    try:
        names = os.listdir(folder)
    except OSError as error:
        raise IngestError(f"cannot read the folder {folder}: {error.strerror or error}") from None
    return sorted({name.split(FLAT_RUN, 1)[0] for name in names if FLAT_RUN in name})


def locate(path: Path) -> ResultFiles:
    """The files of the result at ``path``: a result folder, its ``performance`` folder, a folder of
    flattened copies holding one result, or the common stem of flattened copies (``folder/<stem>``)."""
    if path.is_dir():
        for strip in ("", "performance/"):  # the result folder, or its performance folder given itself
            expected = {role: path / relative.removeprefix(strip) for role, relative, _ in FILES}
            if expected["scored trace"].parent.is_dir():
                present = {role: file for role, file in expected.items() if file.is_file()}
                return _complete(ResultFiles(path, present, "folder"), expected)
        stems = _stems(path)
        if len(stems) > 1:
            listed = ", ".join(stems[:6]) + (f" and {len(stems) - 6} more" if len(stems) > 6 else "")
            raise IngestUsageError(
                f"{path} holds {len(stems)} flattened MLPerf results ({listed}): give one of them as "
                f"{path}{os.sep}<stem>",
                "PATH",
            )
        if not stems:
            raise IngestError(
                f"{path}: not an MLPerf power result: no performance/run_1 folder, and no flattened copy named "
                f"<stem>{FLAT_SUFFIX}"
            )
        return _flat(path, stems[0])
    if path.is_file():
        if path.name.endswith(FLAT_SUFFIX):
            return _flat(path.parent, path.name[: -len(FLAT_SUFFIX)])
        raise IngestError(f"{path} is a file: give the MLPerf result folder (the one holding performance/run_1)")
    if path.name and path.parent.is_dir() and path.name in _stems(path.parent):
        return _flat(path.parent, path.name)
    raise missing(path, "folder")


def _flat(folder: Path, stem: str) -> ResultFiles:
    expected = {role: folder / (stem + "__" + relative.replace("/", "__")) for role, relative, _ in FILES}
    return _complete(ResultFiles(folder, _flattened(folder, stem), "flattened"), expected)


def _complete(result: ResultFiles, expected: dict[str, Path]) -> ResultFiles:
    """``result``, or the error naming the first file a result cannot do without."""
    for role, relative, needed in FILES:
        if needed and role not in result.files:
            what = "power samples" if role == "scored trace" else "loadgen log"
            path = expected[role]
            state = "is not a regular file" if path.exists() else "does not exist"
            raise IngestError(f"{path} {state}: an MLPerf power result keeps the scored run's {what} in {relative}")
    return result


# -- reading ---------------------------------------------------------------------------


def _sha256(path: Path, limit: int) -> str:
    """The SHA-256 of a file, read in chunks: a trace may exceed what ingest holds in memory."""
    hasher = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise IngestError(f"{path} is not a regular file")
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise IngestError(f"{path} holds more than {limit:,} bytes, the most ingest reads")
                hasher.update(chunk)
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None
    return hasher.hexdigest()


def _text(path: Path) -> str:
    """A log as text: bounded, and lenient about bytes that are not UTF-8 (only a few lines of it are read)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"{path} holds {size:,} bytes; ingest reads files of at most 64 MiB")
        return path.read_bytes()[: MAX_BYTES + 1].decode("utf-8", "replace")
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None


def _json_value(text: str) -> Any:
    return json.loads(text, parse_float=AsWritten, parse_constant=lambda name: name)


def detail_values(path: Path) -> dict[str, tuple[Any, int]]:
    """The loadgen keys of :data:`DETAIL_KEYS` in ``mlperf_log_detail.txt``: key -> (value as written, line)."""
    found: dict[str, tuple[Any, int]] = {}
    for number, line in enumerate(_text(path).splitlines(), 1):
        if not line.startswith(":::MLLOG ") or '"key"' not in line:
            continue
        try:
            record = _json_value(line[len(":::MLLOG ") :])
        except (ValueError, RecursionError):
            continue  # a line cut short or garbled: the markers' reader refuses one that matters
        key = record.get("key") if isinstance(record, dict) else None
        if key in DETAIL_KEYS and key not in found:
            found[key] = (record.get("value"), number)
    return found


def summary_values(path: Path) -> dict[str, str]:
    """``mlperf_log_summary.txt`` as its ``name : value`` lines, each text as written (first occurrence)."""
    found: dict[str, str] = {}
    for line in _text(path).splitlines():
        match = _SUMMARY_LINE.match(line)
        if match and not line.startswith("="):
            found.setdefault(match.group(1), match.group(2))
    return found


@dataclass(frozen=True)
class Analyser:
    """What the power server log states about PTDaemon and the analyser it drove."""

    version: str | None
    device: str | None
    identity: str | None  # the analyser's own identification (manufacturer;model;serial;firmware)
    calibration: str | None  # as PTDaemon reports it (``no_cal_date`` when it has none)
    interval_ms: int | None  # the sampling interval of the testing session's Go command
    line: int | None


def analyser(path: Path) -> Analyser:
    """PTDaemon's Identify reply and the testing session's ``Go,<ms>,...`` command, from the server log."""
    identify: tuple[str, int] | None = None
    interval: int | None = None
    for number, line in enumerate(_text(path).splitlines(), 1):
        if (found := _IDENTIFY.search(line)) and interval is None:
            identify = (found.group(1), number)
        if (go := _GO.search(line)) and go.group(2).endswith("testing") and interval is None:
            interval = int(go.group(1))
    if identify is None:
        return Analyser(None, None, None, None, interval, None)
    fields = identify[0].split(",")
    version = next((f[len("version=") :] for f in fields if f.startswith("version=")), None)
    identity = fields[-1] if ";" in fields[-1] else None
    calibration = fields[-2] if identity is not None and len(fields) > 2 else None
    return Analyser(version or None, fields[0] or None, identity, calibration, interval, identify[1])


# -- the submission --------------------------------------------------------------------


def _count(value: Any) -> int | None:
    """A count as loadgen writes it: an integer, or its decimal digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
        return number if number >= 1 else None
    return None


def _queries(
    summary: dict[str, str], detail: dict[str, tuple[Any, int]], scenario: str | None, notes: list[str]
) -> int | None:
    """The samples (AERP queries: one input each) the scored run processed, where the logs state it."""
    per_query = _count(summary.get("samples_per_query"))
    where = "mlperf_log_summary.txt samples_per_query"
    if per_query is None and "effective_samples_per_query" in detail:
        per_query = _count(detail["effective_samples_per_query"][0])
        where = "mlperf_log_detail.txt effective_samples_per_query"
    issued = _count(detail["result_query_count"][0]) if "result_query_count" in detail else None
    generated = _count(detail["generated_query_count"][0]) if "generated_query_count" in detail else None
    if per_query is not None and issued is not None:
        notes.append(
            Note(
                f"results.repetitions[0].queries {per_query * issued:,} = {where} {per_query:,} × "
                f"result_query_count {issued:,} (mlperf_log_detail.txt line {detail['result_query_count'][1]}): "
                "an AERP query is one input, an MLPerf sample",
                ["/results/repetitions/0/queries"],
                keep=True,
            )
        )
        return per_query * issued
    if per_query is not None and scenario == "Offline" and generated in (None, 1):
        said = " (mlperf_log_detail.txt generated_query_count 1)" if generated == 1 else ""
        notes.append(
            Note(
                f"results.repetitions[0].queries {per_query:,} = {where}: the Offline scenario issues all its "
                f"samples as one query{said}; an AERP query is one input, an MLPerf sample",
                ["/results/repetitions/0/queries"],
                keep=True,
            )
        )
        return per_query
    stated = [f"{name} {summary[name]}" for name in ("samples_per_query", *HEADLINES) if name in summary]
    scheduled = (
        f"; generated_query_count {generated:,} counts the queries loadgen scheduled, not those it ran"
        if (generated is not None and generated > 1)
        else ""
    )
    notes.append(
        Note(
            f"results.repetitions[0].queries is TBD: the logs state no count of the samples the run processed "
            f"(mlperf_log_summary.txt states {', '.join(stated) or 'none of samples_per_query, a rate'}{scheduled}); "
            "a rate times the window is an estimate, not a count: give --queries",
            ["/results/repetitions/0/queries"],
        )
    )
    return None


def _relative_paths(result: ResultFiles, output_dir: Path, notes: list[str]) -> dict[str, str]:
    """Each file's artifact path: relative to the output folder when the result lies below it, else
    relative to the result folder (with a note that the files go beside the submission)."""
    out = Path(os.path.abspath(output_dir))
    base = Path(os.path.abspath(result.base))
    paths: dict[str, str] = {}
    try:
        prefix = base.relative_to(out)
    except ValueError:
        prefix = None
    for role, path in result.files.items():
        relative = Path(os.path.abspath(path)).relative_to(base)
        paths[role] = ((prefix / relative) if prefix is not None else relative).as_posix()
    if prefix is None:
        notes.append(
            f"the result folder {result.base} is not below the folder the submission is written to ({output_dir}): "
            "artifacts are named relative to the result folder; place these files beside the submission, at "
            "those paths, so that `aerp validate` reads the trace"
        )
    elif any(
        os.path.realpath(path) != os.path.join(os.path.realpath(out), paths[role])
        for role, path in result.files.items()
    ):
        notes.append(
            "a folder on the way from the submission to the result is a symbolic link: `aerp validate` reads a "
            "trace only when no link leads to it; copy the result folder beside the submission"
        )
    return paths


def _params() -> dict[str, Any]:
    return load_minor(EDITION).params


def _run(task: str | None) -> dict[str, Any]:
    run: dict[str, Any] = {"batch_size": TBD, "warmup_runs": TBD, "repetitions": 1}
    spec = _params()["tasks"].get(task) if task else None
    if spec is not None and spec["generation"] == "text":
        run.update(decoding=TBD, max_new_tokens=TBD, min_new_tokens=TBD)
    elif spec is not None and spec["generation"] == "image":
        run["denoising_steps"] = TBD
    return run


def _counts(task: str | None) -> Any:
    spec = _params()["tasks"].get(task) if task else None
    if spec is None:
        return TBD
    return {name: {"value": TBD, "unit": "s"} if name == "audio_duration" else TBD for name in spec["counts"]}


def _model(task: str | None, options: IngestOptions) -> dict[str, Any]:
    model: dict[str, Any] = {"repository": options.model or TBD, "revision": options.revision or TBD, "parameters": TBD}
    spec = _params()["tasks"].get(task) if task else None
    if spec is not None and spec["classes"]:
        model["class"] = TBD
    model.update(precision=TBD, quantization=TBD)
    return model


def _wall_method(server: Analyser | None, notes: list[str]) -> dict[str, Any]:
    """How the wall level was measured: PTDaemon driving an analyser, as far as the server log says."""
    tool = {"name": "PTDaemon", "version": TBD}
    interval: dict[str, Any] = {"value": TBD, "unit": "ms"}
    meter: dict[str, Any] = {"model": TBD, "calibration_date": TBD}
    if server is None:
        notes.append(
            Note(
                "measurement.level_methods.wall: the tool is PTDaemon, whose sample log spl.txt is; its version, the "
                "sampling interval and the analyser are TBD: the result has no performance/power/server.log",
                ["/measurement/level_methods/wall"],
            )
        )
        return {"method": "wall-meter", "tool": tool, "sampling_interval": interval, "meter": meter}
    if server.version:
        tool["version"] = server.version
    if server.interval_ms is not None:
        interval["value"] = server.interval_ms
    if server.device:
        identity = server.identity.split(";") if server.identity else []
        named = f" ({identity[0]} {identity[1]})" if len(identity) >= 2 and identity[0] and identity[1] else ""
        meter["model"] = f"{server.device}{named}"
    if server.calibration and _DATE.fullmatch(server.calibration):
        meter["calibration_date"] = server.calibration
    line = f" line {server.line}" if server.line else ""
    said = [
        f"PTDaemon version {server.version}" if server.version else "no PTDaemon version",
        f"the analyser {server.device} ({server.identity or 'no identification'})" if server.device else "no analyser",
    ]
    notes.append(
        f"measurement.level_methods.wall is read from performance/power/server.log: {', '.join(said)} (its "
        f"Identify reply{line}); sampling interval "
        + (
            f"{server.interval_ms} ms from the testing session's Go command"
            if server.interval_ms is not None
            else "TBD: no Go command of the testing session"
        )
    )
    if meter["calibration_date"] == TBD:
        reported = f"reports `{server.calibration}`" if server.calibration else "reports none"
        notes.append(
            Note(
                f"measurement.level_methods.wall.meter.calibration_date is TBD: PTDaemon {reported}; state the "
                "analyser's last calibration (REQ-MEAS-8)",
                ["/measurement/level_methods/wall/meter/calibration_date"],
            )
        )
    return {"method": "wall-meter", "tool": tool, "sampling_interval": interval, "meter": meter}


def _merge(document: dict[str, Any], options: IngestOptions, notes: list[str]) -> list[str]:
    from aerp.ingest import skeleton

    if options.merge is None:
        return notes
    before = about_values(document, notes)
    skeleton.merge(document, options.merge, notes)
    return retire(document, notes, before)


def submission(paths: list[Path], options: IngestOptions, output_dir: Path | None = None) -> dict[str, Any]:
    """The AERP 1.1 open-division submission of the MLPerf power result at ``paths[0]``.

    ``output_dir`` is the folder the submission will be written to (the current folder when
    None): artifact paths are relative to it where the result lies below it, so that the
    validator finds the trace beside the submission. A log of a shape nobody foresaw is an
    :class:`IngestError` with a message, never a traceback.
    """
    try:
        return _submission(paths, options, output_dir)
    except IngestError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError, ArithmeticError) as error:
        raise IngestError(
            f"{KIND}: the input has a shape ingest does not understand ({type(error).__name__}: {str(error)[:200]})"
        ) from error


def _submission(paths: list[Path], options: IngestOptions, output_dir: Path | None) -> dict[str, Any]:
    from aerp import traces
    from aerp.ingest import skeleton

    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    if len(paths) != 1:
        raise IngestUsageError(f"{KIND} reads one result folder; {len(paths)} paths given", "PATH")
    if options.rows is not None:
        raise IngestUsageError(
            f"--rows selects CodeCarbon rows or optimum-benchmark measures; {KIND} has one run", "--rows"
        )
    options = normalized(options)
    if options.division != "open":
        raise IngestUsageError(
            "an MLPerf power result measures the whole system at the wall, not the accelerators that the closed "
            "division rates: it is an open-division result (--division open)",
            "--division",
        )
    result = locate(Path(paths[0]))
    files = result.files
    notes: list[str] = []
    limits = traces.default_limits()
    try:
        window = traces.mlperf_window(files["detail log"], limits)
    except traces.TraceError as error:
        raise IngestError(error.where(str(files["detail log"]))) from None
    try:
        measured = traces.summarize(files["scored trace"], fmt="mlperf", window=window, limits=limits)
    except traces.TraceError as error:
        raise IngestError(error.where(str(files["scored trace"]))) from None
    detail = detail_values(files["detail log"])
    summary = summary_values(files["summary log"]) if "summary log" in files else {}
    server = analyser(files["server log"]) if "server log" in files else None
    scenario = summary.get("Scenario") or _string(detail.get("effective_scenario"))
    task = options.task

    duration = measured.duration_s
    energy_wh = derived(Fraction(measured.energy_J) / 3600) if not measured.window_outside else None
    begin, end = detail["power_begin"], detail["power_end"]
    notes.append(
        f"results.repetitions[0] is the scored run (performance/run_1); its window [{measured.window_start_s!r}, "
        f"{measured.window_end_s!r}] s is loadgen's power_begin {begin[0]} and power_end {end[0]} "
        f"(mlperf_log_detail.txt lines {begin[1]} and {end[1]}), read on the analyser's zone-less clock as if it "
        f"were UTC; its duration {duration!r} s is the window's length"
    )
    if energy_wh is None:
        notes.append(
            Note(
                f"results.repetitions[0].levels.wall is TBD: spl.txt runs from {measured.first_s!r} s to "
                f"{measured.last_s!r} s and does not cover the window (by {measured.outside_by_s:.3f} s)",
                ["/results/repetitions/0/levels/wall"],
            )
        )
    else:
        notes.append(
            f"results.repetitions[0].levels.wall {energy_wh!r} Wh is the trapezoid integral of the {measured.samples:,}"
            f" Watts samples of spl.txt in the window, its edges interpolated (AERP 1.1 clause 12.9): a mean wall "
            f"power of {shown(measured.mean_power_W)} W; MLPerf's checker rule (the mean of the samples strictly "
            f"inside the window) gives {shown(measured.checker_mean_W)} W"
        )
    if measured.missing:
        notes.append(f"spl.txt has {measured.missing} sample(s) in the window without a reading (Watts -1)")
    queries = _queries(summary, detail, scenario, notes)
    if options.queries is not None:
        if queries is not None and queries != options.queries:
            raise IngestUsageError(
                f"--queries {options.queries:,}: the logs state that the scored run processed {queries:,} samples",
                "--queries",
            )
        if queries is None:
            queries = options.queries
            notes = [n for n in notes if not str(n).startswith("results.repetitions[0].queries is TBD")]
            notes.append(f"results.repetitions[0].queries {queries:,} is the lab's (--queries)")
    if "summary log" not in files:
        notes.append(
            "the result has no performance/run_1/mlperf_log_summary.txt: the scenario and counts are the detail log's"
        )
    validity = summary.get("Result is") or _string(detail.get("result_validity"))
    if validity and validity != "VALID":
        notes.append(f"loadgen judged the scored run `{validity}` (mlperf_log_summary.txt `Result is`)")

    relative = _relative_paths(result, output_dir if output_dir is not None else Path.cwd(), notes)
    repetition: dict[str, Any] = {
        "duration": {"value": duration, "unit": "s"},
        "queries": queries if queries is not None else TBD,
        "passes": TBD,
        "counts": _counts(task),
        "energy": TBD,
        "levels": {"wall": {"value": energy_wh if energy_wh is not None else TBD, "unit": "Wh"}},
        "window": {"start": measured.window_start_s, "end": measured.window_end_s},
    }
    document: dict[str, Any] = {
        "aerp_version": load_minor(EDITION).patch_versions[-1],
        "submitter": {"organization": TBD, "contact": TBD},
        "date": TBD,
        "division": "open",
        "task": task or TBD,
        "model": _model(task, options),
        "dataset": {"repository": TBD, "revision": TBD, "queries": TBD},
        "run": _run(task),
        "hardware": {
            "accelerators": {
                "vendor": TBD,
                "model": TBD,
                "memory": {"value": TBD, "unit": "GB"},
                "form_factor": TBD,
                "count": TBD,
                "power_limit": {"value": TBD, "unit": "W"},
                "driver_version": TBD,
            },
            "host": {"cpu_model": TBD, "sockets": TBD, "cores": TBD, "memory": {"value": TBD, "unit": "GB"}},
            "operating_system": TBD,
        },
        "software": {
            "framework": {"name": TBD, "version": TBD},
            "accelerator_runtime": {"name": TBD, "version": TBD},
            "harness": {"name": TBD, "version": TBD},
        },
        "measurement": {
            "boundary": [TBD],
            "levels": ["wall"],
            "methods": TBD,
            "level_methods": {"wall": _wall_method(server, notes)},
        },
        "results": {
            "repetitions": [repetition],
            "summary": {
                "mean_duration": {"value": duration, "unit": "s"},
                "boundary_energy_per_1000_queries": {"value": TBD, "unit": "Wh"},
            },
        },
        "artifacts": _artifacts(files, relative, measured.devices, limits.max_bytes),
    }
    notes += _explained(document, queries, energy_wh, detail, summary, server, result, task)
    document["extensions"] = {"x-mlperf-power": _extension(summary, detail, measured, scenario, server)}
    notes = _merge(document, options, notes)
    skeleton.record(document, KIND, notes)
    document = skeleton.ordered(document)
    check_shape(document)
    return document


def _string(entry: tuple[Any, int] | None) -> str | None:
    return entry[0] if entry is not None and isinstance(entry[0], str) else None


def _artifacts(
    files: dict[str, Path], relative: dict[str, str], devices: list[str], limit: int
) -> list[dict[str, Any]]:
    """Every file read, with its SHA-256; the scored run's samples as the wall-level trace."""
    entries: list[dict[str, Any]] = []
    for role, _, _ in FILES:
        if role not in files:
            continue
        bound = limit if role.endswith("trace") else MAX_BYTES
        entry: dict[str, Any] = {
            "path": relative[role],
            "sha256": _sha256(files[role], bound),
            "description": DESCRIPTIONS[role],
        }
        if role == "scored trace":
            entry["trace"] = {"format": "mlperf", "level": "wall", "devices": list(devices)}
        entries.append(entry)
    return entries


def _explained(
    document: dict[str, Any],
    queries: int | None,
    energy_wh: float | None,
    detail: dict[str, tuple[Any, int]],
    summary: dict[str, str],
    server: Analyser | None,
    result: ResultFiles,
    task: str | None,
) -> list[str]:
    """The notes about what stays TBD because AERP 1.1 or these logs cannot say it."""
    notes: list[str] = [
        Note(
            "measurement.boundary is [TBD], and measurement.methods and results.repetitions[0].energy are TBD: the "
            "analyser measured the whole system at its AC input and separates no component, while AERP 1.1 asks "
            "for at least one component (accelerator, cpu, ram) with its method and energy; a wall-only result "
            "has none to state. The wall energy is in results.repetitions[0].levels.wall",
            ["/measurement/boundary", "/measurement/methods", "/results/repetitions/0/energy"],
        ),
    ]
    if queries is not None and energy_wh is not None:
        per_1000 = derived(Fraction(energy_wh) * 1000 / queries)
        notes.append(
            Note(
                "results.summary.boundary_energy_per_1000_queries is TBD: AERP 1.1 defines it over the boundary's "
                f"components; the wall level's energy per 1000 queries is {shown(per_1000)} Wh, which 1.1 has no "
                "member for",
                ["/results/summary/boundary_energy_per_1000_queries"],
            )
        )
    else:
        notes.append(
            Note(
                "results.summary.boundary_energy_per_1000_queries is TBD: AERP 1.1 defines it over the boundary's "
                "components, which a wall measurement does not separate",
                ["/results/summary/boundary_energy_per_1000_queries"],
            )
        )
    notes.append(
        "the mean wall power, MLPerf's figure for this result, has no member in AERP 1.1 (mean_power is per "
        "component): it is under extensions.x-mlperf-power"
    )
    total = _count(detail["qsl_reported_total_count"][0]) if "qsl_reported_total_count" in detail else None
    loaded = _count(summary.get("performance_sample_count"))
    if loaded is None and "effective_performance_sample_count" in detail:
        loaded = _count(detail["effective_performance_sample_count"][0])
    pool = f" (loadgen's QSL holds {total:,} samples" if total else " (loadgen"
    pool += f", {loaded:,} of them loaded" if loaded else ""
    notes.append(
        Note(
            f"dataset.* and results.repetitions[0].passes are TBD: an MLPerf performance run draws samples at random"
            f"{pool} for the run), so it is no whole number of passes over a dataset; the logs name no dataset "
            "repository or revision",
            ["/dataset/repository", "/dataset/revision", "/dataset/queries", "/results/repetitions/0/passes"],
        )
    )
    if task is None:
        notes.append(Note("task is TBD: the MLPerf logs do not name an AERP task; give --task", ["/task"]))
    else:
        notes.append(f"task {task} is the lab's (--task)")
    notes.append(
        Note(
            "results.repetitions[0].counts is TBD: the logs count samples, not the tokens or items AERP counts",
            ["/results/repetitions/0/counts"],
        )
    )
    sut = _string(detail.get("sut_name"))
    loadgen = _string(detail.get("loadgen_version"))
    named = f" (loadgen names the system under test `{sut}`)" if sut else ""
    notes.append(
        Note(
            f"hardware and software are TBD: the power logs do not describe the system{named}; `aerp ingest "
            "mlperf-system systems/<id>.json` reads MLPerf's system description, whose hardware and software blocks "
            "can be merged (--merge); remove hardware.accelerators if the system has none",
            ["/hardware", "/software"],
        )
    )
    if loadgen:
        notes.append(
            Note(
                f"software.harness is TBD: mlperf_log_detail.txt names loadgen {loadgen} (loadgen_version), the "
                "library that issued the queries, not the harness around it",
                ["/software/harness"],
            )
        )
    unknown = [name for name, value in document["model"].items() if value == TBD]
    if unknown:
        notes.append(
            Note(
                f"model.{', model.'.join(unknown)} {'is' if len(unknown) == 1 else 'are'} TBD: the MLPerf logs do "
                "not describe the model",
                [f"/model/{name}" for name in unknown],
            )
        )
    notes.append(Note("date is TBD: the date of the submission is the lab's to state", ["/date"]))
    notes.append(Note("submitter.* is TBD: the logs do not name the submitting organisation", ["/submitter"]))
    notes.append("attestation is left out: only the lab can attest the result")
    notes.append(
        "performance/ranging/spl.txt is an artifact without `trace`: the ranging run set the analyser's ranges "
        "before the scored run and measures no window of this result"
        if "ranging trace" in result.files
        else "the result has no performance/ranging/spl.txt: MLPerf's ranging run is not among the artifacts"
    )
    if server is None:
        notes.append("the result has no performance/power/server.log: PTDaemon's version and the analyser are TBD")
    return notes


def _extension(
    summary: dict[str, str],
    detail: dict[str, tuple[Any, int]],
    measured: Any,
    scenario: str | None,
    server: Analyser | None,
) -> dict[str, Any]:
    """MLPerf's own figures, which AERP 1.1 has no member for, each as its log states it."""
    extension: dict[str, Any] = {}
    if scenario:
        extension["scenario"] = scenario
    for name in ("sut_name", "loadgen_version", "test_datetime", "result_validity", "power_begin", "power_end"):
        if name in detail and detail[name][0] is not None:
            extension[name] = detail[name][0]
    stated = {name: _number(summary[name]) for name in ("samples_per_query", *HEADLINES) if name in summary}
    if stated:
        extension["summary"] = stated
    if measured.mean_power_W is not None and not measured.window_outside:  # a partial integral is no mean
        extension["mean_wall_power"] = {"value": measured.mean_power_W, "unit": "W"}
    if measured.checker_mean_W is not None:
        extension["checker_mean_wall_power"] = {"value": measured.checker_mean_W, "unit": "W"}
    extension["samples_in_window"] = measured.samples
    if server is not None and server.device:
        extension["analyser"] = {"device": server.device, "identity": server.identity or TBD}
    return json_safe(extension)


def _number(text: str) -> Any:
    """A summary value as written: an integer or a decimal where it is one, else its text."""
    text = text.strip()
    if _DIGITS.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        number = AsWritten(text)
        return number if is_number(number) else text
    return text
