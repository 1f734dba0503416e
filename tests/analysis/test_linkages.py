"""Input–output linkages: Miller & Blair's Table 2.3 worked by hand, the IO identities as properties
(hypothesis), division aggregation, file loading and every bad input's error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from parknet.analysis.linkages import IOTable
from parknet.errors import ImportRejected, InvalidArgument, Problem

# Miller & Blair (2009), Table 2.3: two sectors, Z and x.
MB_Z = [[150.0, 500.0], [200.0, 100.0]]
MB_X = [1000.0, 2000.0]
MB_LABELS = ["agriculture", "manufacturing"]


@pytest.fixture
def mb() -> IOTable:
    return IOTable(MB_Z, MB_X, MB_LABELS)


# --- Miller & Blair Table 2.3 ------------------------------------------------------------------------

def test_leontief_inverse_matches_miller_blair_table_2_3(mb: IOTable) -> None:
    np.testing.assert_allclose(mb.A.values, [[0.15, 0.25], [0.2, 0.05]], rtol=0, atol=1e-15)
    published = [[1.25412541, 0.330033], [0.2640264, 1.12211221]]
    np.testing.assert_allclose(mb.L.values, published, rtol=0, atol=1e-8)
    assert mb.L["agriculture", "manufacturing"] == pytest.approx(0.25 / 0.7575, abs=1e-15)


def test_allocation_coefficients_and_ghosh_inverse_by_hand(mb: IOTable) -> None:
    np.testing.assert_allclose(mb.B.values, [[0.15, 0.5], [0.1, 0.05]], atol=1e-15)
    # G = x̂⁻¹ L x̂ with L = [[.95, .25], [.2, .85]] / det(I − A), det = 0.7575
    np.testing.assert_allclose(mb.G.values, np.array([[0.95, 0.5], [0.1, 0.85]]) / 0.7575, atol=1e-14)


def test_rasmussen_linkages_by_hand(mb: IOTable) -> None:
    # column sums of L ∝ 1.15, 1.10; row sums of L ∝ 1.20, 1.05; row sums of G ∝ 1.45, 0.95
    bl, fl, fl_l = mb.backward_linkage, mb.forward_linkage, mb.forward_linkage_leontief
    assert bl.columns == ["sector", "backward", "key_sector"]
    assert bl["sector"].to_list() == MB_LABELS
    assert bl["backward"].to_list() == pytest.approx([46 / 45, 44 / 45], abs=1e-14)
    assert fl["forward"].to_list() == pytest.approx([29 / 24, 19 / 24], abs=1e-14)
    assert fl_l["forward"].to_list() == pytest.approx([16 / 15, 14 / 15], abs=1e-14)
    for frame in (bl, fl, fl_l):
        assert frame["key_sector"].to_list() == [True, False]


def test_final_demand_is_the_row_residual_unless_given(mb: IOTable) -> None:
    assert mb.final_demand["final_demand"].to_list() == [350.0, 1700.0]
    given_f = IOTable(MB_Z, MB_X, MB_LABELS, final_demand=[300.0, 1750.0])
    assert given_f.final_demand["final_demand"].to_list() == [300.0, 1750.0]


# --- labelled results ------------------------------------------------------------------------------

def test_dataframe_inputs_and_labelled_frames() -> None:
    z = pd.DataFrame(MB_Z, index=MB_LABELS, columns=MB_LABELS)
    x = pd.DataFrame({"indout": MB_X}, index=MB_LABELS)
    io = IOTable(z, x, MB_LABELS)
    z_polars = pl.DataFrame({"agriculture": [150.0, 200.0], "manufacturing": [500.0, 100.0]})
    assert IOTable(z_polars, MB_X, MB_LABELS).A["agriculture", "manufacturing"] == pytest.approx(0.25)
    wide = io.A.to_frame()
    assert wide.columns == ["sector", *MB_LABELS]
    assert wide.row(0) == ("agriculture", 0.15, 0.25)
    long = io.A.to_frame("long")
    assert long.columns == ["row", "column", "value"]
    assert long.row(2) == ("manufacturing", "agriculture", 0.2)


def test_results_are_cached_and_read_only(mb: IOTable) -> None:
    assert mb.L is mb.L
    with pytest.raises(ValueError):
        mb.L.values[0, 0] = 0.0


def test_wide_frame_refuses_a_sector_named_sector() -> None:
    io = IOTable(MB_Z, MB_X, ["sector", "other"])
    with pytest.raises(InvalidArgument, match="layout"):
        io.A.to_frame()
    assert io.A.to_frame("long").height == 4


def test_upstream_and_downstream_rank_by_coefficient() -> None:
    z = [[10, 0, 30], [20, 5, 0], [40, 0, 1]]
    io = IOTable(z, [100, 100, 100], ["a", "b", "c"])
    up = io.upstream("a", k=2)
    assert up.columns == ["supplier", "a"]
    assert up.rows() == [("c", 0.4), ("b", 0.2)]
    assert io.upstream("b").rows() == [("b", 0.05)]  # zero coefficients are left out
    down = io.downstream("a")
    assert down.columns == ["buyer", "b"]
    assert down.rows() == [("c", 0.3), ("a", 0.1)]


# --- properties --------------------------------------------------------------------------------------

@st.composite
def productive_tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 8))
    z = draw(hnp.arrays(float, (n, n), elements=st.floats(0, 1e4)))
    value_added = draw(hnp.arrays(float, n, elements=st.floats(1, 1e4)))
    return z, z.sum(axis=0) + value_added  # every column of A sums below 1: productive


@settings(max_examples=150, deadline=None)
@given(productive_tables())
def test_leontief_identities(table: tuple[np.ndarray, np.ndarray]) -> None:
    z, x = table
    n = len(x)
    io = IOTable(z, x, [f"s{i}" for i in range(n)])
    A, L = io.A.values, io.L.values
    np.testing.assert_allclose(L @ (np.eye(n) - A), np.eye(n), rtol=0, atol=1e-9)
    f = x - z.sum(axis=1)
    np.testing.assert_allclose(L @ f, x, rtol=1e-9, atol=1e-7)
    ghosh = (L * x) / x[:, np.newaxis]  # entries scale with x_j / x_i: compare relative to the largest
    np.testing.assert_allclose(io.G.values, ghosh, rtol=1e-9, atol=1e-12 * np.abs(ghosh).max())
    assert io.backward_linkage["backward"].mean() == pytest.approx(1.0, abs=1e-12)
    assert io.forward_linkage["forward"].mean() == pytest.approx(1.0, abs=1e-12)
    assert io.forward_linkage_leontief["forward"].mean() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(productive_tables())
def test_identity_mapping_reproduces_a_and_l(table: tuple[np.ndarray, np.ndarray]) -> None:
    z, x = table
    n = len(x)
    codes = [f"{d:02d}" for d in range(1, n + 1)]
    agg = IOTable(z, x, codes).aggregate_to_divisions(dict(zip(codes, codes, strict=True)))
    io = IOTable(z, x, codes)
    np.testing.assert_allclose(agg["a"].to_numpy().reshape(n, n), io.A.values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(agg["l"].to_numpy().reshape(n, n), io.L.values, rtol=1e-12, atol=1e-15)


# --- aggregation to divisions ------------------------------------------------------------------------

def test_aggregation_is_output_weighted() -> None:
    z = np.array([[10.0, 20, 5], [30, 10, 15], [5, 25, 40]])
    x = np.array([100.0, 200, 300])
    io = IOTable(z, x, ["coal", "oil", "steel"])
    agg = io.aggregate_to_divisions({"coal": "6", "oil": "07", "steel": "31"})
    agg2 = io.aggregate_to_divisions({"coal": "06", "oil": "06", "steel": "31"})
    assert agg["from_division"].to_list()[:3] == ["06", "06", "06"]
    assert agg2.columns == ["from_division", "to_division", "a", "l"]
    cell = {(r["from_division"], r["to_division"]): r for r in agg2.iter_rows(named=True)}
    assert cell["06", "06"]["a"] == pytest.approx((10 + 20 + 30 + 10) / 300)
    assert cell["06", "31"]["a"] == pytest.approx((5 + 15) / 300)
    assert cell["31", "06"]["a"] == pytest.approx((5 + 25) / 300)
    L = io.L.values
    assert cell["06", "06"]["l"] == pytest.approx((L[:2, 0].sum() * 100 + L[:2, 1].sum() * 200) / 300)
    assert cell["31", "06"]["l"] == pytest.approx((L[2, 0] * 100 + L[2, 1] * 200) / 300)
    assert cell["06", "31"]["l"] == pytest.approx(L[:2, 2].sum())
    # l_DE is the output of D for one unit of final demand for E spread over E's sectors by output
    spread = np.array([100.0, 200, 0]) / 300
    assert (L @ spread)[:2].sum() == pytest.approx(cell["06", "06"]["l"], rel=1e-12)


def test_bad_mapping_code_is_refused(mb: IOTable) -> None:
    with pytest.raises(InvalidArgument, match=r"mapping: '98' is not a GB/T 4754-2017 division code"):
        mb.aggregate_to_divisions({"agriculture": "98", "manufacturing": "13"})
    with pytest.raises(InvalidArgument, match=r"no division for sector.*'manufacturing'"):
        mb.aggregate_to_divisions({"agriculture": "01"})
    with pytest.raises(InvalidArgument, match="'mining' is not a sector"):
        mb.aggregate_to_divisions({"agriculture": "01", "manufacturing": "13", "mining": "06"})
    with pytest.raises(InvalidArgument, match="no mapping given"):
        mb.aggregate_to_divisions()


# --- bad input ---------------------------------------------------------------------------------------

def test_negative_entry_names_its_cell() -> None:
    expected = r"^Z: negative flow -5 in row 'manufacturing', column 'agriculture'"
    with pytest.raises(InvalidArgument, match=expected):
        IOTable([[150, 500], [-5, 100]], MB_X, MB_LABELS)


def test_zero_output_names_the_sector() -> None:
    with pytest.raises(InvalidArgument, match=r"^x: sector 'manufacturing' has total output 0"):
        IOTable([[150, 0], [200, 0]], [1000, 0], MB_LABELS)


def test_non_productive_table_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"^Z: I − A is singular/not productive: .* is 1\.1"):
        IOTable([[0, 1.1], [1.1, 0]], [1, 1], ["a", "b"])


def test_singular_table_is_refused() -> None:
    # no value added: every column of A sums to 1, ρ(A) = 1 and I − A has no inverse
    with pytest.raises(InvalidArgument, match="I − A is singular/not productive"):
        IOTable([[0, 5], [3, 0]], [3, 5], ["a", "b"])


def test_productive_table_with_a_column_sum_above_one_is_accepted() -> None:
    io = IOTable([[0.0, 1.5], [0.1, 0.0]], [1, 1], ["a", "b"])  # ρ = √0.15 although column b sums to 1.5
    np.testing.assert_allclose(io.L.values @ (np.eye(2) - io.A.values), np.eye(2), atol=1e-12)


@pytest.mark.parametrize(("z", "x", "labels", "argument"), [
    ([[1, 2, 3], [4, 5, 6]], MB_X, MB_LABELS, "Z"),
    (MB_Z, [1000, 2000, 3000], MB_LABELS, "x"),
    (MB_Z, MB_X, ["only one"], "Z"),
    (MB_Z, MB_X, ["same", "same"], "labels"),
    (MB_Z, MB_X, ["a", ""], "labels"),
    ([[150, np.nan], [200, 100]], MB_X, MB_LABELS, "Z"),
    (MB_Z, [1000, np.inf], MB_LABELS, "x"),
    ([["a", "b"], ["c", "d"]], MB_X, MB_LABELS, "Z"),
])
def test_malformed_arguments_name_the_argument(z: object, x: object, labels: list[str],
                                               argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        IOTable(z, x, labels)
    assert info.value.argument == argument


def test_nan_error_names_the_cell() -> None:
    with pytest.raises(InvalidArgument, match="row 'agriculture', column 'manufacturing'"):
        IOTable([[150, np.nan], [200, 100]], MB_X, MB_LABELS)


def test_unknown_sector_and_bad_k(mb: IOTable) -> None:
    with pytest.raises(InvalidArgument, match=r"^sector: unknown sector 'mining'; the table's sectors: 'a"):
        mb.upstream("mining")
    with pytest.raises(InvalidArgument, match=r"^sector: unknown sector"):
        mb.downstream("mining")
    with pytest.raises(InvalidArgument, match=r"^k:"):
        mb.upstream("agriculture", k=0)
    with pytest.raises(InvalidArgument, match=r"^row:"):
        mb.L["mining", "agriculture"]


# --- files -------------------------------------------------------------------------------------------

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


MB_CSV = ("sector,agriculture,manufacturing,total_output\n"
          "agriculture,150,500,1000\n"
          "manufacturing,200,100,\"2,000\"\n")


def test_from_file_reads_the_square_layout(tmp_path: Path) -> None:
    io = IOTable.from_file(_write(tmp_path / "io.csv", MB_CSV))
    assert io.labels == tuple(MB_LABELS)
    np.testing.assert_allclose(io.L.values, [[1.25412541, 0.330033], [0.2640264, 1.12211221]], atol=1e-8)
    assert io.mapping is None


def test_from_file_chinese_headers_final_demand_rows_in_any_order(tmp_path: Path) -> None:
    text = "部门,农业,制造业,最终使用,总产出\n制造业,200,100,1700,2000\n农业,150,,350,1000\n"
    io = IOTable.from_file(_write(tmp_path / "io.csv", text))
    np.testing.assert_allclose(io.A.values, [[0.15, 0.0], [0.2, 0.05]])
    assert io.final_demand["final_demand"].to_list() == [350.0, 1700.0]


def test_from_xlsx_with_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "io.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        for r, row in enumerate([["sector", *MB_LABELS, "total_output"], ["agriculture", 150, 500, 1000],
                                 ["manufacturing", 200, 100, 2000]]):
            sheet.write_row(r, 0, row)
    mapping = _write(tmp_path / "map.csv", "io_sector,division\nagriculture,1\nmanufacturing,13\n")
    io = IOTable.from_file(path, mapping)
    assert io.mapping == {"agriculture": "01", "manufacturing": "13"}
    agg = io.aggregate_to_divisions()
    assert agg.filter((pl.col("from_division") == "01") & (pl.col("to_division") == "13"))["l"].item() \
        == pytest.approx(0.330033, abs=1e-6)


def _problems(path: Path, mapping: Path | None = None) -> list[Problem]:
    with pytest.raises(ImportRejected) as info:
        IOTable.from_file(path, mapping)
    return info.value.problems


def test_malformed_file_names_row_and_column(tmp_path: Path) -> None:
    text = ("sector,agriculture,manufacturing,total_output\n"
            "agriculture,150,abc,1000\n"
            "manufacturing,-200,100,0\n"
            "mining,1,1,1\n")
    path = _write(tmp_path / "io.csv", text)
    assert _problems(path) == [
        Problem(str(path), 2, "manufacturing", "not a number: 'abc'"),
        Problem(str(path), 3, "agriculture", "negative flow -200: flows must be ≥ 0"),
        Problem(str(path), 3, "total_output", "total output must be > 0, got 0"),
        Problem(str(path), 4, "sector", "sector 'mining' is not a sector of the header row"),
    ]


def test_file_without_total_output_or_with_missing_rows(tmp_path: Path) -> None:
    no_total = _write(tmp_path / "a.csv", "sector,agriculture\nagriculture,1\n")
    assert _problems(no_total)[0].reason.startswith("no total_output (总产出) column")
    missing = _write(tmp_path / "b.csv", MB_CSV.rsplit("manufacturing,", 1)[0])
    assert _problems(missing) == [Problem(str(missing), 0, "-", "no row for sector(s) 'manufacturing'")]
    twice = _write(tmp_path / "c.csv", "sector,a,a,total_output\na,1,1,10\n")
    assert Problem(str(twice), 1, "a", "this sector appears twice in the header") in _problems(twice)


def test_non_productive_file_is_rejected_as_a_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "io.csv", "sector,a,b,total_output\na,0,5,3\nb,3,0,5\n")
    (problem,) = _problems(path)
    assert (problem.row, problem.column) == (0, "-")
    assert problem.reason.startswith("I − A is singular/not productive")


def test_bad_mapping_file_names_row_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "io.csv", MB_CSV)
    mapping = _write(tmp_path / "map.csv", "io_sector,division\nagriculture,01\nmanufacturing,99\n")
    assert _problems(path, mapping) == [
        Problem(str(mapping), 3, "division", "'99' is not a GB/T 4754-2017 division code (01 … 97)"),
    ]
    no_columns = _write(tmp_path / "m2.csv", "sector,code\nagriculture,01\n")
    assert _problems(path, no_columns)[0].reason == "the mapping needs columns io_sector, division"
