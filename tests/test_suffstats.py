"""Tests of bayesreg.suffstats: chunked sufficient statistics of the Gaussian linear model."""

from __future__ import annotations

import itertools
import json
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bayesreg.suffstats import (
    SufficientStats,
    accumulate,
    from_csv,
    from_dask,
    from_dask_dataframe,
    from_parquet,
)


# ----------------------------------------------------------------------------- helpers
def make_data(
    n: int = 500, p: int = 4, offset: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.1, 10.0, p)
    X = rng.standard_normal((n, p)) * scales + offset
    beta = rng.uniform(-2, 2, p)
    y = 3.0 + X @ beta + rng.standard_normal(n)
    return X, y


def reference_stats(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Textbook two-pass mean and centered scatter of z = (x, y)."""
    Z = np.column_stack([X, y])
    mean = Z.mean(axis=0)
    Zc = Z - mean
    return mean, Zc.T @ Zc


def random_chunks(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator, max_size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    cuts = [0]
    while cuts[-1] < len(y):
        cuts.append(min(len(y), cuts[-1] + int(rng.integers(1, max_size + 1))))
    return [(X[a:b], y[a:b]) for a, b in itertools.pairwise(cuts)]


def exact_rss(X: np.ndarray, y: np.ndarray, b0: float, beta: np.ndarray) -> float:
    """RSS in exact rational arithmetic (every float is a rational), rounded once."""
    bf = [Fraction(float(b)) for b in beta]
    b0f = Fraction(float(b0))
    total = Fraction(0)
    for xi, yi in zip(X.tolist(), y.tolist(), strict=True):
        r = Fraction(yi) - b0f - sum((Fraction(v) * b for v, b in zip(xi, bf, strict=True)))
        total += r * r
    return float(total)


def assert_stats_close(a: SufficientStats, b: SufficientStats, rtol: float = 1e-12) -> None:
    assert a.n == b.n
    np.testing.assert_allclose(a.mean, b.mean, rtol=rtol)
    np.testing.assert_allclose(a.scatter, b.scatter, rtol=rtol)


# ----------------------------------------------------------------------------- core algebra
def test_from_arrays_matches_textbook_and_blocks() -> None:
    X, y = make_data()
    s = SufficientStats.from_arrays(X, y, feature_names=["a", "b", "c", "d"], target_name="t")
    mean, scatter = reference_stats(X, y)
    assert s.n == 500 and s.n_features == 4
    np.testing.assert_allclose(s.mean, mean, rtol=1e-13)
    np.testing.assert_allclose(s.scatter, scatter, rtol=1e-12)
    np.testing.assert_allclose(s.x_mean, X.mean(axis=0), rtol=1e-13)
    assert s.y_mean == pytest.approx(y.mean(), rel=1e-13)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    np.testing.assert_allclose(s.sxx, Xc.T @ Xc, rtol=1e-12)
    np.testing.assert_allclose(s.sxy, Xc.T @ yc, rtol=1e-12)
    assert s.syy == pytest.approx(yc @ yc, rel=1e-12)
    assert s.feature_names == ("a", "b", "c", "d") and s.target_name == "t"
    assert s.scatter.flags.writeable is False and s.sxx.flags.writeable is False
    assert np.array_equal(s.scatter, s.scatter.T)


@pytest.mark.parametrize("max_size", [1, 3, 50, 600])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_accumulate_random_chunkings_equal_single_pass(max_size: int, seed: int) -> None:
    X, y = make_data(n=400, p=5, seed=seed)
    single = SufficientStats.from_arrays(X, y)
    rng = np.random.default_rng(100 + seed)
    merged = accumulate(iter(random_chunks(X, y, rng, max_size)))
    assert_stats_close(merged, single, rtol=1e-12)
    assert merged.allclose(single, rtol=1e-12)


def test_accumulate_chunks_of_one_row_large_offset() -> None:
    # With 1e6 offsets the double-double mean keeps merges as accurate as one pass.
    X, y = make_data(n=300, p=3, offset=1e6, seed=3)
    single = SufficientStats.from_arrays(X, y)
    merged = accumulate((X[i : i + 1], y[i : i + 1]) for i in range(len(y)))
    assert_stats_close(merged, single, rtol=1e-12)


def test_accumulate_names_and_empty_chunks_skipped() -> None:
    X, y = make_data(n=50, p=2)
    chunks = [(X[:0], y[:0]), (X[:20], y[:20]), (X[20:20], y[20:20]), (X[20:], y[20:])]
    s = accumulate(chunks, feature_names=("u", "v"), target_name="w")
    assert s.n == 50 and s.feature_names == ("u", "v") and s.target_name == "w"
    assert s.allclose(SufficientStats.from_arrays(X, y))


def test_accumulate_errors() -> None:
    X, y = make_data(n=30, p=2)
    with pytest.raises(ValueError, match="no data"):
        accumulate([])
    with pytest.raises(ValueError, match="no data"):
        accumulate(iter([(X[:0], y[:0])]))
    bad = X.copy()
    bad[25, 1] = np.nan
    with pytest.raises(ValueError, match=r"chunk 2: X contains 1 NaN"):
        accumulate([(bad[:10], y[:10]), (bad[10:20], y[10:20]), (bad[20:], y[20:])])
    ybad = y.copy()
    ybad[3] = np.inf
    with pytest.raises(ValueError, match=r"chunk 0: y contains 1 infinite"):
        accumulate([(X, ybad)])
    with pytest.raises(ValueError, match=r"chunk 1: has 1 feature\(s\); earlier chunks have 2"):
        accumulate([(X[:10], y[:10]), (X[10:, :1], y[10:])])
    with pytest.raises(ValueError, match="chunk 0: X and y have mismatched lengths"):
        accumulate([(X[:10], y[:9])])
    with pytest.raises(ValueError, match=r"chunk 0: expected a pair"):
        accumulate([X])


def test_merge_errors_and_labels() -> None:
    X, y = make_data(n=20, p=3)
    a = SufficientStats.from_arrays(X[:10], y[:10], feature_names=["a", "b", "c"])
    b = SufficientStats.from_arrays(X[10:], y[10:])
    assert a.merge(b).feature_names == ("a", "b", "c")
    with pytest.raises(ValueError, match="3 and 2 features"):
        a.merge(SufficientStats.from_arrays(X[:, :2], y))
    with pytest.raises(ValueError, match="different feature names"):
        a.merge(SufficientStats.from_arrays(X, y, feature_names=["a", "b", "z"]))
    with pytest.raises(ValueError, match="feature_names has 2 name"):
        SufficientStats.from_arrays(X, y, feature_names=["a", "b"])


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_rss_identity(offset: float) -> None:
    X, y = make_data(n=300, p=3, offset=offset, seed=7)
    s = accumulate((X[i : i + 13], y[i : i + 13]) for i in range(0, 300, 13))
    rng = np.random.default_rng(8)
    # Least squares (hardest: RSS ≪ Syy), then random points.
    beta_ls = np.linalg.solve(s.sxx, s.sxy)
    candidates = [(s.y_mean - s.x_mean @ beta_ls, beta_ls)]
    candidates += [(float(rng.normal(0, 5)), rng.normal(0, 2, 3)) for _ in range(3)]
    for b0, beta in candidates:
        exact = exact_rss(X, y, b0, beta)
        direct = float(np.sum((y - b0 - X @ beta) ** 2))
        got = s.rss(b0, beta)
        assert got == pytest.approx(exact, rel=1e-10)
        assert got == pytest.approx(direct, rel=1e-10)


def test_rss_validates_coef() -> None:
    X, y = make_data(n=20, p=3)
    s = SufficientStats.from_arrays(X, y)
    with pytest.raises(ValueError, match="coef has length 2"):
        s.rss(0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="coef contains 1 NaN"):
        s.rss(0.0, [1.0, np.nan, 2.0])


def test_gram_matches_raw_products() -> None:
    X, y = make_data(n=200, p=4, seed=4)
    s = accumulate((X[i : i + 17], y[i : i + 17]) for i in range(0, 200, 17))
    X1 = np.column_stack([np.ones(len(y)), X])
    g = s.gram()
    np.testing.assert_allclose(g.xtx, X1.T @ X1, rtol=1e-12)
    np.testing.assert_allclose(g.xty, X1.T @ y, rtol=1e-12)
    assert g.yty == pytest.approx(y @ y, rel=1e-12)
    xtx, xty, yty = s.gram(fit_intercept=False)
    np.testing.assert_allclose(xtx, X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(xty, X.T @ y, rtol=1e-12)
    assert yty == pytest.approx(y @ y, rel=1e-12)


def test_dict_json_round_trip() -> None:
    X, y = make_data(n=60, p=3, offset=1e6)
    s = SufficientStats.from_arrays(X, y, feature_names=["a", "b", "c"], target_name="t")
    back = SufficientStats.from_dict(json.loads(json.dumps(s.to_dict())))
    assert back.n == s.n and back.feature_names == s.feature_names and back.target_name == "t"
    assert np.array_equal(back.mean, s.mean) and np.array_equal(back.scatter, s.scatter)
    assert np.array_equal(back.mean_lo, s.mean_lo)
    with pytest.raises(ValueError, match="missing key"):
        SufficientStats.from_dict({"n": 3})
    with pytest.raises(ValueError, match="scatter must have shape"):
        SufficientStats(3, np.zeros(3), np.zeros((2, 2)))


_elements = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@st.composite
def _three_datasets(draw: st.DrawFn) -> list[tuple[np.ndarray, np.ndarray]]:
    p = draw(st.integers(1, 3))
    out = []
    for _ in range(3):
        m = draw(st.integers(1, 6))
        X = draw(hnp.arrays(np.float64, (m, p), elements=_elements))
        y = draw(hnp.arrays(np.float64, (m,), elements=_elements))
        out.append((X, y))
    return out


@settings(max_examples=150, deadline=None)
@given(_three_datasets())
def test_merge_associative_commutative(data: list[tuple[np.ndarray, np.ndarray]]) -> None:
    a, b, c = (SufficientStats.from_arrays(X, y) for X, y in data)
    left = a.merge(b).merge(c)
    right = a.merge(b.merge(c))
    swapped = c.merge(a).merge(b)
    ba = b.merge(a)
    ab = a.merge(b)
    scale = 1.0 + max(float(np.abs(left.scatter).max()), 100.0**2)
    for u, v in [(left, right), (left, swapped), (ab, ba)]:
        assert u.n == v.n
        np.testing.assert_allclose(u.mean, v.mean, rtol=1e-9, atol=1e-9 * 100)
        np.testing.assert_allclose(u.scatter, v.scatter, rtol=1e-9, atol=1e-9 * scale)
    X = np.vstack([d[0] for d in data])
    y = np.concatenate([d[1] for d in data])
    whole = SufficientStats.from_arrays(X, y)
    np.testing.assert_allclose(left.scatter, whole.scatter, rtol=1e-9, atol=1e-9 * scale)


# ----------------------------------------------------------------------------- CSV
def _frame(X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    df["target"] = y
    return df


def test_from_csv_chunked_equals_from_arrays(tmp_path) -> None:
    X, y = make_data(n=1000, p=4, offset=1e3, seed=5)
    df = _frame(X, y)
    df.insert(2, "yy", y * 0 + 1.0)  # a constant column is allowed here
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False, float_format="%.17g")
    s = from_csv(path, target="target", chunksize=77)
    assert s.feature_names == ("x0", "x1", "yy", "x2", "x3") and s.target_name == "target"
    ref = SufficientStats.from_arrays(df.drop(columns="target").to_numpy(), y)
    assert_stats_close(s, ref)
    sel = from_csv(path, target="target", features=["x3", "x0"], chunksize=100)
    assert sel.feature_names == ("x3", "x0")
    assert_stats_close(sel, SufficientStats.from_arrays(X[:, [3, 0]], y))


def test_from_csv_errors(tmp_path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(ValueError, match=r"file not found: .*nope\.csv"):
        from_csv(missing, target="y")
    path = tmp_path / "d.csv"
    pd.DataFrame(
        {"a": [1.0, 2.0, 3.0], "b": [1, 5, 2], "name": ["u", "v", "w"], "y": [1, 2, 4]}
    ).to_csv(path, index=False)
    with pytest.raises(ValueError, match="target column 'zz' not found"):
        from_csv(path, target="zz")
    with pytest.raises(ValueError, match="feature column 'c' not found"):
        from_csv(path, target="y", features=["a", "c"])
    with pytest.raises(ValueError, match=r"column 'name' .* is not numeric"):
        from_csv(path, target="y")  # never silently dropped
    with pytest.raises(ValueError, match=r"column 'name' .* is not numeric"):
        from_csv(path, target="name", features=["a"])
    s = from_csv(path, target="y", features=["a", "b"])
    assert s.n == 3
    nan_path = tmp_path / "nan.csv"
    nan_path.write_text("a,b,y\n1,2,3\n2,5,4\n3,,5\n4,1,1\n")
    with pytest.raises(
        ValueError, match=r"column 'b' .* 1 missing \(NaN\) value\(s\) \(first at data row 3\)"
    ):
        from_csv(nan_path, target="y", chunksize=2)
    late = tmp_path / "late.csv"
    late.write_text("a,y\n" + "".join(f"{i},{i}\n" for i in range(10)) + "oops,3\n")
    with pytest.raises(ValueError, match=r"column 'a' .* is not numeric"):
        from_csv(late, target="y", chunksize=4)
    header_only = tmp_path / "h.csv"
    header_only.write_text("a,y\n")
    with pytest.raises(ValueError, match="no data rows"):
        from_csv(header_only, target="y")
    with pytest.raises(ValueError, match="also listed as a feature"):
        from_csv(path, target="y", features=["a", "y"])


# ----------------------------------------------------------------------------- Parquet
def test_parquet_round_trip(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    X, y = make_data(n=900, p=3, seed=6)
    df = _frame(X, y)
    df["k"] = np.arange(900, dtype=np.int64)
    df.index = df.index + 10  # a non-default index is stored as a column, never a feature
    path = tmp_path / "data.parquet"
    df.to_parquet(path)
    s = from_parquet(path, target="target", batch_size=128)
    assert s.feature_names == ("x0", "x1", "x2", "k")
    ref = SufficientStats.from_arrays(df.drop(columns="target").to_numpy(), y)
    assert_stats_close(s, ref)
    csv = tmp_path / "data.csv"
    df.to_csv(csv, index=False, float_format="%.17g")
    assert_stats_close(from_csv(csv, target="target"), s)


def test_parquet_errors(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    with pytest.raises(ValueError, match="file not found"):
        from_parquet(tmp_path / "nope.parquet", target="y")
    path = tmp_path / "d.parquet"
    pd.DataFrame({"a": [1.0, np.nan, 3.0], "s": ["u", "v", "w"], "y": [1.0, 2.0, 4.0]}).to_parquet(
        path, index=False
    )
    with pytest.raises(ValueError, match="target column 'q' not found"):
        from_parquet(path, target="q")
    with pytest.raises(ValueError, match=r"column 's' .* is not numeric"):
        from_parquet(path, target="y")
    with pytest.raises(ValueError, match=r"column 'a' .* 1 missing \(null\)"):
        from_parquet(path, target="y", features=["a"])
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    with pytest.raises(ValueError, match=r"cannot read .* as Parquet"):
        from_parquet(bad, target="y")


def test_missing_optional_dependencies(tmp_path, monkeypatch) -> None:
    path = tmp_path / "d.parquet"
    path.write_text("x")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"pip install 'bayesreg\[parquet\]'"):
        from_parquet(path, target="y")
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ImportError, match=r"pip install bayesreg\[dask\]"):
        from_dask(np.ones((3, 2)), np.ones(3))


# ----------------------------------------------------------------------------- dask
def test_from_dask_threads_equals_in_memory() -> None:
    da = pytest.importorskip("dask.array")
    X, y = make_data(n=1000, p=4, offset=1e6, seed=9)
    ref = SufficientStats.from_arrays(X, y)
    s = from_dask(da.from_array(X, chunks=(137, -1)), da.from_array(y, chunks=137))
    assert_stats_close(s, ref)
    # Column blocks and misaligned y blocks are handled too.
    s2 = from_dask(
        da.from_array(X, chunks=(200, 3)),
        da.from_array(y, chunks=333),
        feature_names=["a", "b", "c", "d"],
        target_name="t",
    )
    assert_stats_close(s2, ref)
    assert s2.feature_names == ("a", "b", "c", "d") and s2.target_name == "t"


def test_from_dask_errors() -> None:
    da = pytest.importorskip("dask.array")
    X, y = make_data(n=100, p=2)
    with pytest.raises(ValueError, match="mismatched lengths"):
        from_dask(da.from_array(X, chunks=50), da.from_array(y[:90], chunks=50))
    bad = X.copy()
    bad[75, 0] = np.nan
    with pytest.raises(ValueError, match=r"block 3: X contains 1 NaN"):
        from_dask(da.from_array(bad, chunks=(25, -1)), da.from_array(y, chunks=25))
    with pytest.raises(ValueError, match="must be a 2-D array"):
        from_dask(da.from_array(y, chunks=25), da.from_array(y, chunks=25))


def test_from_dask_dataframe_equals_in_memory() -> None:
    dd = pytest.importorskip("dask.dataframe")
    X, y = make_data(n=700, p=3, seed=10)
    df = _frame(X, y)
    ddf = dd.from_pandas(df, npartitions=5)
    s = from_dask_dataframe(ddf, target="target")
    assert s.feature_names == ("x0", "x1", "x2") and s.target_name == "target"
    assert_stats_close(s, SufficientStats.from_arrays(X, y))
    # Unknown chunk sizes (dask DataFrame .values) also work with from_dask.
    s2 = from_dask(ddf[["x0", "x1", "x2"]].values, ddf["target"].values)
    assert_stats_close(s2, SufficientStats.from_arrays(X, y))
    df["s"] = ["a"] * 700
    with pytest.raises(ValueError, match=r"column 's' .* is not numeric"):
        from_dask_dataframe(dd.from_pandas(df, npartitions=2), target="target")
    df = _frame(X, y)
    df.loc[650, "x1"] = np.nan
    with pytest.raises(ValueError, match=r"column 'x1' in partition 4 contains 1 missing \(NaN\)"):
        from_dask_dataframe(dd.from_pandas(df, npartitions=5), target="target")


@pytest.fixture
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def test_from_dask_distributed_equals_in_memory(dask_client) -> None:
    import dask.array as da
    import distributed

    X, y = make_data(n=2000, p=5, offset=1e6, seed=11)
    Xd = da.from_array(X, chunks=(137, -1))
    yd = da.from_array(y, chunks=137)
    with distributed.get_task_stream(dask_client) as stream:
        s = from_dask(Xd, yd)
    assert_stats_close(s, SufficientStats.from_arrays(X, y))
    # The tasks really ran on the cluster: one per block plus the merges of the tree.
    assert len(stream.data) >= Xd.numblocks[0]
