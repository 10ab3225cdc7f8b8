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
* several λ at once: one thin SVD ``X = U diag(d) Vᵀ`` gives every solution as
  ``β(λ) = V diag(d / (d² + λ)) Uᵀy`` (each singular direction shrunk by d²/(d² + λ)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_finite_from_squares,
    check_penalties,
    check_penalty,
    check_Xy,
)
from bayesreg.solvers._design import center, centered_gram
from bayesreg.solvers._linalg import cholesky_solve_refined


@dataclass(frozen=True)
class RidgeResult:
    """Solution(s) of ``‖y − β₀ − Xβ‖² + λ‖β‖²``.

    ``coef`` has shape (n_features,) and ``intercept`` is a float for a single λ; for several
    λ, ``coef`` has shape (n_lams, n_features) and ``intercept`` shape (n_lams,).
    """

    coef: NDArray[np.float64]
    intercept: float | NDArray[np.float64]
    lam: float | NDArray[np.float64]


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
    X : array-like of shape (n_samples, n_features)
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
    Xa, ya = check_Xy(X, y, finite_X=False)  # X's finiteness: from its sums of squares below
    several = np.ndim(lam) > 0
    lams = check_penalties(lam, "lam") if several else None
    lam_s = None if several else check_penalty(lam)  # type: ignore[arg-type]
    n, p = Xa.shape
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

        coef = cholesky_solve_refined(gram, stats.xty, normal_residual)
        if coef is not None:
            intercept = float(stats.y_mean - coef @ stats.x_mean) if fit_intercept else 0.0
            return RidgeResult(coef, intercept, lam_s)
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
    coef = None if lam_s == 0.0 or n >= p else _ridge_dual(Xc, yc, lam_s)
    if coef is None:  # λ = 0 (rank checked on the singular values), or an ill-conditioned system
        coef = _ridge_svd(Xc, yc, np.array([lam_s]))[0]
    intercept = float(design.intercept(coef)) if fit_intercept else 0.0
    return RidgeResult(coef, intercept, lam_s)


def _ridge_dual(
    Xc: NDArray[np.float64], yc: NDArray[np.float64], lam: float
) -> NDArray[np.float64] | None:
    kernel = Xc @ Xc.T  # NumPy calls BLAS syrk for a product with its own transpose, n × n
    kernel.flat[:: kernel.shape[0] + 1] += lam
    alpha = cholesky_solve_refined(kernel, yc, lambda a: yc - Xc @ (Xc.T @ a) - lam * a)
    return None if alpha is None else Xc.T @ alpha


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
