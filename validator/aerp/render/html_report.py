"""The published conformance report as one self-contained HTML5 page.

A leaderboard publishes this page and a reviewer archives or prints it, so it must stand
alone: inline CSS, inline SVG charts, no fonts, images or scripts from anywhere else, and
nothing that needs JavaScript to be read (a few lines of inline script only make the
summary sortable). Every string from a submission is escaped: a model name or a message
cannot add markup to the page. The same run gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from aerp.findings import Verdict
from aerp.render.report_model import (
    FileSection,
    ReportModel,
    ReviewItem,
    SummaryRow,
    TaskSection,
    band_range,
    build,
    format_energy,
    format_uncertainty,
    star_glyphs,
    star_range,
    uncertainty_note,
    verdict_counts,
)
from aerp.render.run import Run
from aerp.render.svg_chart import render_chart

_CODE_SPAN = re.compile(r"`([^`]+)`")
NOT_STATED = '<span class="none">—</span>'
NUMERIC = ' class="num"'
NOT_IN_TEXT = '<span class="muted">(not in the text of this version)</span>'

STYLE = """
:root {
  color-scheme: light;
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --zebra: #f6f8fa; --head: #eef1f4;
  --accent: #0b5cad;
  --ok: #116329; --ok-bg: #dafbe1; --ok-line: #8fd8a0;
  --bad: #a40e26; --bad-bg: #ffebe9; --bad-line: #ffb3b8;
  --unread: #7d4e00; --unread-bg: #fff4d1; --unread-line: #f0c96b;
  --star: #9a6700;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 1100px; padding: 2rem 1.25rem 4rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 15px; line-height: 1.5; color: var(--ink); background: #fff;
}
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; margin: 2.75rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.12rem; margin: 2rem 0 .5rem; }
p { margin: .5rem 0; }
a { color: var(--accent); }
code, .mono {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .86em;
}
p code, li code, td code, dd code { background: #f0f2f4; padding: .05em .3em; border-radius: 4px; }
.lede { font-size: 1.08rem; color: var(--muted); max-width: 60rem; }
.muted, .none { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1.25rem 0; padding: 0; list-style: none; }
.totals li { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .9rem; min-width: 9rem; }
.totals .count { display: block; font-size: 1.6rem; font-weight: 700; line-height: 1.1; }
.totals .conformant { border-color: var(--ok-line); background: var(--ok-bg); color: var(--ok); }
.totals .non-conformant { border-color: var(--bad-line); background: var(--bad-bg); color: var(--bad); }
.totals .unreadable { border-color: var(--unread-line); background: var(--unread-bg); color: var(--unread); }
dl.identity { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.25rem; margin: 1rem 0; }
dl.identity dt { font-weight: 600; }
dl.identity dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1.25rem; margin: 1.5rem 0; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .25rem; border: 0; padding: 0; }
nav.toc ol { margin: .25rem 0; padding-left: 1.25rem; }
nav.toc ol ol { columns: 2; column-gap: 2rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table.data { border-collapse: collapse; width: 100%; font-size: .82rem; }
table.data caption { caption-side: top; text-align: left; color: var(--muted); padding: 0 0 .5rem; }
table.data th, table.data td {
  padding: .35rem .45rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top;
}
table.data thead th { background: var(--head); border-bottom: 2px solid var(--line); vertical-align: bottom; }
table.data tbody tr:nth-child(even) { background: var(--zebra); }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.num { white-space: nowrap; }
table.compact { width: auto; min-width: 20rem; }
.path { overflow-wrap: anywhere; }
code.id { white-space: nowrap; }
td.file { min-width: 11.5rem; }
td.file .path { word-break: break-all; }
.stars { color: var(--star); white-space: nowrap; }
.badge {
  display: inline-block; padding: .05rem .55rem; border-radius: 999px; border: 1px solid transparent;
  font-size: .78rem; font-weight: 600; white-space: nowrap; text-decoration: none;
}
.badge.conformant { color: var(--ok); background: var(--ok-bg); border-color: var(--ok-line); }
.badge.non-conformant { color: var(--bad); background: var(--bad-bg); border-color: var(--bad-line); }
.badge.unreadable { color: var(--unread); background: var(--unread-bg); border-color: var(--unread-line); }
a.badge:hover { text-decoration: underline; }
.sev { font-weight: 600; }
.sev.error { color: var(--bad); }
.sev.warning { color: var(--unread); }
.sev.info { color: var(--accent); }
figure.chart { margin: 1rem 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: .85rem; margin-top: .25rem; }
.task, .file-findings { border-top: 1px solid var(--line); padding-top: .25rem; }
.file-findings h3 code { font-size: .95em; background: none; padding: 0; overflow-wrap: anywhere; }
ul.requirements { padding-left: 1.25rem; }
ul.requirements li { margin: .3rem 0; }
th[data-sortable] { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " ▲"; font-size: .7em; }
th[aria-sort="descending"]::after { content: " ▼"; font-size: .7em; }
footer {
  margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem;
}
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-before: auto; break-after: avoid; }
  h3, caption { break-after: avoid; }
  tr, figure, .totals, dl.identity, ul.requirements li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  nav.toc ol ol { columns: 1; }
  a { color: inherit; }
  a[href]:not([href^="#"])::after { content: " (" attr(href) ")"; font-size: .85em; overflow-wrap: anywhere; }
  th[aria-sort]::after { content: none; }
}
"""

# Only a page that shows a range of stars (AERP 1.1) carries this rule, so that a page without
# one keeps the bytes it always had; "(range 3–5)" must not break after its dash.
RANGE_STYLE = ".range { color: var(--muted); white-space: nowrap; }\n"

# Optional: sorts the summary table when a header is clicked. The page reads fully without it.
SCRIPT = """
(function () {
  var table = document.getElementById("summary");
  if (!table || !table.tHead) { return; }
  var heads = table.tHead.rows[0].cells;
  function key(row, column) {
    var cell = row.cells[column];
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) { return x - y; }
    return a.localeCompare(b);
  }
  Array.prototype.forEach.call(heads, function (head, column) {
    head.setAttribute("data-sortable", "");
    head.tabIndex = 0;
    function sort() {
      var ascending = head.getAttribute("aria-sort") !== "ascending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var order = compare(key(a, column), key(b, column));
        return ascending ? order : -order;
      });
      Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach(function (row) { body.appendChild(row); });
    }
    head.addEventListener("click", sort);
    head.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
    });
  });
})();
"""


# ----------------------------------------------------------------------------- small pieces


def prose(text: str) -> str:
    """Escaped text whose `code spans` (as the spec and the messages write them) become ``<code>``."""
    return _CODE_SPAN.sub(r"<code>\1</code>", escape(text))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def path_html(path: str) -> str:
    """A path as one unbroken string in the source, so that a reader can search the page for it."""
    return f'<code class="path">{escape(path)}</code>'


def stars_html(stars: int | None, out_of: int | None) -> str:
    """Stars as ★/☆ with a spoken equivalent, since a screen reader would read the glyphs one by one."""
    if stars is None:
        return '<span class="none" role="img" aria-label="not rated">—</span>'
    if not out_of:
        return escape(str(stars))
    label = f"{stars} of {out_of} stars"
    return f'<span class="stars" role="img" aria-label="{label}">{star_glyphs(stars, out_of)}</span>'


def verdict_badge(verdict: Verdict, anchor: str | None = None) -> str:
    """The verdict as a coloured badge that links to the file's findings when it has any."""
    css = verdict.value
    if anchor:
        return f'<a class="badge {css}" href="#{escape(anchor)}">{escape(verdict.value)}</a>'
    return f'<span class="badge {css}">{escape(verdict.value)}</span>'


