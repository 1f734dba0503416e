"""parknet import: valid files in every accepted form, upsert semantics, and every kind of bad input
(each rejected with FILE:ROW:COLUMN: reason and the database left exactly as it was)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import Engine, func, select

from parknet.codes import make_uscc
from parknet.errors import ImportRejected
from parknet.store import models
from parknet.store.importers import import_file
from tests.conftest import snapshot

ZONES = """zone_id,name,level,province_code,city,city_code,approved_year,area_km2,lat,lon
hb-test-a,湖北测试园区A,provincial,420000,武汉市,420100,2005,12.5,30.5,114.3
hb-test-b,湖北测试园区B,省级,420000,宜昌市,420500,2010,8,30.7,111.3
"""
E1, E2 = make_uscc("420100", 1), make_uscc("420500", 2)
ENTERPRISES = f"""credit_code,name,industry_code,zone_id,incubated_in,founded_year
{E1},测试企业一有限公司,39,hb-test-b,hb-test-a,2012
{E2},测试企业二有限公司,27,hb-test-b,,2015
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    import_file(engine, "zones", write(tmp_path / "zones.csv", ZONES))
    import_file(engine, "enterprises", write(tmp_path / "ent.csv", ENTERPRISES))
    return engine


def value(engine: Engine, zone: str, year: int, code: str) -> Decimal | None:
    v = models.ZoneIndicatorValue
    with engine.connect() as conn:
        return conn.execute(select(v.value).where(v.zone_id == zone, v.year == year,
                                                  v.indicator_code == code)).scalar()


def rejected(engine: Engine, kind: str, path: Path) -> list[str]:
    """Import ``path``, assert it is rejected with nothing written; return the problem lines."""
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, kind, path)
    assert snapshot(engine) == before
    lines = [str(p) for p in info.value.problems]
    assert lines and all(line.startswith(str(path) + ":") for line in lines)
    return lines


# --- valid input ---------------------------------------------------------------------------------------

def test_import_inserts_then_reimport_changes_nothing(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "ind.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,1234.5\nhb-test-b,2019,gdp,99\n")
    first = import_file(loaded, "indicators", f)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert first.batch_id is not None
    before = snapshot(loaded)
    again = import_file(loaded, "indicators", f)
    assert (again.inserted, again.updated, again.unchanged, again.batch_id) == (0, 0, 2, None)
    assert snapshot(loaded) == before
    assert value(loaded, "hb-test-a", 2019, "gdp") == Decimal("1234.5")


def test_import_updates_changed_rows_and_records_batch(loaded: Engine, tmp_path: Path) -> None:
    import_file(loaded, "indicators", write(tmp_path / "a.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,1\nhb-test-a,2020,gdp,2\n"))
    result = import_file(loaded, "indicators", write(tmp_path / "b.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,1\nhb-test-a,2020,gdp,3.25\n"))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    assert value(loaded, "hb-test-a", 2020, "gdp") == Decimal("3.25")
    v, b = models.ZoneIndicatorValue, models.ImportBatch
    with loaded.connect() as conn:
        batch = conn.execute(select(v.batch_id).where(v.zone_id == "hb-test-a", v.year == 2020)).scalar()
        row = conn.execute(select(b.kind, b.file_name, b.rows_updated, b.file_sha256).where(b.id == batch)).one()
    assert row[:3] == ("indicators", "b.csv", 1) and len(row[3]) == 64


def test_money_is_exact_to_one_yuan(loaded: Engine, tmp_path: Path) -> None:
    import_file(loaded, "indicators", write(tmp_path / "m.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,123456789012.3456\n"))
    assert value(loaded, "hb-test-a", 2019, "gdp") == Decimal("123456789012.3456")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_headers_in_each_encoding(loaded: Engine, tmp_path: Path, encoding: str) -> None:
    f = write(tmp_path / "zh.csv", "园区代码,年份,指标代码,数值\nhb-test-b,2018,employees,5200\n", encoding)
    result = import_file(loaded, "indicators", f)
    assert result.inserted == 1
    assert value(loaded, "hb-test-b", 2018, "employees") == 5200


def test_xlsx_import(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ind.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["zone_id", "year", "indicator", "value"])
    ws.write_row(1, 0, ["hb-test-a", 2021, "revenue", 4567.25])
    wb.close()
    assert import_file(loaded, "indicators", path).inserted == 1
    assert value(loaded, "hb-test-a", 2021, "revenue") == Decimal("4567.25")


