"""Objective value and optimality residual of an estimate: one function for every route.

Whatever produced an estimate (coordinate descent, the closed form, ``pm.find_MAP`` or a scipy
optimizer), its quality is measured here, against the penalized objective

    F(β₀, β) = ‖y − β₀ − Xβ‖²₂ + λ·R(β).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_penalties, check_scale
from bayesreg.families import Family, Gaussian, lambda_max_of, null_eta_of
from bayesreg.penalties import Penalty


def objective(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    coef: NDArray[np.float64],
    intercept: float,
    lam: float,
    penalty: Penalty,
) -> float:
    """F(β₀, β) = ‖y − β₀ − Xβ‖² + λ·R(β)."""
    r = y - intercept - X @ coef
    return float(r @ r + lam * penalty.value(coef))


def optimality_residual(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    coef: NDArray[np.float64],
    intercept: float,
    lam: float,
    penalty: Penalty,
    fit_intercept: bool = True,
    family: Family | None = None,
) -> float:
    """Relative violation of the first-order optimality (KKT) conditions.

    Returns ``‖s‖∞ / ‖∇D(β₀*, 0)‖∞`` where ``s`` is the smallest-norm element of the
    subdifferential of F = D + λR at (β₀, β) (for the Lasso, the KKT violation; for Ridge,
    the gradient), including the intercept's gradient when it is fitted, and the denominator
    is the size of the data gradient at β = 0 (β₀ at its intercept-only optimum), so that the
    number is free of the units of X and y. Zero means exactly optimal. ``D`` is the
    deviance of ``family`` (default Gaussian: the RSS, ∇ = −2Xᵀr).
    """
    fam = Gaussian() if family is None else family
    g = fam.gradient(y, intercept + X @ coef)  # ∂D/∂η per row
    grad = np.asarray(X.T @ g).ravel()
    s = penalty.min_norm_subgradient(coef, grad, lam)
    viol = float(np.max(np.abs(s))) if s.size else 0.0
    if fit_intercept:
        viol = max(viol, abs(float(g.sum())))
    scale = (
        rss_gradient_at_zero(X, y, fit_intercept)
        if isinstance(fam, Gaussian)
        else lambda_max_of(fam, X, y, fit_intercept)
    )
    return viol / scale if scale > 0 else viol


def rss_gradient_at_zero(
    X: NDArray[np.float64], y: NDArray[np.float64], fit_intercept: bool = True
) -> float:
    """‖∇_β RSS‖∞ at β = 0 (intercept at its optimum ȳ): 2‖X_cᵀy_c‖∞.

    By the KKT conditions this is also λ_max, the smallest λ at which the Lasso solution is
    all zeros. Since Σ(y − ȳ) = 0, X_cᵀy_c = Xᵀ(y − ȳ): X needs no centering.
    """
    if X.shape[1] == 0:
        return 0.0
    yc = y - y.mean() if fit_intercept else y
    return float(np.max(np.abs(-2.0 * (X.T @ yc))))


def lambda_scale(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    penalty: Penalty,
    fit_intercept: bool = True,
    family: Family | None = None,
) -> float:
    """The data's own scale for λ under ``penalty``, in the units λ has there.

    L1 and the elastic net (whose ridge term has zero gradient at β = 0, so the same λ_max):
    λ_max = ‖X_cᵀ∂D/∂η‖∞ at the intercept-only fit (all coefficients are zero from
    there on; 2‖X_cᵀy_c‖∞ for the Gaussian family); L2: the mean curvature of the deviance
    there, trace(X_cᵀWX_c)/p with W = ∂²D/∂η² (2·trace(X_cᵀX_c)/p for the Gaussian family).
    """
    fam = Gaussian() if family is None else family
    if penalty.name != "l2":
        if isinstance(fam, Gaussian):
            return rss_gradient_at_zero(X, y, fit_intercept)
        return lambda_max_of(fam, X, y, fit_intercept)
    eta0 = np.full(y.shape[0], null_eta_of(fam, y, fit_intercept))
    w = fam.hessian_weights(eta0)  # constant over rows at the intercept-only fit
    if scipy.sparse.issparse(X):
        from bayesreg.solvers._design import sparse_column_stats

        norms2 = sparse_column_stats(X, fit_intercept)[1]
        return float(w[0]) * float(norms2.sum()) / max(X.shape[1], 1)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    return float(w[0]) * float(np.einsum("ij,ij->", Xc, Xc)) / max(X.shape[1], 1)


#: Top of the default Ridge grid, in units of the data's curvature scale (``lambda_scale``):
#: there every direction of average curvature is shrunk by a factor ~1/1000 (nearly null).
L2_GRID_TOP = 1e3
#: Default ratio of the smallest to the largest λ of each default grid.
EPS_L1_GAUSSIAN = 1e-3  # lasso_path's and LassoCV's default
EPS_L2 = 1e-9  # Ridge: from 1e3 down to 1e-6 times the curvature scale


def lambda_grid(
    Xa: Any,
    ya: NDArray[np.float64],
    pen: Penalty,
    fit_intercept: bool = True,
    fam: Family | None = None,
    *,
    lams: ArrayLike | None = None,
    n_lambdas: int = 100,
    eps: float | None = None,
) -> NDArray[np.float64]:
    """The λ grid, decreasing: ``lams`` validated, or the default one of the data's scale.

    Default: ``n_lambdas`` values log-spaced from λ_max (L1 and the elastic net; the smallest
    λ with an all-zero fit) or from 10³ × the mean curvature of the deviance at the null fit (L2,
    :func:`lambda_scale`) down to ``eps`` times that (default eps: 1e-3 for the Gaussian
    Lasso, as ``lasso_path`` and scikit-learn's ``LassoCV``; glmnet's 1e-2 (n < p) or 1e-4
    for the other families; 1e-9 for Ridge, i.e. down to 10⁻⁶ × the curvature scale).
    """
    fam = Gaussian() if fam is None else fam
    if lams is not None:
        grid = np.sort(check_penalties(lams))[::-1].copy()
        if grid[-1] <= 0:
            raise ValueError(f"lams must all be > 0; got min {grid[-1]!r}")
        return grid
    if isinstance(n_lambdas, bool) or not isinstance(n_lambdas, int | np.integer) or n_lambdas < 1:
        raise ValueError(f"n_lambdas must be a positive integer; got {n_lambdas!r}")
    n, p = Xa.shape
    if eps is None:
        if pen.name == "l2":
            eps = EPS_L2
        elif isinstance(fam, Gaussian):
            eps = EPS_L1_GAUSSIAN
        else:
            eps = 1e-2 if n < p else 1e-4
    eps = check_scale(eps, "eps")
    if eps >= 1.0:
        raise ValueError(f"eps must be < 1 (the smallest over the largest λ); got {eps!r}")
    scale = lambda_scale(Xa, ya, pen, fit_intercept, fam)
    if not scale > 0.0:
        raise ValueError(
            "the data give no scale for λ (y constant after centering, or X all zero): give lams"
        )
    top = scale if pen.name != "l2" else L2_GRID_TOP * scale
    return top * np.logspace(0.0, math.log10(eps), int(n_lambdas))
