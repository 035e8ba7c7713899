"""The form of the AERP 1.1 text: the drafting rules of an international standard.

AERP 1.1 is drafted in the verbal forms of the ISO/IEC Directives, Part 2 ("shall", "should",
"may", "can") and arranged as an international standard: Foreword, Introduction, 1 Scope,
2 Normative references, 3 Terms and definitions, 4 Symbols and abbreviated terms, the technical
clauses, annexes marked (normative) or (informative), Bibliography. These tests read the
Markdown source and check that form, and that every requirement of AERP 1.0 is either carried
over under its identifier or withdrawn with a replacement that exists.

`aerp.requirements.read_requirements` finds the requirement paragraphs of either edition; it
knows only the BCP 14 levels of 1.0, so the ISO verbal form of each 1.1 requirement is read here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pytest

from aerp.requirements import read_requirements, spec_path

TEXT = spec_path("1.1").read_text(encoding="utf-8")
LINES = TEXT.splitlines()
REQUIREMENTS = read_requirements("1.1")
IDS = {r.id for r in REQUIREMENTS}
REQUIREMENTS_1_0 = read_requirements("1.0")

# The requirements that AERP 1.1 adds (the edition's design); each is a requirement paragraph.
NEW_IN_1_1 = {
    "REQ-LEVEL-1", "REQ-LEVEL-2", "REQ-LEVEL-3", "REQ-LEVEL-4", "REQ-LEVEL-5", "REQ-LEVEL-6",
    "REQ-PUE-1", "REQ-PUE-2",
    "REQ-COUNT-1", "REQ-COUNT-2",
    "REQ-RUN-11",
    "REQ-TASK-7", "REQ-TASK-8",
    "REQ-MEAS-18", "REQ-MEAS-19", "REQ-MEAS-20",
    "REQ-IDLE-1", "REQ-IDLE-2", "REQ-IDLE-3",
    "REQ-ENV-1",
    "REQ-DIV-5",
    "REQ-PLAUS-9",
    "REQ-CONF-14", "REQ-SEC-11",
    "REQ-UNC-1", "REQ-UNC-2", "REQ-UNC-3", "REQ-UNC-4", "REQ-UNC-5", "REQ-UNC-6", "REQ-UNC-7", "REQ-RATE-6",
    "REQ-EVID-1", "REQ-EVID-2", "REQ-EVID-3", "REQ-EVID-4", "REQ-EVID-5", "REQ-EVID-6", "REQ-EVID-7",
    "REQ-EVID-8", "REQ-EVID-9",
}  # fmt: skip
# The requirements of 1.0 that 1.1 withdraws, and what replaces each.
WITHDRAWN = {
    "REQ-MEAS-1": {"REQ-MEAS-18", "REQ-DIV-5"},
    "REQ-MEAS-16": {"REQ-MEAS-19"},
    "REQ-TASK-4": {"REQ-TASK-8"},
    "REQ-RUN-4": {"REQ-RUN-11"},
    "REQ-CONF-7": {"REQ-CONF-14"},
    "REQ-SEC-6": {"REQ-SEC-11"},
    "REQ-RATE-2": {"REQ-UNC-5"},
    "REQ-RATE-3": {"REQ-RATE-6"},
}

TECHNICAL_CLAUSES = [
    "Conformance",
    "Tasks",
    "Size classes",
    "Divisions",
    "Run procedure",
    "Measurement",
    "Units",
    "Reporting",
    "Consistency",
    "Rating",
    "Disclosure",
    "Plausibility",
    "Provenance and attestation",
    "Versions",
    "Security considerations",
]

REQ_ID = re.compile(r"\bREQ-[A-Z]+-\d+\b")
REQUIREMENT_LINE = re.compile(r'^<a id="(REQ-[A-Z]+-\d+)"></a>\*\*(REQ-[A-Z]+-\d+)\*\* (.+)$')
REVIEW_LINE = re.compile(r"^\*Verification \(review\):\* ")
ANCHOR_LINE = re.compile(r'^<a id="([^"]+)"></a>\s*$')
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")
BCP14 = re.compile(r"\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|OPTIONAL|MAY)\b")
# The verbal forms of a provision: requirement, recommendation, permission (ISO/IEC Directives, Part 2).
PROVISION = re.compile(r"\b(shall|should|may)\b", re.IGNORECASE)
MUST = re.compile(r"\bmust\b", re.IGNORECASE)
NEGATIVE_PERMISSION = re.compile(r"\bmay not\b", re.IGNORECASE)
NOTE = re.compile(r"^(NOTE( \d+)?\b|Note \d+ to entry:)")
EXAMPLE = re.compile(r"^EXAMPLE( \d+)?\b")
CAPTION = re.compile(r"^Table (?P<number>\d+|[A-Z]\.\d+) — (?P<title>.+)$")
LINK = re.compile(r"\]\(#(?P<anchor>[^)\s]+)\)")


@dataclass
class Block:
    """One paragraph, list, table, code block, heading or anchor of the source, with its place."""

    kind: str  # heading, anchor, requirement, paragraph, list, table, code
    lines: list[str]
    start: int  # 1-based line number
    clause: str = ""  # the level-2 heading it is under
    heading: str = ""  # the nearest heading above it
    tags: set[str] = field(default_factory=set)  # note, example

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def parse(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    clause = heading = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        start = i + 1
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            blocks.append(Block("code", lines[i : j + 1], start, clause, heading))
            i = j + 1
            continue
        if line.startswith("    "):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            blocks.append(Block("code", lines[i:j], start, clause, heading))
            i = j
            continue
        if ANCHOR_LINE.match(line):
            blocks.append(Block("anchor", [line], start, clause, heading))
            i += 1
            continue
        match = HEADING.match(line)
        if match:
            heading = match.group(2)
            if len(match.group(1)) <= 2:
                clause = heading
            blocks.append(Block("heading", [line], start, clause, heading))
            i += 1
            continue
        j = i + 1
        while (
            j < len(lines)
            and lines[j].strip()
            and not (lines[j].startswith(("#", "```", "<a id=")) or REQUIREMENT_LINE.match(lines[j]))
        ):
            j += 1
        body = lines[i:j]
        if REQUIREMENT_LINE.match(line):
            kind = "requirement"
        elif line.startswith("|"):
            kind = "table"
        elif re.match(r"^([-*+]|\d+\.) ", line):
            kind = "list"
        else:
            kind = "paragraph"
        blocks.append(Block(kind, body, start, clause, heading))
        i = j
    # Notes and examples: NOTE and EXAMPLE paragraphs, the code block that follows an EXAMPLE
    # paragraph, and everything in a subclause whose title is an example.
    for index, block in enumerate(blocks):
        first = block.lines[0]
        if block.kind == "paragraph" and NOTE.match(first):
            block.tags.add("note")
        if block.kind == "paragraph" and EXAMPLE.match(first):
            block.tags.add("example")
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following.kind == "code":
                following.tags.add("example")
        if block.kind != "heading" and re.search(r"\bExample\b", block.heading):
            block.tags.add("example")
    return blocks


BLOCKS = parse(LINES)


def level_2_headings() -> list[str]:
    return [b.lines[0][3:].strip() for b in BLOCKS if b.kind == "heading" and b.lines[0].startswith("## ")]


def iso_level(sentence: str) -> str:
    """The strongest verbal form of a provision: shall (not), should (not), may."""
    lowered = sentence.lower()
    for level in ("shall not", "shall", "should not", "should", "may"):
        if re.search(rf"\b{level}\b", lowered):
            return level
    return ""


def without_quotes_and_code(text: str) -> str:
    """Prose as a provision reads it: quoted words ("shall") and code spans are mentions, not uses."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r'"[^"\n]*"', " ", text)
    return re.sub(r"“[^”\n]*”", " ", text)


# --- structure ----------------------------------------------------------------------------------


def test_title_and_edition_line() -> None:
    assert LINES[0] == "# AERP 1.1 — AI Energy Rating Protocol"
    assert "Version: 1.1.0 (draft)" in LINES[:6]


def test_clauses_appear_in_iso_order() -> None:
    headings = level_2_headings()
    assert headings[:6] == [
        "Foreword",
        "Introduction",
        "1 Scope",
        "2 Normative references",
        "3 Terms and definitions",
        "4 Symbols and abbreviated terms",
    ]
    assert headings[-1] == "Bibliography"
    body = headings[6:-1]
    numbered = [h for h in body if re.match(r"^\d+ ", h)]
    annexes = [h for h in body if h.startswith("Annex ")]
    assert body == numbered + annexes, "every numbered clause comes before the annexes, and nothing else is there"
    assert [int(h.split()[0]) for h in numbered] == list(range(5, 5 + len(numbered)))
    assert [h.split(" ", 1)[1] for h in numbered] == TECHNICAL_CLAUSES
    assert annexes, "the document has annexes"
    for letter, annex in zip("ABCDEFGHIJ", annexes, strict=False):
        assert re.match(rf"^Annex {letter} \((normative|informative)\) \S", annex), annex


def test_annexes_are_the_catalogue_the_parameters_the_correspondence_and_the_history() -> None:
    annexes = [h for h in level_2_headings() if h.startswith("Annex ")]
    assert annexes == [
        "Annex A (normative) Accelerator catalogue",
        "Annex B (normative) Protocol parameters",
        "Annex C (informative) Correspondence with AI Energy Score outputs",
        "Annex D (informative) Revision history",
        "Annex E (informative) Correspondence with AI bills of materials and model documentation",
    ]
    assert "`spec/1.1/accelerators.yaml`" in TEXT and "`spec/1.1/protocol.yaml`" in TEXT
    assert TEXT.count("supplementary content") >= 3


def test_subclauses_are_numbered_within_their_clause() -> None:
    numbers: dict[str, list[str]] = {}
    for block in BLOCKS:
        if block.kind == "heading" and block.lines[0].startswith("### "):
            title = block.lines[0][4:]
            clause = block.clause.split()[0] if block.clause[:1].isdigit() else block.clause
            prefix = {"Introduction": "0"}.get(clause, clause)
            if clause.startswith("Annex"):
                prefix = block.clause.split()[1]
            match = re.match(r"^(?P<parent>[0-9A-Z]+)\.(?P<n>\d+) \S", title)
            assert match, f"unnumbered subclause {title!r} in {block.clause!r}"
            assert match.group("parent") == prefix, f"{title!r} is in {block.clause!r}"
            numbers.setdefault(prefix, []).append(match.group("n"))
    assert "Foreword" not in numbers and "Bibliography" not in numbers
    for prefix, found in numbers.items():
        assert [int(n) for n in found] == list(range(1, len(found) + 1)), prefix


def test_every_heading_and_requirement_has_an_anchor() -> None:
    anchors = re.findall(r'<a id="([^"]+)"></a>', TEXT)
    assert [a for a, n in Counter(anchors).items() if n > 1] == []
    for index, line in enumerate(LINES):
        if line.startswith("## ") or line.startswith("### "):
            assert index > 0 and ANCHOR_LINE.match(LINES[index - 1]), f"line {index + 1}: {line}"
    assert all(r.id == r.anchor for r in REQUIREMENTS)
    assert Counter(r.id for r in REQUIREMENTS).most_common(1)[0][1] == 1


def test_every_internal_link_resolves() -> None:
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', TEXT))
    links = {m.group("anchor") for m in LINK.finditer(TEXT)}
    assert links, "the text links its cross-references"
    assert sorted(links - anchors) == []


def test_the_schema_links_to_anchors_that_exist() -> None:
    from aerp.protocol import data_root

    schema = data_root() / "schemas" / "1.1" / "submission.schema.json"
    if not schema.exists():
        pytest.skip("no 1.1 schema yet")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', TEXT))
    linked = set(re.findall(r"aerp-1\.1\.html#([A-Za-z0-9-]+)", schema.read_text(encoding="utf-8")))
    assert sorted(linked - anchors) == []


def test_tables_are_numbered_and_captioned() -> None:
    body_numbers = []
    for index, block in enumerate(BLOCKS):
        if block.kind != "table":
            continue
        header = block.lines[0]
        if header.startswith("| Tag |"):  # the lists of references
            assert block.clause in ("2 Normative references", "Bibliography"), block.start
            continue
        caption = BLOCKS[index - 1]
        match = CAPTION.match(caption.lines[0]) if caption.kind == "paragraph" else None
        assert match, f"the table at line {block.start} has no caption"
        number = match.group("number")
        if block.clause.startswith("Annex "):
            assert number.startswith(block.clause.split()[1] + "."), number
        else:
            body_numbers.append(int(number))
    assert body_numbers == list(range(1, len(body_numbers) + 1))
    for number in set(re.findall(r"\bTable (\d+|[A-D]\.\d+)\b", TEXT)):
        assert re.search(rf"^Table {re.escape(number)} — ", TEXT, re.M), f"Table {number} is referred to"


def test_one_sentence_per_line() -> None:
    sentence_break = re.compile(r"[a-z0-9)\]`]\. (?=[A-Z])")
    for block in BLOCKS:
        if block.kind in ("paragraph", "requirement", "list"):
            for offset, line in enumerate(block.lines):
                sentence = re.sub(r"^(\d+\.|[-*+]) ", "", line)
                assert not sentence_break.search(sentence), f"line {block.start + offset}: {line[:120]}"


# --- verbal forms ----------------------------------------------------------------------------------


def test_no_bcp14_keyword_in_capitals() -> None:
    found = [(n, m.group(0)) for n, line in enumerate(LINES, 1) for m in BCP14.finditer(line)]
    assert found == []


def test_every_requirement_uses_an_iso_verbal_form_and_never_must() -> None:
    for requirement in REQUIREMENTS:
        assert iso_level(requirement.text), requirement.id
        assert not MUST.search(requirement.text), requirement.id
        assert not NEGATIVE_PERMISSION.search(requirement.text), f'{requirement.id}: "need not", not "may not"'


def test_no_provision_outside_a_requirement_paragraph() -> None:
    """Every provision is an identified requirement: informative text says "can", "is", "does"."""
    offending = []
    for block in BLOCKS:
        if block.kind in ("code", "anchor", "heading"):
            continue
        lines = block.lines[1:] if block.kind == "requirement" else block.lines
        for offset, line in enumerate(lines, 1 if block.kind == "requirement" else 0):
            prose = without_quotes_and_code(line)
            if PROVISION.search(prose) or MUST.search(prose):
                offending.append(f"line {block.start + offset}: {line[:120]}")
    assert offending == []


def test_no_requirement_id_in_foreword_introduction_scope_notes_or_examples() -> None:
    offending = []
    for block in BLOCKS:
        where = block.clause in ("Foreword", "Introduction", "1 Scope") or block.tags & {"note", "example"}
        if where and block.kind != "anchor" and REQ_ID.search(block.text):
            offending.append(f"line {block.start} ({block.clause}, {sorted(block.tags)}): {block.lines[0][:80]}")
    assert offending == []


def test_notes_and_examples_state_no_provision() -> None:
    tagged = [b for b in BLOCKS if b.tags & {"note", "example"}]
    assert any("note" in b.tags for b in tagged) and any("example" in b.tags for b in tagged)
    for block in tagged:
        prose = without_quotes_and_code(block.text) if block.kind != "code" else ""
        assert not PROVISION.search(prose) and not MUST.search(prose), block.start


def test_no_requirement_in_foreword_introduction_or_scope() -> None:
    for block in BLOCKS:
        if block.clause in ("Foreword", "Introduction", "1 Scope"):
            assert block.kind != "requirement", block.start


def test_the_introduction_carries_the_patent_notice() -> None:
    introduction = "\n".join(b.text for b in BLOCKS if b.clause == "Introduction")
    assert "Attention is drawn to the possibility" in introduction and "patent rights" in introduction


def test_the_foreword_states_the_relation_to_1_0_the_changes_and_the_licences() -> None:
    foreword = "\n".join(b.text for b in BLOCKS if b.clause == "Foreword")
    assert "does not cancel or replace" in foreword and "AERP 1.0 remains valid" in foreword
    assert any(b.kind == "list" for b in BLOCKS if b.clause == "Foreword")
    assert "CC BY 4.0" in foreword and "https://creativecommons.org/licenses/by/4.0/" in foreword
    assert "Apache License, Version 2.0" in foreword and "their own licences" in foreword


# --- requirements: carried over, withdrawn, new -------------------------------------------------------


def withdrawn_table() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    inside = False
    header: list[str] = []
    for block in BLOCKS:
        if block.kind == "heading":
            inside = "Withdrawn requirements" in block.heading
        if inside and block.kind == "table":
            header = [c.strip() for c in block.lines[0].strip("|").split("|")]
            column = header.index("Replaced by")
            for row in block.lines[2:]:
                cells = [c.strip() for c in row.strip("|").split("|")]
                rows[cells[0]] = set(REQ_ID.findall(cells[column]))
    return rows


def test_every_1_0_requirement_is_carried_over_or_withdrawn_with_a_present_replacement() -> None:
    table = withdrawn_table()
    assert table == WITHDRAWN
    for old in REQUIREMENTS_1_0:
        if old.id in table:
            assert old.id not in IDS, f"{old.id} is withdrawn, so it is no longer a requirement"
            assert table[old.id] and table[old.id] <= IDS, old.id
        else:
            assert old.id in IDS, f"{old.id} of AERP 1.0 is neither carried over nor withdrawn"


def test_every_new_requirement_of_the_edition_is_present_and_nothing_else_is_new() -> None:
    assert sorted(NEW_IN_1_1 - IDS) == []
    assert sorted(IDS - NEW_IN_1_1 - {r.id for r in REQUIREMENTS_1_0}) == []


def test_every_requirement_reference_names_a_requirement_of_1_1_or_a_withdrawn_one() -> None:
    mentioned = set(REQ_ID.findall(TEXT))
    assert sorted(mentioned - IDS - set(WITHDRAWN)) == []
    # a withdrawn identifier is named only where the withdrawal is recorded
    for block in BLOCKS:
        if set(REQ_ID.findall(block.text)) & set(WITHDRAWN):
            assert "Withdrawn requirements" in block.heading or block.clause.startswith("Annex D"), block.start


def test_carried_over_requirements_keep_their_review_note() -> None:
    reviewed_1_1 = {r.id for r in REQUIREMENTS if r.review}
    for old in REQUIREMENTS_1_0:
        if old.review and old.id in IDS:
            assert old.id in reviewed_1_1, old.id


def test_carried_over_requirements_keep_their_level() -> None:
    bcp14_to_iso = {
        "MUST": "shall",
        "MUST NOT": "shall not",
        "SHOULD": "should",
        "SHOULD NOT": "should not",
        "MAY": "may",
    }
    levels = {r.id: iso_level(r.text) for r in REQUIREMENTS}
    changed = {
        old.id: (old.level, levels[old.id])
        for old in REQUIREMENTS_1_0
        if old.id in levels and bcp14_to_iso[old.level] != levels[old.id]
    }
    # "No repetition's energy SHOULD lie further ..." of 1.0 is the recommendation "should not" in ISO form.
    assert changed == {"REQ-PLAUS-5": ("SHOULD", "should not")}


def normalised(text: str) -> str:
    """A 1.0 or 1.1 requirement sentence with the differences of form between the editions removed."""
    for bcp14, iso in (("MUST NOT", "shall not"), ("SHOULD NOT", "should not"), ("MUST", "shall"),
                       ("SHOULD", "should"), ("MAY", "may")):  # fmt: skip
        text = re.sub(rf"\b{bcp14}\b", iso, text)
    text = re.sub(r"\[([^\]]+)\]\(#[^)]+\)", r"\1", text)
    text = re.sub(r"\b(?:Section|Clause) (\d+(?:\.\d+)*)", r"\1", text)
    text = re.sub(r"\bTable \d+\b", "Table", text)
    text = text.replace("1,000", "1000").replace("this specification", "this document")
    text = text.replace("mandatory requirement", "requirement").replace("satisfy", "fulfil")
    text = text.replace("authorised", "authorized").replace("serialisation", "serialization")
    return text


# Requirements whose wording differs from 1.0 beyond the change of verbal form, and why the rule is
# the same.
REWORDED = {
    "REQ-CONF-13": "the conformance suite of the edition (reference-results/1.1)",
    "REQ-REPORT-1": "the schema of the edition (schemas/1.1)",
    "REQ-PLAUS-5": "'No ... should lie' becomes '... should not lie', a recommendation stated positively",
    "REQ-PLAUS-8": "the range is written with a unit on each bound",
    "REQ-DISC-4": "'mixture-of-experts' abbreviated as MoE (clause 4)",
}


def test_carried_over_requirements_keep_their_wording_apart_from_the_verbal_form() -> None:
    current = {r.id: normalised(r.text) for r in REQUIREMENTS}
    differing = {old.id for old in REQUIREMENTS_1_0 if old.id in current and normalised(old.text) != current[old.id]}
    assert differing == set(REWORDED)


# --- terms ----------------------------------------------------------------------------------------


def term_entries() -> list[tuple[str, str, str]]:
    entries: list[tuple[str, str, str]] = []
    for block in BLOCKS:
        if block.clause != "3 Terms and definitions" or block.kind == "anchor":
            continue
        if block.kind == "heading" and block.lines[0].startswith("### "):
            number, term = block.lines[0][4:].split(" ", 1)
            entries.append((number, term, ""))
        elif entries and block.kind != "heading":
            number, term, body = entries[-1]
            entries[-1] = (number, term, body + block.text + "\n")
    return entries


def test_every_term_entry_has_a_number_a_definition_and_a_source() -> None:
    entries = term_entries()
    assert len(entries) >= 40
    assert [e[0] for e in entries] == [f"3.{n}" for n in range(1, len(entries) + 1)]
    for number, term, body in entries:
        paragraphs = [p for p in body.split("\n") if p.strip()]
        definition = paragraphs[0]
        assert not definition.startswith(("[", "Note")), f"{number} {term} has no definition"
        assert not definition.endswith("."), f"{number} {term}: a definition is not a sentence"
        source = paragraphs[-1]
        assert re.match(r"^\[SOURCE: .+\]$", source) or source == "[defined in this document]", (number, term)
        assert not PROVISION.search(without_quotes_and_code(body)), (number, term)


def test_the_metrology_terms_cite_the_vim() -> None:
    sources = {term: body.strip().splitlines()[-1] for _, term, body in term_entries()}
    for term, entry in {
        "measurement uncertainty": "2.26",
        "standard uncertainty": "2.30",
        "expanded uncertainty": "2.35",
        "coverage factor": "2.38",
        "calibration": "2.39",
        "metrological traceability": "2.41",
    }.items():
        assert sources[term].startswith(f"[SOURCE: JCGM 200:2012, {entry}"), term
    for term in ("system under test", "idle power", "steady state", "sampling interval", "boundary level",
                 "accelerator level", "node level", "wall level", "facility level", "measurement window"):  # fmt: skip
        assert term in sources, term


def test_the_terms_of_1_0_are_kept() -> None:
    terms = {term for _, term, _ in term_entries()}
    text_1_0 = spec_path("1.0").read_text(encoding="utf-8")
    section = text_1_0.split('<a id="terms"></a>', 1)[1].split('<a id="conformance"></a>', 1)[0]
    old_terms = set(re.findall(r"^\*\*(.+?)\*\* — ", section, re.M))
    assert old_terms and sorted(old_terms - terms) == []


def test_every_abbreviation_and_symbol_is_used() -> None:
    def rows(caption: str) -> list[str]:
        for index, block in enumerate(BLOCKS):
            if block.kind == "table" and BLOCKS[index - 1].lines[0].endswith(caption):
                return [line.strip("|").split("|")[0].strip() for line in block.lines[2:]]
        raise AssertionError(caption)

    elsewhere = "\n".join(b.text for b in BLOCKS if not b.clause.startswith("4 "))
    for abbreviation in rows("— Abbreviated terms"):
        assert re.search(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])", elsewhere), abbreviation
    for symbol in rows("— Symbols"):
        for name in symbol.split(", "):
            assert re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", elsewhere), name


