"""`aerp ingest`: real tool output in, a submission skeleton out whose only findings are its gaps.

Each test ingests files in the exact format of a tool (tests/ingest_data, written by hand
from the formats in DOMAIN.md), writes the skeleton as YAML, validates it with the
validator, and checks what a lab would see: every number of the input carried over
exactly (compared after unit conversion), every finding either missing disclosure or a
real defect of the input at the place it belongs, and every bad input refused with a
message that says what is wrong.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aerp.ingest import KINDS, IngestError, IngestOptions, dump, ingest, init_template
from aerp.ingest import _common as common
from aerp.ingest.mlperf_system import system_description
from aerp.ingest.skeleton import skeleton
from aerp.pipeline import default_limits, validate_file
from aerp.protocol import load_minor
from aerp.quantities import to_canonical
from aerp.yaml_reader import read_yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "ingest_data"
CC3 = DATA / "codecarbon-3.x-emissions.csv"
CC2 = DATA / "codecarbon-2.x-emissions.csv"
V1 = DATA / "aies-v1-benchmark_report.json"
V2 = DATA / "aies-v2-run"
MLPERF = DATA / "mlperf-system.json"
PROTOCOL = load_minor("1.0")
DISCLOSURE = {"AERP-D001", "AERP-D002", "AERP-D003"}
Findings = set[tuple[str, str]]


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Artifacts are named relative to the current folder: run from the repository root."""
    monkeypatch.chdir(ROOT)


