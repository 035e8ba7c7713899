"""The published conformance report as Markdown, for a repository, a pull request or a wiki.

Markdown renderers differ and many drop inline SVG, so the scales are given as tables of
thresholds rather than charts. Every string that comes from a submission is escaped: a
model name or a message must not be able to add a link, an image or raw HTML to a page that
a leaderboard publishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from aerp.findings import Verdict
from aerp.render.report_model import (
    FileSection,
    ReportModel,
    ReviewItem,
    SummaryRow,
    TaskSection,
    band_range,
    build,
    format_with_uncertainty,
    star_glyphs,
    star_range,
    uncertainty_note,
    verdict_counts,
)
from aerp.render.run import Run

_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
NOT_STATED = "—"


# ----------------------------------------------------------------------------- escaping


def _plain(text: str) -> str:
    """Text outside code spans: no emphasis, link, image or HTML can come out of it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def inline(text: str) -> str:
    """One line of prose from a submission or the spec; its `code spans` stay code, the rest is literal.

    Table cells need ``|`` escaped even inside code spans (GFM splits cells first), and a
    line break would end the row, so both are neutralised here for every use.
    """
    text = " ".join(text.split())
    parts: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_plain(text[position : match.start()]))
        parts.append(match.group(0).replace("|", "\\|"))
        position = match.end()
    parts.append(_plain(text[position:]))
    return "".join(parts)


