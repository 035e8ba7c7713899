"""Exports: a conformant result as a CycloneDX 1.6 ML-BOM and as an SPDX 3.0.1 AI package.

An AI bill of materials is read by other tools, so the tests read the exports as those tools
would: against the official schemas (CycloneDX 1.6 from the shared data beside the checkout,
offline through a ``referencing`` registry; SPDX 3.0.1 from ``tests/data``), and with the
numbers taken as the text written in the file, never as a parsed double. The energy must be
the rated energy exactly, so it is recomputed here from the document's repetitions and
compared digit for digit.
"""

from __future__ import annotations

import json
import shutil
import uuid
from decimal import Context as DecimalContext
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource

from aerp.checks.rating import rated_metric
from aerp.cli import _validated_document
from aerp.exact import decimal_text, exact
from aerp.export import FORMATS, NotExportable, decimal_number, dump_json, export
from aerp.findings import FileResult, Finding, Severity, Verdict
from aerp.load import decode, guess_format, load_text, read_bytes
from aerp.pipeline import default_limits, validate_file
from aerp.protocol import for_version
from aerp.quantities import exact_canonical
from aerp.registry import Context
from conftest import EDITIONS, ROOT, run_cli, suite

CYCLONEDX = ROOT.parent / "shared" / "data" / "cyclonedx"
SPDX_SCHEMA = ROOT / "tests" / "data" / "spdx-3.0.1-schema.json"
LLAMA_1_1 = suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
CPU_ONLY = suite("1.1") / "conformant" / "open-cpu-only.json"
WITH_EMISSIONS = suite("1.0") / "conformant" / "hardware-unknown-accelerator.yaml"
IN_JOULES = suite("1.0") / "conformant" / "question-answering-roberta-base-squad2.json"
WRONG_STARS = suite("1.0") / "non-conformant" / "rating-wrong-stars.yaml"


def conformant() -> list[Path]:
    return [
        path
        for edition in EDITIONS
        for path in sorted((suite(edition) / "conformant").iterdir())
        if path.suffix in (".yaml", ".json")
    ]


CONFORMANT = conformant()
IDS = [f"{p.parent.parent.name}/{p.name}" for p in CONFORMANT]


@cache
def validated(path: Path) -> tuple[FileResult, dict[str, Any]]:
    """The pipeline's result (traces read beside the file) and the document, as the CLI gets them."""
    result = validate_file(path)
    text = decode(read_bytes(path, default_limits().max_bytes))
    return result, load_text(text, guess_format(path, text), default_limits()).data


@cache
def exported(path: Path, fmt: str, on_hub: bool = False) -> str:
    result, data = validated(path)
    return export(fmt, data, result, on_hub=on_hub)


def as_written(text: str) -> Any:
    """The export parsed with every non-integer number kept as the text it was written as."""
    return json.loads(text, parse_float=lambda written: ("number", written))


def inference(bom: dict[str, Any]) -> dict[str, Any]:
    (component,) = bom["components"]
    (entry,) = component["modelCard"]["considerations"]["environmentalConsiderations"]["energyConsumptions"]
    return entry


def properties(bom: dict[str, Any]) -> dict[str, str]:
    pairs = [(p["name"], p["value"]) for p in inference(bom)["properties"]]
    assert len(pairs) == len(dict(pairs)), "each aerp: property is stated once"
    return dict(pairs)


def package(spdx: dict[str, Any]) -> dict[str, Any]:
    (found,) = [node for node in spdx["@graph"] if node["type"] == "ai_AIPackage"]
    return found


def rated_kwh(path: Path) -> Fraction:
    """The rated energy per 1,000 queries in kWh, recomputed from the document (REQ-MEAS-4)."""
    result, data = validated(path)
    protocol = for_version(result.aerp_version or "")
    assert protocol is not None
    metric = rated_metric(Context(data=data, protocol=protocol))
    if metric is None:  # measured without an accelerator: the boundary's energy, formed the same way
        boundary = data["measurement"]["boundary"]
        values = [
            sum(exact_canonical(r["energy"][c], "energy", protocol) for c in boundary) * 1000 / r["queries"]
            for r in data["results"]["repetitions"]
        ]
        metric = sum(values, Fraction(0)) / len(values)
    return metric / 1000


