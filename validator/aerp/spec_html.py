"""The specification as one readable, self-contained HTML5 page (`aerp spec render`).

The Markdown text in `spec/X.Y/` stays the normative source; this page is a rendering of it
for the people who review a standard rather than a repository: a title block, a table of
contents, requirements set apart from the informative prose, cross-references that are
links, and the traceability matrix as a last appendix. The page is meant to be archived,
mailed and printed, so it stands alone: inline CSS, no script, no font, image or style sheet
from anywhere, and no link to a file beside it (links to repository files are shown as code).

The converter handles exactly the Markdown subset the spec uses (ATX headings with `<a id>`
anchors, paragraphs, requirement paragraphs, GitHub tables, flat lists, fenced and indented
code, code spans, bold, italics, links) and nothing more: a general Markdown library would be
a new dependency, would pass raw HTML through, and would not know what a requirement is.
Every string is escaped, and the same text gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from aerp.requirements import level_of, mandatory, spec_path
from aerp.traceability import Row, matrix

# --- the blocks of the text -------------------------------------------------------------------

_ANCHOR = re.compile(r'^<a id="([^"]+)"></a>\s*$')
_HEADING = re.compile(r"^(#{1,6}) +(.+?)\s*$")
_REQUIREMENT = re.compile(r'^<a id="(?P<anchor>REQ-[A-Z]+-\d+)"></a>\*\*(?P<id>REQ-[A-Z]+-\d+)\*\* (?P<text>.+)$')
_REVIEW = re.compile(r"^\*Verification \(review\):\* (?P<reason>.+)$")
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)\s*$")
_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^[-*+] +(?P<text>.+)$")
_ORDERED = re.compile(r"^(?P<number>\d{1,9})[.)] +(?P<text>.+)$")
_CAPTION = re.compile(r"^Table (?P<number>\d+) — (?P<title>.+)$")
_META = re.compile(r"^(?P<key>[A-Z][A-Za-z -]{0,40}): (?P<value>\S.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.? +")
_APPENDIX = re.compile(r"^(?:Appendix|Annex) (?P<letter>[A-Z])\b")
_NUMERIC_CELL = re.compile(r"^[-+−]?\d[\d,]*(?:\.\d+)?(?:\s?%)?$")


@dataclass
class Heading:
    level: int
    title: str
    anchor: str | None = None
    id: str = ""

    @property
    def number(self) -> str | None:
        """The section number ("12.1") or appendix letter ("A") that the prose refers to."""
        numbered = _NUMBERED.match(self.title)
        if numbered:
            return numbered.group("number")
        appendix = _APPENDIX.match(self.title)
        return appendix.group("letter") if appendix else None


@dataclass
class Paragraph:
    lines: list[str]


@dataclass
class Anchor:
    """An `<a id>` that no heading follows: kept, so that links to it still land."""

    anchor: str
    id: str = ""


@dataclass
class RequirementBlock:
    id: str
    text: str
    review: str | None
    html_id: str = ""


@dataclass
class Table:
    header: list[str]
    aligns: list[str | None]
    rows: list[list[str]]
    caption_number: str | None = None
    caption: str | None = None
    id: str = ""
    row_ids: list[str] = field(default_factory=list)


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[str]


@dataclass
class Code:
    text: str
    lang: str
    indented: bool


Block = Heading | Paragraph | Anchor | RequirementBlock | Table | ListBlock | Code


def _cells(line: str) -> list[str]:
    """Split a table row on unescaped pipes, as GitHub does."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)]


def _alignment(cell: str) -> str | None:
    cell = cell.strip()
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    if cell.endswith(":"):
        return "right"
    if cell.startswith(":"):
        return "left"
    return None


def _starts_block(lines: list[str], index: int) -> bool:
    """Whether line `index` opens a block of its own, and so ends a paragraph without a blank line."""
    line = lines[index]
    return bool(
        _ANCHOR.match(line)
        or _HEADING.match(line)
        or _FENCE.match(line)
        or _REQUIREMENT.match(line)
        or _BULLET.match(line)
        or _ORDERED.match(line)
        or (line.startswith("|") and index + 1 < len(lines) and _DELIMITER.match(lines[index + 1]))
    )


