"""The YAML reader checked against readers that take another path through the same text.

:func:`aerp.yaml_reader.read_yaml` builds a document from parser events, one at a time, so that
it can refuse what PyYAML accepts and report the first defect. Its results are checked here
against oracles that share none of that code: PyYAML's own composer and constructor (taught the
YAML 1.2 core schema) for the data and for where each node stands, the JSON reader for the same
data written as JSON, and the place in the text where a defect was written for each refusal.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from aerp.exact import Written
from aerp.json_reader import read_json
from aerp.load import Limits, LoadError, Position
from aerp.pipeline import default_limits
from aerp.pointer import escape
from aerp.yaml_reader import read_yaml
from helpers import CORE_RESOLVERS, core_yaml
from helpers import paths as all_paths

LIMITS = default_limits()


class CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's loader resolving plain scalars by the YAML 1.2 core schema, non-integers as :class:`Written`."""


CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in CORE_RESOLVERS:
    CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    value = node.value
    return int(value, 0) if value[:2] in ("0o", "0x") else int(value)  # 017 is seventeen, not YAML 1.1's octal


CoreLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Written(node.value))
CoreLoader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: node.value.lower() == "true")


def typed(node: Any, text: bool = True) -> Any:
    """``node`` with every scalar's type (and a written number's text) spelled out, and key order kept."""
    if isinstance(node, dict):
        return ("dict", [(key, typed(value, text)) for key, value in node.items()])
    if isinstance(node, list):
        return ("list", [typed(value, text) for value in node])
    if isinstance(node, Written):
        return ("Written", node.text if text else float(node))
    return (type(node).__name__, node)


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def composed_places(root: yaml.Node) -> dict[str, tuple[Position, yaml.Node, bool]]:
    """Each pointer's place by PyYAML's composer: (line, column), the node written there, and whether it is a key."""
    places: dict[str, tuple[Position, yaml.Node, bool]] = {"": (_mark(root), root, False)}

    def walk(node: yaml.Node, pointer: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{pointer}/{escape(key.value)}"
                places[child] = (_mark(key), key, True)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                child = f"{pointer}/{index}"
                places[child] = (_mark(value), value, False)
                walk(value, child)

    walk(root, "")
    return places


def in_document_order(root: yaml.Node, depth: int = 0) -> list[tuple[yaml.Node, int]]:
    """Every node as the parser meets it (a key before its value), with how many collections hold it."""
    found = [(root, depth)]
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            found.append((key, depth + 1))
            found += in_document_order(value, depth + 1)
    elif isinstance(root, yaml.SequenceNode):
        for value in root.value:
            found += in_document_order(value, depth + 1)
    return found


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the breaks libyaml counts lines by


def offset_of(text: str, position: Position) -> int:
    starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    line, column = position
    return starts[line - 1] + column - 1


def position_of(text: str, offset: int) -> Position:
    starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text[:offset]))]
    return len(starts), offset - starts[-1] + 1


# ---- documents -------------------------------------------------------------------------------

TRICKY = st.sampled_from(
    [
        *("", "~", "null", "NULL", "true", "False", "no", "1e3", "0x1F", "0o17", "017", "-.5", "5.", "+.5e3", ".inf"),
        *("<<", "a/b", "a~b", "~1", "/", "-", "2026-01-31", "1_0", "1:30", "kWh", "g/kWh", "x y", "é", "#", "'q'"),
        '"d"',
    ]
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10) | TRICKY
SCALARS = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | TEXT
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
).filter(lambda document: document is not None)
MAPPINGS = st.dictionaries(TEXT, DOCUMENTS, min_size=1, max_size=4)


@given(DOCUMENTS, st.booleans())
def test_the_data_is_what_pyyaml_constructs_by_the_core_schema_and_what_json_reads(document: Any, flow: bool) -> None:
    text = core_yaml(document, flow)
    read = read_yaml(text, LIMITS)
    meant = yaml.load(text, Loader=CoreLoader)  # not always ``document``: PyYAML writes U+0085 raw, read as a break
    assert read.format == "yaml"
    assert typed(read.data) == typed(meant)
    as_json = read_json(json.dumps(meant, ensure_ascii=False), LIMITS).data
    assert typed(read.data, text=False) == typed(as_json, text=False)


@given(DOCUMENTS, st.booleans())
def test_every_node_stands_at_its_key_or_at_itself(document: Any, flow: bool) -> None:
    text = core_yaml(document, flow)
    positions = read_yaml(text, LIMITS)._positions
    places = composed_places(yaml.compose(text, Loader=CoreLoader))
    assert positions == {pointer: place for pointer, (place, _, _) in places.items()}
    meant = yaml.load(text, Loader=CoreLoader)
    assert set(positions) == {"".join(f"/{escape(str(step))}" for step in path) for path in all_paths(meant)}
    for place, node, is_key in places.values():
        written = text[offset_of(text, place) :]
        if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'"):
            assert written.startswith(node.style)
        elif isinstance(node, yaml.ScalarNode) and node.value:
            assert written.startswith(node.value)
        elif is_key or isinstance(node, yaml.ScalarNode):
            continue  # an empty plain scalar is written as nothing
        else:
            assert written[:1] not in ("", " ", "\t", "\r", "\n")  # a collection stands where it starts


