"""Loading and mutating reference submissions in tests."""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.findings import FileResult
from aerp.json_reader import read_json
from aerp.load import Document
from aerp.pipeline import default_limits, validate_document
from aerp.protocol import load_minor
from aerp.yaml_reader import read_yaml
from conftest import conformant_files, load_manifest

LIMITS = default_limits()
PROTOCOL = load_minor("1.0")


def load(path: Path) -> dict[str, Any]:
    reader = read_json if path.suffix == ".json" else read_yaml
    return reader(path.read_text(encoding="utf-8"), LIMITS).data


CONFORMANT = {p.name: load(p) for p in conformant_files()}
_WARNED = {c["file"].split("/")[-1] for c in load_manifest()["cases"] if c["checks"]}
CLEAN = {name: doc for name, doc in CONFORMANT.items() if name not in _WARNED}


def check(document: dict[str, Any]) -> FileResult:
    return validate_document(Document(data=document, format="json", _positions={"": (1, 1)}), "test.json", None)


def errors(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.check, f.pointer) for f in check(document).findings if f.severity.value == "error"]


def node(document: dict[str, Any], *path: Any) -> Any:
    for step in path:
        document = document[step]
    return document


def scaled(document: dict[str, Any], path: tuple[Any, ...], factor: float) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    quantity = node(copied, *path)
    quantity["value"] = quantity["value"] * factor
    return copied


def reexpress(quantity: dict[str, Any], dimension: str, unit: str) -> dict[str, Any]:
    symbols = PROTOCOL.units[dimension]["symbols"]
    value = Fraction(quantity["value"]) * Fraction(symbols[quantity["unit"]]) / Fraction(symbols[unit])
    return {"value": float(value), "unit": unit}
