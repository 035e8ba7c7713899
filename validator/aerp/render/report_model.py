"""What the published conformance report says, computed once from a run for every format.

The Markdown and HTML reports must tell the same story: the same files, the same order, the
same numbers, the same requirement sentences. So the story is computed here, as frozen data,
and the renderers only choose how it looks. Everything is a pure function of the ``Run`` and
of the specification data shipped with the validator: no clock, no environment, and no
iteration over a set or over a dict whose order could vary, so that the same run gives the
same bytes (a reviewer can publish a report and another can reproduce it exactly).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from aerp.findings import FileResult, Finding, Verdict
from aerp.protocol import Protocol, load_minor, minor_versions
from aerp.rating import NoScale, thresholds
from aerp.render.run import Run
from aerp.requirements import Requirement, read_requirements

UNREADABLE_DIGEST = "unreadable"
SHORT_NAME_LENGTH = 28


@dataclass(frozen=True)
class Identity:
    """What was checked, against which versions of the standard, by which validator, when."""

    spec_versions: tuple[str, ...]
    tool_version: str
    timestamp: str
    files: int
    inputs_digest: str
    conformant: int
    non_conformant: int
    unreadable: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class SummaryRow:
    """One submission as the summary table shows it; ``None`` where the file does not say."""

    path: str
    model: str | None
    task: str | None
    size_class: str | None
    division: str | None
    hardware: str | None
    energy: float | None
    stars: int | None
    claimed_stars: int | None
    stars_out_of: int | None
    verdict: Verdict
    errors: int
    warnings: int
    anchor: str | None  # the id of the file's findings section, when it has one
    # AERP 1.1 (clause 14.1): U, and the stars of E + U and of max(E − U, 0). ``None`` where the
    # file has no interval to show: an AERP 1.0 file, or U = 0 (a file that states none is rated on E).
    uncertainty: float | None = None
    stars_low: int | None = None
    stars_high: int | None = None
    coverage_factor: float | None = None  # k of the file's edition, to say what U means

    @property
    def spans(self) -> bool:
        """True where [E − U, E + U] crosses a threshold: the reports then show the range of stars."""
        return self.stars_low is not None and self.stars_high is not None and self.stars_low != self.stars_high


@dataclass(frozen=True)
class Band:
    """One star band of a fixed scale: energies in (low, high], open where ``None``."""

    stars: int
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ChartPoint:
    """One marker of a task chart: the identical results of one model merged into one."""

    label: str
    model: str
    energy: float
    division: str | None
    stars: int | None
    count: int
    uncertainty: float | None = None  # U (AERP 1.1): the chart draws [E − U, E + U] as an error bar
    stars_low: int | None = None
    stars_high: int | None = None

    @property
    def spans(self) -> bool:
        """True where the interval crosses a threshold (see :attr:`SummaryRow.spans`)."""
        return self.stars_low is not None and self.stars_high is not None and self.stars_low != self.stars_high


@dataclass(frozen=True)
class TaskSection:
    """One rating scale (a task, or a text-generation size class) and the results it rates."""

    anchor: str
    spec_version: str
    task: str
    size_class: str | None
    title: str
    scale: str
    metric: str
    best_stars: int
    bands: tuple[Band, ...]
    rows: tuple[SummaryRow, ...]
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class FindingEntry:
    """A finding with the sentence of the standard that it enforces, for a reader without the spec."""

    finding: Finding
    requirement_text: str | None


@dataclass(frozen=True)
class FileSection:
    """The findings of one file, for its own section of the report."""

    anchor: str
    path: str
    sha256: str | None
    aerp_version: str | None
    verdict: Verdict
    errors: int
    warnings: int
    entries: tuple[FindingEntry, ...]

    def broken_requirements(self) -> tuple[tuple[str, str | None], ...]:
        """Each requirement the findings name, once, in the order they are first named."""
        seen: dict[str, str | None] = {}
        for entry in self.entries:
            seen.setdefault(entry.finding.requirement, entry.requirement_text)
        return tuple(seen.items())


@dataclass(frozen=True)
class ReviewItem:
    """A requirement no program can verify, and why: the limit of what a verdict means."""

    spec_version: str
    id: str
    level: str
    section: str
    text: str
    reason: str


@dataclass(frozen=True)
class ReportModel:
    """Everything a conformance report shows, in the order it shows it."""

    identity: Identity
    summary: tuple[SummaryRow, ...]
    tasks: tuple[TaskSection, ...]
    failures: tuple[FileSection, ...]
    notes: tuple[FileSection, ...]  # conformant files with warnings: they stay conformant
    review_only: tuple[ReviewItem, ...]


# ----------------------------------------------------------------------------- formatting


def format_energy(value: float) -> str:
    """An energy with about four significant digits and never an exponent, for tables and labels.

    Fixed rules rather than ``repr`` so that 964.0935000000001 and 964.0935 print the same.
    """
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude == 0:
        return "0"
    decimals = min(12, max(0, 3 - math.floor(math.log10(magnitude))))
    rounded = abs(round(value, decimals))  # 999.99 rounds to 1000, 9.9996 to 10: one digit fewer
    if rounded >= 1000:
        return f"{value:,.0f}"
    if rounded > 0:
        decimals = min(decimals, max(0, 3 - math.floor(math.log10(rounded))))
    return f"{value:.{decimals}f}"


def format_uncertainty(value: float) -> str:
    """An expanded uncertainty to three significant digits, rounded up, and never an exponent.

    AERP 1.1 writes U with at most three significant digits, rounded up (GUM 7.2.6), so a stated
    U prints as stated; a longer one is rounded up, never down, so that the interval a reader
    sees is never narrower than the one the stars were read from. The shortest ``repr`` of the
    float is rounded, not its binary expansion, so 0.1 prints ``0.1`` and not ``0.101``.
    """
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    number = Decimal(repr(value))
    rounded = number.quantize(Decimal(1).scaleb(number.adjusted() - 2), rounding=ROUND_CEILING)
    return f"{rounded.normalize():f}"


def format_with_uncertainty(energy: float, uncertainty: float | None) -> str:
    """``9.599 ± 4.22``: the energy of a table cell, with its U where the file has one to show."""
    shown = format_energy(energy)
    return shown if uncertainty is None else f"{shown} ± {format_uncertainty(uncertainty)}"


def star_range(low: int, high: int) -> str:
    """``3–5``: the stars an interval allows, fewest first, as clause 14.1 writes them."""
    return f"{low}–{high}"


def uncertainty_note(rows: Sequence[SummaryRow], brief: bool = False) -> str | None:
    """What ``±`` and a range mean, for a table that shows them; None where no row does.

    The summary explains the notation once in full; a task section, which a reader may reach
    straight from the contents, gets the ``brief`` reminder. The coverage factor is the one of
    each file's edition, so the sentence cannot drift from the protocol data.
    """
    if not any(r.uncertainty is not None or r.spans for r in rows):
        return None
    factors = sorted({r.coverage_factor for r in rows if r.uncertainty is not None and r.coverage_factor is not None})
    k = " or ".join(f"k = {factor:g}" for factor in factors)
    stated = f"U the expanded uncertainty it states{f' ({k})' if k else ''}"
    if brief:
        return f"An AERP 1.1 energy reads E ± U, {stated}; its stars hold over the whole interval [E − U, E + U]."
    return (
        f"For an AERP 1.1 file the energy reads E ± U, {stated}, and its stars are those of E + U, which hold "
        "over the whole interval [E − U, E + U] (guarded acceptance); where the interval spans a threshold, the "
        "range of stars it allows follows them in parentheses."
    )


def format_threshold(value: float) -> str:
    """A threshold as the protocol writes it (``6.7989``, ``2004.08``): the scale is published data."""
    return f"{value:g}"


def band_range(band: Band) -> str:
    """A band's energies as the scale applies them: right-closed, so a value on an edge earns more stars."""
    if band.low is None and band.high is None:
        return "any energy"
    if band.low is None:
        return f"≤ {format_threshold(band.high or 0.0)}"
    if band.high is None:
        return f"> {format_threshold(band.low)}"
    return f"> {format_threshold(band.low)} and ≤ {format_threshold(band.high)}"


