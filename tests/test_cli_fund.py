"""The fund CLI: ``parknet fund allocate --round R --json`` is valid JSON even from a real process (HiGHS's
stray C++ output silenced), the human explanation, commit / disburse / release / reverse / ledger / report
through the CLI, and bad input exiting 2 with the argument named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from parknet.store.session import make_engine
from tests.cli_support import fresh_db, run
from tests.services.test_fund_store import ROUND, make_round


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_db(tmp_path, monkeypatch)
    engine = make_engine(url)
    make_round(engine)
    engine.dispose()
    return url


def test_allocate_json_from_a_real_process_is_valid_json(db: str) -> None:
    env = {**os.environ, "PARKNET_DATABASE_URL": db}
    done = subprocess.run([sys.executable, "-m", "parknet", "fund", "allocate", "--round", ROUND, "--json"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the whole of stdout: nothing printed around the JSON
    assert result["optimal"] and result["objective"] == pytest.approx(665.0)
    assert Decimal(result["totals"]["awarded"]) == 200 and result["marginal"]["application_id"] == f"{ROUND}-A2"


def test_allocate_explains_itself(db: str) -> None:
    code, stdout, _ = run("fund", "allocate", "--round", ROUND)
    assert code == 0
    for text in ("已证明最优", "子基金使用", "紧约束与影子价格", "后发园区最低占比", f"边际申请 / marginal application: {ROUND}-A2",
                 "未全额资助", "基金余额 0 万元"):
        assert text in stdout, text
    code, stdout, _ = run("fund", "rounds", "--json")
    assert code == 0 and [(r["round_id"], r["status"], r["budget_total"]) for r in json.loads(stdout)] == [
        (ROUND, "open", "200")]


def test_commit_and_the_ledger_through_the_cli(db: str) -> None:
    code, stdout, err = run("fund", "commit", "--round", ROUND)
    assert code == 0 and "6 笔承诺" in stdout, err
    code, _, err = run("fund", "commit", "--round", ROUND)
    assert code == 2 and "committed already" in err
    a1 = f"{ROUND}-A1"
    assert run("fund", "disburse", a1, "--subfund", "development", "--amount", "50", "--on", "2024-03-01",
                "--reference", "PAY-1")[0] == 0
    code, _, err = run("fund", "disburse", a1, "--subfund", "development", "--amount", "31", "--on", "2024-03-02",
                        "--reference", "PAY-2")
    assert code == 2 and "more than is committed" in err
    code, _, err = run("fund", "release", a1, "--subfund", "development", "--amount", "40", "--reason", "缩减")
    assert code == 2 and "below what is disbursed" in err
    assert run("fund", "release", a1, "--subfund", "development", "--amount", "30", "--reason", "缩减")[0] == 0
    assert run("fund", "reverse", a1, "--subfund", "development", "--amount", "5", "--on", "2024-03-05",
                "--reference", "REV-1")[0] == 0
    code, stdout, _ = run("fund", "ledger", a1, "--json")
    ledger = json.loads(stdout)
    assert [e["kind"] for e in ledger["entries"]] == ["commit", "payment", "release", "reversal"]
    assert (ledger["net_committed"], ledger["net_disbursed"], ledger["undisbursed"]) == ("50", "45", "5")
    code, stdout, _ = run("fund", "report", "--round", ROUND, "--by", "type", "--json")
    report = json.loads(stdout)
    assert report["by"] == "cooperation_type" and Decimal(report["totals"]["committed"]) == 170
    assert Decimal(report["totals"]["disbursed"]) == 45
    code, stdout, _ = run("fund", "report", "--by", "subfund")
    assert code == 0 and "产业基金" in stdout
    code, stdout, _ = run("fund", "allocate", "--round", ROUND, "--json")
    assert json.loads(stdout)["commitments_match"] is True


def test_bad_input_exits_2_naming_the_argument(db: str) -> None:
    code, _, err = run("fund", "allocate", "--round", "TST-NOPE", "--json")
    assert code == 2 and "no fund round 'TST-NOPE'" in err
    code, _, err = run("fund", "report", "--by", "colour")
    assert code == 2 and "--by" in err
    code, _, err = run("fund", "disburse", f"{ROUND}-A1", "--subfund", "development", "--amount", "1",
                        "--on", "2024-13-01", "--reference", "X")
    assert code == 2 and "--on" in err
    code, _, err = run("fund", "release", f"{ROUND}-A1", "--subfund", "development", "--amount", "0.00001",
                        "--reason", "x")
    assert code == 2 and "amount" in err
    code, _, err = run("fund", "commit", "--round", ROUND, "--as", "nobody")
    assert code == 2