def _text(value: str | None) -> str:
    return escape(value) if value is not None else NOT_STATED


def _energy_cell(energy: float | None, uncertainty: float | None = None) -> str:
    """E, or E ± U where the file's uncertainty is known (AERP 1.1); the column still sorts by E."""
    if energy is None:
        return f'<td class="num" data-sort="-1">{NOT_STATED}</td>'
    shown = format_energy(energy)
    if uncertainty is not None:
        shown += f" ± {format_uncertainty(uncertainty)}"
    return f'<td class="num" data-sort="{energy!r}">{shown}</td>'


def _stars_cell(stars: int | None, out_of: int | None) -> str:
    return f'<td data-sort="{-1 if stars is None else stars}">{stars_html(stars, out_of)}</td>'


def _rated_cell(row: SummaryRow) -> str:
    """The validator's stars, and the range where [E − U, E + U] spans a threshold, in words a reader hears too."""
    if not row.spans or row.stars is None:
        return _stars_cell(row.stars, row.stars_out_of)
    spread = star_range(row.stars_low or 0, row.stars_high or 0)
    return (
        f'<td data-sort="{row.stars}">{stars_html(row.stars, row.stars_out_of)} '
        f'<span class="range">(range {spread})</span></td>'
    )


def _table(
    header: Sequence[tuple[str, bool]], rows: Iterable[str], caption: str = "", attributes: str = 'class="data"'
) -> str:
    """A data table; ``header`` is (label, is numeric) so numbers line up on the right."""
    cells = "".join(f'<th scope="col"{NUMERIC if numeric else ""}>{label}</th>' for label, numeric in header)
    caption_html = f"<caption>{caption}</caption>" if caption else ""
    body = "\n".join(rows)
    return (
        f'<div class="table-wrap"><table {attributes}>{caption_html}\n'
        f"<thead><tr>{cells}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>"
    )


