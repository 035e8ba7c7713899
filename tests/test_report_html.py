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
from aerp.render.report_model import Band, ChartPoint, TaskSection, build
from aerp.render.run import Run
from aerp.render.svg_chart import PLOT_LEFT, PLOT_RIGHT, axis_range, render_chart, ticks
from conftest import SUITE, suite

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


def _section(spec_version: str = "1.0", points: tuple[ChartPoint, ...] = ()) -> TaskSection:
    """A summarization section on a five-band scale (1, 2, 3, 4 Wh), with ``points`` and no rows."""
    return TaskSection(
        anchor="t",
        spec_version=spec_version,
        task="summarization",
        size_class=None,
        title="Summarization",
        scale="s",
        metric="accelerator energy, Wh per 1,000 queries",
        best_stars=5,
        bands=(Band(5, None, 1.0), Band(4, 1.0, 2.0), Band(3, 2.0, 3.0), Band(2, 3.0, 4.0), Band(1, 4.0, None)),
        rows=(),
        points=points,
    )


def test_chart_of_a_scale_without_results_still_draws_every_band() -> None:
    section = _section()
    svg = render_chart(section)
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert all(f"{stars}★" in texts for stars in range(1, 6))
    assert render_chart(replace(section)) == svg


# ----------------------------------------------------------------------------- AERP 1.1: E ± U, the range, error bars

