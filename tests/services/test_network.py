"""The 1+N network from the stored demo: the CLI/JSON contract, every partner linked or explained, no
leader over capacity, a province without a national zone, and the API."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parknet.cli import app
from parknet.services.demo import load_demo
from parknet.services.network import province_network
from parknet.store.importers import import_rows
from parknet.store.session import make_engine


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('net') / 'n.db'}"
    engine = make_engine(url)
    load_demo(engine, seed=9, n_enterprises=3_000, n_provincial=60)
    import_rows(engine, "zones", [{"zone_id": "hk-park", "name": "香港某园区（测试）", "level": "other",
                                   "province_code": "810000"}], source="test", user="test")
    return url


def test_cli_json_contract(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_url)
    result = CliRunner().invoke(app, ["network", "--province", "湖北", "--year", "2019", "--n-max", "4", "--json"])
    assert result.exit_code == 0, result.output
    net = json.loads(result.stdout)
    assert {"province", "year", "leaders", "links", "unassigned", "objective", "optimal", "gap", "backbone"} <= set(net)
    assert net["province"] == "420000" and net["optimal"] is True and net["gap"] == pytest.approx(0)
    assert [leader["zone_id"] for leader in net["leaders"]] == ["wuhan-donghu"]
    for link in net["links"]:
        assert {"leader", "partner", "type", "form", "score", "scores", "reasons"} <= set(link)
        assert link["type"] in ("tech_enabling", "chain_complement", "cross_fusion")
        assert link["score"] == max(v for v in link["scores"].values() if v is not None)
        assert link["reasons"]
    assert len(net["links"]) == 4  # capacity N = 4 for the one leader
    assert all(u["reason"] for u in net["unassigned"])


def test_every_partner_is_linked_or_explained(demo_url: str) -> None:
    net = province_network(make_engine(demo_url), "广东", 2019, n_max=3)
    leaders = {leader["zone_id"] for leader in net["leaders"]}
    linked = {link["partner"] for link in net["links"]}
    left = {u["partner"] for u in net["unassigned"]}
    assert not linked & left
    loads = {leader: sum(link["leader"] == leader for link in net["links"]) for leader in leaders}
    assert max(loads.values()) <= 3
    assert net["objective"] >= net["greedy_objective"] - 1e-9
    assert net["backbone"]["metrics"]["connected"] is True


def test_province_without_a_national_zone_explains_itself(demo_url: str) -> None:
    net = province_network(make_engine(demo_url), "810000", 2019)
    assert net["leaders"] == [] and net["links"] == []
    assert [u["partner"] for u in net["unassigned"]] == ["hk-park"]


def test_all_provinces(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_url)
    result = CliRunner().invoke(app, ["network", "--all", "--year", "2019", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with_leader = [n for n in data["provinces"] if n["leaders"]]
    assert len(data["provinces"]) == 32  # 31 mainland provinces with zones in 2019, and the test park in 810000
    assert len(with_leader) == 30  # Tibet's only national zone (Lhasa) was approved in 2022
    assert data["backbone"]["metrics"]["nodes"] == 30 and data["backbone"]["metrics"]["connected"]
    bad = CliRunner().invoke(app, ["network", "--year", "2019"])
    assert bad.exit_code == 2 and "--province" in bad.stderr
