"""The sci-tech CLI contract: ``parknet match TEXT --library …`` and ``parknet match --demand ID`` with their
JSON keys and Chinese-first human output; ``parknet demands post|list|status`` (a zone admin only for its own
zone); bad input exits 2 and names the argument: an empty query, an English-only query, TEXT and --demand
together, neither, an unknown library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parknet.store.importers import import_rows
from parknet.store.session import make_engine
from tests.cli_support import add_zone_admin, fresh_db, run
from tests.services.test_scitech import EXPERTS, TECHNOLOGIES, _technology


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_db(tmp_path, monkeypatch)
    engine = make_engine(url)
    import_rows(engine, "technologies", [_technology(r) for r in TECHNOLOGIES], source="test", user="t")
    import_rows(engine, "experts", [
        {"id": i, "name": n, "title": t, "institution": inst, "fields": f, "profile": p, "zone_id": z,
         "industry_codes": c, "availability": a} for i, n, t, inst, f, p, z, c, a in EXPERTS], source="test", user="t")
    engine.dispose()
    add_zone_admin("xiangyang-admin", "xiangyang")
    return url


def test_match_text_json_shape(db: str) -> None:
    code, stdout, err = run("match", "钠离子电池正极", "--library", "technology", "--k", "2", "--zone", "xiangyang",
                             "--json")
    assert code == 0, err
    result = json.loads(stdout)
    assert {"query", "library", "k", "zone", "partner_zones", "industry_codes", "method", "matches"} <= set(result)
    assert result["k"] == 2 and result["zone"] == "xiangyang" and "wuhan-donghu" in result["partner_zones"]
    top = result["matches"][0]
    assert {"rank", "id", "score", "bm25", "title", "zone_id", "zone_name", "industry_codes", "reasons",
            "record"} <= set(top)
    assert top["id"] == "TST-T07" and top["rank"] == 1
    assert {"kind": "network", "values": ["wuhan-donghu"],
            "text": "同一1+N网络的合作园区 / partner zone in the same 1+N network: wuhan-donghu"} in top["reasons"]
    code, stdout, _ = run("match", "动力电池", "--library", "technology", "--industry", "38", "--json")
    assert code == 0 and "TST-T05" not in [m["id"] for m in json.loads(stdout)["matches"]]


def test_match_human_output_is_chinese_first(db: str) -> None:
    code, stdout, err = run("match", "高镍正极材料", "--library", "technology", "--zone", "xiangyang")
    assert code == 0, err
    assert "技术库 / technology" in stdout and "TST-T01" in stdout and "高镍三元锂电池正极材料" in stdout
    assert "武汉东湖新技术开发区 (wuhan-donghu)" in stdout
    assert "匹配词 / matched terms: 高镍" in stdout and "同一1+N网络的合作园区" in stdout
    lines = [line for line in stdout.splitlines() if "TST-T01" in line]
    assert lines[0].lstrip().startswith("1. ")


@pytest.mark.parametrize(("args", "message"), [
    (("match", "", "--library", "technology"), "TEXT: 查询为空"),
    (("match", "   ", "--library", "technology"), "TEXT: 查询为空"),
    (("match", "quantum flux capacitor", "--library", "technology"), "TEXT: 查询不含中文"),
    (("match", "锂电池", "--demand", "DM-1"), "TEXT / --demand"),
    (("match",), "TEXT / --demand"),
    (("match", "锂电池"), "--library: choose technology"),
    (("match", "锂电池", "--library", "patents"), "--library: choose technology"),
    (("match", "锂电池", "--library", "technology", "--k", "0"), "--k: must be a whole number from 1 to 50"),
    (("match", "--demand", "DM-NOPE"), "no demand 'DM-NOPE'"),
    (("match", "--demand", "DM-NOPE", "--library", "expert"), "--library: a demand brings its own library"),
])
def test_bad_input_exits_2_naming_the_argument(db: str, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2 and message in err, err


def test_demands_post_list_match_and_status(db: str) -> None:
    code, _, err = run("demands", "post", "--zone", "wuhan-donghu", "--library", "expert", "--title", "招募储能专家",
                        "--description", "需要电化学储能方向的专家", "--as", "xiangyang-admin")
    assert code == 2 and "may not post" in err
    code, stdout, err = run("demands", "post", "--zone", "xiangyang", "--library", "expert", "--title", "招募储能专家",
                             "--description", "需要电化学储能方向的专家", "--industry", "3841", "--as", "xiangyang-admin",
                             "--json")
    assert code == 0, err
    demand_id = json.loads(stdout)["id"]
    code, stdout, _ = run("demands", "list", "--zone", "xiangyang", "--json")
    assert [(d["id"], d["status"], d["library"]) for d in json.loads(stdout)] == [(demand_id, "open", "expert")]
    code, stdout, err = run("match", "--demand", demand_id, "--json")
    assert code == 0, err
    result = json.loads(stdout)
    assert result["demand"]["id"] == demand_id and result["library"] == "expert"
    assert result["matches"][0]["id"] == "TST-E01"
    assert {r["kind"] for r in result["matches"][0]["reasons"]} == {"terms", "industry", "network"}
    code, stdout, _ = run("match", "--demand", demand_id)
    assert code == 0 and f"需求 / demand {demand_id}" in stdout and "待对接" in stdout
    code, stdout, _ = run("demands", "status", demand_id, "--to", "matched", "--as", "xiangyang-admin")
    assert code == 0 and "已对接 / matched" in stdout
    code, _, err = run("demands", "status", demand_id, "--to", "open")
    assert code == 2 and "not back" in err
    code, _, err = run("demands", "status", demand_id, "--to", "done")
    assert code == 2 and "--to: choose matched or closed" in err
    code, _, err = run("demands", "status", demand_id, "--to", "matched")
    assert code == 2 and "it can move to closed" in err
    code, stdout, _ = run("demands", "list", "--status", "matched")
    assert code == 0 and demand_id in stdout and "已对接" in stdout
