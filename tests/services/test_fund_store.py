"""The coordination fund from the store: a hand-solved round (three sub-funds, six applications, the
lagging-zone minimum binding), committing it (rows written, round locked, a second commit refused), the
ledger's invariants (nothing written when refused), the reports against the ledger, and the append-only
trigger. SQLite and PostgreSQL.

Round TST-F1 of Hubei (420000; wuhan-donghu leads the province, so every other zone is lagging): budgets
development 100, industry 60, venture 40 万元; zone cap 120; lagging zones must receive ≥ 50%.

=====  ============  =========  ==========  ======  ======  =======
app    zone          lagging    eligible    asked   impact  partial
=====  ============  =========  ==========  ======  ======  =======
A1     wuhan-donghu  no         dev         80      400     no
A2     wuhan-donghu  no         ind         60      240     yes
A3     xiangyang     yes        dev, ind    50      100     no
A4     yichang       yes        ven         40      60      no
A5     jingzhou      yes        dev         30      30      no
A6     xiaogan       yes        ind, ven    20      50      yes
=====  ============  =========  ==========  ======  ======  =======

By hand. The total budget is 200, so the non-lagging total N ≤ lagging total L gives N ≤ 100. Without A1
the objective is at most 4·60 + (100 + 60 + 30 + 50) = 480. With A1 (dev 80) there remain dev 20, ind 60,
ven 40; L ≥ 80 needs A3 (dev 20 + ind 30) and A4 (ven 40) — A5 cannot fit (dev 20 < 30) — and A2 (ind, x₂)
and A6 (ind only, once A4 fills venture, x₆) share the ind 30 left: x₂ + x₆ ≤ 30, and the lagging minimum
80 + x₂ ≤ 90 + x₆. Maximising 4x₂ + 2.5x₆: (4, 2.5) = 3.25·(1, 1) + 0.75·(1, −1), so both constraints bind:
x₂ = 20, x₆ = 10. Objective 400 + 80 + 100 + 60 + 25 = 665; every budget is spent; L = N = 100 (slack 0).
Shadow prices: one more 万元 of any budget lets x₂ + x₆ reach 31 → +3.25; one percentage point less lagging
share relaxes x₂ − x₆ ≤ 10 by 0.01 · 200 = 2 → +0.75 · 4 = 3.0. The marginal application is A2 (4 per 万元),
stopped by the budget and the lagging share. The donghu cap (asked 140 > 120) is listed with slack 20.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError

from parknet.errors import Conflict, InvalidArgument, NotFound
from parknet.services import agreements
from parknet.services.accounts import Principal
from parknet.services.fund import allocate_round, commit_round, list_rounds, round_detail, round_inputs
from parknet.services.fund_ledger import application_ledger, disburse, release, report, reverse
from parknet.store.enabling import FundCommitment
from parknet.store.importers import import_rows
from tests.conftest import snapshot

ROUND = "TST-F1"
LEADER = "wuhan-donghu"
APPS = (  # id, zone, eligible, amount, impact, partial
    ("TST-F1-A1", LEADER, "development", 80, 400, False),
    ("TST-F1-A2", LEADER, "industry", 60, 240, True),
    ("TST-F1-A3", "xiangyang", "development,industry", 50, 100, False),
    ("TST-F1-A4", "yichang", "venture", 40, 60, False),
    ("TST-F1-A5", "jingzhou", "development", 30, 30, False),
    ("TST-F1-A6", "xiaogan", "industry,venture", 20, 50, True),
)


def make_round(engine: Engine, round_id: str = ROUND, *, lagging_min_share: str = "0.5") -> str:
    """The round of the module docstring (ids prefixed with ``round_id``); A1 and A3 are linked to a
    chain-complement agreement of donghu and xiangyang, A5 to a co-built platform of a tech-enabling
    agreement of donghu and jingzhou. Returns the first agreement's id."""
    admin = Principal(1, "t-admin", "admin")
    agreement = agreements.create(engine, agreements.AgreementDraft(
        title=f"{round_id} 东湖—襄阳 基金测试协议", zones=[LEADER, "xiangyang"], cooperation_type="chain_complement",
        form="co_built_platform", starts_on=date(2020, 1, 1)), admin)
    other = agreements.create(engine, agreements.AgreementDraft(
        title=f"{round_id} 东湖—荆州 基金测试协议", zones=[LEADER, "jingzhou"], cooperation_type="tech_enabling",
        form="project_cooperation", starts_on=date(2020, 1, 1)), admin)
    agreements.add_project(engine, other, project_id=f"{round_id}-P", name="共建中试平台", kind="platform",
                           started_on=date(2020, 6, 1), principal=admin,
                           partners=[agreements.PartnerShare("jingzhou", Decimal(1))])
    import_rows(engine, "fund-rounds", [{"round_id": round_id, "province_code": "420000", "name": "测试批次",
                                         "year": 2023, "zone_cap": "120", "lagging_min_share": lagging_min_share,
                                         "partial_allowed": "false"}], source="test", user="test")
    import_rows(engine, "fund-budgets", [{"round_id": round_id, "subfund": s, "budget": b}
                                         for s, b in (("development", 100), ("industry", 60), ("venture", 40))],
                source="test", user="test")
    import_rows(engine, "fund-applications", [
        {"application_id": a.replace(ROUND, round_id), "round_id": round_id, "zone_id": z, "title": f"项目 {a[-2:]}",
         "eligible": e, "amount": str(m), "impact": str(i), "impact_basis": "可行性研究报告（测试）",
         "partial": "true" if p else "false",
         "agreement_id": agreement if a.endswith(("A1", "A3")) else None,
         "project_id": f"{round_id}-P" if a.endswith("A5") else None} for a, z, e, m, i, p in APPS],
        source="test", user="test")
    return agreement