# --- references, numbers, units ----------------------------------------------------------------------


def test_every_citation_is_listed_as_a_normative_or_bibliographic_reference() -> None:
    listed = set(re.findall(r"^\| \[([A-Z][A-Z0-9-]*)\] \|", TEXT, re.M))
    prose = "\n".join(b.text for b in BLOCKS if b.kind != "code")
    prose = re.sub(r"`[^`]*`", "", prose)  # code spans name columns such as `power [W]`, not citations
    cited = set(re.findall(r"\[([A-Z][A-Z0-9-]*)\](?!\()", prose))
    assert sorted(cited - listed) == []
    body = "\n".join(b.text for b in BLOCKS if b.kind != "table" or "| Tag |" not in b.lines[0])
    unused = {tag for tag in listed if f"[{tag}]" not in body}
    assert sorted(unused) == []


def test_bibliography_holds_the_sources_of_the_edition() -> None:
    bibliography = "\n".join(b.text for b in BLOCKS if b.clause == "Bibliography")
    for needle in ("JCGM 100:2008", "JCGM 200:2012", "JCGM 106:2012", "ILAC-G8:09/2019", "ISO/IEC 30134-2:2026",
                   "withdrawn on 2026-02-12", "EN 50600-4-2:2016", "training_policies", "arXiv:2312.02741",
                   "ISO/IEC 21031:2024", "ISO/IEC Directives, Part 2"):  # fmt: skip
        assert needle in bibliography, needle
    normative = "\n".join(b.text for b in BLOCKS if b.clause == "2 Normative references")
    for needle in ("RFC 8259", "1.2.2", "2020-12", "RFC 3339", "RFC 6901", "NIST Special Publication 811",
                   "ISO 80000-1", "IEC 80000-13", "FIPS PUB 180-4", "Unicode"):  # fmt: skip
        assert needle in normative, needle
    assert "RFC 2119" not in TEXT and "BCP 14]" not in TEXT


