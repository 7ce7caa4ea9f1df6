"""The money-flow graph of a case: the victim's account, the droppers, the holdings and the
cash-outs of a recorded trace, laid out in columns by hop depth and written as SVG.

:func:`layout` turns a :class:`~qorgan.tracing.result.Trace` into positioned nodes and edges:

- nodes: the victim's account (column 0), every account the money reached (column = the
  smallest hop depth it was reached at; a box with its bank and the money it still holds),
  and one node per cash-out destination in the last column (a circle for ATM cash, a
  diamond per ``CRYPTO:<exchange>``);
- edges: transfers aggregated per (payer, payee) pair with their sum and count; only the
  ``max_flows`` largest are drawn, and the rest are counted in ``hidden`` / ``hidden_amount``
  (the page says "+k more");
- order within a column: by the mean position of the payers (weighted by amount), which
  keeps most lines from crossing.

:func:`render` writes the SVG (``id="flow-graph"``, ``role="img"``, a title and a
description) with every node and edge titled for screen readers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup, escape

from qorgan.tracing.result import Trace
from qorgan.web.i18n import Texts

MAX_FLOWS = 40
NODE_W = 170
NODE_H = 46
COL_W = 300
ROW_H = 64
PAD = 20
INK = "#1a1a1a"
EDGE = "#0b4f8a"
BOX = "#eef3f8"
VICTIM = "#fdf1e7"


class NodeKind(StrEnum):
    VICTIM = "victim"
    ACCOUNT = "account"
    ATM = "atm"
    CRYPTO = "crypto"


@dataclass(frozen=True, slots=True)
class Node:
    """A node placed on the canvas.

    Attributes:
        key: the account (IBAN) or the cash-out destination (``CASH``, ``CRYPTO:x``).
        kind: what it is.
        bank: the account's bank, where the trace names it.
        held: tiyn of the victim's money it still holds.
        column: its column (hop depth; cash-outs last).
        x: left edge.
        y: top edge.
    """

    key: str
    kind: NodeKind
    bank: str | None
    held: int
    column: int
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + NODE_W / 2

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2


@dataclass(frozen=True, slots=True)
class Edge:
    """Transfers from one node to another, aggregated.

    Attributes:
        source: the payer's key.
        target: the payee's (or cash-out's) key.
        amount: tiyn of the victim's money they carried.
        transfers: how many transfers.
    """

    source: str
    target: str
    amount: int
    transfers: int


@dataclass(frozen=True, slots=True)
class FlowGraph:
    """The laid-out graph.

    Attributes:
        nodes: every node drawn.
        edges: the flows drawn, largest first.
        width: the canvas width.
        height: the canvas height.
        hidden: flows not drawn (past ``max_flows``).
        hidden_amount: tiyn those flows carried.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int
    hidden: int = 0
    hidden_amount: int = 0


def _is_outside(account: str) -> bool:
    return account == "CASH" or account.startswith("CRYPTO:")


def _flows(trace: Trace) -> list[Edge]:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for hop in trace.hops:
        if _is_outside(hop.to_account):
            continue  # drawn from the cash-outs, which know the kind
        pair = sums[(hop.from_account, hop.to_account)]
        pair[0] += hop.amount
        pair[1] += 1
    for out in trace.cash_outs:
        pair = sums[(out.account, out.destination)]
        pair[0] += out.amount
        pair[1] += 1
    edges = [Edge(s, t, a, n) for (s, t), (a, n) in sums.items() if s != t]
    edges.sort(key=lambda e: (-e.amount, e.source, e.target))
    return edges


def _depths(trace: Trace) -> dict[str, int]:
    depth = {trace.victim_account: 0}
    for hop in trace.hops:
        if not _is_outside(hop.to_account) and hop.to_account != trace.victim_account:
            known = depth.get(hop.to_account)
            depth[hop.to_account] = hop.depth if known is None else min(known, hop.depth)
    for holding in trace.holdings:
        depth.setdefault(holding.account, holding.depth)
    return depth


def layout(trace: Trace, max_flows: int = MAX_FLOWS) -> FlowGraph:
    """Place the trace's accounts and cash-outs in columns and keep the largest flows."""
    edges = _flows(trace)
    shown, rest = edges[:max_flows], edges[max_flows:]
    keys = {trace.victim_account} | {e.source for e in shown} | {e.target for e in shown}
    if len(edges) <= max_flows:  # every holding appears, even one the hops do not name
        keys |= {h.account for h in trace.holdings}
    depth = _depths(trace)
    last = max((depth.get(k, 1) for k in keys if not _is_outside(k)), default=0) + 1
    banks = {h.account: h.bank for h in trace.holdings}
    banks.update({c.account: c.bank for c in trace.cash_outs})
    held = {h.account: h.amount for h in trace.holdings}
    columns: dict[int, list[str]] = defaultdict(list)
    for key in keys:
        columns[last if _is_outside(key) else depth.get(key, 1)].append(key)
    row: dict[str, float] = {}
    inflow: dict[str, dict[str, int]] = defaultdict(dict)
    for e in shown:
        inflow[e.target][e.source] = e.amount
    nodes = []
    for column in sorted(columns):
        order = sorted(
            columns[column], key=lambda k: (_barycentre(inflow[k], row), -held.get(k, 0), k)
        )
        for i, key in enumerate(order):
            row[key] = float(i)
            nodes.append(
                Node(key, _kind(key, trace.victim_account), banks.get(key), held.get(key, 0),
                     column, PAD + column * COL_W, PAD + i * ROW_H)
            )  # fmt: skip
    width = PAD * 2 + NODE_W + (max(columns) if columns else 0) * COL_W
    tallest = max((len(c) for c in columns.values()), default=1)
    height = PAD * 2 + NODE_H + (tallest - 1) * ROW_H
    return FlowGraph(
        tuple(nodes), tuple(shown), width, height, len(rest), sum(e.amount for e in rest)
    )