@pytest.fixture
def fund(engine: Engine) -> Engine:
    make_round(engine)
    return engine


def _app(n: int) -> str:
    return f"{ROUND}-A{n}"


def test_round_inputs_flag_lagging_zones_and_cooperation_types(fund: Engine) -> None:
    applications, subfunds, policy = round_inputs(fund, ROUND)
    rows = {r["application_id"]: r for r in applications.iter_rows(named=True)}
    assert [r["lagging"] for r in rows.values()] == [False, False, True, True, True, True]
    assert rows[_app(3)]["eligible"] == ["development", "industry"]
    assert [r["cooperation_type"] for r in rows.values()] == [
        "chain_complement", None, "chain_complement", None, "tech_enabling", None]  # A5 through its project
    assert subfunds.to_dicts() == [{"subfund": "development", "budget": Decimal(100)},
                                   {"subfund": "industry", "budget": Decimal(60)},
                                   {"subfund": "venture", "budget": Decimal(40)}]
    assert (policy.zone_cap, policy.lagging_min_share, policy.partial_allowed) == (Decimal(120), Decimal("0.5"),
                                                                                    False)
    with pytest.raises(NotFound, match="TST-NONE"):
        round_inputs(fund, "TST-NONE")


def test_the_hand_solved_allocation(fund: Engine) -> None:
    r = allocate_round(fund, ROUND)
    assert r["optimal"] and r["method"] == "milp" and r["committed"] is False
    assert r["objective"] == pytest.approx(665.0)
    assert sorted((a["application_id"], a["subfund"], a["amount"]) for a in r["awards"]) == [
        (_app(1), "development", Decimal(80)), (_app(2), "industry", Decimal(20)),
        (_app(3), "development", Decimal(20)), (_app(3), "industry", Decimal(30)),
        (_app(4), "venture", Decimal(40)), (_app(6), "industry", Decimal(10))]
    decisions = {d["application_id"]: d for d in r["decisions"]}
    assert [decisions[_app(i)]["outcome"] for i in range(1, 7)] == [
        "funded", "partly_funded", "funded", "funded", "not_funded", "partly_funded"]
    assert decisions[_app(2)]["causes"] == ["budget", "lagging_share"]
    assert decisions[_app(5)]["causes"] == ["budget"] and decisions[_app(5)]["awarded"] == 0
    assert any("后发园区须占资助总额的 50.0%" in reason for reason in decisions[_app(2)]["reasons"])
    assert r["marginal"]["application_id"] == _app(2) and r["marginal"]["impact_per_wan"] == pytest.approx(4.0)
    assert r["totals"] == {"awarded": Decimal(200), "lagging_awarded": Decimal(100), "lagging_share": 0.5,
                           "by_subfund": {"development": Decimal(100), "industry": Decimal(60),
                                          "venture": Decimal(40)}}
    constraints = {c["key"]: c for c in r["constraints"]}
    lagging = constraints["lagging_share"]
    assert (lagging["limit"], lagging["used"], lagging["slack"], lagging["binding"]) == (100, 100, 0, True)
    assert lagging["shadow_price"] == pytest.approx(3.0)
    for code in ("development", "industry", "venture"):
        assert constraints[f"budget:{code}"]["slack"] == 0 and constraints[f"budget:{code}"]["binding"]
    assert constraints["budget:industry"]["shadow_price"] == pytest.approx(3.25)
    cap = constraints[f"zone_cap:{LEADER}"]
    assert (cap["limit"], cap["used"], cap["slack"], cap["binding"]) == (120, 100, 20, False)
    assert {c["key"] for c in r["binding"]} == {"budget:development", "budget:industry", "budget:venture",
                                                "lagging_share"}
    assert r["greedy_objective"] < r["objective"]
    assert len(r["allocation_sha256"]) == 64 and r["allocation_sha256"] == allocate_round(fund, ROUND)[
        "allocation_sha256"]


