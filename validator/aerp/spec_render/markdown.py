"""The Markdown of the AERP specification: CommonMark with GitHub tables, plus what AERP adds.

The text is parsed by markdown-it-py with raw HTML off, so a tag written in the text (an
`<img>`, a `<script>`) is shown as text and never reaches the page. Three constructs of the
text are not CommonMark, and this module teaches the parser them:

- an anchor line, `<a id="…"></a>` alone on a line, which names the heading under it or, with
  no heading under it, a place that links land on (with raw HTML off it would print as text);
- a requirement paragraph, `<a id="REQ-X-n"></a>**REQ-X-n** sentence`, with an optional line
  `*Verification (review):* reason` under it: the same lines `aerp.requirements` reads, shown as
  a requirement block with its level;
- a caption line, "Table N — title", as the one-line paragraph right before a table.

Links and cross-references are settled later (`Linker`), once every id of the page is known:
a link must land on the page or go to an absolute URL, and a "Section 12.1" or "REQ-MEAS-4" of
the prose is a link only if the page has that section or requirement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from aerp.requirements import level_of, mandatory

# the same two patterns as aerp.requirements, so that the page shows exactly the requirements it reads
_REQUIREMENT = re.compile(r'^<a id="(?P<anchor>REQ-[A-Z]+-\d+)"></a>\*\*(?P<id>REQ-[A-Z]+-\d+)\*\* (?P<text>.+)$')
_REVIEW = re.compile(r"^\*Verification \(review\):\* (?P<reason>.+)$")
_ANCHOR = re.compile(r'^<a id="([^"]+)"></a>\s*$')
_CAPTION = re.compile(r"^Table (?P<number>\d+) — (?P<title>.+)$")

# --- parsing ----------------------------------------------------------------------------------


def _line(state: StateBlock, line: int) -> str:
    """The text of a line without its indentation."""
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _is_code(state: StateBlock, line: int) -> bool:
    """Four spaces of indentation make an indented code block, whatever the line says."""
    return state.sCount[line] - state.blkIndent >= 4


def _paragraph_end(state: StateBlock, start: int) -> int:
    """The line after a paragraph that begins at `start`, by CommonMark's rule for paragraphs.

    A blank line ends it, and so does a line that opens a block allowed to interrupt a paragraph
    (a heading, a list, a table, an anchor line, another requirement); a line indented like
    code continues it lazily, as in markdown-it's own paragraph rule.
    """
    terminators = state.md.block.ruler.getRules("paragraph")
    parent, state.parentType = state.parentType, "paragraph"
    line, end = start + 1, state.lineMax
    while line < end and not state.isEmpty(line):
        lazy = state.sCount[line] - state.blkIndent > 3 or state.sCount[line] < 0
        if not lazy and any(rule(state, line, end, True) for rule in terminators):
            break
        line += 1
    state.parentType = parent
    return line


def _anchor_line(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`<a id="…"></a>` alone on a line: the text's own anchor, kept because links point at it."""
    if _is_code(state, start):
        return False
    found = _ANCHOR.match(_line(state, start))
    if found is None:
        return False
    if not silent:
        token = state.push("aerp_anchor", "span", 0)
        token.meta = {"anchor": found.group(1)}
        token.map = [start, start + 1]
        state.line = start + 1
    return True


