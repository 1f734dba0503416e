"""Input–output linkages of sectors (投入产出关联): coefficients, the Leontief and Ghosh inverses,
Rasmussen's backward and forward linkages, and their aggregation to GB/T 4754-2017 divisions.

One :class:`IOTable` is one IO system (Z, x), validated once at construction. Its results are computed on
first access, cached, and keep their sector labels: matrices are :class:`LabelledMatrix` (``.values`` numpy,
``.to_frame()`` polars); vectors and rankings are polars DataFrames with a sector column.

References: Miller & Blair (2009) *Input–Output Analysis: Foundations and Extensions*, 2nd ed., CUP —
§2.2–2.3 (A, L; Table 2.3), §12.1–12.2 (B, G, linkages); Rasmussen (1956) *Studies in Inter-Sectoral
Relations*; Ghosh (1958) "Input-output approach in an allocation system", Economica 25; Hawkins & Simon
(1949), Econometrica 17. A, L, B and G agree with pymrio (tests/crosscheck/test_linkages_pymrio.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from parknet.config import Settings
from parknet.data.reference import divisions
from parknet.errors import ImportRejected, InvalidArgument, Problem
from parknet.store.tabular import Table, read_table

__all__ = ["IOTable", "LabelledMatrix", "TOTAL_OUTPUT_HEADERS", "FINAL_DEMAND_HEADERS"]

#: Headers of the total-output column of an IO file (English, Chinese).
TOTAL_OUTPUT_HEADERS = ("total_output", "总产出")
#: Headers of the optional final-demand column, just before total output.
FINAL_DEMAND_HEADERS = ("final_demand", "最终使用")

# ρ(A) this close to 1 leaves I − A numerically singular (entries of L grow like 1/(1 − ρ)).
_PRODUCTIVE_MARGIN = 1e-9
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")


@dataclass(frozen=True, eq=False)
class LabelledMatrix:
    """A sector × sector matrix that keeps its labels.

    ``m["coal", "power"]`` is the entry in row *coal*, column *power*; ``values`` is the read-only numpy
    array in ``labels`` order; :meth:`to_frame` gives a polars DataFrame.
    """

    labels: tuple[str, ...]
    values: np.ndarray

    def __getitem__(self, key: tuple[str, str]) -> float:
        row, column = key
        i, j = _position(self.labels, row, "row"), _position(self.labels, column, "column")
        return float(self.values[i, j])

    def to_frame(self, layout: Literal["wide", "long"] = "wide") -> pl.DataFrame:
        """``wide``: a ``sector`` column (the rows), then one column per sector; ``long``: ``row, column,
        value``."""
        n = len(self.labels)
        if layout == "long":
            return pl.DataFrame({"row": np.repeat(self.labels, n), "column": np.tile(self.labels, n),
                                 "value": self.values.ravel()})
        if layout != "wide":
            raise InvalidArgument("layout", f"must be 'wide' or 'long', got {layout!r}")
        if "sector" in self.labels:
            raise InvalidArgument("layout", "a sector is named 'sector' like the row column: use 'long'")
        columns = {s: self.values[:, j] for j, s in enumerate(self.labels)}
        return pl.DataFrame({"sector": list(self.labels)} | columns)


class IOTable:
    """An input–output table (投入产出表): intermediate flows Z and total outputs x of n sectors.

    Parameters
    ----------
    Z : array-like or DataFrame, n × n
        Intermediate flows, z_ij = sales of sector i to sector j (row = seller, column = buyer), ≥ 0. A
        DataFrame's values are read in order; the sector names come from ``labels``.
    x : array-like, n (or n × 1)
        Total output of each sector, > 0.
    labels : sequence of str, n
        Sector names, unique and non-empty.
    final_demand : array-like, n, optional
        Final demand f (may be negative, e.g. net exports), kept as :attr:`final_demand`.

    Raises
    ------
    InvalidArgument
        Shapes that disagree; NaN or infinite values; a negative flow (naming its row and column sectors);
        a sector with zero output; spectral radius ρ(A) ≥ 1, i.e. I − A singular or not productive.
    """

    def __init__(self, Z: ArrayLike, x: ArrayLike, labels: Sequence[str],
                 final_demand: ArrayLike | None = None) -> None:
        self.labels: tuple[str, ...] = _labels(labels)
        n = len(self.labels)
        self._Z = _finite(Z, "Z", (n, n), self.labels)
        self._x = _finite(x, "x", (n,), self.labels)
        self._f = None if final_demand is None else _finite(final_demand, "final_demand", (n,), self.labels)
        if (self._Z < 0).any():
            i, j = np.argwhere(self._Z < 0)[0]
            raise InvalidArgument("Z", f"negative flow {self._Z[i, j]:g} in row {self.labels[i]!r}, column "
                                       f"{self.labels[j]!r}: intermediate flows must be ≥ 0")
        if (self._x <= 0).any():
            j = int(np.argmax(self._x <= 0))
            raise InvalidArgument("x", f"sector {self.labels[j]!r} has total output {self._x[j]:g}: "
                                       "A = Z x̂⁻¹ divides by it; remove the sector or merge it into another")
        _check_productive(self._Z / self._x)
        self._mapping: dict[str, str] | None = None

    # --- coefficients and inverses ----------------------------------------------------------------------

    @cached_property
    def A(self) -> LabelledMatrix:
        """Technical coefficients A = Z x̂⁻¹, a_ij = z_ij / x_j: input from i per unit of j's output."""
        return self._matrix(self._Z / self._x[np.newaxis, :])

    @cached_property
    def L(self) -> LabelledMatrix:
        """Leontief inverse L = (I − A)⁻¹, total requirements (x = L f); by ``numpy.linalg.solve``."""
        return self._matrix(_inverse_of_i_minus(self.A.values))

    @cached_property
    def B(self) -> LabelledMatrix:
        """Allocation coefficients B = x̂⁻¹ Z, b_ij = z_ij / x_i: share of i's output sold to j."""
        return self._matrix(self._Z / self._x[:, np.newaxis])

    @cached_property
    def G(self) -> LabelledMatrix:
        """Ghosh inverse G = (I − B)⁻¹ (Ghosh 1958; Miller & Blair §12.1), by solving with I − B.

        Mathematically G = x̂⁻¹ L x̂, pymrio's shortcut; the tests check both.
        """
        return self._matrix(_inverse_of_i_minus(self.B.values))

    @cached_property
    def final_demand(self) -> pl.DataFrame:
        """``sector, final_demand``: as given, else the row residual f = x − Z·1 (so that x = L f)."""
        f = self._x - self._Z.sum(axis=1) if self._f is None else self._f
        return pl.DataFrame({"sector": list(self.labels), "final_demand": f})

    # --- Rasmussen linkages -----------------------------------------------------------------------------

    @cached_property
    def backward_linkage(self) -> pl.DataFrame:
        """Rasmussen's backward linkage (power of dispersion, 影响力系数): ``sector, backward, key_sector``.

        BL_j = (Σ_i l_ij / n) / (Σ_i Σ_j l_ij / n²), normalized column sums of L (mean 1).
        key_sector = BL > 1 and FL > 1, FL from :attr:`forward_linkage`.
        """
        return self._linkage("backward", self._bl, self._bl, self._fl_ghosh)

    @cached_property
    def forward_linkage(self) -> pl.DataFrame:
        """Forward linkage (sensitivity of dispersion, 感应度系数) from G: ``sector, forward, key_sector``.

        FL_i = (Σ_j g_ij / n) / (Σ_i Σ_j g_ij / n²), normalized row sums of the Ghosh inverse — the
        supply-side measure of Miller & Blair §12.2. key_sector = BL > 1 and FL > 1.
        """
        return self._linkage("forward", self._fl_ghosh, self._bl, self._fl_ghosh)

    @cached_property
    def forward_linkage_leontief(self) -> pl.DataFrame:
        """Rasmussen's original forward linkage from row sums of L: ``sector, forward, key_sector``.

        FL^L_i = (Σ_j l_ij / n) / (Σ_i Σ_j l_ij / n²): the output of i needed when every sector's final demand
        rises by one unit — a demand-model answer to a supply question, hence :attr:`forward_linkage`.
        key_sector = BL > 1 and FL^L > 1.
        """
        fl = _dispersion(self.L.values, axis=1)
        return self._linkage("forward", fl, self._bl, fl)

    @cached_property
    def _bl(self) -> np.ndarray:
        return _dispersion(self.L.values, axis=0)

    @cached_property
    def _fl_ghosh(self) -> np.ndarray:
        return _dispersion(self.G.values, axis=1)

    def _linkage(self, name: str, index: np.ndarray, bl: np.ndarray, fl: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame({"sector": list(self.labels), name: index, "key_sector": (bl > 1) & (fl > 1)})

    # --- direct suppliers and buyers --------------------------------------------------------------------

    def upstream(self, sector: str, k: int = 5) -> pl.DataFrame:
        """The ``k`` sectors supplying most to ``sector`` per unit of its output (largest a_ij of column j).

        Returns ``supplier, a``, largest first (ties in table order), zero coefficients left out; ``sector``
        itself is included when it uses its own output.
        """
        j = _position(self.labels, sector, "sector")
        return self._top(self.A.values[:, j], k, "supplier", "a")

    def downstream(self, sector: str, k: int = 5) -> pl.DataFrame:
        """The ``k`` sectors buying most from ``sector`` per unit of its output (largest b_ij of row i).

        Returns ``buyer, b``, largest first (ties in table order), zero coefficients left out.
        """
        i = _position(self.labels, sector, "sector")
        return self._top(self.B.values[i, :], k, "buyer", "b")

    def _top(self, coefficients: np.ndarray, k: int, who: str, what: str) -> pl.DataFrame:
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise InvalidArgument("k", f"must be a whole number ≥ 1, got {k!r}")
        order = [p for p in np.argsort(-coefficients, kind="stable")[:k] if coefficients[p] > 0]
        return pl.DataFrame({who: [self.labels[p] for p in order], what: coefficients[order]},
                            schema={who: pl.String, what: pl.Float64})

    # --- GB/T 4754 divisions ----------------------------------------------------------------------------

    @property
    def mapping(self) -> dict[str, str] | None:
        """The IO sector → GB/T 4754-2017 division mapping loaded by :meth:`from_file`, if any."""
        return None if self._mapping is None else dict(self._mapping)

    def aggregate_to_divisions(self, mapping: Mapping[str, str] | None = None) -> pl.DataFrame:
        """Division-level linkage strengths, aggregated from sectors with output weights.

        With every sector in exactly one division (S the division × sector 0/1 matrix):
        a_DE = Σ_{i∈D} Σ_{j∈E} z_ij / x_E = [S Z Sᵀ (S x̂ Sᵀ)⁻¹]_DE, the A of the aggregated table, and
        l_DE = Σ_{i∈D} Σ_{j∈E} l_ij x_j / x_E = [S L x̂ Sᵀ (S x̂ Sᵀ)⁻¹]_DE: the output of D that the detailed
        model needs for one unit of final demand for E spread over E's sectors in proportion to their
        output. It is not (I − A_agg)⁻¹, which carries aggregation bias (Miller & Blair 2009).

        Parameters
        ----------
        mapping : dict, optional
            IO sector label → division code "01" … "97"; default: the mapping given to :meth:`from_file`.

        Returns
        -------
        polars.DataFrame
            ``from_division, to_division, a, l`` for every pair of mapped divisions, sorted by code.
        """
        if mapping is not None:
            resolved = _mapping_or_raise(mapping, self.labels)
        elif self._mapping is not None:
            resolved = self._mapping
        else:
            raise InvalidArgument("mapping", "no mapping given and none was loaded with from_file")
        codes = sorted(set(resolved.values()))
        S = np.zeros((len(codes), len(self.labels)))
        S[[codes.index(resolved[s]) for s in self.labels], np.arange(len(self.labels))] = 1.0
        x_div = S @ self._x
        a = (S @ self._Z @ S.T) / x_div
        l = (S @ (self.L.values * self._x) @ S.T) / x_div  # noqa: E741 — l as in the formula
        return pl.DataFrame({"from_division": np.repeat(codes, len(codes)),
                             "to_division": np.tile(codes, len(codes)), "a": a.ravel(), "l": l.ravel()})

    # --- files ------------------------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path, mapping: Mapping[str, str] | str | Path | None = None, *,
                  max_bytes: int = Settings.import_max_bytes) -> IOTable:
        """Load a square IO table from CSV or XLSX (first sheet).

        Layout: a header row ``<label column>, S1, …, Sn, [final_demand], total_output`` (or 最终使用 /
        总产出), then one row per sector: its label, its sales z_i1 … z_in to the column sectors, [its final
        demand,] its total output. Rows may come in any order but must name exactly the header's sectors; a
        blank flow is 0; thousands separators ("1,234.5") are allowed.

        Parameters
        ----------
        path : str or Path
            The .csv or .xlsx file.
        mapping : dict or path, optional
            IO sector → GB/T 4754-2017 division, as a dict or a CSV/XLSX with columns ``io_sector, division``;
            every sector must be mapped; a one-digit code d is read as "0d". Kept as :attr:`mapping`.
        max_bytes : int
            Largest file accepted (services pass ``get_settings().import_max_bytes``).

        Raises
        ------
        ImportRejected
            With every :class:`~parknet.errors.Problem` (file, row, column, reason) found.
        """
        table = read_table(Path(path), max_bytes=max_bytes)
        Z, x, f, labels, problems = _parse_square(table)
        limit = Settings.import_max_problems
        if problems:
            raise ImportRejected(problems[:limit], max(0, len(problems) - limit))
        try:
            io = cls(Z, x, labels, f)
        except InvalidArgument as exc:
            raise ImportRejected([Problem(table.file, 0, "-", exc.reason)]) from None
        if isinstance(mapping, str | Path):
            io._mapping = _mapping_from_file(Path(mapping), io.labels, max_bytes)
        elif mapping is not None:
            io._mapping = _mapping_or_raise(mapping, io.labels)
        return io

    def _matrix(self, values: np.ndarray) -> LabelledMatrix:
        values.setflags(write=False)  # cached and shared by every caller
        return LabelledMatrix(self.labels, values)


