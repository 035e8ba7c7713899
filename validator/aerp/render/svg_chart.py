"""One rating scale as an inline SVG: the star bands on a log energy axis, each result a marker.

The chart answers the question a reader of a conformance report asks of a rating: how far
is this result from the next band? Energies of one task span several orders of magnitude,
so the axis is logarithmic; each result gets a row of its own, so labels never overlap
whatever the energies. The SVG is self-contained (no fonts, no scripts, no links), carries
a ``<title>`` and a ``<desc>`` for assistive technology, and is deterministic: every number
is written with fixed precision, so the same section always gives the same bytes.

An AERP 1.1 result carries its expanded uncertainty U, and its claim is read from the whole
interval [E − U, E + U] (clause 14.1), so its marker gets an error bar over that interval:
the reader sees which thresholds the interval crosses. The axis is not widened for the bars
(an E − U near zero would stretch a log axis over many decades and squeeze every band), so a
bar is clipped at the end of the axis and has no cap there, which says that it goes on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from aerp.render.report_model import (
    Band,
    ChartPoint,
    TaskSection,
    band_range,
    format_with_uncertainty,
    star_range,
)

WIDTH = 960.0
PLOT_LEFT = 16.0
PLOT_RIGHT = WIDTH - 16.0
TOP = 4.0
HEADER_HEIGHT = 24.0
ROW_HEIGHT = 24.0
AXIS_SPACE = 50.0
MARGIN_DECADES = 0.2  # room left and right of the outermost energy or threshold
MIN_DECADES = 1.0  # an axis narrower than one decade would show no power of ten
CHAR_WIDTH = 6.3  # average advance of the label font at LABEL_SIZE, to keep labels inside the plot
LABEL_SIZE = 11.5
MARKER_RADIUS = 5.5
CAP_HALF_HEIGHT = 5.0  # the end caps of an error bar, above and below its line
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1b1f24"

# (band fill, header fill, header text) from the best band to the worst: green to red, light
# tints behind the markers so that they stay legible, full colours in the header strip.
PALETTE = (
    ("#d3eed9", "#1e7b3a", "#ffffff"),
    ("#e6f4d2", "#9bd06b", INK),
    ("#fcf2c6", "#f5d04a", INK),
    ("#fde1cb", "#f5a05a", INK),
    ("#f8d6d2", "#c0392b", "#ffffff"),
)


@dataclass(frozen=True)
class LogAxis:
    """Energies from ``low`` to ``high`` on a log scale, mapped onto the plot's width."""

    low: float
    high: float

    def x(self, energy: float) -> float:
        span = math.log10(self.high) - math.log10(self.low)
        return PLOT_LEFT + (math.log10(energy) - math.log10(self.low)) / span * (PLOT_RIGHT - PLOT_LEFT)


