"""The dashboard's contents for one reader: KPI tiles, daily charts, breakdowns.

Which figures a reader sees follows what it may open: the alert figures of the queues its
role sees (:func:`~qorgan.store.sql.alerts.visible_queues`), the money and case figures
only for roles that read cases. The figures themselves are already the reader's
(:meth:`~qorgan.store.sql.alerts.AlertService.kpis`: a bank's are its own bank's). Each
tile links to where the figure comes from: its queue, or the case list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from markupsafe import Markup

from qorgan.cases import access
from qorgan.core.roles import Principal
from qorgan.store.sql.alerts import Kpis, Queue, visible_queues
from qorgan.web.charts import bar_chart, line_chart
from qorgan.web.i18n import Texts

MONEY = frozenset({"payments_stopped_amount", "money_frozen", "money_returned"})
"""KPI keys whose values are tiyn."""

SOURCES: dict[str, Queue | None] = {
    "calls_blocked": Queue.CALLS,
    "sms_blocked": Queue.SMS,
    "simboxes_found": Queue.SIMBOXES,
    "payments_stopped": Queue.PAYMENTS,
    "payments_stopped_amount": Queue.PAYMENTS,
    "droppers_found": Queue.DROPPERS,
    "money_frozen": None,
    "money_returned": None,
    "cases_open": None,
}
"""Each KPI's queue; ``None``: a figure of cases and freeze orders."""

PAIRED = {"payments_stopped": "payments_stopped_amount"}
"""A tile that shows a second figure under its first (count and ₸)."""


@dataclass(frozen=True, slots=True)
class Tile:
    """One KPI tile.

    Attributes:
        key: the KPI key (the tile's id is ``kpi-<key>``).
        value: the figure, formatted.
        href: where it drills to.
        extra_key: the KPI shown under it, if any.
        extra: that figure, formatted.
    """

    key: str
    value: str
    href: str
    extra_key: str | None = None
    extra: str | None = None


@dataclass(frozen=True, slots=True)
class ChartView:
    """A chart with its figures as table rows.

    Attributes:
        chart_id: the SVG's id.
        title: the chart's title.
        svg: the chart.
        header: the table's first column header.
        rows: (label, formatted value) pairs.
    """

    chart_id: str
    title: str
    svg: Markup
    header: str
    rows: tuple[tuple[str, str], ...]


def visible_keys(reader: Principal) -> list[str]:
    """The KPI keys ``reader`` sees, in the dashboard's order."""
    queues = set(visible_queues(reader))
    cases = reader.role in access.READ
    return [k for k, q in SOURCES.items() if (q in queues if q is not None else cases)]


def tiles(kpis: Kpis, reader: Principal, texts: Texts) -> list[Tile]:
    """The tiles ``reader`` sees (a paired figure sits inside its partner's tile)."""
    keys = visible_keys(reader)
    inner = set(PAIRED.values())
    found = []
    for key in keys:
        if key in inner and any(k in keys for k, v in PAIRED.items() if v == key):
            continue
        queue = SOURCES[key]
        href = f"/console/alerts/{queue.value}" if queue else "/console/cases"
        extra_key = PAIRED.get(key)
        extra = _fmt(texts, extra_key, kpis.totals.get(extra_key, 0)) if extra_key else None
        found.append(Tile(key, _fmt(texts, key, kpis.totals.get(key, 0)), href, extra_key, extra))
    return found


def _fmt(texts: Texts, key: str, value: int) -> str:
    return texts.money(value) if key in MONEY else texts.number(value)


def daily_charts(kpis: Kpis, reader: Principal, texts: Texts) -> list[ChartView]:
    """One line per visible KPI over its days."""
    charts = []
    for key in visible_keys(reader):
        series = [(texts.day(d), v) for d, v in kpis.daily.get(key, [])]
        title = texts("chart.daily", kpi=texts(f"kpi.{key}"))
        peak = _fmt(texts, key, max((v for _, v in series), default=0))
        desc = texts("chart.summary", title=title, count=len(series), peak=peak)
        svg = line_chart(series, title, desc, f"chart-daily-{key}", partial(_fmt, texts, key))
        rows = tuple((label, _fmt(texts, key, v)) for label, v in series)
        charts.append(ChartView(f"chart-daily-{key}", title, svg, texts("chart.day"), rows))
    return charts


def breakdowns(kpis: Kpis, reader: Principal, texts: Texts) -> list[ChartView]:
    """Bars per channel and per region, for each visible KPI that has any."""
    charts = []
    for key in visible_keys(reader):
        for name, parts, header in (
            ("by_channel", kpis.by_channel.get(key, {}), "chart.channel"),
            ("by_region", kpis.by_region.get(key, {}), "chart.region"),
        ):
            if not parts:
                continue
            items = sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))
            chart_id = f"chart-{name}-{key}"
            title = texts(f"chart.{name}", kpi=texts(f"kpi.{key}"))
            peak = _fmt(texts, key, items[0][1])
            desc = texts("chart.summary", title=title, count=len(items), peak=peak)
            svg = bar_chart(items, title, desc, chart_id, partial(_fmt, texts, key))
            rows = tuple((label, _fmt(texts, key, v)) for label, v in items)
            charts.append(ChartView(chart_id, title, svg, texts(header), rows))
    return charts
