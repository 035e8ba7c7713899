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


# The YAML 1.2 core schema's plain scalars that are not strings: (tag, pattern, first characters).
CORE_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", list("-+.0123456789")),
]


class CoreDumper(yaml.SafeDumper):
    """PyYAML's emitter, quoting by the YAML 1.2 core schema that AERP reads rather than by YAML 1.1."""


CoreDumper.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    *CORE_RESOLVERS,
    # what the reader refuses or never reads as a string is quoted too: infinities, NaN, the merge key
    ("tag:yaml.org,2002:float", r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.")),
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


def mutate(
    document: Any,
    draw: Any,
    actions: list[str],
    times: tuple[int, int] = (1, 3),
    *,
    values: Any = None,
    strings: list[str] | None = None,
    numbers: list[Any] | None = None,
    factors: list[Any] | None = None,
    names: Any = None,
) -> Any:
    """A copy of ``document`` with a drawn number of its nodes (``times``, inclusive) changed by a drawn action.

    ``draw`` is a hypothesis ``data.draw``: the places, actions and values are the test's examples.
    The actions: ``delete`` the node; ``retype`` it as a value drawn from ``values``; replace a
    string by one of ``strings`` or a number by one of ``numbers``; ``rescale`` a number by one of
    ``factors``; ``rename`` a member with a key drawn from ``names``; ``duplicate`` a list item;
    ``twin`` a number in a list with its float (equal under JSON Schema). An action that does not
    fit the node drawn leaves it as it is.
    """
    import hypothesis.strategies as st

    changed = copy.deepcopy(document)
    for _ in range(draw(st.integers(*times))):
        places = [p for p in paths(changed) if p]
        if not places:
            break
        *steps, key = draw(st.sampled_from(places))
        parent = changed
        for step in steps:
            parent = parent[step]
        value = parent[key]
        action = draw(st.sampled_from(actions)) if len(actions) > 1 else actions[0]
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if action == "delete":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(values)
        elif action == "string" and isinstance(value, str):
            parent[key] = draw(st.sampled_from(strings))
        elif action == "number" and isinstance(value, (int, float)):
            parent[key] = draw(st.sampled_from(numbers))
        elif action == "rescale" and number:
            parent[key] = value * draw(st.sampled_from(factors))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(names)] = parent.pop(key)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(value))
        elif action == "twin" and isinstance(parent, list) and isinstance(value, (int, float)):
            parent.append(float(value) if isinstance(value, int) else value)
    return changed


def graft(document: Any, draw: Any, shapes: Any, at_most: int = 4) -> Any:
    """``document`` with up to ``at_most`` of its nodes replaced by values drawn from ``shapes``.

    Lists where mappings belong, keys that need escaping, quantities in odd places: the shapes
    that searches by pattern must get right.
    """
    return mutate(document, draw, ["retype"], (0, at_most), values=shapes)