def _barycentre(payers: dict[str, int], row: dict[str, float]) -> float:
    placed = [(row[p], a) for p, a in payers.items() if p in row]
    total = sum(a for _, a in placed)
    if not placed or total <= 0:
        return float("inf")
    return sum(r * a for r, a in placed) / total


def _kind(key: str, victim: str) -> NodeKind:
    if key == victim:
        return NodeKind.VICTIM
    if key == "CASH":
        return NodeKind.ATM
    if key.startswith("CRYPTO:"):
        return NodeKind.CRYPTO
    return NodeKind.ACCOUNT


def render(graph: FlowGraph, texts: Texts, case_id: str) -> Markup:
    """The graph as SVG (``id="flow-graph"``): boxes for accounts, a circle for ATM cash, a
    diamond per crypto exchange, curves for flows with their amounts."""
    accounts = sum(1 for n in graph.nodes if n.kind in (NodeKind.ACCOUNT, NodeKind.VICTIM))
    cashouts = len(graph.nodes) - accounts
    title = texts("flow.title", id=case_id)
    desc = texts("flow.desc", accounts=accounts, flows=len(graph.edges), cashouts=cashouts)
    parts = [
        f'<svg id="flow-graph" class="flow" role="img" viewBox="0 0 {graph.width} {graph.height}"'
        f' width="{graph.width}" height="{graph.height}" aria-labelledby="flow-graph-t '
        'flow-graph-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="flow-graph-t">{escape(title)}</title>'
        f'<desc id="flow-graph-d">{escape(desc)}</desc>'
        '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/></marker>'
        "</defs>"
    ]
    where = {n.key: n for n in graph.nodes}
    peak = max((e.amount for e in graph.edges), default=1) or 1
    for e in graph.edges:
        parts.append(_edge(e, where[e.source], where[e.target], peak, texts))
    for n in graph.nodes:
        parts.append(_node(n, texts))
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge(e: Edge, a: Node, b: Node, peak: int, texts: Texts) -> str:
    x1, y1 = a.x + NODE_W, a.cy
    x2, y2 = b.x, b.cy
    bend = max(abs(x2 - x1) / 2, 40)
    stroke = 1.5 + 4.5 * e.amount / peak
    label = f"{a.key} → {b.key}: {texts.money(e.amount)} ({e.transfers})"
    mid_x, mid_y = x1 + (x2 - x1) * 0.45, y1 + (y2 - y1) * 0.45 - 5
    return (
        f'<g class="flow-edge" data-source="{escape(a.key)}" data-target="{escape(b.key)}">'
        f"<title>{escape(label)}</title>"
        f'<path d="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}" fill="none" '
        f'stroke="{EDGE}" stroke-opacity="0.75" stroke-width="{stroke:.1f}" '
        'marker-end="url(#flow-arrow)"/>'
        f'<text x="{mid_x:.1f}" y="{mid_y:.1f}" font-size="10" fill="{INK}" '
        f'text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="3">'
        f"{escape(texts.money(e.amount))}</text></g>"
    )


def _node(n: Node, texts: Texts) -> str:
    if n.kind in (NodeKind.ATM, NodeKind.CRYPTO):
        return _cash_out(n, texts)
    fill = VICTIM if n.kind is NodeKind.VICTIM else BOX
    second = texts("flow.victim") if n.kind is NodeKind.VICTIM else (n.bank or "")
    if n.held:
        second = f"{second} · {texts('flow.held', amount=texts.money(n.held))}"
    return (
        f'<g class="flow-node" data-kind="{n.kind.value}" data-account="{escape(n.key)}">'
        f"<title>{escape(n.key)} {escape(second)}</title>"
        f'<rect x="{n.x}" y="{n.y}" width="{NODE_W}" height="{NODE_H}" rx="4" fill="{fill}" '
        f'stroke="{INK}" stroke-width="{2 if n.held else 1}"/>'
        f'<text x="{n.x + 8}" y="{n.y + 19}" font-size="11" fill="{INK}" '
        f'font-family="monospace">{escape(n.key)}</text>'
        f'<text x="{n.x + 8}" y="{n.y + 36}" font-size="10" fill="{INK}">'
        f"{escape(_clip(second, 30))}</text></g>"
    )


def _cash_out(n: Node, texts: Texts) -> str:
    cx, cy, r = n.x + 24, n.cy, 18
    if n.kind is NodeKind.ATM:
        shape = f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#fff4d6" stroke="{INK}"/>'
        label = texts("flow.atm")
    else:
        points = f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"
        shape = f'<polygon points="{points}" fill="#e9e3f5" stroke="{INK}"/>'
        label = texts("flow.crypto", exchange=n.key.removeprefix("CRYPTO:"))
    return (
        f'<g class="flow-node" data-kind="{n.kind.value}" data-account="{escape(n.key)}">'
        f"<title>{escape(label)}</title>{shape}"
        f'<text x="{cx + r + 6}" y="{cy + 4}" font-size="11" fill="{INK}">'
        f"{escape(_clip(label, 22))}</text></g>"
    )


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
