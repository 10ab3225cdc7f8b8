"""Centering of the design for an unpenalized intercept (private, shared by the solvers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from numpy.typing import NDArray

from bayesreg._validation import check_finite_from_squares

#: Largest |mean|/sd of a column for which the cheap formulas Σx² − n·x̄² and XᵀX − n·x̄x̄ᵀ
#: are used; they lose about log10(1 + ratio²) digits, at most 2 here. Beyond it, exact
#: centered sums are computed.
MAX_MEAN_TO_SD = 10.0

#: The same bound for XᵀX − n·x̄x̄ᵀ when the Gram matrix *is* the problem (Ridge, the Lasso
#: path on a tall design): a relative error in G is multiplied by cond(G) in the solution,
#: so only means ≤ 0.1 sd (≤ 0.01 digit lost) take the cheap formula.
GRAM_MAX_MEAN_TO_SD = 0.1


@dataclass(frozen=True)
class CenteredDesign:
    """``X`` and ``y`` with their means removed (when fitting an intercept).

    Minimizing over the unpenalized intercept first gives β₀ = ȳ − x̄ᵀβ, so the penalized
    problem in β is the same problem on centered data. ``Xc`` is a fresh array in the order
    asked of :func:`center` (Fortran by default: contiguous columns for coordinate descent);
    constant columns are exactly zero.
    """

    Xc: NDArray[np.float64]
    yc: NDArray[np.float64]
    X_mean: NDArray[np.float64]
    y_mean: float

    def intercept(self, coef: NDArray[np.float64]) -> NDArray[np.float64] | float:
        """β₀ = ȳ − x̄ᵀβ (β may be a stack of coefficient vectors, one per row)."""
        return self.y_mean - coef @ self.X_mean


def center(
    X: NDArray[np.float64], y: NDArray[np.float64], fit_intercept: bool, order: str = "F"
) -> CenteredDesign:
    """Center X and y when ``fit_intercept``; always return a fresh array in ``order``."""
    p = X.shape[1]
    if not fit_intercept:
        Xc = np.array(X, dtype=np.float64, order=order, copy=True)
        return CenteredDesign(Xc, np.array(y, dtype=np.float64), np.zeros(p), 0.0)
    X_mean = X.mean(axis=0)
    y_mean = float(y.mean())
    Xc = np.empty(X.shape, dtype=np.float64, order=order)
    np.subtract(X, X_mean, out=Xc)
    const = np.ptp(X, axis=0) == 0
    if const.any():
        Xc[:, const] = 0.0
    return CenteredDesign(Xc, y - y_mean, X_mean, y_mean)


@dataclass(frozen=True)
class GramStats:
    """Centered cross-products: ``X_cᵀX_c``, ``X_cᵀy_c``, ``y_cᵀy_c`` and the means.

    ``Xc`` is the exactly centered copy of X when one had to be made (large column means),
    else None (X itself, with ``x_mean`` subtracted on the fly, is accurate).
    """

    gram: NDArray[np.float64]
    xty: NDArray[np.float64]
    yty: float
    x_mean: NDArray[np.float64]
    y_mean: float
    Xc: NDArray[np.float64] | None = None


def centered_gram(X: NDArray[np.float64], y: NDArray[np.float64], fit_intercept: bool) -> GramStats:
    """X_cᵀX_c, X_cᵀy_c, y_cᵀy_c without a centered copy of X when that is accurate.

    All products go through NumPy's BLAS (``XᵀX`` is a ``syrk``). Callers should not mix in
    SciPy's BLAS, a second OpenBLAS whose idle, spinning threads slow this one down. X need
    not have been checked for NaN and inf: its column sums of squares, computed here anyway,
    do it (:func:`~bayesreg._validation.check_finite_from_squares`) without another pass.
    """
    n, p = X.shape
    Xc = None
    if not fit_intercept:
        with np.errstate(over="ignore", invalid="ignore"):  # NaN, inf, overflow: checked next
            gram = X.T @ X  # NumPy calls BLAS syrk for XᵀX
        raw_diag = np.diag(gram).copy()
        check_finite_from_squares(X, raw_diag)
        x_mean, y_mean = np.zeros(p), 0.0
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            raw_diag = np.einsum("ij,ij->j", X, X)
        check_finite_from_squares(X, raw_diag)
        x_mean, y_mean = X.mean(axis=0), float(y.mean())
        var = raw_diag / n - x_mean**2
        if np.any(x_mean**2 > GRAM_MAX_MEAN_TO_SD**2 * np.maximum(var, 0.0)):
            Xc = center(X, y, True).Xc
            gram = Xc.T @ Xc
        else:
            gram = X.T @ X
            gram -= n * np.outer(x_mean, x_mean)
    yc = y - y_mean
    with np.errstate(over="ignore", invalid="ignore"):
        # with the cheap formula, Σ(x − x̄)(y − ȳ) = Σ x (y − ȳ): X itself will do
        xty = (X if Xc is None else Xc).T @ yc
    if not np.all(np.isfinite(xty)):
        raise ValueError("X and y have values too large: Xᵀy overflows float64; rescale X or y")
    # Constant columns (zero variance) must be exactly zero, not rounding noise.
    suspect = np.flatnonzero(np.diag(gram) <= 1e-12 * raw_diag)
    if fit_intercept and suspect.size:
        const = suspect[np.ptp(X[:, suspect], axis=0) == 0]
        gram[const, :] = 0.0
        gram[:, const] = 0.0
        xty[const] = 0.0
    with np.errstate(over="ignore"):  # a huge y: inf here, which only the Lasso minds
        yty = float(yc @ yc)
    return GramStats(gram, xty, yty, x_mean, y_mean, Xc)


def sparse_column_stats(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix, fit_intercept: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column means and squared norms of the centered columns of a CSC matrix, O(nnz).

    ``‖x_j − x̄_j‖² = Σ_stored (x_ij − x̄_j)² + (n − nnz_j)·x̄_j²``: the implicit zeros are
    counted without a dense copy, and no cancellation between Σx² and n·x̄² can occur.
    Constant columns (all zero, or fully stored with one value) get exactly 0. Without an
    intercept the means are 0 and the norms are the raw ones. Raises ``ValueError`` when a
    sum of squares overflows or a non-zero column's underflows (X's data must be finite).
    """
    from bayesreg.solvers._csc_kernels import column_stats

    n = X.shape[0]
    with np.errstate(over="ignore"):
        raw, x_mean, norms2, nonzero, _ = column_stats(
            X.indptr, X.data, n, bool(fit_intercept)
        )
    if not (np.all(np.isfinite(raw)) and np.all(np.isfinite(norms2))):
        raise ValueError(
            "X has values too large: a column's sum of squares overflows float64; rescale X"
        )
    if np.any(nonzero & (raw == 0.0)):
        raise ValueError(
            "X has values too small: a non-zero column's sum of squares underflows to 0 "
            "in float64; rescale X"
        )
    if not fit_intercept:
        return np.zeros(X.shape[1]), raw
    return x_mean, norms2


