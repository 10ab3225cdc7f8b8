"""Solvers of the penalized problems: Lasso and elastic net (coordinate descent), Ridge (closed
form), GLMs (proximal Newton)."""

from bayesreg.solvers.glm import GLMPathResult, GLMResult, glm_cd, glm_path
from bayesreg.solvers.lasso import (
    LassoPathResult,
    LassoResult,
    duality_gap,
    lambda_max,
    lasso_cd,
    lasso_path,
)
from bayesreg.solvers.ridge import RidgeResult, ridge_closed_form

__all__ = [
    "GLMPathResult",
    "GLMResult",
    "LassoPathResult",
    "LassoResult",
    "RidgeResult",
    "duality_gap",
    "glm_cd",
    "glm_path",
    "lambda_max",
    "lasso_cd",
    "lasso_path",
    "ridge_closed_form",
]
