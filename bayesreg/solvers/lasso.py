"""The Lasso by cyclic coordinate descent with working sets and gap-safe screening.

Objective (bayesreg's single convention, see :mod:`bayesreg.conventions`)::

    minimize over (β₀, β):  ‖y − β₀ − Xβ‖²₂ + λ‖β‖₁

The intercept is profiled out by centering. The solver works on the equivalent ½·RSS scaling
(λ½ = λ/2), where the coordinate update is soft-thresholding at λ½. It stops on the duality
gap relative to the primal objective, never on the size of coefficient changes, so a
returned ``gap`` ≤ ``tol`` certifies that the objective is within ``tol`` (relative) of the
optimum.

Speed comes from three things:

* a compiled (Numba) kernel that sweeps only a *working set* of coordinates, the current
  non-zeros plus the strongest KKT violators, which doubles while the gap on all
  coordinates is above tolerance (as in celer/skglm);
* *gap-safe screening* (Fercoq, Gramfort & Salmon, 2015): a coordinate whose correlation
  with the dual point is provably below the threshold in a ball around it is set to zero and
  never touched again for this λ;
* along a path, warm starts from λ_max down and the *sequential strong rule* (Tibshirani et
  al., 2012) to size the first working set.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_penalties,
    check_penalty,
    check_positive_int,
    check_scale,
    check_Xy,
)
from bayesreg.conventions import from_half_rss, to_half_rss
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.solvers._cd_kernels import cd_epochs
from bayesreg.solvers._design import CenteredDesign, center

_CHECK_EVERY = 5  # sweeps between two restricted-gap checks inside the kernel
_INNER_TOL_FRACTION = 0.3  # the working-set problem is solved a bit tighter than asked
_MIN_WS = 10


@dataclass(frozen=True)
class LassoResult:
    """Solution of ``‖y − β₀ − Xβ‖² + λ‖β‖₁``.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        β, with exact zeros off the support.
    intercept : float
        β₀ (0.0 when ``fit_intercept=False``).
    lam : float
        The λ solved for.
    n_iter : int
        Number of coordinate sweeps (over working sets) performed.
    gap : float
        Duality gap at the returned point divided by the primal objective.
    converged : bool
        Whether ``gap <= tol``.
    """

    coef: NDArray[np.float64]
    intercept: float
    lam: float
    n_iter: int
    gap: float
    converged: bool
    tol: float = field(repr=False, default=0.0)

    @property
    def support(self) -> NDArray[np.intp]:
        """Indices of the non-zero coefficients."""
        return np.flatnonzero(self.coef)


@dataclass(frozen=True)
class LassoPathResult:
    """Lasso solutions over a decreasing grid of λ (one row of ``coefs`` per λ)."""

    lams: NDArray[np.float64]
    coefs: NDArray[np.float64]
    intercepts: NDArray[np.float64]
    n_iter: NDArray[np.int64]
    gaps: NDArray[np.float64]
    converged: NDArray[np.bool_]


def lambda_max(X: ArrayLike, y: ArrayLike, *, fit_intercept: bool = True) -> float:
    """Smallest λ for which the Lasso solution is all zeros: ``2‖X_cᵀ y_c‖∞``."""
    Xa, ya = check_Xy(X, y)
    design = center(Xa, ya, fit_intercept)
    return _lambda_max(design)


def lasso_cd(
    X: ArrayLike,
    y: ArrayLike,
    lam: float,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 20_000,
    coef_init: ArrayLike | None = None,
) -> LassoResult:
    """Solve the Lasso ``‖y − β₀ − Xβ‖² + λ‖β‖₁`` by coordinate descent.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design matrix (finite numbers).
    y : array-like of shape (n_samples,)
        Response.
    lam : float
        Penalty λ > 0 in the RSS scaling (scikit-learn's ``alpha`` is ``λ/(2n)``, see
        :func:`bayesreg.conventions.to_sklearn_alpha`).
    fit_intercept : bool, default True
        Fit an unpenalized intercept β₀.
    tol : float, default 1e-10
        Target duality gap relative to the primal objective.
    max_iter : int, default 20000
        Maximum number of coordinate sweeps.
    coef_init : array-like of shape (n_features,), optional
        Warm start.

    Returns
    -------
    LassoResult
        Coefficients with exact zeros, intercept, sweeps, final relative gap, convergence.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` sweeps did not bring the gap below ``tol``.
    """
    Xa, ya = check_Xy(X, y)
    lam = _check_lasso_lam(lam)
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    design = center(Xa, ya, fit_intercept)
    norms2 = _col_norms2(design.Xc)
    beta = np.zeros(Xa.shape[1])
    if coef_init is not None:
        init = np.asarray(coef_init, dtype=np.float64)
        if init.shape != beta.shape:
            raise ValueError(f"coef_init must have shape {beta.shape}; got {init.shape}")
        beta[:] = np.where(norms2 > 0, init, 0.0)
    n_iter, gap = _solve(design.Xc, design.yc, to_half_rss(lam), beta, norms2, tol, max_iter)
    converged = gap <= tol
    if not converged:
        _warn_not_converged(lam, gap, tol, max_iter)
    intercept = float(design.intercept(beta)) if fit_intercept else 0.0
    return LassoResult(beta, intercept, lam, n_iter, gap, converged, tol)


def lasso_path(
    X: ArrayLike,
    y: ArrayLike,
    lams: ArrayLike | None = None,
    n_lams: int = 100,
    eps: float = 1e-3,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 20_000,
) -> LassoPathResult:
    """Lasso solutions along a grid of λ, from the largest down, with warm starts.

    Parameters
    ----------
    X, y : array-like
        Design and response, as in :func:`lasso_cd`.
    lams : array-like, optional
        The λ values (RSS scaling, all > 0). They are solved, and returned, in decreasing
        order. Default: ``n_lams`` values log-spaced from λ_max down to ``eps·λ_max``.
    n_lams : int, default 100
        Grid size when ``lams`` is not given.
    eps : float, default 1e-3
        Ratio of the smallest to the largest λ of the default grid.
    fit_intercept, tol, max_iter
        As in :func:`lasso_cd` (``max_iter`` applies to each λ).

    Returns
    -------
    LassoPathResult
        ``lams`` (decreasing), ``coefs`` of shape (n_lams, n_features), ``intercepts``,
        ``n_iter``, ``gaps`` and ``converged`` per λ.
    """
    Xa, ya = check_Xy(X, y)
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    design = center(Xa, ya, fit_intercept)
    if lams is None:
        n_lams = check_positive_int(n_lams, "n_lams")
        eps = check_scale(eps, "eps")
        lmax = _lambda_max(design)
        if lmax == 0.0:
            raise ValueError("y is constant (after centering): every Lasso solution is zero")
        grid = lmax * np.logspace(0.0, math.log10(eps), n_lams)
    else:
        grid = np.sort(check_penalties(lams))[::-1]
        if grid[-1] <= 0:
            raise ValueError("lams must all be > 0 for the Lasso")
    p = Xa.shape[1]
    norms2 = _col_norms2(design.Xc)
    coefs = np.zeros((grid.size, p))
    n_iter = np.zeros(grid.size, dtype=np.int64)
    gaps = np.zeros(grid.size)
    beta = np.zeros(p)
    prev_corr = np.abs(design.Xc.T @ design.yc)
    prev_lam_half = float(prev_corr.max()) if p else 0.0
    for k, lam in enumerate(grid):
        lam_half = to_half_rss(float(lam))
        # Sequential strong rule: j is likely inactive if |x_jᵀr(λ_prev)| < 2λ − λ_prev.
        strong = prev_corr >= 2.0 * lam_half - prev_lam_half
        ws_size = int(np.count_nonzero(strong | (beta != 0)))
        n_iter[k], gaps[k] = _solve(
            design.Xc, design.yc, lam_half, beta, norms2, tol, max_iter, ws_size
        )
        coefs[k] = beta
        r = design.yc - design.Xc @ beta
        prev_corr = np.abs(design.Xc.T @ r)
        prev_lam_half = lam_half
    converged = gaps <= tol
    if not converged.all():
        worst = int(np.argmax(gaps))
        _warn_not_converged(float(grid[worst]), float(gaps[worst]), tol, max_iter)
    intercepts = (
        np.asarray(design.intercept(coefs), dtype=np.float64)
        if fit_intercept
        else np.zeros(grid.size)
    )
    return LassoPathResult(grid, coefs, intercepts, n_iter, gaps, converged)


# ---------------------------------------------------------------------------------------------
# private kernels


def _check_lasso_lam(lam: float) -> float:
    lam = check_penalty(lam)
    if lam == 0.0:
        raise ValueError(
            "lam must be > 0 for the Lasso (λ = 0 is least squares: use ridge_closed_form(..., 0))"
        )
    return lam


def _lambda_max(design: CenteredDesign) -> float:
    if design.Xc.shape[1] == 0:
        return 0.0
    return from_half_rss(float(np.max(np.abs(design.Xc.T @ design.yc))))


def _col_norms2(Xc: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.einsum("ij,ij->j", Xc, Xc)


def _solve(
    Xc: NDArray[np.float64],
    yc: NDArray[np.float64],
    lam_half: float,
    beta: NDArray[np.float64],
    norms2: NDArray[np.float64],
    tol: float,
    max_iter: int,
    ws_size: int = 0,
) -> tuple[int, float]:
    """Working-set coordinate descent on ``½‖yc − Xc β‖² + λ½‖β‖₁``; updates ``beta`` in place.

    Returns ``(sweeps, relative duality gap)``.
    """
    p = Xc.shape[1]
    r = yc - Xc @ beta if np.any(beta) else yc.copy()
    alive = norms2 > 0.0
    beta[~alive] = 0.0
    norms = np.sqrt(norms2)
    n_alive = int(alive.sum())
    epochs = 0
    ws_size = max(ws_size, _MIN_WS)
    while True:
        corr = Xc.T @ r
        gap_rel, gap, scale = _full_gap(r, beta, corr, lam_half, alive)
        if gap_rel <= tol or epochs >= max_iter or n_alive == 0:
            return epochs, gap_rel
        # Gap-safe screening: |x_jᵀθ| + ρ‖x_j‖ < 1 with θ = scale·r/λ½, ρ = √(2·gap)/λ½.
        radius = math.sqrt(2.0 * gap) / lam_half
        theta_corr = np.abs(corr) * (scale / lam_half)
        dead = alive & (theta_corr + radius * norms < 1.0)
        if dead.any():
            moved = dead & (beta != 0.0)
            if moved.any():
                idx = np.flatnonzero(moved)
                r += Xc[:, idx] @ beta[idx]
                beta[idx] = 0.0
            alive &= ~dead
            n_alive = int(alive.sum())
            if n_alive == 0:
                continue
        # Working set: non-zeros first, then by distance of x_jᵀθ to the constraint boundary.
        with np.errstate(divide="ignore", invalid="ignore"):
            prio = (1.0 - theta_corr) / norms
        prio[beta != 0.0] = -np.inf
        prio[~alive] = np.inf
        nnz = int(np.count_nonzero(beta))
        ws_size = min(max(ws_size, 2 * nnz, _MIN_WS), n_alive)
        if ws_size < p:
            ws = np.argpartition(prio, ws_size - 1)[:ws_size]
        else:
            ws = np.arange(p)
        ws = np.sort(ws[alive[ws]]).astype(np.int64)
        done, _ = cd_epochs(
            Xc,
            r,
            beta,
            norms2,
            ws,
            lam_half,
            max_iter - epochs,
            _INNER_TOL_FRACTION * tol,
            _CHECK_EVERY,
        )
        epochs += done
        ws_size = min(2 * ws_size, n_alive)


def _full_gap(
    r: NDArray[np.float64],
    beta: NDArray[np.float64],
    corr: NDArray[np.float64],
    lam_half: float,
    alive: NDArray[np.bool_],
) -> tuple[float, float, float]:
    """Relative gap, absolute gap and dual scaling for the full problem."""
    rr = float(r @ r)
    primal = 0.5 * rr + lam_half * float(np.abs(beta).sum())
    max_corr = float(np.max(np.abs(corr[alive]))) if alive.any() else 0.0
    scale = min(1.0, lam_half / max_corr) if max_corr > 0 else 1.0
    # θ = scale·r is dual-feasible; D(θ) = θᵀy − ½‖θ‖² with y = r + Xβ.
    dual = scale * (rr + float(beta @ corr)) - 0.5 * scale * scale * rr
    gap = max(primal - dual, 0.0)
    return (gap / primal if primal > 0 else 0.0), gap, scale


def _warn_not_converged(lam: float, gap: float, tol: float, max_iter: int) -> None:
    warnings.warn(
        f"Lasso coordinate descent did not converge at lam={lam:.6g}: relative duality gap "
        f"{gap:.3e} > tol={tol:.1e} after max_iter={max_iter} sweeps",
        ConvergenceWarning,
        stacklevel=3,
    )