def code(text: str) -> str:
    """``text`` as one code span, fenced with more backticks than it contains."""
    text = " ".join(text.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _maybe(text: str | None, as_code: bool = False) -> str:
    if text is None:
        return NOT_STATED
    return code(text) if as_code else inline(text)


def _table(header: Sequence[str], align: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


# ----------------------------------------------------------------------------- cells


def _stars(stars: int | None, out_of: int | None) -> str:
    if stars is None:
        return NOT_STATED
    return f"{star_glyphs(stars, out_of)} {stars}" if out_of else str(stars)


def _rated(row: SummaryRow) -> str:
    """The validator's stars, and after them the range where the interval [E − U, E + U] spans a threshold."""
    shown = _stars(row.stars, row.stars_out_of)
    if row.spans and row.stars is not None:
        shown += f" (range {star_range(row.stars_low or 0, row.stars_high or 0)})"
    return shown


def _energy(row: SummaryRow) -> str:
    """E, or E ± U for a file whose uncertainty is known (AERP 1.1)."""
    return format_with_uncertainty(row.energy, row.uncertainty) if row.energy is not None else NOT_STATED


def _verdict(row: SummaryRow) -> str:
    text = row.verdict.value
    if row.verdict is not Verdict.CONFORMANT:
        text = f"**{text}**"
    return f"[{text}](#{row.anchor})" if row.anchor else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# ----------------------------------------------------------------------------- sections


def _identity(model: ReportModel) -> list[str]:
    i = model.identity
    versions = ", ".join(f"AERP {v}" for v in i.spec_versions) or "no version (no file could be read as AERP)"
    return [
        f"{_plural(i.files, 'file')} checked against {inline(versions)} by the AERP reference validator "
        f"{code(i.tool_version)}.",
        "",
        *_table(
            ["", ""],
            ["---", "---"],
            [
                ["Specification", inline(versions)],
                ["Validator", f"aerp {code(i.tool_version)}"],
                ["Date", code(i.timestamp)],
                ["Files", str(i.files)],
                ["Inputs (SHA-256)", code(i.inputs_digest)],
                ["Verdicts", inline(verdict_counts(model))],
            ],
        ),
        "",
        "The inputs digest is the SHA-256 of the lines `<sha256>  <path>` of every file, sorted by path "
        "(`unreadable` in place of a digest for a file that could not be read): the output of `sha256sum`, "
        "so anyone holding the files can recompute it.",
    ]


def _contents(model: ReportModel) -> list[str]:
    lines = ["## Contents", "", "- [Summary](#summary)", "- [Results by task](#results-by-task)"]
    lines.extend(f"  - [{inline(t.title)}](#{t.anchor})" for t in model.tasks)
    if model.failures:
        lines.append("- [Non-conformant and unreadable files](#non-conformant-and-unreadable-files)")
    if model.notes:
        lines.append("- [Warnings on conformant files](#warnings-on-conformant-files)")
    lines.append("- [What the validator does not check](#what-the-validator-does-not-check)")
    return lines


def _summary(model: ReportModel) -> list[str]:
    header = ["File", "Model", "Task", "Class", "Division", "Hardware", "Wh per 1,000 queries", "Stars", "Claimed",
              "Verdict"]  # fmt: skip
    align = ["---", "---", "---", "---", "---", "---", "---:", "---", "---", "---"]
    rows = (
        [
            code(r.path),
            _maybe(r.model),
            _maybe(r.task),
            _maybe(r.size_class),
            _maybe(r.division),
            _maybe(r.hardware),
            _energy(r),
            _rated(r),
            _stars(r.claimed_stars, r.stars_out_of),
            _verdict(r),
        ]
        for r in model.summary
    )
    note = uncertainty_note(model.summary)
    return [
        "## Summary",
        "",
        f"Every file checked, by task, class, model and path ({_plural(len(model.summary), 'file')}). "
        "*Stars* are computed by the validator from the file's own energy on the fixed scale; *Claimed* "
        "is what the file states. Open-division results are not rated." + (f" {inline(note)}" if note else ""),
        "",
        *_table(header, align, rows),
    ]


def _scale_table(section: TaskSection) -> list[str]:
    rows = ([f"{band.stars} {star_glyphs(band.stars, section.best_stars)}", band_range(band)] for band in section.bands)
    return _table(["Stars", "Wh per 1,000 queries"], ["---", "---"], rows)


def _task(section: TaskSection) -> list[str]:
    conformant = sum(1 for r in section.rows if r.verdict is Verdict.CONFORMANT)
    rows = (
        [
            _maybe(r.model),
            _maybe(r.division),
            _maybe(r.hardware),
            _energy(r),
            _rated(r),
            _stars(r.claimed_stars, r.stars_out_of),
            _verdict(r),
            code(r.path),
        ]
        for r in section.rows
    )
    note = uncertainty_note(section.rows, brief=True)
    return [
        f'<a id="{section.anchor}"></a>',
        "",
        f"### {inline(section.title)}",
        "",
        f"Scale {code(section.scale)} of AERP {inline(section.spec_version)}, {inline(section.metric)}. "
        "A value on a threshold earns the higher rating." + (f" {inline(note)}" if note else ""),
        "",
        *_scale_table(section),
        "",
        f"{_plural(len(section.rows), 'file')}, {conformant} conformant:",
        "",
        *_table(
            ["Model", "Division", "Hardware", "Wh per 1,000 queries", "Stars", "Claimed", "Verdict", "File"],
            ["---", "---", "---", "---:", "---", "---", "---", "---"],
            rows,
        ),
    ]


def _tasks(model: ReportModel) -> list[str]:
    lines = [
        "## Results by task",
        "",
        "Each task (and each size class of text generation) has its own fixed star scale. A chart of each "
        "scale is in the HTML edition of this report.",
    ]
    if not model.tasks:
        lines += ["", "No file states a task that has a rating scale."]
    for section in model.tasks:
        lines += ["", *_task(section)]
    return lines


def _message(section: FileSection, index: int) -> str:
    finding = section.entries[index].finding
    text = inline(finding.message)
    return f"{text} — hint: {inline(finding.hint)}" if finding.hint else text


def _file(section: FileSection) -> list[str]:
    facts = [
        f"**{section.verdict.value}**",
        f"{_plural(section.errors, 'error')}, {_plural(section.warnings, 'warning')}",
        f"AERP {inline(section.aerp_version)}" if section.aerp_version else "no AERP version read",
        f"SHA-256 {code(section.sha256)}" if section.sha256 else "not read",
    ]
    rows = (
        [str(e.finding.line), code(e.finding.check), e.finding.severity.value, _message(section, n),
         code(e.finding.requirement)]
        for n, e in enumerate(section.entries)
    )  # fmt: skip
    requirements = (
        f"- **{inline(rid)}** {inline(text) if text else '(not in the text of this version)'}"
        for rid, text in section.broken_requirements()
    )
    return [
        f'<a id="{section.anchor}"></a>',
        "",
        f"### {code(section.path)}",
        "",
        " · ".join(facts),
        "",
        *_table(["Line", "Check", "Severity", "Message", "Requirement"], ["---:", "---", "---", "---", "---"], rows),
        "",
        "The requirements these findings enforce:",
        "",
        *requirements,
    ]


def _files(title: str, intro: str, sections: Sequence[FileSection]) -> list[str]:
    lines = [f"## {title}", "", intro]
    for section in sections:
        lines += ["", *_file(section)]
    return lines


def _review_item(item: ReviewItem) -> list[str]:
    return [
        f"- **{inline(item.id)}** ({inline(item.level)}; {inline(item.section)}) {inline(item.text)}",
        f"  *Why a reviewer checks it:* {inline(item.reason)}",
    ]


def _not_checked(model: ReportModel) -> list[str]:
    versions = sorted({item.spec_version for item in model.review_only})
    lines = [
        "## What the validator does not check",
        "",
        "A verdict covers what a program can establish from the file alone. Warnings never change a verdict: "
        "a file with warnings and no errors is conformant, and the warnings point at what a reviewer should look at.",
        "",
        f"These {_plural(len(model.review_only), 'requirement')} of the standard are verified by review, not by the "
        "validator, so a conformant verdict says nothing about them:",
    ]
    for version in versions:
        if len(versions) > 1:
            lines += ["", f"### AERP {inline(version)}"]
        lines.append("")
        for item in model.review_only:
            if item.spec_version == version:
                lines += _review_item(item)
    return lines


def render(run: Run) -> str:
    """The Markdown conformance report of ``run``: the same run gives the same bytes."""
    model = build(run)
    blocks = [
        ["# AERP conformance report"],
        _identity(model),
        _contents(model),
        _summary(model),
        _tasks(model),
    ]
    if model.failures:
        blocks.append(
            _files(
                "Non-conformant and unreadable files",
                "Each file with an error: its findings, then the sentence of the standard each one enforces.",
                model.failures,
            )
        )
    if model.notes:
        blocks.append(
            _files(
                "Warnings on conformant files",
                "These files are conformant; their warnings are for the submitter and the reviewer.",
                model.notes,
            )
        )
    blocks.append(_not_checked(model))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
