"""The HTML rendering of the spec: a page a reviewer can read, print and archive on its own.

The page is only useful if it can be trusted as a rendering of the text: every requirement
is there and reachable by its id, no link inside it leads nowhere, and nothing in it reaches
for the network or for files beside it.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aerp.requirements import read_requirements, spec_path
from aerp.spec_html import render_page, render_spec
from aerp.traceability import matrix


class _Collector(HTMLParser):
    """Every id and href of the page, and the text of each element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


@functools.lru_cache(maxsize=1)
def _page() -> str:
    return render_spec("1.0")


@functools.lru_cache(maxsize=1)
def _parsed() -> _Collector:
    collector = _Collector()
    collector.feed(_page())
    collector.close()
    return collector


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def _requirement_block(page: str, requirement: str) -> str:
    return _between(page, f'id="{requirement}">', "\n</div>")


def test_ids_are_unique() -> None:
    ids = _parsed().ids
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_internal_link_lands_on_an_id() -> None:
    ids = set(_parsed().ids)
    internal = {href[1:] for href in _parsed().hrefs if href.startswith("#")}
    assert internal, "the page has no internal links at all"
    assert sorted(internal - ids) == []


def test_links_are_internal_or_absolute_references() -> None:
    # a relative link would depend on files beside the page; other schemes are never links
    assert [h for h in _parsed().hrefs if not h.startswith(("#", "https://", "http://"))] == []


def test_every_requirement_has_its_block_and_self_link() -> None:
    page = _page()
    ids = set(_parsed().ids)
    requirements = read_requirements("1.0")
    assert requirements
    assert [r.id for r in requirements if r.id not in ids] == []
    for requirement in requirements:
        block = _requirement_block(page, requirement.id)
        assert f'<div class="req-head"><a class="req-id" href="#{requirement.id}">{requirement.id}</a>' in block


def test_review_notes_are_shown_beneath_their_requirement() -> None:
    page = _page()
    reviewed = [r for r in read_requirements("1.0") if r.review]
    assert reviewed
    for requirement in reviewed:
        block = _requirement_block(page, requirement.id)
        assert '<p class="review"><span class="label">Verification (review):</span>' in block, requirement.id


def test_level_keywords_are_highlighted() -> None:
    page = _page()
    block = _requirement_block(page, "REQ-DIV-3")
    assert '<strong class="kw">MUST NOT</strong>' in block
    assert '<span class="level">MUST NOT</span>' in block


def test_contents_link_every_numbered_section_and_appendix() -> None:
    page = _page()
    contents = _between(page, '<nav class="toc"', "</nav>")
    toc_targets = set(re.findall(r'href="#([^"]+)"', contents))
    text = spec_path("1.0").read_text(encoding="utf-8")
    anchored = re.findall(r'<a id="([^"]+)"></a>\n## ', text)
    sections = re.findall(r"^## (.+)$", text, flags=re.M)
    assert len(anchored) == len(sections)
    assert sorted(set(anchored) - toc_targets) == []
    for title in sections:
        assert f">{title}</a>" in contents, title
    assert 'href="#traceability-matrix"' in contents
    assert "###" not in contents


def test_rating_threshold_table_and_at_a_glance() -> None:
    page = _page()
    thresholds = _between(page, '<table id="table-11">', "</table>")
    assert "aerp-1.0-fixed" in thresholds and "6.79890" in thresholds
    glance = _between(page, '<aside class="glance"', "</aside>")
    for target in ("#conformance", "#rating", "#table-11", "#versions", "#traceability-matrix"):
        assert f'href="{target}"' in glance, target


def test_revision_history_table() -> None:
    history = _between(_page(), 'id="revision-history"', "</table>")
    assert "<th>Version</th><th>Date</th><th>Notes</th>" in history
    assert "<td>1.0.0</td>" in history and "First edition." in history


def test_traceability_appendix_lists_every_requirement() -> None:
    page = _page()
    appendix = page[page.index('id="traceability-matrix"') :]
    rows = matrix("1.0")
    assert len(rows) == len(read_requirements("1.0"))
    for row in rows:
        assert f'<tr id="trace-{row.id}"><td><a href="#{row.id}">{row.id}</a></td>' in appendix, row.id