def test_core_refusals_reach_the_caller(engine: Engine) -> None:
    make_round(engine, "TST-F2")
    import_rows(engine, "fund-applications", [
        {"application_id": "TST-F2-BIG", "round_id": "TST-F2", "zone_id": "yichang", "title": "过大的申请",
         "eligible": "venture", "amount": "41", "impact": "1", "impact_basis": "测试"}], source="t", user="t")
    with pytest.raises(InvalidArgument, match="TST-F2-BIG asks 41 万元"):
        allocate_round(engine, "TST-F2")
    # only the leading zone applies: no award can meet a lagging minimum of 30%
    import_rows(engine, "fund-rounds", [{"round_id": "TST-F3", "province_code": "420000", "name": "只有领头园区",
                                         "year": 2023, "lagging_min_share": "30%"}], source="t", user="t")
    import_rows(engine, "fund-budgets", [{"round_id": "TST-F3", "subfund": "industry", "budget": "10"}],
                source="t", user="t")
    import_rows(engine, "fund-applications", [
        {"application_id": "TST-F3-A1", "round_id": "TST-F3", "zone_id": LEADER, "title": "领头园区项目",
         "eligible": "industry", "amount": "5", "impact": "1", "impact_basis": "测试"}], source="t", user="t")
    with pytest.raises(InvalidArgument, match="policy.lagging_min_share.*no application comes from a lagging"):
        allocate_round(engine, "TST-F3")
    with pytest.raises(Conflict, match="no sub-fund budgets"):
        import_rows(engine, "fund-rounds", [{"round_id": "TST-F4", "province_code": "420000", "name": "无预算",
                                             "year": 2023, "lagging_min_share": "0"}], source="t", user="t")
        allocate_round(engine, "TST-F4")
    assert round_detail(engine, "TST-F4")["budgets"] == []  # the round itself still shows
    with pytest.raises(NotFound):
        allocate_round(engine, "TST-NONE")


def test_commit_writes_the_awards_and_locks_the_round(fund: Engine) -> None:
    fresh = allocate_round(fund, ROUND)
    done = commit_round(fund, ROUND, "t-admin")
    assert done["commitments"] == 6 and done["allocation_sha256"] == fresh["allocation_sha256"]
    with fund.connect() as conn:
        rows = conn.execute(select(FundCommitment.application_id, FundCommitment.subfund, FundCommitment.kind,
                                   FundCommitment.amount, FundCommitment.allocation_sha256, FundCommitment.reason)
                            .order_by(FundCommitment.id)).all()
    assert sorted((a, s, m) for a, s, _, m, _, _ in rows) == sorted(
        (a["application_id"], a["subfund"], a["amount"]) for a in fresh["awards"])
    assert {k for _, _, k, _, _, _ in rows} == {"commit"}
    assert {h for *_, h, _ in rows} == {fresh["allocation_sha256"]} and ROUND in rows[0].reason
    after = allocate_round(fund, ROUND)
    assert after["committed"] and after["round"]["status"] == "committed" and after["commitments_match"]
    assert {(c["application_id"], c["subfund"]): c["undisbursed"] for c in after["commitments"]}[
        (_app(1), "development")] == 80
    before = snapshot(fund)
    with pytest.raises(Conflict, match="committed already"):
        commit_round(fund, ROUND, "t-admin")
    assert snapshot(fund) == before
    with pytest.raises(Exception, match="committed"):  # the import checks refuse changes to a committed round
        import_rows(fund, "fund-budgets", [{"round_id": ROUND, "subfund": "venture", "budget": "50"}],
                    source="t", user="t")
    assert [r["status"] for r in list_rounds(fund) if r["round_id"] == ROUND] == ["committed"]