def _requirement(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A requirement paragraph: its sentence, and the reviewer's note if a line under it gives one."""
    if _is_code(state, start):
        return False
    found = _REQUIREMENT.match(_line(state, start))
    if found is None:
        return False
    if silent:
        return True
    last = _paragraph_end(state, start)
    sentence, review = [found.group("text")], []
    for line in range(start + 1, last):
        text = _line(state, line)
        note = None if review else _REVIEW.match(text)
        if note:
            review.append(note.group("reason"))
        elif review:
            review.append(text)
        else:
            sentence.append(text)
    state.line = last

    def push(kind: str, tag: str, nesting: int, content: str | None = None) -> Token:
        token = state.push(kind, tag, nesting)
        token.map = [start, last]
        if content is not None:
            token.content, token.children = content, []
        return token

    opening = push("aerp_requirement_open", "div", 1)
    opening.meta = {"id": found.group("id"), "text": "\n".join(sentence)}
    push("paragraph_open", "p", 1).attrSet("class", "req-text")
    push("inline", "", 0, "\n".join(sentence))
    push("paragraph_close", "p", -1)
    if review:
        push("aerp_review_open", "p", 1)
        push("inline", "", 0, "\n".join(review))
        push("aerp_review_close", "p", -1)
    push("aerp_requirement_close", "div", -1)
    return True


def _caption(tokens: Sequence[Token], index: int) -> re.Match[str] | None:
    """The "Table N — title" of a one-line paragraph at `index` that a table follows at once."""
    if tokens[index].type != "paragraph_open" or index + 3 >= len(tokens) or tokens[index + 3].type != "table_open":
        return None
    return _CAPTION.match(tokens[index + 1].content)


def _attach(state: StateCore) -> None:
    """An anchor line names the heading under it; a caption line becomes its table's `<caption>`.

    Runs before inline parsing, so that the caption is parsed as inline text without its
    "Table N —" and the table's number stays data, for the id and the cross-references.
    """
    tokens, attached = state.tokens, []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.type == "aerp_anchor" and following is not None and following.type == "heading_open":
            following.meta["anchor"] = token.meta["anchor"]
            index += 1
            continue
        caption = _caption(tokens, index)
        if caption is not None:
            inline, table = tokens[index + 1], tokens[index + 3]
            table.meta["caption"] = caption.group("number")
            inline.content, inline.level = caption.group("title"), table.level + 2
            opening = Token("aerp_caption_open", "caption", 1, level=table.level + 1, meta=dict(table.meta))
            closing = Token("aerp_caption_close", "caption", -1, level=table.level + 1)
            attached += [table, opening, inline, closing]
            index += 4
            continue
        attached.append(token)
        index += 1
    state.tokens = attached


def _any_link(url: str) -> bool:
    """Every link is parsed, whatever its scheme: `Linker` decides which ones become links."""
    return True


def parser() -> MarkdownIt:
    """CommonMark, GitHub tables, no raw HTML, HTML5 void tags, and AERP's three additions."""
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False}, renderer_cls=PageRenderer).enable("table")
    # like a heading, an anchor line or a requirement may start without a blank line before it
    interrupts = {"alt": ["paragraph", "reference", "blockquote"]}
    md.block.ruler.before("paragraph", "aerp_anchor", _anchor_line, interrupts)
    md.block.ruler.before("aerp_anchor", "aerp_requirement", _requirement, interrupts)
    md.core.ruler.after("block", "aerp_attach", _attach)
    # markdown-it would drop a link with a scheme it distrusts and print its Markdown; the text's
    # links are judged by one rule of our own instead, which makes any link that is neither
    # internal nor http(s) code text (Linker._link)
    md.validateLink = _any_link  # type: ignore[method-assign]
    return md


# --- links and cross-references ---------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"\x00]+")
_REQ_REF = re.compile(r"\bREQ-[A-Z]+-\d+\b")
CITATION = re.compile(r"\[(?P<tag>[A-Z][A-Z0-9-]*)\]")
_SECTION_REF = re.compile(r"\bSection (?P<number>\d+(?:\.\d+)*)")
_TABLE_REF = re.compile(r"\bTable (?P<number>\d+)\b")
_APPENDIX_REF = re.compile(r"\b(?:Appendix|Annex) (?P<letter>[A-Z])\b")
_KEYWORD = re.compile(
    r"\b(?:MUST NOT|SHOULD NOT|SHALL NOT|NOT RECOMMENDED|MUST|SHOULD|SHALL|MAY|REQUIRED|RECOMMENDED|OPTIONAL)\b"
)
_INTERNAL_TARGET = re.compile(r"^(?P<file>[\w.-]+\.md)?#(?P<anchor>[A-Za-z][\w.:-]*)$")
_TRAILING = ".,;:!?'\""


@dataclass
class Targets:
    """What the text may link to, known only once the whole text is read and every id is settled."""

    requirements: set[str]
    references: dict[str, str]
    sections: dict[str, str]
    appendices: dict[str, str]
    tables: dict[str, str]
    ids: set[str]
    source: str = ""
    top: str = "top"


@dataclass(frozen=True)
class Flags:
    """What the inline text of one place may become.

    A heading shows a link's label only (the contents link the heading itself) and no
    cross-reference; a table header has no cross-reference either; in a table cell long
    code may wrap; only a requirement's sentence has its BCP 14 key words set apart.
    """

    links: bool = True
    refs: bool = True
    keywords: bool = False
    narrow: bool = False


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _code(content: str) -> Token:
    return Token("code_inline", "code", 0, content=content, markup="`")


def _linked(href: str, label: Sequence[Token], css: str | None = None) -> list[Token]:
    attrs = {"class": css, "href": href} if css else {"href": href}
    return [Token("link_open", "a", 1, attrs=attrs), *label, Token("link_close", "a", -1)]