def test_enterprise_years_and_relocations(loaded: Engine, tmp_path: Path) -> None:
    years = write(tmp_path / "ey.csv", f"credit_code,year,zone_id,indicator,value\n{E1},2019,hb-test-b,revenue,800\n{E1},2018,hb-test-a,revenue,700\n")
    assert import_file(loaded, "enterprise-years", years).inserted == 2
    moves = write(tmp_path / "mv.csv", f"credit_code,from_zone,to_zone,date\n{E1},hb-test-a,hb-test-b,2019-03-15\n")
    assert import_file(loaded, "relocations", moves).inserted == 1
    assert import_file(loaded, "relocations", moves).batch_id is None


# --- bad input: each rejected with a precise location, nothing written ---------------------------------

def test_missing_column(loaded: Engine, tmp_path: Path) -> None:
    lines = rejected(loaded, "indicators", write(tmp_path / "x.csv", "zone_id,year,value\nhb-test-a,2019,1\n"))
    assert any(":1:indicator: required column missing" in line for line in lines)


def test_unknown_column(loaded: Engine, tmp_path: Path) -> None:
    lines = rejected(loaded, "indicators", write(tmp_path / "x.csv", "zone_id,year,indicator,value,colour\nhb-test-a,2019,gdp,1,red\n"))
    assert any(":1:colour: unknown column" in line for line in lines)


def test_wrong_types(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "x.csv", "zone_id,year,indicator,value\nhb-test-a,twenty,gdp,1\nhb-test-a,2019,gdp,lots\n")
    lines = rejected(loaded, "indicators", f)
    assert f"{f}:2:year: year must be a whole number, got 'twenty'" in lines
    assert any(line.startswith(f"{f}:3:value: value: not a number") for line in lines)


def test_empty_file_and_header_only(loaded: Engine, tmp_path: Path) -> None:
    assert rejected(loaded, "indicators", write(tmp_path / "e.csv", ""))[0].endswith("file is empty: expected a header row and data rows")
    assert "no data rows" in rejected(loaded, "indicators", write(tmp_path / "h.csv", "zone_id,year,indicator,value\n"))[0]