# --- validation -----------------------------------------------------------------------------------------

def _labels(labels: Sequence[str]) -> tuple[str, ...]:
    out = tuple(labels)
    if not out:
        raise InvalidArgument("labels", "needs at least one sector")
    for position, label in enumerate(out):
        if not isinstance(label, str) or not label.strip():
            raise InvalidArgument("labels", f"label {position} is {label!r}: use non-empty strings")
    if len(set(out)) < len(out):
        twice = next(s for s in out if out.count(s) > 1)
        raise InvalidArgument("labels", f"sector {twice!r} appears twice: labels must be unique")
    return out


def _finite(values: ArrayLike, name: str, shape: tuple[int, ...], labels: tuple[str, ...]) -> np.ndarray:
    try:
        arr = np.array(values, dtype=float)  # numpy, nested lists, pandas or polars frames
    except (TypeError, ValueError):
        raise InvalidArgument(name, "must be numbers") from None
    if len(shape) == 1 and arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.shape != shape:
        raise InvalidArgument(name, f"has shape {arr.shape}, expected {shape} for {len(labels)} labels")
    if not np.isfinite(arr).all():
        p = np.argwhere(~np.isfinite(arr))[0]
        where = (f"row {labels[p[0]]!r}, column {labels[p[1]]!r}" if arr.ndim == 2
                 else f"sector {labels[p[0]]!r}")
        raise InvalidArgument(name, f"NaN or infinite value at {where}")
    return arr