def _url_end(url: str) -> str:
    """Trim the punctuation that ends a sentence, and a closing parenthesis the URL did not open."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


Piece = str | list[Token]


def _split(
    pieces: list[Piece], pattern: re.Pattern[str], make: Callable[[re.Match[str]], list[Token] | None]
) -> list[Piece]:
    """Replace each match in the plain pieces with the tokens `make` gives; tokens already made stay.

    Rules run one after another on what is still plain text, so that no rule rewrites what
    an earlier one produced (a URL is not searched for requirement ids).
    """
    result: list[Piece] = []
    for piece in pieces:
        if not isinstance(piece, str):
            result.append(piece)
            continue
        last = 0
        for found in pattern.finditer(piece):
            made = make(found)
            if made is not None:
                result += [piece[last : found.start()], made]
                last = found.end()
        result.append(piece[last:])
    return [piece for piece in result if piece != ""]


class Linker:
    """Settles the links of the text and turns its cross-references into links, token by token."""

    def __init__(self, targets: Targets) -> None:
        self.targets = targets

    def resolve(self, inline: Token, flags: Flags) -> None:
        """Rewrite the children of one inline token; the renderer then only writes what is there."""
        children, resolved = inline.children or [], []
        index = 0
        while index < len(children):
            token = children[index]
            if token.type == "link_open":
                # CommonMark links do not nest, so the next link_close is this link's
                close = next(i for i in range(index + 1, len(children)) if children[i].type == "link_close")
                resolved += self._link(token, children[index + 1 : close], flags)
                index = close + 1
                continue
            if token.type == "text":
                resolved += self._text(token.content, flags)
            else:
                if token.type == "code_inline" and flags.narrow:
                    token.meta["narrow"] = True
                resolved.append(token)
            index += 1
        inline.children = resolved

    def _link(self, opening: Token, label: list[Token], flags: Flags) -> list[Token]:
        """A link of the text: internal when it names an id of the page, a reference when absolute.

        A relative link to a repository file (`protocol.yaml`) would be broken on a page read
        on its own, so it is shown as code text instead; any other scheme is never a link.
        """
        if not flags.links:
            return label
        target = str(opening.attrGet("href") or "")
        plain = "".join(t.content for t in label if t.type in ("text", "code_inline"))
        internal = _INTERNAL_TARGET.match(target)
        same_file = internal is not None and internal.group("file") in (None, self.targets.source)
        if internal and same_file and internal.group("anchor") in self.targets.ids:
            return _linked(f"#{internal.group('anchor')}", label)
        if target == self.targets.source:
            return _linked(f"#{self.targets.top}", label)
        if re.match(r"^https?://", target):
            return _linked(target, label, "url" if plain == target else "ext")
        if plain == target:
            return [_code(target)]
        return [*label, _text(" ("), _code(target), _text(")")]

    def _text(self, content: str, flags: Flags) -> list[Token]:
        pieces: list[Piece] = [content]
        if flags.links:
            pieces = _split(pieces, _URL, self._bare_url)
        if flags.refs:
            pieces = _split(pieces, _REQ_REF, self._requirement)
            pieces = _split(pieces, CITATION, self._citation)
            pieces = _split(pieces, _SECTION_REF, self._section)
            pieces = _split(pieces, _TABLE_REF, self._to(self.targets.tables, "number"))
            pieces = _split(pieces, _APPENDIX_REF, self._to(self.targets.appendices, "letter"))
        if flags.keywords:
            pieces = _split(pieces, _KEYWORD, _keyword)
        return [token for piece in pieces for token in ([_text(piece)] if isinstance(piece, str) else piece)]

    @staticmethod
    def _bare_url(found: re.Match[str]) -> list[Token]:
        url = _url_end(found.group(0))
        tail = found.group(0)[len(url) :]
        return [*_linked(url, [_text(url)], "url"), *([_text(tail)] if tail else [])]

    def _requirement(self, found: re.Match[str]) -> list[Token] | None:
        name = found.group(0)
        return _linked(f"#{name}", [_text(name)], "xref") if name in self.targets.requirements else None

    def _citation(self, found: re.Match[str]) -> list[Token] | None:
        target = self.targets.references.get(found.group("tag"))
        return _linked(f"#{target}", [_text(found.group(0))], "cite") if target else None

    def _section(self, found: re.Match[str]) -> list[Token] | None:
        # "Annex XI, Section 1" of the EU AI Act is that act's section, not one of ours.
        if "Annex" in found.string[max(0, found.start() - 16) : found.start()]:
            return None
        return self._to(self.targets.sections, "number")(found)

    @staticmethod
    def _to(targets: dict[str, str], group: str) -> Callable[[re.Match[str]], list[Token] | None]:
        def link(found: re.Match[str]) -> list[Token] | None:
            target = targets.get(found.group(group))
            return _linked(f"#{target}", [_text(found.group(0))], "xref") if target else None

        return link


def _keyword(found: re.Match[str]) -> list[Token]:
    strong = Token("strong_open", "strong", 1, attrs={"class": "kw"})
    return [strong, _text(found.group(0)), Token("strong_close", "strong", -1)]


# --- writing ----------------------------------------------------------------------------------

_BREAK_AFTER = re.compile(r"(?<=[\w\]*])[./](?=[A-Za-z_*&])")


def level_class(level: str) -> str:
    """The CSS class of a requirement level: "must" for a requirement proper, "should", or "may".

    The class is the kind of provision, not the word: a 1.1 "shall" is drawn as a 1.0 MUST,
    so that the colour means the same in both editions.
    """
    if mandatory(level):
        return "must"
    return "should" if level.lower().startswith("should") else "may"


def code_html(code: str, breakable: bool = False) -> str:
    """A code span that may wrap after the dots and slashes of a member name or a path.

    Table 8 puts names like `results.summary.accelerator_energy_per_1000_queries` in narrow
    columns; without a break opportunity the browser either overflows or splits a word.
    """
    escaped = escape(code)
    if breakable:
        escaped = _BREAK_AFTER.sub(lambda m: m.group(0) + "<wbr>", escaped)
    return f"<code>{escaped}</code>"


class PageRenderer(RendererHTML):
    """HTML5 for the tokens of the spec; each method renders the token type it is named after.

    Text is escaped with `html.escape`, like every other string of the page. Raw HTML and
    images cannot come out of the parser as configured, and are written as text if they ever do:
    the page must not load anything nor carry markup the text did not mean.
    """

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return escape(tokens[idx].content)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return escape(tokens[idx].content)

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<p>{escape(tokens[idx].content.rstrip())}</p>\n"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInline(token.children or [], options, env)
        return f"{alt} ({code_html(str(token.attrGet('src') or ''))})"

    def code_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        return code_html(token.content, bool(token.meta.get("narrow")))

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """An indented block is a formula in this text (E_rated = …), set apart from code examples."""
        body = escape(tokens[idx].content.rstrip("\n"))
        return f'<pre class="formula"><code>{body}</code></pre>\n'

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        lang = token.info.split()[0] if token.info.strip() else ""
        css = f' class="language-{escape(lang)}"' if lang else ""
        body = escape(token.content.rstrip("\n"))
        return f"<pre><code{css}>{body}</code></pre>\n"

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """Every heading ends with a link to itself, shown on hover, to copy a section's address."""
        anchor = tokens[idx - 2].attrGet("id") if idx >= 2 else None
        tag = tokens[idx].tag
        if not anchor:
            return f"</{tag}>\n"
        return f'<a class="self" href="#{escape(str(anchor))}" aria-label="Link to this section">§</a></{tag}>\n'

    def aerp_anchor(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        anchor = tokens[idx].attrGet("id")
        return f'<span id="{escape(str(anchor))}"></span>\n' if anchor else ""

    def aerp_requirement_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """The requirement's id, its level as a badge, and a link to its row of the traceability matrix."""
        token = tokens[idx]
        requirement = token.meta["id"]
        level = level_of(token.meta["text"]) or ""
        anchor = escape(str(token.attrGet("id") or requirement))
        head = [f'<a class="req-id" href="#{anchor}">{escape(requirement)}</a>']
        if level:
            head.append(f'<span class="level">{escape(level)}</span>')
        trace = env.get("trace_rows", {}).get(requirement)
        if trace:
            head.append(f'<a class="trace" href="#{escape(trace)}">traceability</a>')
        return f'<div class="req {level_class(level)}" id="{anchor}">\n<div class="req-head">{" ".join(head)}</div>\n'

    def aerp_requirement_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</div>\n"

    def aerp_review_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return '<p class="review"><span class="label">Verification (review):</span> '

    def aerp_review_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</p>\n"

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A wide table scrolls inside its own box instead of widening the page."""
        return '<div class="table-wrap">\n' + self.renderToken(tokens, idx, options, env)

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</table></div>\n"

    # one line per table row: the page's source stays readable, and a row is found with one grep
    def thead_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "<thead>"

    def thead_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</thead>\n"

    def tbody_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</tbody>"

    def tr_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<tr{self.renderAttrs(tokens[idx])}>"

    def tr_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</tr>" if tokens[idx - 1].type == "th_close" else "</tr>\n"

    def th_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</th>"

    def td_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</td>"

    def aerp_caption_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        number = escape(str(tokens[idx].meta.get("caption", "")))
        return f'<caption><span class="number">Table {number}</span> — '

    def aerp_caption_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</caption>\n"


MARKDOWN = parser()