def parse_blocks(text: str) -> list[Block]:
    """Read the Markdown of the spec into blocks; inline markup is left for rendering."""
    lines = text.replace("\x00", "").replace("\r\n", "\n").split("\n")
    blocks: list[Block] = []
    pending: str | None = None
    i = 0

    def flush_anchor() -> None:
        nonlocal pending
        if pending is not None:
            blocks.append(Anchor(pending))
            pending = None

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        anchor = _ANCHOR.match(line)
        if anchor:
            flush_anchor()
            pending = anchor.group(1)
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            blocks.append(Heading(len(heading.group(1)), heading.group(2), pending))
            pending = None
            i += 1
            continue
        flush_anchor()
        fence = _FENCE.match(line)
        if fence:
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence.group("fence")):
                body.append(lines[i])
                i += 1
            blocks.append(Code("\n".join(body), fence.group("lang"), indented=False))
            i += 1
            continue
        if line.startswith("    "):
            body = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            blocks.append(Code("\n".join(body), "", indented=True))
            continue
        if line.startswith("|") and i + 1 < len(lines) and _DELIMITER.match(lines[i + 1]):
            header = _cells(line)
            aligns = [_alignment(c) for c in _cells(lines[i + 1])]
            rows: list[list[str]] = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = _cells(lines[i])
                rows.append((cells + [""] * len(header))[: len(header)])
                i += 1
            aligns = (aligns + [None] * len(header))[: len(header)]
            blocks.append(Table(header, aligns, rows))
            continue
        requirement = _REQUIREMENT.match(line)
        if requirement:
            text_lines = [requirement.group("text")]
            review = None
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
                note = _REVIEW.match(lines[i])
                if note:
                    review = note.group("reason")
                elif review is not None:
                    review += "\n" + lines[i]
                else:
                    text_lines.append(lines[i])
                i += 1
            blocks.append(RequirementBlock(requirement.group("id"), "\n".join(text_lines), review))
            continue
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        if bullet or ordered:
            pattern = _BULLET if bullet else _ORDERED
            items: list[str] = []
            while i < len(lines):
                item = pattern.match(lines[i])
                if item:
                    items.append(item.group("text"))
                elif lines[i].startswith("  ") and lines[i].strip() and items:
                    items[-1] += "\n" + lines[i].strip()
                else:
                    break
                i += 1
            start = int(ordered.group("number")) if ordered else 1
            blocks.append(ListBlock(ordered is not None, start, items))
            continue
        paragraph = [line]
        i += 1
        while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
            paragraph.append(lines[i])
            i += 1
        blocks.append(Paragraph(paragraph))
    flush_anchor()
    return _attach_captions(blocks)


