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
  non-zeros plus the strongest KKT violators (twice the support, as in celer/skglm), with
  Anderson acceleration of the sweeps; the centered design is never copied (the kernels
  apply the column means on the fly);
* *gap-safe screening* (Fercoq, Gramfort & Salmon, 2015): a coordinate whose correlation
  with the dual point is provably below the threshold in a ball around it is set to zero and
  never touched again for this λ;
* along a path, warm starts from λ_max down and the *sequential strong rule* (Tibshirani et
  al., 2012) to size the first working set; on a tall design (n > p) the path runs on the
  Gram matrix, where a coordinate update costs O(p) instead of O(n), and on a fixed sign
  pattern the Lasso is solved exactly as a linear system (an incrementally updated Cholesky
  factor of the active block): the previous λ's pattern plus the new KKT violators usually
  *is* the next λ's pattern, so most λ of a path need no sweep at all, and the sweeps that
  remain only serve to find the pattern. Every answer is still certified by the duality gap
  and the KKT conditions.

**Elastic net.** ``lasso_cd(..., l2=λ₂)`` solves ``‖y − β₀ − Xβ‖² + λ‖β‖₁ + λ₂‖β‖²`` with the
same machinery: it is the Lasso on the augmented design ``[X_c; √λ₂·I]`` (response
``[y_c; 0]``), which is never formed. The coordinate update divides by ‖x_cⱼ‖² + λ₂, the
gap, the screening rule and the KKT test use the augmented correlations X_cᵀr − λ₂β, residual
norm ‖r‖² + λ₂‖β‖² and column norms ‖x_cⱼ‖² + λ₂ (:mod:`~bayesreg.solvers._cd_kernels`), a
sign-pattern solve adds λ₂I to X_SᵀX_S, and the Gram route runs on X_cᵀX_c + λ₂I. With
λ₂ = 0 every step is the Lasso's, bit for bit.

A ``scipy.sparse`` X is solved without densifying it and without a centered copy: CSC
kernels (:mod:`~bayesreg.solvers._csc_kernels`) sweep its stored entries, the column means
enter the coordinate and residual updates and the gap implicitly (X_cβ = Xβ − (x̄ᵀβ)·1,
X_cᵀr = Xᵀr − x̄·Σr), and memory stays O(nnz + n + p) (no Gram route along a path).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_finite_from_squares,
    check_penalties,
    check_penalty,
    check_positive_int,
    check_scale,
    check_shaped,
    check_Xy,
)
from bayesreg.conventions import from_half_rss, half_rss_grid, to_half_rss
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.optimality import rss_gradient_at_zero
from bayesreg.solvers._cd_kernels import (
    cd_epochs,
    kkt_excess,
    lasso_gap,
    shift_residual,
)
from bayesreg.solvers._csc_kernels import cd_epochs_csc, shift_residual_csc
from bayesreg.solvers._design import (
    MAX_MEAN_TO_SD,
    GramStats,
    center,
    centered_gram,
    sparse_column_stats,
)
from bayesreg.solvers._gram_kernels import gram_path, gram_path_state
from bayesreg.solvers._linalg import cholesky_solve_refined

_CHECK_EVERY = 10  # at most this many sweeps between two restricted-gap checks
_INNER_TOL_FRACTION = 0.3  # a working set is solved to 0.3 × the current full gap (celer)
_MIN_WS = 10
_ANDERSON_K = 5
_ANDERSON_MIN_DECREASE = 1e-12
_MAX_MIN_EPOCHS = 50
#: KKT conditions required at convergence, relative to λ (beyond the duality gap).
_KKT_TOL = 1e-9
_F_ORDER_WS = 64  # working sets larger than this sweep a Fortran-ordered copy of X
_Y_TOO_LARGE = "y has values too large: its sum of squares overflows float64; rescale y"
_STABLE_SWEEPS = 50  # sweeps on unchanged signs before trying a solve on the sign pattern
#: Along a path the residual is carried from λ to λ (updated where β moved) and recomputed
#: from the data every this many λ, so that rounding in the updates cannot accumulate.
_FRESH_RESIDUAL_EVERY = 10


@dataclass(frozen=True)
class LassoResult:
    """Solution of ``‖y − β₀ − Xβ‖² + λ‖β‖₁`` (+ ``l2·‖β‖²``: the elastic net).

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
        Whether ``gap <= tol`` and the KKT conditions hold to 1e-9·λ (or rounding level).
    l2 : float
        The weight λ₂ of the ridge term (0 for the Lasso).
    """

    coef: NDArray[np.float64]
    intercept: float
    lam: float
    n_iter: int
    gap: float
    converged: bool
    tol: float = field(repr=False, default=0.0)
    #: Which solver produced the answer: "cd", "gram" or "gram+cd" (see ``lasso_cd``).
    route: str = "cd"
    l2: float = 0.0

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
    Xa, ya = check_Xy(X, y, accept_sparse=True)
    return rss_gradient_at_zero(Xa, ya, fit_intercept)