def test_duplicate_natural_key_in_file(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,1\nhb-test-b,2019,gdp,1\nhb-test-a,2019,gdp,2\n")
    assert rejected(loaded, "indicators", f) == [f"{f}:4:zone_id: duplicate key hb-test-a/2019/gdp: already in row 2"]


def test_unknown_zone_and_industry(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "u.csv", "zone_id,year,industry_code,indicator,value\nno-such-zone,2019,39,revenue,1\nhb-test-a,2019,99,revenue,1\n")
    lines = rejected(loaded, "industry-output", f)
    assert any(line.startswith(f"{f}:2:zone_id: unknown zone 'no-such-zone'") for line in lines)
    assert f"{f}:3:industry_code: unknown GB/T 4754-2017 industry code '99'" in lines


def test_negative_money_and_fractional_count(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "n.csv", "zone_id,year,indicator,value\nhb-test-a,2019,tax,-5\nhb-test-a,2019,employees,10.5\n")
    lines = rejected(loaded, "indicators", f)
    assert f"{f}:2:value: negative money -5 for tax" in lines
    assert f"{f}:3:value: employees counts whole units, got 10.5" in lines


def test_bad_credit_code_check_digit(loaded: Engine, tmp_path: Path) -> None:
    good = make_uscc("420100", 77)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    f = write(tmp_path / "c.csv", f"credit_code,name\n{bad},坏代码企业\n")
    [line] = rejected(loaded, "enterprises", f)
    assert line == f"{f}:2:credit_code: 统一社会信用代码 check digit is {bad[17]}, expected {good[17]}"


@pytest.mark.parametrize("date,reason", [
    ("2099-01-01", "out of range"), ("1900-05-01", "out of range"), ("2019-02-30", "not a calendar date"),
    ("15/03/2019", "date must be YYYY-MM-DD"),
])
def test_dates_out_of_range(loaded: Engine, tmp_path: Path, date: str, reason: str) -> None:
    f = write(tmp_path / "r.csv", f"credit_code,from_zone,to_zone,date\n{E1},hb-test-a,hb-test-b,{date}\n")
    [line] = rejected(loaded, "relocations", f)
    assert line.startswith(f"{f}:2:date: ") and reason in line


def test_years_out_of_range(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "y.csv", "zone_id,year,indicator,value\nhb-test-a,1950,gdp,1\nhb-test-a,2999,gdp,1\n")
    assert [line.split(": ", 1)[0] for line in rejected(loaded, "indicators", f)] == [f"{f}:2:year", f"{f}:3:year"]


def test_csv_injection_strings(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "i.csv", "zone_id,name,level,province_code\nhb-test-c,=cmd|' /C calc'!A0,provincial,420000\n"
                                  "hb-test-d,@SUM(1+1),provincial,420000\n")
    lines = rejected(loaded, "zones", f)
    assert [line.split(": ", 1)[0] for line in lines] == [f"{f}:2:name", f"{f}:3:name"]
    assert "CSV injection" in lines[0]


def test_spreadsheet_formulas(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["zone_id", "year", "indicator", "value"])
    ws.write_row(1, 0, ["hb-test-a", 2019, "gdp"])
    ws.write_formula(1, 3, "=1+2", None, 3)
    wb.close()
    [line] = rejected(loaded, "indicators", path)
    assert line == f"{path}:2:value: cell contains a formula (=1+2): paste values only"


def test_file_cut_off_mid_row(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "zone_id,year,indicator,value\nhb-test-a,2019,gdp,1\nhb-test-a,2020")
    lines = rejected(loaded, "indicators", f)
    assert lines[0].startswith(f"{f}:3:-: the file ends in the middle of this row (2 of 4 columns)")


def test_file_cut_off_inside_quotes(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "q.csv", 'zone_id,name,level,province_code\nhb-test-c,"湖北未完')
    [line] = rejected(loaded, "zones", f)
    assert "cut off" in line


def test_mixed_encodings(loaded: Engine, tmp_path: Path) -> None:
    raw = "园区代码,年份,指标代码,数值\n".encode() + "hb-test-a,2019,gdp,1\n".encode() + "湖北,2019,gdp,1\n".encode("gbk")
    f = tmp_path / "mixed.csv"
    f.write_bytes(raw)
    [line] = rejected(loaded, "indicators", f)
    assert line.startswith(f"{f}:3:-: mixed encodings: row 1 is UTF-8 but this row is not")


def test_binary_file(loaded: Engine, tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_bytes(bytes(range(256)) * 10)
    assert "binary" in rejected(loaded, "indicators", f)[0]


def test_fifty_megabyte_file_of_bad_rows_is_rejected_with_capped_report(loaded: Engine, tmp_path: Path) -> None:
    f = tmp_path / "big.csv"
    line = "hb-test-a,2019,gdp,-1\n"
    with f.open("w") as fh:
        fh.write("zone_id,year,indicator,value\n")
        fh.write("hb-test-a,2019,gdp,1\n")
        fh.write(line * (50 * 2**20 // len(line)))
    assert f.stat().st_size > 50 * 2**20
    before = snapshot(loaded)
    with pytest.raises(ImportRejected) as info:
        import_file(loaded, "indicators", f)
    assert snapshot(loaded) == before
    assert len(info.value.problems) == 200 and info.value.more > 1_000_000
    assert str(info.value.problems[0]) == f"{f}:3:zone_id: duplicate key hb-test-a/2019/gdp: already in row 2"


def test_file_over_the_size_limit(loaded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKNET_IMPORT_MAX_BYTES", "1000")
    f = write(tmp_path / "s.csv", "zone_id,year,indicator,value\n" + "hb-test-a,2019,gdp,1\n" * 100)
    assert "more than the limit" in rejected(loaded, "indicators", f)[0]


def test_unknown_kind_names_the_choices(loaded: Engine, tmp_path: Path) -> None:
    from parknet.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="KIND: unknown kind 'zone'; choose one of zones, indicators"):
        import_file(loaded, "zone", write(tmp_path / "z.csv", ZONES))


def test_zone_name_clash_with_existing_zone(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "z.csv", "zone_id,name,level,province_code\nhb-test-z,湖北测试园区A,provincial,420000\n")
    assert rejected(loaded, "zones", f) == [f"{f}:2:name: name '湖北测试园区A' is already used by zone hb-test-a"]


def test_relocation_to_the_same_zone(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "r.csv", f"credit_code,from_zone,to_zone,date\n{E1},hb-test-a,hb-test-a,2019-01-01\n")
    assert rejected(loaded, "relocations", f) == [f"{f}:2:to_zone: an enterprise cannot relocate to the zone it leaves"]


def test_rows_counted_as_in_a_spreadsheet_with_blank_lines(loaded: Engine, tmp_path: Path) -> None:
    f = write(tmp_path / "b.csv", "zone_id,year,indicator,value\n\nhb-test-a,2019,gdp,x\n")
    assert rejected(loaded, "indicators", f)[0].startswith(f"{f}:3:value:")


def test_counts_are_unchanged_after_rejection(loaded: Engine, tmp_path: Path) -> None:
    with loaded.connect() as conn:
        n = conn.execute(select(func.count()).select_from(models.Zone)).scalar()
    rejected(loaded, "zones", write(tmp_path / "z.csv", ZONES.replace("420000,武汉市", "999999,武汉市")))
    with loaded.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.Zone)).scalar() == n
