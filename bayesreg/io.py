"""Reading tabular data (CSV, Parquet) into a design matrix and a response.

Every problem is a ``ValueError`` with a one-line message that names the file or the column:
a missing file, an unknown column, a non-numeric column (never silently dropped), missing or
infinite values. Data too large for memory go through :mod:`bayesreg.suffstats` instead,
which shares these checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """A design matrix ``X`` (n, p) and response ``y`` (n,) with their column names."""

    X: NDArray[np.float64]
    y: NDArray[np.float64]
    feature_names: tuple[str, ...]
    target_name: str


def read_table(
    path: str | PathLike[str], target: str, features: Sequence[str] | None = None
) -> Table:
    """Read a CSV (or ``.parquet``) file into a :class:`Table`.

    Parameters
    ----------
    path : path-like
        CSV file with a header row, or a Parquet file (by its suffix).
    target : str
        Name of the response column.
    features : sequence of str, optional
        Feature columns, in this order; default: every other column, in file order.

    Raises
    ------
    ValueError
        One-line message naming the problem (file, column).
    """
    import pandas as pd

    p = _check_file(path)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(p)
        else:
            frame = pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise ValueError(f"file is empty: {path}") from None
    except ImportError as exc:
        raise ValueError(f"cannot read {path}: {_first_line(exc)}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise ValueError(f"cannot parse {path}: {_first_line(exc)}") from None
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        raise ValueError(f"duplicate column names in {path}")
    frame.columns = columns
    feats = _select_columns(columns, target, features, str(path))
    if len(frame) == 0:
        raise ValueError(f"no data rows in {path}")
    _check_numeric_dtypes(frame.dtypes, [*feats, target], str(path))
    Z = frame[[*feats, target]].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(Z)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        i = int(np.flatnonzero(bad[:, j])[0])
        kind = "missing (NaN)" if np.isnan(Z[i, j]) else "infinite"
        name = [*feats, target][j]
        raise ValueError(
            f"column {name!r} in {path} has {int(bad[:, j].sum())} non-finite value(s), "
            f"first {kind} at data row {i + 1}"
        )
    return Table(np.ascontiguousarray(Z[:, :-1]), Z[:, -1].copy(), tuple(feats), target)


def _select_columns(
    columns: Sequence[str],
    target: str,
    features: Sequence[str] | None,
    where: str,
    exclude: Sequence[str] = (),
) -> list[str]:
    """Resolve and check the feature list against the available ``columns``."""
    available = set(columns)
    if not isinstance(target, str):
        raise ValueError(f"target must be a column name (str); got {target!r}")
    if target not in available:
        raise ValueError(f"target column {target!r} not found in {where}")
    if features is None:
        feats = [c for c in columns if c != target and c not in exclude]
        if not feats:
            raise ValueError(f"no feature columns in {where} besides the target {target!r}")
        return feats
    if isinstance(features, str):
        raise ValueError("features must be a sequence of column names, not a single string")
    feats = list(features)
    if not feats:
        raise ValueError("features is empty")
    for c in feats:
        if c not in available:
            raise ValueError(f"feature column {c!r} not found in {where}")
    if target in feats:
        raise ValueError(f"target column {target!r} is also listed as a feature")
    dup = sorted({c for c in feats if feats.count(c) > 1})
    if dup:
        raise ValueError(f"feature column(s) listed more than once: {', '.join(map(repr, dup))}")
    return feats


def _check_numeric_dtypes(dtypes: pd.Series, cols: Sequence[str], where: str) -> None:
    """Raise ``ValueError`` naming the first of ``cols`` whose pandas dtype is not numeric."""
    from pandas.api import types

    for c in cols:
        dtype = dtypes[c]
        numeric = types.is_bool_dtype(dtype) or (
            types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype)
        )
        if not numeric:
            raise ValueError(f"column {c!r} in {where} is not numeric (dtype {dtype})")


def _check_file(path: str | PathLike[str]) -> Path:
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"file not found: {path}")
    return p


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
