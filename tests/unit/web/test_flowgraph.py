"""The money-flow graph: every edge joins drawn nodes, nothing leaves the canvas, columns
follow hop depth, cash-outs have their own shapes, and large traces are capped."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.tracing.result import CashOut, CashOutKind, Holding, Hop, Rule, Trace
from qorgan.web.flowgraph import NODE_H, NODE_W, NodeKind, layout, render
from qorgan.web.i18n import Texts

T0 = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
VICTIM = "KZ00VICTIM"


def account(n: int) -> str:
    return f"KZ{n:018d}"


def chain_trace(depth: int, fan: int) -> Trace:
    """The victim pays one account; each account at a depth pays ``fan`` new ones; the last
    layer withdraws cash and buys crypto."""
    hops, layer, made, outs = [], [VICTIM], 0, []
    for d in range(1, depth + 1):
        nxt = []
        for payer in layer:
            for _ in range(fan if d > 1 else 1):
                made += 1
                payee = account(made)
                hops.append(Hop(f"T{made}", T0, payer, payee, 1000 * made, 1000 * made, d,
                                Rule.FIFO))  # fmt: skip
                nxt.append(payee)
        layer = nxt
    for i, payer in enumerate(layer):
        dest = "CASH" if i % 2 == 0 else f"CRYPTO:ex{i % 3}"
        kind = CashOutKind.ATM if dest == "CASH" else CashOutKind.CRYPTO
        outs.append(CashOut(f"C{i}", T0, payer, "BANK", kind, dest, 500))
    held = tuple(Holding(a, "BANK", 100, T0, depth) for a in layer)
    return Trace("R1", VICTIM, T0, Rule.FIFO, 10**9, held, tuple(outs), tuple(hops), 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=4),
       st.integers(min_value=1, max_value=60))  # fmt: skip
def test_edges_join_drawn_nodes_and_nothing_leaves_the_canvas(
    depth: int, fan: int, cap: int
) -> None:
    graph = layout(chain_trace(depth, fan), max_flows=cap)
    keys = {n.key for n in graph.nodes}
    assert len(keys) == len(graph.nodes)
    for e in graph.edges:
        assert e.source in keys
        assert e.target in keys
    for n in graph.nodes:
        assert n.x >= 0
        assert n.x + NODE_W <= graph.width
        assert n.y >= 0
        assert n.y + NODE_H <= graph.height
    assert len(graph.edges) <= cap
    assert [e.amount for e in graph.edges] == sorted((e.amount for e in graph.edges), reverse=True)


def test_columns_follow_hop_depth_and_cash_outs_come_last() -> None:
    graph = layout(chain_trace(3, 2))
    column = {n.key: n.column for n in graph.nodes}
    assert column[VICTIM] == 0
    assert column[account(1)] == 1
    assert column[account(2)] == 2
    outs = [n for n in graph.nodes if n.kind in (NodeKind.ATM, NodeKind.CRYPTO)]
    assert outs
    assert {n.column for n in outs} == {max(column.values())}


def test_parallel_transfers_are_one_edge_with_their_sum() -> None:
    hops = (
        Hop("T1", T0, VICTIM, account(1), 300, 300, 1, Rule.FIFO),
        Hop("T2", T0, VICTIM, account(1), 200, 200, 1, Rule.FIFO),
    )
    trace = Trace("R1", VICTIM, T0, Rule.FIFO, 500, (), (), hops, 500)
    graph = layout(trace)
    assert [(e.source, e.target, e.amount, e.transfers) for e in graph.edges] == [
        (VICTIM, account(1), 500, 2)
    ]


def test_a_capped_graph_counts_what_it_leaves_out() -> None:
    trace = chain_trace(3, 4)
    full = layout(trace, max_flows=10_000)
    capped = layout(trace, max_flows=5)
    assert capped.hidden == len(full.edges) - 5
    assert capped.hidden_amount == sum(e.amount for e in full.edges[5:])
    svg = str(render(capped, Texts("en"), "C-R1"))
    assert svg.count('class="flow-edge"') == 5


def test_the_svg_names_every_node_and_uses_distinct_shapes_for_cash_outs() -> None:
    graph = layout(chain_trace(2, 2))
    svg = str(render(graph, Texts("ru"), "C-R1"))
    assert svg.startswith('<svg id="flow-graph"')
    assert 'role="img"' in svg
    assert "Движение денег по делу C-R1" in svg
    assert svg.count('class="flow-node"') == len(graph.nodes)
    assert "<circle" in svg  # ATM
    assert "<polygon" in svg  # crypto
    assert "крипто: ex1" in svg


def test_an_account_reached_twice_sits_at_its_smallest_depth() -> None:
    hops = (
        Hop("T1", T0, VICTIM, account(1), 500, 500, 1, Rule.FIFO),
        Hop("T2", T0, account(1), account(2), 400, 400, 2, Rule.FIFO),
        Hop("T3", T0, account(2), account(1), 100, 100, 3, Rule.FIFO),
    )
    trace = Trace("R1", VICTIM, T0, Rule.FIFO, 500, (), (), hops, 0)
    column = {n.key: n.column for n in layout(trace).nodes}
    assert column[account(1)] == 1
    assert column[account(2)] == 2
