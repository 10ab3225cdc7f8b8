"""scipy.sparse designs: ``lasso_cd``, ``lasso_path``, ``lambda_max`` and ``ridge_closed_form``.

Objective: ‖y − β₀ − Xβ‖²₂ + λ‖β‖₁ (resp. λ‖β‖²₂), β₀ unpenalized. The references are
scikit-learn (``Lasso(alpha=to_sklearn_alpha(λ, n))``, ``Ridge(alpha=λ)``) on the dense copy,
the package's dense route on the same data, and optimality conditions written out here from
the dense copy of X (the problems are small enough to densify in a test):

* Lasso, with r = y − β₀ − Xβ: |2X_jᵀr| ≤ λ where β_j = 0, 2X_jᵀr = λ·sign(β_j) where β_j ≠ 0,
  Σr = 0 with an intercept;
* Ridge: X_jᵀr = λβ_j for every j, Σr = 0 with an intercept.

The designs have column means far from zero (a dense shifted column, positive sparse entries),
an all-zero column, and, where said, a duplicated column.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import assert_coef_close, assert_intercept_close
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, Ridge

import bayesreg.solvers.ridge as ridge_module
from bayesreg import lambda_max, lasso_cd, lasso_path, ridge_closed_form, to_sklearn_alpha

TIGHT_TOL = 1e-13
SK_TOL = 1e-14
MAX_ITER = 500_000
SAME_ROUTE_RTOL = 1e-9  # sparse vs dense route of the package on the same data
KKT_RTOL = 1e-8


# --------------------------------------------------------------------------------------------
# problems and independent checks


def make_sparse(n, p, density, seed=0, duplicate=False, n_true=5):
    """CSC design: random sparse entries (positive mean), a dense column with mean 3 and sd 1,
    an all-zero column (index 1), optionally the last column a copy of column 2."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="lil", random_state=seed, dtype=np.float64)
    X = X * 2.0
    X[:, 0] = (3.0 + rng.standard_normal(n))[:, None]  # dense, mean ≫ 0
    X[:, 1] = 0.0
    if duplicate:
        X[:, p - 1] = X[:, 2]
    X = sp.csc_array(X)
    X.eliminate_zeros()
    beta = np.zeros(p)
    k = min(n_true, p)
    beta[:k] = 2.0 * rng.standard_normal(k)
    beta[1] = 0.0
    y = X @ beta + 1.5 + 0.5 * rng.standard_normal(n)
    return X, y


def lasso_kkt_violation(Xd, y, coef, intercept, lam, fit_intercept):
    """max KKT violation relative to λ, computed from the dense X."""
    r = y - intercept - Xd @ coef
    c = 2.0 * (Xd.T @ r)
    on = coef != 0
    v = np.where(on, np.abs(c - lam * np.sign(coef)), np.maximum(np.abs(c) - lam, 0.0))
    worst = float(v.max()) / lam
    if fit_intercept:
        worst = max(worst, 2.0 * abs(float(r.sum())) / lam)
    return worst


def ridge_gradient(Xd, y, coef, intercept, lam, fit_intercept):
    """max |X_jᵀr − λβ_j| (and |Σr|) relative to ‖X_cᵀy_c‖∞, from the dense X."""
    r = y - intercept - Xd @ coef
    g = float(np.max(np.abs(Xd.T @ r - lam * coef)))
    if fit_intercept:
        g = max(g, abs(float(r.sum())))
    yc = y - y.mean() if fit_intercept else y
    return g / float(np.max(np.abs(Xd.T @ yc)))


def sk_lasso(Xd, y, lam, fit_intercept):
    n = Xd.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Lasso(
            alpha=to_sklearn_alpha(lam, n, "l1"),
            fit_intercept=fit_intercept,
            tol=SK_TOL,
            max_iter=MAX_ITER,
        ).fit(Xd, y)


SHAPES = [
    pytest.param(300, 60, 0.2, id="tall-20%"),
    pytest.param(400, 120, 0.05, id="tall-5%"),
    pytest.param(2000, 150, 0.01, id="tall-1%"),
    pytest.param(80, 300, 0.1, id="wide-10%"),
    pytest.param(200, 800, 0.02, id="wide-2%"),
]


