"""Input validation shared by every public entry point (kept private).

Every check raises ``ValueError`` with a one-line message that names the problem, so the API
and the CLI report bad input the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray


def check_matrix(X: ArrayLike, name: str = "X", *, finite: bool = True) -> NDArray[np.float64]:
    """Return ``X`` as a finite 2-D float64 array or raise ``ValueError``."""
    if scipy.sparse.issparse(X):
        raise ValueError(
            f"{name} is a scipy.sparse matrix, which this function does not accept; pass a "
            f"dense array ({name}.toarray()) or use lasso_cd, lasso_path or ridge_closed_form"
        )
    arr = _as_float(X, name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features); got {arr.ndim}-D "
            f"with shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if finite:
        _check_finite(arr, name)
    return arr


def check_vector(y: ArrayLike, name: str = "y") -> NDArray[np.float64]:
    """Return ``y`` as a finite 1-D float64 array or raise ``ValueError``."""
    arr = _as_float(y, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    _check_finite(arr, name)
    return arr


def check_finite_from_squares(X: NDArray[np.float64], x_squares: NDArray[np.float64]) -> None:
    """Finiteness of X from its column sums of squares, saving a pass over the data.

    A NaN or ±inf anywhere makes its column's sum of squares NaN or inf, so finite sums prove
    finite data. Otherwise the full check names the problem; if X is finite after all, a
    column's sum of squares overflowed float64, which is reported as such. A zero sum of
    squares for a column that is not all zeros (values below ~1e-154) is reported too: the
    solvers would take it for a zero column.
    """
    if np.all(np.isfinite(x_squares)):
        zero = np.flatnonzero(x_squares == 0.0)
        if zero.size and np.any(X[:, zero] != 0.0):
            raise ValueError(
                "X has values too small: a non-zero column's sum of squares underflows to 0 "
                "in float64; rescale X"
            )
        return
    _check_finite(X, "X")
    raise ValueError(
        "X has values too large: a column's sum of squares overflows float64; rescale X"
    )


def check_sparse_matrix(X: object, name: str = "X") -> scipy.sparse.sparray | scipy.sparse.spmatrix:
    """Return a scipy.sparse ``X`` as a finite float64 CSC array or raise ``ValueError``.

    CSC is taken as it is (no copy when it is already float64 with sorted, unique indices);
    any other format (CSR, COO, ...) is converted to CSC once, int and bool data to float64.
    The data array is checked for NaN and inf; explicit zeros are harmless and kept.
    """
    shape = X.shape  # type: ignore[attr-defined]
    if len(shape) != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features); got {len(shape)}-D "
            f"with shape {shape}"
        )
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {shape})")
    dtype = X.dtype  # type: ignore[attr-defined]
    if np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f"{name} must be real-valued; got dtype {dtype}")
    if not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
        raise ValueError(f"{name} must be numeric; got dtype {dtype}")
    Xs = X if X.format == "csc" else X.tocsc()  # type: ignore[attr-defined]
    if Xs.dtype != np.float64:
        Xs = Xs.astype(np.float64)
    if not Xs.has_canonical_format:  # duplicates summed, indices sorted: on a copy
        Xs = Xs.copy()
        Xs.sum_duplicates()
    _check_finite(Xs.data, name)
    return Xs


def check_Xy(
    X: ArrayLike, y: ArrayLike, *, finite_X: bool = True, accept_sparse: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a design matrix and a response together (shapes must match).

    ``finite_X=False`` skips the pass over X that looks for NaN and inf; the caller must then
    call :func:`check_finite_from_squares` on the column sums of squares it computes anyway.
    ``accept_sparse=True`` lets a scipy.sparse X through as a float64 CSC array, validated by
    :func:`check_sparse_matrix` (its data are always checked for NaN and inf).
    """
    if accept_sparse and scipy.sparse.issparse(X):
        Xa = check_sparse_matrix(X)
    else:
        Xa = check_matrix(X, finite=finite_X)
    ya = check_vector(y)
    if Xa.shape[0] != ya.shape[0]:
        raise ValueError(
            f"X and y have mismatched lengths: X has {Xa.shape[0]} rows, y has {ya.shape[0]}"
        )
    return Xa, ya


def check_shaped(a: ArrayLike, shape: tuple[int, ...], name: str) -> NDArray[np.float64]:
    """A finite numeric array of exactly ``shape``."""
    arr = _as_float(a, name)
    if arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}; got {arr.shape}")
    _check_finite(arr, name)
    return arr


def check_penalty(lam: float, name: str = "lam") -> float:
    """A penalty λ must be a finite number ≥ 0."""
    value = _as_scalar(lam, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {value!r}")
    return value


def check_penalties(lams: ArrayLike, name: str = "lams") -> NDArray[np.float64]:
    """A sequence of penalties: 1-D, finite, ≥ 0, non-empty."""
    arr = _as_float(lams, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence; got shape {arr.shape}")
    _check_finite(arr, name)
    if np.any(arr < 0):
        raise ValueError(f"{name} must all be >= 0; got min {arr.min()!r}")
    return arr


def check_scale(value: float, name: str) -> float:
    """A scale parameter (prior scale, noise σ) must be finite and strictly positive."""
    v = _as_scalar(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be positive; got {v!r}")
    return v


def check_unit_interval(value: object, name: str) -> float:
    """A probability-like parameter (target_accept, a credible level) must lie in (0, 1)."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in (0, 1); got {value!r}") from None
    if not 0.0 < v < 1.0:
        raise ValueError(f"{name} must be in (0, 1); got {value!r}")
    return v


def check_positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_no_constant_columns(
    X: NDArray[np.float64], feature_names: Sequence[str] | None = None
) -> None:
    """Reject constant columns: with an intercept their coefficient is not identified.

    A scipy.sparse X is checked without densifying it (its implicit zeros count as values).
    """
    if scipy.sparse.issparse(X):
        spread = np.asarray(X.max(axis=0).toarray() - X.min(axis=0).toarray()).ravel()
    else:
        spread = np.ptp(X, axis=0)
    const = np.flatnonzero(spread == 0)
    if const.size:
        names = (
            [feature_names[j] for j in const]
            if feature_names is not None
            else [f"column {j}" for j in const]
        )
        raise ValueError(
            "constant feature column(s) with no information for the model: " + ", ".join(names)
        )


def column_names(X: object) -> list[str] | None:
    """The column names of a pandas DataFrame (or any table with ``.columns``), else None."""
    columns = getattr(X, "columns", None)
    if columns is None or getattr(X, "ndim", 2) != 2:
        return None
    return [str(c) for c in columns]


def _as_float(a: ArrayLike, name: str) -> NDArray[np.float64]:
    if a is None:
        raise ValueError(f"{name} is missing (None)")
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be numeric; got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real-valued; got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def _as_scalar(value: float, name: str) -> float:
    arr = _as_float(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    v = float(arr)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite; got {v!r}")
    return v


def _check_finite(arr: NDArray[np.float64], name: str) -> None:
    if not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        parts = [f"{n_nan} NaN" if n_nan else "", f"{n_inf} infinite" if n_inf else ""]
        raise ValueError(f"{name} contains {' and '.join(p for p in parts if p)} value(s)")