SPANS = suite("1.1") / "conformant" / "uncertainty-spans-two-thresholds.yaml"  # 9.599 ± 4.22 Wh: 3–5 stars, claim 3
LLAMA_1_1 = suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"  # 9.599 ± 0.56 Wh: 4 stars
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def interval_run() -> Run:
    """A 1.1 result whose interval spans two thresholds, one within a band, and the 1.0 result of the same model."""
    paths = (SPANS, LLAMA_1_1, SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml")
    return Run(results=[validate_file(path) for path in paths], tool_version="test", timestamp=TIMESTAMP)


def _row(page: str, path: str) -> str:
    """The summary row of ``path`` in an HTML page."""
    table = page[page.index('<table id="summary"') :]
    start = table.rindex("<tr>", 0, table.index(html.escape(path)))
    return table[start : table.index("</tr>", start)]


def _chart(page: str, anchor: str) -> ET.Element:
    start = page.index(f'id="{anchor}"')
    return ET.fromstring(re.search(r"<svg\b.*?</svg>", page[start:], flags=re.DOTALL).group(0))  # type: ignore[union-attr]


def test_the_summary_shows_u_and_the_range_where_they_exist(interval_run: Run) -> None:
    page = html_report.render(interval_run)
    spans = _row(page, str(SPANS))
    assert ">9.599 ± 4.22</td>" in spans and 'data-sort="9.598948"' in spans  # it still sorts by E
    assert '<span class="range">(range 3–5)</span>' in spans and 'aria-label="3 of 5 stars"' in spans
    within = _row(page, str(LLAMA_1_1))
    assert ">9.599 ± 0.56</td>" in within and "(range" not in within
    old = _row(page, str(SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"))
    assert ">9.599</td>" in old and "±" not in old and "(range" not in old
    assert "the expanded uncertainty it states (k = 2)" in page
    assert ".range { color: var(--muted); white-space: nowrap; }" in page  # "(range 3–5)" never breaks at its dash


def test_the_markdown_summary_shows_u_and_the_range(interval_run: Run) -> None:
    markdown = markdown_report.render(interval_run)
    spans = next(line for line in markdown.splitlines() if line.startswith(f"| `{SPANS}`"))
    assert "| 9.599 ± 4.22 | ★★★☆☆ 3 (range 3–5) | ★★★☆☆ 3 |" in spans
    within = next(line for line in markdown.splitlines() if line.startswith(f"| `{LLAMA_1_1}`"))
    assert "| 9.599 ± 0.56 | ★★★★☆ 4 | ★★★★☆ 4 |" in within
    assert "the expanded uncertainty it states (k = 2)" in markdown


def test_the_chart_draws_each_interval_as_an_error_bar_on_its_marker(interval_run: Run) -> None:
    model = build(interval_run)
    section = next(t for t in model.tasks if t.spec_version == "1.1")
    root = ET.fromstring(render_chart(section))
    bars = [node for node in root.iter(f"{SVG_NS}path") if node.get("class") == "error-bar"]
    assert len(bars) == len(section.points) == 2
    axis = axis_range([p.energy for p in section.points], [b.high for b in section.bands if b.high is not None])
    point = next(p for p in section.points if p.uncertainty == 4.22)
    bar = bars[section.points.index(point)]  # one bar per marker, drawn in the order of the points
    left, right = (float(x) for x in re.match(r"M([\d.]+) [\d.]+H([\d.]+)", bar.get("d", "")).groups())  # type: ignore[union-attr]
    assert left == pytest.approx(axis.x(9.598948 - 4.22), abs=0.06)
    assert right == pytest.approx(axis.x(9.598948 + 4.22), abs=0.06)
    assert bar.get("d", "").count("V") == 2  # both ends lie inside the axis: both capped
    described = "".join(root.itertext())
    assert "meta-llama/Llama-3.1-8B-Instruct: 9.599 ± 4.22 Wh, 3 stars (range 3–5)" in described
    page = html_report.render(interval_run)
    assert "a bar through a marker: the interval [E − U, E + U]" in page
    old = next(t for t in model.tasks if t.spec_version == "1.0")
    assert "error-bar" not in render_chart(old) and "±" not in render_chart(old)


def _one_point_section(energy: float, uncertainty: float) -> TaskSection:
    point = ChartPoint("m", "org/m", energy, "closed", 3, 1, uncertainty=uncertainty, stars_low=3, stars_high=5)
    return _section("1.1", (point,))


@pytest.mark.parametrize(
    ("energy", "uncertainty", "left_clipped", "right_clipped"),
    [(2.5, 3.0, True, False), (2.5, 40.0, True, True), (3.9, 30.0, True, True), (2.5, 0.1, False, False)],
)
def test_an_error_bar_is_clipped_to_the_axis_and_loses_its_cap_there(
    energy: float, uncertainty: float, left_clipped: bool, right_clipped: bool
) -> None:
    """E − U ≤ 0 has no place on a log axis, and E + U may lie past its end: the bar stops at the plot's edge."""
    root = ET.fromstring(render_chart(_one_point_section(energy, uncertainty)))
    bar = next(node for node in root.iter(f"{SVG_NS}path") if node.get("class") == "error-bar")
    d = bar.get("d", "")
    left, right = (float(x) for x in re.match(r"M([\d.]+) [\d.]+H([\d.]+)", d).groups())  # type: ignore[union-attr]
    assert (left == PLOT_LEFT) is left_clipped and (right == PLOT_RIGHT) is right_clipped
    assert PLOT_LEFT <= left < right <= PLOT_RIGHT
    assert d.count("V") == 2 - left_clipped - right_clipped
    label = next(node for node in root.iter(f"{SVG_NS}text") if "±" in "".join(node.itertext()))
    x = float(label.get("x", "0"))
    if label.get("text-anchor") == "start":  # a label clear of the bar sits past its right end ...
        assert x > right or right_clipped
    else:  # ... or before its left end, unless neither side has room
        assert x < left or left_clipped


def test_hostile_strings_stay_text_beside_an_error_bar() -> None:
    broken, clean = _hostile_results()
    for result in (broken, clean):
        result.aerp_version = "1.1.0"
        result.facts.update(stars_low=3, stars_high=5, expanded_uncertainty_wh_per_1000_queries=4.0)
    page = html_report.render(Run(results=[broken, clean], tool_version="t", timestamp="t"))
    assert HOSTILE_MODEL not in page and "error-bar" in page and "(range 3–5)" in page
    for chart in re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL):
        ET.fromstring(chart)


def test_the_reference_suite_of_1_0_shows_no_uncertainty(page: str, markdown: str) -> None:
    for text in (page, markdown):
        assert "±" not in text and "(range" not in text and "error-bar" not in text and "AERP 1.1" not in text
    assert ".range {" not in page
