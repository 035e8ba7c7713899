"""Appliance-style energy labels: one conformant, rated result drawn as a self-contained SVG.

The label borrows its reading order from the AI Energy Score label (model, task, hardware,
the energy per 1,000 queries, five stars) and its class scale from the EU energy label and
ENERGY STAR, so that a reader who knows either reads this one at a glance. It is a pure
function of a FileResult: no clock, no external fonts, images or scripts, the same bytes for
the same input, so a label can be published beside its result file and traced back to it by
the SHA-256 it carries. Every string from the submission is escaped and measured before it is
drawn: a label is something people publish, so a hostile model name must neither break the
XML nor spill out of the frame.

An AERP 1.1 result states the expanded uncertainty U of its energy E, and claims the stars
of E + U (clause 14.1, guarded acceptance). Its label shows E ± U with the coverage factor
in small print, fills the claimed stars, and where [E − U, E + U] spans a threshold, shows
the range of stars the interval allows (outlined stars tinted, a bracket under the class
scale, "3–5 stars: claim 3") so that a reader sees both what is claimed and how far the
measurement could reach. Such a label is taller by the two rows this takes; a label without
an uncertainty (every AERP 1.0 result) is drawn exactly as before.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import NamedTuple

from aerp.exact import exact, significant
from aerp.findings import FileResult, Severity, Verdict
from aerp.protocol import Protocol, for_version
from aerp.render.report_model import format_energy, format_uncertainty, star_range


class NoLabel(ValueError):
    """The result gets no label; the message says why, in words a submitter can act on."""


# Geometry, in viewBox units. The label is drawn at twice its size so that it is crisp when a
# page shows it without scaling; the viewBox keeps it scalable to any size.
WIDTH, HEIGHT, PIXELS_PER_UNIT = 260, 364, 2
MARGIN = 16
CONTENT = WIDTH - 2 * MARGIN
VALUE_X = 68  # where the values of the Task / Hardware / Date rows start

INK = "#14213d"  # the one dark accent: header, figures, filled stars, frame
MUTED = "#5b6472"
RULE = "#e3e6ea"
HEADER_SUBTITLE = "#c5cde0"
RANGE_FILL = "#c5cde0"  # a star the interval allows but the result does not claim: tinted, not filled
# The rows an uncertainty adds: the small print under the energy, and the bracket under the
# class scale that marks the range of stars the interval spans.
SMALL_PRINT_ROW, BRACKET_ROW = 10.0, 8.0
UNCERTAINTY_FACT = "expanded_uncertainty_wh_per_1000_queries"
SANS = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', sans-serif"
)
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace"
# The energy-class bands, best first (EU label colours: dark green to red), with the ink
# that stays readable on each.
BANDS = (("#00a651", "#ffffff"), ("#8cc63f", INK), ("#ffd500", INK), ("#f7941d", INK), ("#e2231a", "#ffffff"))

# Characters that XML 1.0 forbids, and the bidirectional controls that could make a label
# show a model name other than the one in the file.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Advance widths of DejaVu Sans Bold and DejaVu Sans, in thousandths of an em, for ASCII 32-126.
# DejaVu is the widest sans-serif a viewer is likely to fall back on, so measuring with it
# bounds the width of the whole font stack from above.
_BOLD_ASCII = (
    "348,456,521,838,696,1002,872,306,457,457,523,838,380,415,380,365,696,696,696,696,696,696,696,696,696,696,400,"
    "400,838,838,838,580,1000,774,762,734,830,683,683,821,837,372,372,775,637,995,837,850,733,850,770,720,682,812,"
    "774,1103,771,724,725,457,365,457,838,500,500,675,716,593,716,678,435,716,712,343,343,665,343,1042,712,687,716,"
    "716,493,595,478,712,652,924,645,652,582,712,365,712,838"
)
_REGULAR_ASCII = (
    "318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,636,636,636,636,636,636,636,636,636,636,337,"
    "337,838,838,838,531,1000,684,686,698,770,632,575,775,752,295,295,656,557,863,748,787,603,787,695,635,611,732,"
    "684,989,685,611,685,390,337,390,838,500,500,613,635,550,635,615,352,635,634,278,278,579,278,974,634,612,635,"
    "635,411,521,392,634,592,818,592,592,525,636,337,636,838"
)
_EMS = {
    face: {chr(32 + i): int(w) / 1000 for i, w in enumerate(table.split(","))}
    for face, table in (("bold", _BOLD_ASCII), ("regular", _REGULAR_ASCII))
}
_EMS["bold"].update({"×": 0.838, "·": 0.38, "…": 1.0})
_EMS["regular"].update({"×": 0.838, "·": 0.318, "…": 1.0})
_EMS["mono"] = {chr(c): 0.602 for c in range(32, 127)}
_SAFETY = 1.04  # kerning, hinting and a viewer's font that is wider still


def _clean(text: str) -> str:
    """The string as it may be shown: one line, no characters XML or the reader cannot trust."""
    return _WHITESPACE.sub(" ", _FORBIDDEN.sub("\ufffd", text)).strip()


def _xml(text: str) -> str:
    """Escape for element content and double- or single-quoted attributes alike."""
    return (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _n(value: float) -> str:
    """A coordinate with at most two decimals, so the same geometry always prints the same."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _char_em(char: str, face: str) -> float:
    """The advance of one character in ems; anything outside ASCII is taken as wide."""
    known = _EMS[face].get(char)
    if known is not None:
        return known
    return 1.2 if unicodedata.east_asian_width(char) in ("W", "F") else 1.12