def test_numbers_group_digits_with_a_narrow_space_not_a_comma() -> None:
    prose = [b for b in BLOCKS if b.kind in ("paragraph", "requirement", "list", "table")]
    for block in prose:
        stripped = re.sub(r"`[^`]*`|https?://\S+", " ", block.text)
        assert not re.search(r"\d,\d{3}\b", stripped), block.start


def test_the_example_submission_is_an_aerp_1_1_document() -> None:
    yaml = pytest.importorskip("yaml")
    examples = [b for b in BLOCKS if b.kind == "code" and "example" in b.tags and "aerp_version" in b.text]
    assert len(examples) == 1
    document = yaml.safe_load("\n".join(examples[0].lines[1:-1]))
    assert document["aerp_version"] == "1.1.0"
    assert document["measurement"]["levels"] == ["accelerator", "node", "wall", "facility"]
    assert set(document["measurement"]["pue"]) == {"value", "applied", "source", "category", "period"}
    assert set(document["results"]["idle"]) == {"duration", "energy", "window"}
    repetitions = document["results"]["repetitions"]
    assert len(repetitions) == document["run"]["repetitions"] == 10
    for repetition in repetitions:
        assert repetition["passes"] == 1 and repetition["queries"] == 1000
        assert repetition["counts"]["output_tokens"] == repetition["queries"] * document["run"]["max_new_tokens"]
        levels = repetition["levels"]
        chain = [repetition["energy"]["accelerator"]["value"], levels["node"]["value"], levels["wall"]["value"]]
        assert chain == sorted(chain) and levels["facility"]["value"] >= levels["wall"]["value"]
    assert "accelerator_energy_per_1000_queries_idle_corrected" in document["results"]["summary"]
    assert document["rating"]["scale"] == "aerp-1.1-fixed"
    uncertainty = document["results"]["summary"]["uncertainty"]
    assert uncertainty["expanded"]["value"] == uncertainty["coverage_factor"] * uncertainty["standard"]["value"]
    assert [a["trace"]["level"] for a in document["artifacts"] if "trace" in a] == ["accelerator"]
    assert all("window" in repetition for repetition in repetitions)


