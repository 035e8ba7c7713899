"""`aerp ingest mlperf-power`: an MLPerf power result in, an AERP 1.1 wall-level submission out.

The real sets of shared/data/traces/mlperf must give back the mean power MLPerf published,
name their trace with its true digest, and validate with nothing but their gaps (missing
disclosure) — in particular with the validator reading the trace and finding nothing wrong
with it. Small synthetic results, written here line by line in PTDaemon's and loadgen's
formats, pin the arithmetic to hand-computed values and show that a broken result is refused
with a message and exit 1, never a traceback, and that nothing the logs do not state is
written as if they did.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aerp.findings import Severity
from aerp.ingest import KINDS, IngestError, IngestOptions, IngestUsageError, ingest
from aerp.ingest.mlperf_power import submission
from aerp.pipeline import validate_file
from conftest import run_cli

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "traces"  # beside the checkout
MLPERF = DATA / "mlperf"
REAL = pytest.mark.skipif(
    not DATA.is_dir(), reason="the real logs of shared/data/traces lie beside the checkout in CI, not in this clone"
)
# (file-name stem, mean power in the window as MLPerf published it (W), samples the scored run processed
# as its logs state them, or None where they state no count) — shared/data/traces/README.md
SETS = [
    (
        "mlcommons__inference_results_v1.0__closed__DellEMC__results__XE2420_edge_T4x4_TRT__resnet50__Offline",
        794.464,
        33_000_000,
    ),
    (
        "mlcommons__inference_results_v1.0__closed__Krai__results__"
        "xavier-power.0-fan.cool-tflite-v2.4.1-ruy__resnet50__singlestream",
        28.173,
        None,
    ),
    (
        "mlcommons__inference_results_v2.1__closed__Dell__results__XR12_A2x1_TRT_MaxQ__resnet50__Offline",
        266.939,
        2_046_000,
    ),
    (
        "mlcommons__inference_results_v4.1__closed__UntetherAI__results__h13_u3_slim__resnet50__offline",
        398.330,
        110_880_000,
    ),
]
IDS = ["DellEMC-v1.0", "Krai-v1.0", "Dell-v2.1", "Untether-v4.1"]
GAPS = {"AERP-D001", "AERP-D002"}  # missing disclosure: a TBD, or the attestation left to the lab


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_flattened(stem: str, folder: Path) -> Path:
    """The set's flattened copies in a folder of their own (the shared folder holds four sets)."""
    folder.mkdir(parents=True)
    for source in MLPERF.glob(f"{stem}__*"):
        shutil.copyfile(source, folder / source.name)
    return folder


