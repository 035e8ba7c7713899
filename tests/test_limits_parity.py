"""JSON and YAML are one format to the validator: the same data gets the same findings in either syntax.

Each document is built once, as data, and written as JSON (indented and compact) and as YAML
(block and flow style, and by PyYAML's emitter). All of them must get the same verdict and the
same check ids, also exactly at each bound of protocol.yaml `limits` (accepted) and one past it
(refused, with the same check), and for numbers beyond IEEE 754 binary64.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp.findings import FileResult
from aerp.json_reader import read_json
from aerp.pipeline import default_limits, validate_file
from aerp.yaml_reader import read_yaml
from conftest import SUITE
from helpers import core_yaml

LIMITS = default_limits()


class Literal(str):
    """A number written exactly as given (more digits than a float's repr keeps)."""


# ---- writers: one document, several syntaxes -------------------------------------------------

_JSON_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(text: str) -> str:
    written = json.dumps(text, ensure_ascii=False)  # odd characters written raw, as UTF-8
    return _JSON_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", written)  # a lone surrogate has no UTF-8


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


def to_json(value: Any, indent: int | None) -> str:
    def write(node: Any, depth: int) -> str:
        scalar = _number(node)
        if scalar is not None:
            return scalar
        if isinstance(node, str):
            return _json_string(node)
        pad, inner = ("", "") if indent is None else ("\n" + " " * indent * depth, "\n" + " " * indent * (depth + 1))
        if isinstance(node, dict):
            if not node:
                return "{}"
            members = [f"{inner}{_json_string(k)}: {write(v, depth + 1)}" for k, v in node.items()]
            return "{" + ",".join(members) + pad + "}"
        if not node:
            return "[]"
        return "[" + ",".join(f"{inner}{write(item, depth + 1)}" for item in node) + pad + "]"

    return write(value, 0) + "\n"


def _printable(code: int) -> bool:
    """Characters YAML takes raw inside double quotes (no line breaks such as U+2028, no byte order mark)."""
    if 0x20 <= code < 0x7F or code >= 0x10000:
        return True
    if 0xA0 <= code <= 0xD7FF:
        return code not in (0x2028, 0x2029)
    return 0xE000 <= code <= 0xFFFD and code != 0xFEFF


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: printable characters raw, the rest escaped as YAML 1.2 allows."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif _printable(code):
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")  # a surrogate too: YAML refuses it, as JSON refuses a lone one
        else:  # pragma: no cover - written raw above
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _yaml_key(key: str) -> str:
    """An implicit key is at most 1024 characters in YAML; a longer one is written as an explicit `? key`."""
    written = _yaml_string(key)
    return written if len(written) < 1000 else f"? {written}\n"


def to_yaml_flow(value: Any) -> str:
    def write(node: Any) -> str:
        scalar = _number(node)
        if scalar is not None:
            return scalar
        if isinstance(node, str):
            return _yaml_string(node)
        if isinstance(node, dict):
            return "{" + ", ".join(f"{_yaml_key(k)}: {write(v)}" for k, v in node.items()) + "}"
        return "[" + ", ".join(write(item) for item in node) + "]"

    return write(value) + "\n"


def to_yaml_block(value: Any) -> str:
    def scalar_or_empty(node: Any) -> str | None:
        written = _number(node)
        if written is not None:
            return written
        if isinstance(node, str):
            return _yaml_string(node)
        if not node:
            return "{}" if isinstance(node, dict) else "[]"
        return None

    def write(node: Any, indent: int) -> list[str]:
        pad = " " * indent
        lines: list[str] = []
        if isinstance(node, dict):
            for key, item in node.items():
                head = _yaml_key(key)
                inline = scalar_or_empty(item)
                if head.startswith("? "):
                    lines.append(pad + head.rstrip("\n"))
                    head = ""
                if inline is not None:
                    lines.append(f"{pad}{head}: {inline}")
                else:
                    lines.append(f"{pad}{head}:")
                    lines.extend(write(item, indent + 2))
        else:
            for item in node:
                inline = scalar_or_empty(item)
                if inline is not None:
                    lines.append(f"{pad}- {inline}")
                else:
                    lines.append(f"{pad}-")
                    lines.extend(write(item, indent + 2))
        return lines

    inline = scalar_or_empty(value)
    return (inline if inline is not None else "\n".join(write(value, 0))) + "\n"


def to_pyyaml(value: Any, flow: bool) -> str:
    return core_yaml(value, flow, sort_keys=True)


WRITERS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "json-indented": ("json", lambda v: to_json(v, 2)),
    "json-compact": ("json", lambda v: to_json(v, None)),
    "yaml-block": ("yaml", to_yaml_block),
    "yaml-flow": ("yaml", to_yaml_flow),
}


