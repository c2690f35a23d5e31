"""Small server-side SVG charts: no JavaScript library, nothing from a CDN.

Each builder returns a `SafeString` whose every label went through `format_html` escaping. The SVG is
`role="img"` with an `aria-label`, a `<title>` and a `<desc>`; pages also show the same numbers in a table,
because a picture alone is no use to a screen-reader user (or to someone checking one figure).

Geometry is plain and testable: a line chart maps dates linearly onto the plot's x range and values onto
its y range (y grows downwards in SVG), coordinates rounded to one decimal.

An SVG scales with its box, text included: the 640-unit chart squeezed onto a 390px phone drew its 11-unit
labels about 6px tall. `responsive()` therefore draws a chart twice, at the desktop layout (WIDE) and at a
360-unit phone layout (NARROW: larger type, a bar's label above it instead of beside it, the legend a line
per series), and charts.css shows the one that suits the width of the chart's box (a container query).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 16, 40
# Distinguishable without colour too: each series also has its own dash pattern and point shape.
SERIES_STYLES = (("#0b4f8a", ""), ("#b54708", "6 4"), ("#2f6b2f", "2 3"), ("#6b3fa0", "10 4 2 4"))
INK, MUTED, GRID = "#1b1f24", "#4a5563", "#c9d1da"


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]


@dataclass(frozen=True)
class Marker:
    """A vertical line at a date with a short label (a plan's start, an intervention)."""

    day: date
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar (e.g. a suppressed small cell); `text` says why
    text: str = ""  # shown at the end of the bar; defaults to the formatted value


@dataclass(frozen=True)
class Layout:
    """A chart's size in SVG units and the size of its type. `css_class` marks the variant for charts.css."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    right: int = MARGIN_RIGHT
    top: int = MARGIN_TOP
    bottom: int = MARGIN_BOTTOM
    font: int = 11  # axis labels, legend, markers
    bar_font: int = 12  # a bar's label and figure
    bars_stacked: bool = False  # a bar's label on its own line above it (no room beside it)
    css_class: str = "chart"


WIDE = Layout()
# Drawn about 340px wide on a 390px phone (main and card padding taken off): 13 units are ~12px there and
# ~11px on a 360px phone.
NARROW = Layout(width=360, left=48, right=12, bottom=44, font=13, bar_font=13, bars_stacked=True,
                css_class="chart chart-narrow")
LEGEND_STEP, LEGEND_ROW = 180, 20


@dataclass(frozen=True)
class Plot:
    """The plot area inside the margins."""

    x0: float = MARGIN_LEFT
    x1: float = WIDTH - MARGIN_RIGHT
    y0: float = MARGIN_TOP
    y1: float = HEIGHT - MARGIN_BOTTOM

    @classmethod
    def of(cls, layout: Layout) -> Plot:
        return cls(layout.left, layout.width - layout.right, layout.top, layout.height - layout.bottom)


def _r(x: float) -> str:
    """One decimal, without a trailing .0 (stable text for tests and smaller markup)."""
    return f"{round(x, 1):g}"


def x_for(day: date, start: date, end: date, plot: Plot = Plot()) -> float:
    span = (end - start).days
    if span <= 0:
        return (plot.x0 + plot.x1) / 2
    return plot.x0 + (day - start).days / span * (plot.x1 - plot.x0)


def y_for(value: float, y_min: float, y_max: float, plot: Plot = Plot()) -> float:
    if y_max <= y_min:
        return plot.y1
    value = min(max(value, y_min), y_max)
    return plot.y1 - (value - y_min) / (y_max - y_min) * (plot.y1 - plot.y0)


def _join(parts: Sequence[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part is a SafeString built by format_html


def _frame(*, chart_id: str, title: str, desc: str, height: int, body: Sequence[SafeString],
           layout: Layout = WIDE) -> SafeString:
    return format_html(
        '<svg class="{cls}" id="{id}" role="img" aria-label="{title}" viewBox="0 0 {w} {h}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        '<title>{title}</title><desc>{desc}</desc>{body}</svg>',
        cls=layout.css_class, id=chart_id, title=title, desc=desc, w=layout.width, h=height, body=_join(body))


def responsive(build: Callable[..., SafeString], *, chart_id: str, **kwargs) -> SafeString:
    """The chart `build` (line_chart, bar_chart) at the desktop and the phone layout, side by side in the
    markup; charts.css shows one (the other is display: none, so out of the accessibility tree too)."""
    return format_html('<div class="chart-pair">{}{}</div>', build(chart_id=chart_id, layout=WIDE, **kwargs),
                       build(chart_id=f"{chart_id}-narrow", layout=NARROW, **kwargs))


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = MUTED, size: int = 11,
          cls: str = "") -> SafeString:
    return format_html('<text x="{}" y="{}" text-anchor="{}" fill="{}" font-size="{}"{}>{}</text>', _r(x), _r(y),
                       anchor, fill, size, format_html(' class="{}"', cls) if cls else "", text)


def line_chart(*, chart_id: str, title: str, desc: str, series: Sequence[Series], y_min: float = 0,
               y_max: float = 100, y_ticks: Sequence[float] = (0, 25, 50, 75, 100),
               y_format: Callable[[float], str] = lambda v: f"{v:g}%", goal: float | None = None,
               goal_label: str = "", markers: Sequence[Marker] = (), start: date | None = None,
               end: date | None = None, layout: Layout = WIDE) -> SafeString:
    """A line chart of one or more date series, with an optional horizontal goal/threshold line and
    vertical markers. The x range runs from `start` to `end` (default: the first and last point)."""
    plot = Plot.of(layout)
    size = layout.font
    days = [d for s in series for d, _ in s.points] + [m.day for m in markers]
    if not days:
        return _frame(chart_id=chart_id, title=title, desc=desc, height=layout.height, layout=layout,
                      body=[_text(layout.width / 2, layout.height / 2, "No data yet", anchor="middle", size=size)])
    start = start or min(days)
    end = end or max(days)
    body: list[SafeString] = []
    for tick in y_ticks:
        y = y_for(tick, y_min, y_max, plot)
        body.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                                _r(plot.x0), _r(y), _r(plot.x1), _r(y), GRID))
        body.append(_text(plot.x0 - 6, y + 4, y_format(tick), anchor="end", size=size))
    for day, anchor in ((start, "start"), (end, "end")):
        body.append(_text(x_for(day, start, end, plot), plot.y1 + size + 5, day.strftime("%-m/%-d/%Y"),
                          anchor=anchor, size=size))
    if goal is not None:
        y = y_for(goal, y_min, y_max, plot)
        body.append(format_html('<line class="goal" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
                                'stroke-dasharray="8 4"/>', _r(plot.x0), _r(y), _r(plot.x1), _r(y), INK))
        if goal_label:
            body.append(_text(plot.x1, y - 4, goal_label, anchor="end", fill=INK, size=size))
    for m in markers:
        x = x_for(m.day, start, end, plot)
        body.append(format_html('<line class="marker" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1" '
                                'stroke-dasharray="2 2"/>', _r(x), _r(plot.y0), _r(x), _r(plot.y1), MUTED))
        body.append(_text(x + 3, plot.y0 + size - 1, m.label, fill=INK, size=size))
    for i, s in enumerate(series):
        colour, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
        coords = [(x_for(d, start, end, plot), y_for(v, y_min, y_max, plot)) for d, v in s.points]
        if not coords:
            continue
        points = " ".join(f"{_r(x)},{_r(y)}" for x, y in coords)
        body.append(format_html('<polyline class="series" fill="none" stroke="{}" stroke-width="2.5"{} points="{}"/>',
                                colour, format_html(' stroke-dasharray="{}"', dash) if dash else "", points))
        for x, y in coords:
            body.append(format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', _r(x), _r(y), colour))
    height = layout.height
    if len(series) > 1:  # a legend only when there is something to tell apart
        # As many entries to a line as fit; the chart grows a line for each further line of legend.
        per_line = max(1, (layout.width - layout.right - plot.x0) // LEGEND_STEP)
        height += LEGEND_ROW * ((len(series) - 1) // per_line)
        for i, s in enumerate(series):
            colour, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
            x = plot.x0 + (i % per_line) * LEGEND_STEP
            base = layout.height - 4 + LEGEND_ROW * (i // per_line)
            body.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>',
                                    _r(x), base - 4, _r(x + 24), base - 4, colour,
                                    format_html(' stroke-dasharray="{}"', dash) if dash else ""))
            body.append(_text(x + 28, base, s.label, fill=INK, size=size))
    return _frame(chart_id=chart_id, title=title, desc=desc, height=height, body=body, layout=layout)


BAR_ROW, BAR_LABEL_WIDTH, BAR_TEXT_WIDTH = 28, 250, 70  # room for "Bramble Hill Elementary School"
# Stacked (NARROW): each row is the label's line, then the bar with its figure after it.
STACKED_ROW, STACKED_BAR, STACKED_TEXT_WIDTH = 44, 16, 64


def bar_chart(*, chart_id: str, title: str, desc: str, bars: Sequence[Bar], max_value: float | None = None,
              value_format: Callable[[float], str] = lambda v: f"{v:g}", threshold: float | None = None,
              threshold_label: str = "", vertical: bool = False, layout: Layout = WIDE) -> SafeString:
    """Horizontal bars (one row per label; long school names fit), or vertical columns (`vertical`)."""
    values = [b.value for b in bars if b.value is not None]
    top = max_value if max_value is not None else max([*values, threshold or 0, 0])
    top = top or 1
    if vertical:
        return _columns(chart_id=chart_id, title=title, desc=desc, bars=bars, top=top, value_format=value_format,
                        layout=layout)
    size = layout.bar_font
    if layout.bars_stacked:
        row, x0, x1 = STACKED_ROW, 2, layout.width - STACKED_TEXT_WIDTH
        label_y, bar_y, bar_h, text_y = size + 1, size + 6, STACKED_BAR, size + 6 + STACKED_BAR - 3
    else:
        row, x0, x1 = BAR_ROW, BAR_LABEL_WIDTH, layout.width - BAR_TEXT_WIDTH
        label_y, bar_y, bar_h, text_y = 17, 4, BAR_ROW - 8, 17
    height = MARGIN_TOP + row * max(len(bars), 1) + 8
    body: list[SafeString] = []
    for i, b in enumerate(bars):
        y = MARGIN_TOP + i * row
        if layout.bars_stacked:
            body.append(_text(x0, y + label_y, b.label, fill=INK, size=size))
        else:
            body.append(_text(x0 - 6, y + label_y, b.label, anchor="end", fill=INK, size=size))
        text = b.text or (value_format(b.value) if b.value is not None else "")
        length = 0.0 if b.value is None else max(b.value, 0) / top * (x1 - x0)
        if b.value is not None:
            body.append(format_html('<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                    _r(x0), _r(y + bar_y), _r(length), bar_h, SERIES_STYLES[0][0]))
        body.append(_text(x0 + length + 4, y + text_y, text, fill=INK, size=size))
    if threshold is not None:
        x = x0 + threshold / top * (x1 - x0)
        body.append(format_html('<line class="goal" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
                                'stroke-dasharray="8 4"/>', _r(x), MARGIN_TOP - 4, _r(x), height - 4, INK))
        if threshold_label:
            body.append(_text(x, MARGIN_TOP - 6, threshold_label, anchor="middle", fill=INK, size=layout.font))
    return _frame(chart_id=chart_id, title=title, desc=desc, height=height, body=body, layout=layout)


def _columns(*, chart_id: str, title: str, desc: str, bars: Sequence[Bar], top: float,
             value_format: Callable[[float], str], layout: Layout = WIDE) -> SafeString:
    plot = Plot.of(layout)
    size = layout.font
    slot = (plot.x1 - plot.x0) / max(len(bars), 1)
    body: list[SafeString] = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', _r(plot.x0),
                                          _r(plot.y1), _r(plot.x1), _r(plot.y1), GRID)]
    for i, b in enumerate(bars):
        cx = plot.x0 + slot * (i + 0.5)
        y = plot.y1 if b.value is None else y_for(b.value, 0, top, plot)
        if b.value is not None:
            body.append(format_html('<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                    _r(cx - slot * 0.35), _r(y), _r(slot * 0.7), _r(plot.y1 - y),
                                    SERIES_STYLES[0][0]))
        text = b.text or (value_format(b.value) if b.value is not None else "")
        body.append(_text(cx, y - 4, text, anchor="middle", fill=INK, size=size))
        body.append(_text(cx, plot.y1 + size + 5, b.label, anchor="middle", fill=INK, size=size))
    return _frame(chart_id=chart_id, title=title, desc=desc, height=layout.height, body=body, layout=layout)
