"""Sufficient statistics of a Gaussian linear model, accumulated in chunks.

For ``y = β₀ + Xβ + ε`` with ``ε ~ N(0, σ²)`` the log-likelihood depends on the data only through
the count ``n``, the means ``x̄`` and ``ȳ``, and the *centered* cross-products

    Sxx = Σ (x − x̄)(x − x̄)ᵀ,   Sxy = Σ (x − x̄)(y − ȳ),   Syy = Σ (y − ȳ)²,

because the residual sum of squares is exactly

    RSS(β₀, β) = Syy − 2βᵀSxy + βᵀSxxβ + n(β₀ − ȳ + x̄ᵀβ)².

They are kept for the joint vector ``z = (x, y)`` as one mean vector and one (p+1)×(p+1)
centered scatter matrix. Centered statistics stay accurate when columns have large means
(raw ``XᵀX`` loses every digit the mean takes), and two sets of them merge exactly with the
pairwise update of Chan, Golub & LeVeque (1979): for chunks A and B with ``δ = m_B − m_A``,

    n = n_A + n_B,   m = m_A + δ·n_B/n,   S = S_A + S_B + (n_A·n_B/n)·δδᵀ.

So data larger than memory is reduced chunk by chunk (:func:`accumulate`, :func:`from_csv`,
:func:`from_parquet`) or block by block in parallel with a tree reduction (:func:`from_dask`,
:func:`from_dask_dataframe`), with O(p²) memory beyond one chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_positive_int, check_vector, check_Xy
from bayesreg.io import (
    _check_file,
    _check_numeric_dtypes,
    _drop_index_column,
    _first_line,
    _select_columns,
    parquet_hint,
    sniff_csv,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Gram",
    "SufficientStats",
    "accumulate",
    "from_csv",
    "from_dask",
    "from_dask_dataframe",
    "from_parquet",
]

_FORMAT = "bayesreg.SufficientStats"
_FORMAT_VERSION = 1


class Gram(NamedTuple):
    """Raw (uncentered) cross-products: ``XᵀX``, ``Xᵀy`` and ``yᵀy``."""

    xtx: NDArray[np.float64]
    xty: NDArray[np.float64]
    yty: float


@dataclass(frozen=True, eq=False, repr=False)
class SufficientStats:
    """Sufficient statistics of a Gaussian linear model with intercept.

    Parameters
    ----------
    n : int
        Number of observations (≥ 1).
    mean : ndarray of shape (p + 1,)
        Means of the features followed by the mean of the target.
    scatter : ndarray of shape (p + 1, p + 1)
        Centered cross-products ``Σ (z − z̄)(z − z̄)ᵀ`` of ``z = (x, y)``.
    feature_names : tuple of str, optional
        Names of the p features, when known.
    target_name : str, optional
        Name of the target, when known.
    mean_lo : ndarray of shape (p + 1,), optional
        Low-order part of the means: the exact means are ``mean + mean_lo`` (a double-double
        number, ``|mean_lo| ≤ ulp(mean)/2``). ``None`` means zeros. It keeps merges exact when
        columns have large means (with 1e6 offsets a plain float64 mean is off by ~1e-10, which
        would leave ~1e-9 relative errors in the merged scatter of columns of spread 0.1).

    Notes
    -----
    The arrays are stored as read-only float64 copies, so an instance is immutable. Build one
    with :meth:`from_arrays`, :func:`accumulate` or the file / dask readers rather than by hand.
    """

    n: int
    mean: NDArray[np.float64]
    scatter: NDArray[np.float64]
    feature_names: tuple[str, ...] | None = None
    target_name: str | None = None
    mean_lo: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        n = check_positive_int(self.n, "n")
        mean = np.array(self.mean, dtype=np.float64)  # a private copy
        scatter = np.array(self.scatter, dtype=np.float64)
        if mean.ndim != 1 or mean.shape[0] < 2:
            raise ValueError(
                f"mean must be 1-D of length p + 1 >= 2 (features then target); "
                f"got shape {mean.shape}"
            )
        k = mean.shape[0]
        if scatter.shape != (k, k):
            raise ValueError(f"scatter must have shape {(k, k)} to match mean; got {scatter.shape}")
        if self.mean_lo is None:
            mean_lo = np.zeros(k)
        else:
            mean_lo = np.array(self.mean_lo, dtype=np.float64)
            if mean_lo.shape != (k,):
                raise ValueError(
                    f"mean_lo must have shape {(k,)} to match mean; got {mean_lo.shape}"
                )
        if not (
            np.isfinite(mean).all() and np.isfinite(scatter).all() and np.isfinite(mean_lo).all()
        ):
            raise ValueError("mean, mean_lo and scatter must be finite")
        mean, mean_lo = _two_sum(mean, mean_lo)  # normalize: |mean_lo| ≤ ulp(mean)/2
        for arr in (mean, mean_lo, scatter):
            arr.setflags(write=False)
        names = self.feature_names
        if names is not None:
            names = tuple(str(s) for s in names)
            if len(names) != k - 1:
                raise ValueError(
                    f"feature_names has {len(names)} name(s) but the statistics have "
                    f"{k - 1} feature(s)"
                )
        target = None if self.target_name is None else str(self.target_name)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "scatter", scatter)
        object.__setattr__(self, "mean_lo", mean_lo)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "target_name", target)

    def __repr__(self) -> str:
        return (
            f"SufficientStats(n={self.n}, n_features={self.n_features}, "
            f"target_name={self.target_name!r})"
        )

    # ---------------------------------------------------------------- views of the blocks
    @property
    def n_features(self) -> int:
        """Number of features p."""
        return self.mean.shape[0] - 1

    @property
    def x_mean(self) -> NDArray[np.float64]:
        """Feature means x̄, shape (p,) (read-only view)."""
        return self.mean[:-1]

    @property
    def y_mean(self) -> float:
        """Target mean ȳ."""
        return float(self.mean[-1])

    @property
    def sxx(self) -> NDArray[np.float64]:
        """Centered ``Σ (x − x̄)(x − x̄)ᵀ``, shape (p, p) (read-only view)."""
        return self.scatter[:-1, :-1]

    @property
    def sxy(self) -> NDArray[np.float64]:
        """Centered ``Σ (x − x̄)(y − ȳ)``, shape (p,) (read-only view)."""
        return self.scatter[:-1, -1]

    @property
    def syy(self) -> float:
        """Centered ``Σ (y − ȳ)²``."""
        return float(self.scatter[-1, -1])

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_arrays(
        cls,
        X: ArrayLike,
        y: ArrayLike,
        feature_names: Sequence[str] | None = None,
        target_name: str | None = None,
    ) -> SufficientStats:
        """Statistics of one in-memory chunk ``(X, y)``.

        Parameters
        ----------
        X : array_like or scipy.sparse matrix of shape (n, p)
            Finite numeric design matrix (no intercept column). A sparse X is not densified:
            its scatter ``XᵀX − n·x̄x̄ᵀ`` comes from the sparse product (with the diagonal
            from exactly centered sums), a dense (p + 1) × (p + 1) matrix.
        y : array_like of shape (n,)
            Finite numeric target.
        feature_names, target_name : optional
            Names carried along with the statistics.

        Raises
        ------
        ValueError
            If ``X`` or ``y`` is empty, not numeric, not finite, or their lengths differ.
        """
        Xa, ya = check_Xy(X, y, accept_sparse=True)
        names = _names(feature_names)
        labels = None if names is None else [*names, target_name or "y"]
        if scipy.sparse.issparse(Xa):
            n, mean, mean_lo, scatter = _sparse_centered(Xa, ya, labels)
        else:
            n, mean, mean_lo, scatter = _centered(_joint(Xa, ya), labels)
        return cls(n, mean, scatter, names, target_name, mean_lo)

    # ---------------------------------------------------------------- algebra
    def merge(self, other: SufficientStats) -> SufficientStats:
        """Statistics of the union of both data sets (Chan–Golub–LeVeque update).

        Raises
        ------
        ValueError
            If the numbers of features differ, or both sides carry different feature or
            target names.
        """
        if not isinstance(other, SufficientStats):
            raise TypeError(f"can only merge with SufficientStats; got {type(other).__name__}")
        if other.n_features != self.n_features:
            raise ValueError(
                f"cannot merge statistics with {self.n_features} and {other.n_features} features"
            )
        names = _merge_label(self.feature_names, other.feature_names, "feature names")
        target = _merge_label(self.target_name, other.target_name, "target names")
        n_a, n_b = self.n, other.n
        n = n_a + n_b
        # δ = m_B − m_A in double-double arithmetic, then rounded once: accurate relative to
        # |δ| rather than to |m|.
        d_hi, d_err = _two_sum(other.mean, -self.mean)
        delta = d_hi + (d_err + (other.mean_lo - self.mean_lo))
        with np.errstate(over="ignore", invalid="ignore"):
            mean, err = _two_sum(self.mean, delta * (n_b / n))
            scatter = self.scatter + other.scatter
            scatter += (n_a * (n_b / n)) * np.outer(delta, delta)
        _check_no_overflow(
            mean, scatter, None if names is None else [*names, target or "y"], "the merged data"
        )
        return SufficientStats(n, mean, scatter, names, target, self.mean_lo + err)

    def rss(self, intercept: float, coef: ArrayLike) -> float:
        """Residual sum of squares ``Σ (y − β₀ − xᵀβ)²`` computed from the statistics.

        Uses ``Syy − 2βᵀSxy + βᵀSxxβ + n(β₀ − ȳ + x̄ᵀβ)²``. Rounding can make the exact value
        0 come out as a tiny negative number; the result is clipped at 0.

        Parameters
        ----------
        intercept : float
            β₀.
        coef : array_like of shape (p,)
            β.
        """
        beta = check_vector(coef, "coef")
        if beta.shape[0] != self.n_features:
            raise ValueError(
                f"coef has length {beta.shape[0]}; the statistics have {self.n_features} features"
            )
        b0 = float(check_vector([intercept], "intercept")[0])
        lo = self.mean_lo
        offset = (b0 - self.y_mean + float(self.x_mean @ beta)) + (float(lo[:-1] @ beta) - lo[-1])
        value = self.syy - 2.0 * float(beta @ self.sxy) + float(beta @ self.sxx @ beta)
        value += self.n * offset * offset
        return max(value, 0.0)

    def gram(self, fit_intercept: bool = True) -> Gram:
        """Raw cross-products ``XᵀX``, ``Xᵀy``, ``yᵀy`` rebuilt from the centered ones.

        With ``fit_intercept`` the design is ``[1, X]`` (the ones column first), so ``xtx`` is
        (p+1)×(p+1) and ``xty`` has length p+1. Raw products lose precision when columns have
        large means; prefer the centered :attr:`sxx`, :attr:`sxy`, :attr:`syy` when possible.
        """
        n, xm, ym = self.n, self.x_mean, self.y_mean
        xtx = self.sxx + n * np.outer(xm, xm)
        xty = self.sxy + n * ym * xm
        yty = self.syy + n * ym * ym
        if fit_intercept:
            p = self.n_features
            full = np.empty((p + 1, p + 1))
            full[0, 0] = n
            full[0, 1:] = full[1:, 0] = n * xm
            full[1:, 1:] = xtx
            xtx = full
            xty = np.concatenate(([n * ym], xty))
        return Gram(xtx, xty, float(yty))

    def allclose(self, other: SufficientStats, rtol: float = 1e-12, atol: float = 0.0) -> bool:
        """Whether ``n`` is equal and the means and scatter agree to ``np.allclose`` tolerance."""
        return (
            self.n == other.n
            and self.n_features == other.n_features
            and bool(np.allclose(self.mean, other.mean, rtol=rtol, atol=atol))
            and bool(np.allclose(self.mean + self.mean_lo, other.mean + other.mean_lo, rtol, atol))
            and bool(np.allclose(self.scatter, other.scatter, rtol=rtol, atol=atol))
        )

    # ---------------------------------------------------------------- serialization
    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (plain lists and numbers); inverse of :meth:`from_dict`."""
        return {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "n": self.n,
            "mean": self.mean.tolist(),
            "scatter": self.scatter.tolist(),
            "feature_names": None if self.feature_names is None else list(self.feature_names),
            "target_name": self.target_name,
            "mean_lo": self.mean_lo.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SufficientStats:
        """Rebuild statistics from :meth:`to_dict` output (e.g. after a JSON round trip)."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a dict; got {type(data).__name__}")
        fmt = data.get("format", _FORMAT)
        if fmt != _FORMAT:
            raise ValueError(f"not a {_FORMAT} dict (format={fmt!r})")
        version = data.get("version", _FORMAT_VERSION)
        if version != _FORMAT_VERSION:
            raise ValueError(f"unsupported {_FORMAT} version {version!r}")
        missing = [k for k in ("n", "mean", "scatter") if k not in data]
        if missing:
            raise ValueError(f"missing key(s) in statistics dict: {', '.join(missing)}")
        names = data.get("feature_names")
        return cls(
            n=data["n"],
            mean=np.asarray(data["mean"], dtype=np.float64),
            scatter=np.asarray(data["scatter"], dtype=np.float64),
            feature_names=None if names is None else tuple(names),
            target_name=data.get("target_name"),
            mean_lo=data.get("mean_lo"),
        )


# ==================================================================== chunk kernels
class _Workspace:
    """A reusable float64 buffer for the chunks of one stream.

    Each chunk of a stream gets the same memory back instead of a fresh allocation: a
    100,000 × 51 chunk is 40 MB, above glibc's mmap threshold, so a fresh array per chunk would
    be mapped, page-faulted in and unmapped again every time.
    """

    def __init__(self) -> None:
        self._buf: NDArray[np.float64] | None = None

    def get(self, n: int, k: int) -> NDArray[np.float64]:
        """A C-contiguous (n, k) array whose contents are undefined."""
        buf = self._buf
        if buf is None or buf.shape[0] < n or buf.shape[1] != k:
            buf = self._buf = np.empty((n, k))
        return buf[:n]


def _joint(
    X: NDArray[np.float64], y: NDArray[np.float64], work: _Workspace | None = None
) -> NDArray[np.float64]:
    """An (n, p+1) array ``[X, y]`` that the centering may overwrite (from ``work`` if given)."""
    n, p = X.shape
    Z = np.empty((n, p + 1)) if work is None else work.get(n, p + 1)
    Z[:, :p] = X
    Z[:, p] = y
    return Z


def _two_sum(
    a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Knuth's TwoSum: ``s = fl(a + b)`` and the exact rounding error ``e = a + b − s``."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _centered(
    Z: NDArray[np.float64], names: Sequence[str] | None = None, where: str = "the data"
) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """``(n, mean_hi, mean_lo, scatter)`` of the rows of ``Z``; centers ``Z`` in place.

    Values whose squares overflow float64 raise ``ValueError`` naming the column (``names``,
    default: the last column is ``y``, the others ``X`` column j).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        mean = Z.mean(axis=0)
        Z -= mean
        # One refinement pass: the mean of the residuals is the rounding error of the first
        # mean; keep it as the low-order part of a double-double mean.
        correction = Z.mean(axis=0)
        Z -= correction
        scatter = Z.T @ Z
        scatter = 0.5 * (scatter + scatter.T)
    _check_no_overflow(mean, scatter, names, where)
    hi, lo = _two_sum(mean, correction)
    return Z.shape[0], hi, lo, scatter


def _sparse_centered(
    X: scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    names: Sequence[str] | None,
) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`_centered` of ``[X, y]`` for a CSC X, O(nnz) passes plus the p × p product."""
    from bayesreg.solvers._design import sparse_centered_gram

    n, p = X.shape
    with np.errstate(over="ignore", invalid="ignore"):
        g = sparse_centered_gram(X, y, True)
        correction = float((y - g.y_mean).mean())
    mean = np.append(g.x_mean, g.y_mean)
    scatter = np.empty((p + 1, p + 1))
    scatter[:p, :p] = g.gram
    scatter[:p, p] = scatter[p, :p] = g.xty
    scatter[p, p] = g.yty
    _check_no_overflow(mean, scatter, names, "the data")
    hi, lo = _two_sum(mean, np.append(np.zeros(p), correction))
    return n, hi, lo, scatter


def _check_no_overflow(
    mean: NDArray[np.float64],
    scatter: NDArray[np.float64],
    names: Sequence[str] | None,
    where: str,
) -> None:
    """Name the column whose sums (of squares) overflowed float64, if any."""
    if np.isfinite(scatter).all() and np.isfinite(mean).all():
        return
    k = mean.shape[0]
    bad = ~(np.isfinite(np.diag(scatter)) & np.isfinite(mean))
    j = (
        int(np.flatnonzero(bad)[0])
        if bad.any()
        else int(np.flatnonzero(~np.isfinite(scatter))[0] // k)
    )
    if names is not None:
        label = f"column {names[j]!r}"
    else:
        label = "y" if j == k - 1 else f"X column {j}"
    raise ValueError(
        f"{label} in {where} has values too large: its sum of squares overflows float64; rescale it"
    )


def _merge_label(a: Any, b: Any, what: str) -> Any:
    if a is None:
        return b
    if b is None or a == b:
        return a
    raise ValueError(f"cannot merge statistics with different {what}: {a!r} vs {b!r}")


def _names(feature_names: Sequence[str] | None) -> tuple[str, ...] | None:
    if feature_names is None:
        return None
    if isinstance(feature_names, str):
        raise ValueError("feature_names must be a sequence of names, not a single string")
    return tuple(str(s) for s in feature_names)


def _with_labels(
    stats: SufficientStats, feature_names: Sequence[str] | None, target_name: str | None
) -> SufficientStats:
    return SufficientStats(
        stats.n, stats.mean, stats.scatter, _names(feature_names), target_name, stats.mean_lo
    )


def _merge_optional(a: SufficientStats | None, b: SufficientStats | None) -> SufficientStats | None:
    if a is None:
        return b
    if b is None:
        return a
    return a.merge(b)


def _tree_reduce(parts: list[Any], combine: Callable[[Any, Any], Any]) -> Any:
    """Combine ``parts`` pairwise, level by level (depth ⌈log₂ len⌉)."""
    while len(parts) > 1:
        nxt = [combine(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        if len(parts) % 2:
            nxt.append(parts[-1])
        parts = nxt
    return parts[0]


def _row_count(a: Any) -> int | None:
    shape = np.shape(a)
    return shape[0] if shape else None


def _chunk_stats(
    X: Any, y: Any, where: str, work: _Workspace | None = None
) -> SufficientStats | None:
    """Validated statistics of one chunk; ``None`` for a chunk with no rows."""
    if _row_count(X) == 0 and _row_count(y) == 0:
        return None
    try:
        Xa, ya = check_Xy(X, y)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    n, mean, mean_lo, scatter = _centered(_joint(Xa, ya, work), where=where)
    return SufficientStats(n, mean, scatter, mean_lo=mean_lo)


# ==================================================================== in-memory chunks
def accumulate(
    chunks: Iterable[tuple[ArrayLike, ArrayLike]],
    *,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
) -> SufficientStats:
    """Statistics of the concatenation of ``(X, y)`` chunks, merged one chunk at a time.

    Only one chunk and O(p²) statistics are held at any time, so ``chunks`` may be a
    generator over data far larger than memory. Chunks with no rows are skipped.

    Parameters
    ----------
    chunks : iterable of (X, y)
        ``X`` of shape (n_i, p) and ``y`` of shape (n_i,); p must be the same for all chunks.
    feature_names, target_name : optional
        Names attached to the result.

    Raises
    ------
    ValueError
        If there are no rows at all, if a chunk is invalid (the message names its 0-based
        index), or if chunks disagree on the number of features.
    """
    total: SufficientStats | None = None
    work = _Workspace()
    for i, chunk in enumerate(chunks):
        try:
            X, y = chunk
        except (TypeError, ValueError):
            raise ValueError(f"chunk {i}: expected a pair (X, y)") from None
        stats = _chunk_stats(X, y, f"chunk {i}", work)
        if stats is None:
            continue
        if total is not None and stats.n_features != total.n_features:
            raise ValueError(
                f"chunk {i}: has {stats.n_features} feature(s); earlier chunks have "
                f"{total.n_features}"
            )
        total = stats if total is None else total.merge(stats)
    if total is None:
        raise ValueError("no data: the iterable of chunks yielded no rows")
    return _with_labels(total, feature_names, target_name)


# ==================================================================== tabular files
def _finite_stats(
    Z: NDArray[np.float64], names: Sequence[str], where: str, row_offset: int | None
) -> SufficientStats:
    """Check ``Z`` (columns named ``names``) is finite, then center it in place."""
    finite = np.isfinite(Z)
    if not finite.all():
        j = int(np.flatnonzero(~finite.all(axis=0))[0])
        col = Z[:, j]
        n_nan = int(np.isnan(col).sum())
        n_inf = int(np.isinf(col).sum())
        parts = [f"{n_nan} missing (NaN)" if n_nan else "", f"{n_inf} infinite" if n_inf else ""]
        what = " and ".join(p for p in parts if p)
        loc = ""
        if row_offset is not None:
            first = row_offset + int(np.flatnonzero(~finite[:, j])[0]) + 1
            loc = f" (first at data row {first})"
        raise ValueError(f"column {names[j]!r} in {where} contains {what} value(s){loc}")
    n, mean, mean_lo, scatter = _centered(Z, names, where)
    return SufficientStats(n, mean, scatter, mean_lo=mean_lo)


def _frame_stats(
    frame: pd.DataFrame,
    features: Sequence[str],
    target: str,
    where: str,
    row_offset: int | None = None,
    work: _Workspace | None = None,
) -> SufficientStats | None:
    """Statistics of a pandas chunk; non-numeric or non-finite columns raise ``ValueError``."""
    if len(frame) == 0:  # e.g. a header-only CSV, where every column reads as object
        return None
    cols = [*features, target]
    _check_numeric_dtypes(frame.dtypes, cols, where)
    Z = np.empty((len(frame), len(cols))) if work is None else work.get(len(frame), len(cols))
    for j, c in enumerate(cols):
        Z[:, j] = frame[c].to_numpy(dtype=np.float64, na_value=np.nan)
    return _finite_stats(Z, cols, where, row_offset)


def from_csv(
    path: str | PathLike[str],
    target: str,
    features: Sequence[str] | None = None,
    chunksize: int = 100_000,
    *,
    exclude: Sequence[str] = (),
) -> SufficientStats:
    """Statistics of a CSV file, read ``chunksize`` rows at a time with pandas.

    Parameters
    ----------
    path : path-like
        CSV file with a header row. The layout rules are those of
        :func:`bayesreg.io.read_table`: separator and decimal comma detected
        (:func:`bayesreg.io.sniff_csv`), duplicated names rejected, an unnamed first column
        dropped when it is a row index 0..n−1.
    target : str
        Name of the target column.
    features : sequence of str, optional
        Feature columns, in this order. By default every column except ``target``, in file
        order.
    chunksize : int
        Rows per chunk; memory use is about ``chunksize × (p + 1) × 16`` bytes.
    exclude : sequence of str, optional
        Columns left out of the default feature list.

    Raises
    ------
    ValueError
        With a one-line message if the file is missing or has no data rows, a requested column
        is absent, a used column is not numeric, has missing / infinite values, or values so
        large that their sum of squares overflows (the message names the column). Constant
        columns are allowed here (the model checks them).
    """
    import pandas as pd

    chunksize = check_positive_int(chunksize, "chunksize")
    layout = sniff_csv(path)
    columns = list(layout.columns)
    index_col = layout.index_column
    if features is not None or index_col in exclude:
        index_col = None  # the user chose the columns: the index column is simply not used
    if index_col is not None:
        columns.remove(index_col)
    feats = _select_columns(columns, target, features, str(path), exclude=exclude, user=True)
    usecols = [*feats, target] + ([index_col] if index_col is not None else [])
    total: SufficientStats | None = None
    offset = 0
    work = _Workspace()
    try:
        reader = pd.read_csv(
            path,
            sep=layout.sep,
            decimal=layout.decimal,
            usecols=usecols,
            chunksize=chunksize,
        )
        with reader:
            for chunk in reader:
                if index_col is not None:
                    _drop_index_column(chunk, index_col, offset, str(path))
                stats = _frame_stats(chunk, feats, target, str(path), offset, work)
                offset += len(chunk)
                if stats is not None:
                    total = stats if total is None else total.merge(stats)
    except pd.errors.EmptyDataError:
        raise ValueError(f"file is empty (no header): {path}") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot parse CSV {path}: {_first_line(exc)}") from None
    if total is None:
        raise ValueError(f"no data rows in {path}")
    return _with_labels(total, feats, target)


def from_parquet(
    path: str | PathLike[str],
    target: str,
    features: Sequence[str] | None = None,
    batch_size: int = 100_000,
) -> SufficientStats:
    """Statistics of a Parquet file, read in record batches with pyarrow.

    Same parameters and errors as :func:`from_csv` (``batch_size`` rows per batch). Index
    columns written by pandas are not features. Needs pyarrow
    (``pip install bayesreg[parquet]``).
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError(parquet_hint(path)) from exc

    batch_size = check_positive_int(batch_size, "batch_size")
    p = _check_file(path)
    try:
        pfile = pq.ParquetFile(p)
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"cannot read {path} as Parquet: {_first_line(exc)}") from None
    with pfile:
        schema = pfile.schema_arrow
        meta = schema.pandas_metadata or {}
        index_cols = [c for c in meta.get("index_columns", []) if isinstance(c, str)]
        feats = _select_columns(schema.names, target, features, str(path), exclude=index_cols)
        cols = [*feats, target]
        for c in cols:
            t = schema.field(c).type
            if not (
                pa.types.is_integer(t)
                or pa.types.is_floating(t)
                or pa.types.is_boolean(t)
                or pa.types.is_decimal(t)
            ):
                raise ValueError(f"column {c!r} in {path} is not numeric (type {t})")
        total: SufficientStats | None = None
        offset = 0
        work = _Workspace()
        for batch in pfile.iter_batches(batch_size=batch_size, columns=cols):
            m = batch.num_rows
            if m == 0:
                continue
            Z = work.get(m, len(cols))
            for j, c in enumerate(cols):
                arr = batch.column(c)
                if arr.null_count:
                    raise ValueError(
                        f"column {c!r} in {path} contains {arr.null_count} missing (null) value(s)"
                    )
                if pa.types.is_decimal(arr.type):
                    arr = arr.cast(pa.float64(), safe=False)
                Z[:, j] = arr.to_numpy(zero_copy_only=False)
            stats = _finite_stats(Z, cols, str(path), offset)
            offset += m
            total = stats if total is None else total.merge(stats)
    if total is None:
        raise ValueError(f"no data rows in {path}")
    return _with_labels(total, feats, target)