def star_glyphs(stars: int, out_of: int) -> str:
    """★★★★☆: a rating seen at a glance; clamped so that a malformed claim cannot draw a long row."""
    filled = max(0, min(stars, out_of))
    return "★" * filled + "☆" * (out_of - filled)


def slug(text: str) -> str:
    """A fragment identifier that survives Markdown renderers and HTML alike."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def short_model_name(model: str, length: int = SHORT_NAME_LENGTH) -> str:
    """The model name without its organisation, short enough to sit beside a chart marker."""
    name = model.rsplit("/", 1)[-1] or model
    return name if len(name) <= length else name[: length - 1] + "…"


# ----------------------------------------------------------------------------- facts


def _text(facts: dict[str, object], key: str) -> str | None:
    value = facts.get(key)
    return value if isinstance(value, str) else None


def _integer(facts: dict[str, object], key: str) -> int | None:
    value = facts.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(facts: dict[str, object], key: str) -> float | None:
    value = facts.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _missing_last(value: str | None) -> tuple[bool, str]:
    """A sort key under which files that do not state a fact come after those that do."""
    return (value is None, value or "")


def _stars_fact(facts: dict[str, object], key: str, out_of: int | None) -> int | None:
    """A star count from the facts, only where it lies on the scale (a range must never draw a long row)."""
    value = _integer(facts, key)
    return value if value is not None and out_of is not None and 1 <= value <= out_of else None


def _interval(result: FileResult, out_of: int | None) -> tuple[float | None, int | None, int | None, float | None]:
    """(U, stars of E + U, stars of max(E − U, 0), k) of an AERP 1.1 result, each None where not known.

    U is shown only where it is positive: the validator records U = 0 for a file that states
    no uncertainty (it is then rated on E itself), and "± 0" would read as a statement the file
    never made. The range comes only as a pair, so a half-known range is never drawn.
    """
    facts = result.facts
    expanded = _number(facts, "expanded_uncertainty_wh_per_1000_queries")
    low, high = _stars_fact(facts, "stars_low", out_of), _stars_fact(facts, "stars_high", out_of)
    if low is None or high is None:
        low = high = None
    uncertainty = expanded if expanded is not None and expanded > 0 else None
    protocol = _protocol_of(result) if uncertainty is not None else None
    factor = protocol.params.get("uncertainty", {}).get("coverage_factor") if protocol else None
    coverage = float(factor) if isinstance(factor, (int, float)) and not isinstance(factor, bool) else None
    return uncertainty, low, high, coverage


def _minor_of(aerp_version: str | None) -> str:
    """The minor version whose text and scales apply; a file with no usable version gets the newest.

    An unreadable file, or one whose version is unknown, was checked by the newest version's
    rules (its limits and its version check), so that is the text its findings refer to.
    """
    known = minor_versions()
    if aerp_version:
        parts = aerp_version.split(".")
        minor = ".".join(parts[:2])
        if len(parts) >= 2 and minor in known:
            return minor
    return known[-1]


def _protocol_of(result: FileResult) -> Protocol | None:
    return load_minor(_minor_of(result.aerp_version)) if result.aerp_version else None


@functools.cache
def requirements_by_id(minor: str) -> dict[str, Requirement]:
    """The requirements of one minor version, read once: every report looks them up per finding."""
    return {requirement.id: requirement for requirement in read_requirements(minor)}


# ----------------------------------------------------------------------------- identity


def inputs_digest(results: Iterable[FileResult]) -> str:
    """SHA-256 of ``sha256sum``-style lines sorted by path: one value that names the whole input.

    A reader can recompute it from the files themselves (``sha256sum`` output sorted by path),
    so a published report is tied to exactly the submissions it judged.
    """
    entries = sorted((r.path, r.sha256 or UNREADABLE_DIGEST) for r in results)
    lines = "".join(f"{digest}  {path}\n" for path, digest in entries)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def identity(run: Run) -> Identity:
    summary = run.summary()
    return Identity(
        spec_versions=tuple(run.spec_versions),
        tool_version=run.tool_version,
        timestamp=run.timestamp,
        files=summary["files"],
        inputs_digest=inputs_digest(run.results),
        conformant=summary["conformant"],
        non_conformant=summary["non_conformant"],
        unreadable=summary["unreadable"],
        errors=summary["errors"],
        warnings=summary["warnings"],
    )


# ----------------------------------------------------------------------------- summary


def ordered_results(results: Sequence[FileResult]) -> list[FileResult]:
    """Files by task, class, model, then path: rows that compare with each other sit together."""

    def key(result: FileResult) -> tuple[tuple[bool, str], ...]:
        facts = result.facts
        return (
            _missing_last(_text(facts, "task")),
            _missing_last(_text(facts, "class")),
            _missing_last(_text(facts, "model")),
            (False, result.path),
            (False, result.sha256 or ""),
        )

    return sorted(results, key=key)


def section_anchors(results: Sequence[FileResult]) -> list[str]:
    """A unique fragment id per file, derived from its path so that links survive re-ordering."""
    used: set[str] = set()
    anchors: list[str] = []
    for result in results:
        base = f"file-{slug(result.path)}"
        anchor, suffix = base, 2
        while anchor in used:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def _has_section(result: FileResult) -> bool:
    return result.verdict is not Verdict.CONFORMANT or bool(result.findings)


def _stars_out_of(result: FileResult) -> int | None:
    protocol = _protocol_of(result)
    return max(protocol.params["rating"]["stars"]) if protocol else None


def summary_row(result: FileResult, anchor: str | None) -> SummaryRow:
    facts = result.facts
    out_of = _stars_out_of(result)
    uncertainty, stars_low, stars_high, coverage = _interval(result, out_of)
    return SummaryRow(
        path=result.path,
        model=_text(facts, "model"),
        task=_text(facts, "task"),
        size_class=_text(facts, "class"),
        division=_text(facts, "division"),
        hardware=_text(facts, "hardware"),
        energy=_number(facts, "energy_wh_per_1000_queries"),
        stars=_integer(facts, "stars"),
        claimed_stars=_integer(facts, "claimed_stars"),
        stars_out_of=out_of,
        verdict=result.verdict,
        errors=result.errors,
        warnings=result.warnings,
        anchor=anchor,
        uncertainty=uncertainty,
        stars_low=stars_low,
        stars_high=stars_high,
        coverage_factor=coverage,
    )


# ----------------------------------------------------------------------------- task scales


def _scale_key(protocol: Protocol, task: str | None, size_class: str | None) -> tuple[str, str | None] | None:
    """The scale a result is listed under: its task, and its class only where the task has classes.

    A class given on a task without classes is ignored here (AERP-T003 reports it), so the
    result still appears beside the other results of its task.
    """
    if task is None or task not in protocol.tasks:
        return None
    table = protocol.params["rating"]["thresholds"]
    if task not in table:
        return None
    if protocol.tasks[task].get("classes"):
        return (task, size_class) if size_class is not None and size_class in table[task] else None
    return (task, None)


def bands(protocol: Protocol, task: str, size_class: str | None) -> tuple[Band, ...]:
    """The star bands of a fixed scale, best first, right-closed as ``rating.rate`` applies them."""
    edges = [float(t) for t in thresholds(protocol, task, size_class)]  # for drawing; verdicts use the exact values
    stars = protocol.params["rating"]["stars"]
    return tuple(
        Band(
            stars=int(stars[index]),
            low=edges[index - 1] if index > 0 else None,
            high=edges[index] if index < len(edges) else None,
        )
        for index in range(len(edges) + 1)
    )


def _task_title(protocol: Protocol, task: str, size_class: str | None) -> str:
    title = str(protocol.tasks[task].get("title", task))
    if size_class is None:
        return title
    class_title = protocol.params.get("classes", {}).get(size_class, {}).get("title")
    return f"{title}, class {size_class}" + (f" ({class_title})" if class_title else "")


def _metric(protocol: Protocol) -> str:
    params = protocol.params
    return f"{params['rated_component']} energy, {params['rated_unit']} per {params['rated_per_queries']:,} queries"


def chart_points(rows: Iterable[SummaryRow]) -> tuple[ChartPoint, ...]:
    """The markers of a chart: conformant results only, identical ones merged, lowest energy first.

    A non-conformant result has no valid rating, so placing it on a scale would mislead;
    copies of one result (the same model and the same energy as printed) would only stack.
    """
    merged: dict[tuple[str, str, str | None], ChartPoint] = {}
    for row in rows:
        if row.verdict is not Verdict.CONFORMANT or row.energy is None or row.energy <= 0:
            continue
        model = row.model or row.path
        key = (model, format_with_uncertainty(row.energy, row.uncertainty), row.division)
        earlier = merged.get(key)
        merged[key] = (
            replace(earlier, count=earlier.count + 1)
            if earlier
            else ChartPoint(
                short_model_name(model),
                model,
                row.energy,
                row.division,
                row.stars,
                1,
                uncertainty=row.uncertainty,
                stars_low=row.stars_low,
                stars_high=row.stars_high,
            )
        )
    return tuple(sorted(merged.values(), key=lambda p: (p.energy, p.model, p.division or "")))


def task_sections(results: Sequence[FileResult], rows: Sequence[SummaryRow]) -> tuple[TaskSection, ...]:
    """One section per scale that rates at least one result, by version, task, then class."""
    grouped: dict[tuple[str, str, str | None], list[SummaryRow]] = {}
    for result, row in zip(results, rows, strict=True):
        protocol = _protocol_of(result)
        if protocol is None:
            continue
        key = _scale_key(protocol, row.task, row.size_class)
        if key is not None:
            grouped.setdefault((protocol.version, *key), []).append(row)
    sections = []
    for version, task, size_class in sorted(grouped, key=lambda k: (k[0], k[1], k[2] or "")):
        protocol = load_minor(version)
        members = tuple(grouped[(version, task, size_class)])
        try:
            scale_bands = bands(protocol, task, size_class)
        except NoScale:
            continue
        sections.append(
            TaskSection(
                anchor=f"task-{slug(version)}-{slug(task)}" + (f"-{slug(size_class)}" if size_class else ""),
                spec_version=version,
                task=task,
                size_class=size_class,
                title=_task_title(protocol, task, size_class),
                scale=str(protocol.params["rating"]["scale"]),
                metric=_metric(protocol),
                best_stars=max(protocol.params["rating"]["stars"]),
                bands=scale_bands,
                rows=members,
                points=chart_points(members),
            )
        )
    return tuple(sections)


# ----------------------------------------------------------------------------- findings


def requirement_sentence(aerp_version: str | None, requirement_id: str) -> str | None:
    """The sentence of the standard a finding enforces, from the text of the file's own version."""
    found = requirements_by_id(_minor_of(aerp_version)).get(requirement_id)
    return found.text if found else None


