"""The command line contract: exit codes, FILE:ROW:COLUMN lines on stderr, JSON keys, templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from parknet.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARKNET_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_import_success_and_reimport(db: Path) -> None:
    f = db / "z.csv"
    f.write_text("zone_id,name,level,province_code\nhb-x,湖北某园区,provincial,420000\n")
    first = runner.invoke(app, ["import", "zones", str(f)])
    assert first.exit_code == 0 and "新增 1" in first.stdout
    again = runner.invoke(app, ["import", "zones", str(f)])
    assert again.exit_code == 0 and "unchanged, nothing written" in again.stdout


def test_invalid_import_exits_2_with_one_line_per_problem(db: Path) -> None:
    f = db / "bad.csv"
    f.write_text("zone_id,year,indicator,value\nzhongguancun,2019,gdp,-1\nnowhere,2019,gdp,1\n")
    result = runner.invoke(app, ["import", "indicators", str(f)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{f}:2:value: negative money -1 for gdp"
    assert lines[1].startswith(f"{f}:3:zone_id: unknown zone 'nowhere'")
    assert "nothing was written" in lines[-1]


def test_zones_json_filters(db: Path) -> None:
    result = runner.invoke(app, ["zones", "--level", "national", "--province", "湖北", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows and all(r["province_code"] == "420000" and r["level"] == "national" for r in rows)
    assert set(rows[0]) == {"zone_id", "name", "level", "province_code", "province", "city", "approved_year",
                            "is_synthetic", "gdp"}
    assert "wuhan-donghu" in {r["zone_id"] for r in rows}
    in_2000 = json.loads(runner.invoke(app, ["zones", "--province", "420000", "--year", "2000", "--json"]).stdout)
    assert {r["zone_id"] for r in in_2000} < {r["zone_id"] for r in rows}


def test_zones_rejects_unknown_province_and_level(db: Path) -> None:
    bad = runner.invoke(app, ["zones", "--province", "Atlantis"])
    assert bad.exit_code == 2 and "--province: unknown province 'Atlantis'" in bad.stderr
    assert runner.invoke(app, ["zones", "--level", "galactic"]).exit_code == 2


def test_template_xlsx_has_chinese_headers_and_notes(db: Path) -> None:
    path = db / "t.xlsx"
    assert runner.invoke(app, ["template", "enterprises", str(path)]).exit_code == 0
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["enterprises", "说明"]
    assert wb.get_sheet_by_index(0).to_python()[0][:3] == ["统一社会信用代码", "企业名称", "行业代码"]


def test_template_then_filled_template_imports(db: Path) -> None:
    path = db / "t.csv"
    assert runner.invoke(app, ["template", "zones", str(path)]).exit_code == 0
    with path.open("a", encoding="utf-8") as fh:
        fh.write("hb-y,湖北另一园区,省级,420000,,,,,,,否\n")
    assert runner.invoke(app, ["import", "zones", str(path)]).exit_code == 0


def test_export_to_unsupported_suffix(db: Path) -> None:
    result = runner.invoke(app, ["export", "zones", str(db / "z.json")])
    assert result.exit_code == 2 and "FILE: file must end in .csv or .xlsx" in result.stderr