# ---- refusals: the first defect in the text, where it is written -----------------------------

PLACEHOLDERS = ("zzqqa", "zzqqb")
VALUE_DEFECTS = {
    "&a 1": "AERP-L006",
    "!t 1": "AERP-L007",
    "!!str x": "AERP-L007",
    "*a": "AERP-L006",
    "&a [1]": "AERP-L006",
    "!t {b: 1}": "AERP-L007",
    "<<": "AERP-L006",
    ".inf": "AERP-L009",
    "-.Inf": "AERP-L009",
    ".nan": "AERP-L009",
    "1e400": "AERP-L009",
    "-2e308": "AERP-L009",
    "1" + "0" * 309: "AERP-L009",
    "9" * 401: "AERP-L011",
}
KEY_DEFECTS = {
    "1": "AERP-L008",
    "0x1F": "AERP-L008",
    "-.5": "AERP-L008",
    "null": "AERP-L008",
    "~": "AERP-L008",
    "true": "AERP-L008",
    "[k]": "AERP-L008",
    "{k: v}": "AERP-L008",
    "<<": "AERP-L006",
    ".nan": "AERP-L009",
    "1e999": "AERP-L009",
    "&a k": "AERP-L006",
    "!t k": "AERP-L007",
    "*a": "AERP-L006",
}


def _replace(node: Any, path: tuple, as_key: bool, placeholder: str) -> Any:
    """``node`` with the member or item at ``path`` (or its key) replaced by ``placeholder``."""
    if not path:
        return placeholder
    step, rest = path[0], path[1:]
    if isinstance(node, list):
        return [_replace(item, rest, as_key, placeholder) if i == step else item for i, item in enumerate(node)]
    if as_key and not rest:
        return {placeholder if key == step else key: value for key, value in node.items()}
    return {key: _replace(value, rest, as_key, placeholder) if key == step else value for key, value in node.items()}