def file_section(result: FileResult, anchor: str) -> FileSection:
    findings = sorted(result.findings, key=Finding.sort_key)
    return FileSection(
        anchor=anchor,
        path=result.path,
        sha256=result.sha256,
        aerp_version=result.aerp_version,
        verdict=result.verdict,
        errors=result.errors,
        warnings=result.warnings,
        entries=tuple(FindingEntry(f, requirement_sentence(result.aerp_version, f.requirement)) for f in findings),
    )


# ----------------------------------------------------------------------------- review-only


def review_only(spec_versions: Sequence[str]) -> tuple[ReviewItem, ...]:
    """Every requirement verified by review, for each minor version the run used (else the newest).

    A verdict of "conformant" covers what a program can check; this list says what it cannot.
    """
    minors = sorted({_minor_of(v) for v in spec_versions} or {_minor_of(None)})
    return tuple(
        ReviewItem(minor, r.id, r.level, r.section, r.text, r.review)
        for minor in minors
        for r in read_requirements(minor)
        if r.review
    )


# ----------------------------------------------------------------------------- the whole


def build(run: Run) -> ReportModel:
    """The report of ``run``: a pure function of it, so two renders give the same bytes."""
    results = ordered_results(run.results)
    anchored = list(zip(results, section_anchors(results), strict=True))
    rows = [summary_row(r, a if _has_section(r) else None) for r, a in anchored]
    failures = tuple(file_section(r, a) for r, a in anchored if r.verdict is not Verdict.CONFORMANT)
    notes = tuple(file_section(r, a) for r, a in anchored if r.verdict is Verdict.CONFORMANT and r.findings)
    return ReportModel(
        identity=identity(run),
        summary=tuple(rows),
        tasks=task_sections(results, rows),
        failures=failures,
        notes=notes,
        review_only=review_only(run.spec_versions),
    )


def verdict_counts(model: ReportModel) -> str:
    """One line for the head of a report: the verdicts, then the findings that led to them."""
    i = model.identity
    return (
        f"{i.conformant} conformant, {i.non_conformant} non-conformant, {i.unreadable} unreadable; "
        f"{i.errors} error{'' if i.errors == 1 else 's'}, {i.warnings} warning{'' if i.warnings == 1 else 's'}"
    )