def _has_literal(value: Any) -> bool:
    if isinstance(value, Literal):
        return True
    if isinstance(value, dict):
        return any(_has_literal(v) for v in value.values())
    return isinstance(value, list) and any(_has_literal(v) for v in value)


def writings(value: Any, pad_to: int | None = None) -> dict[str, tuple[str, str]]:
    """(file suffix, text) of ``value`` in every syntax; ``pad_to`` fills each with trailing blanks to that size."""
    texts = {name: (suffix, write(value)) for name, (suffix, write) in WRITERS.items()}
    small = len(texts["json-compact"][1]) < 20_000  # PyYAML's emitter is slow on the large documents
    if small and not _has_literal(value) and _surrogate_free(value):
        texts["pyyaml-block"] = ("yaml", to_pyyaml(value, flow=False))
        texts["pyyaml-flow"] = ("yaml", to_pyyaml(value, flow=True))
    if pad_to is not None:
        texts = {
            name: (suffix, text + " " * (pad_to - len(text.encode()) - 1) + "\n")
            for name, (suffix, text) in texts.items()
        }
    return texts


def _padded(text: str, size: int) -> str:
    """``text`` with trailing blanks, which neither syntax reads as data, up to ``size`` bytes."""
    return text + " " * (size - len(text.encode()) - 1) + "\n"


def _surrogate_free(value: Any) -> bool:
    """PyYAML's emitter cannot write a lone surrogate: such data goes through the hand-written writers only."""
    if isinstance(value, str):
        return not _JSON_SURROGATE.search(value)
    if isinstance(value, dict):
        return all(_surrogate_free(k) and _surrogate_free(v) for k, v in value.items())
    return not isinstance(value, list) or all(_surrogate_free(v) for v in value)


# ---- verdicts --------------------------------------------------------------------------------


def validate_all(
    folder: Path, value: Any, pad_to: int | None = None, only: tuple[str, ...] | None = None
) -> dict[str, FileResult]:
    """Each writing of ``value`` validated as a file (``only``: those writings alone)."""
    results = {}
    for name, (suffix, text) in writings(value, pad_to).items():
        if only and name not in only:
            continue
        path = folder / f"{name}.{suffix}"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        results[name] = validate_file(path, limits=LIMITS)
    return results


def outcome(result: FileResult) -> tuple[str, list[tuple[str, str]]]:
    """The verdict and the findings as (check, place); a load finding has no place but its check."""
    return result.verdict.value, sorted((f.check, f.pointer) for f in result.findings)


def assert_one_outcome(results: dict[str, FileResult]) -> tuple[str, list[tuple[str, str]]]:
    outcomes = {name: outcome(result) for name, result in results.items()}
    first = next(iter(outcomes.values()))
    assert all(o == first for o in outcomes.values()), outcomes
    return first


def assert_read(results: dict[str, FileResult]) -> None:
    verdict, findings = assert_one_outcome(results)
    assert verdict != "unreadable", findings
    assert not [check for check, _ in findings if check.startswith("AERP-L")], findings


def assert_refused(results: dict[str, FileResult], check: str) -> None:
    verdict, findings = assert_one_outcome(results)
    assert (verdict, [c for c, _ in findings]) == ("unreadable", [check])


# ---- at each limit, and one past it ----------------------------------------------------------


def nested(kind: str, depth: int) -> Any:
    """``depth`` mappings (or sequences) nested in one another, a scalar in the innermost."""
    value: Any = 1
    for _ in range(depth):
        value = {"a": value} if kind == "mapping" else [value]
    return value