def _n(value: float) -> str:
    """A coordinate with one decimal: enough for a screen, and the same bytes on every run."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def axis_range(energies: Sequence[float], edges: Sequence[float]) -> LogAxis:
    """An axis that holds every plotted energy and every threshold, with a margin, and a decade at least."""
    values = [v for v in (*energies, *edges) if v > 0]
    if not values:
        return LogAxis(1.0, 10.0)
    low = math.log10(min(values)) - MARGIN_DECADES
    high = math.log10(max(values)) + MARGIN_DECADES
    if high - low < MIN_DECADES:
        middle = (high + low) / 2
        low, high = middle - MIN_DECADES / 2, middle + MIN_DECADES / 2
    return LogAxis(10**low, 10**high)


def tick_label(value: float) -> str:
    """``0.01``, ``1``, ``1,000``: numbers a reader of Wh reads without exponents."""
    if value >= 1:
        return f"{round(value):,}"
    decimals = max(0, -math.floor(math.log10(value) + 1e-9))
    return f"{value:.{decimals}f}"


def ticks(axis: LogAxis) -> list[tuple[float, bool, bool]]:
    """(value, is a power of ten, is labelled) for every tick inside the axis.

    Powers of ten carry the labels; when fewer than two fit, 2× and 5× are labelled too so
    that a short axis can still be read.
    """
    first = math.floor(math.log10(axis.low))
    last = math.ceil(math.log10(axis.high))
    inside = [
        (mantissa * 10.0**power, mantissa)
        for power in range(first, last + 1)
        for mantissa in range(1, 10)
        if axis.low <= mantissa * 10.0**power <= axis.high
    ]
    few_decades = sum(1 for _, mantissa in inside if mantissa == 1) < 2
    labelled = (1, 2, 5) if few_decades else (1,)
    return [(value, mantissa == 1, mantissa in labelled) for value, mantissa in inside]


def _colours(rank: int, bands: int) -> tuple[str, str, str]:
    """The colours of the band ``rank`` places from the best, spread over the palette."""
    if bands <= 1:
        return PALETTE[0]
    return PALETTE[round(rank * (len(PALETTE) - 1) / (bands - 1))]


def _band_extent(band: Band, axis: LogAxis) -> tuple[float, float]:
    """Where a band lies; the open outer bands run to the ends of the axis."""
    left = axis.x(band.low) if band.low is not None else PLOT_LEFT
    right = axis.x(band.high) if band.high is not None else PLOT_RIGHT
    return max(PLOT_LEFT, left), min(PLOT_RIGHT, right)


def _bands(section: TaskSection, axis: LogAxis, bottom: float) -> list[str]:
    parts: list[str] = []
    for rank, band in enumerate(section.bands):
        fill, header, header_ink = _colours(rank, len(section.bands))
        left, right = _band_extent(band, axis)
        width = right - left
        if width <= 0:
            continue
        parts.append(
            f"<g><title>{band.stars} stars: {escape(band_range(band))} Wh</title>"
            f'<rect x="{_n(left)}" y="{_n(TOP)}" width="{_n(width)}" height="{_n(bottom - TOP)}" fill="{fill}"/>'
            f'<rect x="{_n(left)}" y="{_n(TOP)}" width="{_n(width)}" height="{_n(HEADER_HEIGHT)}" fill="{header}"/>'
        )
        label = f"{band.stars}★" if width >= 28 else (str(band.stars) if width >= 10 else "")
        if label:
            parts.append(
                f'<text x="{_n(left + width / 2)}" y="{_n(TOP + HEADER_HEIGHT / 2 + 4.5)}" text-anchor="middle" '
                f'font-size="13" font-weight="700" fill="{header_ink}">{label}</text>'
            )
        parts.append("</g>")
    for band in section.bands[1:]:  # a thin white edge between neighbouring colours
        if band.low is not None:
            x = _n(axis.x(band.low))
            edge = f'<line x1="{x}" y1="{_n(TOP)}" x2="{x}" y2="{_n(bottom)}" stroke="#ffffff" stroke-width="1.5"/>'
            parts.append(edge)
    return parts


def _axis(axis: LogAxis, top: float, bottom: float, metric: str) -> list[str]:
    parts = [
        f'<line x1="{_n(PLOT_LEFT)}" y1="{_n(bottom)}" x2="{_n(PLOT_RIGHT)}" y2="{_n(bottom)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    ]
    for value, major, labelled in ticks(axis):
        x = _n(axis.x(value))
        if major:
            parts.append(
                f'<line x1="{x}" y1="{_n(top)}" x2="{x}" y2="{_n(bottom)}" stroke="{INK}" stroke-opacity="0.18" '
                f'stroke-dasharray="3 3"/>'
            )
        parts.append(
            f'<line x1="{x}" y1="{_n(bottom)}" x2="{x}" y2="{_n(bottom + (6 if major else 3.5))}" stroke="{INK}"/>'
        )
        if labelled:
            parts.append(
                f'<text x="{x}" y="{_n(bottom + 19)}" text-anchor="middle" font-size="11.5" fill="{INK}">'
                f"{tick_label(value)}</text>"
            )
    parts.append(
        f'<text x="{_n((PLOT_LEFT + PLOT_RIGHT) / 2)}" y="{_n(bottom + 39)}" text-anchor="middle" font-size="12" '
        f'fill="{INK}">{escape(metric)} (log scale)</text>'
    )
    return parts


def point_label(point: ChartPoint) -> str:
    """What sits beside a marker: the short model name, its energy (± U), and how many files share it."""
    label = f"{point.label} · {format_with_uncertainty(point.energy, point.uncertainty)}"
    if point.count > 1:
        label += f" ×{point.count}"
    if point.stars is None:
        label += f" ({point.division} division, not rated)" if point.division else " (not rated)"
    return label


def _describe(point: ChartPoint) -> str:
    stars = f"{point.stars} stars" if point.stars is not None else "not rated"
    if point.spans and point.stars is not None:
        stars += f" (range {star_range(point.stars_low or 0, point.stars_high or 0)})"
    files = f", {point.count} files" if point.count > 1 else ""
    return f"{point.model}: {format_with_uncertainty(point.energy, point.uncertainty)} Wh, {stars}{files}"


def error_bar_extent(point: ChartPoint, axis: LogAxis) -> tuple[float, float, bool, bool] | None:
    """(left x, right x, left clipped, right clipped) of a point's interval [E − U, E + U]; None without U.

    An end beyond the axis, or an E − U of zero or less (which a log axis cannot place), is
    drawn at the edge of the plot and flagged as clipped.
    """
    if point.uncertainty is None:
        return None
    low, high = point.energy - point.uncertainty, point.energy + point.uncertainty
    left_clipped, right_clipped = low <= axis.low, high >= axis.high
    left = PLOT_LEFT if left_clipped else axis.x(low)
    right = PLOT_RIGHT if right_clipped else axis.x(high)
    return left, right, left_clipped, right_clipped


def _error_bar(extent: tuple[float, float, bool, bool], y: float) -> str:
    """The interval as a line, with a cap at each end that lies inside the axis."""
    left, right, left_clipped, right_clipped = extent
    caps = "".join(
        f"M{_n(x)} {_n(y - CAP_HALF_HEIGHT)}V{_n(y + CAP_HALF_HEIGHT)}"
        for x, clipped in ((left, left_clipped), (right, right_clipped))
        if not clipped
    )
    return (
        f'<path class="error-bar" d="M{_n(left)} {_n(y)}H{_n(right)}{caps}" fill="none" stroke="{INK}" '
        'stroke-width="1.5"/>'
    )


def _marker(point: ChartPoint, axis: LogAxis, y: float) -> str:
    x = axis.x(point.energy)
    label = point_label(point)
    width = len(label) * CHAR_WIDTH
    extent = error_bar_extent(point, axis)
    # The label goes past the end of the error bar where it can, so that it does not cover the bar.
    reach_left, reach_right = (extent[0], extent[1]) if extent else (x, x)
    if reach_right + 10 + width <= PLOT_RIGHT:
        anchor, text_x = "start", reach_right + 10
    elif extent and reach_left - 10 - width >= PLOT_LEFT:
        anchor, text_x = "end", reach_left - 10
    else:
        anchor, text_x = "end", x - 10
    rated = point.stars is not None
    fill, stroke = (INK, "#ffffff") if rated else ("#ffffff", INK)
    return (
        f"<g><title>{escape(_describe(point))}</title>"
        + (_error_bar(extent, y) if extent else "")
        + f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{MARKER_RADIUS}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{1.5 if rated else 2}"/>'
        f'<text x="{_n(text_x)}" y="{_n(y + 4)}" text-anchor="{anchor}" font-size="{LABEL_SIZE}" fill="{INK}" '
        f'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{escape(label)}</text></g>'
    )


def chart_title(section: TaskSection) -> str:
    """The accessible name of a chart: what it plots, of how many results, on which scale."""
    count = sum(p.count for p in section.points)
    results = f"{count} conformant result{'' if count == 1 else 's'}"
    return f"{section.title}: {results} on the {section.scale} star scale, {section.metric}"


def chart_description(section: TaskSection) -> str:
    bands = "; ".join(f"{b.stars} stars {band_range(b)}" for b in section.bands)
    points = "; ".join(_describe(p) for p in section.points) or "no conformant result"
    return f"Bands (Wh): {bands}. Results: {points}."


def render_chart(section: TaskSection) -> str:
    """The SVG of one scale: bands, star numbers, one row per marker, and the energy axis."""
    axis = axis_range([p.energy for p in section.points], [b.high for b in section.bands if b.high is not None])
    rows = max(1, len(section.points))
    plot_top = TOP + HEADER_HEIGHT
    bottom = plot_top + rows * ROW_HEIGHT + 6
    height = bottom + AXIS_SPACE
    ident = f"chart-{section.anchor}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(height)}" width="{_n(WIDTH)}" height="{_n(height)}" '
        f'font-family="{FONT}" class="scale-chart">',
        f'<title id="{ident}-title">{escape(chart_title(section))}</title>',
        f'<desc id="{ident}-desc">{escape(chart_description(section))}</desc>',
        *_bands(section, axis, bottom),
        *_axis(axis, plot_top, bottom, section.metric),
    ]
    if section.points:
        for index, point in enumerate(section.points):
            parts.append(_marker(point, axis, plot_top + (index + 0.5) * ROW_HEIGHT + 3))
    else:
        parts.append(
            f'<text x="{_n((PLOT_LEFT + PLOT_RIGHT) / 2)}" y="{_n(plot_top + ROW_HEIGHT / 2 + 7)}" '
            f'text-anchor="middle" font-size="{LABEL_SIZE}" fill="{INK}">no conformant result to place on this scale'
            "</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
