"""The published conformance report, Markdown and HTML, on the reference suite and on hostile input.

A leaderboard publishes these pages, so they must be reproducible (same run, same bytes),
complete (every file, every finding with the sentence it breaks), self-contained (nothing
fetched from a network) and safe (nothing a submission says can become markup).
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from aerp.discover import discover
from aerp.findings import FileResult, Finding, Severity, Verdict
from aerp.pipeline import validate_file
from aerp.render import html_report, markdown_report
from aerp.render.report_model import Band, TaskSection, build
from aerp.render.run import Run
from aerp.render.svg_chart import axis_range, render_chart, ticks
from conftest import SUITE

TIMESTAMP = "2026-01-01T00:00:00Z"
HOSTILE_MODEL = "<script>alert(1)</script>"
HOSTILE_MESSAGE = "<b>&"
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def results() -> list[FileResult]:
    """The reference suite validated once for the module: the reports are what is under test."""
    return [validate_file(path, name) for path, name in discover([str(SUITE)])]


@pytest.fixture(scope="module")
def run(results: list[FileResult]) -> Run:
    return Run(results=results, tool_version="test", timestamp=TIMESTAMP)


@pytest.fixture(scope="module")
def page(run: Run) -> str:
    return html_report.render(run)


@pytest.fixture(scope="module")
def markdown(run: Run) -> str:
    return markdown_report.render(run)


def _hostile_results() -> list[FileResult]:
    """A non-conformant file and a conformant one (so it reaches a chart) whose strings are markup."""
    facts: dict[str, object] = {
        "task": "text-generation",
        "class": "A",
        "model": f"evil/{HOSTILE_MODEL}",
        "division": "closed",
        "hardware": "1 × <i>GPU</i>",
        "energy_wh_per_1000_queries": 9.0,
        "stars": 4,
        "claimed_stars": 4,
    }
    finding = Finding("AERP-R002", Severity.ERROR, "/rating/stars", HOSTILE_MESSAGE, "REQ-RATE-2", 3, 1, "<i>hint</i>")
    broken = FileResult("evil/<img src=x>.yaml", "0" * 64, [finding], aerp_version="1.0.0", facts=facts)
    clean = FileResult("evil/clean.yaml", "1" * 64, [], aerp_version="1.0.0", facts=dict(facts))
    return [broken, clean]


def _file_section_html(page: str, path: str) -> str:
    start = page.index(f"<h3><code>{html.escape(path)}</code></h3>")
    return page[start : page.index("</article>", start)]


def _file_section_markdown(markdown: str, path: str) -> str:
    start = markdown.index(f"### `{path}`")
    following = [markdown.find(marker, start + 1) for marker in ("\n### ", "\n## ")]
    return markdown[start : min((i for i in following if i != -1), default=len(markdown))]


class _NestingChecker(HTMLParser):
    """Fails on an end tag that does not close the element most recently opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


# ----------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("renderer", [html_report.render, markdown_report.render], ids=["html", "markdown"])
def test_same_run_same_bytes(run: Run, renderer: object) -> None:
    assert callable(renderer)
    assert renderer(run) == renderer(run)
    shuffled = Run(results=list(reversed(run.results)), tool_version="test", timestamp=TIMESTAMP)
    assert renderer(shuffled) == renderer(run)


def test_inputs_digest_is_the_sorted_sha256sum_listing(run: Run, page: str, markdown: str) -> None:
    listing = "".join(f"{r.sha256 or 'unreadable'}  {r.path}\n" for r in sorted(run.results, key=lambda r: r.path))
    digest = hashlib.sha256(listing.encode()).hexdigest()
    assert digest in page and digest in markdown


# ----------------------------------------------------------------------------- completeness


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_every_file_path_appears(results: list[FileResult], page: str, markdown: str, fmt: str) -> None:
    text = page if fmt == "html" else markdown
    missing = [r.path for r in results if (html.escape(r.path) if fmt == "html" else r.path) not in text]
    assert not missing