def _check_productive(A: np.ndarray) -> None:
    """ρ(A) < 1 ⇔ I − A is non-singular with (I − A)⁻¹ ≥ 0 (Hawkins & Simon 1949)."""
    if A.sum(axis=0).max() < 1 - _PRODUCTIVE_MARGIN:
        return  # ρ(A) ≤ the largest column sum (Perron–Frobenius): no eigenvalues needed
    rho = float(np.abs(np.linalg.eigvals(A)).max())
    if rho >= 1 - _PRODUCTIVE_MARGIN:
        raise InvalidArgument("Z", f"I − A is singular/not productive: the spectral radius of A = Z x̂⁻¹ is "
                                   f"{rho:.6g}, it must be below 1; check that x is total output (not value "
                                   "added) and that each sector's inputs Σ_i z_ij stay below its output x_j")


def _inverse_of_i_minus(M: np.ndarray) -> np.ndarray:
    eye = np.eye(M.shape[0])
    return np.linalg.solve(eye - M, eye)


def _dispersion(M: np.ndarray, axis: int) -> np.ndarray:
    """Rasmussen's normalization: (sum along ``axis`` / n) / (Σ M / n²)."""
    return M.shape[0] * M.sum(axis=axis) / M.sum()


def _position(labels: tuple[str, ...], label: str, argument: str) -> int:
    try:
        return labels.index(label)
    except ValueError:
        shown = ", ".join(repr(s) for s in labels[:8]) + (", …" if len(labels) > 8 else "")
        raise InvalidArgument(argument, f"unknown sector {label!r}; the table's sectors: {shown}") from None


