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
from aerp.spec_html import parse_blocks, render_spec
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


def test_markdown_subset_is_converted_and_escaped() -> None:
    # a small text through the same converter: links, escaping, code, emphasis, lists
    from aerp.spec_html import _Context, _Inline

    context = _Context({"REQ-X-1"}, {}, {}, {}, {}, {"REQ-X-1", "top"}, source="aerp-1.0.md")
    inline = _Inline(context)
    assert inline.render("[the rule](aerp-1.0.md#REQ-X-1)") == '<a href="#REQ-X-1">the rule</a>'
    assert inline.render("[rule](#REQ-X-1)") == '<a href="#REQ-X-1">rule</a>'
    assert inline.render("[spec](aerp-1.0.md)") == '<a href="#top">spec</a>'
    # another version's text is another document: its anchors are not this page's
    assert inline.render("[old](aerp-0.9.md#REQ-X-1)") == "old (<code>aerp-0.9.md#REQ-X-1</code>)"
    assert inline.render("[gone](#REQ-X-99)") == "gone (<code>#REQ-X-99</code>)"
    assert inline.render("[protocol.yaml](protocol.yaml)") == "<code>protocol.yaml</code>"
    assert inline.render("[x](javascript:alert)") == "x (<code>javascript:alert</code>)"
    assert inline.render("[RFC](https://www.rfc-editor.org/rfc/rfc2119)") == (
        '<a class="ext" href="https://www.rfc-editor.org/rfc/rfc2119">RFC</a>'
    )
    assert inline.render("see (https://example.org/a_b).") == (
        'see (<a class="url" href="https://example.org/a_b">https://example.org/a_b</a>).'
    )
    assert inline.render('<b>"x"</b> & `<i>` **bold** *it*') == (
        "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; <code>&lt;i&gt;</code> <strong>bold</strong> <em>it</em>"
    )
    assert inline.render("`m**(9**9**9)` and `REQ-X-1`") == "<code>m**(9**9**9)</code> and <code>REQ-X-1</code>"
    blocks = parse_blocks(
        "Intro:\n- one\n- two\n\n1. a\n2. b\n\n    x = 1\n\nTable 3 — T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Paragraph", "ListBlock", "ListBlock", "Code", "Table"]
    assert blocks[-1].caption_number == "3"  # type: ignore[union-attr]


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