def test_cross_references_become_internal_links() -> None:
    page = _page()
    assert '<a class="xref" href="#REQ-MEAS-4">REQ-MEAS-4</a>' in page
    assert '<a class="xref" href="#file-format">Section 12.1</a>' in page  # the text's own anchor
    assert '<a class="xref" href="#section-10-4">Section 10.4</a>' in page  # a generated one
    assert '<a class="xref" href="#table-7">Table 7</a>' in page
    assert '<a class="cite" href="#ref-RFC2119">[RFC2119]</a>' in page
    # the EU AI Act's own section is not one of ours
    assert "Annex XI, Section 1, point" in page


def test_nothing_is_loaded_from_anywhere() -> None:
    page = _page()
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "<img" not in lowered
    assert re.search(r"\ssrc\s*=", lowered) is None
    assert 'src="http' not in lowered
    assert "@import" not in lowered and "url(" not in lowered


def test_the_same_text_gives_the_same_bytes() -> None:
    assert render_spec("1.0").encode("utf-8") == _page().encode("utf-8")


def _main(text: str, version: str = "1.0") -> str:
    """The body of a page rendered from a few lines of Markdown, without the generated annex."""
    page = render_page(f"# AERP test\n\n## 1 Body\n\n{text}", version)
    return _between(page, "<main>", '<section class="appendix">')


def test_links_are_settled_and_text_is_escaped() -> None:
    main = _main(
        '<a id="REQ-X-1"></a>**REQ-X-1** A thing MUST hold.\n\n'
        "[the rule](aerp-1.0.md#REQ-X-1); [rule](#REQ-X-1); [spec](aerp-1.0.md); [old](aerp-0.9.md#REQ-X-1); "
        "[gone](#REQ-X-99); [protocol.yaml](protocol.yaml); [x](javascript:alert); "
        "[RFC](https://www.rfc-editor.org/rfc/rfc2119)\n\n"
        "see (https://example.org/a_b).\n\n"
        '<b>"x"</b> & `<i>` **bold** *it*\n\n'
        "`m**(9**9**9)` and `REQ-X-1`, but REQ-X-1 and Section 1 are links\n"
    )
    assert '<a href="#REQ-X-1">the rule</a>; <a href="#REQ-X-1">rule</a>; <a href="#top">spec</a>;' in main
    # another version's text is another document: its anchors are not this page's
    assert "old (<code>aerp-0.9.md#REQ-X-1</code>); gone (<code>#REQ-X-99</code>);" in main
    assert "<code>protocol.yaml</code>; x (<code>javascript:alert</code>);" in main
    assert '<a class="ext" href="https://www.rfc-editor.org/rfc/rfc2119">RFC</a>' in main
    assert 'see (<a class="url" href="https://example.org/a_b">https://example.org/a_b</a>).' in main
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; <code>&lt;i&gt;</code> <strong>bold</strong> <em>it</em>" in main
    assert "<code>m**(9**9**9)</code> and <code>REQ-X-1</code>, but " in main
    assert '<a class="xref" href="#REQ-X-1">REQ-X-1</a> and <a class="xref" href="#section-1">Section 1</a>' in main


def test_commonmark_constructs_the_old_subset_lacked() -> None:
    # a nested list, emphasis inside a table cell, a code span that holds a backtick, a block quote
    main = _main(
        "- outer\n  - inner one\n  - inner two\n- second\n\n"
        "| Name | Note |\n|---|---|\n| `a.b` | *stressed* and **strong** |\n\n"
        "Use ``a ` tick`` here, and `a``b` too.\n\n"
        "> quoted\n"
    )
    assert "<ul>\n<li>outer\n<ul>\n<li>inner one</li>\n<li>inner two</li>\n</ul>\n</li>\n<li>second</li>\n</ul>" in main
    assert "<td><em>stressed</em> and <strong>strong</strong></td>" in main
    assert "<td><code>a.<wbr>b</code></td>" in main  # a member name in a cell may wrap at its dot
    assert "Use <code>a ` tick</code> here, and <code>a``b</code> too." in main
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in main


