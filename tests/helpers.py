"""Loading and mutating reference submissions in tests."""

from __future__ import annotations

import copy
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from aerp.exact import Written, decimal_text, exact
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


def reexpress(quantity: dict[str, Any], dimension: str, unit: str) -> dict[str, Any] | None:
    """The same quantity in ``unit``, its value the exact decimal; None where no finite decimal is exact (J → Wh)."""
    symbols = PROTOCOL.units[dimension]["symbols"]
    value = exact(quantity["value"]) * Fraction(str(symbols[quantity["unit"]])) / Fraction(str(symbols[unit]))
    text = decimal_text(value)
    if text is None:
        return None
    return {"value": int(text) if "." not in text else Written(text), "unit": unit}


class CoreDumper(yaml.SafeDumper):
    """PyYAML's emitter, quoting by the YAML 1.2 core schema that AERP reads rather than by YAML 1.1."""


CoreDumper.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
    ("tag:yaml.org,2002:merge", r"^<<$", ["<"]),
):
    CoreDumper.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def core_yaml(value: Any, flow: bool = False, sort_keys: bool = False) -> str:
    """``value`` as YAML that the YAML 1.2 core schema reads back as the same data (PyYAML quotes by YAML 1.1)."""
    return yaml.dump(
        value, Dumper=CoreDumper, default_flow_style=flow, sort_keys=sort_keys, allow_unicode=True, width=1 << 20
    )


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON-like document, the root included, in document order."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def graft(document: Any, draw: Any, shapes: Any, at_most: int = 4) -> Any:
    """``document`` with up to ``at_most`` of its nodes replaced by values drawn from ``shapes``.

    ``draw`` is a hypothesis ``data.draw``: the places and values are the test's examples.
    Lists where mappings belong, keys that need escaping, quantities in odd places: the shapes
    that searches by pattern must get right.
    """
    import hypothesis.strategies as st

    grafted = copy.deepcopy(document)
    for _ in range(draw(st.integers(0, at_most))):
        places = [p for p in paths(grafted) if p]
        if not places:
            break
        *parent, last = draw(st.sampled_from(places))
        holder = grafted
        for step in parent:
            holder = holder[step]
        holder[last] = draw(shapes)
    return grafted
