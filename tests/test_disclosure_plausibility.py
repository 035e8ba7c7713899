"""Disclosure and physical plausibility, as a lab meets them: copies of real results, edited."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from aerp.catalogue import entries, find
from conftest import SUITE, run_cli
from helpers import CLEAN, PROTOCOL, check

BASE = SUITE / "conformant" / "image-to-text-blip-image-captioning-large.yaml"


def _validate_edit(tmp_path: Path, old: str, new: str) -> tuple[list[dict], int]:
    """Findings of a copy of BASE with one edit, and the line the edit stands on."""
    text = BASE.read_text()
    assert old in text
    edited = text.replace(old, new, 1)
    line = edited[: edited.index(new)].count("\n") + 1
    target = tmp_path / "edited.yaml"
    target.write_text(edited)
    return run_cli("validate", "-o", "json", str(target)).json()["files"][0]["findings"], line


def test_power_limit_above_catalogue_is_an_error_with_its_line(tmp_path: Path) -> None:
    findings, line = _validate_edit(
        tmp_path, 'power_limit: {value: 350, unit: "W"}', 'power_limit: {value: 450, unit: "W"}'
    )
    assert [(f["check"], f["severity"]) for f in findings] == [("AERP-P001", "error")]
    assert findings[0]["line"] == line and "350 W" in findings[0]["message"]


def test_negative_repetition_energy_is_an_error_with_its_line(tmp_path: Path) -> None:
    findings, line = _validate_edit(tmp_path, "accelerator: {value: 0.00733997,", "accelerator: {value: -0.00733997,")
    assert [(f["check"], f["severity"]) for f in findings] == [("AERP-U004", "error")]
    assert findings[0]["path"] == "/results/repetitions/1/energy/accelerator" and findings[0]["line"] == line


def test_unknown_accelerator_is_a_warning_with_its_line(tmp_path: Path) -> None:
    findings, line = _validate_edit(tmp_path, 'model: "H100 PCIe 80GB"', 'model: "Gaudi 3"')
    by_check = {f["check"]: f for f in findings}
    assert by_check["AERP-H002"]["severity"] == "warning" and by_check["AERP-H002"]["line"] == line
    # in the closed division an unknown accelerator is also not the reference hardware
    assert by_check["AERP-H001"]["severity"] == "error"
    assert set(by_check) == {"AERP-H001", "AERP-H002"}


def test_every_missing_disclosure_is_named_in_one_run() -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    del document["hardware"]["accelerators"]["driver_version"]
    del document["hardware"]["host"]["cores"]
    del document["software"]["harness"]["version"]
    document["hardware"]["operating_system"] = "N/A"
    document["measurement"]["methods"]["cpu"]["tool"]["version"] = " TBD "
    document["submitter"]["contact"] = "unknown"
    found = sorted((f.check, f.pointer) for f in check(document).findings)
    assert found == [
        ("AERP-D001", "/hardware/accelerators/driver_version"),
        ("AERP-D001", "/hardware/host/cores"),
        ("AERP-D001", "/software/harness/version"),
        ("AERP-D002", "/hardware/operating_system"),
        ("AERP-D002", "/measurement/methods/cpu/tool/version"),
        ("AERP-D002", "/submitter/contact"),
    ]


@pytest.mark.parametrize("version", ["latest", ">=2.4", "2.*", "2.4.x", "~2.4", "main"])
def test_versions_must_be_exact(version: str) -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    document["software"]["framework"]["version"] = version
    assert [f.check for f in check(document).findings] == ["AERP-D005"]


def test_catalogue_entries_are_complete_and_sourced() -> None:
    seen = set()
    for entry in entries(PROTOCOL):
        assert entry["id"] not in seen
        seen.add(entry["id"])
        assert entry["source"] and entry["names"] and entry["max_power"]["unit"] == "W"
        assert (
            find(
                {
                    "vendor": entry["vendor"],
                    "model": entry["model"],
                    "form_factor": entry["form_factor"],
                    "memory": entry["memory"],
                },
                PROTOCOL,
            )
            == entry
        ), entry["id"]
    assert set(PROTOCOL.params["reference_hardware"]["catalogue_ids"]) <= seen
    assert {"nvidia-l4", "nvidia-a100-pcie-80gb", "nvidia-h100-sxm5-80gb", "amd-mi300x"} <= seen


@pytest.mark.parametrize(
    ("model", "form_factor", "expected"),
    [
        ("NVIDIA H100 80GB HBM3", "SXM", "nvidia-h100-sxm5-80gb"),
        ("H100 PCIe", "PCIe", "nvidia-h100-pcie-80gb"),
        ("A100-SXM4-40GB", "SXM", "nvidia-a100-sxm4-40gb"),
        ("Tesla T4", "PCIe", "nvidia-t4"),
        ("H800", "SXM", None),
    ],
)
def test_catalogue_matches_names_as_tools_print_them(model: str, form_factor: str, expected: str | None) -> None:
    memory = re.search(r"(\d+)GB", model)
    accelerators = {
        "vendor": "NVIDIA",
        "model": model,
        "form_factor": form_factor,
        "memory": {"value": int(memory.group(1)) if memory else 80, "unit": "GB"},
    }
    entry = find(accelerators, PROTOCOL)
    assert (entry["id"] if entry else None) == expected


def test_an_open_result_on_other_hardware_conforms() -> None:
    for name in (
        "text-generation-a-llama-3.1-8b-open-l4.json",
        "automatic-speech-recognition-whisper-large-v3-open-a100-batch8.yaml",
    ):
        result = check(CLEAN[name])
        assert result.verdict.value == "conformant" and result.findings == [], name


def test_plausibility_leaves_slips_to_the_consistency_check() -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    document["results"]["repetitions"][2]["energy"]["accelerator"]["value"] *= 1000
    assert [f.check for f in check(document).findings] == ["AERP-C007"]


def test_a_placeholder_in_a_typed_member_is_missing_disclosure_not_a_type_error() -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    document["hardware"]["accelerators"]["count"] = "TBD"
    document["hardware"]["accelerators"]["form_factor"] = "unknown"
    document["hardware"]["host"]["memory"] = {"value": "N/A", "unit": "GB"}
    del document["attestation"]
    found = sorted((f.check, f.pointer) for f in check(document).findings)
    assert found == [
        ("AERP-D001", "/attestation"),
        ("AERP-D002", "/hardware/accelerators/count"),
        ("AERP-D002", "/hardware/accelerators/form_factor"),
        ("AERP-D002", "/hardware/host/memory/value"),
    ]
