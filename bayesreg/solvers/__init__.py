"""Analytic solvers of the penalized problems: Lasso (coordinate descent), Ridge (closed form)."""

from bayesreg.solvers.lasso import (
    LassoPathResult,
    LassoResult,
    lambda_max,
    lasso_cd,
    lasso_path,
)
from bayesreg.solvers.ridge import RidgeResult, ridge_closed_form

__all__ = [
    "LassoPathResult",
    "LassoResult",
    "RidgeResult",
    "lambda_max",
    "lasso_cd",
    "lasso_path",
    "ridge_closed_form",
]