@pytest.mark.parametrize("kind", ["mapping", "sequence"])
def test_depth_at_and_past_the_limit(tmp_path: Path, kind: str) -> None:
    assert_read(validate_all(tmp_path, nested(kind, LIMITS.max_depth)))
    assert_refused(validate_all(tmp_path, nested(kind, LIMITS.max_depth + 1)), "AERP-L011")


def with_nodes(count: int) -> dict[str, Any]:
    """A mapping of exactly ``count`` nodes: the mapping, each key and each value count one."""
    members = (count - 2) // 2
    document: dict[str, Any] = {f"k{i}": i for i in range(members - 1)}
    document["last"] = list(range(count - 1 - 2 * members))  # the last member's value: a list and its items
    assert 1 + 2 * members + len(document["last"]) == count
    return document


def test_node_count_at_and_past_the_limit_counts_keys_in_both(tmp_path: Path) -> None:
    styles = ("json-compact", "yaml-block", "yaml-flow")  # 200,000 nodes: the slowest writings left out
    assert_read(validate_all(tmp_path, with_nodes(LIMITS.max_nodes), only=styles))
    # one past: a mapping of 99,999 members, the keys counted as nodes in JSON as in YAML
    assert_refused(validate_all(tmp_path, with_nodes(LIMITS.max_nodes + 1), only=styles), "AERP-L011")


@pytest.mark.parametrize("char", ["x", "é", "\U0001d11e", "\u2028"])
@pytest.mark.parametrize("where", ["value", "key"])
def test_string_length_at_and_past_the_limit(tmp_path: Path, char: str, where: str) -> None:
    def document(length: int) -> dict[str, Any]:
        text = char * length
        return {text: 1} if where == "key" else {"note": text}

    assert_read(validate_all(tmp_path, document(LIMITS.max_string_length)))
    assert_refused(validate_all(tmp_path, document(LIMITS.max_string_length + 1)), "AERP-L011")


@pytest.mark.parametrize("sign", ["", "-"])
def test_number_length_at_and_past_the_limit(tmp_path: Path, sign: str) -> None:
    def number(length: int) -> Literal:
        return Literal(sign + "0." + "1" * (length - 2 - len(sign)))

    assert_read(validate_all(tmp_path, {"value": number(LIMITS.max_number_length)}))
    assert_refused(validate_all(tmp_path, {"value": number(LIMITS.max_number_length + 1)}), "AERP-L011")


LARGEST = int(sys.float_info.max)


@pytest.mark.parametrize(
    ("within", "beyond"),
    [
        (LARGEST, LARGEST + 1),  # integers: the largest binary64, and one more
        (-LARGEST, -LARGEST - 1),
        (Literal("1.7976931348623157e308"), Literal("1.7976931348623159e308")),  # float() rounds the second down
        (Literal(str(10**308)), Literal("1" + "0" * 309)),
        (Literal("1e308"), Literal("1e309")),
    ],
)
def test_numbers_beyond_binary64_are_refused_in_both(tmp_path: Path, within: Any, beyond: Any) -> None:
    assert_read(validate_all(tmp_path, {"value": within}))
    assert_refused(validate_all(tmp_path, {"value": beyond}), "AERP-L009")
    result = validate_file(tmp_path / "json-compact.json", limits=LIMITS)
    assert "binary64" in result.findings[0].message


def test_a_huge_integer_in_a_submission_is_one_finding_not_a_crash(tmp_path: Path) -> None:
    document = submission(SUITE / "conformant" / "text-to-image-stable-diffusion-xl-base-1.0.yaml")
    document["dataset"]["queries"] = 10**350  # within max_number_length, beyond binary64
    for result in validate_all(tmp_path, document).values():
        assert [f.check for f in result.findings] == ["AERP-L009"]