# --- mapping to divisions -------------------------------------------------------------------------------

def _resolve_mapping(pairs: list[tuple[int, str, str]], labels: tuple[str, ...]
                     ) -> tuple[dict[str, str], list[tuple[int, str, str]]]:
    """(sector → division, problems as (row, column, reason)) from (row, io_sector, division) triples."""
    known = set(divisions()["code"])
    resolved: dict[str, str] = {}
    problems: list[tuple[int, str, str]] = []
    for row, sector, code in pairs:
        code = "0" + code if re.fullmatch(r"\d", code) else code
        if code not in known:
            problems.append((row, "division", f"{code!r} is not a GB/T 4754-2017 division code (01 … 97)"))
        elif sector not in labels:
            problems.append((row, "io_sector", f"{sector!r} is not a sector of the IO table"))
        elif sector in resolved:
            problems.append((row, "io_sector", f"sector {sector!r} is mapped twice"))
        else:
            resolved[sector] = code
    mentioned = {sector for _, sector, _ in pairs}
    missing = [s for s in labels if s not in mentioned]
    if missing:
        problems.append((0, "-", f"no division for sector(s) {', '.join(map(repr, missing[:10]))}"))
    return resolved, problems


def _mapping_or_raise(mapping: Mapping[str, str], labels: tuple[str, ...]) -> dict[str, str]:
    resolved, problems = _resolve_mapping([(0, str(k), str(v).strip()) for k, v in mapping.items()], labels)
    if problems:
        raise InvalidArgument("mapping", "; ".join(reason for _, _, reason in problems[:5]))
    return resolved