def sparse_centered_gram(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    fit_intercept: bool,
) -> GramStats:
    """X_cᵀX_c (dense p × p), X_cᵀy_c and y_cᵀy_c of a CSC matrix, without densifying X.

    ``X_cᵀX_c = XᵀX − n·x̄x̄ᵀ`` (the sparse product, then the rank-one correction), with the
    diagonal set to the exact centered norms of :func:`sparse_column_stats`; constant
    columns get zero rows and columns. ``X_cᵀy_c = Xᵀy_c`` since Σy_c = 0.
    """
    n = X.shape[0]
    x_mean, norms2 = sparse_column_stats(X, fit_intercept)
    gram = (X.T @ X).toarray()
    if fit_intercept:
        gram -= n * np.outer(x_mean, x_mean)
    np.fill_diagonal(gram, norms2)
    y_mean = float(y.mean()) if fit_intercept else 0.0
    yc = y - y_mean
    xty = np.asarray(X.T @ yc, dtype=np.float64)
    if not np.all(np.isfinite(xty)):
        raise ValueError("X and y have values too large: Xᵀy overflows float64; rescale X or y")
    const = norms2 == 0.0
    if const.any():
        gram[const, :] = 0.0
        gram[:, const] = 0.0
        xty[const] = 0.0
    with np.errstate(over="ignore"):
        yty = float(yc @ yc)
    return GramStats(gram, xty, yty, x_mean, y_mean)


def centered_operator(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    x_mean: NDArray[np.float64],
    alive: NDArray[np.bool_] | None = None,
) -> scipy.sparse.linalg.LinearOperator:
    """``X_c = X − 1x̄ᵀ`` of a sparse X as a linear operator, never formed (O(nnz) products).

    ``X_c b = Xb − (x̄ᵀb)·1`` and ``X_cᵀr = Xᵀr − x̄·Σr``. Columns where ``alive`` is False
    (constant columns, whose centered values are exactly zero) give exact zeros in ``X_cᵀr``.
    Both ``X_c @ b`` and ``X_c.T @ r`` return 1-D arrays.
    """
    n, p = X.shape

    def matvec(b: NDArray[np.float64]) -> NDArray[np.float64]:
        b = np.ravel(b)
        return np.asarray(X @ b).ravel() - float(x_mean @ b)

    def rmatvec(r: NDArray[np.float64]) -> NDArray[np.float64]:
        r = np.ravel(r)
        out = np.asarray(X.T @ r).ravel() - x_mean * r.sum()
        if alive is not None:
            out[~alive] = 0.0
        return out

    return scipy.sparse.linalg.LinearOperator(
        (n, p), matvec=matvec, rmatvec=rmatvec, dtype=np.float64
    )


def column_means(
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
) -> NDArray[np.float64]:
    """Column means of a dense or sparse X as a 1-D float64 array."""
    return np.asarray(X.mean(axis=0), dtype=np.float64).ravel()


def centered_design(
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    fit_intercept: bool,
) -> tuple[Any, NDArray[np.float64], NDArray[np.float64], float]:
    """``(X_c, y_c, x̄, ȳ)``: a centered copy of a dense X, an implicit operator for a sparse one.

    Either way ``X_c @ b`` and ``X_c.T @ r`` are 1-D arrays; a sparse X is never densified
    (constant columns give exact zeros in ``X_c.T @ r``).
    """
    if not scipy.sparse.issparse(X):
        d = center(X, y, fit_intercept, order="C")
        return d.Xc, d.yc, d.X_mean, d.y_mean
    x_mean, norms2 = sparse_column_stats(X, fit_intercept)
    y_mean = float(y.mean()) if fit_intercept else 0.0
    return centered_operator(X, x_mean, norms2 > 0), y - y_mean, x_mean, y_mean
