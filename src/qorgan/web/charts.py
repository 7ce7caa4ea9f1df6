"""Charts as inline SVG, drawn here (no chart library, no script): a daily line and bars.

Each chart is laid out first (:func:`line_points`, :func:`bar_rects`: plain geometry a test
can check against the ``viewBox``), then written as SVG with ``role="img"``, a ``<title>``
and a ``<desc>`` naming what it shows; every point and bar carries its own ``<title>`` (the
value on hover and for screen readers). The figures themselves are also in a table the page
puts beside the chart.

Colours (on white): lines and bars ``#0b4f8a`` (8.6:1), text ``#1a1a1a`` (17:1), axes
``#595959`` (7:1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320
HEIGHT = 140
PAD = 24
INK = "#1a1a1a"
AXIS = "#595959"
FILL = "#0b4f8a"
BAR_H = 18
BAR_GAP = 6
LABEL_W = 110


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a line chart, in SVG units.

    Attributes:
        x: from the left.
        y: from the top.
        label: what the point is (a day).
        value: its value.
    """

    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Rect:
    """One bar of a bar chart, in SVG units."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def line_points(
    series: Sequence[tuple[str, int]], width: int = WIDTH, height: int = HEIGHT
) -> list[Point]:
    """The points of a line over ``series`` (label, value), left to right, scaled so the
    largest value touches the top margin; all inside ``[PAD, width - PAD] x [PAD, height -
    PAD]`` (negative values are drawn at zero)."""
    if not series:
        return []
    peak = max(max(v for _, v in series), 1)
    span_x = width - 2 * PAD
    span_y = height - 2 * PAD
    step = span_x / (len(series) - 1) if len(series) > 1 else 0.0
    points = []
    for i, (label, value) in enumerate(series):
        x = PAD + (i * step if len(series) > 1 else span_x / 2)
        y = height - PAD - span_y * max(value, 0) / peak
        points.append(Point(round(x, 2), round(y, 2), label, value))
    return points


def bar_rects(items: Sequence[tuple[str, int]], width: int = WIDTH) -> tuple[list[Rect], int]:
    """Horizontal bars for ``items`` (label, value), in the order given, and the height the
    chart needs. Bars start after the label column; the longest fills the width."""
    peak = max((v for _, v in items), default=0) or 1
    span = width - LABEL_W - PAD
    rects = []
    for i, (label, value) in enumerate(items):
        y = PAD / 2 + i * (BAR_H + BAR_GAP)
        w = span * max(value, 0) / peak
        rects.append(Rect(LABEL_W, y, round(w, 2), BAR_H, label, value))
    height = int(PAD + len(items) * (BAR_H + BAR_GAP))
    return rects, max(height, BAR_H + PAD)


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
    )


def line_chart(
    series: Sequence[tuple[str, int]],
    title: str,
    desc: str,
    chart_id: str,
    fmt: Callable[[int], str] = str,
) -> Markup:
    """A line over the days of ``series`` with a dot per day, the first and last day under
    the axis and the peak beside it."""
    points = line_points(series)
    parts = [_open(chart_id, title, desc, WIDTH, HEIGHT)]
    base = HEIGHT - PAD
    parts.append(f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="{AXIS}"/>')
    if points:
        path = " ".join(f"{p.x},{p.y}" for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{FILL}" stroke-width="2"/>')
        for p in points:
            parts.append(
                f'<circle cx="{p.x}" cy="{p.y}" r="3" fill="{FILL}">'
                f"<title>{escape(p.label)}: {escape(fmt(p.value))}</title></circle>"
            )
        peak = max(series, key=lambda s: s[1])[1]
        parts.append(_text(PAD, PAD - 8, fmt(peak), "start"))
        parts.append(_text(PAD, HEIGHT - 6, points[0].label, "start"))
        if len(points) > 1:
            parts.append(_text(WIDTH - PAD, HEIGHT - 6, points[-1].label, "end"))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    items: Sequence[tuple[str, int]],
    title: str,
    desc: str,
    chart_id: str,
    fmt: Callable[[int], str] = str,
) -> Markup:
    """Horizontal bars, one per item, labelled on the left and valued at the bar's end."""
    rects, height = bar_rects(items)
    parts = [_open(chart_id, title, desc, WIDTH, height)]
    for r in rects:
        middle = r.y + r.height / 2 + 4
        parts.append(
            f'<rect x="{r.x}" y="{r.y}" width="{r.width}" height="{r.height}" fill="{FILL}">'
            f"<title>{escape(r.label)}: {escape(fmt(r.value))}</title></rect>"
        )
        parts.append(_text(r.x - 6, middle, _clip(r.label, 16), "end"))
        inside = r.width > WIDTH - LABEL_W - PAD - 60
        x = r.x + r.width - 4 if inside else r.x + r.width + 4
        colour = "#ffffff" if inside else INK
        parts.append(_text(x, middle, fmt(r.value), "end" if inside else "start", colour))
    parts.append("</svg>")
    return Markup("".join(parts))


def _text(x: float, y: float, text: str, anchor: str, colour: str = INK) -> str:
    return (
        f'<text x="{round(x, 2)}" y="{round(y, 2)}" font-size="11" fill="{colour}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
