"""A conformant AERP result as an SPDX 3.0.1 document (JSON-LD) with the AI profile.

The model is an ``ai_AIPackage`` (package version = the revision tested) whose
``ai_energyConsumption.ai_inferenceEnergyConsumption`` holds the result's energy per 1,000
queries in ``kilowattHour``. The quantity is an ``xsd:decimal`` in the SPDX model, so it is
written as a decimal string (as the SPDX specification's own example does): a JSON number
with a fraction would become an ``xsd:double`` in the RDF graph, which is neither the
datatype SPDX declares nor the exact value.

SPDX 3.0.1 has no member for the functional unit, the boundary or the rating, so those are
the package's ``comment``, one ``aerp:`` statement a line, the same names and values as the
CycloneDX export's properties. ``software_downloadLocation`` is stated only when the caller
asserts that the model is on the Hugging Face Hub; SPDX 3 has no ``NOASSERTION`` value for this
URI property, and leaving it out is how the document makes no assertion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aerp.export import Facts, gather, identifier, tool_version
from aerp.findings import FileResult

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
CREATION_INFO = "_:creationinfo"


def document(data: Mapping[str, Any], result: FileResult, on_hub: bool = False) -> dict[str, Any]:
    """The SPDX 3.0.1 document of a conformant result; ``on_hub``: the model is published on the Hub."""
    facts = gather(data, result)
    ids = {role: identifier(facts.digest, f"spdx-{role}") for role in ("document", "package", "submitter", "tool")}
    package: dict[str, Any] = {
        "type": "ai_AIPackage",
        "spdxId": ids["package"],
        "creationInfo": CREATION_INFO,
        "name": facts.repository,
        "software_packageVersion": facts.revision,
        "software_primaryPurpose": "model",
    }
    if on_hub:
        package["software_downloadLocation"] = facts.hub_url
    package["comment"] = _comment(facts)
    package["ai_energyConsumption"] = {
        "type": "ai_EnergyConsumption",
        "ai_inferenceEnergyConsumption": [
            {
                "type": "ai_EnergyConsumptionDescription",
                "ai_energyQuantity": facts.energy_kwh.text,
                "ai_energyUnit": "kilowattHour",
            }
        ],
    }
    return {
        "@context": CONTEXT,
        "@graph": [
            {
                "type": "CreationInfo",
                "@id": CREATION_INFO,
                "specVersion": SPEC_VERSION,
                "created": facts.timestamp,
                "createdBy": [ids["submitter"]],
                "createdUsing": [ids["tool"]],
                "comment": f"Written by aerp {tool_version()} from the AERP submission with SHA-256 {facts.digest}; "
                f"'created' is the submission's date ({facts.date}) at 00:00:00 UTC.",
            },
            {
                "type": "Organization",
                "spdxId": ids["submitter"],
                "creationInfo": CREATION_INFO,
                "name": facts.submitter,
                "comment": "the organization that submitted the AERP result",
            },
            {
                "type": "Tool",
                "spdxId": ids["tool"],
                "creationInfo": CREATION_INFO,
                "name": f"aerp {tool_version()}",
            },
            {
                "type": "SpdxDocument",
                "spdxId": ids["document"],
                "creationInfo": CREATION_INFO,
                "name": f"AERP result: {facts.repository}@{facts.revision}, {facts.functional_unit}",
                "profileConformance": ["core", "software", "ai"],
                "rootElement": [ids["package"]],
                "element": [ids["package"], ids["submitter"], ids["tool"]],
            },
            package,
        ],
    }


def _comment(facts: Facts) -> str:
    """The result's context as ``aerp:`` statements, one a line (Annex E of AERP 1.1 explains each)."""
    head = (
        f"Energy measured under the AI Energy Rating Protocol (AERP): the inference energy in ai_energyConsumption "
        f"is per {facts.functional_unit}."
    )
    return "\n".join([head, *(f"{name} = {value}" for name, value in facts.statements())])
