"""Traceability: every requirement is shown by a check, the schema, a validator test or a reviewer."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from aerp.registry import all_checks
from aerp.requirements import read_requirements
from aerp.traceability import as_markdown, matrix, verification
from conftest import ROOT
from helpers import CLEAN, check

TESTS = Path(__file__).resolve().parent
ROWS = matrix("1.0")


def test_every_must_requirement_is_shown() -> None:
    unshown = [r.id for r in ROWS if r.level.startswith("MUST") and not r.shown]
    assert unshown == []


def test_every_check_with_a_reference_case_is_in_the_matrix() -> None:
    shown = {c for r in ROWS for c in r.checks}
    assert {c.id for c in all_checks() if not c.retired} <= shown
    assert all(r.cases for r in ROWS if set(r.checks) - {"AERP-L001"})


def test_every_test_named_as_evidence_exists() -> None:
    known = {r.id for r in read_requirements()}
    for requirement, entry in verification().items():
        assert requirement in known, requirement
        for name in entry.get("tests", []):
            module, _, function = name.partition("::")
            path = TESTS / module
            assert path.exists(), name
            if function:
                functions = {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
                assert function in functions, name


def test_severities_follow_requirement_levels() -> None:
    levels = {r.id: r.level for r in read_requirements()}
    for entry in all_checks():
        level = levels[entry.requirement]
        expected = "error" if level.startswith("MUST") else "warning"
        assert entry.severity.value == expected, (entry.id, entry.requirement, level)


def test_the_published_matrix_is_current() -> None:
    assert (ROOT / "spec" / "1.0" / "traceability.md").read_text(encoding="utf-8") == as_markdown(ROWS, "1.0")


@given(
    st.sampled_from(sorted(CLEAN)),
    st.dictionaries(
        st.from_regex(r"x-[a-z][a-z0-9_.-]{0,8}", fullmatch=True),
        st.recursive(st.none() | st.integers() | st.text(max_size=8), lambda c: st.lists(c, max_size=3), max_leaves=5),
        max_size=3,
    ),
)
def test_extensions_never_change_a_verdict(name: str, extensions: dict) -> None:
    document = copy.deepcopy(CLEAN[name])
    document["extensions"] = extensions
    before, after = check(CLEAN[name]), check(document)
    assert [(f.check, f.pointer) for f in after.findings] == [(f.check, f.pointer) for f in before.findings]