def _attach_captions(blocks: list[Block]) -> list[Block]:
    """A one-line paragraph "Table N — title" right before a table is that table's caption."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if isinstance(block, Table) and isinstance(previous, Paragraph) and len(previous.lines) == 1:
            caption = _CAPTION.match(previous.lines[0])
            if caption:
                merged.pop()
                block.caption_number, block.caption = caption.group("number"), caption.group("title")
        merged.append(block)
    return merged


# --- identifiers and cross-references ---------------------------------------------------------


class _Ids:
    """Every id of the page, unique: the text's own anchors first, then generated ones around them."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, anchor: str) -> str:
        """An anchor from the text keeps its name: links from elsewhere already point at it."""
        return self.generate(anchor) if anchor in self.taken else self._take(anchor)

    def generate(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        return self._take(candidate)

    def _take(self, anchor: str) -> str:
        self.taken.add(anchor)
        return anchor


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class _Context:
    """What the inline renderer may link to, known only once the whole text is read."""

    requirements: set[str]
    references: dict[str, str]
    sections: dict[str, str]
    appendices: dict[str, str]
    tables: dict[str, str]
    ids: set[str]
    source: str = ""
    top: str = "top"


# --- inline markup ----------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)")
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
_URL = re.compile(r"https?://[^\s<>\"\x00]+")
_REQ_REF = re.compile(r"\bREQ-[A-Z]+-\d+\b")
_CITATION = re.compile(r"\[(?P<tag>[A-Z][A-Z0-9-]*)\]")
_SECTION_REF = re.compile(r"\bSection (?P<number>\d+(?:\.\d+)*)")
_TABLE_REF = re.compile(r"\bTable (?P<number>\d+)\b")
_APPENDIX_REF = re.compile(r"\b(?:Appendix|Annex) (?P<letter>[A-Z])\b")
_KEYWORD = re.compile(
    r"\b(?:MUST NOT|SHOULD NOT|SHALL NOT|NOT RECOMMENDED|MUST|SHOULD|SHALL|MAY|REQUIRED|RECOMMENDED|OPTIONAL)\b"
)
_BOLD = re.compile(r"\*\*(?=\S)(?P<text>.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(?P<text>.+?)(?<=[^\s*])\*(?![*\w])")
_TOKEN = re.compile(r"\x00(\d+)\x00")
_INTERNAL_TARGET = re.compile(r"^(?P<file>[\w.-]+\.md)?#(?P<anchor>[A-Za-z][\w.:-]*)$")
_TRAILING = ".,;:!?'\""
_BREAK_AFTER = re.compile(r"(?<=[\w\]*])[./](?=[A-Za-z_*&])")


def _code_html(code: str, breakable: bool) -> str:
    """A code span that may wrap after the dots and slashes of a member name or a path.

    Table 8 puts names like `results.summary.accelerator_energy_per_1000_queries` in narrow
    columns; without a break opportunity the browser either overflows or splits a word.
    """
    escaped = escape(code)
    if breakable:
        escaped = _BREAK_AFTER.sub(lambda m: m.group(0) + "<wbr>", escaped)
    return f"<code>{escaped}</code>"


def _url_end(url: str) -> str:
    """Trim the punctuation that ends a sentence, and a closing parenthesis the URL did not open."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


class _Inline:
    """Code spans, links, emphasis and cross-references of one piece of text, escaped.

    Markup is swapped for numbered tokens as it is recognised, so that nothing is escaped
    twice and no later rule rewrites what an earlier one produced (a `REQ-…` inside a code
    span stays code; a URL inside a link target is not linked again).
    """

    def __init__(self, context: _Context) -> None:
        self.context = context

    def render(
        self, text: str, *, links: bool = True, refs: bool = True, keywords: bool = False, narrow: bool = False
    ) -> str:
        """`narrow` text (a table cell) lets long code wrap at dots and slashes; prose keeps code whole."""
        kept: list[str] = []

        def keep(html: str) -> str:
            kept.append(html)
            return f"\x00{len(kept) - 1}\x00"

        text = text.replace("\x00", "")
        text = _CODE_SPAN.sub(lambda m: keep(_code_html(m.group("code").strip(), narrow)), text)
        if links:
            text = _LINK.sub(lambda m: keep(self._link(m.group("text"), m.group("target"))), text)
            text = _URL.sub(lambda m: self._bare_url(m.group(0), keep), text)
        text = escape(text)
        if refs:
            text = self._cross_references(text, keep)
        if keywords:
            text = _KEYWORD.sub(lambda m: keep(f'<strong class="kw">{m.group(0)}</strong>'), text)
        text = _BOLD.sub(lambda m: f"<strong>{m.group('text')}</strong>", text)
        text = _ITALIC.sub(lambda m: f"<em>{m.group('text')}</em>", text)
        while _TOKEN.search(text):
            text = _TOKEN.sub(lambda m: kept[int(m.group(1))], text)
        return text

    def _bare_url(self, found: str, keep: Callable[[str], str]) -> str:
        url = _url_end(found)
        link = f'<a class="url" href="{escape(url)}">{escape(url)}</a>'
        return keep(link) + found[len(url) :]

    def _link(self, label: str, target: str) -> str:
        """A link of the text: internal when it names an anchor of the page, a reference when absolute.

        A relative link to a repository file (`protocol.yaml`) would be broken on a page read
        on its own, so it is shown as code text instead; any other scheme is never a link.
        """
        text = self.render(label, links=False, refs=False)
        internal = _INTERNAL_TARGET.match(target)
        same_file = internal is not None and internal.group("file") in (None, self.context.source)
        if internal and same_file and internal.group("anchor") in self.context.ids:
            return f'<a href="#{escape(internal.group("anchor"))}">{text}</a>'
        if target == self.context.source:
            return f'<a href="#{escape(self.context.top)}">{text}</a>'
        if re.match(r"^https?://", target):
            css = "url" if label == target else "ext"
            return f'<a class="{css}" href="{escape(target)}">{text}</a>'
        if label.strip("`") == target:
            return f"<code>{escape(target)}</code>"
        return f"{text} (<code>{escape(target)}</code>)"

    def _cross_references(self, text: str, keep: Callable[[str], str]) -> str:
        context = self.context

        def requirement(m: re.Match[str]) -> str:
            found = m.group(0)
            if found not in context.requirements:
                return found
            return keep(f'<a class="xref" href="#{found}">{found}</a>')

        def citation(m: re.Match[str]) -> str:
            target = context.references.get(m.group("tag"))
            return keep(f'<a class="cite" href="#{target}">{m.group(0)}</a>') if target else m.group(0)

        def section(m: re.Match[str]) -> str:
            # "Annex XI, Section 1" of the EU AI Act is that act's section, not one of ours.
            if "Annex" in m.string[max(0, m.start() - 16) : m.start()]:
                return m.group(0)
            target = context.sections.get(m.group("number"))
            return keep(f'<a class="xref" href="#{target}">{m.group(0)}</a>') if target else m.group(0)

        def table(m: re.Match[str]) -> str:
            target = context.tables.get(m.group("number"))
            return keep(f'<a class="xref" href="#{target}">{m.group(0)}</a>') if target else m.group(0)

        def appendix(m: re.Match[str]) -> str:
            target = context.appendices.get(m.group("letter"))
            return keep(f'<a class="xref" href="#{target}">{m.group(0)}</a>') if target else m.group(0)

        text = _REQ_REF.sub(requirement, text)
        text = _CITATION.sub(citation, text)
        text = _SECTION_REF.sub(section, text)
        text = _TABLE_REF.sub(table, text)
        return _APPENDIX_REF.sub(appendix, text)


# --- the page ---------------------------------------------------------------------------------

STYLE = """
:root {
  color-scheme: light;
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --zebra: #f6f8fa; --head: #eef1f4;
  --accent: #0b5cad; --soft: #f3f6fa;
  --must: #a40e26; --must-bg: #fff5f5; --should: #9a6700; --should-bg: #fffbeb; --may: #116329; --may-bg: #f3fbf5;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 1040px; padding: 2rem 1.5rem 4rem;
  font-family: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif;
  font-size: 16px; line-height: 1.55; color: var(--ink); background: #fff;
}
h1, h2, h3, h4, nav, aside, table, .req-head, .status, dl.meta, footer {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
h1 { font-size: 2.1rem; line-height: 1.2; margin: 0 0 .6rem; }
h2 { font-size: 1.45rem; margin: 2.75rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
h2, h3, h4 { scroll-margin-top: 1rem; }
p { margin: .55rem 0; }
a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 2px; }
a.xref, a.cite { text-decoration: none; }
a.xref:hover, a.cite:hover { text-decoration: underline; }
a.url { overflow-wrap: anywhere; }
a.self { margin-left: .4rem; color: var(--line); text-decoration: none; font-weight: 400; visibility: hidden; }
h2:hover a.self, h3:hover a.self, h4:hover a.self, a.self:focus { visibility: visible; }
code, pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .84em;
}
code { background: #f0f2f4; padding: .05em .2em; border-radius: 3px; }
pre { background: var(--zebra); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem;
  overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 1em; }
pre.formula { background: #fff; border-style: dashed; font-size: .95em; }
ul, ol { padding-left: 1.6rem; margin: .5rem 0; }
li { margin: .25rem 0; }
header.title { border-bottom: 3px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.status { font-size: 1.05rem; font-weight: 600; color: var(--must); margin: 0 0 .5rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 0;
  font-size: .9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.source-note { color: var(--muted); font-size: .9rem; margin-top: .6rem; }
aside.glance { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
  background: var(--soft); padding: .6rem 1.25rem .7rem; margin: 1.25rem 0; }
aside.glance h2 { font-size: 1rem; margin: 0 0 .3rem; border: 0; padding: 0; }
aside.glance ul { list-style: none; padding: 0; margin: 0; display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .35rem 2rem; }
aside.glance li { margin: 0; font-size: .92rem; }
aside.glance li a.main { font-weight: 600; }
aside.glance .muted { color: var(--muted); }
nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1.25rem .8rem; margin: 1.25rem 0 2rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .4rem; border: 0; padding: 0; }
nav.toc > ol { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 2.5rem; font-size: .9rem; }
nav.toc > ol > li { break-inside: avoid; margin: 0 0 .45rem; }
nav.toc > ol > li > a { font-weight: 600; }
nav.toc ol ol { list-style: none; padding-left: 1.1rem; margin: .1rem 0 0; }
nav.toc ol ol li { margin: 0; }
nav.toc a { text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.front { margin-bottom: 1rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0 1.1rem; }
table { border-collapse: collapse; width: auto; min-width: 60%; max-width: 100%; font-size: .84rem;
  line-height: 1.45; }
table code { font-size: .92em; }
table.trace { width: 100%; }
caption { caption-side: top; text-align: left; padding: 0 0 .45rem; font-weight: 600; color: var(--ink); }
caption .number { color: var(--muted); }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid var(--line); vertical-align: bottom; }
tbody tr:nth-child(even) { background: var(--zebra); }
td code { overflow-wrap: break-word; }
a.xref, a.cite, td.tag { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.center, th.center { text-align: center; }
tr:target { background: #fff8c5; }
.req { margin: 1rem 0; padding: .55rem .9rem .6rem; border: 1px solid var(--line); border-left: 5px solid var(--may);
  border-radius: 6px; background: var(--may-bg); }
.req.must { border-left-color: var(--must); background: var(--must-bg); }
.req.should { border-left-color: var(--should); background: var(--should-bg); }
.req:target { outline: 2px solid var(--accent); outline-offset: 2px; }
.req-head { display: flex; align-items: baseline; gap: .6rem; font-size: .85rem; margin-bottom: .15rem; }
.req-id { font-weight: 700; color: var(--ink); text-decoration: none; font-family: ui-monospace, SFMono-Regular,
  Menlo, Consolas, monospace; }
.req-id:hover { text-decoration: underline; }
.level { font-size: .72rem; font-weight: 700; letter-spacing: .04em; padding: .05rem .45rem; border-radius: 999px;
  border: 1px solid currentColor; color: var(--may); white-space: nowrap; }
.must .level { color: var(--must); }
.should .level { color: var(--should); }
.req-head .trace { margin-left: auto; font-size: .78rem; color: var(--muted); }
.req-text { margin: .2rem 0 0; }
strong.kw { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: .88em;
  letter-spacing: .03em; color: var(--must); }
.should strong.kw { color: var(--should); }
.may strong.kw { color: var(--may); }
.review { margin: .5rem 0 .1rem; padding: .4rem .7rem; border-radius: 4px; background: rgba(255, 255, 255, .75);
  border: 1px dashed var(--line); color: var(--muted); font-size: .9rem; }
.review .label { font-weight: 600; font-style: italic; }
table.trace td:first-child, td.tag, .nowrap { white-space: nowrap; }
td.level-cell { white-space: nowrap; font-size: .76rem; font-weight: 700; letter-spacing: .03em; color: var(--may); }
td.level-cell.must { color: var(--must); }
td.level-cell.should { color: var(--should); }
table.trace td.zero { color: var(--muted); }
table.trace td.review-reason { color: var(--muted); min-width: 16rem; }
.none { color: var(--muted); }
.intro { color: var(--muted); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted);
  font-size: .85rem; }
@media screen and (max-width: 720px) {
  nav.toc > ol { columns: 1; }
  aside.glance ul { grid-template-columns: 1fr; }
  body { padding: 1rem .8rem 3rem; }
}
@page { margin: 18mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  a.self { display: none; }
  a.ext::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  h1, h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  .req, tr, pre, aside.glance, nav.toc > ol > li { break-inside: avoid; page-break-inside: avoid; }
  nav.toc { break-after: page; page-break-after: always; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  td code { overflow-wrap: anywhere; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible; }
  .req-head .trace { display: none; }
  section.appendix { break-before: page; page-break-before: always; }
}
"""

_GLANCE = (
    ("conformance", "what a conforming submission and a conforming validator are"),
    ("rating", "how the rated energy maps to one to five stars"),
    ("versions", "how versions are numbered and which one a submission follows"),
)


@dataclass
class _Section:
    heading: Heading
    children: list[Heading] = field(default_factory=list)


class _Document:
    """The parsed text with every id settled, so that links can be checked before they are written."""

    def __init__(self, text: str, version: str) -> None:
        self.version = version
        self.blocks = parse_blocks(text)
        self.title = f"AERP {version}"
        self.meta: list[tuple[str, str]] = []
        self.front: list[Block] = []
        self.body: list[Block] = []
        self._split()
        ids = _Ids()
        for block in self.front + self.body:
            if isinstance(block, (Heading, Anchor)) and block.anchor:
                block.id = ids.claim(block.anchor)
            elif isinstance(block, RequirementBlock):
                block.html_id = ids.claim(block.id)
        self.top = ids.generate("top")
        self.contents = ids.generate("contents")
        self.glance = ids.generate("at-a-glance")
        self.trace = ids.generate("traceability-matrix")
        sections: dict[str, str] = {}
        appendices: dict[str, str] = {}
        tables: dict[str, str] = {}
        references: dict[str, str] = {}
        for block in self.front + self.body:
            if isinstance(block, Heading) and not block.id:
                number = block.number
                if number and _APPENDIX.match(block.title):
                    base = f"appendix-{number.lower()}"
                elif number:
                    base = "section-" + number.replace(".", "-")
                else:
                    base = _slug(block.title)
                block.id = ids.generate(base)
            if isinstance(block, Heading) and block.number:
                target = appendices if _APPENDIX.match(block.title) else sections
                target.setdefault(block.number, block.id)
            if isinstance(block, Table):
                if block.caption_number:
                    block.id = ids.generate(f"table-{block.caption_number}")
                    tables.setdefault(block.caption_number, block.id)
                if block.header and block.header[0].lower() == "tag":
                    for row in block.rows:
                        tag = _CITATION.fullmatch(row[0]) if row else None
                        row_id = ids.generate(f"ref-{tag.group('tag')}") if tag else ""
                        block.row_ids.append(row_id)
                        if tag:
                            references.setdefault(tag.group("tag"), row_id)
        self.rows: list[Row] = matrix(version)
        self.trace_rows = {row.id: ids.generate(f"trace-{row.id}") for row in self.rows}
        requirement_ids = {b.id for b in self.front + self.body if isinstance(b, RequirementBlock)}
        source = f"aerp-{version}.md"
        self.context = _Context(
            requirement_ids, references, sections, appendices, tables, ids.taken, source=source, top=self.top
        )
        self.inline = _Inline(self.context)
        self.trace_letter = self._next_appendix_letter()
        # an edition drafted in ISO form calls its appendices annexes and labels them informative
        self.annex_word = (
            "Annex" if any(isinstance(h, Heading) and h.title.startswith("Annex ") for h in self.body) else "Appendix"
        )

    def _split(self) -> None:
        """Title, the "Key: value" lines under it, the front matter, and the numbered body."""
        rest = list(self.blocks)
        if rest and isinstance(rest[0], Heading) and rest[0].level == 1:
            self.title = rest.pop(0).title
        while rest and isinstance(rest[0], Paragraph) and len(rest[0].lines) == 1 and _META.match(rest[0].lines[0]):
            meta = _META.match(rest.pop(0).lines[0])
            assert meta is not None
            self.meta.append((meta.group("key"), meta.group("value")))
        first = next((i for i, b in enumerate(rest) if isinstance(b, Heading) and b.level <= 2), len(rest))
        self.front, self.body = rest[:first], rest[first:]

    def _next_appendix_letter(self) -> str:
        letters = [h.number for h in self.body if isinstance(h, Heading) and h.number and _APPENDIX.match(h.title)]
        return chr(max(ord(letter) for letter in letters if letter) + 1) if letters else "A"

    def outline(self) -> list[_Section]:
        outline: list[_Section] = []
        for block in self.body:
            if isinstance(block, Heading) and block.level == 2:
                outline.append(_Section(block))
            elif isinstance(block, Heading) and block.level == 3 and outline:
                outline[-1].children.append(block)
        return outline

    def first_captioned_table_in(self, section_id: str) -> Table | None:
        inside = False
        for block in self.body:
            if isinstance(block, Heading) and block.level <= 2:
                inside = block.id == section_id
            elif inside and isinstance(block, Table) and block.caption_number:
                return block
        return None


# --- rendering --------------------------------------------------------------------------------


def _level_class(level: str) -> str:
    return level.split()[0].lower() if level else "may"


def _heading_html(doc: _Document, heading: Heading) -> str:
    tag = f"h{min(heading.level, 6)}"
    title = doc.inline.render(heading.title, links=False, refs=False)
    anchor = escape(heading.id)
    return (
        f'<{tag} id="{anchor}">{title}<a class="self" href="#{anchor}" aria-label="Link to this section">§</a></{tag}>'
    )


def _table_html(doc: _Document, table: Table) -> str:
    numeric = []
    for column in range(len(table.header)):
        values = [row[column] for row in table.rows if row[column]]
        numeric.append(bool(values) and all(_NUMERIC_CELL.match(v) for v in values))
    classes = []
    for align, is_numeric in zip(table.aligns, numeric, strict=True):
        css = "num" if align == "right" or (align is None and is_numeric) else "center" if align == "center" else ""
        classes.append(f' class="{css}"' if css else "")
    is_reference_table = bool(table.row_ids)
    parts = ['<div class="table-wrap">', f'<table id="{escape(table.id)}">' if table.id else "<table>"]
    if table.caption is not None:
        caption = doc.inline.render(table.caption)
        parts.append(
            f'<caption><span class="number">Table {escape(table.caption_number or "")}</span> — {caption}</caption>'
        )
    head = "".join(
        f"<th{css}>{doc.inline.render(cell, refs=False, narrow=True)}</th>"
        for cell, css in zip(table.header, classes, strict=True)
    )
    parts.append(f"<thead><tr>{head}</tr></thead>")
    parts.append("<tbody>")
    for index, row in enumerate(table.rows):
        row_id = table.row_ids[index] if is_reference_table and index < len(table.row_ids) else ""
        cells = []
        for column, (cell, css) in enumerate(zip(row, classes, strict=True)):
            own_tag = is_reference_table and column == 0
            cells.append(
                f'<td class="tag">{escape(cell)}</td>'
                if own_tag
                else f"<td{css}>{doc.inline.render(cell, narrow=True)}</td>"
            )
        opening = f'<tr id="{escape(row_id)}">' if row_id else "<tr>"
        parts.append(opening + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


def _requirement_html(doc: _Document, block: RequirementBlock) -> str:
    level = level_of(block.text) or ""
    anchor = escape(block.html_id or block.id)
    head = [f'<a class="req-id" href="#{anchor}">{escape(block.id)}</a>']
    if level:
        head.append(f'<span class="level">{escape(level)}</span>')
    trace = doc.trace_rows.get(block.id)
    if trace:
        head.append(f'<a class="trace" href="#{escape(trace)}">traceability</a>')
    parts = [
        f'<div class="req {_level_class(level)}" id="{anchor}">',
        f'<div class="req-head">{" ".join(head)}</div>',
        f'<p class="req-text">{doc.inline.render(block.text, keywords=True)}</p>',
    ]
    if block.review is not None:
        parts.append(
            f'<p class="review"><span class="label">Verification (review):</span> {doc.inline.render(block.review)}</p>'
        )
    parts.append("</div>")
    return "\n".join(parts)


def _block_html(doc: _Document, block: Block) -> str:
    if isinstance(block, Heading):
        return _heading_html(doc, block)
    if isinstance(block, Anchor):
        return f'<span id="{escape(block.id)}"></span>'
    if isinstance(block, RequirementBlock):
        return _requirement_html(doc, block)
    if isinstance(block, Table):
        return _table_html(doc, block)
    if isinstance(block, ListBlock):
        items = "\n".join(f"<li>{doc.inline.render(item)}</li>" for item in block.items)
        if block.ordered:
            start = f' start="{block.start}"' if block.start != 1 else ""
            return f"<ol{start}>\n{items}\n</ol>"
        return f"<ul>\n{items}\n</ul>"
    if isinstance(block, Code):
        css = ' class="formula"' if block.indented else ""
        lang = f' class="language-{escape(block.lang)}"' if block.lang else ""
        return f"<pre{css}><code{lang}>{escape(block.text)}</code></pre>"
    return f"<p>{doc.inline.render(chr(10).join(block.lines))}</p>"


def _title_html(doc: _Document) -> str:
    parts = [
        f'<header class="title" id="{doc.top}">',
        f"<h1>{doc.inline.render(doc.title, links=False, refs=False)}</h1>",
    ]
    if doc.meta:
        key, value = doc.meta[0]
        parts.append(f'<p class="status">{escape(key)}: {doc.inline.render(value)}</p>')
    if len(doc.meta) > 1:
        parts.append('<dl class="meta">')
        parts += [f"<dt>{escape(key)}</dt><dd>{doc.inline.render(value)}</dd>" for key, value in doc.meta[1:]]
        parts.append("</dl>")
    source = f"spec/{doc.version}/aerp-{doc.version}.md"
    parts.append(
        f'<p class="source-note">A rendering of <code>{escape(source)}</code>, the normative text; '
        "where this page and that text differ, the text applies.</p>"
    )
    parts.append("</header>")
    return "\n".join(parts)


def _glance_html(doc: _Document) -> str:
    by_id = {b.id: b for b in doc.body if isinstance(b, Heading)}
    items = []
    for anchor, purpose in _GLANCE:
        heading = by_id.get(anchor)
        if heading is None:
            continue
        title = _NUMBERED.sub("", heading.title)
        where = f" (Section {escape(heading.number)})" if heading.number else ""
        extra = ""
        if anchor == "rating":
            table = doc.first_captioned_table_in(anchor)
            if table is not None:
                extra = (
                    f'; <a href="#{escape(table.id)}">Table {escape(table.caption_number or "")}</a>: the thresholds'
                )
        items.append(
            f'<li><a class="main" href="#{escape(heading.id)}">{escape(title)}</a>{where} — '
            f'<span class="muted">{escape(purpose)}</span>{extra}</li>'
        )
    must = sum(1 for r in doc.rows if mandatory(r.level))
    items.append(
        f'<li><a class="main" href="#{doc.trace}">Traceability matrix</a> ({doc.annex_word} {doc.trace_letter}) — '
        f'<span class="muted">{len(doc.rows)} requirements, {must} mandatory, each with the checks, cases and '
        "tests that show it</span></li>"
    )
    return (
        f'<aside class="glance" aria-labelledby="{doc.glance}">\n<h2 id="{doc.glance}">At a glance</h2>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n</aside>"
    )


def _toc_html(doc: _Document) -> str:
    lines = [f'<nav class="toc" aria-labelledby="{doc.contents}">', f'<h2 id="{doc.contents}">Contents</h2>', "<ol>"]
    for section in doc.outline():
        title = doc.inline.render(section.heading.title, links=False, refs=False)
        entry = f'<li><a href="#{escape(section.heading.id)}">{title}</a>'
        if section.children:
            children = "".join(
                f'<li><a href="#{escape(c.id)}">{doc.inline.render(c.title, links=False, refs=False)}</a></li>'
                for c in section.children
            )
            entry += f"<ol>{children}</ol>"
        lines.append(entry + "</li>")
    lines.append(f'<li><a href="#{doc.trace}">{escape(_trace_title(doc))}</a></li>')
    lines += ["</ol>", "</nav>"]
    return "\n".join(lines)


def _trace_title(doc: _Document) -> str:
    if doc.annex_word == "Annex":
        return f"Annex {doc.trace_letter} (informative) Traceability matrix (generated)"
    return f"Appendix {doc.trace_letter}: Traceability matrix (informative, generated)"


def _trace_checks(row: Row) -> str:
    parts = [f"<code>{escape(check)}</code>" for check in row.checks]
    if row.schema:
        places = "place" if len(row.schema) == 1 else "places"
        parts.append(f'<span class="none nowrap">schema, {len(row.schema)} {places}</span>')
    return ", ".join(parts) if parts else '<span class="none">—</span>'


def _level_cell(level: str) -> str:
    return f'<td class="level-cell {_level_class(level)}">{escape(level)}</td>'


def _count_cell(count: int) -> str:
    """A zero is muted, so that the eye finds the requirements that do have cases or tests."""
    return f'<td class="num{" zero" if count == 0 else ""}">{count}</td>'


def _trace_html(doc: _Document) -> str:
    rows = doc.rows
    must = sum(1 for r in rows if mandatory(r.level))
    reviewed = sum(1 for r in rows if r.review)
    parts = [
        '<section class="appendix">',
        f'<h2 id="{doc.trace}">{escape(_trace_title(doc))}'
        f'<a class="self" href="#{doc.trace}" aria-label="Link to this section">§</a></h2>',
        f'<p class="intro">Generated from the reference validator when this page was rendered (the same data as '
        f"<code>aerp spec matrix</code>); not part of the normative text. {len(rows)} requirements, {must} of them "
        f"mandatory (MUST or MUST NOT), {reviewed} verified by a reviewer rather than a machine. For each: the checks "
        "that enforce it, the number of conformance cases (<code>reference-results/</code>) that trigger those "
        "checks, the number of the validator's own tests that show it, and why a reviewer verifies it.</p>",
        '<div class="table-wrap">',
        '<table class="trace">',
        '<thead><tr><th>Requirement</th><th>Level</th><th>Checks</th><th class="num">Conformance cases</th>'
        '<th class="num">Validator tests</th><th>Verified by review</th></tr></thead>',
        "<tbody>",
    ]
    for row in rows:
        target = (
            f'<a href="#{escape(row.id)}">{escape(row.id)}</a>'
            if row.id in doc.context.requirements
            else escape(row.id)
        )
        review = doc.inline.render(row.review) if row.review else '<span class="none">—</span>'
        parts.append(
            f'<tr id="{escape(doc.trace_rows[row.id])}"><td>{target}</td>{_level_cell(row.level)}'
            f"<td>{_trace_checks(row)}</td>{_count_cell(len(row.cases))}{_count_cell(len(row.tests))}"
            f'<td class="review-reason">{review}</td></tr>'
        )
    parts += ["</tbody></table></div>", "</section>"]
    return "\n".join(parts)


def render_spec(version: str = "1.0") -> str:
    """The specification of `version` as one self-contained HTML5 page, the same bytes every time."""
    doc = _Document(spec_path(version).read_text(encoding="utf-8"), version)
    title = re.sub(r"`", "", doc.title)
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # nothing on this page is fetched: the policy makes that true even for a link it forgot
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="color-scheme" content="light">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]
    body = [_title_html(doc), _glance_html(doc), _toc_html(doc)]
    if doc.front:
        body.append('<section class="front">')
        body += [_block_html(doc, block) for block in doc.front]
        body.append("</section>")
    body.append("<main>")
    body += [_block_html(doc, block) for block in doc.body]
    body.append(_trace_html(doc))
    body.append("</main>")
    body.append(
        f"<footer>{escape(title)}. Rendered by the AERP reference validator (<code>aerp spec render</code>) from "
        f"<code>spec/{escape(version)}/aerp-{escape(version)}.md</code>; the Markdown text is normative.</footer>"
    )
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"