def test_protocol_parameters_are_named_with_their_value() -> None:
    """A number of protocol.yaml that a requirement uses is named, with its value in parentheses."""
    for name, value in {
        "closed_measurement.min_window": "(60 s)",
        "closed_measurement.max_power_sampling_interval": "(1 s)",
        "tasks.<task>.new_tokens": "(10)",
        "min_sampling_intervals": "(10)",
        "plausibility.max_cv_closed": "(10 %)",
        "plausibility.pue.max": "(3.0)",
    }.items():
        assert f"protocol.yaml `{name}` {value}" in TEXT, name


# --- agreement with the supplementary content --------------------------------------------------------


def protocol() -> dict:
    yaml = pytest.importorskip("yaml")
    from aerp.protocol import data_root

    path = data_root() / "spec" / "1.1" / "protocol.yaml"
    if not path.exists():
        pytest.skip("no 1.1 protocol.yaml yet")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def resolve(data: object, dotted: str) -> list[object]:
    """The values an entry name denotes; `<task>` and `<class>` stand for every key at their place."""
    found = [data]
    for part in dotted.split("."):
        step: list[object] = []
        for node in found:
            if not isinstance(node, dict):
                continue
            if part.startswith("<") and part.endswith(">"):
                step.extend(node.values())
            elif part in node:
                step.append(node[part])
        found = step
    return found


