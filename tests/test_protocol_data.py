"""The protocol's data agree with each other: schema, protocol.yaml, pint, check registry."""

from __future__ import annotations

from fractions import Fraction

import pint
import pytest
from jsonschema import Draft202012Validator

from aerp.protocol import load_minor, minor_versions, supported_versions
from aerp.registry import all_checks

PROTOCOL = load_minor("1.0")
SCHEMA = PROTOCOL.schema


def test_schemas_are_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    Draft202012Validator.check_schema(load_minor("1.0").schema)


def test_versions_are_discovered_from_folders() -> None:
    assert minor_versions() == ["1.0", "1.1"]
    assert supported_versions() == ["1.0.0", "1.1.0"]


def test_every_defs_entry_names_its_spec_section() -> None:
    for name, definition in SCHEMA["$defs"].items():
        assert "#" in definition.get("$comment", ""), name


@pytest.mark.parametrize("dimension", list(PROTOCOL.units))
def test_schema_unit_enums_equal_protocol_vocabulary(dimension: str) -> None:
    assert SCHEMA["$defs"][f"{dimension}_unit"]["enum"] == list(PROTOCOL.units[dimension]["symbols"])


PINT_NAMES = {"t": "metric_ton"}


@pytest.mark.parametrize(
    ("dimension", "symbol"),
    [(d, s) for d, spec in PROTOCOL.units.items() for s in spec["symbols"]],
)
def test_conversion_factors_agree_with_pint(dimension: str, symbol: str) -> None:
    registry = pint.UnitRegistry()
    canonical = PROTOCOL.units[dimension]["canonical"]
    expected = registry.Quantity(1, PINT_NAMES.get(symbol, symbol)).to(PINT_NAMES.get(canonical, canonical)).magnitude
    factor = Fraction(PROTOCOL.units[dimension]["symbols"][symbol])
    assert float(factor) == pytest.approx(expected, rel=1e-12)


def test_enumerations_follow_protocol_yaml() -> None:
    props = SCHEMA["properties"]
    assert props["task"]["enum"] == list(PROTOCOL.tasks)
    assert props["division"]["enum"] == list(PROTOCOL.params["divisions"])
    assert props["model"]["properties"]["class"]["enum"] == list(PROTOCOL.params["classes"])
    assert SCHEMA["$defs"]["method"]["properties"]["method"]["enum"] == list(PROTOCOL.params["measurement_methods"])
    statements = props["attestation"]["properties"]["statements"]
    assert statements["items"]["enum"] == list(PROTOCOL.params["attestations"])
    components = PROTOCOL.params["energy_components"]
    assert props["measurement"]["properties"]["boundary"]["items"]["enum"] == components
    assert list(SCHEMA["$defs"]["component_energy"]["properties"]) == [*components, "total"]


def test_every_task_names_its_dataset_and_phases() -> None:
    for name, task in PROTOCOL.tasks.items():
        assert task["dataset"].startswith("EnergyStarAI/"), name
        assert task["queries"] == 1000 and task["phases"], name


def test_check_ids_are_unique_and_well_formed() -> None:
    checks = all_checks()
    assert len({c.id for c in checks}) == len(checks)
    assert all(c.summary.endswith(".") for c in checks)
