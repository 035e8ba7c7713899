"""The normative text and the validator agree: every check enforces a requirement that exists."""

from __future__ import annotations

import re
from collections import Counter

from aerp.registry import all_checks
from aerp.requirements import read_requirements, spec_path

TEXT = spec_path().read_text(encoding="utf-8")
REQUIREMENTS = read_requirements()
BCP14 = (
    'The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", '
    '"RECOMMENDED", "NOT RECOMMENDED", "MAY", and "OPTIONAL" in this document are to be interpreted as '
    "described in BCP 14 [RFC2119] [RFC8174] when, and only when, they appear in all capitals, as shown here."
)


def test_bcp14_sentence_and_revision_history() -> None:
    assert BCP14 in TEXT
    assert "## Appendix A: Revision history" in TEXT and "| 1.0.0 |" in TEXT


def test_requirement_ids_are_unique_and_anchored() -> None:
    counts = Counter(r.id for r in REQUIREMENTS)
    assert [i for i, n in counts.items() if n > 1] == []
    assert all(r.id == r.anchor for r in REQUIREMENTS)
    mentioned = set(re.findall(r"\*\*(REQ-[A-Z]+-\d+)\*\*", TEXT))
    assert mentioned == set(counts)


def test_every_requirement_states_one_level() -> None:
    assert all(r.level in ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY") for r in REQUIREMENTS)


def test_every_check_names_a_requirement_of_the_spec() -> None:
    known = {r.id for r in REQUIREMENTS}
    assert [(c.id, c.requirement) for c in all_checks() if c.applies_to("1.0") and c.requirement not in known] == []


def test_every_requirement_reference_in_the_text_exists() -> None:
    known = {r.id for r in REQUIREMENTS}
    assert sorted(set(re.findall(r"REQ-[A-Z]+-\d+", TEXT)) - known) == []


def test_section_anchors_the_schema_links_to_exist() -> None:
    from aerp.protocol import load_minor

    anchors = set(re.findall(r'<a id="([^"]+)"></a>', TEXT))
    linked = set(re.findall(r"#([a-z-]+)", str(load_minor("1.0").schema)))
    assert linked - anchors == set()