def _text_width(text: str, size: float, face: str = "regular") -> float:
    """A generous estimate of the drawn width of ``text`` at ``size`` in ``face``.

    The label cannot know which system font the viewer picks, so it measures with the
    widest likely one and errs wide: a string cut a little early is better than one that
    leaves the frame.
    """
    return sum(_char_em(char, face) for char in text) * size * _SAFETY


def _longest_fitting(text: str, size: float, width: float, face: str) -> int:
    """How many leading characters of ``text`` fit in ``width`` (linear: strings may be long)."""
    used = 0.0
    for count, char in enumerate(text):
        used += _char_em(char, face) * size * _SAFETY
        if used > width:
            return count
    return len(text)


def _fit(text: str, size: float, width: float, face: str = "regular") -> str:
    """``text``, or as much of it as fits followed by an ellipsis."""
    if _text_width(text, size, face) <= width:
        return text
    room = width - _text_width("…", size, face)
    return text[: _longest_fitting(text, size, room, face)].rstrip() + "…"


def _model_lines(model: str, size: float, width: float) -> list[str]:
    """The model on one line, or two: split after the organisation, else at a hyphen.

    ``org/name`` on two lines reads best; a long name breaks after the last ``-``, ``_`` or
    ``.`` that fits, and whatever still does not fit ends in an ellipsis.
    """
    if _text_width(model, size, "bold") <= width:
        return [model]
    org, slash, name = model.partition("/")
    if slash and _text_width(org + slash, size, "bold") <= width and _text_width(name, size, "bold") <= width:
        return [org + slash, name]
    fitted = _longest_fitting(model, size, width, "bold")
    breaks = [i + 1 for i, char in enumerate(model[:fitted]) if char in "/-_. "]
    cut = breaks[-1] if breaks and breaks[-1] > fitted // 3 else max(fitted, 1)
    return [model[:cut], _fit(model[cut:], size, width, "bold")]


def energy_figure(energy_wh: float) -> tuple[str, str]:
    """The energy to three significant figures and its unit: Wh, or kWh from 1,000 Wh on.

    Rounding comes first, so 999.96 Wh reads ``1.00 kWh``, never ``1000 Wh``.
    """
    rounded = float(f"{energy_wh:.3g}")
    unit = "Wh"
    if rounded >= 1000:
        rounded, unit = float(f"{rounded / 1000:.3g}"), "kWh"
    decimals = max(0, 2 - math.floor(math.log10(rounded)))
    return f"{rounded:.{decimals}f}", unit