# ----------------------------------------------------------------------------- sections


def _identity(model: ReportModel) -> str:
    i = model.identity
    versions = ", ".join(f"AERP {v}" for v in i.spec_versions) or "no version (no file could be read as AERP)"
    totals = "".join(
        f'<li class="{css}"><span class="count">{count}</span>{label}</li>'
        for css, count, label in (
            ("conformant", i.conformant, "conformant"),
            ("non-conformant", i.non_conformant, "non-conformant"),
            ("unreadable", i.unreadable, "unreadable"),
            ("findings", i.errors, "error" if i.errors == 1 else "errors"),
            ("findings", i.warnings, "warning" if i.warnings == 1 else "warnings"),
        )
    )
    facts = (
        ("Specification", escape(versions)),
        ("Validator", f"aerp <code>{escape(i.tool_version)}</code>"),
        ("Date", f"<code>{escape(i.timestamp)}</code>"),
        ("Files", str(i.files)),
        ("Inputs (SHA-256)", f"<code>{escape(i.inputs_digest)}</code>"),
        ("Verdicts", escape(verdict_counts(model))),
    )
    rows = "\n".join(f"<dt>{term}</dt><dd>{value}</dd>" for term, value in facts)
    return (
        '<header id="identity">\n<h1>AERP conformance report</h1>\n'
        f'<p class="lede">{_plural(i.files, "file")} checked against {escape(versions)} by the AERP reference '
        f"validator <code>{escape(i.tool_version)}</code> on <time>{escape(i.timestamp)}</time>.</p>\n"
        f'<ul class="totals" aria-label="Verdicts and findings">{totals}</ul>\n'
        f'<dl class="identity">\n{rows}\n</dl>\n'
        '<p class="muted">The inputs digest is the SHA-256 of the lines <code>&lt;sha256&gt;  &lt;path&gt;</code> '
        "of every file, sorted by path (<code>unreadable</code> in place of a digest for a file that could not be "
        "read): the output of <code>sha256sum</code>, so anyone holding the files can recompute it.</p>\n</header>"
    )


def _contents(model: ReportModel) -> str:
    tasks = "".join(f'<li><a href="#{escape(t.anchor)}">{escape(t.title)}</a></li>' for t in model.tasks)
    items = ['<li><a href="#summary-section">Summary</a></li>']
    items.append(f'<li><a href="#results-by-task">Results by task</a>{f"<ol>{tasks}</ol>" if tasks else ""}</li>')
    if model.failures:
        items.append(f'<li><a href="#failures">Non-conformant and unreadable files</a> ({len(model.failures)})</li>')
    if model.notes:
        items.append(f'<li><a href="#warnings">Warnings on conformant files</a> ({len(model.notes)})</li>')
    items.append('<li><a href="#not-checked">What the validator does not check</a></li>')
    heading = '<h2 id="toc-heading">Contents</h2>'
    return f'<nav class="toc" aria-labelledby="toc-heading">{heading}<ol>{"".join(items)}</ol></nav>'