def test_ledger_invariants_refuse_and_write_nothing(fund: Engine) -> None:
    commit_round(fund, ROUND, "t-admin")
    a1 = _app(1)
    disburse(fund, a1, "development", "50", date(2024, 3, 1), "PAY-001", "t-admin")
    before = snapshot(fund)
    with pytest.raises(Conflict, match=r"would disburse 80\.0001 万元.*net committed 80"):
        disburse(fund, a1, "development", "30.0001", date(2024, 3, 2), "PAY-002", "t-admin")
    with pytest.raises(Conflict, match="below what is disbursed"):
        release(fund, a1, "development", "30.0001", "项目缩减", "t-admin")
    with pytest.raises(Conflict, match="below 0"):
        reverse(fund, a1, "development", "50.0001", date(2024, 3, 2), "REV-001", "t-admin")
    with pytest.raises(Conflict, match="more than is committed"):
        disburse(fund, _app(5), "development", "1", date(2024, 3, 2), "PAY-003", "t-admin")  # never committed
    for bad in ("0", "-5", "1.00001", "abc"):
        with pytest.raises(InvalidArgument, match="^amount"):
            disburse(fund, a1, "development", bad, date(2024, 3, 2), "PAY-004", "t-admin")
    with pytest.raises(InvalidArgument, match="^subfund"):
        release(fund, a1, "lottery", "1", "x", "t-admin")
    with pytest.raises(InvalidArgument, match="^reason"):
        release(fund, a1, "development", "1", "  ", "t-admin")
    with pytest.raises(InvalidArgument, match="^reference"):
        disburse(fund, a1, "development", "1", date(2024, 3, 2), "", "t-admin")
    with pytest.raises(NotFound):
        disburse(fund, "TST-NOPE", "development", "1", date(2024, 3, 2), "PAY-005", "t-admin")
    assert snapshot(fund) == before
    assert release(fund, a1, "development", "30", "项目缩减", "t-admin")["undisbursed"] == 0
    assert reverse(fund, a1, "development", "10", date(2024, 4, 1), "REV-002", "t-admin")["net_disbursed"] == 40
    ledger = application_ledger(fund, a1)
    assert [(e["kind"], e["signed"], e["net_committed"], e["net_disbursed"]) for e in ledger["entries"]] == [
        ("commit", 80, 80, 0), ("payment", 50, 80, 50), ("release", -30, 50, 50), ("reversal", -10, 50, 40)]
    assert (ledger["net_committed"], ledger["net_disbursed"], ledger["undisbursed"]) == (50, 40, 10)


def test_reports_add_up_to_the_ledger(fund: Engine) -> None:
    commit_round(fund, ROUND, "t-admin")
    disburse(fund, _app(3), "industry", "12.5", date(2024, 3, 1), "PAY-1", "t-admin")
    release(fund, _app(6), "industry", "4", "配套到位", "t-admin")
    ledgers = [application_ledger(fund, _app(i)) for i in range(1, 7)]
    committed = sum((x["net_committed"] for x in ledgers), Decimal(0))
    disbursed = sum((x["net_disbursed"] for x in ledgers), Decimal(0))
    assert (committed, disbursed) == (196, Decimal("12.5"))
    for by in ("zone", "subfund", "cooperation_type", "round"):
        r = report(fund, round_id=ROUND, by=by)
        assert (r["totals"]["committed"], r["totals"]["disbursed"]) == (committed, disbursed)
        assert sum((row["committed"] for row in r["rows"]), Decimal(0)) == committed
        assert sum((row["disbursed"] for row in r["rows"]), Decimal(0)) == disbursed
        assert sum((row["undisbursed"] for row in r["rows"]), Decimal(0)) == committed - disbursed
    zones = {row["key"]: row for row in report(fund, round_id=ROUND, by="zone")["rows"]}
    assert (zones[LEADER]["applications"], zones[LEADER]["asked"], zones[LEADER]["committed"]) == (2, 140, 100)
    types = {row["key"]: row for row in report(fund, by="cooperation_type")["rows"]}
    assert (types["chain_complement"]["label_zh"], types["chain_complement"]["committed"]) == ("产业链延补型", 130)
    assert types[None]["committed"] == 66 and types[None]["label_zh"] == "未关联协议"
    assert (types["tech_enabling"]["applications"], types["tech_enabling"]["committed"]) == (1, 0)
    funds = {row["key"]: row for row in report(fund, round_id=ROUND, by="subfund")["rows"]}
    assert (funds["industry"]["budget"], funds["industry"]["committed"], funds["industry"]["disbursed"]) == (
        60, 56, Decimal("12.5"))
    assert funds["industry"]["asked"] is None and funds["industry"]["label_zh"] == "产业基金"
    with pytest.raises(InvalidArgument, match="^by"):
        report(fund, by="colour")


def test_commitments_are_append_only(fund: Engine) -> None:
    commit_round(fund, ROUND, "t-admin")
    with pytest.raises(DBAPIError, match="append-only"), fund.begin() as conn:
        conn.execute(update(FundCommitment.__table__).values(amount=Decimal(1)))
    with pytest.raises(DBAPIError, match="append-only"), fund.begin() as conn:
        conn.execute(text("delete from fund_commitments"))
    assert application_ledger(fund, _app(1))["net_committed"] == 80
