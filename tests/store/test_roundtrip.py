"""Export → import → export is byte-identical (hypothesis over generated zones and indicator values)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parknet.data.reference import national_zones, provinces
from parknet.services.reference import init_database
from parknet.store.exporters import export_kind
from parknet.store.importers import import_file
from parknet.store.session import make_engine

national = national_zones()
PROVINCES = provinces().filter(provinces()["region"].is_not_null())["province_code"].to_list()
NAME_CHARS = "高新区园科技产业开发湖北江苏ABCxyz0123456789（）·"

zone = st.fixed_dictionaries({
    "name": st.text(NAME_CHARS, min_size=1, max_size=20),
    "level": st.sampled_from(["national", "provincial", "other"]),
    "province_code": st.sampled_from(PROVINCES),
    "approved_year": st.one_of(st.none(), st.integers(1985, 2023)),
    "area_km2": st.one_of(st.none(), st.floats(0, 5000, allow_nan=False)),
    "lat": st.one_of(st.none(), st.floats(18, 53, allow_nan=False)),
})
amount = st.decimals(min_value=0, max_value=Decimal("99999999999.9999"), places=4, allow_nan=False)


def _csv(rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in rows) + "\n"


def _fresh(tmp: Path, name: str):  # noqa: ANN202
    engine = make_engine(f"sqlite:///{tmp / name}")
    init_database(engine)
    return engine


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zones=st.lists(zone, min_size=1, max_size=8, unique_by=lambda z: z["name"]),
       values=st.lists(st.tuples(st.integers(1985, 2023), st.sampled_from(["gdp", "revenue", "employees"]), amount),
                       max_size=30, unique_by=lambda v: (v[0], v[1])),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_export_import_export_is_identical(zones: list[dict], values: list[tuple], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        zone_rows = [["zone_id", "name", "level", "province_code", "approved_year", "area_km2", "lat"]]
        for i, z in enumerate(zones):
            zone_rows.append([f"z-{i}", z["name"], z["level"], z["province_code"],
                              "" if z["approved_year"] is None else str(z["approved_year"]),
                              "" if z["area_km2"] is None else repr(z["area_km2"]),
                              "" if z["lat"] is None else repr(z["lat"])])
        value_rows = [["zone_id", "year", "indicator", "value"]] + [
            ["z-0", str(y), code, str(v.to_integral_value() if code == "employees" else v)] for y, code, v in values]
        first = _fresh(tmp, "a.db")
        (tmp / "zones.csv").write_text(_csv(zone_rows))
        import_file(first, "zones", tmp / "zones.csv")
        if values:
            (tmp / "values.csv").write_text(_csv(value_rows))
            import_file(first, "indicators", tmp / "values.csv")
        second = _fresh(tmp, "b.db")
        for kind, expected in (("zones", len(zones)), ("indicators", len(values))):
            exported = export_kind(first, kind, tmp / f"{kind}-1{suffix}")
            assert exported - (len(national) if kind == "zones" else 0) == expected
            if kind == "zones" or values:
                import_file(second, kind, tmp / f"{kind}-1{suffix}")
            export_kind(second, kind, tmp / f"{kind}-2{suffix}")
            assert (tmp / f"{kind}-1{suffix}").read_bytes() == (tmp / f"{kind}-2{suffix}").read_bytes()
        first.dispose()
        second.dispose()
