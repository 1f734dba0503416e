"""The synthetic fair-sharing data of the demo: reproducible, shaped like the tables, a holding structure
that look-through ownership accepts (nothing held above 100%, no closed cycle, committees and provinces
as the only ultimate owners), and complete, superadditive games in which some leaders lose out under the
split by investment and some cores are empty."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

import polars as pl
import pytest

from parknet.data.demo import DEFAULT_SEED, DEMO_LABEL, DemoData
from parknet.data.demo_cooperation import CooperationDemo
from parknet.data.demo_sharing import SCHEMAS, SOURCE, SharingDemo, generate_sharing
from parknet.sharing.ownership import look_through
from parknet.sharing.transfers import Settlement, settle
from parknet.store import sharing as tables


@pytest.fixture(scope="module")
def share(coop: CooperationDemo, demo: DemoData) -> SharingDemo:
    return generate_sharing(coop, demo.zones, demo.seed)


@pytest.fixture(scope="module")
def settlements(coop: CooperationDemo, share: SharingDemo) -> dict[str, Settlement]:
    """Every project settled by the default split (in proportion to investment)."""
    investments: dict[str, dict[str, Decimal]] = {}
    for project, zone, _weight, investment in coop.project_partners.iter_rows():
        investments.setdefault(project, {})[zone] = investment
    values: dict[str, dict[frozenset[str], Decimal]] = {}
    for project, coalition, value, *_ in share.coalition_values.iter_rows():
        values.setdefault(project, {})[frozenset(coalition.split("+"))] = value
    return {p: settle(investments[p], values[p], method="proportional") for p in sorted(values)}


def _as_floats(holdings: pl.DataFrame) -> pl.DataFrame:
    return holdings.select(pl.col("holder_id").alias("holder"), pl.col("company_id").alias("company"),
                           pl.col("share").cast(pl.Float64))


def test_same_inputs_and_seed_give_identical_frames(coop: CooperationDemo, demo: DemoData,
                                                    share: SharingDemo) -> None:
    again = generate_sharing(coop, demo.zones, demo.seed)
    other = generate_sharing(coop, demo.zones, demo.seed + 1)
    for name in SCHEMAS:
        assert getattr(again, name).equals(getattr(share, name)), name
    assert not other.holdings.equals(share.holdings)
    assert not other.coalition_values.equals(share.coalition_values)
    assert other.entities.equals(share.entities)  # who exists follows the cooperation data alone
    assert share.label == DEMO_LABEL and share.seed == DEFAULT_SEED


@pytest.mark.parametrize("model", [tables.Entity, tables.Holding, tables.CoalitionValue])
def test_frames_have_the_columns_of_their_table_but_the_batch(share: SharingDemo, model: type) -> None:
    table = model.__table__
    assert getattr(share, table.name).columns == [c for c in table.c.keys() if c != "batch_id"]


def test_every_party_zone_has_a_committee_and_an_asset_company(coop: CooperationDemo,
                                                               share: SharingDemo) -> None:
    e = share.entities
    assert e["id"].is_unique().all() and e["is_synthetic"].all()
    kinds = dict(e["kind"].value_counts().iter_rows())
    parties = set(coop.agreement_parties["zone_id"])
    assert kinds == {"province": coop.agreements["province_code"].n_unique(), "committee": len(parties),
                     "asset_company": len(parties), "project_company": coop.cobuilt_projects.height}
    assert set(e.filter(pl.col("kind") == "committee")["id"]) == {f"cmte-{z}" for z in parties}
    projects = e.filter(pl.col("kind") == "project_company")["project_id"]
    assert set(projects) == set(coop.cobuilt_projects["id"])
    hubei = e.filter(pl.col("id").is_in(["prov-420000", "cmte-wuhan-donghu", "asset-wuhan-donghu"]))
    hubei = hubei.sort("id")
    assert hubei["name"].to_list() == ["武汉东湖发展集团（演示）", "武汉东湖新技术开发区管委会",
                                       "湖北省高新区协同发展平台（演示）"]
    companies = e.filter(pl.col("kind").is_in(["asset_company", "project_company"]))["name"]
    assert companies.str.ends_with("（演示）").all()


def test_holdings_are_valid_shares_of_known_entities_never_above_100_percent(share: SharingDemo) -> None:
    h, ids = share.holdings, set(share.entities["id"])
    assert set(h["holder_id"]) <= ids and set(h["company_id"]) <= ids
    assert h.select("holder_id", "company_id").is_unique().all()
    assert (h["share"] > 0).all() and (h["share"] <= 1).all()
    assert all(s == s.quantize(Decimal("0.0001")) for s in h["share"])
    totals = h.group_by("company_id").agg(pl.col("share").sum())
    assert totals["share"].max() <= Decimal(1)
    # committees and provinces are the ultimate owners: nobody holds them
    top = share.entities.filter(pl.col("kind").is_in(["committee", "province"]))["id"]
    assert not h["company_id"].is_in(top.implode()).any()


def test_asset_companies_are_controlled_by_their_committee_with_some_cross_holdings(
        share: SharingDemo) -> None:
    h = share.holdings.filter(pl.col("company_id").str.starts_with("asset-"))
    totals = h.group_by("company_id").agg(pl.col("share").sum())
    assert (totals["share"] == 1).all()
    own = h.filter(pl.col("holder_id").str.replace("^cmte-", "asset-") == pl.col("company_id"))
    assert own.height == totals.height and own["share"].min() >= Decimal("0.7")
    cross = h.filter(pl.col("holder_id").str.starts_with("asset-"))
    pairs = set(cross.select("holder_id", "company_id").iter_rows())
    assert len(pairs) >= 20 and any((c, h_) in pairs for h_, c in pairs)  # some are reciprocal: cycles


def test_look_through_reaches_committees_and_provinces_for_all_but_outside_investors(
        share: SharingDemo) -> None:
    through = look_through(_as_floats(share.holdings))
    owners = share.entities.filter(pl.col("id").is_in(through["owner"].unique().implode()))
    assert set(owners["kind"]) == {"committee", "province"}
    reached = through.group_by("company").agg(pl.col("share").sum())
    held = share.holdings.group_by("company_id").agg(pl.col("share").sum().cast(pl.Float64))
    both = reached.join(held, left_on="company", right_on="company_id")
    assert both.height == held.height
    assert (both["share"] - both["share_right"]).abs().max() < 1e-9
    companies = held.filter(pl.col("company_id").str.starts_with("pc-"))
    outside = companies.filter(pl.col("share") < 1).height  # one project company in five
    assert 0.1 * companies.height <= outside <= 0.3 * companies.height


def test_project_companies_are_held_by_partners_and_under_a_framework_by_the_province(
        coop: CooperationDemo, share: SharingDemo) -> None:
    pc = share.holdings.filter(pl.col("company_id").str.starts_with("pc-"))
    by_zones = pc.filter(pl.col("holder_id").str.starts_with("asset-")).select("holder_id", "company_id")
    holders = {(c.removeprefix("pc-"), h.removeprefix("asset-")) for h, c in by_zones.iter_rows()}
    assert holders == set(coop.project_partners.select("project_id", "zone_id").iter_rows())
    under = set(coop.agreements.filter(pl.col("framework_version").is_not_null())["id"])
    projects = dict(coop.cobuilt_projects.select("id", "agreement_id").iter_rows())
    province = pc.filter(pl.col("holder_id").str.starts_with("prov-"))
    assert {projects[c.removeprefix("pc-")] in under for c in province["company_id"]} == {True}
    assert len(province) == sum(projects[p] in under for p in projects)
    # r / (1 + r) for the frameworks' direct-support ratios 5%, 10%, 15%, 20%
    assert set(province["share"]) <= {Decimal(s) for s in ("0.0476", "0.0909", "0.1304", "0.1667")}


def test_every_project_has_every_coalition_value(coop: CooperationDemo, share: SharingDemo) -> None:
    v = share.coalition_values
    assert set(v["basis"]) == {"expected"} and set(v["source"]) == {SOURCE}
    assert all(x == x.quantize(Decimal("0.0001")) and x >= 0 for x in v["value"])
    partners: dict[str, list[str]] = {}
    for project, zone in coop.project_partners.select("project_id", "zone_id").iter_rows():
        partners.setdefault(project, []).append(zone)
    active = set(coop.agreements.filter(pl.col("status") == "active")["id"])
    projects = coop.cobuilt_projects.filter(pl.col("agreement_id").is_in(list(active)))["id"]
    assert len(projects) > 150
    given: dict[str, set[str]] = {}
    for project, coalition in v.select("project_id", "coalition").iter_rows():
        given.setdefault(project, set()).add(coalition)
    for project in projects:
        zones = sorted(partners[project])
        expected = {"+".join(s) for k in range(1, len(zones) + 1) for s in combinations(zones, k)}
        assert given[project] == expected, project
        assert len(expected) == 2 ** len(zones) - 1


def test_stand_alone_values_are_returns_on_own_investment(coop: CooperationDemo, share: SharingDemo) -> None:
    alone = share.coalition_values.filter(~pl.col("coalition").str.contains("+", literal=True))
    rates = alone.join(coop.project_partners, left_on=["project_id", "coalition"],
                       right_on=["project_id", "zone_id"])
    land = rates.filter(pl.col("investment") == 0)
    assert land.height > 0 and (land["value"] == 0).all()  # land alone earns nothing
    rate = rates.filter(pl.col("investment") > 0).select(
        (pl.col("value").cast(pl.Float64) / pl.col("investment").cast(pl.Float64)).alias("rate"))["rate"]
    assert rate.min() >= 0.059 and rate.quantile(0.9) <= 0.12 and rate.max() <= 0.25


def test_games_are_superadditive_with_synergy(settlements: dict[str, Settlement]) -> None:
    assert all(s.superadditive for s in settlements.values())
    synergy = [float(s.grand_value) / float(sum(p.stand_alone for p in s.partners)) - 1
               for s in settlements.values()]
    assert 0.149 <= min(synergy) and max(synergy) <= 0.6


def test_some_leaders_lose_out_under_the_split_by_investment(coop: CooperationDemo,
                                                             settlements: dict[str, Settlement]) -> None:
    leads = dict(coop.agreement_parties.filter(pl.col("role") == "lead").select("agreement_id", "zone_id")
                 .iter_rows())
    lead_of = {p: leads[a] for p, a in coop.cobuilt_projects.select("id", "agreement_id").iter_rows()}
    losing = [p for p, s in settlements.items()
              for x in s.partners if x.zone_id == lead_of[p] and x.compensation > 0]
    assert 0.05 * len(settlements) <= len(losing) <= 0.15 * len(settlements)
    assert all(s.compensation_total > 0 for p, s in settlements.items() if p in losing)


def test_a_few_games_have_an_empty_core(settlements: dict[str, Settlement]) -> None:
    empty = [s for s in settlements.values() if s.core_empty]
    assert 2 <= len(empty) <= 10
    assert {len(s.partners) for s in empty} == {3} and all(s.least_core_epsilon > 0 for s in empty)