PROTOCOL_NAME = re.compile(r"protocol\.yaml `(?P<name>[a-z_][a-z0-9_.<>-]*)`(?: \((?P<value>[^()]+)\))?")


def test_every_protocol_entry_named_in_the_text_exists() -> None:
    data = protocol()
    names = {m.group("name") for m in PROTOCOL_NAME.finditer(TEXT)}
    assert names
    # `generation` is short for `tasks.<task>.generation` (as in 1.0); `tasks.<task>.revision` is
    # present only for a task whose dataset revision is pinned, and this edition pins none yet.
    missing = sorted(
        n for n in names - {"tasks.<task>.revision"} if not resolve(data, n) and not resolve(data, f"tasks.<task>.{n}")
    )
    assert missing == []


def test_every_protocol_value_in_parentheses_is_the_value_of_the_entry() -> None:
    data = protocol()
    quantity = re.compile(r"^(?P<number>[0-9.]+)(?: (?P<unit>%|[A-Za-z/°]+))?$")
    checked = 0
    for match in PROTOCOL_NAME.finditer(TEXT):
        written = match.group("value")
        parsed = quantity.match(written) if written else None
        if not parsed:
            continue
        values = resolve(data, match.group("name"))
        # `<task>` names: only the tasks that have the entry
        values = [v for v in values if v is not None]
        assert values, match.group(0)
        number, unit = float(parsed.group("number")), parsed.group("unit")
        for value in values:
            if isinstance(value, dict):
                assert (float(value["value"]), value["unit"]) == (number, unit), match.group(0)
            elif unit == "%":
                assert float(value) == pytest.approx(number / 100), match.group(0)
            else:
                assert float(value) == number and unit is None, match.group(0)
            checked += 1
    assert checked >= 10


def test_the_count_members_are_those_of_protocol_yaml() -> None:
    data = protocol()
    for index, block in enumerate(BLOCKS):
        if block.kind == "table" and "Count members" in BLOCKS[index - 1].lines[0]:
            table = block
            break
    else:
        raise AssertionError("no table of count members")
    listed: dict[str, set[str]] = {}
    for row in table.lines[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for task in cells[3].split(", "):
            listed.setdefault(task, set()).add(cells[0].strip("`"))
    assert listed == {task: set(entry["counts"]) for task, entry in data["tasks"].items()}


def test_the_levels_and_the_new_tokens_are_those_of_protocol_yaml() -> None:
    data = protocol()
    assert data["levels"] == ["accelerator", "node", "wall", "facility"] and data["rated_level"] == "accelerator"
    generating = {task for task, entry in data["tasks"].items() if entry["generation"] == "text"}
    assert generating == {"text-generation", "summarization", "image-to-text"}
    assert {data["tasks"][task]["new_tokens"] for task in generating} == {10}
