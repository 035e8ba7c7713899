"""The schema stage's fast path changes no finding.

jsonschema-rs decides whether a document passes the schema; jsonschema runs only to explain a
document that fails (:mod:`aerp.checks.schema`), and skips the subtrees in which jsonschema-rs
finds no error. That is sound only if jsonschema-rs never
passes a document jsonschema rejects, and the findings of a file must be exactly what the
pure-Python path gives. So every file of every edition's suite, and documents mutated at random
from the conformant ones (the idea of tests/test_properties.py, with mutations aimed at where
two JSON Schema libraries could part: patterns, dates, integers, equal items), is validated
both ways and the FileResults compared. Where jsonschema-rs cannot be imported the validator
falls back to the pure-Python path with the same findings; that is tested too, as is the
memo of unit conversions that spares the semantic checks a decimal parse per use.
"""

from __future__ import annotations

import contextlib
import copy
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aerp.checks.schema as schema_stage
from aerp import quantities
from aerp.exact import Written
from aerp.findings import FileResult
from aerp.load import Document, LoadError, decode, guess_format, load_text, read_bytes
from aerp.pipeline import default_limits, validate_document, validate_file
from aerp.protocol import load_minor
from conftest import EDITIONS, ROOT, suite
from helpers import mutate

LIMITS = default_limits()
RUST = schema_stage._fast_validator("1.0") is not None
needs_rust = pytest.mark.skipif(not RUST, reason="jsonschema-rs is not installed: there is no fast path to compare")


@contextlib.contextmanager
def slow_path() -> Iterator[None]:
    """Every document goes to jsonschema, as without jsonschema-rs.

    A context manager, not monkeypatch: hypothesis tests take no function-scoped fixtures.
    """
    original, pruning = schema_stage.passes, schema_stage._known_valid
    schema_stage.passes = lambda data, version: False
    schema_stage._known_valid = lambda instance, schema: False  # jsonschema walks every subtree too
    try:
        yield
    finally:
        schema_stage.passes, schema_stage._known_valid = original, pruning