def test_every_failing_file_has_a_section_with_its_checks_and_requirements(
    results: list[FileResult], page: str, markdown: str
) -> None:
    failing = [r for r in results if r.verdict is not Verdict.CONFORMANT]
    assert failing
    for result in failing:
        for section in (_file_section_html(page, result.path), _file_section_markdown(markdown, result.path)):
            for finding in result.findings:
                assert finding.check in section and finding.requirement in section, result.path


def test_a_section_quotes_the_requirement_sentence(results: list[FileResult], markdown: str) -> None:
    model = build(Run(results=results, tool_version="test", timestamp=TIMESTAMP))
    quoted = [e for s in model.failures for e in s.entries if e.requirement_text]
    assert quoted and all(e.requirement_text and "MUST" in e.requirement_text for e in quoted[:5])
    assert "What the validator does not check" in markdown and "never change a verdict" in markdown


def test_summary_table_has_one_row_per_file(results: list[FileResult], page: str) -> None:
    table = page[page.index('<table id="summary"') : page.index("</table>", page.index('<table id="summary"'))]
    body = table[table.index("<tbody>") :]
    assert "<caption>" in table
    assert body.count("<tr>") == len(results)
    assert re.search(r'aria-label="\d of \d stars"', body)


# ----------------------------------------------------------------------------- a well-formed page


def test_html_parses_and_nests(page: str) -> None:
    checker = _NestingChecker()
    checker.feed(page)
    checker.close()
    assert checker.open == []


def test_every_svg_is_well_formed_xml_and_accessible(results: list[FileResult], page: str) -> None:
    charts = re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)
    assert len(charts) == len(build(Run(results=results, tool_version="t", timestamp=TIMESTAMP)).tasks) > 0
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None


def test_the_page_loads_nothing(page: str) -> None:
    lowered = page.lower()
    for forbidden in ('src="http', 'href="http', "<link", "<script src", "url(", "@import", "<img", "<iframe"):
        assert forbidden not in lowered


# ----------------------------------------------------------------------------- hostile input


def test_hostile_strings_are_escaped() -> None:
    run = Run(results=_hostile_results(), tool_version="<v>", timestamp="<t>")
    page = html_report.render(run)
    for raw in (HOSTILE_MODEL, HOSTILE_MESSAGE, "<img src=x>", "<i>GPU</i>", "<i>hint</i>", "<v>", "<t>"):
        assert raw not in page
    assert html.escape(HOSTILE_MODEL) in page and html.escape(HOSTILE_MESSAGE) in page
    for chart in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL):
        ET.fromstring(chart)
    checker = _NestingChecker()
    checker.feed(page)
    assert checker.open == []
    markdown = markdown_report.render(run)
    assert HOSTILE_MODEL not in markdown and HOSTILE_MESSAGE not in markdown
    # a path is shown as a code span, whose content Markdown prints literally, and nowhere else
    assert markdown.count("<img src=x>") == markdown.count("`evil/<img src=x>.yaml`") > 0


# ----------------------------------------------------------------------------- the chart


def test_chart_axis_holds_every_energy_and_threshold() -> None:
    axis = axis_range([0.02, 4000.0], [1.0, 2.0])
    assert axis.low < 0.02 and axis.high > 4000.0
    narrow = axis_range([1.5], [1.2, 1.8])
    assert narrow.high / narrow.low >= 10 * 0.999
    labelled = [value for value, _, shown in ticks(narrow) if shown]
    assert len(labelled) >= 2


def test_chart_of_a_scale_without_results_still_draws_every_band() -> None:
    section = TaskSection(
        anchor="t",
        spec_version="1.0",
        task="summarization",
        size_class=None,
        title="Summarization",
        scale="s",
        metric="accelerator energy, Wh per 1,000 queries",
        best_stars=5,
        bands=(Band(5, None, 1.0), Band(4, 1.0, 2.0), Band(3, 2.0, 3.0), Band(2, 3.0, 4.0), Band(1, 4.0, None)),
        rows=(),
        points=(),
    )
    svg = render_chart(section)
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert all(f"{stars}★" in texts for stars in range(1, 6))
    assert render_chart(replace(section)) == svg