def _mapping_from_file(path: Path, labels: tuple[str, ...], max_bytes: int) -> dict[str, str]:
    table = read_table(path, max_bytes=max_bytes)
    if not {"io_sector", "division"} <= set(table.header):
        raise ImportRejected([Problem(table.file, 1, "-", "the mapping needs columns io_sector, division")])
    s, d = table.header.index("io_sector"), table.header.index("division")
    resolved, problems = _resolve_mapping([(r, _cell(c, s), _cell(c, d)) for r, c in table.rows], labels)
    if problems or table.problems:
        raise ImportRejected(table.problems + [Problem(table.file, *p) for p in problems])
    return resolved


# --- reading the square layout --------------------------------------------------------------------------

def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _number(text: str) -> float | None:
    """The cell as a finite float (blank = 0; "1,234.5" allowed), or None when it is not a number."""
    try:
        value = float(text.replace(",", "") if _THOUSANDS.fullmatch(text) else text or 0)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _parse_square(table: Table
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[str, ...], list[Problem]]:
    """Z, x, final demand (None without that column), labels and every problem of a square-layout table."""
    file, header, problems = table.file, table.header, list(table.problems)
    total = next((i for i, h in enumerate(header) if h in TOTAL_OUTPUT_HEADERS), 0)
    if total < 2:
        reason = "no total_output (总产出) column after the sector columns, holding each sector's output"
        return np.zeros((0, 0)), np.zeros(0), None, (), [*problems, Problem(file, 1, "-", reason)]
    final = total - 1 if header[total - 1] in FINAL_DEMAND_HEADERS else None
    labels = tuple(header[1:final or total])
    for column, label in enumerate(labels, start=2):
        if not label or labels.index(label) != column - 2:
            why = "this sector appears twice in the header" if label else "no sector label"
            problems.append(Problem(file, 1, label or f"column {column}", why))
    Z, x, f = np.zeros((len(labels), len(labels))), np.zeros(len(labels)), np.zeros(len(labels))
    seen: set[str] = set()
    for row, cells in table.rows:
        if cells[0] not in labels or cells[0] in seen:
            why = "appears twice" if cells[0] in seen else "is not a sector of the header row"
            problems.append(Problem(file, row, header[0] or "-", f"sector {cells[0]!r} {why}"))
            continue
        seen.add(cells[0])
        i = labels.index(cells[0])
        if any(cells[total + 1:]):
            why = f"{len(cells)} cells, the header has {total + 1} columns"
            problems.append(Problem(file, row, "-", why))
        for column in range(1, total + 1):
            text, name = _cell(cells, column), header[column]
            value = _number(text)
            if value is None:
                problems.append(Problem(file, row, name, f"not a number: {text!r}"))
            elif column == total:
                if value <= 0:
                    why = f"total output must be > 0, got {text or 'blank'}"
                    problems.append(Problem(file, row, name, why))
                x[i] = value
            elif column == final:
                f[i] = value
            elif value < 0:
                problems.append(Problem(file, row, name, f"negative flow {value:g}: flows must be ≥ 0"))
            else:
                Z[i, column - 1] = value
    missing = [s for s in labels if s not in seen]
    if missing:
        problems.append(Problem(file, 0, "-", f"no row for sector(s) {', '.join(map(repr, missing[:10]))}"))
    return Z, x, (f if final is not None else None), labels, problems
