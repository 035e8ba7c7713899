"""A conformant AERP result as a CycloneDX 1.6 ML-BOM (JSON).

The model is one ``machine-learning-model`` component; its model card's
``considerations.environmentalConsiderations.energyConsumptions`` holds one entry for the
``inference`` activity whose ``activityEnergyCost`` is the result's energy per 1,000 queries
in kWh, the only energy unit CycloneDX 1.6 allows. The schema requires at least the
``energyProviders`` member of that entry, and each provider an organization, an energy source
and the energy provided; AERP records neither who supplied the electricity nor how it was
generated, so the provider says so (``unknown`` is one of the schema's energy sources, and an
organization without members asserts nothing) and describes the system that drew the energy.
Everything AERP states that CycloneDX has no member for is an ``aerp:`` property.

The output is a function of the submission alone: the serial number is a name-based UUID of
the submission's SHA-256 and the timestamp is the submission's date, so the same file always
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aerp.export import Facts, gather, identifier, tool_version
from aerp.findings import FileResult

SPEC_VERSION = "1.6"
SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"


def bom(data: Mapping[str, Any], result: FileResult, on_hub: bool = False) -> dict[str, Any]:
    """The BOM of a conformant result; ``on_hub``: the model is published on the Hugging Face Hub.

    A validator works offline and cannot tell whether a model is published (AERP 1.1, REQ-REPORT-8
    verification), so the download location and the package URL are stated only when the caller
    asserts it.
    """
    facts = gather(data, result)
    model_ref = f"{facts.repository}@{facts.revision}"
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": model_ref,
        "name": facts.repository,
        "version": facts.revision,
    }
    if on_hub:
        component["purl"] = _purl(facts)
        component["externalReferences"] = [{"type": "distribution", "url": facts.hub_url}]
    component["modelCard"] = {
        "modelParameters": {"task": facts.task},
        "considerations": {"environmentalConsiderations": {"energyConsumptions": [_inference(facts)]}},
    }
    return {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": identifier(facts.digest, "cyclonedx"),
        "version": 1,
        "metadata": {
            "timestamp": facts.timestamp,
            "tools": {
                "components": [
                    {
                        "type": "application",
                        "name": "aerp",
                        "version": tool_version(),
                        "description": "AERP reference validator (AI Energy Rating Protocol)",
                    }
                ]
            },
            "properties": [
                {"name": "aerp:timestamp", "value": f"the submission's date ({facts.date}), at 00:00:00 UTC"},
            ],
        },
        "components": [component],
    }


def _inference(facts: Facts) -> dict[str, Any]:
    energy = {"value": facts.energy_kwh, "unit": "kWh"}
    entry: dict[str, Any] = {
        "activity": "inference",
        "energyProviders": [
            {
                "description": _provider(facts),
                "organization": {},
                "energySource": "unknown",
                "energyProvided": dict(energy),
            }
        ],
        "activityEnergyCost": energy,
    }
    if facts.co2_t is not None:
        entry["co2CostEquivalent"] = {"value": facts.co2_t, "unit": "tCO2eq"}
    entry["properties"] = [{"name": name, "value": value} for name, value in facts.statements()]
    return entry


def _provider(facts: Facts) -> str:
    drawn_by = "; ".join(
        part
        for part in (
            f"accelerators: {facts.hardware}" if facts.hardware else None,
            f"host: {facts.host}" if facts.host else None,
        )
        if part
    )
    measured = " and ".join(facts.boundary) + (" components" if len(facts.boundary) > 1 else " component")
    return (
        f"The electricity drawn by the system under test ({drawn_by}); the energy stated is that of the "
        f"{measured}, per {facts.functional_unit}. AERP records neither the supplier of the electricity nor "
        "its energy source."
    )


def _purl(facts: Facts) -> str:
    """The package URL of a Hugging Face model: ``pkg:huggingface/<owner>/<name>@<commit, lowercased>``."""
    return f"pkg:huggingface/{facts.repository}@{facts.revision.lower()}"
