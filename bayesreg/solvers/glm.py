"""Penalized generalized linear models by proximal Newton with working sets.

Objective (the deviance scaling, see :mod:`bayesreg.families` and :mod:`bayesreg.conventions`)::

    minimize over (β₀, β):  D(y, β₀ + Xβ) + λ·R(β),    R = ‖β‖₁ ("l1") or ‖β‖²₂ ("l2"),

with D the deviance of the family (for the Gaussian family the RSS) and β₀ unpenalized, or
the elastic net R = ‖β‖₁ + γ‖β‖²₂ (``penalty=ElasticNetPenalty(gamma)``: λ₁ = λ, λ₂ = λγ),
solved as L1 with the ridge term added to the Newton model (its curvature 2λ₂ to every
coordinate's, its gradient 2λ₂β to the gradient).

Method (as in skglm's ``ProxNewton``, Bertrand et al., 2022):

* an *outer* loop computes the gradient of the deviance over **all** features (one BLAS or
  sparse ``Xᵀg``) and the optimality residual there; it stops when that residual is certified
  small, else it picks a *working set*: the non-zero coefficients plus the features of largest
  |xⱼᵀ∂D/∂η| (the strongest KKT violators), twice the support and at least 10 (L1), or all
  features (L2, where every coefficient is non-zero);
* on the working set, *proximal Newton steps*: the deviance is replaced by its quadratic model
  with the IRLS weights w = ∂²D/∂η² of the family, the model is minimized by coordinate
  descent (Numba kernels, dense or CSC, :mod:`~bayesreg.solvers._glm_kernels`; the
  unpenalized intercept is minimized out exactly at every coordinate update, soft-thresholding
  gives exact zeros), and a backtracking (Armijo) line search on the true objective makes the
  step; the inner solve is taken to a fraction of the current violation, and steps on the
  working set repeat until its violation is below 0.3 × the full one. When the sweeps are
  slow (correlated columns: small moves that add up), the model is solved exactly on the
  sign pattern of the sweeps (a weighted |S| × |S| linear system, kept only if the signs
  hold, the L1 analogue of lasso_cd's pattern solves); for L2 the model is solved directly
  when p is moderate. Sweeps always confirm the model's optimality over the working set;
* along a path (:func:`glm_path`), warm starts from λ_max down and the sequential strong rule
  (Tibshirani et al., 2012) to size the first working set of each λ.

Certificate. Convergence is declared only from the optimality residual computed over all
features at the returned point, with g = ∂D/∂η at that point::

    L1:  kkt = max( maxⱼ |smallest element of xⱼᵀg + λ∂|βⱼ||,  |Σᵢgᵢ| ) / λ
    EN:  kkt = max( maxⱼ |smallest element of xⱼᵀg + 2λγβⱼ + λ∂|βⱼ||,  |Σᵢgᵢ| ) / λ
    L2:  kkt = max( maxⱼ |xⱼᵀg + 2λβⱼ|,  |Σᵢgᵢ| ) / max(λ_max, tiny)

(|Σg| only with an intercept; λ_max = ‖Xᵀg‖∞ at the intercept-only fit, the gradient's own
scale, 1 if it is 0). ``converged`` means ``kkt ≤ tol`` or, where tol is below what float64
can resolve, every violation is within the rounding floor 1000·eps·‖g‖₂·maxⱼ‖xⱼ‖.

The Gaussian family is delegated to :func:`~bayesreg.solvers.lasso_cd` (L1; the elastic net
with its ``l2``) and :func:`~bayesreg.solvers.ridge_closed_form` (L2), and its answer
certified the same way.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_finite_from_squares,
    check_penalties,
    check_positive_int,
    check_scale,
    check_shaped,
    check_Xy,
)
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.families import Family, Gaussian, get_family, lambda_max_of, null_eta_of
from bayesreg.penalties import ElasticNetPenalty, L1Penalty, L2Penalty, Penalty
from bayesreg.solvers._design import sparse_column_stats
from bayesreg.solvers._glm_kernels import (
    newton_cd,
    newton_cd_csc,
    weighted_stats,
    weighted_stats_csc,
    ws_gradient,
    ws_gradient_csc,
)

_MIN_WS = 10
#: A working set's Newton steps stop once its violation is ≤ this × the full one (celer/skglm).
_WS_FRACTION = 0.3
#: Each inner coordinate-descent solve goes to this fraction of the current violation.
_INNER_FRACTION = 0.05
_MAX_EPOCHS = 2000  # coordinate sweeps per Newton step
_PATTERN_AFTER = 20  # L1 sweeps before the model is solved on their sign pattern
_PATTERN_FLOPS = 2e9  # largest n·|S|² spent forming a pattern's weighted Gram matrix
_PATTERN_TRIES = 8  # active-set steps (coefficients dropped at 0) per pattern solve
_MAX_PN_STEPS = 50  # Newton steps per working set before the full check
_ARMIJO = 1e-4
_MAX_BACKTRACK = 60
_EPS = float(np.finfo(np.float64).eps)
_FLOOR = 1000.0 * _EPS
_PENALTIES: dict[str, Penalty] = {"l1": L1Penalty(), "l2": L2Penalty()}


@dataclass(frozen=True)
class GLMResult:
    """Solution of ``D(y, β₀ + Xβ) + λ·R(β)``.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        β, with exact zeros off the support (L1).
    intercept : float
        β₀ (0.0 when ``fit_intercept=False``).
    lam : float
        The λ solved for (deviance scaling).
    family, penalty : str
        ``"gaussian"``, ``"binomial"`` or ``"poisson"``; ``"l1"``, ``"l2"`` or
        ``"elasticnet"``.
    n_iter : int
        Proximal Newton steps taken (for the Gaussian family, the delegate's sweeps).
    kkt : float
        Optimality residual at the returned point over all features, relative (module
        docstring: ÷λ for L1, ÷λ_max for L2).
    converged : bool
        ``kkt ≤ tol`` (or all violations within the rounding floor).
    objective : float
        D + λ·R at the returned point.
    """

    coef: NDArray[np.float64]
    intercept: float
    lam: float
    family: str
    penalty: str
    n_iter: int
    kkt: float
    converged: bool
    objective: float
    tol: float = field(repr=False, default=0.0)

    @property
    def support(self) -> NDArray[np.intp]:
        """Indices of the non-zero coefficients."""
        return np.flatnonzero(self.coef)


@dataclass(frozen=True)
class GLMPathResult:
    """Penalized GLM solutions over a decreasing grid of λ (one row of ``coefs`` per λ)."""

    lams: NDArray[np.float64]
    coefs: NDArray[np.float64]
    intercepts: NDArray[np.float64]
    n_iter: NDArray[np.int64]
    kkt: NDArray[np.float64]
    converged: NDArray[np.bool_]
    objectives: NDArray[np.float64]
    family: str
    penalty: str


# ---------------------------------------------------------------------------------------------
# public API


def glm_cd(
    X: ArrayLike,
    y: ArrayLike,
    lam: float,
    *,
    family: str | Family = "binomial",
    penalty: str | Penalty = "l1",
    fit_intercept: bool = True,
    tol: float = 1e-8,
    max_iter: int = 500,
    coef_init: ArrayLike | None = None,
) -> GLMResult:
    """Solve ``D(y, β₀ + Xβ) + λ·R(β)`` by proximal Newton with coordinate-descent inner solves.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        Design (finite). A sparse matrix is used as CSC and never densified; a dense one is
        copied once to Fortran order if it is not already.
    y : array-like of shape (n_samples,)
        Response: binomial 0/1 or two labels (the larger, in sorted order, is 1); Poisson
        non-negative integer counts; Gaussian any real numbers.
    lam : float
        λ > 0 in the deviance scaling (scikit-learn's ``LogisticRegression`` C is 2/λ for L1
        and 1/λ for L2; glmnet's λ is λ/(2n) and λ/n, see :mod:`bayesreg.conventions`).
    family : {"binomial", "poisson", "gaussian"} or a family object, default "binomial"
    penalty : {"l1", "l2"} or a penalty object, default "l1"
        R(β) = ‖β‖₁ or ‖β‖²₂; or :class:`~bayesreg.penalties.L1Penalty`,
        :class:`~bayesreg.penalties.L2Penalty`, or
        :class:`~bayesreg.penalties.ElasticNetPenalty` ``(gamma)`` for the elastic net
        R(β) = ‖β‖₁ + γ‖β‖²₂ (λ₁ = λ, λ₂ = λγ; scikit-learn's
        ``LogisticRegression(penalty="elasticnet", l1_ratio=ρ, C)`` is λ = 2ρ/C, γ = (1 − ρ)/(2ρ)).
    fit_intercept : bool, default True
        Fit an unpenalized intercept β₀.
    tol : float, default 1e-8
        Target of the certified optimality residual ``kkt`` (see the module docstring).
    max_iter : int, default 500
        Maximum number of proximal Newton steps.
    coef_init : array-like of shape (n_features,), optional
        Warm start for β (the intercept starts at its intercept-only value, shifted by the
        mean of Xβ).

    Returns
    -------
    GLMResult

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` steps did not bring ``kkt`` below ``tol``.
    """
    fam, pen, Xa, ya = _validate(X, y, family, penalty)
    lam = check_scale(lam, "lam")
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    beta = np.zeros(Xa.shape[1])
    if coef_init is not None:
        beta[:] = check_shaped(coef_init, beta.shape, "coef_init")
    if isinstance(fam, Gaussian):
        return _gaussian(Xa, ya, lam, pen, fit_intercept, tol, max_iter, beta)
    prob = _Problem.build(Xa, ya, fam, fit_intercept)
    b0 = prob.start_intercept(beta)
    out = _solve(prob, pen, lam, beta, b0, tol, max_iter)
    if not out.converged:
        _warn_not_converged(lam, out.kkt, tol, max_iter)
    return GLMResult(
        beta, out.b0, lam, fam.name, pen.name, out.n_iter, out.kkt, out.converged,
        out.objective, tol,
    )  # fmt: skip


def glm_path(
    X: ArrayLike,
    y: ArrayLike,
    lams: ArrayLike | None = None,
    *,
    family: str | Family = "binomial",
    penalty: str | Penalty = "l1",
    n_lambdas: int = 100,
    eps: float | None = None,
    fit_intercept: bool = True,
    tol: float = 1e-8,
    max_iter: int = 500,
) -> GLMPathResult:
    """Penalized GLM solutions along a grid of λ, from the largest down, with warm starts.

    Parameters
    ----------
    X, y, family, penalty, fit_intercept, tol
        As in :func:`glm_cd`.
    lams : array-like, optional
        λ values (deviance scaling, all > 0), solved and returned in decreasing order.
        Default: ``n_lambdas`` values log-spaced from λ_max (L1; for L2, 1000·λ_max, where
        the fit is nearly null) down to ``eps`` times that.
    n_lambdas : int, default 100
        Grid size when ``lams`` is not given.
    eps : float, optional
        Ratio of the smallest to the largest λ of the default grid; default 1e-2 when
        n < p, else 1e-4 (glmnet's rule).
    max_iter : int, default 500
        Proximal Newton steps per λ.

    Returns
    -------
    GLMPathResult
    """
    fam, pen, Xa, ya = _validate(X, y, family, penalty)
    tol = check_scale(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    n, p = Xa.shape
    if lams is None:
        n_lambdas = check_positive_int(n_lambdas, "n_lambdas")
        eps = check_scale(eps if eps is not None else (1e-2 if n < p else 1e-4), "eps")
        top = lambda_max_of(fam, Xa, ya, fit_intercept)
        if pen.name == "l2":
            top *= 1e3
        if top <= 0.0:
            raise ValueError("λ_max is 0 (X is orthogonal to the null residual): give lams")
        grid = top * np.logspace(0.0, math.log10(eps), n_lambdas)
    else:
        grid = np.sort(check_penalties(lams))[::-1]
        if grid[-1] <= 0:
            raise ValueError(f"lams must all be > 0; got min {grid[-1]!r}")
    m = grid.size
    coefs = np.zeros((m, p))
    intercepts = np.zeros(m)
    n_iter = np.zeros(m, dtype=np.int64)
    kkt = np.zeros(m)
    converged = np.zeros(m, dtype=bool)
    objectives = np.zeros(m)
    beta = np.zeros(p)
    if isinstance(fam, Gaussian):
        for k, lam in enumerate(grid):
            res = _gaussian(Xa, ya, float(lam), pen, fit_intercept, tol, max_iter, beta, False)
            beta = res.coef.copy()
            coefs[k], intercepts[k], n_iter[k] = res.coef, res.intercept, res.n_iter
            kkt[k], converged[k], objectives[k] = res.kkt, res.converged, res.objective
    else:
        prob = _Problem.build(Xa, ya, fam, fit_intercept)
        b0 = prob.start_intercept(beta)
        prev_grad, prev_lam = None, None
        for k, lam in enumerate(grid):
            hint = 0
            if prev_grad is not None and pen.name == "l1":
                # sequential strong rule: j likely inactive if |xⱼᵀg(λ_prev)| < 2λ − λ_prev
                hint = int(np.count_nonzero((prev_grad >= 2.0 * lam - prev_lam) | (beta != 0)))
            out = _solve(prob, pen, float(lam), beta, b0, tol, max_iter, hint)
            b0 = out.b0
            prev_grad, prev_lam = np.abs(out.grad), float(lam)
            coefs[k], intercepts[k], n_iter[k] = beta, b0, out.n_iter
            kkt[k], converged[k], objectives[k] = out.kkt, out.converged, out.objective
    if not converged.all():
        worst = int(np.argmax(np.where(converged, -np.inf, kkt)))
        _warn_not_converged(float(grid[worst]), float(kkt[worst]), tol, max_iter)
    return GLMPathResult(
        grid, coefs, intercepts, n_iter, kkt, converged, objectives, fam.name, pen.name
    )


# ---------------------------------------------------------------------------------------------
# private machinery


def _validate(
    X: ArrayLike, y: ArrayLike, family: str | Family, penalty: str | Penalty
) -> tuple[Family, Penalty, Any, NDArray[np.float64]]:
    fam = get_family(family)
    pen = _penalty(penalty)
    y_float, _ = fam.validate_y(y)
    Xa, ya = check_Xy(X, y_float, accept_sparse=True)
    return fam, pen, Xa, ya


def _penalty(penalty: str | Penalty) -> Penalty:
    """A penalty object from ``"l1"``, ``"l2"`` or a penalty object itself."""
    if isinstance(penalty, L1Penalty | L2Penalty | ElasticNetPenalty):
        return penalty
    if penalty == "elasticnet":
        raise ValueError(
            "penalty 'elasticnet' needs its ratio γ = λ₂/λ₁: pass ElasticNetPenalty(gamma)"
        )
    if not isinstance(penalty, str) or penalty not in _PENALTIES:
        raise ValueError(
            f"penalty must be 'l1' or 'l2'; got {penalty!r} (or a penalty object such as "
            "ElasticNetPenalty(gamma))"
        )
    return _PENALTIES[penalty]


def _l2_weight(pen: Penalty, lam: float) -> float:
    """λ₂ of the elastic net's ridge term (0 for the other penalties)."""
    return pen.l2_weight(lam) if isinstance(pen, ElasticNetPenalty) else 0.0


@dataclass
class _Problem:
    """X as the kernels take it (Fortran-ordered dense, or CSC) with y and the family."""

    X: Any
    y: NDArray[np.float64]
    family: Family
    fit_intercept: bool
    sparse: bool
    max_col_norm: float
    #: λ_max = ‖Xᵀg‖∞ at the intercept-only fit (the scale of the L2 residual).
    grad_scale: float
    #: Columns that can carry a coefficient: not all zero, and not constant with an
    #: intercept (the others stay exactly 0).
    alive: NDArray[np.bool_]

    @classmethod
    def build(cls, X: Any, y: NDArray[np.float64], family: Family, fit_intercept: bool) -> _Problem:
        sparse = scipy.sparse.issparse(X)
        if sparse:
            _, centered2 = sparse_column_stats(X, fit_intercept)  # exact 0 for constant columns
            norms2 = np.asarray(X.multiply(X).sum(axis=0)).ravel()
            alive = centered2 > 0.0
        else:
            X = np.asfortranarray(X)
            with np.errstate(over="ignore"):
                norms2 = np.einsum("ij,ij->j", X, X)
            check_finite_from_squares(X, norms2)
            alive = norms2 > 0.0
            if fit_intercept:
                alive &= np.ptp(X, axis=0) > 0.0
        col = float(np.sqrt(norms2.max()))
        if fit_intercept:
            col = max(col, math.sqrt(X.shape[0]))
        scale = lambda_max_of(family, X, y, fit_intercept)
        return cls(X, y, family, fit_intercept, sparse, col, scale, alive)

    @property
    def kernel_X(self) -> Any:
        return (self.X.indptr, self.X.indices, self.X.data) if self.sparse else self.X

    def matvec(self, beta: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.X @ beta, dtype=np.float64)

    def rmatvec(self, g: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.X.T @ g, dtype=np.float64)

    def cols_matvec(self, cols: NDArray[np.int64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        """X[:, cols] @ b."""
        return np.asarray(self.X[:, cols] @ b, dtype=np.float64)

    def start_intercept(self, beta: NDArray[np.float64]) -> float:
        """The intercept-only optimum, shifted by the mean of Xβ for a warm start."""
        if not self.fit_intercept:
            return 0.0
        b0 = null_eta_of(self.family, self.y, True)
        if np.any(beta):
            b0 -= float(np.mean(self.matvec(beta)))
        return b0


@dataclass(frozen=True)
class _Outcome:
    b0: float
    n_iter: int
    kkt: float
    converged: bool
    objective: float
    grad: NDArray[np.float64]  # Xᵀg at the returned point (for the strong rule)


def _violation(
    pen: Penalty, beta: NDArray[np.float64], grad: NDArray[np.float64], lam: float, g0: float
) -> float:
    s = pen.min_norm_subgradient(beta, grad, lam)
    v = float(np.max(np.abs(s))) if s.size else 0.0
    return max(v, abs(g0))


def _solve(
    prob: _Problem,
    pen: Penalty,
    lam: float,
    beta: NDArray[np.float64],
    b0: float,
    tol: float,
    max_iter: int,
    ws_hint: int = 0,
) -> _Outcome:
    """Proximal Newton with working sets from (β, β₀); updates ``beta`` in place."""
    fam, y, fit = prob.family, prob.y, prob.fit_intercept
    n = prob.X.shape[0]
    l1 = pen.name != "l2"  # the elastic net is L1 with a ridge term (l2w) in the model
    l2w = _l2_weight(pen, lam)
    scale = lam if l1 else (prob.grad_scale if prob.grad_scale > 0.0 else 1.0)
    tol_abs = tol * scale
    kx = prob.kernel_X
    cd, stats, ws_grad = (
        (newton_cd_csc, weighted_stats_csc, ws_gradient_csc)
        if prob.sparse
        else (newton_cd, weighted_stats, ws_gradient)
    )
    beta[~prob.alive] = 0.0
    with np.errstate(all="ignore"):
        eta = b0 + prob.matvec(beta)
        dev = fam.deviance(y, eta)
    if not math.isfinite(dev):  # a warm start out of range: start from the null fit
        beta[:] = 0.0
        b0 = prob.start_intercept(beta)
        eta = np.full(n, b0)
        dev = fam.deviance(y, eta)
    beta[~prob.alive] = 0.0
    alive_idx = np.flatnonzero(prob.alive).astype(np.int64)
    reg = pen.value(beta)
    obj = dev + lam * reg
    n_iter = 0
    ws_size = ws_hint
    while True:
        g = fam.gradient(y, eta)
        grad = prob.rmatvec(g)
        g0 = float(g.sum()) if fit else 0.0
        viol = _violation(pen, beta, grad, lam, g0)
        floor = _FLOOR * float(np.sqrt(g @ g)) * prob.max_col_norm
        if viol <= max(tol_abs, floor) or n_iter >= max_iter:
            break
        if l1:
            nnz = int(np.count_nonzero(beta))
            size = min(alive_idx.size, max(2 * nnz, _MIN_WS, ws_size))
            if size >= alive_idx.size:
                ws = alive_idx
            else:
                prio = np.abs(grad)
                prio[beta != 0.0] = np.inf
                prio[~prob.alive] = -np.inf
                ws = np.sort(np.argpartition(-prio, size - 1)[:size]).astype(np.int64)
        else:
            ws = alive_idx
        ws_size = 0
        target = max(_WS_FRACTION * viol, tol_abs, floor)
        m_ws = np.empty(ws.size)
        h_ws = np.empty(ws.size)
        g_ws = grad[ws]
        v_ws = _violation(pen, beta[ws], g_ws, lam, g0)
        stalled = False
        for _ in range(_MAX_PN_STEPS):
            if n_iter >= max_iter or v_ws <= target:
                break
            w = fam.hessian_weights(eta)
            w_sum = float(w.sum())
            if not (w_sum > 0.0 and math.isfinite(w_sum)):
                stalled = True
                break
            stats(kx, ws, w, w_sum, fit, m_ws, h_ws)
            q = g.copy()
            d = np.zeros(n)
            d0 = 0.0
            if fit:
                d0 = -float(g.sum()) / w_sum
                d += d0
                q += w * d0
            b_old = beta[ws]
            b_new = b_old.copy()
            tol_in = max(_INNER_FRACTION * v_ws, 0.1 * tol_abs)
            # L2: the model is a linear system, solved directly; L1: sweeps first, and if they
            # are slow (correlated columns), the model on the sweeps' sign pattern is solved
            # exactly; sweeps then finish (or just confirm) from there.
            epochs = 0
            if l1:
                epochs, dd0 = cd(
                    kx, ws, b_new, m_ws, h_ws, w, q, d, lam, l1, l2w, _PATTERN_AFTER, tol_in
                )
                d0 += dd0
            if epochs == _PATTERN_AFTER or not l1:
                sol = _pattern_solve(prob, ws, b_old, b_new, m_ws, w, w_sum, g, lam, l1, l2w)
                if sol is not None:
                    b_new = sol
                    step = b_new - b_old
                    d0 = (-float(g.sum()) / w_sum if fit else 0.0) - float(m_ws @ step)
                    d = prob.cols_matvec(ws, step) + d0
                    q = g + w * d
            _, dd0 = cd(kx, ws, b_new, m_ws, h_ws, w, q, d, lam, l1, l2w, _MAX_EPOCHS, tol_in)
            d0 += dd0
            n_iter += 1
            if d0 == 0.0 and np.array_equal(b_new, b_old):
                stalled = True  # the model's minimizer is the current point
                break
            # Armijo backtracking on the true objective; D bounds the decrease (Tseng & Yun).
            # Near the optimum gᵀd is lost to rounding and D can come out ≥ 0: then the full
            # step is taken if the objective does not rise beyond its own rounding.
            reg_ws_old = pen.value(b_old)
            decrease = min(float(g @ d) + lam * (pen.value(b_new) - reg_ws_old), 0.0)
            slack = 1e-13 * (abs(obj) + 1.0)  # rounding of D + λR, in which no progress shows
            t = 1.0
            accepted = False
            with np.errstate(all="ignore"):
                for _ in range(_MAX_BACKTRACK):
                    b_t = b_new if t == 1.0 else b_old + t * (b_new - b_old)
                    eta_t = eta + t * d
                    reg_t = reg - reg_ws_old + pen.value(b_t)
                    obj_t = fam.deviance(y, eta_t) + lam * reg_t
                    if obj_t <= obj + _ARMIJO * t * decrease + slack:
                        accepted = True
                        break
                    t *= 0.5
            if not accepted:
                stalled = True
                break
            beta[ws] = b_t
            b0 += t * d0
            eta, obj, reg = eta_t, obj_t, reg_t
            g = fam.gradient(y, eta)
            ws_grad(kx, ws, g, g_ws)
            g0 = float(g.sum()) if fit else 0.0
            v_ws = _violation(pen, beta[ws], g_ws, lam, g0)
        if stalled and v_ws > target:
            # No descent left on this working set at working precision: one full check, then
            # stop (the certificate below tells whether the point is optimal).
            g = fam.gradient(y, eta)
            grad = prob.rmatvec(g)
            g0 = float(g.sum()) if fit else 0.0
            viol = _violation(pen, beta, grad, lam, g0)
            floor = _FLOOR * float(np.sqrt(g @ g)) * prob.max_col_norm
            break
    kkt = viol / scale
    converged = viol <= max(tol_abs, floor)
    return _Outcome(b0 if fit else 0.0, n_iter, kkt, bool(converged), float(obj), grad)


def _pattern_solve(
    prob: _Problem,
    ws: NDArray[np.int64],
    b_old: NDArray[np.float64],
    b_cur: NDArray[np.float64],
    m_ws: NDArray[np.float64],
    w: NDArray[np.float64],
    w_sum: float,
    g: NDArray[np.float64],
    lam: float,
    l1: bool,
    l2w: float = 0.0,
) -> NDArray[np.float64] | None:
    """Exact minimizer of the Newton model over ``ws`` on the sign pattern of ``b_cur`` (L1).

    With the weighted-centered columns X̃ = X − 1mᵀ (the intercept minimized out), the
    model's stationarity on the support S with signs s reads
    ``X̃_SᵀWX̃_S β_S = X̃_Sᵀ(W·X̃_ws b_old − g) − λs`` (L2: ``+ 2λI`` on the left, no λs, S
    all of ``ws``; elastic net: ``+ 2λ₂I`` on the left, λ₂ = ``l2w``). Returns the new β on
    ``ws`` (0 off S), or None when the solution leaves the pattern, the system is singular, or
    forming it would cost more than ``_PATTERN_FLOPS``.
    """
    n = prob.X.shape[0]
    sel = np.flatnonzero(b_cur) if l1 else np.arange(ws.size)
    if sel.size == 0 or n * float(sel.size) ** 2 > _PATTERN_FLOPS or (l1 and sel.size >= n):
        return None
    cols = ws[sel]
    m_s = m_ws[sel]
    XS = prob.X[:, cols]
    u = prob.cols_matvec(ws, b_old) - float(m_ws @ b_old)
    r = w * u - g
    rhs = np.asarray(XS.T @ r, dtype=np.float64).ravel() + m_s * float(g.sum())
    if prob.sparse:
        H = np.asarray((XS.T @ XS.multiply(w[:, None]).tocsc()).toarray())
    else:
        H = XS.T @ (w[:, None] * XS)
    H -= w_sum * np.outer(m_s, m_s)
    if l2w:
        H.flat[:: sel.size + 1] += 2.0 * l2w
    if not l1:
        H.flat[:: sel.size + 1] += 2.0 * lam
        x = _solve_or_none(H, rhs)
        if x is None:
            return None
        out = np.zeros(ws.size)
        out[sel] = x
        return out
    # L1, an active-set loop on the face of b_cur's orthant: if the pattern's solution flips
    # signs, move from the current point towards it until the first coefficient reaches 0
    # (the model decreases along the way: it is convex on the face, with its minimum at the
    # solution), drop that coefficient, and solve again on the smaller pattern (a sub-block
    # of the same system).
    b = b_cur[sel].copy()
    keep = np.arange(sel.size)
    for _ in range(_PATTERN_TRIES):
        signs = np.sign(b[keep])
        x = _solve_or_none(H[np.ix_(keep, keep)], rhs[keep] - lam * signs)
        if x is None:
            break
        flipped = np.sign(x) != signs
        if not flipped.any():
            b[keep] = x
            break
        cur = b[keep]
        with np.errstate(divide="ignore", invalid="ignore"):
            t_hit = np.where(flipped, cur / (cur - x), np.inf)
        t = float(np.min(t_hit))
        b[keep] = cur + t * (x - cur)
        b[keep[t_hit <= t]] = 0.0
        keep = keep[b[keep] != 0.0]
        if keep.size == 0:
            break
    if np.array_equal(b, b_cur[sel]):
        return None
    out = np.zeros(ws.size)
    out[sel] = b
    return out


def _solve_or_none(H: NDArray[np.float64], rhs: NDArray[np.float64]) -> NDArray[np.float64] | None:
    try:
        x = np.linalg.solve(H, rhs)
    except np.linalg.LinAlgError:
        return None
    return x if np.all(np.isfinite(x)) else None


def _gaussian(
    X: Any,
    y: NDArray[np.float64],
    lam: float,
    pen: Penalty,
    fit_intercept: bool,
    tol: float,
    max_iter: int,
    beta: NDArray[np.float64],
    warn: bool = True,
) -> GLMResult:
    """The Gaussian family: ``lasso_cd`` (L1, elastic net) or ``ridge_closed_form`` (L2),
    certified here."""
    from bayesreg.solvers.lasso import lasso_cd
    from bayesreg.solvers.ridge import ridge_closed_form

    n_iter = 0
    if pen.name != "l2":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = lasso_cd(
                X, y, lam, fit_intercept=fit_intercept, max_iter=max(max_iter, 20_000),
                coef_init=beta if np.any(beta) else None, l2=_l2_weight(pen, lam),
            )  # fmt: skip
        coef, b0, n_iter = res.coef, float(res.intercept), res.n_iter
    else:
        ridge = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
        coef, b0 = np.asarray(ridge.coef, dtype=np.float64), float(ridge.intercept)
    fam = Gaussian()
    prob = _Problem.build(X, y, fam, fit_intercept)
    eta = b0 + prob.matvec(coef)
    g = fam.gradient(y, eta)
    viol = _violation(pen, coef, prob.rmatvec(g), lam, float(g.sum()) if fit_intercept else 0.0)
    scale = lam if pen.name != "l2" else (prob.grad_scale if prob.grad_scale > 0.0 else 1.0)
    floor = _FLOOR * float(np.sqrt(g @ g)) * prob.max_col_norm
    converged = bool(viol <= max(tol * scale, floor))
    if warn and not converged:
        _warn_not_converged(lam, viol / scale, tol, max_iter)
    obj = fam.deviance(y, eta) + lam * pen.value(coef)
    return GLMResult(coef, b0, lam, fam.name, pen.name, n_iter, viol / scale, converged, obj, tol)


def _warn_not_converged(lam: float, kkt: float, tol: float, max_iter: int) -> None:
    warnings.warn(
        f"GLM proximal Newton did not converge at lam={lam:.6g}: optimality residual "
        f"{kkt:.3e} > tol={tol:.1e} (max_iter={max_iter} Newton steps)",
        ConvergenceWarning,
        stacklevel=3,
    )
