"""The synthetic cooperation data of the demo: reproducible, shaped like the tables, and consistent with the
agreement lifecycle (active ⇔ every party confirmed), the "1+N" structure (the province's leader leads,
every party in one province) and the project rules (partners are parties, weights > 0 with Σ in
[0.9, 1.3], exact values)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from parknet.data import reference
from parknet.data.demo import DEFAULT_SEED, DEMO_LABEL, DemoData
from parknet.data.demo_cooperation import DEMO_ACTOR, SCHEMAS, CooperationDemo, generate_cooperation
from parknet.services.frameworks import relocation_rule, validate_document
from parknet.store import cooperation as tables


@pytest.fixture(scope="module")
def gdp_2019(demo: DemoData) -> pl.DataFrame:
    return (demo.zone_indicators.filter((pl.col("indicator") == "gdp") & (pl.col("year") == 2019))
            .select("zone_id", "value").join(demo.zones.select("zone_id", "province_code"), on="zone_id"))


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 99


def test_same_inputs_and_seed_give_identical_frames(demo: DemoData, coop: CooperationDemo) -> None:
    again = generate_cooperation(demo.zones, demo.zone_indicators, demo.industry_output, demo.seed)
    other = generate_cooperation(demo.zones, demo.zone_indicators, demo.industry_output, demo.seed + 1)
    for name in SCHEMAS:
        assert getattr(again, name).equals(getattr(coop, name)), name
    assert not other.agreements.equals(coop.agreements)
    assert coop.label == DEMO_LABEL and coop.seed == DEFAULT_SEED


@pytest.mark.parametrize("model", [tables.Framework, tables.Agreement, tables.AgreementParty,
                                   tables.CoBuiltProject, tables.ProjectPartner, tables.ProjectValue])
def test_frames_have_exactly_the_columns_of_their_table(coop: CooperationDemo, model: type) -> None:
    table = model.__table__
    assert getattr(coop, table.name).columns == list(table.c.keys())


def test_sizes_statuses_and_types_are_as_intended(coop: CooperationDemo) -> None:
    a = coop.agreements
    assert coop.frameworks.height == 20
    assert 150 <= a.height <= 250
    status = dict(a["status"].value_counts().iter_rows())
    assert set(status) == {"draft", "proposed", "active", "terminated"}
    assert status["active"] > 0.6 * a.height and status["draft"] < status["active"] / 5
    types = a["cooperation_type"].value_counts(sort=True)
    assert types["cooperation_type"][0] == "chain_complement"
    assert a["id"].is_unique().all()
    assert all(re.fullmatch(r"AG-\d{2}-\d{4}", i) and i[3:5] == p[:2]
               for i, p in a.select("id", "province_code").iter_rows())
    assert a["starts_on"].min() >= date(2019, 1, 1) and a["starts_on"].max() <= date(2021, 12, 31)
    assert a["is_synthetic"].all() and coop.cobuilt_projects["is_synthetic"].all()
    assert set(a["created_by"]) == set(coop.frameworks["created_by"]) == {DEMO_ACTOR}
    assert all("演示" in t for t in a["title"]) and all("演示" in n for n in coop.cobuilt_projects["name"])


def test_every_agreement_is_led_by_its_provinces_leader_with_partners_of_the_same_province(
        coop: CooperationDemo, gdp_2019: pl.DataFrame) -> None:
    leaders = dict(gdp_2019.sort("value", descending=True).group_by("province_code", maintain_order=True)
                   .agg(pl.col("zone_id").first()).iter_rows())
    province = dict(gdp_2019.select("zone_id", "province_code").iter_rows())
    parties = coop.agreement_parties.join(coop.agreements.select("id", "province_code"),
                                          left_on="agreement_id", right_on="id")
    for (agreement_id,), group in parties.group_by("agreement_id"):
        assert 2 <= group.height <= 5, agreement_id
        lead = group.filter(pl.col("role") == "lead")["zone_id"].to_list()
        assert lead == [leaders[group["province_code"][0]]]
        assert {province[z] for z in group["zone_id"]} == {group["province_code"][0]}
    assert parties.select("agreement_id", "zone_id").is_unique().all()


def test_active_if_and_only_if_every_party_confirmed(coop: CooperationDemo) -> None:
    confirmed = (coop.agreement_parties.group_by("agreement_id")
                 .agg(pl.col("confirmed_at").is_not_null().sum().alias("yes"), pl.len().alias("n"))
                 .join(coop.agreements.select("id", "status"), left_on="agreement_id", right_on="id"))
    for status, yes, n in confirmed.select("status", "yes", "n").iter_rows():
        if status in ("active", "terminated"):  # a terminated agreement was active first
            assert yes == n
        elif status == "proposed":
            assert 1 <= yes < n
        else:
            assert yes == 0
    p = coop.agreement_parties
    assert (p["confirmed_at"].is_null() == p["confirmed_by"].is_null()).all()
    by = p.filter(pl.col("confirmed_by").is_not_null())
    assert (by["confirmed_by"] == "demo:" + by["zone_id"]).all()


def test_lifecycle_dates_and_termination_reasons_agree(coop: CooperationDemo) -> None:
    a = coop.agreements
    terminated = a["status"] == "terminated"
    assert (a["termination_reason"].is_not_null() == terminated).all()
    assert (a["ends_on"].is_not_null() == terminated).all()
    assert (a.filter(terminated)["ends_on"] >= a.filter(terminated)["starts_on"]).all()
    assert (a["changed_at"] >= a["created_at"]).all()
    latest = coop.agreement_parties.group_by("agreement_id").agg(pl.col("confirmed_at").max())
    active = a.filter(pl.col("status") == "active").join(latest, left_on="id", right_on="agreement_id")
    assert (active["changed_at"] == active["confirmed_at"]).all()


def test_fields_are_the_leaders_top_divisions_and_frameworks_validate(coop: CooperationDemo) -> None:
    divisions = set(reference.divisions()["code"])
    fields = [json.loads(f) for f in coop.agreements["fields"]]
    assert all(1 <= len(f) <= 3 and set(f) <= divisions for f in fields)
    presets = set()
    for row in coop.frameworks.iter_rows(named=True):
        document = validate_document(json.loads(row["document"]))
        assert row["version"] == 1 and "演示" in row["title"] and "synthetic demo" in document["title_en"]
        assert abs((row["adopted_on"] - date(2019, 6, 30)).days) <= 45
        presets.add(relocation_rule(document).rule_id)
    assert presets == {"split_50_50", "split_30_70", "origin_all", "split_70_30"}
    for rules in coop.agreements["rules"]:
        relocation_rule({"statistics": {"relocation": {"preset": "split_50_50"}}} | json.loads(rules))
    adopted = dict(coop.frameworks.select("province_code", "adopted_on").iter_rows())
    for code, version, created in coop.agreements.select("province_code", "framework_version",
                                                         "created_at").iter_rows():
        assert (version == 1) == (code in adopted and created.date() >= adopted[code])


def test_projects_belong_to_active_or_terminated_agreements(coop: CooperationDemo) -> None:
    per = coop.cobuilt_projects.group_by("agreement_id").len()
    status = dict(coop.agreements.select("id", "status").iter_rows())
    assert {status[a] for a in per["agreement_id"]} == {"active", "terminated"}
    assert per["len"].min() >= 1 and per["len"].max() <= 3
    with_projects = {a for a, s in status.items() if s in ("active", "terminated")}
    assert set(per["agreement_id"]) == with_projects
    assert set(coop.cobuilt_projects["kind"]) == {"platform", "project"}
    fields = dict(coop.agreements.select("id", "fields").iter_rows())
    assert all(code in json.loads(fields[a]) for a, code in
               coop.cobuilt_projects.select("agreement_id", "industry_code").iter_rows())


def test_partners_are_parties_with_positive_weights_summing_to_0_9_to_1_3(coop: CooperationDemo) -> None:
    partners = coop.project_partners.join(coop.cobuilt_projects.select("id", "agreement_id"),
                                          left_on="project_id", right_on="id")
    parties = set(coop.agreement_parties.select("agreement_id", "zone_id").iter_rows())
    leads = set(coop.agreement_parties.filter(pl.col("role") == "lead").select("agreement_id", "zone_id")
                .iter_rows())
    assert set(partners.select("agreement_id", "zone_id").iter_rows()) <= parties
    sums: dict[str, Decimal] = {}
    for project, agreement, zone, weight, investment in partners.select(
            "project_id", "agreement_id", "zone_id", "weight", "investment").iter_rows():
        assert Decimal("0.3") <= weight <= Decimal("0.8") and _decimals(weight) <= 4
        assert investment >= 0 and investment == investment.to_integral_value()
        sums[project] = sums.get(project, Decimal(0)) + weight
    assert all(Decimal("0.9") <= s <= Decimal("1.3") for s in sums.values())
    assert any(s > 1 for s in sums.values()) and any(s == 1 for s in sums.values())
    counts = partners.group_by("project_id").agg(pl.len(), pl.struct("agreement_id", "zone_id").alias("pz"))
    assert counts["len"].min() == 2 and counts["len"].max() == 3
    for pz in counts["pz"]:
        assert any((p["agreement_id"], p["zone_id"]) in leads for p in pz)


def test_values_are_exact_non_negative_and_grow_from_the_start_year(coop: CooperationDemo) -> None:
    v = coop.project_values
    assert set(v["indicator_code"]) == {"gdp", "revenue", "tax"}
    assert all(x >= 0 and _decimals(x) <= 4 for x in v["value"])
    ends = dict(coop.agreements.select("id", "ends_on").iter_rows())
    projects = coop.cobuilt_projects.select("id", "agreement_id", "started_on")
    for project, agreement, started in projects.iter_rows():
        mine = v.filter(pl.col("project_id") == project)
        last = ends[agreement].year if ends[agreement] else 2023
        assert sorted(set(mine["year"])) == list(range(started.year, last + 1)), project
        for (_code,), series in mine.sort("year").group_by("indicator_code"):
            values = series["value"].to_list()
            assert all(b > a for a, b in zip(values, values[1:], strict=False)), project


def test_project_values_are_small_beside_their_partner_zones(demo: DemoData, coop: CooperationDemo) -> None:
    zone_gdp = demo.zone_indicators.filter((pl.col("indicator") == "gdp") & (pl.col("year") == 2023))
    project_gdp = coop.project_values.filter((pl.col("indicator_code") == "gdp") & (pl.col("year") == 2023))
    ratio = (coop.project_partners.join(project_gdp, on="project_id")
             .join(zone_gdp.select("zone_id", pl.col("value").alias("zone")), on="zone_id")
             .select((pl.col("value").cast(pl.Float64) / pl.col("zone")).alias("r"))["r"])
    assert ratio.len() > 100 and ratio.max() < 0.15