def validated(document: dict[str, Any], folder: Path) -> tuple[dict[str, Any], Findings]:
    """Write ``document`` as a user would, read it back as the validator does, and validate it."""
    path = folder / "submission.yaml"
    path.write_text(dump(document), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["aerp_version"] == "1.0.0"
    result = validate_file(path)
    assert result.loaded, [f.message for f in result.findings]
    loaded = read_yaml(path.read_text(encoding="utf-8"), default_limits()).data
    return loaded, {(f.check, f.pointer) for f in result.findings}


def beyond_disclosure(findings: Findings) -> Findings:
    return {(check, pointer) for check, pointer in findings if check not in DISCLOSURE}


def energy_wh(quantity: dict[str, Any]) -> float:
    return to_canonical(quantity, "energy", PROTOCOL)


def same_energy(quantity: dict[str, Any], value: float, unit: str) -> bool:
    """The quantity equals ``value`` ``unit`` exactly, both converted to Wh the validator's way."""
    return energy_wh(quantity) == to_canonical({"value": value, "unit": unit}, "energy", PROTOCOL)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def gaps(findings: Findings) -> set[str]:
    return {pointer for check, pointer in findings if check == "AERP-D002"}


# -- CodeCarbon --------------------------------------------------------------------------


def test_codecarbon_3_every_row_is_a_repetition_kept_exactly(tmp_path: Path) -> None:
    document = ingest("codecarbon", [CC3], IngestOptions(task="text-generation", queries=1000))
    loaded, findings = validated(document, tmp_path)
    assert beyond_disclosure(findings) == set()
    assert ("AERP-D001", "/attestation") in findings
    rows = csv_rows(CC3)
    repetitions = loaded["results"]["repetitions"]
    assert len(repetitions) == len(rows) == loaded["run"]["repetitions"] == 10
    for row, repetition in zip(rows, repetitions, strict=True):
        for column, component in (("gpu_energy", "accelerator"), ("cpu_energy", "cpu"), ("ram_energy", "ram")):
            assert same_energy(repetition["energy"][component], float(row[column]), "kWh")
        assert same_energy(repetition["energy"]["total"], float(row["energy_consumed"]), "kWh")
        assert to_canonical(repetition["duration"], "duration", PROTOCOL) == float(row["duration"])
        for column, component in (("gpu_power", "accelerator"), ("cpu_power", "cpu"), ("ram_power", "ram")):
            assert to_canonical(repetition["mean_power"][component], "power", PROTOCOL) == float(row[column])
        grams = to_canonical(repetition["emissions"], "mass_co2e", PROTOCOL)
        assert grams == to_canonical({"value": float(row["emissions"]), "unit": "kg"}, "mass_co2e", PROTOCOL)
        assert repetition["queries"] == 1000
    expected = sum(Fraction(r["gpu_energy"]) * 1000 for r in rows) / len(rows)  # Wh per 1,000 queries
    assert energy_wh(loaded["results"]["summary"]["accelerator_energy_per_1000_queries"]) == float(expected)
    mean_duration = sum(Fraction(r["duration"]) for r in rows) / len(rows)
    assert loaded["results"]["summary"]["mean_duration"] == {"value": float(mean_duration), "unit": "s"}
    accelerators = loaded["hardware"]["accelerators"]
    assert (accelerators["vendor"], accelerators["model"], accelerators["count"]) == ("NVIDIA", "H100 80GB HBM3", 1)
    assert loaded["hardware"]["host"]["cpu_model"] == "Intel(R) Xeon(R) Platinum 8480+"
    assert loaded["hardware"]["host"]["memory"] == {"value": 2015.5599, "unit": "GiB"}
    assert loaded["measurement"]["boundary"] == ["accelerator", "cpu", "ram"]
    methods = loaded["measurement"]["methods"]
    assert {c: m["method"] for c, m in methods.items()} == {
        "accelerator": "energy-counter",
        "cpu": "TBD",
        "ram": "estimate",
    }
    assert all(m["tool"] == {"name": "CodeCarbon", "version": "3.3.0"} for m in methods.values())
    assert "pue" not in loaded["measurement"]  # pue 1.0: CodeCarbon applied nothing
    intensity = sum(Fraction(r["emissions"]) for r in rows) * 1000 / sum(Fraction(r["energy_consumed"]) for r in rows)
    assert loaded["measurement"]["carbon_intensity"] == {"value": float(intensity), "unit": "g/kWh"}
    assert loaded["extensions"]["x-codecarbon"]["machine"]["country_iso_code"] == "USA"


def test_codecarbon_gaps_are_what_the_csv_cannot_know(tmp_path: Path) -> None:
    _, findings = validated(ingest("codecarbon", [CC3], IngestOptions(task="text-generation")), tmp_path)
    assert beyond_disclosure(findings) == set()
    expected = {
        "/submitter/organization",
        "/submitter/contact",
        "/date",
        "/model/repository",
        "/model/revision",
        "/model/parameters",
        "/model/class",
        "/model/precision",
        "/model/quantization",
        "/dataset/revision",
        "/hardware/accelerators/memory/value",
        "/hardware/accelerators/form_factor",
        "/hardware/accelerators/power_limit/value",
        "/hardware/accelerators/driver_version",
        "/hardware/host/sockets",
        "/hardware/host/cores",
        "/measurement/methods/cpu/method",
        "/results/summary/accelerator_energy_per_1000_queries/value",
        "/rating/stars",
        *(f"/software/{s}/{m}" for s in ("framework", "accelerator_runtime", "harness") for m in ("name", "version")),
        *(f"/measurement/methods/{c}/sampling_interval/value" for c in ("accelerator", "cpu", "ram")),
        *(f"/results/repetitions/{i}/queries" for i in range(10)),
    }
    assert gaps(findings) == expected


def test_codecarbon_2_applied_pue_and_two_runs_without_trailing_newline(tmp_path: Path) -> None:
    assert not CC2.read_bytes().endswith(b"\n")
    document = ingest("codecarbon", [CC2], IngestOptions(task="text-generation", division="closed"))
    loaded, findings = validated(document, tmp_path)
    # real defects: the energies include a PUE (closed division), and 4 repetitions instead of 10
    assert beyond_disclosure(findings) == {("AERP-M010", "/measurement/pue/applied"), ("AERP-T008", "/run/repetitions")}
    assert loaded["measurement"]["pue"] == {"value": 1.2, "applied": True}
    rows = csv_rows(CC2)
    assert len(loaded["results"]["repetitions"]) == len(rows) == 4
    for row, repetition in zip(rows, loaded["results"]["repetitions"], strict=True):
        assert same_energy(repetition["energy"]["accelerator"], float(row["gpu_energy"]), "kWh")
        assert "mean_power" not in repetition  # before 3.1.2 the power columns hold the last sample
    extra = loaded["extensions"]["x-codecarbon"]["rows"][0]
    assert extra["gpu_power"] == float(rows[0]["gpu_power"])
    accelerators = loaded["hardware"]["accelerators"]
    assert (accelerators["vendor"], accelerators["model"], accelerators["count"]) == ("NVIDIA", "A100-SXM4-80GB", 2)
    notes = " ".join(loaded["extensions"]["x-aerp-ingest"]["notes"])
    assert "PUE 1.2 was applied by CodeCarbon to every energy" in notes
    assert "2 CodeCarbon runs" in notes and "share a run_id" in notes
    assert "last power sample" in notes
    assert all(m["tool"]["version"] == "2.5.1" for m in loaded["measurement"]["methods"].values())


def test_codecarbon_2_in_the_open_division_has_only_gaps(tmp_path: Path) -> None:
    document = ingest("codecarbon", [CC2], IngestOptions(task="summarization", division="open"))
    loaded, findings = validated(document, tmp_path)
    assert beyond_disclosure(findings) == set()
    assert "rating" not in loaded
    assert {"/run/batch_size", "/run/warmup_runs", "/run/decoding"} <= gaps(findings)


def test_codecarbon_several_files_are_one_series_of_repetitions(tmp_path: Path) -> None:
    document = ingest("codecarbon", [CC3, CC2], IngestOptions(task="text-generation", division="open"))
    loaded, findings = validated(document, tmp_path)
    assert len(loaded["results"]["repetitions"]) == 14
    # the two files disagree on the machine: what they disagree on is TBD, not one of them
    assert loaded["hardware"]["accelerators"]["model"] == "TBD"
    assert beyond_disclosure(findings) == set()
    assert [a["path"] for a in loaded["artifacts"]] == [
        "tests/ingest_data/codecarbon-3.x-emissions.csv",
        "tests/ingest_data/codecarbon-2.x-emissions.csv",
    ]


def test_codecarbon_without_task_or_queries_still_validates_to_gaps(tmp_path: Path) -> None:
    loaded, findings = validated(ingest("codecarbon", [CC3], IngestOptions()), tmp_path)
    assert beyond_disclosure(findings) == set()
    assert {"/task", "/dataset/repository", "/results/summary/accelerator_energy_per_1000_queries/value"} <= gaps(
        findings
    )
    assert "decoding" not in loaded["run"]


def test_codecarbon_byte_order_mark_and_crlf_are_read(tmp_path: Path) -> None:
    copy_path = tmp_path / "emissions.csv"
    copy_path.write_bytes(b"\xef\xbb\xbf" + CC3.read_bytes().replace(b"\n", b"\r\n"))
    plain = ingest("codecarbon", [CC3], IngestOptions(task="text-generation", queries=1000))
    marked = ingest("codecarbon", [tmp_path], IngestOptions(task="text-generation", queries=1000))
    assert marked["results"] == plain["results"]
    assert marked["artifacts"][0]["sha256"] == hashlib.sha256(copy_path.read_bytes()).hexdigest()


# -- AI Energy Score v1 ------------------------------------------------------------------


def _v1_report() -> dict[str, Any]:
    return json.loads(V1.read_text(encoding="utf-8"))


def test_aies_v1_keeps_every_measure_and_sums_phases_exactly(tmp_path: Path) -> None:
    document = ingest("aies-v1", [V1], IngestOptions(task="text-generation", queries=1000))
    loaded, _ = validated(document, tmp_path)
    report = _v1_report()
    repetitions = loaded["results"]["repetitions"]
    assert len(repetitions) == 10 == loaded["run"]["repetitions"]
    pairs = (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"), ("total", "total"))
    for index, repetition in enumerate(repetitions):
        assert list(repetition["phases"]) == ["preprocess", "prefill", "decode"]
        for phase in ("preprocess", "prefill", "decode"):
            measure = report[phase]["measures"][index]
            for source, component in pairs:
                assert same_energy(repetition["phases"][phase][component], measure[source], measure["unit"])
        for source, component in pairs:
            exact_sum = sum(
                Fraction(repr(report[p]["measures"][index][source])) for p in ("preprocess", "prefill", "decode")
            )
            assert repetition["energy"][component] == {"value": float(exact_sum), "unit": "kWh"}  # rounded once
    rated = [
        sum(Fraction(repr(report[p]["measures"][i]["gpu"])) for p in ("preprocess", "prefill", "decode"))
        for i in range(10)
    ]
    expected = sum(rated) * 1000 / 10  # kWh -> Wh, per 1,000 queries of 1,000
    assert energy_wh(loaded["results"]["summary"]["accelerator_energy_per_1000_queries"]) == float(expected)
    assert loaded["software"]["harness"]["name"] == "optimum-benchmark"
    assert "efficiency" in loaded["extensions"]["x-aies-v1"]
    assert "load" in loaded["extensions"]["x-aies-v1"]["other_phases"]


def test_aies_v1_zero_and_negative_measures_are_reported_where_they_belong(tmp_path: Path) -> None:
    _, findings = validated(ingest("aies-v1", [V1], IngestOptions(task="text-generation")), tmp_path)
    report = _v1_report()
    expected = {
        ("AERP-U004", f"/results/repetitions/{index}/phases/{phase}/{component}")
        for phase in ("preprocess", "prefill", "decode")
        for index, measure in enumerate(report[phase]["measures"])
        for source, component in (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"), ("total", "total"))
        if measure[source] <= 0
    }
    assert {p for _, p in expected} >= {
        "/results/repetitions/3/phases/prefill/accelerator",
        "/results/repetitions/7/phases/decode/accelerator",
    }
    assert beyond_disclosure(findings) == expected
    durations = {f"/results/repetitions/{i}/duration/value" for i in range(10)}
    assert durations <= gaps(findings)  # energy_star tracks no latency


def test_aies_v1_notes_say_what_was_carried_over(tmp_path: Path) -> None:
    document = ingest("aies-v1", [V1], IngestOptions(task="text-generation"))
    notes = document["extensions"]["x-aerp-ingest"]["notes"]
    assert any(n.startswith("prefill measure 4 is zero in every component") for n in notes)
    assert any(n.startswith("decode measure 8 is negative") for n in notes)
    assert any("reference settings" in n for n in notes)


def test_aies_v1_phase_without_measures_contributes_its_mean(tmp_path: Path) -> None:
    report = _v1_report()
    report["preprocess"]["measures"] = None
    report["prefill"]["measures"] = report["prefill"]["measures"][:8]  # shorter than the others
    path = tmp_path / "benchmark_report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    document = ingest("aies-v1", [path], IngestOptions(task="text-generation", queries=1000))
    repetitions = document["results"]["repetitions"]
    assert len(repetitions) == 10
    for repetition in repetitions:
        assert same_energy(
            repetition["phases"]["preprocess"]["accelerator"], report["preprocess"]["energy"]["gpu"], "kWh"
        )
    assert same_energy(repetitions[9]["phases"]["prefill"]["accelerator"], report["prefill"]["energy"]["gpu"], "kWh")
    notes = " ".join(document["extensions"]["x-aerp-ingest"]["notes"])
    assert "preprocess has no per-repetition measures: its mean is used for each repetition" in notes
    assert "prefill has fewer than 10 measures" in notes
    _, findings = validated(document, tmp_path)
    assert {c for c, _ in beyond_disclosure(findings)} <= {"AERP-U004"}


def test_aies_v1_latency_values_give_durations(tmp_path: Path) -> None:
    report = _v1_report()
    for phase, base in (("preprocess", 1.25), ("prefill", 41.5), ("decode", 126.0)):
        report[phase]["latency"] = {"unit": "s", "values": [base + i / 8 for i in range(10)], "count": 10}
    path = tmp_path / "benchmark_report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    document = ingest("aies-v1", [path], IngestOptions(task="text-generation", queries=1000))
    durations = [r["duration"]["value"] for r in document["results"]["repetitions"]]
    assert durations == [float(Fraction(1.25 + 41.5 + 126.0) + Fraction(3 * i, 8)) for i in range(10)]
    assert document["results"]["summary"]["mean_duration"]["value"] == float(sum(Fraction(d) for d in durations) / 10)


def test_aies_v1_run_folder_reads_codecarbon_records(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    shutil.copy(V1, folder / "benchmark_report.json")
    row = csv_rows(CC2)[-1]
    record = {
        k: (float(v) if k in ("duration", "gpu_energy", "ram_total_size", "gpu_count", "cpu_count") else v)
        for k, v in row.items()
    }
    (folder / "prefill_codecarbon.json").write_text(json.dumps(record), encoding="utf-8")
    document = ingest("aies-v1", [folder], IngestOptions(task="text-generation"))
    accelerators = document["hardware"]["accelerators"]
    assert (accelerators["model"], accelerators["count"]) == ("A100-SXM4-80GB", 2)
    assert document["measurement"]["methods"]["accelerator"]["tool"]["version"] == "2.5.1"
    assert len(document["artifacts"]) == 2
    _, findings = validated(document, tmp_path)
    assert {c for c, _ in beyond_disclosure(findings)} <= {"AERP-U004"}


# -- AI Energy Score v2 ------------------------------------------------------------------


def test_aies_v2_ten_prompts_are_one_repetition_scaled_and_flagged(tmp_path: Path) -> None:
    document = ingest("aies-v2", [V2], IngestOptions())
    loaded, findings = validated(document, tmp_path)
    # the truth of a 10-prompt run in the closed division: it did not run the full dataset
    assert beyond_disclosure(findings) == {
        ("AERP-T002", "/dataset/queries"),
        ("AERP-T002", "/results/repetitions/0/queries"),
    }
    report = json.loads((V2 / "benchmark_report.json").read_text(encoding="utf-8"))
    energy = report["energy"]
    (repetition,) = loaded["results"]["repetitions"]
    assert repetition["queries"] == report["summary"]["successful_prompts"] == 10
    assert same_energy(repetition["energy"]["accelerator"], energy["gpu_energy_kwh"], "kWh")
    assert same_energy(repetition["energy"]["accelerator"], energy["gpu_energy_wh"], "Wh")
    assert same_energy(repetition["energy"]["cpu"], energy["cpu_energy_kwh"], "kWh")
    assert same_energy(repetition["energy"]["ram"], energy["ram_energy_kwh"], "kWh")
    assert same_energy(repetition["energy"]["total"], energy["total_energy_kwh"], "kWh")
    assert repetition["duration"] == {"value": energy["duration_seconds"], "unit": "s"}
    assert repetition["emissions"] == {"value": energy["emissions_kg_co2eq"], "unit": "kg"}
    scaled = Fraction(repr(energy["gpu_energy_kwh"])) * 1000 * 1000 / 10
    assert energy_wh(loaded["results"]["summary"]["accelerator_energy_per_1000_queries"]) == float(scaled)
    assert loaded["model"]["repository"] == "Qwen/Qwen2.5-7B-Instruct"
    assert loaded["run"] == {
        "batch_size": 1,
        "warmup_runs": 0,
        "repetitions": 1,
        "decoding": "sampling",
        "max_new_tokens": "TBD",
        "min_new_tokens": "TBD",
    }
    # carbon_intensity_g_per_kwh of the report is an emissions rate; the intensity is computed
    intensity = loaded["measurement"]["carbon_intensity"]
    assert intensity["unit"] == "g/kWh" and abs(intensity["value"] - 369) < 1e-6
    notes = " ".join(loaded["extensions"]["x-aerp-ingest"]["notes"])
    assert "scaled from 10 prompts to 1,000 queries; 0 failed" in notes
    assert "emissions_rate" in notes
    assert loaded["extensions"]["x-aies-v2"]["gpu_stats"]["gpu_0"]["power_draw_w"] == 312.46
    assert {a["path"].rsplit("/", 1)[1] for a in loaded["artifacts"]} == {
        "benchmark_report.json",
        "GPU_ENERGY_SUMMARY.json",
        "benchmark_results.csv",
    }


def test_aies_v2_in_the_open_division_has_only_gaps(tmp_path: Path) -> None:
    _, findings = validated(ingest("aies-v2", [V2], IngestOptions(division="open")), tmp_path)
    assert beyond_disclosure(findings) == set()


def test_aies_v2_with_codecarbons_own_csv_describes_the_machine(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    shutil.copytree(V2, folder)
    (folder / "emissions").mkdir()
    shutil.copy(CC3, folder / "emissions" / "emissions.csv")
    document = ingest("aies-v2", [folder], IngestOptions(division="open"))
    assert document["hardware"]["accelerators"]["model"] == "H100 80GB HBM3"
    assert document["results"]["repetitions"][0]["queries"] == 10  # the run is still the report's
    assert "CodeCarbon emissions.csv: one row per tracked run" in [a["description"] for a in document["artifacts"]]
    _, findings = validated(document, tmp_path)
    assert beyond_disclosure(findings) == set()


# -- MLPerf system description -----------------------------------------------------------


def test_mlperf_system_numbers_as_strings_become_members(tmp_path: Path) -> None:
    loaded, findings = validated(ingest("mlperf-system", [MLPERF], IngestOptions()), tmp_path)
    assert beyond_disclosure(findings) == set()
    assert loaded["hardware"] == {
        "accelerators": {
            "vendor": "NVIDIA",
            "model": "H100-SXM-80GB",
            "memory": {"value": 80, "unit": "GB"},
            "form_factor": "SXM",
            "count": 8,
            "power_limit": {"value": "TBD", "unit": "W"},
            "driver_version": "550.90.07",
        },
        "host": {
            "cpu_model": "Intel(R) Xeon(R) Platinum 8480C",
            "sockets": 2,
            "cores": 112,
            "memory": {"value": 2, "unit": "TB"},
        },
        "operating_system": "Ubuntu 22.04.4",
    }
    assert loaded["software"]["framework"] == {"name": "TensorRT", "version": "10.2"}
    assert loaded["software"]["accelerator_runtime"] == {"name": "CUDA", "version": "12.4"}
    notes = " ".join(loaded["extensions"]["x-aerp-ingest"]["notes"])
    assert "host_processor_core_count 56 × host_processors_per_node 2" in notes
    assert loaded["extensions"]["x-mlperf-system"]["system_name"].startswith("Northwind")


def test_mlperf_system_unsure_text_stays_tbd() -> None:
    data = json.loads(MLPERF.read_text(encoding="utf-8"))
    data.update(
        accelerator_model_name="Gaudi3",
        accelerator_memory_capacity="lots",
        framework="in-house runtime",
        accelerators_per_node="",
        other_software_stack="",
    )
    notes: list[str] = []
    from aerp.ingest.mlperf_system import describe

    block = describe(data, notes)
    accelerators = block["hardware"]["accelerators"]
    assert accelerators["vendor"] == "TBD" and accelerators["model"] == "Gaudi3"
    assert accelerators["memory"]["value"] == "TBD" and accelerators["count"] == "TBD"
    assert block["software"]["framework"] == {"name": "in-house runtime", "version": "TBD"}
    assert len(notes) >= 3


# -- merge -------------------------------------------------------------------------------


HARDWARE = {
    "hardware": {
        "accelerators": {
            "memory": {"value": 80, "unit": "GB"},
            "form_factor": "SXM",
            "power_limit": {"value": 700, "unit": "W"},
            "driver_version": "550.90.07",
        },
        "host": {"sockets": 2, "cores": 112},
    }
}


def test_merging_a_hardware_block_removes_exactly_those_gaps(tmp_path: Path) -> None:
    options = IngestOptions(task="text-generation", queries=1000)
    _, before = validated(ingest("codecarbon", [CC3], options), tmp_path)
    options.merge = copy.deepcopy(HARDWARE)
    merged = ingest("codecarbon", [CC3], options)
    _, after = validated(merged, tmp_path)
    closed = {
        "/hardware/accelerators/memory/value",
        "/hardware/accelerators/form_factor",
        "/hardware/accelerators/power_limit/value",
        "/hardware/accelerators/driver_version",
        "/hardware/host/sockets",
        "/hardware/host/cores",
    }
    assert closed <= gaps(before)
    assert after == {f for f in before if f[1] not in closed}
    assert merged["hardware"]["accelerators"]["model"] == "H100 80GB HBM3"  # the tool's value stays


def test_merge_fills_placeholders_keeps_known_values_and_says_what_it_replaced() -> None:
    block = {
        "submitter": {"organization": "Northwind AI Lab", "contact": "energy@northwind.example.org"},
        "model": {"parameters": 8030261248, "repository": "TBD"},
        "hardware": {"accelerators": {"model": "H100 SXM5 80GB"}, "operating_system": "TBD"},
        "measurement": {"boundary": ["accelerator"]},
    }
    document = ingest(
        "codecarbon",
        [CC3],
        IngestOptions(task="text-generation", model="meta-llama/Llama-3.1-8B-Instruct", queries=1000, merge=block),
    )
    assert document["submitter"]["organization"] == "Northwind AI Lab"
    assert document["model"]["repository"] == "meta-llama/Llama-3.1-8B-Instruct"  # a placeholder never replaces
    assert document["hardware"]["operating_system"].startswith("Linux-5.15")
    assert document["hardware"]["accelerators"]["model"] == "H100 SXM5 80GB"
    assert document["measurement"]["boundary"] == ["accelerator"]  # lists are replaced whole
    # the parameter count gives the class, the class the stars
    assert document["model"]["class"] == "A"
    energy = document["results"]["summary"]["accelerator_energy_per_1000_queries"]["value"]
    assert 6.7989 < energy <= 12.2845 and document["rating"] == {"stars": 4, "scale": "aerp-1.0-fixed"}
    notes = " ".join(document["extensions"]["x-aerp-ingest"]["notes"])
    assert "/hardware/accelerators/model replaced: the tool's 'H100 80GB HBM3'" in notes
    assert "/measurement/boundary replaced" in notes
    assert "/model/repository kept from the tool" in notes


def test_a_merged_yaml_date_stays_the_date_written(tmp_path: Path) -> None:
    block = yaml.safe_load("date: 2026-03-20\nsubmitter: {organization: Northwind AI Lab, contact: a@b.example}\n")
    document = ingest("codecarbon", [CC3], IngestOptions(task="text-generation", merge=block))
    assert document["date"] == "2026-03-20"
    _, findings = validated(document, tmp_path)
    assert not {"/date", "/submitter/organization", "/submitter/contact"} & gaps(findings)


def test_an_mlperf_system_description_merges_into_a_measurement(tmp_path: Path) -> None:
    block = system_description(MLPERF)
    document = ingest("codecarbon", [CC3], IngestOptions(task="text-generation", queries=1000, merge=block))
    assert document["hardware"]["host"]["cores"] == 112
    assert document["software"]["framework"] == {"name": "TensorRT", "version": "10.2"}
    _, findings = validated(document, tmp_path)
    # MLPerf's system has 8 GPUs where CodeCarbon tracked 1: not a defect the document can show
    assert beyond_disclosure(findings) == set()


# -- artifacts ---------------------------------------------------------------------------


def test_artifacts_name_every_file_read_with_its_digest() -> None:
    document = ingest("aies-v2", [V2], IngestOptions())
    for artifact in document["artifacts"]:
        path = ROOT / artifact["path"]
        assert not artifact["path"].startswith("/") and ".." not in artifact["path"].split("/")
        assert artifact["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_artifacts_outside_the_current_folder_are_named_distinctly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for lab in ("a", "b"):
        (tmp_path / lab).mkdir()
        shutil.copy(CC3, tmp_path / lab / "emissions.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    document = ingest("codecarbon", [tmp_path / "a", tmp_path / "b"], IngestOptions(division="open"))
    assert [a["path"] for a in document["artifacts"]] == ["a/emissions.csv", "b/emissions.csv"]
    monkeypatch.chdir(tmp_path)
    document = ingest("codecarbon", [tmp_path / "a" / "emissions.csv"], IngestOptions(division="open"))
    assert document["artifacts"][0]["path"] == "a/emissions.csv"


# -- bad inputs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path", "task", "words"),
    [
        ("codecarbon", "bad/empty.csv", None, "the file is empty"),
        ("aies-v1", "bad/truncated.json", "text-generation", "truncated JSON at line 23"),
        ("mlperf-system", "bad/truncated.json", None, "truncated JSON at line"),
        (
            "codecarbon",
            "bad/leaderboard.csv",
            None,
            "not a CodeCarbon emissions.csv: no column duration (columns: model, total_gpu_energy, energy_score)",
        ),
        ("aies-v1", "aies-v2-run", "text-generation", "this is an AI Energy Score v2 run folder, not a v1"),
        ("aies-v1", "aies-v2-run/benchmark_report.json", "text-generation", "AI Energy Score v2 benchmark_report.json"),
        ("aies-v2", "aies-v1-benchmark_report.json", None, "optimum-benchmark's (AI Energy Score v1"),
        ("aies-v1", "aies-v1-benchmark_report.json", None, "aies-v1 needs the task"),
        ("aies-v1", "aies-v1-benchmark_report.json", "image-classification", "is the task right?"),
        ("aies-v1", "codecarbon-3.x-emissions.csv", "text-generation", "not JSON"),
        ("mlperf-system", "aies-v1-benchmark_report.json", None, "not an MLPerf system description"),
        ("codecarbon", "missing.csv", None, "no such file"),
        ("codecarbon", "bad", None, "a folder without an emissions.csv"),
    ],
)
def test_bad_inputs_are_refused_with_the_kind_of_problem(kind: str, path: str, task: str | None, words: str) -> None:
    with pytest.raises(IngestError) as raised:
        ingest(kind, [DATA / path], IngestOptions(task=task))
    assert words in str(raised.value)


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("latin1.csv", "duration,energy_consumed,gpu_energy\n1,2,3\nnaïve\n".encode("latin-1"), "not UTF-8 text"),
        ("words.csv", b"duration,energy_consumed,gpu_energy\nabc,1,1\n", "duration is not a number: 'abc'"),
        ("wide.csv", b"duration,energy_consumed,gpu_energy\n1,2,3,4\n", "4 fields, but the header names 3 columns"),
        ("header.csv", b"duration,energy_consumed,gpu_energy\n", "no rows under it"),
        ("old.csv", b"timestamp,duration,emissions,energy_consumed\nx,1,2,3\n", "CodeCarbon before 2.0"),
        ("nul.csv", b"duration,energy_consumed,gpu_energy\n1,\x00,3\n", "energy_consumed"),
        ("twice.csv", b"duration,duration,energy_consumed,gpu_energy\n1,1,2,3\n", "names the column duration twice"),
    ],
)
def test_bad_csv_is_refused(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    with pytest.raises(IngestError) as raised:
        ingest("codecarbon", [_write(tmp_path, name, content)], IngestOptions())
    assert words in str(raised.value)


@pytest.mark.parametrize(
    ("kind", "content", "words"),
    [
        ("aies-v1", b'{"prefill": {"energy": {"unit": "kwh", "gpu": 1}}}', "the energy unit 'kwh' is none of"),
        ("aies-v1", b'{"prefill": {"energy": {"unit": "kWh", "gpu": "1"}}}', "prefill.energy.gpu is not a number"),
        ("aies-v1", b'{"prefill": {"energy": {"unit": "kWh"}}}', "holds none of cpu, ram, gpu, total"),
        ("aies-v1", b'{"prefill": {"energy": {"unit": "kWh", "gpu": 1}, "measures": 3}}', "measures is not a list"),
        ("aies-v1", b'{"a": 1, "a": 2}', "the key `a` appears twice"),
        ("aies-v1", b"[1, 2]", "not an optimum-benchmark"),
        ("aies-v1", b'{"prefill": {"energy": {"unit": "kWh", "gpu": 1}}, "x": }', "not JSON"),
        ("mlperf-system", b"[]", "not an MLPerf system description"),
        (
            "aies-v2",
            b'{"summary": {"successful_prompts": "ten"}, "energy": {"gpu_energy_kwh": 1}}',
            "not a whole number",
        ),
        ("aies-v2", b'{"summary": {}, "energy": {"cpu_energy_kwh": 1}}', "no GPU energy to rate"),
        ("aies-v2", b'{"summary": 1, "energy": 2}', "not an ai_energy_benchmarks report"),
    ],
)
def test_bad_json_is_refused(tmp_path: Path, kind: str, content: bytes, words: str) -> None:
    path = _write(tmp_path, "benchmark_report.json", content)
    with pytest.raises(IngestError) as raised:
        ingest(kind, [path], IngestOptions(task="text-generation"))
    assert words in str(raised.value)


def test_files_over_the_size_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_BYTES", 1000)
    with pytest.raises(IngestError, match="at most 64 MiB"):
        ingest("codecarbon", [CC3], IngestOptions())


def test_bad_options_are_refused() -> None:
    with pytest.raises(IngestError, match="unknown kind"):
        ingest("zeus", [CC3], IngestOptions())
    with pytest.raises(IngestError, match="unknown division"):
        ingest("codecarbon", [CC3], IngestOptions(division="half"))
    with pytest.raises(IngestError, match="did you mean `text-generation`"):
        ingest("codecarbon", [CC3], IngestOptions(task="text-generaton"))
    with pytest.raises(IngestError, match="whole number"):
        ingest("codecarbon", [CC3], IngestOptions(queries=0))
    with pytest.raises(IngestError, match="must be a mapping"):
        ingest("codecarbon", [CC3], IngestOptions(merge=["not", "a", "mapping"]))  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="owner/name"):
        ingest("codecarbon", [CC3], IngestOptions(model="llama"))
    with pytest.raises(IngestError, match="given twice"):
        ingest("codecarbon", [CC3, CC3], IngestOptions())
    assert ingest("codecarbon", [CC3], IngestOptions(task="text_generation"))["task"] == "text-generation"
    assert set(KINDS) == {"codecarbon", "aies-v1", "aies-v2", "mlperf-system"}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*here, key))
    elif isinstance(node, list):
        for index, child in enumerate(node[:2]):
            found += _paths(child, (*here, index))
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_report_is_ingested_or_refused_never_a_crash(tmp_path: Path, data: st.DataObject) -> None:
    kind, source = data.draw(
        st.sampled_from([("aies-v1", V1), ("aies-v2", V2 / "benchmark_report.json"), ("mlperf-system", MLPERF)])
    )
    document = json.loads(source.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(_paths(document)[1:]))
    node = document
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = data.draw(_JSON_VALUES)
    path = tmp_path / "mutated" / "benchmark_report.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        result = ingest(kind, [path], IngestOptions(task="text-generation"))
    except IngestError:
        return
    text = dump(result)
    assert read_yaml(text, default_limits()).data["aerp_version"] == "1.0.0"


# -- the skeleton, YAML and aerp init ----------------------------------------------------


def test_skeleton_alone_is_complete_and_only_has_gaps(tmp_path: Path) -> None:
    document = skeleton("text-to-image", "closed", IngestOptions())
    assert document["run"]["denoising_steps"] == 30 and "decoding" not in document["run"]
    assert document["dataset"] == {"repository": "EnergyStarAI/image_generation", "revision": "TBD", "queries": 1000}
    _, findings = validated(document, tmp_path)
    assert {c for c, _ in findings} <= {"AERP-D001", "AERP-D002"}


def test_dump_quotes_strings_that_would_read_as_numbers() -> None:
    text = dump({"a": "10.2", "b": "1e5", "c": "0o17", "d": "true", "e": "null", "f": "3.3.0", "g": 1.0e-05})
    data = read_yaml(text, default_limits()).data
    assert data == {"a": "10.2", "b": "1e5", "c": "0o17", "d": "true", "e": "null", "f": "3.3.0", "g": 1.0e-05}
    assert "&" not in text and "*" not in text


@pytest.mark.parametrize(
    ("task", "division"), [("text-generation", "closed"), ("text-to-image", "open"), ("summarization", "closed")]
)
def test_init_template_loads_and_only_lacks_disclosure(tmp_path: Path, task: str, division: str) -> None:
    text = init_template(task, division)
    data = yaml.safe_load(text)
    assert data["task"] == task and data["division"] == division
    lines = text.splitlines()
    assert any(line.strip().startswith("power_limit:") and "# power limit enforced" in line for line in lines)
    assert ("rating" in data) == (division == "closed")
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_file(path)
    assert result.loaded
    assert {f.check for f in result.findings} <= {"AERP-D001", "AERP-D002"}
    assert ("AERP-D002", "/hardware/accelerators/power_limit/value") in {(f.check, f.pointer) for f in result.findings}
    if task == "text-generation":
        assert data["model"]["class"] == "TBD" and data["run"]["decoding"] == "greedy"


def test_init_template_refuses_unknown_task_and_division() -> None:
    with pytest.raises(IngestError, match="unknown task"):
        init_template("translation")
    with pytest.raises(IngestError, match="unknown division"):
        init_template("text-generation", "semi")
