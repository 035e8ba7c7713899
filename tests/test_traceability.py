"""Traceability: every requirement is shown by a check, the schema, a validator test or a reviewer."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aerp.protocol import minor_versions
from aerp.registry import all_checks
from aerp.requirements import mandatory, read_requirements
from aerp.traceability import as_markdown, matrix, verification
from conftest import ROOT
from helpers import CLEAN, check

TESTS = Path(__file__).resolve().parent
ROWS = matrix("1.0")
EDITIONS = minor_versions()


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_mandatory_requirement_is_shown(edition: str) -> None:
    unshown = [r.id for r in matrix(edition) if mandatory(r.level) and not r.shown]
    assert unshown == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_check_of_the_edition_with_a_reference_case_is_in_the_matrix(edition: str) -> None:
    rows = matrix(edition)
    shown = {c for r in rows for c in r.checks}
    assert {c.id for c in all_checks() if not c.retired and c.applies_to(edition)} <= shown
    excused = {"AERP-L001", "AERP-T020"}  # listed as not covered by a case, with the reason, in the manifests
    assert all(r.cases for r in rows if set(r.checks) - excused), [r.id for r in rows if not r.cases and r.checks]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_test_named_as_evidence_exists(edition: str) -> None:
    known = {r.id for e in EDITIONS for r in read_requirements(e)}
    for requirement, entry in verification().items():
        assert requirement in known, requirement
        for name in entry.get("tests", []):
            module, _, function = name.partition("::")
            path = TESTS / module
            assert path.exists(), name
            if function:
                functions = {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
                assert function in functions, name


@pytest.mark.parametrize("edition", EDITIONS)
def test_severities_follow_requirement_levels(edition: str) -> None:
    levels = {r.id: r.level for r in read_requirements(edition)}
    for entry in all_checks():
        if not entry.applies_to(edition):
            continue
        level = levels[entry.requirement]
        expected = "error" if mandatory(level) else "warning"
        assert entry.severity.value == expected, (entry.id, entry.requirement, level)


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_published_matrix_is_current(edition: str) -> None:
    published = (ROOT / "spec" / edition / "traceability.md").read_text(encoding="utf-8")
    assert published == as_markdown(matrix(edition), edition)


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
