"""Attribution rules (统计分成规则) of the incentive mechanism (MECHANISMS.md §4.2–4.3): the relocation rule,
and which relocations it shares — who counts as incubated in the zone an enterprise leaves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from parknet.errors import InvalidArgument
from parknet.store.types import SCALE

__all__ = ["RelocationRule", "DEFAULT_INDICATORS", "relocation_table", "sharing_relocations", "check_windows",
           "months_in_year"]

#: Indicators a relocation rule covers unless it lists its own: the economic performance figures.
DEFAULT_INDICATORS = ("gdp", "revenue", "tax", "exports")


@dataclass(frozen=True)
class RelocationRule:
    """An enterprise incubated in zone A that relocates from A to B on date d keeps counting for A.

    The window is the ``window_months`` months starting with d's month (the article: 2 years). For a year
    Y with m months inside the window, of the value v that B reports for the enterprise in Y, A is credited
    v · (m/12) · s_A and B keeps the rest; s_A = ``origin_share``. Presets: :meth:`origin_all` (1, 全部计入
    迁出地), :meth:`split_50_50` (五五), :meth:`split_30_70` (0.3 to the origin, 三七), :meth:`split_70_30`.

    Incubated in A means ``incubation.incubated_in == A``. With ``min_years_registered = N`` an enterprise
    also counts as incubated in A if it had been registered in A for at least N full years before d
    (在迁出地注册满 N 年): its registration in A started on the date of its latest relocation into A on or
    before d, or, when A is its first zone (no relocation before d and none into A), on 1 January of its
    ``founded_year`` (without a founded year it does not count). N full years means start + N years ≤ d,
    calendar years, a 29 February start ending on 28 February (民法典 art. 202: the month's last day when
    the corresponding day is missing).
    """

    origin_share: Decimal
    window_months: int = 24
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    rule_id: str = "custom"
    min_years_registered: int | None = None

    def __post_init__(self) -> None:
        share = Decimal(str(self.origin_share))
        if not Decimal(0) <= share <= Decimal(1):
            raise InvalidArgument("origin_share", f"must be between 0 and 1, got {self.origin_share}")
        if share != share.quantize(Decimal("0.0001")):
            raise InvalidArgument("origin_share", "at most 4 decimal places")
        object.__setattr__(self, "origin_share", share)
        if not 1 <= self.window_months <= 120:
            raise InvalidArgument("window_months", f"must be 1–120, got {self.window_months}")
        if not self.indicators:
            raise InvalidArgument("indicators", "a rule must cover at least one indicator")
        years = self.min_years_registered
        if years is not None and (isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100):
            raise InvalidArgument("min_years_registered",
                                  f"must be a whole number of years 1–100 or None, got {years!r}")

    @property
    def share(self) -> Fraction:
        return Fraction(self.origin_share)

    @property
    def share_units(self) -> int:
        """s_A in ten-thousandths (0.3 → 3000)."""
        return int(self.origin_share * SCALE)

    @classmethod
    def origin_all(cls, **kwargs: object) -> RelocationRule:
        return cls(Decimal(1), rule_id="origin_all", **kwargs)  # type: ignore[arg-type]

    @classmethod
    def split_50_50(cls, **kwargs: object) -> RelocationRule:
        return cls(Decimal("0.5"), rule_id="split_50_50", **kwargs)  # type: ignore[arg-type]

    @classmethod
    def split_30_70(cls, **kwargs: object) -> RelocationRule:
        return cls(Decimal("0.3"), rule_id="split_30_70", **kwargs)  # type: ignore[arg-type]

    @classmethod
    def split_70_30(cls, **kwargs: object) -> RelocationRule:
        return cls(Decimal("0.7"), rule_id="split_70_30", **kwargs)  # type: ignore[arg-type]


def relocation_table(relocations: pl.DataFrame, incubation: pl.DataFrame) -> pl.DataFrame:
    """The relocations checked and typed, in input order: ``enterprise_id, from_zone, to_zone, date, move``
    (input row), ``start`` (month index of the date), ``incubated_in``, ``founded_year`` (null where not
    given). Refuses missing fields, a move to the zone it leaves, and a move dated in a year before the
    enterprise's ``founded_year`` (when ``incubation`` has that column). An enterprise listed twice in
    ``incubation`` counts with its last row."""
    date = relocations["date"]
    as_date = pl.col("date").str.to_date(strict=False) if date.dtype == pl.String else pl.col("date").cast(pl.Date)
    moves = relocations.select(pl.col("enterprise_id", "from_zone", "to_zone").cast(pl.String), as_date
                               ).with_row_index("move")
    for column in ("enterprise_id", "from_zone", "to_zone", "date"):
        missing = moves.filter(pl.col(column).is_null())
        if missing.height:
            raise InvalidArgument("relocations", f"row {missing['move'][0] + 1}: {column} is missing or not valid")
    same = moves.filter(pl.col("from_zone") == pl.col("to_zone"))
    if same.height:
        e, zone, day = same.select("enterprise_id", "from_zone", "date").row(0)
        raise InvalidArgument("relocations", f"enterprise {e} relocates to the zone it leaves ({zone}) on {day}")
    founded = pl.col("founded_year") if "founded_year" in incubation.columns else pl.lit(None)
    known = (incubation.select(pl.col("enterprise_id", "incubated_in").cast(pl.String),
                               founded.cast(pl.Int32).alias("founded_year"))
             .join(moves.select("enterprise_id"), on="enterprise_id", how="semi")
             .unique("enterprise_id", keep="last"))
    moves = moves.join(known, on="enterprise_id", how="left").sort("move")
    early = moves.filter(pl.col("date").dt.year() < pl.col("founded_year"))
    if early.height:
        e, day, year = early.select("enterprise_id", "date", "founded_year").row(0)
        raise InvalidArgument("relocations", f"enterprise {e} relocates on {day} before it was founded ({year})")
    return moves.with_columns(start=pl.col("date").dt.year().cast(pl.Int32) * 12 + pl.col("date").dt.month() - 1)


def sharing_relocations(moves: pl.DataFrame, min_years_registered: int | None) -> pl.DataFrame:
    """The rows of :func:`relocation_table` that leave a zone the enterprise counts as incubated in, for a
    rule with this ``min_years_registered`` (see :class:`RelocationRule`), in input order."""
    incubated = (pl.col("incubated_in") == pl.col("from_zone")).fill_null(False)
    if min_years_registered is None:
        return moves.filter(incubated)
    arrivals = moves.select("enterprise_id", pl.col("to_zone").alias("from_zone"), pl.col("date").alias("entered"))
    dated = moves.sort("date").join_asof(arrivals.sort("entered"), left_on="date", right_on="entered",
                                         by=["enterprise_id", "from_zone"], strategy="backward",
                                         check_sortedness=False)  # both sorted by date just above
    first_zone = pl.col("date") == pl.col("date").min().over("enterprise_id")
    since = pl.coalesce("entered", pl.when(first_zone).then(pl.date(pl.col("founded_year"), 1, 1)))
    registered = (since.dt.offset_by(f"{min_years_registered}y") <= pl.col("date")).fill_null(False)
    return dated.filter(incubated | registered).drop("entered").sort("move")


def check_windows(sharing: pl.DataFrame, window_months: int) -> None:
    """Refuse two sharing relocations of one enterprise less than ``window_months`` apart: their windows
    overlap and the incubating zone would be credited more than 100%. Sorted by enterprise and month, a
    clash shows between neighbours."""
    ordered = sharing.filter(pl.len().over("enterprise_id") > 1).sort("enterprise_id", "start", "move")
    clash = ordered.with_columns(earlier=pl.col("date").shift(1)).filter(
        (pl.col("enterprise_id") == pl.col("enterprise_id").shift(1))
        & (pl.col("start") - pl.col("start").shift(1) < window_months))
    if clash.height:
        e, earlier, day = clash.select("enterprise_id", "earlier", "date").row(0)
        raise InvalidArgument("relocations", f"enterprise {e}: relocations on {earlier} and {day} have "
                                             "overlapping windows — the incubating zone would be credited more "
                                             "than 100%")


def months_in_year(start: pl.Expr, window_months: pl.Expr, year: int) -> pl.Expr:
    """m: months of ``year`` inside the window of ``window_months`` months from month index ``start``
    (year·12 + month − 1)."""
    first, last = year * 12, year * 12 + 11
    end = start + window_months - 1
    return (pl.min_horizontal(end, pl.lit(last)) - pl.max_horizontal(start, pl.lit(first)) + 1).clip(lower_bound=0)
