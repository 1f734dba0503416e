"""Fair sharing (利益共享): cooperative-game allocations of a co-built project's value (Shapley value,
nucleolus, core) and look-through ownership of the zones' cross-holdings (交叉持股)."""

from parknet.sharing.games import (
    Game,
    banzhaf,
    in_core,
    least_core,
    max_excess,
    nucleolus,
    prenucleolus,
    shapley,
    shapley_sample,
)
from parknet.sharing.ownership import control, dividend_flows, look_through

__all__ = ["Game", "shapley", "shapley_sample", "banzhaf", "least_core", "nucleolus", "prenucleolus",
           "in_core", "max_excess", "look_through", "control", "dividend_flows"]
