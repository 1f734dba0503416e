"""Zone evaluation (考评体系): normalisation, weighting and aggregation methods, evaluation schemes as data
files (before and after the incentive reform), and ranking with explanations (issue 6)."""

from parknet.evaluation.ranking import Evaluation, EvaluationWarning, MissingInput, compare, evaluate
from parknet.evaluation.schemes import BUILTIN_SCHEMES, Scheme, SchemeError, load_scheme, parse_scheme

__all__ = ["BUILTIN_SCHEMES", "Evaluation", "EvaluationWarning", "MissingInput", "Scheme", "SchemeError",
           "compare", "evaluate", "load_scheme", "parse_scheme"]