def test_raw_html_is_text_except_the_anchor_lines() -> None:
    main = _main(
        '<div onclick="x()">block</div>\n\n'
        'Inline <script>alert(1)</script>, <img src="https://example.org/x.png"> and <a href="#top">a</a>.\n\n'
        "![logo](https://example.org/logo.png)\n\n"
        '<a id="kept"></a>\n'
        "Text after an anchor line.\n"
    )
    lowered = main.lower()
    assert "<div onclick" not in lowered and "<script" not in lowered and "<img" not in lowered
    assert "<p>&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;</p>" in main
    assert "Inline &lt;script&gt;alert(1)&lt;/script&gt;, &lt;img src=" in main
    assert "&lt;a href=&quot;#top&quot;&gt;a&lt;/a&gt;." in main
    # an image would be fetched: it is shown as its description and its address instead
    assert "<p>logo (<code>https://example.org/logo.png</code>)</p>" in main
    assert '<span id="kept"></span>\n<p>Text after an anchor line.</p>' in main


def test_requirement_blocks_in_both_drafting_styles() -> None:
    main = _main(
        "Prose right before.\n"
        '<a id="REQ-X-1"></a>**REQ-X-1** A thing shall hold, see `x`.\n'
        "*Verification (review):* a reviewer looks at *the log*.\n\n"
        '<a id="REQ-X-2"></a>**REQ-X-2** A thing should hold.\n',
        version="1.1",
    )
    # a requirement line ends the paragraph before it, as the requirements reader sees it
    assert "<p>Prose right before.</p>\n" in main
    assert '<div class="req must" id="REQ-X-1">' in main and '<span class="level">shall</span>' in main
    assert '<p class="req-text">A thing shall hold, see <code>x</code>.</p>' in main
    review = (
        '<p class="review"><span class="label">Verification (review):</span> a reviewer looks at <em>the log</em>.</p>'
    )
    assert review in main
    assert '<div class="req should" id="REQ-X-2">' in main and '<span class="level">should</span>' in main
    # BCP 14 key words are set apart in 1.0 text; the ISO verbal forms of 1.1 are ordinary words
    assert '<strong class="kw">' not in main


def test_captions_numbers_and_the_reference_table() -> None:
    main = _main(
        "As Table 3 shows, [RFC2119] applies.\n\n"
        "Table 3 — The *numbers*\n\n| Name | Count | Where |\n|---|---|:-:|\n| a | 1,000 | x |\n| b | 2.5 | y |\n\n"
        "| Tag | Reference |\n|---|---|\n| [RFC2119] | Key words, https://www.rfc-editor.org/rfc/rfc2119 |\n"
    )
    assert '<a class="xref" href="#table-3">Table 3</a>' in main
    assert '<a class="cite" href="#ref-RFC2119">[RFC2119]</a>' in main
    table = _between(main, '<table id="table-3">', "</table>")
    assert '<caption><span class="number">Table 3</span> — The <em>numbers</em></caption>' in table
    assert '<th>Name</th><th class="num">Count</th><th class="center">Where</th>' in table
    assert '<td class="num">1,000</td>' in table and 'style="' not in table
    assert '<tr id="ref-RFC2119"><td class="tag">[RFC2119]</td>' in main


def test_the_render_command_writes_the_page(tmp_path: Path) -> None:
    from conftest import run_cli

    target = tmp_path / "spec.html"
    outcome = run_cli("spec", "render", "--aerp-version", "1.0", "--output-file", str(target))
    assert outcome.exit_code == 0 and target.read_text(encoding="utf-8") == render_spec("1.0")
    newest = run_cli("spec", "render", "--output-file", str(target))
    assert newest.exit_code == 0 and target.read_text(encoding="utf-8") == render_spec("1.1")
    matrix = run_cli("spec", "matrix", "-o", "json")
    assert matrix.exit_code == 0 and '"REQ-CONF-1"' in matrix.stdout


@pytest.mark.parametrize("edition", ["1.1"])
def test_every_edition_renders_with_unique_ids_and_links_that_land(edition: str) -> None:
    collector = _Collector()
    collector.feed(render_spec(edition))
    collector.close()
    assert sorted({i for i in collector.ids if collector.ids.count(i) > 1}) == []
    internal = {href[1:] for href in collector.hrefs if href.startswith("#")}
    assert internal and sorted(internal - set(collector.ids)) == []
    assert [h for h in collector.hrefs if not h.startswith(("#", "https://", "http://"))] == []
    from aerp.requirements import read_requirements

    assert {r.id for r in read_requirements(edition)} <= set(collector.ids)