def _star_points(cx: float, cy: float, outer: float) -> str:
    """The ten corners of a five-pointed star, point up (drawn, so no font needs a ★ glyph)."""
    inner = outer * 0.4
    corners = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.pi / 5 * k - math.pi / 2
        corners.append(f"{_n(cx + radius * math.cos(angle))},{_n(cy + radius * math.sin(angle))}")
    return " ".join(corners)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _protocol(result: FileResult) -> Protocol:
    protocol = for_version(result.aerp_version) if isinstance(result.aerp_version, str) else None
    if protocol is None:
        raise NoLabel(f"{result.path} declares no supported AERP version, so its rating scale is unknown")
    return protocol


class _Shown(NamedTuple):
    """The facts a label draws, checked and typed."""

    model: str
    revision: str
    task: str
    size_class: str | None
    hardware: str
    date: str
    energy_wh: float
    stars: int
    sha256: str
    aerp_version: str
    uncertainty_wh: float | None = None  # U (AERP 1.1), with the stars of E + U and of max(E − U, 0)
    stars_low: int | None = None
    stars_high: int | None = None

    @property
    def spans(self) -> bool:
        """True where [E − U, E + U] crosses a threshold: the label then shows the range."""
        return self.stars_low is not None and self.stars_low != self.stars_high


def _first_error(result: FileResult) -> str:
    """The first error of a result, with its hint: enough to act on without another command."""
    first = next((f for f in result.findings if f.severity is Severity.ERROR), None)
    if first is None:
        return "no finding"
    return f"{first.check} {first.message}" + (f" — {first.hint}" if first.hint else "")


def _rated(result: FileResult) -> None:
    """NoLabel unless the result is one a label may speak for: conformant and rated.

    A label is read as an endorsement of the stars it shows, so it is never drawn for a
    result the validator rejected, nor for the open division, whose results are not rated.
    """
    if result.verdict is Verdict.UNREADABLE:
        raise NoLabel(
            f"{result.path} is unreadable: a label is drawn only for a conformant result; {_first_error(result)}"
        )
    if result.verdict is Verdict.NON_CONFORMANT:
        raise NoLabel(
            f"{result.path} is non-conformant ({_plural(result.errors, 'error')}): a label is drawn only for a "
            f"conformant result; the first error: {_first_error(result)}"
        )
    if result.facts.get("division") == "open":
        raise NoLabel(f"{result.path}: open-division results are not rated, so they get no label")


