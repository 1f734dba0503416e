"""The CLI contract of service tickets and the platform company: ``tickets list|open|assign|advance|close|show|
stats`` and ``platform catalogue|order|orders|statement`` with ``--as USER`` and ``--json``; refusals exit 2
and name the problem."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parknet.store.importers import import_rows
from parknet.store.session import make_engine
from tests.cli_support import add_zone_admin, fresh_db, run


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_db(tmp_path, monkeypatch)
    for name, zone in (("donghu-admin", "wuhan-donghu"), ("xiangyang-admin", "xiangyang")):
        add_zone_admin(name, zone)
    engine = make_engine(url)
    import_rows(engine, "experts", [
        {"id": "TST-E-1", "name": "李工", "institution": "武汉理工大学", "fields": "动力电池", "profile": "电池工艺",
         "availability": "available"}], source="test", user="test")
    import_rows(engine, "demands", [
        {"id": "TST-D-1", "zone_id": "xiangyang", "title": "动力电池工艺工程师", "description": "需要电池工艺专家",
         "library": "expert", "posted_on": "2021-02-20"}], source="test", user="test")
    import_rows(engine, "platform-services", [
        {"code": "TST-IN-1", "provider_zone": "wuhan-donghu", "name": "检验检测服务", "category": "innovation",
         "unit": "次", "price": "1.3333"}], source="test", user="test")
    engine.dispose()
    return url


def test_ticket_lifecycle_through_the_cli(db: str) -> None:
    due = date.today().replace(year=date.today().year + 1).isoformat()
    code, stdout, err = run("tickets", "open", "--kind", "talent", "--zone", "xiangyang", "--title", "电池工艺专家对接",
                             "--due", due, "--demand", "TST-D-1", "--match", "expert:TST-E-1",
                             "--as", "xiangyang-admin")
    year = date.today().year
    ticket_id = f"TK-{year}-00001"
    assert code == 0 and ticket_id in stdout, err
    code, _, err = run("tickets", "open", "--kind", "talent", "--zone", "yichang", "--title", "x", "--due", due,
                        "--as", "xiangyang-admin")
    assert code == 2 and "opens tickets for xiangyang only" in err
    code, _, err = run("tickets", "advance", ticket_id, "--to", "in_service", "--as", "donghu-admin")
    assert code == 2 and "the next step is assigned" in err
    code, _, err = run("tickets", "assign", ticket_id, "--to", "TST-E-9", "--as", "donghu-admin")
    assert code == 2 and "no expert 'TST-E-9'" in err
    code, stdout, err = run("tickets", "assign", ticket_id, "--to", "TST-E-1", "--as", "donghu-admin")
    assert code == 0 and "已分派" in stdout, err
    assert run("tickets", "advance", ticket_id, "--to", "in_service", "--as", "donghu-admin")[0] == 0
    assert run("tickets", "advance", ticket_id, "--to", "delivered")[0] == 0
    code, _, err = run("tickets", "advance", ticket_id, "--to", "in_service")
    assert code == 2 and "cannot move back to in_service" in err
    code, _, err = run("tickets", "close", ticket_id, "--outcome", "fixed", "--rating", "5")
    assert code == 2 and "outcome" in err
    code, stdout, err = run("tickets", "close", ticket_id, "--outcome", "resolved", "--rating", "4", "--note", "满意",
                             "--as", "xiangyang-admin")
    assert code == 0 and "已办结" in stdout, err
    shown = json.loads(run("tickets", "show", ticket_id, "--json")[1])
    assert [h["status"] for h in shown["history"]] == ["open", "assigned", "in_service", "delivered", "closed"]
    assert (shown["outcome"], shown["rating"], shown["provider_zone"]) == ("resolved", 4, "wuhan-donghu")
    code, stdout, _ = run("tickets", "show", ticket_id)
    assert code == 0 and "流转记录" in stdout and "已解决" in stdout
    listed = json.loads(run("tickets", "list", "--zone", "xiangyang", "--status", "closed", "--json")[1])
    assert [t["id"] for t in listed] == [ticket_id]
    assert json.loads(run("tickets", "list", "--overdue", "--json")[1]) == []
    code, stdout, _ = run("tickets", "list", "--kind", "talent")
    assert code == 0 and ticket_id in stdout
    stats = json.loads(run("tickets", "stats", "--year", str(year), "--json")[1])
    assert stats["providers"] == [{"provider_zone": "wuhan-donghu", "delivered": 1, "delivered_to_other_zones": 1,
                                   "on_time": 1, "on_time_share": 1.0, "mean_rating": 4.0}]
    assert "服务其他园区" in run("tickets", "stats", "--year", str(year))[1]
    code, _, err = run("tickets", "list", "--status", "finished")
    assert code == 2 and "status" in err


def test_platform_orders_and_statement_through_the_cli(db: str) -> None:
    code, stdout, _ = run("platform", "catalogue", "--zone", "wuhan-donghu")
    assert code == 0 and "TST-IN-1" in stdout and "1.3333" in stdout
    assert json.loads(run("platform", "catalogue", "--json")[1])[0]["price"] == "1.3333"
    code, stdout, err = run("platform", "order", "--zone", "xiangyang", "--service", "TST-IN-1", "--quantity", "3",
                             "--on", "2021-01-10", "--as", "xiangyang-admin")
    assert code == 0 and "OD-2021-00001" in stdout and "3.9999" in stdout, err
    code, _, err = run("platform", "order", "--zone", "wuhan-donghu", "--service", "TST-IN-1", "--quantity", "1",
                        "--on", "2021-01-10")
    assert code == 2 and "provides TST-IN-1 itself" in err
    code, _, err = run("platform", "order", "--zone", "yichang", "--service", "TST-IN-1", "--quantity", "1",
                        "--as", "xiangyang-admin")
    assert code == 2 and "orders for xiangyang only" in err
    assert run("platform", "order", "--zone", "yichang", "--service", "TST-IN-1", "--quantity", "0.5",
                "--on", "2021-02-01")[0] == 0
    listed = json.loads(run("platform", "orders", "--zone", "wuhan-donghu", "--json")[1])
    assert [(o["id"], o["amount"]) for o in listed] == [("OD-2021-00002", "0.6666"), ("OD-2021-00001", "3.9999")]
    s = json.loads(run("platform", "statement", "--provider", "wuhan-donghu", "--from", "2021-01-01",
                        "--to", "2021-03-31", "--json")[1])
    assert [(b["buyer_zone"], b["total"]) for b in s["buyers"]] == [("xiangyang", "3.9999"), ("yichang", "0.6666")]
    assert s["grand_total"] == "4.6665"
    code, stdout, _ = run("platform", "statement", "--provider", "wuhan-donghu", "--from", "2021-01-01",
                           "--to", "2021-03-31")
    assert code == 0 and "4.6665" in stdout and "对账单" in stdout
    code, _, err = run("platform", "statement", "--provider", "wuhan-donghu", "--from", "2021-13-01", "--to",
                        "2021-03-31")
    assert code == 2 and "--from" in err