def test_file_size_at_and_past_the_limit(tmp_path: Path) -> None:
    document = {"aerp_version": "1.0.0", "note": "é\U0001d11e"}
    at = validate_all(tmp_path, document, pad_to=LIMITS.max_bytes)
    assert {p.stat().st_size for p in tmp_path.iterdir()} == {LIMITS.max_bytes}
    assert_read(at)
    assert_refused(validate_all(tmp_path, document, pad_to=LIMITS.max_bytes + 1), "AERP-L011")


@pytest.mark.parametrize("where", ["value", "key"])
def test_a_lone_surrogate_is_not_unicode_in_both(tmp_path: Path, where: str) -> None:
    text = "a\ud800b"
    assert_refused(validate_all(tmp_path, {text: 1} if where == "key" else {"note": text}), "AERP-L002")


def test_a_null_document_holds_no_submission_in_both(tmp_path: Path) -> None:
    assert_refused(validate_all(tmp_path, None), "AERP-L003")


# ---- any JSON-like document ------------------------------------------------------------------

ODD_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(["\x00", "\x1b", "\x85", "\u2028", "\ufeff", "\ufffe", "\U0010ffff", '"', "\\", ":", "#"]),
    max_size=12,
) | st.sampled_from(["", "~", "null", "true", "no", "1e3", "0x1F", "0o17", "<<", "- x", "a: b", "2026-01-31", "1_0"])
NUMBERS = (
    st.integers(-(10**20), 10**20)
    | st.integers(LARGEST - 2, LARGEST + 2)
    | st.floats(allow_nan=False, allow_infinity=False)
)
JSON_LIKE = st.recursive(
    st.none() | st.booleans() | NUMBERS | ODD_TEXT | st.just("\ud800"),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ODD_TEXT, children, max_size=4),
    max_leaves=12,
)


def submission(path: Path) -> Any:
    """A reference submission as plain JSON data (the validator's own reader: YAML 1.2, no dates)."""
    read = read_json if path.suffix == ".json" else read_yaml
    return json.loads(json.dumps(read(path.read_text(encoding="utf-8"), LIMITS).data))


SUBMISSIONS = [submission(p) for p in sorted((SUITE / "conformant").iterdir())[:6]]


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """Any JSON-like value, or a reference submission with one member replaced by one."""
    if draw(st.booleans()):
        return draw(JSON_LIKE)
    document = json.loads(json.dumps(draw(st.sampled_from(SUBMISSIONS))))  # a fresh copy to change
    parent = document
    for _ in range(draw(st.integers(0, 2))):
        children = [k for k, v in parent.items() if isinstance(v, dict)]
        if not children:
            break
        parent = parent[draw(st.sampled_from(children))]
    parent[draw(st.sampled_from([*parent, "extra"]))] = draw(JSON_LIKE)
    return document


def load_defects(value: Any) -> int:
    """How many things in ``value`` a reader refuses (lone surrogates, numbers beyond binary64)."""
    if isinstance(value, str):
        return int(bool(_JSON_SURROGATE.search(value)))
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(abs(value) > sys.float_info.max)
    if isinstance(value, dict):
        return sum(load_defects(k) + load_defects(v) for k, v in value.items())
    return sum(load_defects(v) for v in value)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_any_document_gets_the_same_findings_in_json_and_yaml(
    tmp_path_factory: pytest.TempPathFactory, value: Any
) -> None:
    """The same verdict and findings; with two refusals in a row, the same verdict and either refusal.

    A reader reports the first defect in document order. YAML's scanner reads one token ahead,
    so in flow style an escape that is not a character, right after another refused value, is
    met first; the file is unreadable either way.
    """
    styles = ("json-compact", "yaml-block", "yaml-flow", "pyyaml-block", "pyyaml-flow")
    results = validate_all(tmp_path_factory.mktemp("parity"), value, only=styles)
    if load_defects(value) <= 1:
        assert_one_outcome(results)
        return
    outcomes = {name: outcome(result) for name, result in results.items()}
    assert {verdict for verdict, _ in outcomes.values()} == {"unreadable"}, outcomes
    assert {len(findings) for _, findings in outcomes.values()} == {1}, outcomes
    assert {findings[0][0] for _, findings in outcomes.values()} <= {"AERP-L002", "AERP-L009"}, outcomes