# ==================================================================== dask
def _import_dask(func: str) -> Any:
    try:
        import dask
    except ImportError as exc:
        raise ImportError(
            f"{func} needs dask; install it with `pip install bayesreg[dask]`"
        ) from exc
    return dask


def _dask_block_stats(x_blocks: list[Any], y_block: Any, index: int) -> SufficientStats | None:
    X = x_blocks[0] if len(x_blocks) == 1 else np.hstack(x_blocks)
    return _chunk_stats(X, y_block, f"block {index}")


def _reduce_delayed(dask: Any, parts: list[Any], what: str) -> SufficientStats:
    """Tree-merge delayed per-block statistics and compute once on the active scheduler."""
    if not parts:
        raise ValueError(f"no data: the {what} has no blocks")
    combine = dask.delayed(_merge_optional, pure=True)
    (total,) = dask.compute(_tree_reduce(parts, combine))
    if total is None:
        raise ValueError(f"no data: the {what} has no rows")
    return total


def from_dask(
    X: Any,
    y: Any,
    *,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
) -> SufficientStats:
    """Statistics of dask arrays, one task per row block and a tree reduction of the merges.

    The graph is computed once with the active scheduler: the threaded one by default, a
    ``distributed.Client`` if one is active. Column blocks of ``X`` are joined inside each
    task; ``y`` is rechunked to the row blocks of ``X`` if needed. Needs dask
    (``pip install bayesreg[dask]``).

    Parameters
    ----------
    X : dask.array.Array of shape (n, p)
        Design matrix (NumPy arrays are accepted and wrapped).
    y : dask.array.Array of shape (n,)
        Target.
    feature_names, target_name : optional
        Names attached to the result.

    Raises
    ------
    ValueError
        On bad shapes, or when a block is not finite / not numeric (the message names the
        0-based row-block index).
    """
    dask = _import_dask("from_dask")
    import dask.array as da

    X = X if isinstance(X, da.Array) else da.asarray(X)
    y = y if isinstance(y, da.Array) else da.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features); got {X.ndim}-D")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D; got shape {y.shape}")
    if X.shape[1] == 0:
        raise ValueError(f"X is empty (shape {X.shape})")
    rows_known = not (np.isnan(X.shape[0]) or np.isnan(y.shape[0]))
    rows_known = rows_known and not any(np.isnan(c) for c in (*X.chunks[0], *y.chunks[0]))
    if rows_known:
        if X.shape[0] != y.shape[0]:
            raise ValueError(
                f"X and y have mismatched lengths: X has {X.shape[0]} rows, y has {y.shape[0]}"
            )
        if y.chunks[0] != X.chunks[0]:
            y = y.rechunk((X.chunks[0],))
    elif X.numblocks[0] != y.numblocks[0]:
        raise ValueError(
            "X and y with unknown chunk sizes must have the same number of row blocks; got "
            f"{X.numblocks[0]} and {y.numblocks[0]}"
        )
    x_blocks = X.to_delayed()
    y_blocks = y.to_delayed()
    block = dask.delayed(_dask_block_stats, pure=True)
    parts = [block(list(x_blocks[i]), y_blocks[i], i) for i in range(X.numblocks[0])]
    total = _reduce_delayed(dask, parts, "dask array")
    return _with_labels(total, feature_names, target_name)


def _partition_stats(
    frame: pd.DataFrame, features: list[str], target: str, index: int
) -> SufficientStats | None:
    return _frame_stats(frame, features, target, f"partition {index}")


def from_dask_dataframe(
    df: Any, target: str, features: Sequence[str] | None = None
) -> SufficientStats:
    """Statistics of a dask DataFrame, one task per partition and a tree reduction.

    Column selection and errors follow :func:`from_csv` (errors found while computing name
    the 0-based partition). Needs dask (``pip install bayesreg[dask]``).
    """
    dask = _import_dask("from_dask_dataframe")
    columns = [str(c) for c in df.columns]
    feats = _select_columns(columns, target, features, "the dask DataFrame")
    _check_numeric_dtypes(df.dtypes, [*feats, target], "the dask DataFrame")
    part = dask.delayed(_partition_stats, pure=True)
    parts = [part(d, feats, target, i) for i, d in enumerate(df[[*feats, target]].to_delayed())]
    total = _reduce_delayed(dask, parts, "dask DataFrame")
    return _with_labels(total, feats, target)
