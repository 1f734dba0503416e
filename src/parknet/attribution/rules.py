"""Attribution rules (统计分成规则) of the incentive mechanism (MECHANISMS.md §4.2–4.3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from parknet.errors import InvalidArgument

__all__ = ["RelocationRule", "DEFAULT_INDICATORS"]

#: Indicators a relocation rule covers unless it lists its own: the economic performance figures.
DEFAULT_INDICATORS = ("gdp", "revenue", "tax", "exports")


@dataclass(frozen=True)
class RelocationRule:
    """An enterprise incubated in zone A that relocates from A to B on date d keeps counting for A.

    The window is the ``window_months`` months starting with d's month (the article: 2 years). For a year
    Y with m months inside the window, of the value v that B reports for the enterprise in Y, A is credited
    v · (m/12) · s_A and B keeps the rest; s_A = ``origin_share``. Presets: :meth:`origin_all` (1, 全部计入
    迁出地), :meth:`split_50_50` (五五), :meth:`split_30_70` (0.3 to the origin, 三七), :meth:`split_70_30`.
    """

    origin_share: Decimal
    window_months: int = 24
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    rule_id: str = "custom"

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

    @property
    def share(self) -> Fraction:
        return Fraction(self.origin_share)

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