# --------------------------------------------------------------------------------------------
# Lasso


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize(("n", "p", "density"), SHAPES)
def test_lasso_matches_sklearn_dense_route_and_kkt(n, p, density, fit_intercept):
    X, y = make_sparse(n, p, density, seed=n + p)
    Xd = X.toarray()
    lam = 0.1 * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert res.converged and res.gap <= TIGHT_TOL
    assert res.support.size > 0
    assert res.coef[1] == 0.0  # all-zero column
    # against scikit-learn on the dense copy: values and exact zeros
    sk = sk_lasso(Xd, y, lam, fit_intercept)
    assert_coef_close(res.coef, sk.coef_)
    assert_intercept_close(res.intercept, sk.intercept_, sk.coef_)
    np.testing.assert_array_equal(res.coef != 0, sk.coef_ != 0)
    # optimality, written out from the dense X
    assert lasso_kkt_violation(Xd, y, res.coef, res.intercept, lam, fit_intercept) <= KKT_RTOL
    # the dense route on the same data
    dense = lasso_cd(Xd, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert_coef_close(res.coef, dense.coef, SAME_ROUTE_RTOL)
    assert_intercept_close(res.intercept, dense.intercept, dense.coef, SAME_ROUTE_RTOL)
    np.testing.assert_array_equal(res.coef != 0, dense.coef != 0)


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
def test_lasso_duplicated_column(fit_intercept):
    """The split between two equal columns is not unique: their sum, every other coefficient,
    the fit and the objective are; KKT holds."""
    X, y = make_sparse(200, 40, 0.1, seed=3, duplicate=True)
    Xd = X.toarray()
    lam = 0.05 * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    sk = sk_lasso(Xd, y, lam, fit_intercept)
    assert res.converged
    assert lasso_kkt_violation(Xd, y, res.coef, res.intercept, lam, fit_intercept) <= KKT_RTOL
    keep = np.r_[0:2, 3:39]
    assert_coef_close(res.coef[keep], sk.coef_[keep])
    assert_coef_close(res.coef[2] + res.coef[39], sk.coef_[2] + sk.coef_[39])
    assert_intercept_close(res.intercept, sk.intercept_, sk.coef_)


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize(("n", "p", "density"), [SHAPES[0], SHAPES[3]])
def test_lasso_path_sparse_equals_dense(n, p, density, fit_intercept):
    """n > p: the dense path runs on the Gram matrix, the sparse one sweeps; n < p: the same
    algorithm on both. Every λ is certified; coefficients agree."""
    X, y = make_sparse(n, p, density, seed=7)
    Xd = X.toarray()
    kw = dict(n_lams=15, eps=1e-2, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    ps = lasso_path(X, y, **kw)
    pd = lasso_path(Xd, y, **kw)
    assert ps.converged.all()
    np.testing.assert_allclose(ps.lams, pd.lams, rtol=1e-14)
    rtol = SAME_ROUTE_RTOL if n < p else KKT_RTOL
    for k in range(ps.lams.size):
        assert_coef_close(ps.coefs[k], pd.coefs[k], rtol)
        assert_intercept_close(ps.intercepts[k], pd.intercepts[k], pd.coefs[k], rtol)
        lam = ps.lams[k]
        viol = lasso_kkt_violation(Xd, y, ps.coefs[k], ps.intercepts[k], lam, fit_intercept)
        assert viol <= KKT_RTOL
    assert np.all(ps.coefs[:, 1] == 0.0)


def test_lambda_max_sparse_is_the_first_zero_solution():
    X, y = make_sparse(150, 50, 0.1, seed=2)
    lmax = lambda_max(X, y)
    assert lmax == pytest.approx(lambda_max(X.toarray(), y), rel=1e-14)
    assert not np.any(lasso_cd(X, y, lmax * (1 + 1e-9)).coef)
    assert np.any(lasso_cd(X, y, lmax * 0.99).coef)


def test_lasso_warm_start_sparse():
    X, y = make_sparse(200, 300, 0.05, seed=5)
    lam = 0.1 * lambda_max(X, y)
    cold = lasso_cd(X, y, lam, tol=TIGHT_TOL)
    warm = lasso_cd(X, y, lam, tol=TIGHT_TOL, coef_init=cold.coef * 1.1)
    assert warm.converged
    assert_coef_close(warm.coef, cold.coef, SAME_ROUTE_RTOL)


def test_lasso_sparse_memory_is_not_dense():
    """Peak allocations stay far below one dense n × p copy (8·n·p bytes)."""
    n, p = 4000, 3000
    X, y = make_sparse(n, p, 0.002, seed=9)
    lam = 0.1 * lambda_max(X, y)
    lasso_cd(X, y, lam)  # compile the kernels outside the measurement
    tracemalloc.start()
    res = lasso_cd(X, y, lam)
    lasso_path(X, y, n_lams=5, eps=0.1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.converged
    assert peak < 0.05 * 8 * n * p, f"peak {peak / 1e6:.1f} MB"


# --------------------------------------------------------------------------------------------
# Ridge


@pytest.fixture(params=["auto", "gram", "dual", "lsqr"])
def ridge_route(request, monkeypatch):
    """Force one sparse Ridge route ('auto' leaves the thresholds alone)."""
    if request.param in ("dual", "lsqr"):
        monkeypatch.setattr(ridge_module, "_SPARSE_GRAM_MAX", 0)
    if request.param in ("gram", "lsqr"):
        monkeypatch.setattr(ridge_module, "_SPARSE_DUAL_MAX", 0)
    if request.param == "gram":
        monkeypatch.setattr(ridge_module, "_SPARSE_GRAM_MAX", 10**9)
    return request.param


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize(("n", "p", "density"), [SHAPES[0], SHAPES[1], SHAPES[3], SHAPES[4]])
def test_ridge_matches_sklearn_dense_route_and_gradient(n, p, density, fit_intercept, ridge_route):
    if ridge_route == "dual" and n >= p:
        pytest.skip("the dual route is for n < p")
    if ridge_route == "gram" and n < p:
        pytest.skip("the Gram route is for n >= p")
    X, y = make_sparse(n, p, density, seed=n * p, duplicate=True)
    Xd = X.toarray()
    lam = 3.0
    res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
    sk = Ridge(alpha=to_sklearn_alpha(lam, n, "l2"), fit_intercept=fit_intercept, solver="svd").fit(
        Xd, y
    )
    assert_coef_close(res.coef, sk.coef_)
    assert_intercept_close(res.intercept, sk.intercept_, sk.coef_)
    dense = ridge_closed_form(Xd, y, lam, fit_intercept=fit_intercept)
    assert_coef_close(res.coef, dense.coef, SAME_ROUTE_RTOL)
    assert_intercept_close(res.intercept, dense.intercept, dense.coef, SAME_ROUTE_RTOL)
    assert res.coef[1] == 0.0
    assert res.coef[2] == pytest.approx(res.coef[p - 1], rel=1e-9)  # duplicated columns
    assert res.grad_residual is not None and res.grad_residual <= 1e-10
    assert ridge_gradient(Xd, y, res.coef, res.intercept, lam, fit_intercept) <= 1e-10


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
def test_ridge_several_lams_sparse(fit_intercept, ridge_route):
    X, y = (
        make_sparse(120, 40, 0.1, seed=11)
        if ridge_route != "dual"
        else make_sparse(40, 120, 0.1, seed=11)
    )
    Xd = X.toarray()
    lams = [0.1, 1.0, 30.0]
    res = ridge_closed_form(X, y, lams, fit_intercept=fit_intercept)
    assert res.coef.shape == (3, X.shape[1])
    assert res.intercept.shape == (3,) and res.grad_residual.shape == (3,)
    for k, lam in enumerate(lams):
        one = ridge_closed_form(Xd, y, lam, fit_intercept=fit_intercept)
        assert_coef_close(res.coef[k], one.coef, SAME_ROUTE_RTOL)
        assert_intercept_close(res.intercept[k], one.intercept, one.coef, SAME_ROUTE_RTOL)
        assert ridge_gradient(Xd, y, res.coef[k], res.intercept[k], lam, fit_intercept) <= 1e-10


def test_ridge_lam_zero_sparse():
    X, y = make_sparse(200, 30, 0.3, seed=4)
    X = X[:, 2:]  # drop the all-zero column (singular at λ = 0)
    res = ridge_closed_form(X, y, 0.0)
    dense = ridge_closed_form(X.toarray(), y, 0.0)
    assert_coef_close(res.coef, dense.coef, SAME_ROUTE_RTOL)
    with pytest.raises(ValueError, match=r"singular"):
        ridge_closed_form(*make_sparse(200, 30, 0.3, seed=4), 0.0)  # all-zero column
    with pytest.raises(ValueError, match=r"singular"):
        ridge_closed_form(*make_sparse(30, 200, 0.3, seed=4), 0.0)  # p > n


def test_ridge_lsqr_memory_is_not_dense(monkeypatch):
    monkeypatch.setattr(ridge_module, "_SPARSE_GRAM_MAX", 0)
    monkeypatch.setattr(ridge_module, "_SPARSE_DUAL_MAX", 0)
    n, p = 4000, 3000
    X, y = make_sparse(n, p, 0.002, seed=9)
    tracemalloc.start()
    res = ridge_closed_form(X, y, 1.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.grad_residual <= 1e-10
    assert peak < 0.05 * 8 * n * p, f"peak {peak / 1e6:.1f} MB"


# --------------------------------------------------------------------------------------------
# formats, dtypes, input not modified


@pytest.mark.parametrize(
    "convert",
    [sp.csr_array, sp.coo_array, sp.csc_matrix, sp.csr_matrix, sp.lil_array, sp.dok_array],
    ids=["csr", "coo", "csc_matrix", "csr_matrix", "lil", "dok"],
)
def test_other_formats_give_the_csc_result(convert):
    X, y = make_sparse(100, 30, 0.2, seed=1)
    ref_l = lasso_cd(X, y, 5.0, tol=TIGHT_TOL)
    ref_r = ridge_closed_form(X, y, 2.0)
    Xo = convert(X)
    np.testing.assert_array_equal(lasso_cd(Xo, y, 5.0, tol=TIGHT_TOL).coef, ref_l.coef)
    np.testing.assert_array_equal(ridge_closed_form(Xo, y, 2.0).coef, ref_r.coef)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.float32])
def test_int_and_bool_data_are_converted_to_float64(dtype):
    rng = np.random.default_rng(0)
    Xd = (rng.random((60, 12)) < 0.3) * rng.integers(1, 4, (60, 12))
    Xd = Xd.astype(dtype)
    y = rng.standard_normal(60)
    Xs = sp.csc_array(Xd)
    assert_coef_close(
        lasso_cd(Xs, y, 1.0, tol=TIGHT_TOL).coef,
        lasso_cd(Xd.astype(np.float64), y, 1.0, tol=TIGHT_TOL).coef,
        SAME_ROUTE_RTOL,
    )
    assert_coef_close(
        ridge_closed_form(Xs, y, 1.0).coef,
        ridge_closed_form(Xd.astype(np.float64), y, 1.0).coef,
        SAME_ROUTE_RTOL,
    )


def test_sparse_input_is_not_modified():
    X, y = make_sparse(100, 30, 0.2, seed=1)
    X = sp.coo_array(X)
    X = sp.coo_array((np.r_[X.data, 1.0], (np.r_[X.row, 0], np.r_[X.col, 5])), shape=X.shape)
    Xc = sp.csc_array(X, copy=True)
    before = (X.data.copy(), X.row.copy(), X.col.copy(), y.copy())
    lasso_cd(X, y, 5.0)
    lasso_cd(Xc, y, 5.0)
    ridge_closed_form(X, y, [1.0, 2.0])
    np.testing.assert_array_equal(X.data, before[0])
    np.testing.assert_array_equal(X.row, before[1])
    np.testing.assert_array_equal(X.col, before[2])
    np.testing.assert_array_equal(y, before[3])


# --------------------------------------------------------------------------------------------
# bad input


def _bad_sparse_cases():
    X, y = make_sparse(20, 4, 0.5, seed=0)
    X_nan = X.copy()
    X_nan.data[[0, 2]] = np.nan
    X_inf = X.copy()
    X_inf.data[1] = -np.inf
    return [
        pytest.param(X_nan, y, r"^X contains 2 NaN value\(s\)$", id="nan-in-data"),
        pytest.param(X_inf, y, r"^X contains 1 infinite value\(s\)$", id="inf-in-data"),
        pytest.param(X, y[:-1], r"mismatched lengths: X has 20 rows, y has 19", id="short-y"),
        pytest.param(X[:-2], y, r"mismatched lengths", id="short-X"),
        pytest.param(sp.csc_array((0, 4)), np.empty(0), r"X is empty", id="zero-rows"),
        pytest.param(sp.csc_array((20, 0)), y, r"X is empty", id="zero-columns"),
        pytest.param(X * 1j, y, r"X must be real-valued; got dtype complex128", id="complex"),
        pytest.param(sp.coo_array(y), y, r"X must be a 2-D array.*got 1-D", id="1d-coo"),
        pytest.param(X, np.column_stack([y, y]), r"y must be 1-D", id="2d-y"),
        pytest.param(X, np.where(np.arange(20) == 3, np.nan, y), r"y contains 1 NaN", id="nan-y"),
        pytest.param(X, None, r"y is missing", id="none-y"),
    ]


@pytest.mark.parametrize(
    "solve",
    [
        lambda X, y: lasso_cd(X, y, 1.0),
        lambda X, y: lasso_path(X, y, n_lams=3),
        lambda X, y: lambda_max(X, y),
        lambda X, y: ridge_closed_form(X, y, 1.0),
        lambda X, y: ridge_closed_form(X, y, [1.0, 2.0]),
    ],
    ids=["lasso_cd", "lasso_path", "lambda_max", "ridge", "ridge-several"],
)
@pytest.mark.parametrize(("X", "y", "match"), _bad_sparse_cases())
def test_bad_sparse_input(solve, X, y, match):
    with pytest.raises(ValueError, match=match) as info:
        solve(X, y)
    assert "\n" not in str(info.value)


def test_sparse_overflowing_squares_are_rejected():
    X = sp.csc_array(np.array([[1e200, 0.0], [0.0, 1.0], [1.0, 2.0]]))
    for solve in (
        lambda: lasso_cd(X, np.arange(3.0) + 1.0, 1.0),
        lambda: ridge_closed_form(X, np.arange(3.0), 1.0),
    ):
        with pytest.raises(ValueError, match=r"X has values too large"):
            solve()


def test_dense_only_entry_points_name_the_sparse_input():
    from bayesreg._validation import check_matrix

    with pytest.raises(ValueError, match=r"X is a scipy.sparse matrix"):
        check_matrix(sp.csc_array(np.eye(3)))


# --------------------------------------------------------------------------------------------
# property test


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(4, 30),
    p=st.integers(1, 25),
    density=st.floats(0.05, 0.6),
    frac=st.floats(0.01, 0.9),
    fit_intercept=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_kkt_on_small_random_sparse_problems(n, p, density, frac, fit_intercept, seed):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed) * 3.0
    X = sp.csc_array(X)
    y = rng.standard_normal(n) + X @ rng.standard_normal(p)
    lmax = lambda_max(X, y, fit_intercept=fit_intercept)
    if lmax <= 1e-8:
        return
    lam = frac * lmax
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert res.converged
    Xd = X.toarray()
    assert lasso_kkt_violation(Xd, y, res.coef, res.intercept, lam, fit_intercept) <= KKT_RTOL
    assert np.all(res.coef[np.asarray((X != 0).sum(axis=0)).ravel() == 0] == 0.0)
    dense = lasso_cd(Xd, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    obj = np.sum((y - res.intercept - Xd @ res.coef) ** 2) + lam * np.abs(res.coef).sum()
    obj_d = np.sum((y - dense.intercept - Xd @ dense.coef) ** 2) + lam * np.abs(dense.coef).sum()
    assert obj == pytest.approx(obj_d, rel=1e-10, abs=1e-12)


# --------------------------------------------------------------------------------------------
# private pieces whose errors the certified solvers would only absorb as lost speed


def test_sparse_column_stats_equal_the_dense_centered_norms():
    from bayesreg.solvers._design import sparse_column_stats

    X, _ = make_sparse(300, 60, 0.05, seed=12)
    Xd = X.toarray()
    x_mean, norms2 = sparse_column_stats(X, True)
    np.testing.assert_allclose(x_mean, Xd.mean(axis=0), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(norms2, ((Xd - Xd.mean(axis=0)) ** 2).sum(axis=0), rtol=1e-12)
    assert norms2[1] == 0.0
    _, raw = sparse_column_stats(X, False)
    np.testing.assert_allclose(raw, (Xd**2).sum(axis=0), rtol=1e-13)


def test_sparse_pattern_gram_equals_the_dense_centered_gram():
    from bayesreg.solvers.lasso import _Problem, _SparseProblem

    X, y = make_sparse(300, 60, 0.1, seed=13)
    support = np.array([0, 3, 7, 20])
    sparse = _SparseProblem.build(X, y, True).pattern_system(support)
    dense = _Problem.build(X.toarray(), y, True).pattern_system(support)
    np.testing.assert_allclose(sparse.gram, dense.gram, rtol=1e-12, atol=1e-10)
    b = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(sparse.matvec(b), dense.matvec(b), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.rmatvec(y), dense.rmatvec(y), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("l2", [0.0, 3.0])
@pytest.mark.parametrize("tol_rel", [0.0, 1e-6])
def test_csc_kernel_sweeps_like_the_dense_kernel(tol_rel, l2):
    """Same sweeps, same β, same residual, same stopping on a design with large means
    (Lasso, and the elastic net's l2 weight)."""
    from bayesreg.solvers._cd_kernels import cd_epochs
    from bayesreg.solvers._csc_kernels import cd_epochs_csc
    from bayesreg.solvers._design import sparse_column_stats

    X, y = make_sparse(200, 50, 0.2, seed=14)
    x_mean, norms2 = sparse_column_stats(X, True)
    Xd = np.asfortranarray(X.toarray())
    ws = np.arange(50, dtype=np.int64)
    lam_half = 0.05 * 0.5 * lambda_max(X, y)
    out = []
    for kernel, Xk in ((cd_epochs, Xd), (cd_epochs_csc, (X.indptr, X.indices, X.data))):
        r, beta = y - y.mean(), np.zeros(50)
        done, gap = kernel(Xk, x_mean, r, beta, norms2, ws, lam_half, l2, 7, tol_rel, 3)
        out.append((done, gap, beta, r))
    assert out[0][0] == out[1][0]
    assert out[1][1] == pytest.approx(out[0][1], rel=1e-9)
    np.testing.assert_allclose(out[1][2], out[0][2], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(out[1][3], out[0][3], rtol=1e-11, atol=1e-11)


def test_sparse_column_stats_written_out():
    """Means and centered squared norms with implicit zeros counted, from the dense copy; a
    fully stored constant column (0.1: its mean is not exact in float64) is exactly 0."""
    from bayesreg.solvers._design import sparse_column_stats

    rng = np.random.default_rng(11)
    D = sp.random(50, 6, density=0.3, random_state=11, data_rvs=rng.standard_normal).toarray()
    D[:, 2] = 0.1  # fully stored, constant
    D[:, 4] = 0.0  # empty
    X = sp.csc_array(D)
    mean, norms2 = sparse_column_stats(X, True)
    np.testing.assert_allclose(mean, D.mean(axis=0), rtol=1e-14, atol=1e-16)
    expect = ((D - D.mean(axis=0)) ** 2).sum(axis=0)
    expect[[2, 4]] = 0.0
    np.testing.assert_allclose(norms2, expect, rtol=1e-13, atol=0)
    assert norms2[2] == 0.0 and norms2[4] == 0.0
    mean0, raw = sparse_column_stats(X, False)
    assert np.all(mean0 == 0.0)
    np.testing.assert_allclose(raw, (D**2).sum(axis=0), rtol=1e-14)
