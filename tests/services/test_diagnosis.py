"""The diagnosis on the stored demo: the article's top-10 shares come back through CLI and API, the
decompositions add up, and the trend carries the dynamics."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parknet.cli import app
from parknet.services.demo import load_demo
from parknet.services.diagnosis import diagnose, diagnose_trend
from parknet.store.session import make_engine


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('diag') / 'd.db'}"
    load_demo(make_engine(url), seed=8, n_enterprises=3_000, n_provincial=40)
    return url


@pytest.mark.parametrize("indicator,target", [("gdp", 0.365), ("invention_patents_granted", 0.648)])
def test_cli_reports_the_articles_top10_shares(demo_url: str, monkeypatch: pytest.MonkeyPatch, indicator: str,
                                               target: float) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_url)
    result = CliRunner().invoke(app, ["diagnose", "--year", "2019", "--indicator", indicator, "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["top10_share"] == pytest.approx(target, abs=0.003)
    assert {"year", "indicator", "n", "top10_share", "hhi", "gini", "theil", "dagum", "atkinson", "wolfson",
            "cv"} <= set(d)
    assert d["n"] == 169 and d["year"] == 2019 and d["indicator"] == indicator


@pytest.mark.parametrize("by", ["province", "region"])
def test_decompositions_add_up_on_the_demo(demo_url: str, by: str) -> None:
    d = diagnose(make_engine(demo_url), 2019, "gdp", by=by)
    assert d["theil"]["between"] + d["theil"]["within"] == pytest.approx(d["theil"]["total"], abs=1e-12)
    parts = d["dagum"]["within"] + d["dagum"]["between_net"] + d["dagum"]["transvariation"]
    assert parts == pytest.approx(d["gini"], abs=1e-12)
    assert sum(g["n"] for g in d["groups"]) == 169
    if by == "region":
        assert {g["group"] for g in d["groups"]} == {"east", "central", "west", "northeast"}


def test_trend_has_every_year_and_the_dynamics(demo_url: str) -> None:
    t = diagnose_trend(make_engine(demo_url), "gdp")
    assert [r["year"] for r in t["series"]] == list(range(2012, 2024))
    assert t["series"][7]["n"] == 169  # 2019
    dyn = t["dynamics"]
    assert dyn["balanced_zones"] == 105  # zones approved by 2012 are observed in every year
    assert len(dyn["sigma"]["std_log"]) == 12 and dyn["markov"]["k"] == 5
    assert sum(dyn["markov"]["steady_state"]) == pytest.approx(1.0)


def test_cli_trend_and_bad_arguments(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNET_DATABASE_URL", demo_url)
    runner = CliRunner()
    assert runner.invoke(app, ["diagnose", "--trend", "--indicator", "gdp"]).exit_code == 0
    missing_year = runner.invoke(app, ["diagnose", "--indicator", "gdp"])
    assert missing_year.exit_code == 2 and "--year" in missing_year.stderr
    bad = runner.invoke(app, ["diagnose", "--year", "2019", "--indicator", "nope"])
    assert bad.exit_code == 2 and "unknown indicator 'nope'" in bad.stderr
    grouping = runner.invoke(app, ["diagnose", "--year", "2019", "--by", "city"])
    assert grouping.exit_code == 2 and "by: choose one of province, region" in grouping.stderr
