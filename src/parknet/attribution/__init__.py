"""Statistics attribution under the incentive mechanism (激励机制): relocated enterprises keep counting for the
zone that incubated them, co-built projects count for every partner by agreed weights. Exact to the yuan."""

from parknet.attribution.ledger import Ledger, attribute
from parknet.attribution.money import largest_remainder, split_in_two, to_units, units_column
from parknet.attribution.rules import RelocationRule

__all__ = ["attribute", "Ledger", "RelocationRule", "largest_remainder", "split_in_two", "to_units",
           "units_column"]
