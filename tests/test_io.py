"""Reading tables: column selection, layouts and parse errors (``bayesreg.io``, and the
streaming reader ``bayesreg.suffstats.from_csv`` that shares its rules)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from bayesreg import LaplacePrior, SufficientStats, check_equivalence
from bayesreg.io import read_table, sniff_csv
from bayesreg.suffstats import from_csv


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 3))
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": X @ [1.0, 2.0, 0.0]})


def write(path, text: str):
    path.write_text(text)
    return path


def test_feature_selection_order_and_exclude(tmp_path, frame):
    p = tmp_path / "t.csv"
    frame.to_csv(p, index=False)
    t = read_table(p, "y", ["c", "a"])
    assert t.feature_names == ("c", "a")
    np.testing.assert_array_equal(t.X, frame[["c", "a"]].to_numpy())
    np.testing.assert_array_equal(t.y, frame["y"].to_numpy())
    assert t.notes == ()
    t = read_table(p, "y", exclude=["b"])
    assert t.feature_names == ("a", "c")
    s = from_csv(p, "y", exclude=["b"], chunksize=7)
    assert s.feature_names == ("a", "c")
    assert s.allclose(SufficientStats.from_arrays(t.X, t.y), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"features": ["a", "zz"]}, r"feature column 'zz' not found.*'a', 'b', 'c', 'y'"),
        ({"features": ["a", "y"]}, r"target column 'y' is also listed as a feature"),
        ({"features": ["a", "a"]}, r"listed more than once: 'a'"),
        ({"features": []}, r"features is empty"),
        ({"features": "a"}, r"not a single string"),
        ({"exclude": ["zz"]}, r"excluded column 'zz' not found"),
        ({"exclude": ["y"]}, r"excluded column 'y' is the target"),
        ({"exclude": ["a"], "features": ["b"]}, r"either the features .* columns to exclude"),
        ({"exclude": ["a", "b", "c"]}, r"no feature columns"),
    ],
)
def test_column_selection_errors(tmp_path, frame, kwargs, match):
    p = tmp_path / "t.csv"
    frame.to_csv(p, index=False)
    for reader in (read_table, from_csv):
        with pytest.raises(ValueError, match=match):
            reader(p, "y", **kwargs)


def test_target_errors_name_the_columns(tmp_path, frame):
    p = tmp_path / "t.csv"
    frame.to_csv(p, index=False)
    for reader in (read_table, from_csv):
        with pytest.raises(ValueError, match=r"target column 'Y' not found in .*'a', 'b', 'c'"):
            reader(p, "Y")
        with pytest.raises(ValueError, match=r"target must be a column name"):
            reader(p, 3)


@pytest.mark.parametrize(
    ("sep", "decimal", "notes"),
    [(",", ".", ()), (";", ".", ("semicolon",)), ("\t", ".", ("tab",)), ("|", ".", ("pipe",)),
     (";", ",", ("semicolon", "decimal comma"))],
)  # fmt: skip
def test_layouts_are_detected(tmp_path, frame, sep, decimal, notes):
    p = tmp_path / "t.csv"
    frame.to_csv(p, index=False, sep=sep, decimal=decimal, float_format="%.12g")
    layout = sniff_csv(p)
    assert (layout.sep, layout.decimal) == (sep, decimal)
    assert layout.columns == ("a", "b", "c", "y")
    assert len(layout.notes) == len(notes)
    for note, word in zip(layout.notes, notes, strict=True):
        assert word in note
    t = read_table(p, "y")
    np.testing.assert_allclose(t.X, frame[["a", "b", "c"]].to_numpy(), rtol=1e-11)
    assert t.notes == layout.notes
    s = from_csv(p, "y", chunksize=8)
    assert s.allclose(SufficientStats.from_arrays(t.X, t.y), rtol=1e-12, atol=1e-12)


def test_duplicates_directories_and_parse_errors(tmp_path, frame):
    dup = write(tmp_path / "dup.csv", "a,b,a,y\n1,2,3,4\n5,6,7,9\n")
    for reader in (read_table, from_csv):
        with pytest.raises(ValueError, match=r"duplicate column name 'a'.*columns 1 and 3"):
            reader(dup, "y")
        with pytest.raises(ValueError, match=r"is a directory, not a data file"):
            reader(tmp_path, "y")
        with pytest.raises(ValueError, match=r"file not found"):
            reader(tmp_path / "missing.csv", "y")
        with pytest.raises(ValueError, match=r"empty"):
            reader(write(tmp_path / "e.csv", ""), "y")
        with pytest.raises(ValueError, match=r"no data rows"):
            reader(write(tmp_path / "h.csv", "a,b,y\n"), "y")
        binary = tmp_path / "bin.csv"
        binary.write_bytes(b"a,b,y\n\xff\xfe\x00,1,2\n")
        with pytest.raises(ValueError, match=r"cannot parse .*UTF-8"):
            reader(binary, "y")
        ragged = write(tmp_path / "r.csv", "a,b,y\n1,2,3\n4,5,6,7,8\n")
        with pytest.raises(ValueError, match=r"cannot parse"):
            reader(ragged, "y")
        text = write(tmp_path / "txt.csv", "a,b,y\n1,x,3\n4,5,6\n")
        with pytest.raises(ValueError, match=r"column 'b' .* not numeric"):
            reader(text, "y")


def test_pandas_index_column_is_dropped_and_said(tmp_path, frame):
    p = tmp_path / "idx.csv"
    frame.to_csv(p)  # an unnamed first column 0..n-1
    t = read_table(p, "y")
    assert t.feature_names == ("a", "b", "c")
    assert any("dropped the unnamed first column" in n for n in t.notes)
    s = from_csv(p, "y", chunksize=7)  # the index is checked chunk by chunk
    assert s.feature_names == ("a", "b", "c") and s.n == len(frame)
    shifted = frame.copy()
    shifted.index = shifted.index + 100
    q = tmp_path / "shifted.csv"
    shifted.to_csv(q)
    for reader in (read_table, from_csv):
        with pytest.raises(ValueError, match=r"no name and is not a row index"):
            reader(q, "y")
    # excluding it explicitly is the way out
    assert read_table(q, "y", exclude=["Unnamed: 0"]).feature_names == ("a", "b", "c")


def test_overflowing_values_are_named_in_the_stream(tmp_path, frame):
    p = tmp_path / "big.csv"
    frame.assign(b=frame["b"] * 1e300).to_csv(p, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"column 'b' in .* too large.*overflows"):
            from_csv(p, "y", chunksize=10)
        with pytest.raises(ValueError, match=r"X column 1 .* too large"):
            SufficientStats.from_arrays(frame[["a", "b"]].to_numpy() * [1, 1e300], frame["y"])


def test_dataframe_columns_name_the_features(frame):
    X = frame[["a", "b", "c"]]
    rep = check_equivalence(X, frame["y"], LaplacePrior(0.5), 0.3, routes=("analytic",))
    assert rep.feature_names == ["a", "b", "c"]
    rep = check_equivalence(X, frame["y"], LaplacePrior(0.5), 0.3, routes=(), feature_names="pqr")
    assert rep.feature_names == ["p", "q", "r"]  # given names win over the columns
