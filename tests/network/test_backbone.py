"""The national backbone: haversine distance, MST + kNN connectivity, edge-count bounds and metrics."""

from __future__ import annotations

import networkx as nx
import numpy as np
import polars as pl
import pytest

from parknet.errors import InvalidArgument
from parknet.network.backbone import haversine_km, national_backbone


def test_haversine_beijing_shanghai() -> None:
    # great-circle Beijing (39.9 N, 116.4 E) – Shanghai (31.2 N, 121.5 E) is about 1067 km
    assert haversine_km(39.9, 116.4, 31.2, 121.5) == pytest.approx(1067, abs=10)
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(np.pi * 6371.0088)
    assert haversine_km(30.0, 120.0, 30.0, 120.0) == 0.0


def _leaders(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({"zone_id": [f"z{i:02d}" for i in range(n)],
                         "province_code": [f"{11 + i}0000" for i in range(n)],
                         "lat": rng.uniform(20, 45, n), "lon": rng.uniform(90, 125, n),
                         "index": rng.uniform(0, 1, n)})


@pytest.mark.parametrize(("n", "k", "seed"), [(2, 2, 0), (5, 0, 1), (8, 1, 2), (12, 2, 3), (31, 3, 4)])
def test_mst_plus_knn_is_connected_within_edge_bounds(n: int, k: int, seed: int) -> None:
    b = national_backbone(_leaders(n, seed), k=k)
    g = b.graph()
    assert nx.is_connected(g) and b.metrics["connected"]
    m = len(b.edges)
    assert max(n - 1, -(-n * min(k, n - 1) // 2)) <= m <= min(n - 1 + n * k, n * (n - 1) // 2)
    assert sum(e["mst"] for e in b.edges) == n - 1
    for node in g:  # every leader is joined to its k nearest
        assert g.degree(node) >= min(k, n - 1)
    assert b.metrics["total_km"] == pytest.approx(sum(e["km"] for e in b.edges))
    assert b.metrics["mst_km"] <= b.metrics["total_km"] + 1e-9
    if k == 0:
        assert m == n - 1


def test_mst_equals_networkx_on_the_complete_graph() -> None:
    frame = _leaders(15, 7)
    b = national_backbone(frame, k=0)
    rows = frame.to_dicts()
    complete = nx.Graph()
    for i, a in enumerate(rows):
        for c in rows[i + 1:]:
            km = haversine_km(a["lat"], a["lon"], c["lat"], c["lon"])
            complete.add_edge(a["zone_id"], c["zone_id"], w=km)
    expected = sum(d["w"] for *_, d in nx.minimum_spanning_tree(complete, weight="w").edges(data=True))
    assert b.metrics["mst_km"] == pytest.approx(expected)


def test_metrics_on_a_line_of_four() -> None:
    # four leaders on the equator, 1° apart: MST is the path a–b–c–d; k=1 adds nothing new
    frame = pl.DataFrame({"zone_id": ["a", "b", "c", "d"], "province_code": ["1", "2", "3", "4"],
                          "lat": [0.0] * 4, "lon": [100.0, 101.0, 102.0, 103.0]})
    b = national_backbone(frame, k=1)
    deg = haversine_km(0.0, 100.0, 0.0, 101.0)
    m = b.metrics
    assert (m["nodes"], m["edges"], m["diameter_hops"]) == (4, 3, 3)
    assert m["total_km"] == pytest.approx(3 * deg)
    assert m["average_shortest_path_hops"] == pytest.approx(10 / 6)  # (1+2+3+1+2+1)/6
    assert m["average_shortest_path_km"] == pytest.approx(10 / 6 * deg)
    assert [t["zone_id"] for t in m["betweenness_centrality_top5"][:2]] == ["b", "c"]
    assert m["betweenness_centrality_top5"][0]["value"] == pytest.approx(2 / 3)
    assert m["degree_centrality_top5"][0] == {"zone_id": "b", "value": pytest.approx(2 / 3)}
    assert len(m["degree_centrality_top5"]) == 4
    assert b.to_dict()["edges"][0] == {"source": "a", "target": "b", "km": pytest.approx(deg), "mst": True}


def test_k_nearest_adds_redundant_links() -> None:
    frame = _leaders(20, 11)
    assert len(national_backbone(frame, k=3).edges) > len(national_backbone(frame, k=0).edges)
    assert national_backbone(frame, k=19).metrics["edges"] == 20 * 19 // 2  # complete graph


@pytest.mark.parametrize(("frame", "k", "argument", "fragment"), [
    (_leaders(1, 0), 2, "leaders", "at least 2"),
    (_leaders(3, 0).drop("lat"), 2, "leaders", "missing columns"),
    (_leaders(3, 0).with_columns(lat=pl.lit(95.0)), 2, "leaders", "lat"),
    (_leaders(3, 0).with_columns(zone_id=pl.lit("x")), 2, "leaders", "unique"),
    (_leaders(3, 0), -1, "k", "≥ 0"),
])
def test_bad_input(frame: pl.DataFrame, k: int, argument: str, fragment: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        national_backbone(frame, k=k)
    assert err.value.argument == argument and fragment in err.value.reason
