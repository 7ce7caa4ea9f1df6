"""Graph features of the dropper finder: where an account sits in the transfer graph.

Money from a fraud victim reaches droppers in layers: the victim pays a first-layer account,
which passes it to the next layer, and so on to cash or crypto. Four measures place an
account in that picture, computed over the graph of transfers between accounts (one edge per
payer and payee, with its value and first and last transfer time):

- ``victim_reach``: 1 / hops from a reported fraud transfer, following money forward in time
  (1 = it received a reported victim's payment, 0.5 = the next layer, ... 0 = not reached
  within ``MAX_HOPS`` or no reports given);
- ``suspect_in_share`` / ``suspect_out_share``: the share of the value it received from / sent
  to accounts that the rules alone already suspect (other droppers);
- ``chain_layer``: for a suspect, its depth in chains of suspects paying suspects (1 = no
  suspect pays it), capped at ``MAX_HOPS``; 0 for the rest;
- ``ring_size``: for a suspect, how many suspects its connected component of suspect-to-
  suspect transfers holds (the ring as the money shows it); 0 for the rest.

Pure NumPy/SciPy over integer node ids: the adapters supply the edges (DuckDB or Spark).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

GRAPH_FEATURES: Final[dict[str, str]] = {
    "victim_reach": "1 / hops from a reported fraud transfer, forward in time (0: not reached)",
    "suspect_in_share": "share of the value it received that came from rule-suspected accounts",
    "suspect_out_share": "share of the value it sent (to accounts) that went to such accounts",
    "chain_layer": "a suspect's depth in chains of suspects paying suspects (0: not a suspect)",
    "ring_size": "suspects in its connected group of suspect-to-suspect transfers",
}
MAX_HOPS: Final = 4
HORIZON_S: Final = 3 * 86_400  # a hop counts when the next transfer starts within 3 days


@dataclass(frozen=True)
class Edges:
    """Payer -> payee edges over node ids ``0 .. nodes - 1``, sorted by payer."""

    nodes: int
    src: I64
    dst: I64
    value: F64
    first_s: F64
    last_s: F64

    @classmethod
    def of(cls, nodes: int, src: I64, dst: I64, value: F64, first_s: F64, last_s: F64) -> Edges:
        order = np.argsort(src, kind="stable")
        return cls(nodes, src[order], dst[order], value[order], first_s[order], last_s[order])

    def out_of(self, node: int) -> slice:
        lo = int(np.searchsorted(self.src, node, side="left"))
        hi = int(np.searchsorted(self.src, node, side="right"))
        return slice(lo, hi)


def victim_reach(edges: Edges, starts: list[tuple[int, float]]) -> F64:
    """1 / hops from the reported fraud transfers ``starts`` (payee node, time in seconds).

    A payee of a reported transfer is at hop 1; money moves on along an edge whose last
    transfer is not before it arrived and whose first is within ``HORIZON_S`` after.
    """
    hops = np.zeros(edges.nodes, dtype=np.int64)
    arrived: dict[int, float] = {}
    for node, at in starts:
        if node not in arrived or at < arrived[node]:
            arrived[node] = at
    for node in arrived:
        hops[node] = 1
    frontier = arrived
    for hop in range(2, MAX_HOPS + 1):
        reached: dict[int, float] = {}
        for node, at in frontier.items():
            span = edges.out_of(node)
            ok = (edges.last_s[span] >= at) & (edges.first_s[span] <= at + HORIZON_S)
            for nxt, first in zip(
                edges.dst[span][ok].tolist(), edges.first_s[span][ok].tolist(), strict=True
            ):
                if hops[nxt] == 0:
                    when = max(at, first)
                    if nxt not in reached or when < reached[nxt]:
                        reached[nxt] = when
        for node in reached:
            hops[node] = hop
        frontier = reached
        if not frontier:
            break
    return np.where(hops > 0, 1.0 / np.maximum(hops, 1), 0.0)


def neighbourhood(edges: Edges, suspect: npt.NDArray[np.bool_]) -> dict[str, F64]:
    """``suspect_in_share``, ``suspect_out_share``, ``chain_layer`` and ``ring_size`` of
    every node, given which nodes the rules suspect."""
    from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    n = edges.nodes
    from_suspect = suspect[edges.src]
    to_suspect = suspect[edges.dst]
    in_all = np.bincount(edges.dst, weights=edges.value, minlength=n)
    in_sus = np.bincount(edges.dst[from_suspect], weights=edges.value[from_suspect], minlength=n)
    out_all = np.bincount(edges.src, weights=edges.value, minlength=n)
    out_sus = np.bincount(edges.src[to_suspect], weights=edges.value[to_suspect], minlength=n)
    both = from_suspect & to_suspect
    s_src, s_dst = edges.src[both], edges.dst[both]
    layer = suspect.astype(np.int64)
    for _ in range(MAX_HOPS - 1):
        deeper = np.zeros(n, dtype=np.int64)
        np.maximum.at(deeper, s_dst, layer[s_src] + 1)
        grown = np.maximum(layer, np.where(suspect, deeper, 0))
        if np.array_equal(grown, layer):
            break
        layer = grown
    graph = coo_matrix((np.ones(len(s_src)), (s_src, s_dst)), shape=(n, n))
    _, label = connected_components(graph, directed=True, connection="weak")
    sizes = np.bincount(label[suspect], minlength=int(label.max()) + 1 if n else 0)
    ring = np.where(suspect, sizes[label] if n else 0, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "suspect_in_share": np.where(in_all > 0, in_sus / in_all, 0.0),
            "suspect_out_share": np.where(out_all > 0, out_sus / out_all, 0.0),
            "chain_layer": layer.astype(np.float64),
            "ring_size": np.asarray(ring, dtype=np.float64),
        }