def suite_files() -> list[Any]:
    return [
        pytest.param(path, id=f"{edition}/{path.relative_to(suite(edition)).as_posix()}")
        for edition in EDITIONS
        for path in sorted(p for p in suite(edition).rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    ]


def both_ways(path: Path) -> tuple[FileResult, FileResult]:
    fast = validate_file(path)
    with slow_path():
        slow = validate_file(path)
    return fast, slow


@needs_rust
@pytest.mark.parametrize("path", suite_files())
def test_suite_file_gets_the_same_result_by_both_paths(path: Path) -> None:
    fast, slow = both_ways(path)
    assert fast == slow


def load(path: Path) -> Any:
    text = decode(read_bytes(path, LIMITS.max_bytes))
    return load_text(text, guess_format(path, text), LIMITS).data


def _loadable(path: Path) -> bool:
    try:
        load(path)
    except LoadError:
        return False
    return True


BASES = [
    load(p)
    for edition in EDITIONS
    for p in sorted((suite(edition) / "conformant").iterdir())
    if p.suffix in (".yaml", ".json") and _loadable(p)
]

# Strings near the schema's patterns and formats, where Python's `re` and ECMA-262, or two date
# checkers, could disagree: final newlines, non-ASCII digits, line and unit separators, a
# Cyrillic letter, upper-case hex, impossible and leap-day dates, year 0000.
TRICKY_STRINGS = [
    "1.0.0\n",
    "1.1.0",
    "1.0.٣",
    "２０２６-03-17",
    "2026-03-17\n",
    "2024-02-29",
    "2023-02-29",
    "0000-01-01",
    "2026-13-01",
    "meta/llama\u2028",
    "meta/llama\x1c",
    "meta/llamа",
    "x-vendor\n",
    "x-",
    "decode",
    "Decode",
    "0" * 64,
    "A" * 64,
    "0" * 63 + "\n",
    "kwh",
    "\u043aWh",
    "",
]
TRICKY_NUMBERS: list[Any] = [2**70, -(2**70), -0.0, 0, 1, 1.0, Written("1.0"), Written("1e308"), 1e-300, True, False]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(TRICKY_STRINGS),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A conformant submission of either edition with one to three random changes."""
    return mutate(
        draw(st.sampled_from(BASES)),
        draw,
        ["delete", "retype", "string", "number", "rename", "duplicate", "twin"],
        values=JSON_VALUES,
        strings=TRICKY_STRINGS,
        numbers=TRICKY_NUMBERS,
        names=st.text(min_size=1, max_size=12) | st.sampled_from(TRICKY_STRINGS),
    )


def as_document(data: Any) -> Document:
    return Document(data=data, format="json", _positions={"": (1, 1)})


def outcome(document: Any) -> FileResult | tuple[str, str]:
    """The result of validating ``document``, or the exception a check raised (a validator bug, the same both ways)."""
    try:
        return validate_document(as_document(copy.deepcopy(document)), "mutant.json", None)
    except Exception as exc:
        return type(exc).__name__, str(exc)


@needs_rust
@given(mutated())
def test_mutated_document_gets_the_same_result_by_both_paths(document: Any) -> None:
    fast = outcome(document)
    with slow_path():
        slow = outcome(document)
    assert fast == slow


@needs_rust
@given(mutated())
def test_jsonschema_rs_never_passes_what_jsonschema_rejects(document: Any) -> None:
    """The property the fast path rests on, checked directly: a pass by jsonschema-rs is a pass by jsonschema."""
    minor = minor_of(document)
    if minor in EDITIONS and schema_stage.passes(document, minor):
        assert schema_stage._validator(minor).is_valid(document)


def minor_of(document: Any) -> str:
    """The minor version a document declares ("1.0" of "1.0.0"), or "" when it declares none."""
    version = document.get("aerp_version") if isinstance(document, dict) else None
    return ".".join(version.split(".")[:2]) if isinstance(version, str) else ""


@needs_rust
def test_the_fast_path_is_used_for_every_edition() -> None:
    """A schema change that turned the fast path off (a pattern outside the portable grammar) should be a decision."""
    for edition in EDITIONS:
        assert schema_stage._fast_validator(edition) is not None, edition
    assert schema_stage.passes(BASES[0], minor_of(BASES[0]))


@pytest.fixture
def without_rust(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """jsonschema-rs as if not installed: ``import jsonschema_rs`` raises ImportError."""
    schema_stage._fast_validator.cache_clear()
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    yield
    schema_stage._fast_validator.cache_clear()  # rebuilt with the real module once monkeypatch restores it


FALLBACK_SAMPLE = [
    ROOT / "reference-results" / "1.0" / "conformant" / "text-generation-a-llama-3.1-8b.yaml",
    *sorted((ROOT / "reference-results" / "1.0" / "non-conformant").glob("units-*")),
    *sorted((ROOT / "reference-results" / "1.0" / "non-conformant").glob("schema-*")),
    *sorted((ROOT / "reference-results" / EDITIONS[-1] / "conformant").glob("*"))[:3],
]


def test_without_jsonschema_rs_the_python_path_gives_the_same_findings(without_rust: None) -> None:
    with slow_path():
        expected = [validate_file(path) for path in FALLBACK_SAMPLE]
    assert schema_stage._fast_validator("1.0") is None
    assert not schema_stage.passes(BASES[0], "1.0")
    assert [validate_file(path) for path in FALLBACK_SAMPLE] == expected
    assert any(f.check.startswith(("AERP-S", "AERP-U")) for result in expected for f in result.findings)


def test_a_document_jsonschema_rs_cannot_take_goes_to_jsonschema() -> None:
    """A value of a type the binding refuses (here a Fraction) is decided by jsonschema, not by an exception."""
    document = copy.deepcopy(BASES[0])
    document["model"]["parameters"] = Fraction(1, 2)
    assert not schema_stage.passes(document, "1.0")


@pytest.mark.parametrize(
    ("pattern", "portable"),
    [
        (r"^1\.0\.[0-9]+$", True),
        (r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$", True),
        (r"^x-[a-z0-9][a-z0-9_.-]*$", True),
        (r"^[a-z][a-z0-9_]{0,31}$", True),
        (r"^(ab|cd)+$", True),
        (r"^\d+$", False),  # Unicode digits in Python, ASCII in ECMA-262
        (r"^\w+$", False),
        (r"^\S+$", False),  # U+001C is white space to Python only
        (r"^a.b$", False),  # `.` matches U+2028 in Python only
        (r"^a{,3}$", False),  # a quantifier in Python, literal text in ECMA-262
        (r"^a*+$", False),  # possessive in Python 3.11, an error in ECMA-262
        (r"(?i)^kwh$", False),
        ("^é$", False),
        (r"[[:alpha:]]", False),
    ],
)
def test_portable_pattern_grammar(pattern: str, portable: bool) -> None:
    assert schema_stage._portable_pattern(pattern) is portable


def test_every_pattern_and_format_of_every_edition_is_portable() -> None:
    for edition in EDITIONS:
        published = load_minor(edition).schema
        assert all(schema_stage._portable_pattern(p) for p in schema_stage._keyword_values(published, "pattern"))
        assert set(schema_stage._keyword_values(published, "format")) <= schema_stage._AGREED_FORMATS


def test_a_conformant_file_is_validated_without_importing_jsonschema() -> None:
    """The cold start of `aerp validate` on a passing file pays for jsonschema-rs only."""
    probe = (
        "import sys\nfrom pathlib import Path\nfrom aerp.pipeline import validate_file\n"
        f"result = validate_file(Path({str(FALLBACK_SAMPLE[0])!r}))\n"
        "print(result.verdict.value, 'jsonschema' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["conformant", "False" if RUST else "True"]


ODD_QUANTITIES: list[Any] = [
    {"value": Written("0.27889"), "unit": "kWh"},
    {"value": Written("278.890"), "unit": "Wh"},
    {"value": 3, "unit": "kWh"},
    {"value": 3.0, "unit": "kWh"},
    {"value": "0.5", "unit": "Wh"},
    {"value": -0.0, "unit": "J"},
    {"value": True, "unit": "Wh"},
    {"value": [1], "unit": "Wh"},
    {"value": float("nan"), "unit": "Wh"},
    {"value": "abc", "unit": "Wh"},
    {"value": 1, "unit": "kwh"},
    {"value": 1, "unit": ["Wh"]},
    {"value": 1},
    {"unit": "Wh"},
    {},
    [1, "Wh"],
    "1 Wh",
]


def _outcome(function: Any, quantity: Any) -> Any:
    try:
        return function(quantity, "energy", load_minor("1.0"))
    except Exception as exc:
        return (type(exc), str(exc))


@pytest.mark.parametrize("quantity", ODD_QUANTITIES, ids=repr)
def test_remembered_conversion_is_the_conversion(quantity: Any) -> None:
    """The memo returns what converting gives, and raises what converting raises, the first time and after."""
    quantities.forget_conversions()
    expected = _outcome(quantities._convert, quantity)
    assert _outcome(quantities.exact_canonical, quantity) == expected
    assert _outcome(quantities.exact_canonical, quantity) == expected


def test_written_text_not_float_value_keys_the_memo() -> None:
    """Two decimals that round to one double are two exact values: the memo must not confuse them."""
    quantities.forget_conversions()
    near = Written("0.1000000000000000055511151231257827")
    protocol = load_minor("1.0")
    first = quantities.exact_canonical({"value": Written("0.1"), "unit": "Wh"}, "energy", protocol)
    second = quantities.exact_canonical({"value": near, "unit": "Wh"}, "energy", protocol)
    assert float(near) == 0.1 and first != second
    assert first == Fraction(1, 10)


def test_the_memo_holds_one_file_and_stays_bounded() -> None:
    validate_file(FALLBACK_SAMPLE[0])
    assert 0 < len(quantities._CONVERSIONS) <= quantities._MAX_CONVERSIONS
    protocol = load_minor("1.0")
    for index in range(quantities._MAX_CONVERSIONS + 10):
        quantities.exact_canonical({"value": index, "unit": "Wh"}, "energy", protocol)
    assert len(quantities._CONVERSIONS) <= quantities._MAX_CONVERSIONS
    quantities.forget_conversions()
    assert not quantities._CONVERSIONS