def twenty_digits(value: Fraction) -> str:
    return format(DecimalContext(prec=20).divide(Decimal(value.numerator), Decimal(value.denominator)), "f")


@cache
def cyclonedx_validator() -> Draft7Validator:
    if not (CYCLONEDX / "bom-1.6.schema.json").is_file():
        pytest.skip(f"the CycloneDX 1.6 schemas are not beside the checkout ({CYCLONEDX})")
    schemas = [
        json.loads((CYCLONEDX / name).read_text(encoding="utf-8"))
        for name in ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
    ]
    registry: Registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    return Draft7Validator(schemas[0], registry=registry)


@cache
def spdx_schema() -> dict[str, Any]:
    schema = json.loads(SPDX_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def spdx_validator() -> Any:
    """jsonschema-rs (a runtime dependency of aerp) where it is importable, else jsonschema.

    The SPDX schema is a union of every SPDX class under ``unevaluatedProperties``; jsonschema
    takes about half a second a document over it, jsonschema-rs a fraction of a millisecond.
    The two are shown to agree on the exports below.
    """
    try:
        import jsonschema_rs
    except ImportError:
        return Draft202012Validator(spdx_schema())
    return jsonschema_rs.validator_for(spdx_schema())


def schema_errors(validator: Any, document: Any) -> list[str]:
    return [e.message[:300] for e in validator.iter_errors(document)]


def test_the_suite_has_conformant_results_of_every_edition() -> None:
    editions = {p.parent.parent.name for p in CONFORMANT}
    assert editions == set(EDITIONS) and {"1.0", "1.1"} <= editions
    assert all(validated(p)[0].verdict is Verdict.CONFORMANT for p in CONFORMANT)


@pytest.mark.parametrize("path", CONFORMANT, ids=IDS)
@pytest.mark.parametrize("on_hub", [False, True], ids=["offline", "on-hub"])
def test_every_conformant_result_exports_a_bom_valid_against_cyclonedx_1_6(path: Path, on_hub: bool) -> None:
    bom = json.loads(exported(path, "cyclonedx", on_hub))
    assert schema_errors(cyclonedx_validator(), bom) == []
    assert (bom["bomFormat"], bom["specVersion"], bom["version"]) == ("CycloneDX", "1.6", 1)
    (component,) = bom["components"]
    _, data = validated(path)
    assert (component["type"], component["name"], component["version"]) == (
        "machine-learning-model",
        data["model"]["repository"],
        data["model"]["revision"],
    )
    assert inference(bom)["activity"] == "inference"
    assert bom["metadata"]["timestamp"] == f"{data['date']}T00:00:00Z"
    assert [(t["name"], t["version"]) for t in bom["metadata"]["tools"]["components"]] == [("aerp", exact_version())]


def exact_version() -> str:
    from aerp import __version__

    return __version__


@pytest.mark.parametrize("path", CONFORMANT, ids=IDS)
@pytest.mark.parametrize("on_hub", [False, True], ids=["offline", "on-hub"])
def test_every_conformant_result_exports_a_document_valid_against_spdx_3_0_1(path: Path, on_hub: bool) -> None:
    document = json.loads(exported(path, "spdx", on_hub))
    assert schema_errors(spdx_validator(), document) == []
    assert document["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    kinds = sorted(node["type"] for node in document["@graph"])
    assert kinds == ["CreationInfo", "Organization", "SpdxDocument", "Tool", "ai_AIPackage"]
    _, data = validated(path)
    found = package(document)
    assert (found["name"], found["software_packageVersion"]) == (data["model"]["repository"], data["model"]["revision"])
    (description,) = found["ai_energyConsumption"]["ai_inferenceEnergyConsumption"]
    assert description["ai_energyUnit"] == "kilowattHour"
    (spdx_document,) = [n for n in document["@graph"] if n["type"] == "SpdxDocument"]
    assert spdx_document["rootElement"] == [found["spdxId"]]


@pytest.mark.parametrize("path", [LLAMA_1_1, CPU_ONLY, IN_JOULES, WITH_EMISSIONS], ids=lambda p: p.name)
def test_jsonschema_agrees_with_jsonschema_rs_on_the_spdx_exports(path: Path) -> None:
    document = json.loads(exported(path, "spdx", True))
    assert schema_errors(Draft202012Validator(spdx_schema()), document) == []
    assert schema_errors(spdx_validator(), document) == []


def test_the_stored_spdx_schema_rejects_what_spdx_does_not_allow() -> None:
    """A schema that accepted anything would make the test above worthless."""
    document = json.loads(exported(LLAMA_1_1, "spdx"))
    (description,) = package(document)["ai_energyConsumption"]["ai_inferenceEnergyConsumption"]
    for member, wrong in (("ai_energyUnit", "kWh"), ("ai_energyQuantity", "9.6e-3")):
        broken = json.loads(json.dumps(document))
        (target,) = package(broken)["ai_energyConsumption"]["ai_inferenceEnergyConsumption"]
        target[member] = wrong
        assert schema_errors(spdx_validator(), broken), f"{member} = {wrong!r} was accepted"
    assert description["ai_energyQuantity"] == "0.009598948"


@pytest.mark.parametrize("path", CONFORMANT, ids=IDS)
def test_the_inference_energy_is_the_rated_energy_in_kwh_exactly(path: Path) -> None:
    bom = as_written(exported(path, "cyclonedx"))
    cost = inference(bom)["activityEnergyCost"]
    assert cost["unit"] == "kWh"
    expected = rated_kwh(path)
    text = decimal_text(expected)
    written = cost["value"][1] if isinstance(cost["value"], tuple) else str(cost["value"])
    if text is not None:
        assert written == text
        assert "aerp:energy-exact" not in properties(bom)
    else:  # no finite decimal (an energy in J): rounded, and the exact value stated beside it
        assert written == twenty_digits(expected)
        assert properties(bom)["aerp:energy-exact"] == f"{expected.numerator}/{expected.denominator} kWh"
    (provider,) = inference(bom)["energyProviders"]
    assert provider["energyProvided"] == cost
    (description,) = package(json.loads(exported(path, "spdx")))["ai_energyConsumption"][
        "ai_inferenceEnergyConsumption"
    ]
    assert description["ai_energyQuantity"] == written
    shown = validated(path)[0].facts.get("energy_wh_per_1000_queries")
    if shown is not None:  # the report's figure and the export's agree
        assert float(written) * 1000 == pytest.approx(shown, rel=1e-12)


@pytest.mark.parametrize("edition", ["1.0", "1.1"])
def test_the_same_energies_in_kwh_wh_or_joules_export_the_same_value(edition: str) -> None:
    names = ["text-generation-a-llama-3.1-8b" + tail for tail in ("", "-in-watt-hours", "-in-joules")]
    paths = [suite(edition) / "conformant" / f"{name}.yaml" for name in names]
    units = {r["energy"]["accelerator"]["unit"] for p in paths for r in validated(p)[1]["results"]["repetitions"]}
    assert units == {"kWh", "Wh", "J"}
    costs = [inference(as_written(exported(p, "cyclonedx")))["activityEnergyCost"] for p in paths]
    assert costs[0] == costs[1] == costs[2] == {"value": ("number", "0.009598948"), "unit": "kWh"}


@given(st.fractions(min_value=Fraction(1, 10**12), max_value=Fraction(10**12), max_denominator=10**12))
def test_a_number_is_written_as_its_exact_decimal_or_rounded_to_twenty_digits(value: Fraction) -> None:
    number = decimal_number(value)
    assert "e" not in number.text.lower() and Fraction(number.text) > 0
    if decimal_text(value) is not None:
        assert number.exact and Fraction(number.text) == value
    else:
        assert not number.exact
        assert len(number.text.replace(".", "").lstrip("0")) <= 20
        assert abs(Fraction(number.text) - value) <= value / 10**19


def test_an_energy_in_joules_has_no_finite_decimal_and_is_stated_exactly_beside_its_rounding() -> None:
    expected = rated_kwh(IN_JOULES)
    assert decimal_text(expected) is None
    statements = properties(json.loads(exported(IN_JOULES, "cyclonedx")))
    numerator, denominator = statements["aerp:energy-exact"].removesuffix(" kWh").split("/")
    assert Fraction(int(numerator), int(denominator)) == expected
    assert "aerp:energy-exact = " in package(json.loads(exported(IN_JOULES, "spdx")))["comment"]


@pytest.mark.parametrize("path", CONFORMANT, ids=IDS)
def test_stars_are_stated_for_closed_results_only_and_are_the_validators(path: Path) -> None:
    result, data = validated(path)
    statements = properties(json.loads(exported(path, "cyclonedx")))
    assert statements["aerp:division"] == data["division"]
    if data["division"] == "closed":
        assert statements["aerp:stars"] == str(result.facts["stars"]) == str(data["rating"]["stars"])
        assert statements["aerp:rating-scale"] == data["rating"]["scale"]
    else:
        assert "aerp:stars" not in statements and "aerp:rating-scale" not in statements
        assert "aerp:stars" not in package(json.loads(exported(path, "spdx")))["comment"]


@pytest.mark.parametrize("path", CONFORMANT, ids=IDS)
def test_every_statement_is_named_and_the_two_exports_state_the_same(path: Path) -> None:
    result, data = validated(path)
    statements = properties(json.loads(exported(path, "cyclonedx")))
    assert all(name.startswith("aerp:") and value.strip() for name, value in statements.items())
    assert statements["aerp:functional-unit"] == f"1,000 queries of {data['task']}"
    assert statements["aerp:task"] == data["task"]
    assert statements["aerp:aerp-version"] == data["aerp_version"]
    assert statements["aerp:submission-sha256"] == result.sha256
    assert (statements["aerp:dataset-repository"], statements["aerp:dataset-revision"]) == (
        data["dataset"]["repository"],
        data["dataset"]["revision"],
    )
    if "accelerators" in data["hardware"]:
        assert statements["aerp:hardware"] == result.facts["hardware"]
    lines = package(json.loads(exported(path, "spdx")))["comment"].splitlines()[1:]
    assert lines == [f"{name} = {value}" for name, value in statements.items()]


def test_an_edition_1_1_result_states_its_expanded_uncertainty_in_kwh() -> None:
    _, data = validated(LLAMA_1_1)
    stated = data["results"]["summary"]["uncertainty"]
    assert stated["expanded"] == {"value": 0.56, "unit": "Wh"} and stated["coverage_factor"] == 2
    statements = properties(json.loads(exported(LLAMA_1_1, "cyclonedx")))
    assert statements["aerp:expanded-uncertainty"] == "0.00056 kWh (coverage factor k = 2)"
    edition_1_0 = properties(json.loads(exported(suite("1.0") / "conformant" / LLAMA_1_1.name, "cyclonedx")))
    assert "aerp:expanded-uncertainty" not in edition_1_0


def test_a_result_measured_without_an_accelerator_says_what_its_energy_covers() -> None:
    bom = as_written(exported(CPU_ONLY, "cyclonedx"))
    statements = properties(bom)
    assert statements["aerp:energy-boundary"] == "cpu, ram"
    assert "aerp:hardware" not in statements
    _, data = validated(CPU_ONLY)
    joules = [
        exact(r["energy"]["cpu"]["value"]) + exact(r["energy"]["ram"]["value"]) for r in data["results"]["repetitions"]
    ]
    assert all(r["energy"]["cpu"]["unit"] == r["energy"]["ram"]["unit"] == "J" for r in data["results"]["repetitions"])
    per_1000 = [
        j / 3_600_000 * 1000 / r["queries"] for j, r in zip(joules, data["results"]["repetitions"], strict=True)
    ]
    expected = sum(per_1000, Fraction(0)) / len(per_1000)
    assert inference(bom)["activityEnergyCost"]["value"][1] == (decimal_text(expected) or twenty_digits(expected))


def test_emissions_are_stated_per_1000_queries_in_tonnes_with_their_basis() -> None:
    _, data = validated(WITH_EMISSIONS)
    grams = [exact(r["emissions"]["value"]) * 1000 / r["queries"] for r in data["results"]["repetitions"]]
    assert {r["emissions"]["unit"] for r in data["results"]["repetitions"]} == {"g"}
    bom = as_written(exported(WITH_EMISSIONS, "cyclonedx"))
    co2 = inference(bom)["co2CostEquivalent"]
    assert co2 == {
        "value": ("number", decimal_text(sum(grams, Fraction(0)) / len(grams) / 1_000_000)),
        "unit": "tCO2eq",
    }
    basis = properties(bom)["aerp:co2-basis"]
    assert "accelerator, cpu, ram" in basis and "238 g/kWh" in basis and "PUE 1.1" in basis
    assert "co2CostEquivalent" not in inference(json.loads(exported(LLAMA_1_1, "cyclonedx")))


def test_the_same_submission_gives_the_same_bytes_and_a_changed_one_another_serial_number(tmp_path: Path) -> None:
    copy = tmp_path / LLAMA_1_1.name
    shutil.copy(LLAMA_1_1, copy)
    for trace in LLAMA_1_1.parent.glob(f"{LLAMA_1_1.stem}.trace.csv"):
        shutil.copy(trace, tmp_path / trace.name)
    outputs = []
    for source, name in ((LLAMA_1_1, "a.cdx.json"), (LLAMA_1_1, "b.cdx.json"), (copy, "c.cdx.json")):
        outcome = run_cli("export", "cyclonedx", str(source), "--output-file", str(tmp_path / name))
        assert outcome.exit_code == 0, outcome.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]  # the name of the file plays no part
    serial = json.loads(outputs[0])["serialNumber"]
    assert uuid.UUID(serial.removeprefix("urn:uuid:")).version == 5
    copy.write_text(
        copy.read_text(encoding="utf-8") + "# a comment changes the digest, not a value\n", encoding="utf-8"
    )
    outcome = run_cli("export", "cyclonedx", str(copy))
    assert outcome.exit_code == 0, outcome.stderr
    changed = json.loads(outcome.stdout)
    assert changed["serialNumber"] != serial
    assert inference(changed)["activityEnergyCost"] == inference(json.loads(outputs[0]))["activityEnergyCost"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_non_conformant_file_is_not_exported_and_its_findings_are_printed(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"out{'.cdx' if fmt == 'cyclonedx' else '.spdx'}.json"
    outcome = run_cli("export", fmt, str(WRONG_STARS), "--output-file", str(target))
    assert outcome.exit_code == 1
    assert f"{WRONG_STARS}:" in outcome.stderr and ": error AERP-R002 " in outcome.stderr
    assert "1 file: 0 conformant, 1 non-conformant" in outcome.stderr
    assert "only conformant results are exported" in outcome.stderr
    assert not target.exists() and outcome.stdout == ""


def test_a_missing_file_is_not_exported(tmp_path: Path) -> None:
    outcome = run_cli("export", "spdx", str(tmp_path / "nothing.yaml"))
    assert outcome.exit_code == 1
    assert "no file or folder has this name" in outcome.stderr


def test_the_exporters_themselves_refuse_a_result_that_is_not_conformant() -> None:
    result, data = validated(LLAMA_1_1)
    failing = FileResult(
        path=result.path,
        sha256=result.sha256,
        findings=[Finding("AERP-R002", Severity.ERROR, "/rating/stars", "wrong stars", "REQ-RATE-2", 1, 1)],
        aerp_version=result.aerp_version,
        facts=dict(result.facts),
    )
    for fmt in FORMATS:
        with pytest.raises(NotExportable, match="only conformant results are exported"):
            export(fmt, data, failing)


def test_the_standard_output_is_the_export_and_on_hub_names_the_download_location() -> None:
    _, data = validated(LLAMA_1_1)
    repository, revision = data["model"]["repository"], data["model"]["revision"]
    offline = run_cli("export", "spdx", str(LLAMA_1_1))
    assert offline.exit_code == 0 and "software_downloadLocation" not in package(json.loads(offline.stdout))
    on_hub = run_cli("export", "spdx", "--on-hub", str(LLAMA_1_1))
    assert package(json.loads(on_hub.stdout))["software_downloadLocation"] == f"https://huggingface.co/{repository}"
    bom = json.loads(run_cli("export", "cyclonedx", "--on-hub", str(LLAMA_1_1)).stdout)
    (component,) = bom["components"]
    assert component["purl"] == f"pkg:huggingface/{repository}@{revision}"
    assert component["externalReferences"] == [{"type": "distribution", "url": f"https://huggingface.co/{repository}"}]
    assert "purl" not in json.loads(run_cli("export", "cyclonedx", str(LLAMA_1_1)).stdout)["components"][0]


def test_an_output_file_named_for_another_format_is_a_usage_error(tmp_path: Path) -> None:
    outcome = run_cli("export", "cyclonedx", str(LLAMA_1_1), "--output-file", str(tmp_path / "bom.xml"))
    assert outcome.exit_code == 2 and "json" in outcome.stderr
    assert not (tmp_path / "bom.xml").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_export_writes_one_file_per_conformant_file(fmt: str, tmp_path: Path) -> None:
    folder = suite("1.1") / "conformant"
    submissions = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".json"))
    target = tmp_path / "boms"
    outcome = run_cli("validate", "-q", "--export", fmt, "--export-dir", str(target), str(folder), str(WRONG_STARS))
    assert outcome.exit_code == 1  # the non-conformant file still fails the run
    suffix = ".cdx.json" if fmt == "cyclonedx" else ".spdx.json"
    written = sorted(p.name for p in target.iterdir())
    assert written == sorted(p.stem + suffix for p in submissions)
    assert f"{len(submissions)} export(s) written to" in outcome.stderr
    one = target / (LLAMA_1_1.stem + suffix)
    assert one.read_text(encoding="utf-8") == exported(LLAMA_1_1, fmt)


def test_validate_export_tells_files_of_the_same_name_apart_by_their_digest(tmp_path: Path) -> None:
    both = [suite(edition) / "conformant" / LLAMA_1_1.name for edition in ("1.0", "1.1")]
    outcome = run_cli("validate", "-q", "--export", "cyclonedx", "--export-dir", str(tmp_path), *map(str, both))
    assert outcome.exit_code == 0, outcome.stderr
    digests = [validated(path)[0].sha256 or "" for path in both]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{LLAMA_1_1.stem}.cdx.json", f"{LLAMA_1_1.stem}.{digests[1][:12]}.cdx.json"]
    )
    serials = {json.loads(p.read_text(encoding="utf-8"))["serialNumber"] for p in tmp_path.iterdir()}
    assert len(serials) == 2


def test_validate_export_and_export_dir_go_together(tmp_path: Path) -> None:
    alone = run_cli("validate", "--export", "cyclonedx", str(LLAMA_1_1))
    assert alone.exit_code == 2 and "--export-dir" in alone.stderr
    folder_only = run_cli("validate", "--export-dir", str(tmp_path / "x"), str(LLAMA_1_1))
    assert folder_only.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_a_file_changed_after_its_validation_is_not_read_as_the_validated_one(tmp_path: Path) -> None:
    result, _ = validated(LLAMA_1_1)
    copy = tmp_path / LLAMA_1_1.name
    shutil.copy(LLAMA_1_1, copy)
    assert _validated_document(copy, result) is not None
    copy.write_text(copy.read_text(encoding="utf-8").replace("9.598948", "9.598949"), encoding="utf-8")
    assert _validated_document(copy, result) is None


def test_no_binary_double_reaches_an_export() -> None:
    with pytest.raises(TypeError, match="exact value"):
        dump_json({"value": 0.1})
