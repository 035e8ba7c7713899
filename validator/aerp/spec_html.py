"""The specification as one readable, self-contained HTML5 page (`aerp spec render`).

The Markdown text in `spec/X.Y/` stays the normative source; this page is a rendering of it
for the people who review a standard rather than a repository: a title block, a table of
contents, requirements set apart from the informative prose, cross-references that are
links, and the traceability matrix as a last appendix. The page is meant to be archived,
mailed and printed, so it stands alone: inline CSS, no script, no font, image or style sheet
from anywhere, and no link to a file beside it (links to repository files are shown as code).

The text is parsed as CommonMark by markdown-it-py, with raw HTML off and AERP's additions
(anchor lines, requirement paragraphs, table captions) taught to the parser in
`aerp.spec_render.markdown`. This module settles the page around the parsed text: every id,
unique and stable, so that links can be checked before they are written; the title block,
the contents, the "at a glance" box and the generated traceability annex. Every string is
escaped, and the same text gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape

from markdown_it.token import Token

from aerp.requirements import mandatory, spec_path
from aerp.spec_render.markdown import CITATION, MARKDOWN, Flags, Linker, Targets, level_class
from aerp.spec_render.style import STYLE
from aerp.traceability import Row, matrix

_META = re.compile(r"^(?P<key>[A-Z][A-Za-z -]{0,40}): (?P<value>\S.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.? +")
_APPENDIX = re.compile(r"^(?:Appendix|Annex) (?P<letter>[A-Z])\b")
_NUMERIC_CELL = re.compile(r"^[-+−]?\d[\d,]*(?:\.\d+)?(?:\s?%)?$")
_ALIGN = re.compile(r"text-align:(?P<align>left|right|center)")


def _id_of(token: Token) -> str:
    return str(token.attrGet("id") or "")


@dataclass
class Heading:
    """A heading of the text; its id lives on its token, so the page and the links cannot disagree."""

    opening: Token
    inline: Token

    @property
    def level(self) -> int:
        return int(self.opening.tag[1:])

    @property
    def title(self) -> str:
        """The title's Markdown source: where its number is read, and the page's plain-text title."""
        return self.inline.content

    @property
    def anchor(self) -> str | None:
        """The name the text gave it with an anchor line above it, which links already use."""
        return self.opening.meta.get("anchor")

    @property
    def id(self) -> str:
        return _id_of(self.opening)

    @property
    def number(self) -> str | None:
        """The section number ("12.1") or appendix letter ("A") that the prose refers to."""
        numbered = _NUMBERED.match(self.title)
        if numbered:
            return numbered.group("number")
        appendix = _APPENDIX.match(self.title)
        return appendix.group("letter") if appendix else None


@dataclass
class _Table:
    """The cells of one parsed table, each an opening token with the inline token of its text."""

    opening: Token
    header: list[tuple[Token, Token]] = field(default_factory=list)
    rows: list[tuple[Token, list[tuple[Token, Token]]]] = field(default_factory=list)

    @property
    def caption_number(self) -> str | None:
        return self.opening.meta.get("caption")

    @property
    def is_references(self) -> bool:
        """A table whose first column is "Tag" lists references; its rows are what `[TAG]` cites."""
        return bool(self.header) and self.header[0][1].content.lower() == "tag"


def _headings(tokens: Sequence[Token]) -> Iterator[Heading]:
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            yield Heading(token, tokens[index + 1])


def _tables(tokens: Sequence[Token]) -> Iterator[_Table]:
    table: _Table | None = None
    cells: list[tuple[Token, Token]] = []
    in_head = False
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            table = _Table(token)
        elif table is None:
            continue
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open" and not in_head:
            cells = []
            table.rows.append((token, cells))
        elif token.type in ("th_open", "td_open"):
            (table.header if in_head else cells).append((token, tokens[index + 1]))
        elif token.type == "table_close":
            yield table
            table = None


def _style_columns(table: _Table) -> None:
    """Classes instead of markdown-it's inline styles: a column of numbers is right-aligned, as its text asks or not.

    An explicit `:--` alignment wins; a column whose every filled cell is a number is set to
    the right with tabular figures, so that the digits line up.
    """
    aligns = []
    for opening, _ in table.header:
        found = _ALIGN.search(str(opening.attrGet("style") or ""))
        aligns.append(found.group("align") if found else None)
    classes = []
    for column, align in enumerate(aligns):
        values = [cells[column][1].content for _, cells in table.rows if column < len(cells)]
        values = [value for value in values if value]
        numeric = bool(values) and all(_NUMERIC_CELL.match(value) for value in values)
        classes.append(
            "num" if align == "right" or (align is None and numeric) else "center" if align == "center" else ""
        )
    for cells in [table.header, *(cells for _, cells in table.rows)]:
        for (opening, _), css in zip(cells, classes, strict=False):
            opening.attrs.pop("style", None)
            if css:
                opening.attrSet("class", css)


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


def _flags(opening: Token) -> Flags:
    """What the inline text right after `opening` may become (see `Flags`)."""
    if opening.type == "heading_open":
        return Flags(links=False, refs=False)
    if opening.type == "th_open":
        return Flags(refs=False, narrow=True)
    if opening.type == "td_open":
        # a reference table's tag cell is the citation's target, not a citation of itself
        return Flags(refs=opening.attrGet("class") != "tag", narrow=True)
    return Flags(keywords=opening.attrGet("class") == "req-text")


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

    def __init__(self, text: str, version: str, rows: Sequence[Row]) -> None:
        self.version = version
        self.env: dict[str, object] = {}
        tokens = MARKDOWN.parse(text, self.env)
        self.title = f"AERP {version}"
        self.title_inline: Token | None = None
        self.meta: list[tuple[str, str]] = []
        self.front, self.body = self._split(tokens)
        content = self.front + self.body
        self.headings = list(_headings(self.body))
        ids = _Ids()
        for token in content:
            if token.type in ("heading_open", "aerp_anchor") and token.meta.get("anchor"):
                token.attrSet("id", ids.claim(token.meta["anchor"]))
            elif token.type == "aerp_requirement_open":
                token.attrSet("id", ids.claim(token.meta["id"]))
        self.top = ids.generate("top")
        self.contents = ids.generate("contents")
        self.glance = ids.generate("at-a-glance")
        self.trace = ids.generate("traceability-matrix")
        sections, appendices, numbered, references = self._name(content, ids)
        self.rows = list(rows)
        self.trace_rows = {row.id: ids.generate(f"trace-{row.id}") for row in self.rows}
        self.env["trace_rows"] = self.trace_rows
        requirements = {t.meta["id"] for t in content if t.type == "aerp_requirement_open"}
        self.targets = Targets(
            requirements, references, sections, appendices, numbered, ids.taken, f"aerp-{version}.md", self.top
        )
        self.linker = Linker(self.targets)
        for index, token in enumerate(content):
            if token.type == "inline":
                self.linker.resolve(token, _flags(content[index - 1]))
        if self.title_inline is not None:
            self.linker.resolve(self.title_inline, Flags(links=False, refs=False))
        self.trace_letter = self._next_appendix_letter()
        # an edition drafted in ISO form calls its appendices annexes and labels them informative
        self.annex_word = "Annex" if any(h.title.startswith("Annex ") for h in self.headings) else "Appendix"

    def _name(self, content: list[Token], ids: _Ids) -> tuple[dict[str, str], ...]:
        """Ids for what the text did not name, in the order of the text, and what the prose may cite.

        Returns the targets of "Section N", "Annex X", "Table N" and "[TAG]": each number's
        first heading or table, and each tag's row of a reference table.
        """
        sections: dict[str, str] = {}
        appendices: dict[str, str] = {}
        numbered: dict[str, str] = {}
        references: dict[str, str] = {}
        tables = _tables(content)
        for index, token in enumerate(content):
            if token.type == "heading_open":
                heading = Heading(token, content[index + 1])
                if not heading.id:
                    token.attrSet("id", ids.generate(self._base_id(heading)))
                if heading.number:
                    target = appendices if _APPENDIX.match(heading.title) else sections
                    target.setdefault(heading.number, heading.id)
            elif token.type == "table_open":
                table = next(tables)
                _style_columns(table)
                if table.caption_number:
                    token.attrSet("id", ids.generate(f"table-{table.caption_number}"))
                    numbered.setdefault(table.caption_number, _id_of(token))
                if table.is_references:
                    self._anchor_references(table, ids, references)
        return sections, appendices, numbered, references

    def _split(self, tokens: list[Token]) -> tuple[list[Token], list[Token]]:
        """Title, the "Key: value" lines under it, the front matter, and the numbered body."""
        index = 0
        if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            self.title_inline = tokens[1]
            self.title = tokens[1].content
            index = 3
        while index + 2 < len(tokens) and tokens[index].type == "paragraph_open":
            meta = _META.match(tokens[index + 1].content)
            if meta is None or "\n" in tokens[index + 1].content:
                break
            self.meta.append((meta.group("key"), meta.group("value")))
            index += 3
        first = next(
            (
                i
                for i in range(index, len(tokens))
                if tokens[i].type == "heading_open" and tokens[i].level == 0 and tokens[i].tag in ("h1", "h2")
            ),
            len(tokens),
        )
        return tokens[index:first], tokens[first:]

    @staticmethod
    def _base_id(heading: Heading) -> str:
        """A heading the text did not name is named after its number, or its title when it has none."""
        number = heading.number
        if number and _APPENDIX.match(heading.title):
            return f"appendix-{number.lower()}"
        if number:
            return "section-" + number.replace(".", "-")
        return _slug(heading.title)

    @staticmethod
    def _anchor_references(table: _Table, ids: _Ids, references: dict[str, str]) -> None:
        """Each row of a reference table gets an id, `ref-TAG`, for the citations `[TAG]` of the prose."""
        for row, cells in table.rows:
            if not cells:
                continue
            cells[0][0].attrSet("class", "tag")
            tag = CITATION.fullmatch(cells[0][1].content)
            if tag:
                row.attrSet("id", ids.generate(f"ref-{tag.group('tag')}"))
                references.setdefault(tag.group("tag"), _id_of(row))

    def _next_appendix_letter(self) -> str:
        letters = [h.number for h in self.headings if h.number and _APPENDIX.match(h.title)]
        return chr(max(ord(letter) for letter in letters if letter) + 1) if letters else "A"

    def outline(self) -> list[_Section]:
        outline: list[_Section] = []
        for heading in self.headings:
            if heading.opening.level != 0:
                continue
            if heading.level == 2:
                outline.append(_Section(heading))
            elif heading.level == 3 and outline:
                outline[-1].children.append(heading)
        return outline

    def first_captioned_table_in(self, section_id: str) -> Token | None:
        inside = False
        for token in self.body:
            if token.type == "heading_open" and token.tag in ("h1", "h2"):
                inside = _id_of(token) == section_id
            elif inside and token.type == "table_open" and token.meta.get("caption"):
                return token
        return None

    def html(self, tokens: Sequence[Token]) -> str:
        """Block tokens as HTML, without the line break the renderer ends them with."""
        return MARKDOWN.renderer.render(tokens, MARKDOWN.options, self.env).rstrip("\n")

    def inline_html(self, token: Token) -> str:
        return MARKDOWN.renderer.renderInline(token.children or [], MARKDOWN.options, self.env)

    def markdown_html(self, text: str) -> str:
        """A piece of Markdown from outside the body (a "Key: value" line, a review reason), linked as the body is."""
        tokens = MARKDOWN.parseInline(text, self.env)
        for token in tokens:
            self.linker.resolve(token, Flags())
        return self.html(tokens)


# --- the page around the text -----------------------------------------------------------------


def _title_html(doc: _Document) -> str:
    title = doc.inline_html(doc.title_inline) if doc.title_inline is not None else escape(doc.title)
    parts = [f'<header class="title" id="{doc.top}">', f"<h1>{title}</h1>"]
    if doc.meta:
        key, value = doc.meta[0]
        parts.append(f'<p class="status">{escape(key)}: {doc.markdown_html(value)}</p>')
    if len(doc.meta) > 1:
        parts.append('<dl class="meta">')
        parts += [f"<dt>{escape(key)}</dt><dd>{doc.markdown_html(value)}</dd>" for key, value in doc.meta[1:]]
        parts.append("</dl>")
    source = f"spec/{doc.version}/aerp-{doc.version}.md"
    parts.append(
        f'<p class="source-note">A rendering of <code>{escape(source)}</code>, the normative text; '
        "where this page and that text differ, the text applies.</p>"
    )
    parts.append("</header>")
    return "\n".join(parts)


def _glance_html(doc: _Document) -> str:
    by_id = {h.id: h for h in doc.headings}
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
                number = escape(str(table.meta.get("caption", "")))
                extra = f'; <a href="#{escape(_id_of(table))}">Table {number}</a>: the thresholds'
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
        title = doc.inline_html(section.heading.inline)
        entry = f'<li><a href="#{escape(section.heading.id)}">{title}</a>'
        if section.children:
            children = "".join(
                f'<li><a href="#{escape(c.id)}">{doc.inline_html(c.inline)}</a></li>' for c in section.children
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
    return f'<td class="level-cell {level_class(level)}">{escape(level)}</td>'


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
            if row.id in doc.targets.requirements
            else escape(row.id)
        )
        review = doc.markdown_html(row.review) if row.review else '<span class="none">—</span>'
        parts.append(
            f'<tr id="{escape(doc.trace_rows[row.id])}"><td>{target}</td>{_level_cell(row.level)}'
            f"<td>{_trace_checks(row)}</td>{_count_cell(len(row.cases))}{_count_cell(len(row.tests))}"
            f'<td class="review-reason">{review}</td></tr>'
        )
    parts += ["</tbody></table></div>", "</section>"]
    return "\n".join(parts)


def render_page(text: str, version: str, rows: Sequence[Row] = ()) -> str:
    """The page of a specification text, with `rows` as its traceability matrix.

    `render_spec` gives it an edition's text and matrix; a test gives it a few lines of Markdown.
    """
    doc = _Document(text, version, rows)
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
        body += ['<section class="front">', doc.html(doc.front), "</section>"]
    body += ["<main>", doc.html(doc.body), _trace_html(doc), "</main>"]
    body.append(
        f"<footer>{escape(title)}. Rendered by the AERP reference validator (<code>aerp spec render</code>) from "
        f"<code>spec/{escape(version)}/aerp-{escape(version)}.md</code>; the Markdown text is normative.</footer>"
    )
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def render_spec(version: str = "1.0") -> str:
    """The specification of `version` as one self-contained HTML5 page, the same bytes every time."""
    return render_page(spec_path(version).read_text(encoding="utf-8"), version, matrix(version))
