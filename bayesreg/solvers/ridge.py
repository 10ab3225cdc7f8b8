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

from bayesreg._validation import check_penalties, check_penalty, check_Xy
from bayesreg.solvers._design import center, centered_gram


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
    Xa, ya = check_Xy(X, y, finite=False)  # finiteness: from XᵀX below, or checked here
    several = np.ndim(lam) > 0
    lams = check_penalties(lam, "lam") if several else None
    lam_s = None if several else check_penalty(lam)  # type: ignore[arg-type]
    n, p = Xa.shape
    if lam_s is not None and lam_s > 0.0 and n >= p:
        stats = centered_gram(Xa, ya, fit_intercept)
        gram = stats.gram
        gram.flat[:: p + 1] += lam_s
        coef = _cho_solve(gram, stats.xty, lam_s)
        intercept = float(stats.y_mean - coef @ stats.x_mean) if fit_intercept else 0.0
        return RidgeResult(coef, intercept, lam_s)
    Xa, ya = check_Xy(Xa, ya)
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
    if lam_s == 0.0:  # least squares: needs a full-rank design, checked on the singular values
        coef = _ridge_svd(Xc, yc, np.zeros(1))[0]
    else:
        coef = _ridge_dual(Xc, yc, lam_s)
    intercept = float(design.intercept(coef)) if fit_intercept else 0.0
    return RidgeResult(coef, intercept, lam_s)


def _ridge_dual(Xc: NDArray[np.float64], yc: NDArray[np.float64], lam: float) -> np.ndarray:
    kernel = Xc @ Xc.T  # NumPy calls BLAS syrk for a product with its own transpose, n × n
    kernel.flat[:: kernel.shape[0] + 1] += lam
    alpha = _cho_solve(kernel, yc, lam)
    return Xc.T @ alpha


def _cho_solve(a: NDArray[np.float64], b: NDArray[np.float64], lam: float) -> np.ndarray:
    """Solve the symmetric positive definite system ``a x = b`` by Cholesky."""
    try:
        low = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"the Ridge system is singular at lam={lam!r} (rank-deficient design); use lam > 0"
        ) from None
    z = scipy.linalg.solve_triangular(low, b, lower=True, check_finite=False)
    return scipy.linalg.solve_triangular(low, z, lower=True, trans=1, check_finite=False)


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