def lasso_cd(
    X: ArrayLike,
    y: ArrayLike,
    lam: float,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 20_000,
    coef_init: ArrayLike | None = None,
    route: str = "auto",
    l2: float = 0.0,
) -> LassoResult:
    """Solve the Lasso ``‖y − β₀ − Xβ‖² + λ‖β‖₁`` (or the elastic net) by coordinate descent.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        Design matrix (finite numbers). A sparse matrix is used as CSC (other formats are
        converted to CSC once, int and bool data to float64) and never densified; centering
        for the intercept is implicit.
    y : array-like of shape (n_samples,)
        Response.
    lam : float
        Penalty λ > 0 in the RSS scaling (scikit-learn's ``alpha`` is ``λ/(2n)``, see
        :func:`bayesreg.conventions.to_sklearn_alpha`).
    fit_intercept : bool, default True
        Fit an unpenalized intercept β₀.
    tol : float, default 1e-10
        Target duality gap relative to the primal objective. At convergence the KKT
        conditions also hold to 1e-9 relative to λ (or to rounding level), so that a
        coefficient that should be tiny but non-zero near a kink of the path is not left at 0.
    max_iter : int, default 20000
        Maximum number of coordinate sweeps.
    coef_init : array-like of shape (n_features,), optional
        Warm start.
    route : {"auto", "cd", "gram"}, default "auto"
        ``"cd"``: coordinate descent on the data, O(n·|working set|) per sweep. ``"gram"``:
        form X_cᵀX_c once (a BLAS ``syrk``, n·p²/2) and run the path's Gram kernel (sign-pattern
        solves, O(p·|S|) per sweep); dense X with n > p only. ``"auto"`` (tall dense designs,
        n ≥ 4p and p ≤ 4000): below 0.01·λ_max (without ``coef_init``) the Gram route at once;
        otherwise coordinate descent on a budget of max(5, p/20) sweeps, about
        the cost of the Gram matrix; if that does not converge (small λ, many actives), the
        Gram route continues from its iterate, and should it stop short (its gap has a
        rounding floor, or X_cᵀX_c is ill-conditioned), coordinate descent finishes on the
        data from the better of the two points. Every route
        ends on the same certificate (duality gap and KKT conditions); ``LassoResult.route``
        says which ran.
    l2 : float, default 0.0
        Weight λ₂ ≥ 0 of a ridge term: with λ₂ > 0 the problem is the elastic net
        ``‖y − β₀ − Xβ‖² + λ‖β‖₁ + λ₂‖β‖²`` (module docstring; scikit-learn's
        ``ElasticNet(alpha, l1_ratio)`` is λ = 2n·alpha·l1_ratio, λ₂ = n·alpha·(1 − l1_ratio)),
        ``gap`` its duality gap and the KKT conditions its own. 0 is the Lasso, unchanged.

    Returns
    -------
    LassoResult
        Coefficients with exact zeros, intercept, sweeps, final relative gap, convergence.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` sweeps did not bring the gap below ``tol``.

    Examples
    --------
    >>> import bayesreg as br
    >>> data = br.load_diabetes(standardize=True)
    >>> fit = br.lasso_cd(data.X, data.y, 11728.89)  # λ = 2σ²/b: σ = 54.15, b = 0.5
    >>> [name for name, c in zip(data.feature_names, fit.coef) if c != 0]
    ['bmi', 'bp', 's3', 's5']
    >>> fit.coef[fit.coef != 0].round(2)
    array([21.35,  4.83, -1.08, 18.45])
    >>> bool(fit.gap <= 1e-10)
    True
    """
    # X's finiteness: from its sums of squares below (a sparse X's data: checked here)
    Xa, ya = check_Xy(X, y, finite_X=False, accept_sparse=True)
    lam = _check_lasso_lam(lam)
    l2 = check_penalty(l2, "l2")
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    prob = _build_problem(Xa, ya, fit_intercept)
    beta = np.zeros(Xa.shape[1])
    if coef_init is not None:
        init = check_shaped(coef_init, beta.shape, "coef_init")
        beta[:] = np.where(prob.norms2 > 0, init, 0.0)
    if route not in ("auto", "cd", "gram"):
        raise ValueError(f"route must be 'auto', 'cd' or 'gram'; got {route!r}")
    n, p = Xa.shape
    gram_ok = not scipy.sparse.issparse(Xa) and n > p
    if route == "gram" and not gram_ok:
        raise ValueError("route='gram' needs a dense X with more rows than columns (n > p)")
    use_gram = route == "gram" or (
        route == "auto" and gram_ok and n >= _GRAM_MIN_ROWS_PER_COL * p and p <= _GRAM_MAX_P
    )
    lam_half = to_half_rss(lam)
    used = "cd"
    if use_gram:
        # Coordinate descent first, on a budget of sweeps that costs about as much as forming
        # XᵀX (n·p²/2 flops, but at BLAS-3 speed: measured ≈ p/20 memory-bound sweeps); if it
        # has not converged by then, the Gram route takes over from its iterate (each sweep
        # then costs O(p·|S|), not O(n·|S|)).
        budget = max_iter if route == "auto" else 0
        budget = min(budget, max(_GRAM_TRIAL_MIN, p // 20))
        if budget and coef_init is None:
            # Far below λ_max (most coefficients active) the trial sweeps are spent in vain:
            # one product X_cᵀy_c (a sweep's cost) says so, and the Gram route starts at once.
            lmax_half = float(np.max(np.abs(prob.corr(prob.yc)), initial=0.0))
            if lam_half < _GRAM_DIRECT_BELOW * lmax_half:
                budget = 0
        n_iter, gap, converged = (0, math.inf, False)
        if budget:
            n_iter, gap, converged = _solve(prob, lam_half, beta, tol, budget, l2=l2)
        trial_beta, trial_gap = beta.copy(), gap
        if not converged:
            # On auto, a budget: below its rounding floor the Gram form would spin to max_iter.
            sweeps = max_iter if route == "gram" else min(max_iter, _GRAM_AUTO_MAX_SWEEPS)
            k, gap, converged = _solve_gram(Xa, ya, fit_intercept, lam_half, beta, tol, sweeps, l2)
            n_iter += k
            used = "gram"
        if not converged and route == "auto" and gap > min(trial_gap, _GRAM_CLOSE):
            # Short of its rounding floor, an ill-conditioned Gram form (e.g. large column
            # means, no intercept) can end further from the optimum, as a start, than the
            # sweeps on the data: resume from those.
            beta[:], gap = trial_beta, trial_gap
        if not converged and route == "auto":
            # The Gram form's gap cannot resolve below eps·‖y‖²/objective (user guide): finish
            # on the data, from the Gram route's point; keep that point if CD does no better.
            gram_beta, gram_gap = beta.copy(), gap
            k, gap, converged = _solve(prob, lam_half, beta, tol, max_iter, l2=l2)
            n_iter += k
            used = "gram+cd"
            if not converged and gap > gram_gap:
                beta[:], gap, used = gram_beta, gram_gap, "gram"
    else:
        n_iter, gap, converged = _solve(prob, lam_half, beta, tol, max_iter, l2=l2)
    if not converged:
        _warn_not_converged(lam, gap, tol, max_iter, l2)
    intercept = prob.intercept(beta) if fit_intercept else 0.0
    return LassoResult(beta, intercept, lam, n_iter, gap, converged, tol, used, l2)


def duality_gap(
    X: ArrayLike,
    y: ArrayLike,
    coef: ArrayLike,
    lam: float,
    *,
    l2: float = 0.0,
    fit_intercept: bool = True,
) -> float:
    """The duality gap of the Lasso (elastic net with ``l2`` > 0) at ``coef``, RSS scaling.

    For ``F(β) = ‖y_c − X_cβ‖² + λ‖β‖₁ + λ₂‖β‖²`` (intercept profiled out) and r = y_c − X_cβ,
    c = X_cᵀr − λ₂β, s = min(1, λ/(2‖c‖∞)):
    ``gap = F(β) − (2s·rᵀy_c − s²(‖r‖² + λ₂‖β‖²))``, the primal minus a dual objective at
    a feasible point, so gap ≥ F(β) − min F ≥ 0, with equality at the optimum. It is the
    gap :func:`lasso_cd` certifies (there divided by F(β)).
    """
    Xa, ya = check_Xy(X, y, accept_sparse=True)
    lam = _check_lasso_lam(lam)
    l2 = check_penalty(l2, "l2")
    prob = _build_problem(Xa, ya, fit_intercept)
    beta = check_shaped(coef, (Xa.shape[1],), "coef").copy()
    r = prob.residual(beta)
    corr = prob.corr(r)
    if l2:
        corr = corr - l2 * beta
    alive = np.ones(beta.size, dtype=bool)
    # _full_gap works in the ½·RSS scaling: twice its gap is the RSS-scaling gap
    return 2.0 * _full_gap(r, beta, corr, to_half_rss(lam), alive, l2)[1]


def _solve_gram(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    fit_intercept: bool,
    lam_half: float,
    beta: NDArray[np.float64],
    tol: float,
    max_iter: int,
    l2: float = 0.0,
) -> tuple[int, float, bool]:
    """One λ on the Gram route (the path's kernel), warm-started from ``beta`` (updated).

    Elastic net: the Lasso of the augmented design, whose Gram matrix is X_cᵀX_c + λ₂I
    (same X_cᵀy_c and y_cᵀy_c), so the kernel runs unchanged on the shifted matrix.
    """
    stats = centered_gram(X, y, fit_intercept)
    if not math.isfinite(stats.yty):
        raise ValueError(_Y_TOO_LARGE)
    if l2:
        stats.gram.flat[:: stats.gram.shape[0] + 1] += l2  # a fresh matrix: shifted in place
    coefs, n_iter, gaps, converged = _gram_path(stats, np.array([lam_half]), tol, max_iter, beta)
    beta[:] = coefs[0]
    return int(n_iter[0]), float(gaps[0]), bool(converged[0])


def _gram_path(
    stats: GramStats,
    lam_halves: NDArray[np.float64],
    tol: float,
    max_iter: int,
    beta0: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """The Gram kernel over ``lam_halves`` (decreasing): coefs, sweeps, gaps, converged."""
    p = stats.xty.size
    coefs = np.zeros((lam_halves.size, p))
    n_iter = np.zeros(lam_halves.size, dtype=np.int64)
    gaps = np.zeros(lam_halves.size)
    converged = np.zeros(lam_halves.size, dtype=bool)
    gram_path(
        stats.gram,
        stats.xty,
        stats.yty,
        lam_halves,
        max_iter,
        tol,
        _KKT_TOL,
        coefs,
        n_iter,
        gaps,
        converged,
        gram_path_state(p),
        beta0,
    )
    return coefs, n_iter, gaps, converged


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
        Design and response, as in :func:`lasso_cd` (X may be scipy.sparse: CSC, other
        formats converted once; it is never densified, and the path then always runs the
        coordinate-descent kernels, not the dense Gram route, so memory stays O(nnz + n + p)).
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
    # X's finiteness: from its sums of squares below (a sparse X's data: checked here)
    Xa, ya = check_Xy(X, y, finite_X=False, accept_sparse=True)
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    n, p = Xa.shape
    # Many λ on a tall design: one Gram matrix makes every sweep O(p·changes), not O(n·p).
    # Not for a sparse X, whose dense p × p Gram matrix could dwarf it.
    sparse = scipy.sparse.issparse(Xa)
    stats = centered_gram(Xa, ya, fit_intercept) if n > p and not sparse else None
    if stats is not None and not math.isfinite(stats.yty):
        raise ValueError(_Y_TOO_LARGE)
    prob = None if stats is not None else _build_problem(Xa, ya, fit_intercept)
    xty = stats.xty if stats is not None else prob.corr(prob.yc)  # type: ignore[union-attr]
    if lams is None:
        n_lams = check_positive_int(n_lams, "n_lams")
        eps = check_scale(eps, "eps")
        lmax = from_half_rss(float(np.max(np.abs(xty))))
        if lmax == 0.0:
            raise ValueError("y is constant (after centering): every Lasso solution is zero")
        grid = lmax * np.logspace(0.0, math.log10(eps), n_lams)
    else:
        grid = np.sort(check_penalties(lams))[::-1]
        if grid[-1] <= 0:
            raise ValueError("lams must all be > 0 for the Lasso")
    coefs = np.zeros((grid.size, p))
    n_iter = np.zeros(grid.size, dtype=np.int64)
    gaps = np.zeros(grid.size)
    converged = np.zeros(grid.size, dtype=bool)
    beta = np.zeros(p)
    if stats is not None:
        # No extrapolated warm start here: the kernel follows the previous λ's sign pattern
        # exactly (the path is linear in λ on a fixed pattern), see _gram_kernels.
        coefs, n_iter, gaps, converged = _gram_path(stats, half_rss_grid(grid), tol, max_iter)
        intercepts = stats.y_mean - coefs @ stats.x_mean
    else:
        assert prob is not None
        prev_corr = np.abs(xty)
        prev_lam_half = float(prev_corr.max())
        # the residual and correlations travel along the path: each λ's final ones are the
        # next λ's start (moved by the extrapolation's change only) and strong-rule input
        warm = _Warm(prob.yc.copy())
        for k, lam in enumerate(grid):
            lam_half = to_half_rss(float(lam))
            if k >= 2:
                beta[:] = _extrapolate(coefs[k - 2], coefs[k - 1], grid[k - 2], grid[k - 1], lam)
                if k % _FRESH_RESIDUAL_EVERY == 0:
                    warm.r = None  # recomputed from the data: no drift from the updates
                else:
                    moved = np.flatnonzero(beta != coefs[k - 1])
                    assert warm.r is not None
                    prob.shift_residual(warm.r, moved, beta[moved] - coefs[k - 1, moved])
            # Sequential strong rule: j is likely inactive if |x_jᵀr(λ_prev)| < 2λ − λ_prev.
            strong = np.flatnonzero((prev_corr >= 2.0 * lam_half - prev_lam_half) | (beta != 0))
            n_iter[k], gaps[k], converged[k] = _solve(
                prob, lam_half, beta, tol, max_iter, strong.size, warm=warm, first_ws=strong
            )
            coefs[k] = beta
            assert warm.corr is not None
            prev_corr = np.abs(warm.corr)
            prev_lam_half = lam_half
        intercepts = prob.y_mean - coefs @ prob.x_mean
    if not converged.all():
        worst = int(np.argmax(np.where(converged, -np.inf, gaps)))
        _warn_not_converged(float(grid[worst]), float(gaps[worst]), tol, max_iter)
    if not fit_intercept:
        intercepts = np.zeros(grid.size)
    return LassoPathResult(grid, coefs, np.asarray(intercepts), n_iter, gaps, converged)


# ---------------------------------------------------------------------------------------------
# private machinery

#: lasso_cd(route="auto") considers the Gram route for dense designs with n ≥ this × p ...
_GRAM_MIN_ROWS_PER_COL = 4
#: ... and at most this many features (the p × p matrix and its factor: 2·8·p² bytes).
_GRAM_MAX_P = 4000
#: Fewest coordinate-descent sweeps tried before the Gram route takes over ...
_GRAM_TRIAL_MIN = 5
#: ... and none below this fraction of λ_max (a cold start), where many coefficients are
#: active and coordinate descent needs far more sweeps than the trial's budget.
_GRAM_DIRECT_BELOW = 0.01
#: Most Gram sweeps (O(p·|S|) each) on auto before coordinate descent on the data finishes.
_GRAM_AUTO_MAX_SWEEPS = 5000
#: A Gram-route gap this small, though above tol, is a good start for the sweeps on the data.
_GRAM_CLOSE = 1e-6
#: Largest elastic-net support beyond n solved on its sign pattern (a dense |S|² system).
_EN_PATTERN_MAX = 2000


def _extrapolate(
    b2: NDArray[np.float64], b1: NDArray[np.float64], lam2: float, lam1: float, lam: float
) -> NDArray[np.float64]:
    """Warm start for λ from the solutions at the two previous λ of the path.

    Between two knots the Lasso path is linear in λ (β_A = G_AA⁻¹(X_Aᵀy − λ½·s_A) on a fixed
    active set A with signs s_A), so linear extrapolation on the common support is exact there
    and close elsewhere; coordinates whose sign would flip start at 0. Coordinate descent
    then only has to certify (or correct) the start.
    """
    t = (lam - lam1) / (lam1 - lam2) if lam1 != lam2 else 0.0
    guess = b1 + t * (b1 - b2)
    keep = (b1 != 0.0) & (np.sign(guess) == np.sign(b1))
    return np.where(keep, guess, 0.0)


def _check_lasso_lam(lam: float) -> float:
    lam = check_penalty(lam)
    if lam == 0.0:
        raise ValueError(
            "lam must be > 0 for the Lasso (λ = 0 is least squares: use ridge_closed_form(..., 0))"
        )
    return lam


def _build_problem(
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    fit_intercept: bool,
) -> _Problem | _SparseProblem:
    """The centered problem for a dense or a (validated, CSC) sparse X."""
    if scipy.sparse.issparse(X):
        return _SparseProblem.build(X, y, fit_intercept)
    return _Problem.build(X, y, fit_intercept)


@dataclass
class _Centered:
    """What both problems share: X_c = X − 1·shiftᵀ applied implicitly, y_c, the means.

    ``X`` is the matrix the kernels sweep (dense or CSC), ``shift`` the column means they
    subtract on the fly, ``x_mean`` the true column means (for the intercept), ``yc`` the
    centered response, ``norms2`` the squared norms of the centered columns (0 for constant
    columns).
    """

    X: Any
    shift: NDArray[np.float64]
    x_mean: NDArray[np.float64]
    yc: NDArray[np.float64]
    y_mean: float
    norms2: NDArray[np.float64]

    def corr(self, r: NDArray[np.float64]) -> NDArray[np.float64]:
        """X_cᵀr = Xᵀr − x̄·Σr (zero for constant columns)."""
        out = np.asarray(self.X.T @ r) - self.shift * r.sum()
        out[self.norms2 == 0.0] = 0.0
        return out

    def residual(self, beta: NDArray[np.float64]) -> NDArray[np.float64]:
        """r = y_c − X_cβ = y_c − (Xβ − (shiftᵀβ)·1)."""
        if not np.any(beta):
            return self.yc.copy()
        return self.yc - (np.asarray(self.X @ beta) - float(self.shift @ beta))

    def shift_residual(
        self, r: NDArray[np.float64], idx: NDArray[np.intp], delta: NDArray[np.float64]
    ) -> None:
        """r ← r − X_c[:, idx]·delta in place (the columns that moved only)."""
        if idx.size:
            r -= np.asarray(self.X[:, idx] @ delta) - float(self.shift[idx] @ delta)

    def intercept(self, beta: NDArray[np.float64]) -> float:
        """β₀ = ȳ − x̄ᵀβ."""
        return self.y_mean - float(self.x_mean @ beta)


@dataclass
class _Problem(_Centered):
    """The centered problem, usually without a centered copy of X (kept private).

    ``X`` is the matrix the kernels sweep and ``shift`` the column means they subtract on the
    fly: the caller's array and its means, or — when a column's mean is large against its
    spread, where on-the-fly centering would lose digits — a centered Fortran copy with zero
    shift. ``x_mean`` are the true column means (for the intercept), ``yc`` the centered
    response, ``norms2`` the squared norms of the centered columns (0 for constant columns).
    """

    X: NDArray[np.float64]

    @classmethod
    def build(cls, X: NDArray[np.float64], y: NDArray[np.float64], fit_intercept: bool) -> _Problem:
        n, p = X.shape
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = np.ascontiguousarray(X)
        with np.errstate(over="ignore"):
            raw = np.einsum("ij,ij->j", X, X)
            y_squares = float(y @ y)
        check_finite_from_squares(X, raw)  # NaN, inf, and squares that over- or underflow
        if not math.isfinite(y_squares):
            raise ValueError(_Y_TOO_LARGE)
        if not fit_intercept:
            zero = np.zeros(p)
            return cls(X, zero, zero, y.copy(), 0.0, raw)
        x_mean = X.mean(axis=0)
        norms2 = raw - n * x_mean**2
        const = norms2 <= 1e-12 * raw
        if const.any():
            const[const] = np.ptp(X[:, const], axis=0) == 0
        large_mean = ~const & (x_mean**2 > MAX_MEAN_TO_SD**2 * np.maximum(norms2, 0.0) / n)
        design = None
        if large_mean.any():
            design = center(X, y, True)  # exact centered copy, constant columns exactly 0
            norms2 = np.einsum("ij,ij->j", design.Xc, design.Xc)
        else:
            for j in np.flatnonzero(norms2 <= 1e-12 * raw):  # near-constant: recompute exactly
                col = X[:, j] - x_mean[j]
                norms2[j] = float(col @ col)
            norms2[const] = 0.0
        y_mean = float(y.mean())
        if design is not None:
            return cls(design.Xc, np.zeros(p), x_mean, design.yc, y_mean, norms2)
        return cls(X, x_mean, x_mean, y - y_mean, y_mean, norms2)

    def fortran(self) -> None:
        """Switch to a Fortran-ordered X (fast column sweeps) once sweeps become the cost."""
        if not self.X.flags.f_contiguous:
            self.X = np.asfortranarray(self.X)

    @property
    def max_pattern(self) -> int:
        """Largest support solved on its sign pattern: any (X is dense already)."""
        return self.X.shape[1]

    def pattern_system(self, support: NDArray[np.intp]) -> _Columns:
        """X_cᵀX_c on ``support`` and products with those centered columns."""
        Xs = self.X[:, support] - self.shift[support]
        return _Columns(Xs.T @ Xs, lambda b: Xs @ b, lambda r: Xs.T @ r)


@dataclass
class _SparseProblem(_Centered):
    """The centered problem for a CSC ``X``, centering implicit (the same interface).

    ``shift`` = ``x_mean`` are the column means (zeros without an intercept); ``norms2`` the
    exact squared norms of the centered columns (:func:`sparse_column_stats`). Columns whose
    mean is large against their spread lose digits in the on-the-fly centering, as they
    would for a dense X; a sparse X gets no exactly centered (dense) copy for them.
    """

    X: scipy.sparse.sparray | scipy.sparse.spmatrix

    @classmethod
    def build(
        cls,
        X: scipy.sparse.sparray | scipy.sparse.spmatrix,
        y: NDArray[np.float64],
        fit_intercept: bool,
    ) -> _SparseProblem:
        with np.errstate(over="ignore"):
            y_squares = float(y @ y)
        if not math.isfinite(y_squares):
            raise ValueError(_Y_TOO_LARGE)
        x_mean, norms2 = sparse_column_stats(X, fit_intercept)
        y_mean = float(y.mean()) if fit_intercept else 0.0
        return cls(X, x_mean, x_mean, y - y_mean, y_mean, norms2)

    @property
    def kernel_X(self) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
        """X as the kernels take it: ``(indptr, indices, data)``."""
        return (self.X.indptr, self.X.indices, self.X.data)

    def fortran(self) -> None:
        """Nothing to do: CSC columns are contiguous already."""

    @property
    def max_pattern(self) -> int:
        """Largest support solved on its sign pattern: its dense |S| × |S| Gram matrix must
        stay within O(nnz + n + p) memory."""
        n, p = self.X.shape
        return math.isqrt(self.X.nnz + n + p)

    def pattern_system(self, support: NDArray[np.intp]) -> _Columns:
        """X_cᵀX_c = X_SᵀX_S − n·x̄_S x̄_Sᵀ on ``support`` (dense |S| × |S|), products sparse."""
        Xs = self.X[:, support]
        m = self.shift[support]
        gram = np.asarray((Xs.T @ Xs).toarray()) - self.X.shape[0] * np.outer(m, m)
        return _Columns(
            gram,
            lambda b: np.asarray(Xs @ b) - float(m @ b),
            lambda r: np.asarray(Xs.T @ r) - m * r.sum(),
        )


@dataclass(frozen=True)
class _Columns:
    """Centered columns X_c[:, S]: their Gram matrix and the products X_c[:, S]b, X_c[:, S]ᵀr."""

    gram: NDArray[np.float64]
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]]
    rmatvec: Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _solve(
    prob: _Problem | _SparseProblem,
    lam_half: float,
    beta: NDArray[np.float64],
    tol: float,
    max_iter: int,
    ws_size: int = 0,
    *,
    l2: float = 0.0,
    warm: _Warm | None = None,
    first_ws: NDArray[np.int64] | None = None,
) -> tuple[int, float, bool]:
    """Working-set coordinate descent on ``½‖y_c − X_cβ‖² + λ½‖β‖₁ + ½·l2·‖β‖²``.

    Updates ``beta``. Returns ``(sweeps, relative duality gap, converged)``, converged
    meaning gap ≤ ``tol`` and the KKT conditions hold to ``_KKT_TOL``. With ``l2`` > 0 the
    gap, the screening and the KKT test are those of the augmented design (module docstring):
    correlations X_cᵀr − l2·β, column norms √(‖x_cⱼ‖² + l2). ``warm`` (along a path) brings
    the residual of the starting ``beta`` and takes back the final residual and correlations,
    so that the caller needs no full product of its own. ``first_ws`` (along a path: the
    strong set and the support) is solved to ``tol`` before the first full check, as glmnet
    does, which saves that check's product Xᵀr; the checks that follow certify the result.
    """
    p = prob.X.shape[1]
    norms2 = prob.norms2
    alive = norms2 > 0.0
    if warm is not None and warm.r is not None and not np.any(beta[~alive]):
        r = warm.r
    else:
        beta[~alive] = 0.0
        r = prob.residual(beta)
    norms = np.sqrt(norms2 + l2) if l2 else np.sqrt(norms2)
    n_alive = int(alive.sum())
    epochs = 0
    last_pattern = None  # signs before the previous working-set solve
    tried = None  # the last pattern solved for
    if first_ws is not None:
        ws = np.sort(first_ws[alive[first_ws]]).astype(np.int64)
        if ws.size:
            if ws.size > _F_ORDER_WS:
                prob.fortran()
            last_pattern = np.sign(beta)
            tol_first = _INNER_TOL_FRACTION * tol
            epochs += _solve_working_set(
                prob, r, beta, ws, lam_half, max_iter, tol_first, tol_first, 1, None, l2
            )
    while True:
        pattern = np.sign(beta)
        if (
            last_pattern is not None
            and np.array_equal(pattern, last_pattern)
            and not np.array_equal(pattern, tried)
        ):
            # The sweeps kept the same signs through a whole working-set solve: the pattern
            # is most likely the solution's, where the Lasso is a linear system. Solve it
            # (once per pattern); the gap and KKT test below decide whether it is the optimum.
            r = _solve_on_pattern(prob, beta, lam_half, r, l2)
            tried = pattern
            pattern = np.sign(beta)
        corr = prob.corr(r)
        if l2:
            corr -= l2 * beta  # the augmented design's correlations
        gap_rel, gap, scale = _full_gap(r, beta, corr, lam_half, alive, l2)
        # Converged: objective certified by the gap, and coefficients by the KKT conditions
        # (near a kink of the path a small gap alone can hide a missing tiny coefficient).
        # Screened-out columns are provably zero at the optimum: they are not checked.
        alive_norms2 = np.where(alive, prob.norms2, 0.0)
        done = gap_rel <= tol and (
            kkt_excess(corr, beta, alive_norms2, lam_half, r @ r, _KKT_TOL) <= 0
        )
        if done or n_alive == 0 or epochs >= max_iter:
            if warm is not None:
                warm.r, warm.corr = r, corr
            return epochs, gap_rel, done or (n_alive == 0 and gap_rel <= tol)
        # Gap-safe screening: |x_jᵀθ| + ρ‖x_j‖ < 1 with θ = scale·r/λ½, ρ = √(2·gap)/λ½.
        radius = math.sqrt(2.0 * gap) / lam_half
        theta_corr = np.abs(corr) * (scale / lam_half)
        dead = alive & (theta_corr + radius * norms < 1.0)
        if dead.any():
            moved = np.flatnonzero(dead & (beta != 0.0))
            if moved.size:
                beta[moved] = 0.0
                r = prob.residual(beta)
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
        ws_size = min(max(ws_size, 2 * nnz, _MIN_WS), n_alive)  # ws_size: strong-rule hint
        if ws_size < p:
            ws = np.argpartition(prio, ws_size - 1)[:ws_size]
        else:
            ws = np.arange(p)
        ws = np.sort(ws[alive[ws]]).astype(np.int64)
        if ws.size > _F_ORDER_WS:
            prob.fortran()
        # Solve the working set to 0.3 × the current gap (celer's rule), but sweep it at
        # least as long as one O(np) full check costs, so cheap sweeps are not wasted.
        tol_in = _INNER_TOL_FRACTION * max(tol, min(gap_rel, 1.0))
        min_epochs = min(math.ceil(n_alive / (2 * ws.size)), _MAX_MIN_EPOCHS)
        epochs += _solve_working_set(
            prob,
            r,
            beta,
            ws,
            lam_half,
            max_iter - epochs,
            tol_in,
            _INNER_TOL_FRACTION * tol,
            min_epochs,
            None if tried is None else tried[ws],
            l2,
        )
        ws_size = 0  # next working set: twice the support (celer's rule)
        last_pattern = pattern


@dataclass
class _Warm:
    """A path's state between two λ: the residual of the current β, the last correlations."""

    r: NDArray[np.float64] | None = None
    corr: NDArray[np.float64] | None = None


def _solve_on_pattern(
    prob: _Problem | _SparseProblem,
    beta: NDArray[np.float64],
    lam_half: float,
    r: NDArray[np.float64],
    l2: float = 0.0,
) -> NDArray[np.float64]:
    """On a fixed sign pattern (support S, signs s) solve ``X_SᵀX_S β_S = X_Sᵀy − λ½·s``
    (elastic net: ``(X_SᵀX_S + l2·I) β_S = X_Sᵀy − λ½·s``).

    If the solution keeps the signs s, ``beta`` is overwritten and the new residual returned;
    otherwise (or if ``X_S`` is too ill-conditioned for the refined normal equations, see
    :func:`~bayesreg.solvers._linalg.cholesky_solve_refined`) ``beta`` is left alone and
    ``r`` returned. Cost: one ``syrk`` of the centered support columns, |S|²n/2, a Cholesky.
    """
    support = np.flatnonzero(beta)
    n = prob.X.shape[0]
    # X_SᵀX_S is singular for |S| ≥ n; with the ridge term it is not (the elastic net can
    # keep more than n features), up to a size whose dense system stays small
    most = n - 1 if not l2 else max(n - 1, _EN_PATTERN_MAX)
    if support.size == 0 or support.size > most or support.size > prob.max_pattern:
        return r
    cols = prob.pattern_system(support)
    signs = np.sign(beta[support])
    gram = cols.gram
    if l2:
        gram = gram + l2 * np.eye(support.size)
    x = cholesky_solve_refined(
        gram,
        cols.rmatvec(prob.yc) - lam_half * signs,
        # stationarity, from the data
        lambda b: cols.rmatvec(prob.yc - cols.matvec(b)) - l2 * b - lam_half * signs,
    )
    if x is None or not np.all(x * signs > 0.0):
        return r
    beta[support] = x
    return prob.yc - cols.matvec(x)


def _solve_working_set(
    prob: _Problem | _SparseProblem,
    r: NDArray[np.float64],
    beta: NDArray[np.float64],
    ws: NDArray[np.int64],
    lam_half: float,
    max_epochs: int,
    tol_in: float,
    tol_final: float,
    min_epochs: int,
    tried: NDArray[np.float64] | None,
    l2: float = 0.0,
) -> int:
    """Coordinate descent on the working set with Anderson acceleration (``l2``: elastic net).

    Stops when the restricted gap is ≤ ``tol_final``, or ≤ ``tol_in`` after at least
    ``min_epochs`` sweeps, or when the signs of β have not changed for ``_STABLE_SWEEPS``
    sweeps (slow, ill-conditioned convergence on a settled pattern: the caller then solves
    on the pattern directly) unless they are ``tried``, the signs the caller last solved for.

    Every ``_ANDERSON_K`` sweeps the last iterates are extrapolated (Anderson, 1965; as in
    Bertrand & Massias, 2021); the extrapolated point is kept only when it lowers the
    objective, so convergence guarantees of plain coordinate descent are preserved while
    ill-conditioned (correlated) problems converge in far fewer sweeps.
    """
    X, xbar, norms2, full_beta = prob.X, prob.shift, prob.norms2, beta
    sweep, shift = cd_epochs, shift_residual
    if isinstance(prob, _SparseProblem):
        X, sweep, shift = prob.kernel_X, cd_epochs_csc, shift_residual_csc
    elif not X.flags.f_contiguous:
        # Small working set on a C-ordered X: sweep a compact Fortran copy of its columns.
        X, xbar, norms2 = np.asfortranarray(X[:, ws]), xbar[ws], norms2[ws]
        beta = beta[ws]
        ws_out, ws = ws, np.arange(ws.size, dtype=np.int64)
    K = _ANDERSON_K
    hist = np.empty((K + 1, ws.size))
    hist[0] = beta[ws]
    filled = 1
    epochs = 0
    signs = np.sign(beta[ws])
    stable_since = 0
    while epochs < max_epochs:
        done, gap_in = sweep(X, xbar, r, beta, norms2, ws, lam_half, l2, 1, tol_in, _CHECK_EVERY)
        epochs += done
        if gap_in <= tol_final or (gap_in <= tol_in and epochs >= min_epochs):
            break
        hist[filled] = beta[ws]
        filled += 1
        if filled == K + 1:
            filled = 1
            now = np.sign(hist[K])
            if not np.array_equal(now, signs):
                signs, stable_since = now, epochs
            elif epochs - stable_since >= _STABLE_SWEEPS and not (
                tried is not None and np.array_equal(now, tried)
            ):
                break
            U = np.diff(hist, axis=0)
            try:
                with np.errstate(all="ignore"):  # extreme scales: under/overflow → skipped
                    c = np.linalg.solve(U @ U.T, np.ones(K))
                    c /= c.sum()
            except np.linalg.LinAlgError:
                c = np.full(K, np.nan)
            if not np.all(np.isfinite(c)):
                hist[0] = hist[K]
                continue
            b_acc = c @ hist[1:]
            b_cur = hist[K]
            p_cur = 0.5 * float(r @ r) + lam_half * float(np.abs(b_cur).sum())
            r_acc = r.copy()
            rr_acc = shift(X, xbar, r_acc, ws, b_acc - b_cur)
            p_acc = 0.5 * rr_acc + lam_half * float(np.abs(b_acc).sum())
            if l2:  # the ridge term of the working set (β is fixed outside it)
                p_cur += 0.5 * l2 * float(b_cur @ b_cur)
                p_acc += 0.5 * l2 * float(b_acc @ b_acc)
            # Accept only a decrease beyond rounding noise: near the optimum, extrapolations
            # that "win" by rounding alone would keep undoing the sweeps' progress.
            if p_acc < p_cur * (1.0 - _ANDERSON_MIN_DECREASE):
                beta[ws] = b_acc
                r[:] = r_acc
            hist[0] = beta[ws]
    if beta is not full_beta:
        full_beta[ws_out] = beta
    return epochs


def _full_gap(
    r: NDArray[np.float64],
    beta: NDArray[np.float64],
    corr: NDArray[np.float64],
    lam_half: float,
    alive: NDArray[np.bool_],
    l2: float = 0.0,
) -> tuple[float, float, float]:
    """Relative gap, absolute gap and dual scaling for the full problem.

    Columns screened out (``~alive``) are provably zero at the optimum, so the reduced
    problem has the same optimal value and its gap certifies the full problem. Elastic net:
    ``corr`` must be the augmented X_cᵀr − l2·β; the residual norm gets + l2‖β‖².
    """
    max_corr = float(np.max(np.abs(corr[alive]))) if alive.any() else 0.0
    rr = float(r @ r)
    if l2:
        rr += l2 * float(beta @ beta)
    return lasso_gap(rr, float(np.abs(beta).sum()), max_corr, float(beta @ corr), lam_half)


def _warn_not_converged(lam: float, gap: float, tol: float, max_iter: int, l2: float = 0.0) -> None:
    why = (
        f"relative duality gap {gap:.3e} > tol={tol:.1e}"
        if gap > tol
        else f"relative duality gap {gap:.3e} ≤ tol but KKT conditions violated beyond "
        f"{_KKT_TOL:.0e}·λ"
    )
    what = f"Elastic-net coordinate descent (l2={l2:.6g})" if l2 else "Lasso coordinate descent"
    warnings.warn(
        f"{what} did not converge at lam={lam:.6g}: {why} after max_iter={max_iter} sweeps",
        ConvergenceWarning,
        stacklevel=3,
    )
