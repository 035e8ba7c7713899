"""The requirements of the specification text, read from its markdown.

Every requirement is one line, ``<a id="REQ-X-n"></a>**REQ-X-n** sentence``, optionally
followed by a line ``*Verification (review):* reason`` when no machine can check it. This
module reads them so that the checks, the traceability matrix and the tests can refer to
the normative text itself rather than to a copy of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aerp.protocol import data_root

_REQUIREMENT = re.compile(r'^<a id="(?P<anchor>REQ-[A-Z]+-\d+)"></a>\*\*(?P<id>REQ-[A-Z]+-\d+)\*\* (?P<text>.+)$')
_REVIEW = re.compile(r"^\*Verification \(review\):\* (?P<reason>.+)$")
_SECTION = re.compile(r"^(?P<hashes>#{2,4}) (?P<title>.+)$")
# BCP 14 keywords (AERP 1.0) and the verbal forms of ISO/IEC Directives Part 2 (from AERP 1.1),
# longest first so that "shall not" is not read as "shall".
_LEVELS = ("MUST NOT", "SHOULD NOT", "MUST", "SHOULD", "MAY", "shall not", "should not", "shall", "should", "may")
_MANDATORY = {"MUST", "MUST NOT", "shall", "shall not"}


@dataclass(frozen=True)
class Requirement:
    id: str
    anchor: str
    level: str
    section: str
    text: str
    review: str | None
    line: int


def spec_path(version: str = "1.0") -> Path:
    return data_root() / "spec" / version / f"aerp-{version}.md"


def level_of(sentence: str) -> str | None:
    for level in _LEVELS:
        if re.search(rf"\b{level}\b", sentence):
            return level
    return None


def mandatory(level: str) -> bool:
    """True for a requirement proper (MUST, MUST NOT; shall, shall not), as against a recommendation or permission."""
    return level in _MANDATORY


def read_requirements(version: str = "1.0") -> list[Requirement]:
    lines = spec_path(version).read_text(encoding="utf-8").splitlines()
    found: list[Requirement] = []
    section = ""
    for number, line in enumerate(lines, start=1):
        heading = _SECTION.match(line)
        if heading:
            section = heading.group("title")
            continue
        match = _REQUIREMENT.match(line)
        if not match:
            continue
        review = None
        if number < len(lines):
            note = _REVIEW.match(lines[number])
            review = note.group("reason") if note else None
        found.append(
            Requirement(
                id=match.group("id"),
                anchor=match.group("anchor"),
                level=level_of(match.group("text")) or "",
                section=section,
                text=match.group("text"),
                review=review,
                line=number,
            )
        )
    return found