def _require(result: FileResult, scale_stars: Sequence[int]) -> _Shown:
    """The facts a label draws, or NoLabel naming the ones that are missing or unusable."""
    facts = result.facts
    text = {key: facts.get(key) for key in ("model", "revision", "task", "hardware", "date")}
    missing = [key for key, value in text.items() if not isinstance(value, str) or not value.strip()]
    energy = facts.get("energy_wh_per_1000_queries")
    if isinstance(energy, bool) or not isinstance(energy, (int, float)) or not math.isfinite(energy) or energy <= 0:
        missing.append("energy_wh_per_1000_queries")
    stars = facts.get("stars")
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in scale_stars:
        missing.append("stars")
    digest = result.sha256
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        missing.append("sha256")
    uncertainty = facts.get(UNCERTAINTY_FACT)
    stars_low, stars_high = facts.get("stars_low"), facts.get("stars_high")
    if UNCERTAINTY_FACT in facts:  # an AERP 1.1 result: the interval is shown whole or not at all
        usable = not isinstance(uncertainty, bool) and isinstance(uncertainty, (int, float))
        if not usable or not math.isfinite(uncertainty) or uncertainty < 0:  # type: ignore[arg-type, operator]
            missing.append(UNCERTAINTY_FACT)
        for key, value in (("stars_low", stars_low), ("stars_high", stars_high)):
            if isinstance(value, bool) or not isinstance(value, int) or value not in scale_stars:
                missing.append(key)
    if missing:
        raise NoLabel(f"{result.path} lacks the facts a label needs: {', '.join(missing)}")
    interval = UNCERTAINTY_FACT in facts
    if interval and not stars_low <= stars <= stars_high:  # type: ignore[operator]  # checked above
        raise NoLabel(
            f"{result.path}: its rating of {stars} stars lies outside the range {stars_low}–{stars_high} that its "
            "interval [E − U, E + U] allows, so a label would contradict itself"
        )
    size_class = facts.get("class")
    return _Shown(
        model=str(text["model"]),
        revision=str(text["revision"]),
        task=str(text["task"]),
        size_class=size_class if isinstance(size_class, str) and size_class else None,
        hardware=str(text["hardware"]),
        date=str(text["date"]),
        energy_wh=float(energy),  # type: ignore[arg-type]  # checked above
        stars=int(stars),  # type: ignore[arg-type]  # checked above
        sha256=str(digest),
        aerp_version=str(result.aerp_version),
        uncertainty_wh=float(uncertainty) if interval else None,  # type: ignore[arg-type]  # checked above
        stars_low=int(stars_low) if interval else None,  # type: ignore[arg-type]  # checked above
        stars_high=int(stars_high) if interval else None,  # type: ignore[arg-type]  # checked above
    )


def uncertainty_figure(uncertainty_wh: float, unit: str) -> str:
    """U in the unit of the big figure, to three significant digits rounded up (never narrower than stated)."""
    return format_uncertainty(uncertainty_wh / 1000 if unit == "kWh" else uncertainty_wh)


def _coverage(protocol: Protocol) -> str | None:
    """The coverage factor k of the protocol, as the small print states it; None where it names none."""
    factor = protocol.params.get("uncertainty", {}).get("coverage_factor")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)):
        return None
    return significant(exact(factor))


def _interval_sentence(shown: _Shown, stars_text: str, scale: str, version: str) -> str:
    """The rating as the text alternative states it: the claim, and the interval it was read from."""
    energy, expanded = shown.energy_wh, shown.uncertainty_wh or 0.0
    ends = f"{format_energy(max(energy - expanded, 0.0))} to {format_energy(energy + expanded)} Wh"
    if shown.spans:
        return (
            f"Claims {stars_text} on the {scale} scale of AERP {version}; the interval from {ends} spans "
            f"{shown.stars_low} to {shown.stars_high} stars."
        )
    return f"Rated {stars_text} on the {scale} scale of AERP {version}, over the whole interval from {ends}."