def copy_as_published(stem: str, folder: Path) -> Path:
    """The set laid out as MLPerf publishes it: performance/run_1/spl.txt, ..."""
    for source in MLPERF.glob(f"{stem}__*"):
        target = folder / source.name[len(stem) + 2 :].replace("__", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return folder


def ingested(result: Path, target: Path, *options: str) -> dict[str, Any]:
    outcome = run_cli("ingest", "mlperf-power", str(result), "--output-file", str(target), *options)
    assert outcome.exit_code == 0, outcome.stderr
    assert "internal error" not in outcome.stderr and "Traceback" not in outcome.stderr
    return yaml.safe_load(target.read_text(encoding="utf-8"))


def notes(document: dict[str, Any]) -> list[str]:
    return document["extensions"]["x-aerp-ingest"]["notes"]


def wall_mean_W(document: dict[str, Any]) -> float:
    """The mean wall power of the one repetition: its wall energy over its window, in W."""
    repetition = document["results"]["repetitions"][0]
    assert repetition["levels"]["wall"]["unit"] == "Wh" and repetition["duration"]["unit"] == "s"
    window = repetition["window"]
    assert repetition["duration"]["value"] == pytest.approx(window["end"] - window["start"], abs=1e-6)
    return repetition["levels"]["wall"]["value"] * 3600 / repetition["duration"]["value"]


def errors_and_warnings(path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    result = validate_file(path)
    assert result.loaded, [f.message for f in result.findings]
    errors = {(f.check, f.pointer) for f in result.findings if f.severity is Severity.ERROR}
    warnings = {f.check for f in result.findings if f.severity is not Severity.ERROR}
    return errors, warnings


# -- the real sets ---------------------------------------------------------------------------


@REAL
@pytest.mark.parametrize(("stem", "published", "samples"), SETS, ids=IDS)
def test_the_published_mean_power_is_reproduced(tmp_path: Path, stem: str, published: float, samples: int) -> None:
    document = ingested(copy_flattened(stem, tmp_path / "result"), tmp_path / "submission.yaml")
    assert document["aerp_version"] == "1.1.0" and document["division"] == "open"
    assert document["measurement"]["levels"] == ["wall"]
    assert abs(wall_mean_W(document) / published - 1) < 1e-3
    extension = document["extensions"]["x-mlperf-power"]
    assert round(extension["checker_mean_wall_power"]["value"], 3) == published  # MLPerf's rule, to the digit
    assert extension["mean_wall_power"]["value"] == pytest.approx(wall_mean_W(document), rel=1e-9)
    repetition = document["results"]["repetitions"][0]
    assert document["results"]["summary"]["mean_duration"] == repetition["duration"]
    assert repetition["queries"] == (samples if samples is not None else "TBD")
    assert document["run"]["repetitions"] == len(document["results"]["repetitions"]) == 1


@REAL
@pytest.mark.parametrize(("stem", "published", "samples"), SETS, ids=IDS)
def test_every_artifact_is_named_beside_the_submission_with_its_digest(
    tmp_path: Path, stem: str, published: float, samples: int
) -> None:
    result = copy_flattened(stem, tmp_path / "result")
    document = ingested(result, tmp_path / "submission.yaml")
    artifacts = document["artifacts"]
    traces = [a for a in artifacts if "trace" in a]
    assert len(traces) == 1 and traces[0]["path"] == f"result/{stem}__performance__run_1__spl.txt"
    assert traces[0]["trace"] == {"format": "mlperf", "level": "wall", "devices": ["system"]}
    assert traces[0]["sha256"] == sha256(MLPERF / f"{stem}__performance__run_1__spl.txt")
    names = {a["path"].split("/", 1)[1] for a in artifacts}
    assert {f"{stem}__performance__run_1__mlperf_log_detail.txt", f"{stem}__performance__ranging__spl.txt"} <= names
    for artifact in artifacts:
        assert artifact["sha256"] == sha256(tmp_path / artifact["path"]), artifact["path"]
    # the ranging run is evidence of the analyser's ranges, not a window of this result
    assert not any("trace" in a for a in artifacts if "ranging" in a["path"])


@REAL
@pytest.mark.parametrize(("stem", "published", "samples"), SETS, ids=IDS)
def test_the_submission_validates_with_only_its_gaps(tmp_path: Path, stem: str, published: float, samples: int) -> None:
    target = tmp_path / "submission.yaml"
    document = ingested(copy_flattened(stem, tmp_path / "result"), target)
    errors, warnings = errors_and_warnings(target)
    assert errors and {check for check, _ in errors} <= GAPS
    assert ("AERP-D001", "/attestation") in errors
    assert not any(check.startswith("AERP-E") for check in warnings)
    # the gaps are exactly the members ingest left TBD for want of a statement in the logs
    assert ("AERP-D002", "/measurement/boundary/0") in errors
    assert ("AERP-D002", "/results/repetitions/0/energy") in errors
    assert not any(pointer.startswith("/results/repetitions/0/levels") for _, pointer in errors)
    assert not any(pointer.startswith("/results/repetitions/0/window") for _, pointer in errors)
    if samples is None:
        assert ("AERP-D002", "/results/repetitions/0/queries") in errors
    # the validator did read the trace: a trace that no longer matches its digest is its finding
    trace = tmp_path / document["artifacts"][0]["path"]
    trace.write_bytes(trace.read_bytes() + b"\n")
    errors, _ = errors_and_warnings(target)
    assert ("AERP-E002", "/artifacts/0") in errors


@REAL
def test_the_published_layout_and_the_flattened_copies_give_the_same_result(tmp_path: Path) -> None:
    stem = SETS[2][0]
    flattened = ingested(copy_flattened(stem, tmp_path / "flat"), tmp_path / "flat.yaml")
    published = ingested(copy_as_published(stem, tmp_path / "XR12"), tmp_path / "published.yaml")
    assert published["results"] == flattened["results"]
    assert published["measurement"] == flattened["measurement"]
    assert [a["path"] for a in published["artifacts"]] == [
        "XR12/performance/run_1/spl.txt",
        "XR12/performance/run_1/mlperf_log_detail.txt",
        "XR12/performance/run_1/mlperf_log_summary.txt",
        "XR12/performance/ranging/spl.txt",
        "XR12/performance/power/server.log",
    ]
    assert [a["sha256"] for a in published["artifacts"]] == [a["sha256"] for a in flattened["artifacts"]]
    errors, _ = errors_and_warnings(tmp_path / "published.yaml")
    assert {check for check, _ in errors} <= GAPS
    # the performance folder itself names the same result
    inner = ingested(tmp_path / "XR12" / "performance", tmp_path / "XR12" / "inner.yaml")
    assert inner["artifacts"][0]["path"] == "performance/run_1/spl.txt"
    assert inner["results"] == flattened["results"]


@REAL
def test_what_the_power_server_log_states_is_carried_over_and_nothing_more(tmp_path: Path) -> None:
    stem = SETS[2][0]
    document = ingested(copy_flattened(stem, tmp_path / "result"), tmp_path / "submission.yaml")
    wall = document["measurement"]["level_methods"]["wall"]
    server = (MLPERF / f"{stem}__performance__power__server.log").read_text(encoding="utf-8")
    assert "version=1.9.2-3976349f-20201208" in server and "'Go,1000,0,2022-07-28_03-47-24_testing'" in server
    assert wall == {
        "method": "wall-meter",
        "tool": {"name": "PTDaemon", "version": "1.9.2-3976349f-20201208"},
        "sampling_interval": {"value": 1000, "unit": "ms"},
        "meter": {"model": "YokogawaWT330_multichannel (YOKOGAWA WT333E)", "calibration_date": "TBD"},
    }
    assert any("no_cal_date" in n for n in notes(document))
    # the logs describe neither the model nor the system: every member of them is a placeholder
    for member in ("model", "hardware", "software", "dataset", "submitter"):
        for leaf in _leaves(document[member]):
            assert leaf == "TBD" or (isinstance(leaf, dict) and leaf["value"] == "TBD"), (member, leaf)
    assert document["task"] == "TBD" and document["date"] == "TBD" and "attestation" not in document
    assert "rating" not in document and document["measurement"]["methods"] == "TBD"


def _leaves(node: Any) -> list[Any]:
    """The values of a block, quantities kept whole."""
    if isinstance(node, dict) and set(node) != {"value", "unit"}:
        return [leaf for value in node.values() for leaf in _leaves(value)]
    return [node]


@REAL
def test_a_result_not_below_the_output_folder_is_named_from_its_own_folder(tmp_path: Path) -> None:
    stem = SETS[0][0]
    result = copy_as_published(stem, tmp_path / "results" / "resnet50" / "Offline")
    elsewhere = tmp_path / "submissions"
    elsewhere.mkdir()
    target = elsewhere / "submission.yaml"
    document = ingested(result, target)
    assert document["artifacts"][0]["path"] == "performance/run_1/spl.txt"
    assert any("place these files beside the submission" in n for n in notes(document))
    errors, _ = errors_and_warnings(target)
    assert ("AERP-E002", "/artifacts/0") in errors  # as the note says: the trace is not beside it yet
    shutil.copytree(result / "performance", elsewhere / "performance")
    errors, _ = errors_and_warnings(target)
    assert {check for check, _ in errors} <= GAPS


@REAL
def test_a_folder_of_several_flattened_results_asks_for_one(tmp_path: Path) -> None:
    outcome = run_cli("ingest", "mlperf-power", str(MLPERF), "--output-file", str(tmp_path / "s.yaml"))
    assert outcome.exit_code == 2 and "holds 4 flattened MLPerf results" in outcome.stderr
    assert not (tmp_path / "s.yaml").exists()
    # the stem of one names it; the trace then lies outside the output folder, which the notes say
    outcome = run_cli("ingest", "mlperf-power", str(MLPERF / SETS[3][0]), "-o", "json")
    assert outcome.exit_code == 0, outcome.stderr
    document = json.loads(outcome.stdout)
    assert document["artifacts"][0]["path"] == f"{SETS[3][0]}__performance__run_1__spl.txt"


@REAL
def test_a_single_stream_run_states_no_query_count_and_the_lab_may_give_it(tmp_path: Path) -> None:
    """loadgen 1.0 logs the queries it scheduled (13,638), not those it ran (about 12.94 per second over 600 s)."""
    result = copy_flattened(SETS[1][0], tmp_path / "result")
    document = ingested(result, tmp_path / "a.yaml")
    assert document["results"]["repetitions"][0]["queries"] == "TBD"
    assert any("generated_query_count 13,638 counts the queries loadgen scheduled" in n for n in notes(document))
    given = ingested(result, tmp_path / "b.yaml", "--queries", "7763")
    assert given["results"]["repetitions"][0]["queries"] == 7763
    assert any("7,763 is the lab's (--queries)" in n for n in notes(given))
    assert not any("repetitions[0].queries is TBD" in n for n in notes(given))


# -- synthetic results: the arithmetic by hand, and broken inputs --------------------------

T0 = datetime.datetime(2025, 1, 2, 10, 0, 0)


def clock(seconds: float) -> str:
    """PTDaemon's and loadgen's zone-less clock, to the millisecond."""
    moment = T0 + datetime.timedelta(seconds=seconds)
    return moment.strftime("%m-%d-%Y %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def mllog(key: str, value: Any) -> str:
    return ":::MLLOG " + json.dumps({"key": key, "value": value, "time_ms": 1.0, "namespace": "mlperf::logging"})


def write_result(
    folder: Path,
    watts: list[float],
    window: tuple[float, float] | None = (5.5, 15.5),
    summary: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    spl: bool = True,
) -> Path:
    """A result as MLPerf lays it out: one sample per second from t = 0, loadgen's window, a summary."""
    run = folder / "performance" / "run_1"
    run.mkdir(parents=True)
    if spl:
        lines = [
            f"Time,{clock(i)},Watts,{w:.6f},Volts,230.000000,Amps,1.000000,PF,0.950000,Mark,2025-01-02_10-00-00_testing"
            for i, w in enumerate(watts)
        ]
        (run / "spl.txt").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")  # CRLF, as some sets have
    logged = [mllog("effective_scenario", "Offline")]
    for key, value in (detail or {}).items():
        logged.append(mllog(key, value))
    if window is not None:
        logged += [mllog("power_begin", clock(window[0])), mllog("power_end", clock(window[1]))]
    (run / "mlperf_log_detail.txt").write_text("\n".join(logged) + "\n", encoding="utf-8")
    stated = {"Scenario": "Offline", "Mode": "PerformanceOnly", "Result is": "VALID", "samples_per_query": 500}
    stated.update(summary or {})
    text = "MLPerf Results Summary\n" + "".join(f"{k} : {v}\n" for k, v in stated.items() if v is not None)
    (run / "mlperf_log_summary.txt").write_text(text, encoding="utf-8")
    return folder


def test_the_wall_energy_is_the_integral_over_loadgens_window(tmp_path: Path) -> None:
    """Samples of 100 W, then a ramp: computed by hand, trapezoid with the edges interpolated."""
    watts = [100.0] * 10 + [100.0 + 10 * i for i in range(1, 11)]  # t = 0..9 at 100 W; t = 10..19 ramps to 200 W
    result = write_result(tmp_path / "result", watts, window=(5.5, 15.5))
    document = ingested(result, tmp_path / "submission.yaml")
    repetition = document["results"]["repetitions"][0]
    # 5.5 → 9: 3.5 s at 100 W; 9 → 15.5: a ramp from 100 W to 165 W, mean 132.5 W over 6.5 s
    expected_J = 3.5 * 100 + 6.5 * (100 + 165) / 2
    assert repetition["levels"]["wall"]["value"] == pytest.approx(expected_J / 3600, rel=1e-12)
    assert repetition["duration"] == {"value": 10.0, "unit": "s"}
    start = (T0 - datetime.datetime(1970, 1, 1)).total_seconds()
    assert repetition["window"] == {"start": start + 5.5, "end": start + 15.5}  # the trace's clock, read as UTC
    assert repetition["queries"] == 500  # Offline: samples_per_query samples in its one query
    assert document["extensions"]["x-mlperf-power"]["checker_mean_wall_power"]["value"] == pytest.approx(
        sum(watts[6:16]) / 10  # MLPerf's rule: the samples strictly inside, t = 6..15
    )
    errors, warnings = errors_and_warnings(tmp_path / "submission.yaml")
    assert {check for check, _ in errors} <= GAPS and not any(w.startswith("AERP-E") for w in warnings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    power=st.integers(min_value=1, max_value=5_000_000).map(lambda mw: mw / 1000),
    start=st.integers(min_value=0, max_value=20_000).map(lambda ms: ms / 1000),
    length=st.integers(min_value=1_000, max_value=25_000).map(lambda ms: ms / 1000),
)
def test_a_constant_power_gives_that_power_over_any_window(
    tmp_path_factory: pytest.TempPathFactory, power: float, start: float, length: float
) -> None:
    folder = tmp_path_factory.mktemp("constant")
    result = write_result(folder / "result", [power] * 50, window=(start, start + length))
    document = submission([result], IngestOptions(division="open"), folder)
    assert wall_mean_W(document) == pytest.approx(power, rel=1e-6)  # epoch seconds in a float: ~0.2 µs


def test_the_query_count_is_written_only_where_the_logs_state_it(tmp_path: Path) -> None:
    def queries(name: str, **given: Any) -> Any:
        result = write_result(tmp_path / name, [50.0] * 20, **given)
        return submission([result], IngestOptions(division="open"), tmp_path)["results"]["repetitions"][0]["queries"]

    assert queries("offline") == 500
    assert queries("offline-issued", detail={"result_query_count": 1}) == 500
    assert queries("stream", summary={"Scenario": "SingleStream", "samples_per_query": 1}) == "TBD"
    assert queries("stream-issued", summary={"Scenario": "SingleStream", "samples_per_query": 1},
                   detail={"result_query_count": 7763}) == 7763  # fmt: skip
    assert queries("multi", summary={"Scenario": "MultiStream", "samples_per_query": 8},
                   detail={"result_query_count": 270}) == 2160  # fmt: skip
    assert queries("no-count", summary={"samples_per_query": None}) == "TBD"
    # an Offline run whose loadgen generated several queries is not guessed from one of them
    assert queries("offline-several", detail={"generated_query_count": 3}) == "TBD"


def test_a_missing_trace_is_refused_with_a_message(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20, spl=False)
    target = tmp_path / "submission.yaml"
    outcome = run_cli("ingest", "mlperf-power", str(result), "--output-file", str(target))
    assert outcome.exit_code == 1 and not target.exists()
    assert f"{result / 'performance' / 'run_1' / 'spl.txt'} does not exist" in outcome.stderr
    assert "keeps the scored run's power samples in performance/run_1/spl.txt" in outcome.stderr
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr


def test_a_detail_log_without_power_markers_is_refused(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20, window=None)
    target = tmp_path / "submission.yaml"
    outcome = run_cli("ingest", "mlperf-power", str(result), "--output-file", str(target))
    assert outcome.exit_code == 1 and not target.exists()
    assert "mlperf_log_detail.txt: the log has no power_begin" in outcome.stderr
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr


def test_other_unreadable_inputs_exit_1_with_the_reason(tmp_path: Path) -> None:
    broken = write_result(tmp_path / "broken", [100.0] * 20)
    spl = broken / "performance" / "run_1" / "spl.txt"
    spl.write_text(spl.read_text(encoding="utf-8").replace("Watts,100.000000", "Watts,lots", 1), encoding="utf-8")
    short = write_result(tmp_path / "short", [100.0] * 5, window=(1.0, 30.0))
    (tmp_path / "empty").mkdir()
    for path, words in (
        (broken, "spl.txt:1: Watts 'lots' is not a decimal number"),
        (tmp_path / "empty", "not an MLPerf power result: no performance/run_1 folder"),
        (tmp_path / "nowhere", "does not exist"),
        (spl.parent / "mlperf_log_summary.txt", "is a file: give the MLPerf result folder"),
    ):
        outcome = run_cli("ingest", "mlperf-power", str(path))
        assert outcome.exit_code == 1, (path, outcome.stderr)
        assert words in outcome.stderr and "Traceback" not in outcome.stderr
    # a trace that does not cover the window gives no energy rather than a partial one
    document = submission([short], IngestOptions(division="open"), tmp_path)
    assert document["results"]["repetitions"][0]["levels"]["wall"]["value"] == "TBD"
    assert any("does not cover the window" in n for n in notes(document))
    assert "mean_wall_power" not in document["extensions"]["x-mlperf-power"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("spl.txt", bytes(range(256)) * 8, "spl.txt:1: the line holds a NUL byte"),
        ("spl.txt", b"\xff\xfe" + b"Time,x\n" * 3, "spl.txt:1: the line is not valid UTF-8"),
        ("mlperf_log_detail.txt", b":::MLLOG {\x00}\n", "mlperf_log_detail.txt:1: the line holds a NUL byte"),
        ("mlperf_log_detail.txt", b':::MLLOG {"key": "power_begin", "value": 7}\n', "is not a time"),
    ],
)
def test_hostile_logs_are_refused_with_their_line(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20)
    (result / "performance" / "run_1" / name).write_bytes(content)
    outcome = run_cli("ingest", "mlperf-power", str(result))
    assert outcome.exit_code == 1 and words in outcome.stderr, outcome.stderr
    assert outcome.stderr.startswith("aerp ingest:") and "Traceback" not in outcome.stderr


def test_a_trace_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20)
    spl = result / "performance" / "run_1" / "spl.txt"
    spl.unlink()
    spl.mkdir()  # a folder where the samples should be
    outcome = run_cli("ingest", "mlperf-power", str(result))
    assert outcome.exit_code == 1 and f"{spl} is not a regular file" in outcome.stderr


def test_the_division_is_open_and_usage_errors_exit_2(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20)
    assert "mlperf-power" in KINDS
    for options, words in (
        (("--division", "closed"), "it is an open-division result"),
        (("--rows", "1"), "mlperf-power has one run"),
        (("--queries", "499"), "the logs state that the scored run processed 500 samples"),
        (("--task", "image-classifcation"), "did you mean `image-classification`"),
    ):
        outcome = run_cli("ingest", "mlperf-power", str(result), *options)
        assert outcome.exit_code == 2 and words in outcome.stderr, (options, outcome.stderr)
    outcome = run_cli("ingest", "mlperf-power", str(result), str(result))
    assert outcome.exit_code == 2 and "reads one result folder" in outcome.stderr
    # the library: an open division is asked for explicitly, the default being the closed one
    with pytest.raises(IngestUsageError, match="open-division result"):
        ingest("mlperf-power", [result], IngestOptions())
    document = ingest("mlperf-power", [result], IngestOptions(division="open", task="image-classification"))
    assert document["division"] == "open" and document["task"] == "image-classification"
    assert document["results"]["repetitions"][0]["counts"] == {"items": "TBD"}


def test_without_a_server_log_the_meter_is_not_guessed(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20)
    document = submission([result], IngestOptions(division="open"), tmp_path)
    assert document["measurement"]["level_methods"]["wall"] == {
        "method": "wall-meter",
        "tool": {"name": "PTDaemon", "version": "TBD"},
        "sampling_interval": {"value": "TBD", "unit": "ms"},
        "meter": {"model": "TBD", "calibration_date": "TBD"},
    }
    assert [a["path"] for a in document["artifacts"]] == [
        "result/performance/run_1/spl.txt",
        "result/performance/run_1/mlperf_log_detail.txt",
        "result/performance/run_1/mlperf_log_summary.txt",
    ]
    assert any("no performance/power/server.log" in n for n in notes(document))
    assert any("no performance/ranging/spl.txt" in n for n in notes(document))


def test_a_merged_block_fills_the_gaps_and_retires_their_notes(tmp_path: Path) -> None:
    result = write_result(tmp_path / "result", [100.0] * 20)
    block = {
        "submitter": {"organization": "Northwind AI Lab", "contact": "energy@northwind.example.org"},
        "hardware": {"operating_system": "Ubuntu 22.04"},
    }
    document = submission([result], IngestOptions(division="open", merge=block), tmp_path)
    assert document["submitter"] == block["submitter"]
    assert document["hardware"]["operating_system"] == "Ubuntu 22.04"
    assert document["results"]["repetitions"][0]["levels"]["wall"]["value"] != "TBD"
    assert not any(n.startswith("submitter.* is TBD") for n in notes(document))  # retired: the lab stated it
    assert any(n.startswith("date is TBD") for n in notes(document))  # still true
    assert any("merge: the lab's block filled 3 member(s)" in n for n in notes(document))


def test_the_library_refuses_as_the_command_line_does(tmp_path: Path) -> None:
    """An IngestError for the library, too: the same refusal the command line shows."""
    result = write_result(tmp_path / "result", [100.0] * 20, spl=False)
    with pytest.raises(IngestError, match=r"power samples in performance/run_1/spl\.txt"):
        submission([result], IngestOptions(division="open"), tmp_path)
