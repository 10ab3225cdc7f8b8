"""Reading tabular data (CSV, Parquet) into a design matrix and a response.

Every problem is a ``ValueError`` with a one-line message that names the file or the column:
a missing file, an unknown column, a non-numeric column (never silently dropped), missing or
infinite values. Data too large for memory go through :mod:`bayesreg.suffstats` instead,
which shares these checks.
"""

from __future__ import annotations

import csv
import re
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
    #: What the reader decided on the user's behalf (separator, decimal mark, a dropped
    #: index column), one sentence each, for the caller to show.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out, read off its first lines by :func:`sniff_csv`.

    Attributes
    ----------
    columns : tuple of str
        The header's column names as pandas reads them (an empty name becomes
        ``"Unnamed: k"``, k its 0-based position).
    sep, decimal : str
        Field separator and decimal mark.
    index_column : str or None
        Name of an unnamed first column (``"Unnamed: 0"``), which pandas writes for a row
        index; the readers drop it when it holds 0, 1, …, n − 1 and reject it otherwise.
    notes : tuple of str
        One sentence per detected setting that differs from plain comma-separated values.
    """

    columns: tuple[str, ...]
    sep: str = ","
    decimal: str = "."
    index_column: str | None = None
    notes: tuple[str, ...] = ()


#: Field separators tried on the header, in order of preference on ties.
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

#: Bytes read to sniff the layout: the header and a few data lines.
_SNIFF_BYTES = 1 << 16

_COMMA_DECIMAL = re.compile(r"^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$")


def sniff_csv(path: str | PathLike[str]) -> CsvLayout:
    """Detect the separator (``,`` ``;`` tab ``|``) and decimal mark of a CSV file.

    The separator is the one that splits the header into the most fields, provided the next
    lines split into as many; a decimal comma is detected when the separator is not a comma
    and some data fields read as numbers with a comma for the point. Duplicated column names
    are an error (pandas would rename the second ``a`` to ``a.1`` silently).

    Raises
    ------
    ValueError
        The file is missing, a directory, empty, not text, or has duplicated column names.
    """
    p = _check_file(path)
    try:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            head = fh.read(_SNIFF_BYTES)
    except UnicodeDecodeError:
        raise ValueError(f"cannot parse {path}: not a UTF-8 text file") from None
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if not lines:
        raise ValueError(f"file is empty: {path}")
    if len(head) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    sample = lines[:20]
    best, best_fields = ",", 1
    for sep in _SEPARATORS:
        rows = list(csv.reader(sample, delimiter=sep))
        k = len(rows[0])
        if k > best_fields and all(len(r) == k for r in rows[1:]):
            best, best_fields = sep, k
    rows = list(csv.reader(sample, delimiter=best))
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(rows[0]):
            raise ValueError(
                f"cannot parse {path}: line {i} has {len(r)} fields, the header has "
                f"{len(rows[0])}"
            )
    raw = list(rows[0])  # as pandas will name them (no stripping)
    names = [c if c.strip() else f"Unnamed: {j}" for j, c in enumerate(raw)]
    seen: dict[str, int] = {}
    for j, c in enumerate(names):
        if c in seen:
            raise ValueError(
                f"duplicate column name {c!r} in {path} (columns {seen[c] + 1} and {j + 1}); "
                "column names must be unique"
            )
        seen[c] = j
    notes: list[str] = []
    if best != ",":
        notes.append(f"read {path} as {_SEPARATORS[best]}-separated (detected from the header)")
    decimal = "."
    if best != ",":
        fields = [f for r in rows[1:] for f in r]
        if any(_COMMA_DECIMAL.match(f) for f in fields):
            decimal = ","
            notes.append(f"read numbers in {path} with a decimal comma (detected in the data)")
    index_column = names[0] if not raw[0].strip() and len(names) > 1 else None
    return CsvLayout(tuple(names), best, decimal, index_column, tuple(notes))


def read_table(
    path: str | PathLike[str],
    target: str,
    features: Sequence[str] | None = None,
    *,
    exclude: Sequence[str] = (),
    target_labels: bool = False,
) -> Table:
    """Read a CSV (or ``.parquet``) file into a :class:`Table`.

    Parameters
    ----------
    path : path-like
        CSV file with a header row, or a Parquet file (by its suffix). The separator
        (comma, semicolon, tab, pipe) and a decimal comma are detected (:func:`sniff_csv`)
        and reported in :attr:`Table.notes`. An unnamed first column holding 0, 1, …, n − 1
        (a row index written by pandas) is dropped, and that is reported too.
    target : str
        Name of the response column.
    features : sequence of str, optional
        Feature columns, in this order; default: every other column, in file order.
    exclude : sequence of str, optional
        Columns left out of the default feature list (not combinable with ``features``).
    target_labels : bool, default False
        Let a non-numeric target column through as its labels (``Table.y`` then holds the
        strings, e.g. "yes"/"no" of a binomial response); missing labels are an error.

    Raises
    ------
    ValueError
        One-line message naming the problem (file, column).
    """
    import pandas as pd

    p = _check_file(path)
    parquet = p.suffix.lower() in (".parquet", ".pq")
    layout = None if parquet else sniff_csv(p)
    try:
        if parquet:
            frame = pd.read_parquet(p)
        else:
            assert layout is not None
            frame = pd.read_csv(p, sep=layout.sep, decimal=layout.decimal)
    except pd.errors.EmptyDataError:
        raise ValueError(f"file is empty: {path}") from None
    except ImportError:
        raise ValueError(parquet_hint(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise ValueError(f"cannot parse {path}: {_first_line(exc)}") from None
    columns = [str(c) for c in frame.columns]
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        raise ValueError(f"duplicate column name {dup[0]!r} in {path}; column names must be unique")
    frame.columns = columns
    notes = list(layout.notes) if layout is not None else []
    index_col = None if layout is None else layout.index_column
    if index_col in columns and features is None and index_col not in exclude:
        notes.append(_drop_index_column(frame, index_col, 0, str(path)))
        frame = frame.drop(columns=index_col)
        columns = [c for c in columns if c != index_col]
    feats = _select_columns(columns, target, features, str(path), exclude=exclude, user=True)
    if len(frame) == 0:
        raise ValueError(f"no data rows in {path}")
    from pandas.api import types

    labels = None
    if target_labels and not (
        types.is_bool_dtype(frame.dtypes[target]) or types.is_numeric_dtype(frame.dtypes[target])
    ):
        missing = frame[target].isna().to_numpy()
        if missing.any():
            raise ValueError(
                f"column {target!r} in {path} has {int(missing.sum())} missing label(s), "
                f"first at data row {int(np.flatnonzero(missing)[0]) + 1}"
            )
        labels = frame[target].astype(str).to_numpy(dtype=object)
        frame = frame.assign(**{target: 0.0})  # checked as a placeholder below
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
    y = Z[:, -1].copy() if labels is None else labels
    return Table(np.ascontiguousarray(Z[:, :-1]), y, tuple(feats), target, tuple(notes))


def parquet_hint(path: str | PathLike[str]) -> str:
    """The one message for Parquet without pyarrow (in-memory and streamed reads alike)."""
    return (
        f"reading Parquet ({path}) needs pyarrow; install it with: pip install 'bayesreg[parquet]'"
    )


def _drop_index_column(frame: pd.DataFrame, name: str, offset: int, where: str) -> str:
    """Check that the unnamed first column is a row index 0..n−1 (``offset`` on); say so."""
    values = frame[name].to_numpy()
    expected = np.arange(offset, offset + len(values))
    try:
        is_index = bool(np.array_equal(values.astype(np.float64), expected))
    except (TypeError, ValueError):
        is_index = False
    if not is_index:
        raise ValueError(
            f"the first column of {where} has no name and is not a row index 0..n-1: "
            f"name it in the header, or leave it out with --exclude '{name}'"
        )
    return f"dropped the unnamed first column of {where} (a row index 0..n-1 written by pandas)"


def _select_columns(
    columns: Sequence[str],
    target: str,
    features: Sequence[str] | None,
    where: str,
    exclude: Sequence[str] = (),
    *,
    user: bool = False,
) -> list[str]:
    """Resolve and check the feature list against the available ``columns``.

    ``exclude`` columns are left out of the default list; with ``user=True`` they were named
    by the user, so each must exist and ``features`` must not be given too.
    """
    available = set(columns)
    if not isinstance(target, str):
        raise ValueError(f"target must be a column name (str); got {target!r}")
    if target not in available:
        raise ValueError(
            f"target column {target!r} not found in {where}; its columns are: "
            f"{_few_columns(columns)}"
        )
    if isinstance(exclude, str):
        raise ValueError("exclude must be a sequence of column names, not a single string")
    exclude = list(exclude)
    if user and exclude:
        if features is not None:
            raise ValueError("give either the features to use or the columns to exclude, not both")
        for c in exclude:
            if c not in available:
                raise ValueError(
                    f"excluded column {c!r} not found in {where}; its columns are: "
                    f"{_few_columns(columns)}"
                )
            if c == target:
                raise ValueError(f"excluded column {c!r} is the target")
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
            raise ValueError(
                f"feature column {c!r} not found in {where}; its columns are: "
                f"{_few_columns(columns)}"
            )
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
    if p.is_dir():
        raise ValueError(f"{path} is a directory, not a data file")
    if not p.is_file():
        raise ValueError(f"file not found: {path}")
    return p


def _few_columns(columns: Sequence[str], k: int = 12) -> str:
    shown = ", ".join(repr(c) for c in columns[:k])
    return shown + (f" and {len(columns) - k} more" if len(columns) > k else "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