def label_svg(result: FileResult) -> str:
    """The energy label of a conformant closed-division result, as a standalone SVG document.

    Raises NoLabel when the result is not conformant, is in the open division (which is not
    rated), or lacks a fact the label shows.
    """
    _rated(result)
    protocol = _protocol(result)
    rating = protocol.params["rating"]
    scale_stars = [int(s) for s in rating["stars"]]  # best first, e.g. [5, 4, 3, 2, 1]
    shown = _require(result, scale_stars)
    model, revision, task, hardware, date = shown.model, shown.revision, shown.task, shown.hardware, shown.date
    stars, best, energy = shown.stars, max(scale_stars), shown.energy_wh
    scale, version, digest = str(rating["scale"]), shown.aerp_version, shown.sha256
    figure, unit = energy_figure(energy)
    task_text = f"{task} · class {shown.size_class}" if shown.size_class else task
    stars_text = f"{stars} of {best} stars"
    id_prefix = f"aerp-label-{digest[:12]}"
    # An uncertainty adds the small print under the energy (``drop`` moves everything below it)
    # and the row of the range bracket (``extra`` moves what follows the class scale).
    with_u = shown.uncertainty_wh is not None
    drop, extra = (SMALL_PRINT_ROW, BRACKET_ROW) if with_u else (0.0, 0.0)
    label_height = HEIGHT + drop + extra
    tail = f"± {uncertainty_figure(shown.uncertainty_wh or 0.0, unit)} {unit}" if with_u else unit
    k = _coverage(protocol) if with_u else None
    title = f"AERP energy label: {model}, {stars_text}"
    if shown.spans:
        title += f" claimed, range {star_range(shown.stars_low or 0, shown.stars_high or 0)} stars"

    out: list[str] = []
    add = out.append
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH * PIXELS_PER_UNIT}" '
        f'height="{_n(label_height * PIXELS_PER_UNIT)}" viewBox="0 0 {WIDTH} {_n(label_height)}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="{SANS}">'
    )
    add(f'<title id="{id_prefix}-title">{_xml(title)}</title>')
    task_class = f" (class {shown.size_class})" if shown.size_class else ""
    if with_u:
        coverage = f", coverage factor k = {k}" if k else ""
        desc = (
            f"{model} at revision {revision}: {figure} {tail} of accelerator energy per 1,000 queries "
            f"(E ± U, U the expanded uncertainty{coverage}) on the {task} task{task_class}, on {hardware}, "
            f"submitted {date}. {_interval_sentence(shown, stars_text, scale, version)} Result file SHA-256 {digest}."
        )
    else:
        desc = (
            f"{model} at revision {revision}: {figure} {unit} of accelerator energy per 1,000 queries "
            f"on the {task} task{task_class}, on {hardware}, submitted {date}. Rated {stars_text} on the {scale} "
            f"scale of AERP {version}. Result file SHA-256 {digest}."
        )
    add(f'<desc id="{id_prefix}-desc">{_xml(desc)}</desc>')

    # Frame and header band. The band's top corners follow the frame's centre line, and both
    # are the accent colour, so no white sliver shows at the corners.
    add(
        f'<rect x="0.75" y="0.75" width="{_n(WIDTH - 1.5)}" height="{_n(label_height - 1.5)}" rx="7.25" '
        'fill="#ffffff"/>'
    )
    add(
        f'<path d="M0.75 48V8A7.25 7.25 0 0 1 8 0.75H{_n(WIDTH - 8)}A7.25 7.25 0 0 1 {_n(WIDTH - 0.75)} 8V48Z" '
        f'fill="{INK}"/>'
    )
    add(f'<text x="{MARGIN}" y="25" font-size="17" font-weight="700" fill="#ffffff">AERP energy label</text>')
    add(
        f'<text x="{MARGIN}" y="39" font-size="8.5" fill="{HEADER_SUBTITLE}" letter-spacing="0.3">'
        "AI Energy Rating Protocol</text>"
    )

    # Model and revision, centred in the room between the header and the rows.
    model_lines = _model_lines(_clean(model), 13, CONTENT)
    y = 70.0 if len(model_lines) == 2 else 78.0
    for line in model_lines:
        add(
            f'<text class="model" x="{MARGIN}" y="{_n(y)}" font-size="13" font-weight="700" fill="{INK}">'
            f"{_xml(line)}</text>"
        )
        y += 16
    add(
        f'<text class="revision" x="{MARGIN}" y="{_n(y - 2)}" font-size="8.5" font-family="{MONO}" fill="{MUTED}">'
        f"revision {_xml(_fit(_clean(revision)[:12], 8.5, CONTENT, 'mono'))}</text>"
    )

    # Task, hardware, date.
    row_top = 114.0
    for name, value in (("Task", task_text), ("Hardware", hardware), ("Date", date)):
        add(
            f'<line x1="{MARGIN}" y1="{_n(row_top)}" x2="{WIDTH - MARGIN}" y2="{_n(row_top)}" '
            f'stroke="{RULE}" stroke-width="1"/>'
        )
        add(f'<text x="{MARGIN}" y="{_n(row_top + 12.5)}" font-size="9" fill="{MUTED}">{name}</text>')
        add(
            f'<text x="{VALUE_X}" y="{_n(row_top + 12.5)}" font-size="9.5" font-weight="600" fill="{INK}">'
            f"{_xml(_fit(_clean(value), 9.5, WIDTH - MARGIN - VALUE_X, 'bold'))}</text>"
        )
        row_top += 18
    add(
        f'<line x1="{MARGIN}" y1="{_n(row_top)}" x2="{WIDTH - MARGIN}" y2="{_n(row_top)}" '
        f'stroke="{RULE}" stroke-width="1"/>'
    )

    # The big figure, with ± U at the size of the unit; a long number gets a smaller font rather
    # than leaving the frame.
    figure_size = min(34.0, CONTENT / max(1.0, _text_width(figure, 1, "bold") + _text_width(f" {tail}", 0.5, "bold")))
    add(
        f'<text class="energy" x="{WIDTH / 2:g}" y="212" text-anchor="middle" font-weight="700" fill="{INK}" '
        f'font-size="{_n(figure_size)}">{figure}<tspan font-size="{_n(figure_size / 2)}" dx="3">{_xml(tail)}</tspan>'
        "</text>"
    )
    add(
        f'<text x="{WIDTH / 2:g}" y="227" text-anchor="middle" font-size="8.5" fill="{MUTED}">'
        "accelerator energy per 1,000 queries</text>"
    )
    if with_u:
        small_print = "± U: expanded uncertainty" + (f", coverage factor k = {k}" if k else "")
        add(
            f'<text class="small-print" x="{WIDTH / 2:g}" y="{_n(227 + drop)}" text-anchor="middle" font-size="7" '
            f'fill="{MUTED}">{_xml(_fit(small_print, 7, CONTENT))}</text>'
        )

    # Stars: the claimed ones filled, the rest outlined; those the interval allows beyond the
    # claim are tinted, so the range reads without colour and without the text below.
    pitch, radius, star_y = 27.0, 10.5, 250.0 + drop
    first_x = WIDTH / 2 - pitch * (best - 1) / 2
    for index in range(best):
        filled = index < stars
        in_range = not filled and shown.spans and index < (shown.stars_high or 0)
        if filled:
            paint = f'fill="{INK}"'
        else:
            paint = f'fill="{RANGE_FILL if in_range else "#ffffff"}" stroke="{INK}" stroke-width="1.2"'
        state = "filled" if filled else ("empty in-range" if in_range else "empty")
        add(
            f'<polygon class="star {state}" '
            f'points="{_star_points(first_x + index * pitch, star_y, radius)}" {paint} stroke-linejoin="round"/>'
        )
    if shown.spans:
        stars_line = f"{star_range(shown.stars_low or 0, shown.stars_high or 0)} stars: claim {stars}"
    else:
        stars_line = stars_text
    add(
        f'<text class="stars" x="{WIDTH / 2:g}" y="{_n(275 + drop)}" text-anchor="middle" font-size="10.5" '
        f'font-weight="700" fill="{INK}">{_xml(stars_line)}</text>'
    )

    # The class scale: one band per star count, best (least energy) on the left, a marker on
    # the band claimed, and under the bands a bracket over the range the interval spans.
    gap, bar_top, bar_height = 2.0, 290.0 + drop, 16.0
    band_width = (CONTENT - gap * (len(scale_stars) - 1)) / len(scale_stars)
    for index, band_stars in enumerate(scale_stars):
        colour, band_ink = BANDS[min(index, len(BANDS) - 1)]
        x = MARGIN + index * (band_width + gap)
        centre = x + band_width / 2
        earned = band_stars == stars
        top, height = (bar_top - 3, bar_height + 6) if earned else (bar_top, bar_height)
        outline = f' stroke="{INK}" stroke-width="1.5"' if earned else ""
        add(
            f'<rect class="band{" earned" if earned else ""}" x="{_n(x)}" y="{_n(top)}" width="{_n(band_width)}" '
            f'height="{_n(height)}" rx="2" fill="{colour}"{outline}/>'
        )
        add(
            f'<text x="{_n(centre - 2)}" y="{_n(bar_top + 11.5)}" text-anchor="end" font-size="9.5" '
            f'font-weight="700" fill="{band_ink}">{band_stars}</text>'
        )
        add(f'<polygon points="{_star_points(centre + 3.5, bar_top + 8, 4.2)}" fill="{band_ink}"/>')
        if earned:
            tip = f"L{_n(centre)} {_n(top - 1.5)}Z"
            add(f'<path class="marker" d="M{_n(centre - 6)} {_n(top - 8)}H{_n(centre + 6)}{tip}" fill="{INK}"/>')
    if shown.spans:
        first = scale_stars.index(shown.stars_high or 0)  # the most stars sit leftmost
        last = scale_stars.index(shown.stars_low or 0)
        left, right = MARGIN + first * (band_width + gap), MARGIN + last * (band_width + gap) + band_width
        line_y = bar_top + bar_height + 7
        add(
            f'<path class="range" d="M{_n(left)} {_n(line_y - 3.5)}V{_n(line_y)}H{_n(right)}V{_n(line_y - 3.5)}" '
            f'fill="none" stroke="{INK}" stroke-width="1.2" stroke-linejoin="round"/>'
        )
    less_more_y = _n(bar_top + bar_height + 13 + extra)
    add(f'<text x="{MARGIN}" y="{less_more_y}" font-size="7.5" fill="{MUTED}">less energy</text>')
    add(
        f'<text x="{WIDTH - MARGIN}" y="{less_more_y}" text-anchor="end" font-size="7.5" '
        f'fill="{MUTED}">more energy</text>'
    )

    # Footer: what the rating was computed under, and which file it belongs to.
    below = drop + extra
    add(
        f'<line x1="{MARGIN}" y1="{_n(329 + below)}" x2="{WIDTH - MARGIN}" y2="{_n(329 + below)}" stroke="{RULE}" '
        'stroke-width="1"/>'
    )
    add(
        f'<text x="{MARGIN}" y="{_n(342 + below)}" font-size="7.5" font-family="{MONO}" fill="{MUTED}">'
        f"{_xml(_fit(f'AERP {version}', 7.5, CONTENT / 2, 'mono'))}</text>"
    )
    add(
        f'<text x="{WIDTH - MARGIN}" y="{_n(342 + below)}" text-anchor="end" font-size="7.5" font-family="{MONO}" '
        f'fill="{MUTED}">scale {_xml(_fit(scale, 7.5, CONTENT / 2 - 30, "mono"))}</text>'
    )
    add(
        f'<text class="sha256" x="{MARGIN}" y="{_n(352 + below)}" font-size="7.5" font-family="{MONO}" '
        f'fill="{MUTED}">sha256 {digest[:12]}</text>'
    )

    # The frame last, over the band's edge.
    add(
        f'<rect x="0.75" y="0.75" width="{_n(WIDTH - 1.5)}" height="{_n(label_height - 1.5)}" rx="7.25" fill="none" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    add("</svg>")
    return "\n".join(out) + "\n"


def label_name(result: FileResult) -> str:
    """A file name for the label of ``result``: ``<stem>.label.svg``, safe in any folder.

    The path in a result is whatever the user typed (or a display name), so only its last
    component is kept, and anything outside ``[A-Za-z0-9._-]`` is replaced: the name can never
    climb out of the output folder, hide itself behind a leading dot, or read as an option.
    """
    last = PurePosixPath(result.path.replace("\\", "/")).name
    stem = last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last
    safe = _UNSAFE_NAME.sub("_", stem).lstrip(".-_")[:200]
    return f"{safe or 'result'}.label.svg"
