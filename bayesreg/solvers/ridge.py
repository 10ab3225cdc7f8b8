"""Ridge regression in closed form.

Objective (see :mod:`bayesreg.conventions`)::

    minimize over (β₀, β):  ‖y − β₀ − Xβ‖²₂ + λ‖β‖²₂

After centering (which profiles out the unpenalized intercept) the minimizer solves the
normal equations ``(XᵀX + λI) β = Xᵀy``. We never form an inverse, and every
large product goes through NumPy's BLAS (mixing in SciPy's, a second OpenBLAS, makes the
two libraries' idle threads compete for the cores):

* n ≥ p: the Gram matrix XᵀX is formed with a symmetric rank-k update (BLAS ``syrk``, half
  the flops of a general product; no centered copy of X unless a column's mean is large
  against its spread) and ``XᵀX + λI`` is solved by Cholesky;
* p > n: the dual (kernel) system ``(XXᵀ + λI) α = y``, n × n, then ``β = Xᵀα``;
* both, for a single λ > 0 and min(n, p) ≥ 64: that one product is first accumulated in
  float32 (mixed precision: half the time of float64 BLAS), factored in float64, and the
  solution refined by residuals computed in float64 through X until the corrections reach
  rounding level, so the answer is as accurate as a float64 factorization's; where that
  cannot be trusted (values outside float32's range, column means over 10 sd, cond(X)²
  beyond ~1/ε₃₂ so that refinement does not contract) the float64 route above takes over;
* several λ at once: one thin SVD ``X = U diag(d) Vᵀ`` gives every solution as
  ``β(λ) = V diag(d / (d² + λ)) Uᵀy`` (each singular direction shrunk by d²/(d² + λ)).

A ``scipy.sparse`` X is never densified nor centered explicitly (X_c = X − 1x̄ᵀ is applied as
``X_cb = Xb − (x̄ᵀb)·1``, ``X_cᵀr = Xᵀr − x̄·Σr``):

* p ≤ ``_SPARSE_GRAM_MAX`` and n ≥ p: the dense p × p Gram ``XᵀX − n·x̄x̄ᵀ`` by Cholesky,
  refined through the data, per λ;
* n ≤ ``_SPARSE_DUAL_MAX`` and n < p: the dense n × n dual ``X_cX_cᵀ``;
* otherwise (or when the normal equations are too ill-conditioned): LSQR
  (:func:`scipy.sparse.linalg.lsqr`, ``damp = √λ``) on the implicitly centered operator.

Every solution but the SVD's is certified by its gradient residual
``‖X_cᵀ(y_c − X_cβ) − λβ‖∞ / ‖X_cᵀy_c‖∞``, reported as ``RidgeResult.grad_residual``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_finite_from_squares,
    check_penalties,
    check_penalty,
    check_Xy,
)
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.solvers._design import (
    MAX_MEAN_TO_SD,
    center,
    centered_gram,
    centered_operator,
    sparse_centered_gram,
    sparse_column_stats,
)
from bayesreg.solvers._linalg import (
    _REFINE_STEPS,
    cholesky_solve_certified,
    cholesky_solve_refined,
)


@dataclass(frozen=True)
class RidgeResult:
    """Solution(s) of ``‖y − β₀ − Xβ‖² + λ‖β‖²``.

    ``coef`` has shape (n_features,) and ``intercept`` is a float for a single λ; for several
    λ, ``coef`` has shape (n_lams, n_features) and ``intercept`` shape (n_lams,).
    ``grad_residual`` (float, or one per λ) is the certificate
    ``‖X_cᵀ(y_c − X_cβ) − λβ‖∞ / ‖X_cᵀy_c‖∞`` (the absolute gradient when X_cᵀy_c = 0),
    computed in float64 through the data; the dense SVD route (several λ, λ = 0, or a
    system too ill-conditioned for the normal equations) leaves it None.
    """

    coef: NDArray[np.float64]
    intercept: float | NDArray[np.float64]
    lam: float | NDArray[np.float64]
    grad_residual: float | NDArray[np.float64] | None = None


def ridge_closed_form(
    X: ArrayLike,
    y: ArrayLike,
    lam: float | ArrayLike,
    *,
    fit_intercept: bool = True,
) -> RidgeResult:
    """Solve Ridge regression ``‖y − β₀ − Xβ‖² + λ‖β‖²`` exactly.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        A sparse matrix is used as CSC (other formats are converted to CSC once, int and
        bool data to float64) and never densified; see the module docstring for its routes.
    y : array-like of shape (n_samples,)
    lam : float or 1-D array-like of floats
        Penalty λ ≥ 0 (scikit-learn's ``Ridge(alpha=λ)`` uses the same scaling). λ = 0 is
        ordinary least squares and needs a full-rank design. A sequence gives all solutions
        through one SVD.
    fit_intercept : bool, default True
        Fit an unpenalized intercept β₀.

    Returns
    -------
    RidgeResult
    """
    # X's finiteness: from its sums of squares below (a sparse X's data: checked here)
    Xa, ya = check_Xy(X, y, finite_X=False, accept_sparse=True)
    several = np.ndim(lam) > 0
    lams = check_penalties(lam, "lam") if several else None
    lam_s = None if several else check_penalty(lam)  # type: ignore[arg-type]
    if scipy.sparse.issparse(Xa):
        return _ridge_sparse(Xa, ya, lams if lams is not None else lam_s, fit_intercept)
    n, p = Xa.shape
    if lam_s is not None and lam_s > 0.0 and min(n, p) >= _MIXED_MIN_SIZE:
        mixed = _ridge_mixed(Xa, ya, lam_s, fit_intercept)
        if mixed is not None:
            return mixed
    if lam_s is not None and lam_s > 0.0 and n >= p:
        stats = centered_gram(Xa, ya, fit_intercept)
        gram = stats.gram
        gram.flat[:: p + 1] += lam_s
        Xd = stats.Xc if stats.Xc is not None else Xa
        shift = stats.x_mean if stats.Xc is None else np.zeros(p)
        yc = ya - stats.y_mean

        def normal_residual(b: NDArray[np.float64]) -> NDArray[np.float64]:
            """X_cᵀ(y_c − X_c b) − λb, with the data residual formed first (no cancellation
            between X_cᵀy_c and X_cᵀX_c b)."""
            r = yc - (Xd @ b - shift @ b)
            if fit_intercept:
                r -= r.mean()
            return Xd.T @ r - shift * r.sum() - lam_s * b

        found = cholesky_solve_certified(gram, stats.xty, normal_residual)
        if found is not None:
            coef, grad, _ = found
            intercept = float(stats.y_mean - coef @ stats.x_mean) if fit_intercept else 0.0
            return RidgeResult(coef, intercept, lam_s, _relative(grad, stats.xty))
        # cond(XᵀX + λI)·eps ≳ 1: the normal equations cannot be solved accurately; the SVD
        # of X below (error ∝ cond(X), not cond(X)²) takes over.
    with np.errstate(over="ignore", invalid="ignore"):
        x_squares = np.einsum("ij,ij->j", Xa, Xa)
        y_norm = float(np.sqrt(ya @ ya))
    check_finite_from_squares(Xa, x_squares)  # NaN, inf, and squares that over- or underflow
    if not np.isfinite(y_norm) or np.sqrt(x_squares.max()) * y_norm > 1e300:
        raise ValueError("X and y have values too large: Xᵀy can overflow float64; rescale")
    design = center(Xa, ya, fit_intercept, order="C")
    Xc, yc = design.Xc, design.yc
    if lams is not None:
        coef = _ridge_svd(Xc, yc, lams)
        intercept = (
            np.asarray(design.intercept(coef), dtype=np.float64)
            if fit_intercept
            else np.zeros(lams.size)
        )
        return RidgeResult(coef, intercept, lams)
    assert lam_s is not None
    dual = None
    if lam_s > 0.0 and n < p:
        # NumPy calls BLAS syrk for a product with its own transpose, n × n
        dual = _ridge_dual(Xc @ Xc.T, yc, lam_s, lambda b: Xc @ b, lambda r: Xc.T @ r)
    if dual is None:  # λ = 0 (rank checked on the singular values), or an ill-conditioned system
        coef, grad_residual = _ridge_svd(Xc, yc, np.array([lam_s]))[0], None
    else:
        coef, grad = dual
        grad_residual = _relative(grad, Xc.T @ yc)
    intercept = float(design.intercept(coef)) if fit_intercept else 0.0
    return RidgeResult(coef, intercept, lam_s, grad_residual)


#: Smallest min(n, p) for the mixed-precision route (below it the float64 products are cheap).
_MIXED_MIN_SIZE = 64
#: Refinement steps of the mixed-precision route: each gains ~log10(1/(cond·ε₃₂·c)) digits.
_MIXED_STEPS = 10


def _ridge_mixed(
    X: NDArray[np.float64], y: NDArray[np.float64], lam: float, fit_intercept: bool
) -> RidgeResult | None:
    """Ridge on dense X with the Gram (n ≥ p) or kernel (p > n) matrix formed in float32.

    The one O(n·p·min(n, p)) product, ``X_cᵀX_c`` or ``X_cX_cᵀ``, is accumulated in float32
    (twice the speed of float64 BLAS) from a float32 copy of the centered X; the system is
    factored in float64 and the solution refined by residuals computed in float64 through X
    itself, centered implicitly, until the corrections reach rounding level: the answer is
    as accurate as the float64 route's, and its gradient residual is reported.

    Returns None, so that the float64 route takes over (and names any problem with the
    data), where this one cannot be trusted: non-finite float32 products (NaN or inf in X,
    values beyond float32's range), columns whose centered float32 copy vanishes without
    the column being constant (values below float32's range), column means over
    ``MAX_MEAN_TO_SD`` standard deviations (the implicit centering of the residuals would
    lose digits), and refinement that does not contract (cond(X)² beyond ~1/ε₃₂).
    """
    n, p = X.shape
    with np.errstate(all="ignore"):  # out of float32's range: seen in the products, next
        x_mean = (np.ones(n) @ X) / n if fit_intercept else np.zeros(p)
        y_mean = float(y.mean()) if fit_intercept else 0.0
        X32 = X.astype(np.float32)  # centered in float32: 3× faster than a casting subtract
        if fit_intercept:
            X32 -= x_mean.astype(np.float32)
        if n >= p:
            product = X32.T @ X32  # NumPy calls BLAS ssyrk for a product with its transpose
            norms2 = np.diag(product).astype(np.float64)
        else:
            product = X32 @ X32.T
            norms2 = np.einsum("ij,ij->j", X32, X32).astype(np.float64)
    if not (np.all(np.isfinite(norms2)) and np.all(np.isfinite(np.diag(product)))):
        return None
    vanished = np.flatnonzero(norms2 <= 1e-20 * n * x_mean**2)
    const = np.zeros(p, dtype=bool)
    if vanished.size:
        if np.any(np.ptp(X[:, vanished], axis=0) != 0):
            return None
        const[vanished] = True
    if np.any((x_mean**2 > MAX_MEAN_TO_SD**2 * norms2 / n) & ~const):
        return None
    Xc = centered_operator(X, x_mean, ~const)
    yc = y - y_mean
    with np.errstate(over="ignore", invalid="ignore"):
        xty = Xc.rmatvec(yc)
    if not np.all(np.isfinite(xty)):
        return None
    system = product.astype(np.float64)
    del product, X32
    if n >= p:
        # a constant column's float32 copy is 0 once float32 rounds x̄ to the value itself
        # (in practice always); zeroing decouples it exactly even where it does not
        system[const, :] = 0.0
        system[:, const] = 0.0
        system.flat[:: p + 1] += lam

        def gradient(b: NDArray[np.float64]) -> NDArray[np.float64]:
            """X_cᵀ(y_c − X_cb) − λb, the data residual first."""
            return Xc.rmatvec(yc - Xc.matvec(b)) - lam * b

        found = cholesky_solve_certified(system, xty, gradient, steps=_MIXED_STEPS)
        if found is None:
            return None
        coef, grad, _ = found
    else:
        dual = _ridge_dual(system, yc, lam, Xc.matvec, Xc.rmatvec, steps=_MIXED_STEPS)
        if dual is None:
            return None
        coef, grad = dual
    intercept = float(y_mean - coef @ x_mean) if fit_intercept else 0.0
    return RidgeResult(coef, intercept, lam, _relative(grad, xty))


def _ridge_dual(
    kernel: NDArray[np.float64],
    yc: NDArray[np.float64],
    lam: float,
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    rmatvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    *,
    steps: int = _REFINE_STEPS,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """β = X_cᵀα with (X_cX_cᵀ + λI) α = y_c, and β's gradient X_cᵀ(y_c − X_cβ) − λβ.

    ``kernel`` is X_cX_cᵀ, or an approximation of it (λ is added to its diagonal in place);
    ``matvec`` and ``rmatvec`` apply X_c and X_cᵀ in float64, for the refinement.
    """
    kernel.flat[:: kernel.shape[0] + 1] += lam
    found = cholesky_solve_certified(
        kernel, yc, lambda a: yc - matvec(rmatvec(a)) - lam * a, steps=steps
    )
    if found is None:
        return None
    alpha, resid, _ = found
    # at β = X_cᵀα the primal gradient X_cᵀ(y_c − X_cβ) − λβ is X_cᵀ(y_c − X_cX_cᵀα − λα)
    return rmatvec(alpha), rmatvec(resid)


def _relative(grad: NDArray[np.float64], xty: NDArray[np.float64]) -> float:
    """‖grad‖∞ / ‖X_cᵀy_c‖∞, the gradient relative to its value at β = 0 (‖grad‖∞ if that is 0)."""
    g = float(np.max(np.abs(grad), initial=0.0))
    scale = float(np.max(np.abs(xty), initial=0.0))
    return g / scale if scale > 0 else g


def _ridge_svd(
    Xc: NDArray[np.float64], yc: NDArray[np.float64], lams: NDArray[np.float64]
) -> np.ndarray:
    u, d, vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
    if np.any(lams == 0.0):
        p = Xc.shape[1]
        tiny = d.max(initial=0.0) * max(Xc.shape) * np.finfo(np.float64).eps
        rank = int(np.count_nonzero(d > tiny))
        if rank < p:
            raise ValueError(
                f"the Ridge system is singular at lam=0: the (centered) design has rank {rank} "
                f"< {p} features; use lam > 0"
            )
    uty = u.T @ yc
    denom = d[None, :] ** 2 + lams[:, None]
    return (d[None, :] * uty[None, :] / denom) @ vt


#: Largest p for the dense p × p Gram route of a sparse X (8·p² bytes: 32 MB here).
_SPARSE_GRAM_MAX = 2000
#: Largest n for the dense n × n dual route of a sparse X with n < p.
_SPARSE_DUAL_MAX = 2000
#: Gradient residual (relative) that certifies a sparse Ridge solution.
_GRAD_TOL = 1e-10
_LSQR_TOL = 1e-14


def _ridge_sparse(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    lam: float | NDArray[np.float64],
    fit_intercept: bool,
) -> RidgeResult:
    """Ridge on a CSC X with implicit centering (routes: module docstring)."""
    n, p = X.shape
    lams = np.atleast_1d(np.asarray(lam, dtype=np.float64))
    x_mean, norms2 = sparse_column_stats(X, fit_intercept)
    y_mean = float(y.mean()) if fit_intercept else 0.0
    yc = y - y_mean
    alive = norms2 > 0.0  # constant columns: coefficient exactly 0

    Xc = centered_operator(X, x_mean, alive)
    matvec, rmatvec = Xc.matvec, Xc.rmatvec

    def gradient(b: NDArray[np.float64], lam_k: float) -> NDArray[np.float64]:
        """X_cᵀ(y_c − X_cb) − λb (half the negative gradient), data residual first."""
        return rmatvec(yc - matvec(b)) - lam_k * b

    with np.errstate(over="ignore"):
        scale = float(np.max(np.abs(rmatvec(yc))))
    if not np.isfinite(scale):
        raise ValueError("X and y have values too large: Xᵀy overflows float64; rescale X or y")
    if np.any(lams == 0.0) and not alive.all():
        raise ValueError(
            f"the Ridge system is singular at lam=0: the (centered) design has "
            f"{int(np.count_nonzero(~alive))} constant column(s); use lam > 0"
        )
    if n >= p and p <= _SPARSE_GRAM_MAX:
        solve = _sparse_gram_solver(X, y, fit_intercept, gradient)
    elif n < p and n <= _SPARSE_DUAL_MAX:
        solve = _sparse_dual_solver(X, x_mean, yc, matvec, rmatvec)
    else:
        solve = None
    coefs = np.zeros((lams.size, p))
    resid = np.zeros(lams.size)
    for k, lam_k in enumerate(lams):
        coef = solve(float(lam_k)) if solve is not None else None
        if coef is None:
            if lam_k == 0.0:
                raise ValueError(
                    "the Ridge system on this sparse design is singular or too "
                    "ill-conditioned at lam=0 (no rank check without densifying X); use lam > 0"
                )
            coef = _sparse_lsqr(matvec, rmatvec, yc, (n, p), float(lam_k), gradient)
        coef[~alive] = 0.0
        coefs[k] = coef
        g = float(np.max(np.abs(gradient(coef, float(lam_k)))))
        resid[k] = g / scale if scale > 0 else g
    if np.any(resid > _GRAD_TOL):
        worst = int(np.argmax(resid))
        warnings.warn(
            f"sparse Ridge at lam={lams[worst]:.6g}: relative gradient residual "
            f"{resid[worst]:.3e} > {_GRAD_TOL:.0e}",
            ConvergenceWarning,
            stacklevel=3,
        )
    intercepts = y_mean - coefs @ x_mean if fit_intercept else np.zeros(lams.size)
    if np.ndim(lam) == 0:
        return RidgeResult(coefs[0], float(intercepts[0]), float(lams[0]), float(resid[0]))
    return RidgeResult(coefs, intercepts, lams, resid)


def _sparse_gram_solver(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    fit_intercept: bool,
    gradient: Callable[[NDArray[np.float64], float], NDArray[np.float64]],
) -> Callable[[float], NDArray[np.float64] | None]:
    """Per λ: (X_cᵀX_c + λI) β = X_cᵀy_c by refined Cholesky on the p × p Gram matrix."""
    stats = sparse_centered_gram(X, y, fit_intercept)
    p = stats.gram.shape[0]
    const = np.diag(stats.gram) == 0.0

    def solve(lam: float) -> NDArray[np.float64] | None:
        a = stats.gram.copy()
        a.flat[:: p + 1] += lam
        a[const, const] = 1.0  # constant columns: β_j = 0 (decoupled)
        return cholesky_solve_refined(a, stats.xty, lambda b: gradient(b, lam))

    return solve


def _sparse_dual_solver(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    x_mean: NDArray[np.float64],
    yc: NDArray[np.float64],
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    rmatvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> Callable[[float], NDArray[np.float64] | None]:
    """Per λ > 0: (X_cX_cᵀ + λI) α = y_c on the n × n kernel, then β = X_cᵀα."""
    u = np.asarray(X @ x_mean)
    kernel = np.asarray((X @ X.T).toarray())
    kernel -= u[:, None] + u[None, :]
    kernel += float(x_mean @ x_mean)
    n = kernel.shape[0]

    def solve(lam: float) -> NDArray[np.float64] | None:
        if lam == 0.0:
            return None  # n < p: singular
        a = kernel.copy()
        a.flat[:: n + 1] += lam
        alpha = cholesky_solve_refined(a, yc, lambda v: yc - matvec(rmatvec(v)) - lam * v)
        return None if alpha is None else rmatvec(alpha)

    return solve


def _sparse_lsqr(
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    rmatvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    yc: NDArray[np.float64],
    shape: tuple[int, int],
    lam: float,
    gradient: Callable[[NDArray[np.float64], float], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """min ‖y_c − X_cβ‖² + λ‖β‖² by LSQR on the implicitly centered, augmented operator.

    The damped problem is the least-squares problem ``‖[y_c; 0] − [X_c; √λ·I]β‖²``, written
    out (rather than LSQR's ``damp``) so that a restart from the current β solves exactly for
    the correction. LSQR stops on ‖X_cᵀr − λβ‖ relative to ‖[X_c; √λI]‖·‖r‖; up to three
    restarts tighten it until the gradient residual is well below ``_GRAD_TOL``.
    """
    n, p = shape
    root = float(np.sqrt(lam))
    op = scipy.sparse.linalg.LinearOperator(
        (n + p, p),
        matvec=lambda b: np.concatenate([matvec(b), root * b]),
        rmatvec=lambda v: rmatvec(v[:n]) + root * v[n:],
        dtype=np.float64,
    )
    coef = np.zeros(p)
    scale = float(np.max(np.abs(rmatvec(yc)))) or 1.0
    for _ in range(4):
        rhs = np.concatenate([yc - matvec(coef), -root * coef])
        coef = (
            coef
            + scipy.sparse.linalg.lsqr(
                op, rhs, atol=_LSQR_TOL, btol=_LSQR_TOL, conlim=1e16, iter_lim=10 * (n + p)
            )[0]
        )
        if float(np.max(np.abs(gradient(coef, lam)))) <= 0.1 * _GRAD_TOL * scale:
            break
    return coef