def _summary_row(row: SummaryRow) -> str:
    cells = [
        f'<td class="file">{path_html(row.path)}</td>',
        f"<td>{_text(row.model)}</td>",
        f"<td>{_text(row.task)}</td>",
        f"<td>{_text(row.size_class)}</td>",
        f"<td>{_text(row.division)}</td>",
        f"<td>{_text(row.hardware)}</td>",
        _energy_cell(row.energy, row.uncertainty),
        _rated_cell(row),
        _stars_cell(row.claimed_stars, row.stars_out_of),
        f'<td data-sort="{escape(row.verdict.value)}">{verdict_badge(row.verdict, row.anchor)}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


SUMMARY_HEADER = (
    ("File", False),
    ("Model", False),
    ("Task", False),
    ("Class", False),
    ("Division", False),
    ("Hardware", False),
    ("Wh per 1,000 queries", True),
    ("Stars", False),
    ("Claimed", False),
    ("Verdict", False),
)


def _summary(model: ReportModel) -> str:
    caption = (
        f"Every file checked ({len(model.summary)}), by task, class, model and path. <em>Stars</em> are computed "
        "by the validator from the file's own energy on the fixed scale; <em>Claimed</em> is what the file states. "
        "Open-division results are not rated."
    )
    note = uncertainty_note(model.summary)
    if note:
        caption += f" {escape(note)}"
    table = _table(
        SUMMARY_HEADER, (_summary_row(r) for r in model.summary), caption, 'id="summary" class="data sortable"'
    )
    heading = '<h2 id="summary-heading">Summary</h2>'
    return f'<section id="summary-section" aria-labelledby="summary-heading">\n{heading}\n{table}\n</section>'


def _band_table(section: TaskSection) -> str:
    rows = (
        f'<tr><td>{stars_html(band.stars, section.best_stars)} <span class="muted">{band.stars}</span></td>'
        f'<td class="num">{escape(band_range(band))}</td></tr>'
        for band in section.bands
    )
    caption = f"The scale <code>{escape(section.scale)}</code>, Wh per 1,000 queries"
    return _table((("Stars", False), ("Energy", True)), rows, caption, 'class="data compact"')


def _task_row(row: SummaryRow) -> str:
    cells = [
        f"<td>{_text(row.model)}</td>",
        f"<td>{_text(row.division)}</td>",
        f"<td>{_text(row.hardware)}</td>",
        _energy_cell(row.energy, row.uncertainty),
        _rated_cell(row),
        _stars_cell(row.claimed_stars, row.stars_out_of),
        f"<td>{verdict_badge(row.verdict, row.anchor)}</td>",
        f'<td class="file">{path_html(row.path)}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


TASK_HEADER = (
    ("Model", False),
    ("Division", False),
    ("Hardware", False),
    ("Wh per 1,000 queries", True),
    ("Stars", False),
    ("Claimed", False),
    ("Verdict", False),
    ("File", False),
)


def _task(section: TaskSection) -> str:
    conformant = sum(1 for r in section.rows if r.verdict is Verdict.CONFORMANT)
    legend = (
        "● rated result · ○ result not rated (open division) · conformant results only: a non-conformant result "
        "has no valid rating · ×N: N files with the same model and energy."
    )
    if any(point.uncertainty is not None for point in section.points):
        legend = legend[:-1] + (
            " · a bar through a marker: the interval [E − U, E + U] of an AERP 1.1 result, U its expanded "
            "uncertainty; a bar that runs past the axis has no cap at that end."
        )
    note = uncertainty_note(section.rows, brief=True)
    results = _table(
        TASK_HEADER,
        (_task_row(r) for r in section.rows),
        f"{_plural(len(section.rows), 'file')} of this scale, {conformant} conformant",
    )
    return (
        f'<article class="task" id="{escape(section.anchor)}" aria-labelledby="{escape(section.anchor)}-heading">\n'
        f'<h3 id="{escape(section.anchor)}-heading">{escape(section.title)}</h3>\n'
        f"<p>Scale <code>{escape(section.scale)}</code> of AERP {escape(section.spec_version)}, "
        f"{escape(section.metric)}. A value on a threshold earns the higher rating."
        f"{f' {escape(note)}' if note else ''}</p>\n"
        f'<figure class="chart">\n{render_chart(section)}<figcaption>{escape(legend)}</figcaption>\n</figure>\n'
        f"{_band_table(section)}\n{results}\n</article>"
    )


def _tasks(model: ReportModel) -> str:
    intro = (
        "Each task (and each size class of text generation) has its own fixed star scale. The charts place each "
        "conformant result on its scale; the axis is logarithmic."
    )
    body = "\n".join(_task(t) for t in model.tasks) or "<p>No file states a task that has a rating scale.</p>"
    return (
        '<section id="results-by-task" aria-labelledby="tasks-heading">\n'
        f'<h2 id="tasks-heading">Results by task</h2>\n<p>{escape(intro)}</p>\n{body}\n</section>'
    )


def _finding_row(section: FileSection, index: int) -> str:
    finding = section.entries[index].finding
    message = prose(finding.message)
    if finding.hint:
        message += f' <span class="muted">— hint: {prose(finding.hint)}</span>'
    severity = finding.severity.value
    return (
        f'<tr><td class="num">{finding.line}</td><td><code class="id">{escape(finding.check)}</code></td>'
        f'<td><span class="sev {escape(severity)}">{escape(severity)}</span></td><td>{message}</td>'
        f'<td><code class="id">{escape(finding.requirement)}</code></td></tr>'
    )


def _file(section: FileSection) -> str:
    meta = " · ".join(
        (
            verdict_badge(section.verdict),
            f"{_plural(section.errors, 'error')}, {_plural(section.warnings, 'warning')}",
            f"AERP {escape(section.aerp_version)}" if section.aerp_version else "no AERP version read",
            f"SHA-256 <code>{escape(section.sha256)}</code>" if section.sha256 else "not read",
        )
    )
    header = (("Line", True), ("Check", False), ("Severity", False), ("Message", False), ("Requirement", False))
    findings = _table(header, (_finding_row(section, n) for n in range(len(section.entries))))
    requirements = "\n".join(
        f"<li><strong>{escape(rid)}</strong> {prose(text) if text else NOT_IN_TEXT}</li>"
        for rid, text in section.broken_requirements()
    )
    return (
        f'<article class="file-findings" id="{escape(section.anchor)}">\n<h3><code>{escape(section.path)}</code></h3>\n'
        f"<p>{meta}</p>\n{findings}\n<p>The requirements these findings enforce:</p>\n"
        f'<ul class="requirements">\n{requirements}\n</ul>\n</article>'
    )


def _files(anchor: str, title: str, intro: str, sections: Sequence[FileSection]) -> str:
    body = "\n".join(_file(s) for s in sections)
    return (
        f'<section id="{anchor}" aria-labelledby="{anchor}-heading">\n<h2 id="{anchor}-heading">{escape(title)}</h2>\n'
        f"<p>{escape(intro)}</p>\n{body}\n</section>"
    )


def _review_row(item: ReviewItem) -> str:
    return (
        f'<tr><td><strong>{escape(item.id)}</strong><br><span class="muted">{escape(item.level)} · '
        f"{escape(item.section)}</span></td><td>{prose(item.text)}</td><td>{prose(item.reason)}</td></tr>"
    )


def _not_checked(model: ReportModel) -> str:
    versions = sorted({item.spec_version for item in model.review_only})
    tables = []
    for version in versions:
        items = [item for item in model.review_only if item.spec_version == version]
        caption = f"Requirements of AERP {escape(version)} verified by review ({len(items)})"
        header = (("Requirement", False), ("Sentence", False), ("Why a reviewer checks it", False))
        tables.append(_table(header, (_review_row(i) for i in items), caption))
    return (
        '<section id="not-checked" aria-labelledby="not-checked-heading">\n'
        '<h2 id="not-checked-heading">What the validator does not check</h2>\n'
        "<p>A verdict covers what a program can establish from the file alone. <strong>Warnings never change a "
        "verdict</strong>: a file with warnings and no errors is conformant, and the warnings point at what a "
        "reviewer should look at.</p>\n"
        f"<p>These {_plural(len(model.review_only), 'requirement')} of the standard are verified by review, not by "
        "the validator, so a conformant verdict says nothing about them.</p>\n"
        f"{''.join(tables)}\n</section>"
    )


def _footer(model: ReportModel) -> str:
    i = model.identity
    return (
        f"<footer><p>Written by the AERP reference validator <code>{escape(i.tool_version)}</code> for "
        f"{_plural(i.files, 'file')} (inputs <code>{escape(i.inputs_digest[:16])}…</code>) at "
        f"<time>{escape(i.timestamp)}</time>. This page is self-contained: it loads nothing.</p></footer>"
    )


def render(run: Run) -> str:
    """The HTML conformance report of ``run``: one page, no network, the same bytes for the same run."""
    model = build(run)
    parts = [_identity(model), _contents(model), "<main>", _summary(model), _tasks(model)]
    if model.failures:
        parts.append(
            _files(
                "failures",
                "Non-conformant and unreadable files",
                "Each file with an error: its findings, then the sentence of the standard each one enforces.",
                model.failures,
            )
        )
    if model.notes:
        parts.append(
            _files(
                "warnings",
                "Warnings on conformant files",
                "These files are conformant; their warnings are for the submitter and the reviewer.",
                model.notes,
            )
        )
    parts += [_not_checked(model), "</main>", _footer(model)]
    title = f"AERP conformance report · {run.timestamp}"
    style = STYLE + (RANGE_STYLE if any(row.spans for row in model.summary) else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="aerp {escape(run.tool_version)}">\n'
        f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
