"""Deleting any member of a conformant reference result, of either edition, gives a report, never a crash.

A check reads more than the members it declares when it calls a shared analysis (the consistency
analysis, the rated metric); a missing member there once made the validator fail on a user's file.
Every deletion of a member down to the first repetition is tried, in a file of each edition.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from aerp.load import Document
from aerp.pipeline import validate_document
from conftest import suite
from helpers import load, paths

FILES = [
    suite("1.0") / "conformant" / "text-generation-a-llama-3.1-8b.yaml",
    suite("1.1") / "conformant" / "evidence-trace-consistent.yaml",
    suite("1.1") / "conformant" / "levels-node-wall-facility.yaml",
    suite("1.1") / "conformant" / "open-cpu-only.json",
]


def _deletable(document: dict[str, Any]) -> list[tuple]:
    """Every path of the document except inside repetitions after the first (they repeat the first's shape)."""
    return [
        p
        for p in paths(document)
        if p and not (len(p) > 2 and p[:2] == ("results", "repetitions") and isinstance(p[2], int) and p[2] > 0)
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_deleting_any_member_gives_a_report(path: Path) -> None:
    document = load(path)
    for target in _deletable(document):
        mutated = copy.deepcopy(document)
        parent = mutated
        for step in target[:-1]:
            parent = parent[step]
        del parent[target[-1]]
        result = validate_document(Document(data=mutated, format="json", _positions={"": (1, 1)}), "x.json", None)
        assert result.verdict.value in ("conformant", "non-conformant"), target
        assert all(f.requirement.startswith("REQ-") for f in result.findings), target
