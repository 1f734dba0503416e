"""The incentive mechanism's CLI contract: framework, agreements (confirm --as a zone admin), projects,
``ledger close/show/diff/reopen/status`` and ``evaluate --scheme/--compare`` with their JSON keys; bad input
exits 2 and names the argument."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from parknet.codes import make_uscc
from parknet.services.demo import load_demo
from parknet.store.importers import import_rows
from parknet.store.session import make_engine
from tests.cli_support import add_zone_admin, fresh_db, run

E1 = make_uscc("420100", 11)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_db(tmp_path, monkeypatch)
    for name, zone in (("donghu-admin", "wuhan-donghu"), ("xiangyang-admin", "xiangyang")):
        add_zone_admin(name, zone)
    return url


def test_agreement_lifecycle_and_ledger_through_the_cli(db: str, tmp_path: Path) -> None:
    code, template, _ = run("framework", "template")
    assert code == 0 and json.loads(template)["statistics"]["relocation"]["preset"] == "split_50_50"
    (tmp_path / "hubei.json").write_text(template, encoding="utf-8")
    assert run("framework", "adopt", "--province", "湖北", str(tmp_path / "hubei.json"))[0] == 0
    assert json.loads(run("framework", "show", "--province", "420000")[1])["version"] == 1

    code, stdout, err = run("agreements", "create", "--title", "光谷—襄阳合作", "--zones", "wuhan-donghu,xiangyang",
                             "--type", "chain_complement", "--form", "co_built_platform", "--starts-on", "2020-01-01")
    assert code == 0 and "AG-42-0001" in stdout, err
    assert run("agreements", "propose", "AG-42-0001")[0] == 0
    code, _, err = run("agreements", "confirm", "AG-42-0001", "--zone", "xiangyang", "--as", "donghu-admin")
    assert code == 2 and "only xiangyang's zone admin" in err
    code, _, err = run("agreements", "activate", "AG-42-0001")
    assert code == 2 and "not confirmed by wuhan-donghu, xiangyang" in err
    assert run("agreements", "confirm", "AG-42-0001", "--zone", "wuhan-donghu", "--as", "donghu-admin")[0] == 0
    code, stdout, _ = run("agreements", "confirm", "AG-42-0001", "--zone", "xiangyang", "--as", "xiangyang-admin")
    assert code == 0 and "active" in stdout
    listed = json.loads(run("agreements", "list", "--zone", "xiangyang", "--json")[1])
    assert [(a["id"], a["status"]) for a in listed] == [("AG-42-0001", "active")]

    code, _, err = run("projects", "add", "--agreement", "AG-42-0001", "--id", "P1", "--name", "共建平台",
                        "--started-on", "2020-03-01", "--partner", "wuhan-donghu:0.6:5000", "--partner", "xiangyang:0")
    assert code == 2 and "must be > 0" in err
    assert run("projects", "add", "--agreement", "AG-42-0001", "--id", "P1", "--name", "共建平台", "--started-on",
                "2020-03-01", "--partner", "wuhan-donghu:0.6:5000", "--partner", "xiangyang:0.7")[0] == 0
    assert run("projects", "values", "P1", "--year", "2021", "--value", "gdp=100")[0] == 0

    engine = make_engine(db)
    import_rows(engine, "enterprises", [{"credit_code": E1, "name": "某企业", "zone_id": "xiangyang",
                                         "incubated_in": "wuhan-donghu"}], source="t", user="t")
    import_rows(engine, "relocations", [{"credit_code": E1, "from_zone": "wuhan-donghu", "to_zone": "xiangyang",
                                         "date": "2021-04-01"}], source="t", user="t")
    import_rows(engine, "enterprise-years", [{"credit_code": E1, "year": 2021, "zone_id": "xiangyang",
                                              "indicator": "gdp", "value": "1200"}], source="t", user="t")
    code, stdout, err = run("ledger", "close", "--year", "2021", "--json")
    assert code == 0, err
    closed = json.loads(stdout)
    assert {"year", "version", "created", "entries", "inputs", "conservation"} <= set(closed)
    assert closed["version"] == 1 and closed["created"] is True
    # window Apr 2021 – Mar 2023: 9 months of 2021 → donghu 1200 × 9/12 × 0.5 = 450; plus project 60
    shown = json.loads(run("ledger", "show", "--zone", "wuhan-donghu", "--year", "2021", "--indicator", "gdp",
                            "--explain", "--json")[1])
    assert Decimal(shown["figures"][0]["attributed"]) == Decimal("510")
    assert {e["rule_id"] for e in shown["entries"]} == {"split_50_50:origin", "co_built_weight"}
    assert all(e["reason"] for e in shown["entries"])

    code, _, err = run("projects", "values", "P1", "--year", "2021", "--value", "gdp=150")
    assert code == 2 and "closed year 2021" in err
    assert run("ledger", "reopen", "--year", "2021", "--reason", "项目数据更正")[0] == 0
    assert run("projects", "values", "P1", "--year", "2021", "--value", "gdp=150")[0] == 0
    assert json.loads(run("ledger", "close", "--year", "2021", "--json")[1])["version"] == 2
    d = json.loads(run("ledger", "diff", "--year", "2021", "--from", "1", "--to", "2", "--json")[1])
    assert [c["input"] for c in d["inputs_changed"]] == ["projects"]
    assert {(t["zone_id"], Decimal(t["change"])) for t in d["totals"]} == {("wuhan-donghu", Decimal(30)),
                                                                          ("xiangyang", Decimal(35))}
    code, stdout, _ = run("ledger", "diff", "--year", "2021", "--from", "1", "--to", "2")
    assert code == 0 and "projects" in stdout
    status = json.loads(run("ledger", "status", "--json")[1])
    assert [(s["year"], s["version"], s["locked"]) for s in status] == [(2021, 2, True)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('eval') / 'e.db'}"
    load_demo(make_engine(url), seed=9, n_enterprises=3_000, n_provincial=60)
    return url


def test_evaluate_json_contract_and_comparison(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_db)
    code, stdout, err = run("evaluate", "--scheme", "baseline", "--year", "2019", "--json")
    assert code == 0, err
    result = json.loads(stdout)
    assert result["scheme"] == "baseline" and result["year"] == 2019
    ranking = result["ranking"]
    assert len(ranking) >= 150 and [r["rank"] for r in ranking][:3] == [1, 2, 3]
    assert set(ranking[0]["dimensions"]) == {"innovation", "industry", "international", "sustainability"}
    assert all({"zone_id", "rank", "score", "dimensions"} <= set(r) for r in ranking)
    assert ranking == sorted(ranking, key=lambda r: (r["rank"], r["zone_id"]))
    code, stdout, err = run("evaluate", "--compare", "baseline", "reformed", "--year", "2019", "--json")
    assert code == 0, err
    compared = json.loads(stdout)
    assert compared["schemes"] == ["baseline", "reformed"]
    assert {"zone_id", "rank_a", "rank_b", "rank_change", "reason"} <= set(compared["changes"][0])
    assert all(c["rank_change"] == c["rank_a"] - c["rank_b"] for c in compared["changes"])
    assert {"cooperation", "spillover"} <= set(compared["second"]["ranking"][0]["dimensions"])


@pytest.mark.parametrize(("args", "message"), [
    (("evaluate", "--year", "2019"), "--scheme"),
    (("evaluate", "--scheme", "nonsense", "--year", "2019"), "scheme"),
    (("evaluate", "--scheme", "baseline", "--compare", "baseline", "reformed", "--year", "2019"), "either"),
    (("ledger", "diff", "--year", "2019", "--from", "1", "--to", "2"), "no closed ledger"),
    (("ledger", "show", "--zone", "atlantis", "--year", "2019"), "no zone"),
    (("agreements", "show", "AG-00-9999"), "no agreement"),
])
def test_bad_input_exits_2_with_a_clear_message(demo_db: str, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
                                                message: str) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_db)
    code, _, err = run(*args)
    assert code == 2 and message in err