@st.composite
def defective(draw: st.DrawFn) -> tuple[str, str, Position]:
    """A document written by PyYAML with one or two defects put in; the first one's check and place."""
    document = draw(MAPPINGS)
    defects = {}
    for placeholder in PLACEHOLDERS[: draw(st.integers(1, 2))]:
        path = draw(st.sampled_from([p for p in all_paths(document) if p]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        as_key = isinstance(parent, dict) and draw(st.booleans())
        table = KEY_DEFECTS if as_key else VALUE_DEFECTS
        defects[placeholder] = draw(st.sampled_from(sorted(table)))
        document = _replace(document, path, as_key, placeholder)
        defects[placeholder] = (defects[placeholder], table[defects[placeholder]])
    text = core_yaml(document, draw(st.booleans()))
    present = [p for p in PLACEHOLDERS if p in text]
    assume(bool(present) and all(text.count(p) == 1 for p in present))
    first = min(present, key=text.index)
    position = position_of(text, text.index(first))
    for placeholder in present:
        text = text.replace(placeholder, defects[placeholder][0])
    return text, defects[first][1], position


@given(defective())
def test_the_first_defect_is_refused_where_it_is_written(case: tuple[str, str, Position]) -> None:
    text, check, position = case
    with pytest.raises(LoadError) as caught:
        read_yaml(text, LIMITS)
    assert (caught.value.check, (caught.value.line, caught.value.column)) == (check, position)


@given(DOCUMENTS, st.booleans(), st.data())
def test_node_and_depth_bounds_are_refused_at_the_first_node_past_them(
    document: Any, flow: bool, data: st.DataObject
) -> None:
    text = core_yaml(document, flow)
    nodes = in_document_order(yaml.compose(text, Loader=CoreLoader))
    collections = [(node, depth + 1) for node, depth in nodes if isinstance(node, yaml.CollectionNode)]
    deepest = max((depth for _, depth in collections), default=0)
    read_yaml(text, dataclasses.replace(LIMITS, max_nodes=len(nodes), max_depth=deepest))

    bound = data.draw(st.integers(0, len(nodes) - 1))
    with pytest.raises(LoadError) as caught:
        read_yaml(text, dataclasses.replace(LIMITS, max_nodes=bound))
    assert (caught.value.check, caught.value.line, caught.value.column) == ("AERP-L011", *_mark(nodes[bound][0]))
    assert caught.value.message == f"the document has more than {bound} nodes"

    if deepest:
        bound = data.draw(st.integers(0, deepest - 1))
        first_too_deep = next(node for node, depth in collections if depth > bound)
        with pytest.raises(LoadError) as caught:
            read_yaml(text, dataclasses.replace(LIMITS, max_depth=bound))
        assert (caught.value.check, caught.value.line, caught.value.column) == ("AERP-L011", *_mark(first_too_deep))


TIGHT = Limits(max_bytes=1 << 20, max_depth=4, max_nodes=100, max_string_length=3, max_number_length=3)
FIRST_DEFECTS = [
    # (text, limits, check, line, column, message)
    ("a: 1\na: 2\nb: [1,\n", LIMITS, "AERP-L005", 2, 1, "duplicate key `a` in the same mapping"),
    ("a: &x 1\nb: !t 2\n", LIMITS, "AERP-L006", 1, 4, "YAML anchors are not allowed (`&x`)"),
    ("a: !t &x 1\n", LIMITS, "AERP-L006", 1, 4, "YAML anchors are not allowed (`&x`)"),
    ("a: [1, !!str 2]\n", LIMITS, "AERP-L007", 1, 8, "YAML tags are not allowed (`tag:yaml.org,2002:str`)"),
    ("- a\n- *a\n", LIMITS, "AERP-L006", 2, 3, "YAML aliases are not allowed (`*a`)"),
    ("a: {b: 1, <<: 2}\n", LIMITS, "AERP-L006", 1, 11, "YAML merge keys (<<) are not allowed"),
    ("a: 1e400\nb: .inf\n", LIMITS, "AERP-L009", 1, 4, None),
    ("a: -.INF\n", LIMITS, "AERP-L009", 1, 4, "numbers must be finite; `-.INF` is not"),
    ("1: x\n", LIMITS, "AERP-L008", 1, 1, "mapping keys must be strings; `1` is read as a number"),
    ("a: 1\nnull: x\n", LIMITS, "AERP-L008", 2, 1, "mapping keys must be strings; `null` is read as null"),
    ("{a: 1, TRUE: x}", LIMITS, "AERP-L008", 1, 8, "mapping keys must be strings; `TRUE` is read as a boolean"),
    ("? \n: x\n", LIMITS, "AERP-L008", 1, 2, "mapping keys must be strings; `` is read as null"),
    ("? [a]\n: 1\n", LIMITS, "AERP-L008", 1, 3, "mapping keys must be strings, not collections"),
    ("a: 1\n--- \nb: 2\n", LIMITS, "AERP-L010", 2, 1, "the file holds more than one YAML document"),
    ("abcd: 1\n", TIGHT, "AERP-L011", 1, 1, "a key is longer than the string limit"),
    ('"abcd": 1\n', TIGHT, "AERP-L011", 1, 1, "a key is longer than the string limit"),
    ("1234: x\n", TIGHT, "AERP-L011", 1, 1, "a number written with 4 characters exceeds the limit of 3"),
    ("a: 12345\n", TIGHT, "AERP-L011", 1, 4, "a string of 5 characters exceeds the limit of 3"),
    ("a: 1234\n", dataclasses.replace(TIGHT, max_string_length=9), "AERP-L011", 1, 4, None),
    ("a: [[[[1]]]]\n", TIGHT, "AERP-L011", 1, 7, "the document nests deeper than 4 levels"),
    ("a: {b: 1, b: 2}\nc: &x 1\n", LIMITS, "AERP-L005", 1, 11, None),
    ("a: 1\nb: [1, 2\nc: &x 1\n", LIMITS, "AERP-L004", 3, 2, None),
    ("# nothing\n", LIMITS, "AERP-L003", 1, 1, "the file holds no YAML document"),
    ("~\n", LIMITS, "AERP-L003", 1, 1, "the document is null: it holds no submission"),
]


@pytest.mark.parametrize(("text", "limits", "check", "line", "column", "message"), FIRST_DEFECTS)
def test_first_defects(text: str, limits: Limits, check: str, line: int, column: int, message: str | None) -> None:
    with pytest.raises(LoadError) as caught:
        read_yaml(text, limits)
    assert (caught.value.check, caught.value.line, caught.value.column) == (check, line, column)
    if message is not None:
        assert caught.value.message == message


def test_plain_scalars_mean_what_the_core_schema_says() -> None:
    text = "a: 0x1F\nb: 0o17\nc: 017\nd: -.5\ne: 5.\nf: +.5e3\ng: '1'\nh: 1_0\ni: no\nj: 2026-01-31\nk:\nl: Null\n"
    data = read_yaml(text, LIMITS).data
    assert typed(data) == typed(yaml.load(text, Loader=CoreLoader))
    assert data == {
        "a": 31,
        "b": 15,
        "c": 17,
        "d": -0.5,
        "e": 5.0,
        "f": 500.0,
        "g": "1",
        "h": "1_0",
        "i": "no",
        "j": "2026-01-31",
        "k": None,
        "l": None,
    }
    assert [data[k].text for k in "def"] == ["-.5", "5.", "+.5e3"]
