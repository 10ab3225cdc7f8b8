"""Penalized GLMs: ``glm_cd`` and ``glm_path`` (binomial and Poisson, L1 and L2).

Objective: D(y, β₀ + Xβ) + λ·R(β), D the deviance, β₀ unpenalized, R = ‖β‖₁ or ‖β‖²₂. The
checks are written out here from X, y and the returned (β₀, β), independently of the package,
with μ the inverse link of η = β₀ + Xβ and g = ∂D/∂η = 2(μ − y):

* L1 (KKT): |xⱼᵀg| ≤ λ where βⱼ = 0, xⱼᵀg = −λ·sign(βⱼ) where βⱼ ≠ 0, Σg = 0 with an
  intercept — the largest violation divided by λ;
* L2 (stationarity): xⱼᵀg + 2λβⱼ = 0 for all j, Σg = 0 — divided by ‖Xᵀg‖∞ at the null fit.

References: scikit-learn ``LogisticRegression`` (C from :func:`bayesreg.to_sklearn_C`), glum and
statsmodels for Poisson (λ_g from :func:`bayesreg.to_glmnet_lambda`), R glmnet where installed,
and a Newton solve written here for L2. λ is only converted through the functions under test
in ``test_conventions.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import GLMNET_SKIP_REASON, glmnet_available, glmnet_fit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayesreg import (
    ConvergenceWarning,
    GLMPathResult,
    GLMResult,
    glm_cd,
    glm_path,
    lasso_cd,
    ridge_closed_form,
    to_glmnet_lambda,
    to_sklearn_C,
)

KKT_TOL = 1e-7  # independent residual; the solver's own target is tol = 1e-8
COEF_RTOL = 1e-6


# --------------------------------------------------------------------------------------------
# independent optimality checks


def inverse_link(family, eta):
    if family == "binomial":
        return 0.5 * (1.0 + np.tanh(0.5 * eta))  # expit, written differently
    if family == "poisson":
        return np.exp(eta)
    return eta


def deviance_gradient(family, X, y, intercept, coef):
    """(Xᵀg, Σg) with g = ∂D/∂η = 2(μ − y) (for Gaussian −2(y − η): the same formula)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X)
    g = 2.0 * (inverse_link(family, intercept + Xd @ coef) - y)
    return Xd.T @ g, float(g.sum())


def null_gradient_scale(family, X, y, fit_intercept):
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X)
    ybar = y.mean()
    if not fit_intercept:
        c = 0.0
    elif family == "binomial":
        c = np.log(ybar / (1 - ybar))
    elif family == "poisson":
        c = np.log(ybar)
    else:
        c = ybar
    G, _ = deviance_gradient(family, Xd, y, c, np.zeros(Xd.shape[1]))
    return float(np.max(np.abs(G)))


def kkt(family, X, y, res, penalty, fit_intercept=True):
    G, g0 = deviance_gradient(family, X, y, res.intercept, res.coef)
    b, lam = res.coef, res.lam
    if penalty == "l1":
        v = np.where(b != 0, np.abs(G + lam * np.sign(b)), np.maximum(np.abs(G) - lam, 0.0))
        scale = lam
    else:
        v = np.abs(G + 2.0 * lam * b)
        scale = null_gradient_scale(family, X, y, fit_intercept) or 1.0
    worst = float(v.max())
    if fit_intercept:
        worst = max(worst, abs(g0))
    return worst / scale


def objective(family, X, y, res, penalty):
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X)
    eta = res.intercept + Xd @ res.coef
    if family == "binomial":
        dev = 2.0 * np.sum(np.logaddexp(0.0, eta) - y * eta)
    else:
        mu = np.exp(eta)
        sat = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
        dev = 2.0 * np.sum(sat - y * eta + mu - y)
    reg = np.abs(res.coef).sum() if penalty == "l1" else res.coef @ res.coef
    return float(dev + res.lam * reg)


# --------------------------------------------------------------------------------------------
# problems


def make(family, n, p, *, rho=0.0, k=5, seed=0, shift=0.0, scale=0.7):
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * rng.standard_normal((n, 1))
    X += shift
    beta = np.zeros(p)
    beta[: min(k, p)] = scale * rng.choice([-1.0, 1.0], min(k, p))
    eta = 0.3 + (X - shift) @ beta
    if family == "binomial":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    return X, y


def lam_max(family, X, y, fit_intercept=True):
    return null_gradient_scale(family, X, y, fit_intercept)


FAMILIES = ["binomial", "poisson"]


# --------------------------------------------------------------------------------------------
# agreement with other libraries


@pytest.mark.parametrize("frac", [0.05, 0.3])
def test_l1_logistic_matches_sklearn_saga(frac):
    from sklearn.linear_model import LogisticRegression

    X, y = make("binomial", 150, 12, rho=0.3, seed=1)
    lam = frac * lam_max("binomial", X, y)
    res = glm_cd(X, y, lam, tol=1e-12)
    sk = LogisticRegression(
        l1_ratio=1.0, C=to_sklearn_C(lam, "l1"), solver="saga", tol=1e-14, max_iter=200_000
    ).fit(X, y)
    ref = sk.coef_.ravel()
    scale = max(1.0, float(np.abs(ref).max()))
    assert np.max(np.abs(res.coef - ref)) <= COEF_RTOL * scale
    assert abs(res.intercept - float(sk.intercept_[0])) <= COEF_RTOL * scale
    np.testing.assert_array_equal(res.support, np.flatnonzero(ref))


@pytest.mark.parametrize("lam", [0.5, 20.0])
def test_l2_logistic_matches_sklearn_newton(lam):
    from sklearn.linear_model import LogisticRegression

    X, y = make("binomial", 200, 15, rho=0.5, seed=2)
    res = glm_cd(X, y, lam, penalty="l2", tol=1e-12)
    sk = LogisticRegression(
        l1_ratio=0.0, C=to_sklearn_C(lam, "l2"), solver="newton-cholesky", tol=1e-14,
        max_iter=1000,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(res.coef, sk.coef_.ravel(), rtol=0, atol=1e-9)
    assert res.intercept == pytest.approx(float(sk.intercept_[0]), abs=1e-9)


def _poisson_l1_problem():
    X, y = make("poisson", 200, 10, rho=0.3, seed=3)
    lam = 0.1 * lam_max("poisson", X, y)
    return X, y, lam, glm_cd(X, y, lam, family="poisson", tol=1e-12)


def test_l1_poisson_matches_glum():
    glum = pytest.importorskip("glum")  # in the bench extra
    X, y, lam, res = _poisson_l1_problem()
    g = glum.GeneralizedLinearRegressor(
        family="poisson", alpha=to_glmnet_lambda(lam, X.shape[0], "l1"), l1_ratio=1.0,
        gradient_tol=1e-12, max_iter=1000,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(res.coef, g.coef_, rtol=0, atol=1e-9)
    assert res.intercept == pytest.approx(g.intercept_, abs=1e-9)


def test_l1_poisson_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, y, lam, res = _poisson_l1_problem()
    n, p = X.shape
    alpha = np.r_[0.0, np.full(p, to_glmnet_lambda(lam, n, "l1"))]  # intercept unpenalized
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson()).fit_regularized(
            method="elastic_net", alpha=alpha, L1_wt=1.0, cnvrg_tol=1e-14, maxiter=2000
        )
    np.testing.assert_allclose(res.coef, m.params[1:], rtol=0, atol=1e-7)
    assert res.intercept == pytest.approx(m.params[0], abs=1e-7)
    np.testing.assert_array_equal(res.support, np.flatnonzero(m.params[1:]))


def newton_l2(family, X, y, lam, fit_intercept=True):
    """Newton's method on D + λ‖β‖², intercept unpenalized (column of ones prepended)."""
    n = X.shape[0]
    A = np.column_stack([np.ones(n), X]) if fit_intercept else X
    pen = np.full(A.shape[1], 2.0 * lam)
    if fit_intercept:
        pen[0] = 0.0
    theta = np.zeros(A.shape[1])
    for _ in range(100):
        eta = A @ theta
        mu = inverse_link(family, eta)
        w = 2.0 * (mu * (1 - mu) if family == "binomial" else mu)
        grad = A.T @ (2.0 * (mu - y)) + pen * theta
        H = A.T @ (w[:, None] * A) + np.diag(pen)
        step = np.linalg.solve(H, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-14:
            break
    return (theta[0], theta[1:]) if fit_intercept else (0.0, theta)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_l2_matches_a_newton_solve(family, fit_intercept):
    X, y = make(family, 120, 8, rho=0.4, seed=4)
    res = glm_cd(X, y, 3.0, family=family, penalty="l2", fit_intercept=fit_intercept, tol=1e-12)
    b0, b = newton_l2(family, X, y, 3.0, fit_intercept)
    np.testing.assert_allclose(res.coef, b, rtol=0, atol=1e-10)
    assert res.intercept == pytest.approx(b0, abs=1e-10)


@pytest.mark.skipif(not glmnet_available(), reason=GLMNET_SKIP_REASON)
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_matches_r_glmnet(tmp_path, family, penalty):
    X, y = make(family, 150, 8, rho=0.3, seed=5)
    n = X.shape[0]
    lam = 0.1 * lam_max(family, X, y) if penalty == "l1" else 4.0
    res = glm_cd(X, y, lam, family=family, penalty=penalty, tol=1e-12)
    lam_g = to_glmnet_lambda(lam, n, penalty)
    b0, b = glmnet_fit(tmp_path, X, y, lam_g, 1.0 if penalty == "l1" else 0.0, family)
    np.testing.assert_allclose(res.coef, b, rtol=0, atol=1e-8)
    assert res.intercept == pytest.approx(b0, abs=1e-8)


# --------------------------------------------------------------------------------------------
# optimality on varied problems


CASES = {
    "tall": dict(n=300, p=40),
    "wide": dict(n=60, p=200, k=4),
    "correlated": dict(n=200, p=60, rho=0.9),
    "shifted-columns": dict(n=200, p=30, shift=50.0),
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("penalty", ["l1", "l2"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("case", list(CASES))
def test_certified_optimality(family, penalty, fit_intercept, case):
    spec = CASES[case]
    if case == "shifted-columns" and (not fit_intercept or family == "poisson"):
        pytest.skip("shifted columns without an intercept: η ≈ 50·Σβ, a different problem")
    X, y = make(family, seed=6, **spec)
    lam = (0.05 if spec["p"] > spec["n"] else 0.02) * lam_max(family, X, y, fit_intercept)
    if penalty == "l2":
        lam = 2.0
    res = glm_cd(X, y, lam, family=family, penalty=penalty, fit_intercept=fit_intercept)
    assert isinstance(res, GLMResult)
    assert res.converged and res.kkt <= 1e-8
    independent = kkt(family, X, y, res, penalty, fit_intercept)
    assert independent <= KKT_TOL
    assert res.kkt == pytest.approx(independent, rel=1e-3, abs=1e-10)
    assert res.objective == pytest.approx(objective(family, X, y, res, penalty), rel=1e-12)
    assert (res.family, res.penalty, res.lam) == (family, penalty, lam)
    if not fit_intercept:
        assert res.intercept == 0.0
    if penalty == "l1":
        assert 0 < res.support.size < spec["p"]
        np.testing.assert_array_equal(res.support, np.flatnonzero(res.coef))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("tol", [0.3, 1e-2, 1e-4])
def test_certificate_is_honest_at_any_tol(family, tol):
    # Many active features: the first working sets (10, 20, ... features) miss most of them,
    # so a residual taken over the working set alone would claim convergence too early.
    X, y = make(family, 300, 200, k=60, seed=16, scale=0.3)
    lam = 0.01 * lam_max(family, X, y)
    res = glm_cd(X, y, lam, family=family, tol=tol)
    independent = kkt(family, X, y, res, "l1")
    assert res.kkt == pytest.approx(independent, rel=1e-6, abs=1e-12)
    assert res.converged and independent <= tol


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lambda_max_gives_all_zeros(family, fit_intercept):
    X, y = make(family, 100, 20, seed=7)
    top = lam_max(family, X, y, fit_intercept)
    res = glm_cd(X, y, top * (1 + 1e-9), family=family, fit_intercept=fit_intercept)
    assert res.support.size == 0 and res.converged
    if fit_intercept:
        ybar = y.mean()
        null = np.log(ybar / (1 - ybar)) if family == "binomial" else np.log(ybar)
        assert res.intercept == pytest.approx(null, abs=1e-10)
    res = glm_cd(X, y, 10 * top, family=family, fit_intercept=fit_intercept, coef_init=np.ones(20))
    assert res.support.size == 0 and res.converged
    below = glm_cd(X, y, top * 0.99, family=family, fit_intercept=fit_intercept)
    assert below.support.size >= 1 and kkt(family, X, y, below, "l1", fit_intercept) <= KKT_TOL


def test_constant_and_zero_columns_get_zero():
    X, y = make("binomial", 150, 10, seed=8)
    X[:, 3] = 2.5
    X[:, 7] = 0.0
    lam = 0.01 * lam_max("binomial", X, y)
    for penalty in ("l1", "l2"):
        res = glm_cd(X, y, lam, penalty=penalty)
        assert res.coef[3] == 0.0 and res.coef[7] == 0.0
        assert kkt("binomial", X, y, res, penalty) <= KKT_TOL


def test_string_labels():
    X, y = make("binomial", 120, 6, seed=9)
    labels = np.where(y == 1, "spam", "ham")  # sorted: ham → 0, spam → 1
    a = glm_cd(X, labels, 2.0)
    b = glm_cd(X, y, 2.0)
    np.testing.assert_array_equal(a.coef, b.coef)


# --------------------------------------------------------------------------------------------
# sparse X


def sparse_problem(family, seed=10, n=200, p=50):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.15, format="csc", random_state=seed) * 3.0
    X = sp.csc_array(X)
    beta = np.zeros(p)
    beta[:6] = rng.choice([-1.0, 1.0], 6)
    eta = X @ beta - 0.2
    if family == "binomial":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    return X, y


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("penalty", ["l1", "l2"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_equals_dense(family, penalty, fit_intercept):
    X, y = sparse_problem(family)
    lam = 0.05 * lam_max(family, X, y, fit_intercept) if penalty == "l1" else 1.0
    kw = dict(family=family, penalty=penalty, fit_intercept=fit_intercept, tol=1e-12)
    rs = glm_cd(X, y, lam, **kw)
    rd = glm_cd(X.toarray(), y, lam, **kw)
    np.testing.assert_allclose(rs.coef, rd.coef, rtol=0, atol=1e-9)
    assert rs.intercept == pytest.approx(rd.intercept, abs=1e-9)
    np.testing.assert_array_equal(rs.support, rd.support)
    # the same algorithm in exact arithmetic: the same Newton steps (a wrong sparse model
    # gradient would still converge, through the line search and the full check, but slower)
    assert rs.n_iter == rd.n_iter
    assert kkt(family, X, y, rs, penalty, fit_intercept) <= KKT_TOL
    csr = glm_cd(sp.csr_matrix(X), y, lam, **kw)  # other formats: converted to CSC once
    np.testing.assert_allclose(csr.coef, rs.coef, rtol=0, atol=1e-12)


def test_sparse_is_not_densified(monkeypatch):
    X, y = sparse_problem("binomial")
    lam = 0.05 * lam_max("binomial", X, y)

    def boom(*a, **k):
        raise AssertionError("densified")

    monkeypatch.setattr(type(X), "toarray", boom)
    res = glm_cd(X, y, lam)
    assert res.converged


# --------------------------------------------------------------------------------------------
# separable data


def separable(n=80, p=5, seed=11):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    return X, y


def test_separable_tiny_penalty_terminates_without_overflow():
    X, y = separable()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow anywhere
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            res = glm_cd(X, y, 1e-12, max_iter=30)
    assert np.all(np.isfinite(res.coef)) and np.isfinite(res.intercept)
    assert not res.converged and res.n_iter <= 30


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_separable_moderate_penalty_has_a_finite_optimum(penalty):
    X, y = separable()
    res = glm_cd(X, y, 0.5, penalty=penalty)
    assert res.converged
    assert kkt("binomial", X, y, res, penalty) <= KKT_TOL
    assert np.all(np.abs(res.coef) < 1e3)


# --------------------------------------------------------------------------------------------
# Gaussian family: delegated, same API


def test_gaussian_l1_is_lasso_cd():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((100, 20))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + rng.standard_normal(100)
    res = glm_cd(X, y, 10.0, family="gaussian")
    ref = lasso_cd(X, y, 10.0)
    np.testing.assert_array_equal(res.coef, ref.coef)
    assert res.intercept == ref.intercept and res.family == "gaussian" and res.converged
    assert kkt("gaussian", X, y, res, "l1") <= 1e-8
    r2 = glm_cd(X, y, 10.0, family="gaussian", penalty="l2")
    ref2 = ridge_closed_form(X, y, 10.0)
    np.testing.assert_array_equal(r2.coef, ref2.coef)
    assert r2.converged and kkt("gaussian", X, y, r2, "l2") <= 1e-10


# --------------------------------------------------------------------------------------------
# paths


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("sparse", [False, True])
def test_path_is_certified_at_every_lambda(family, sparse):
    X, y = sparse_problem(family, n=150, p=60) if sparse else make(family, 150, 60, rho=0.3)
    path = glm_path(X, y, family=family, n_lambdas=15, eps=1e-2)
    assert isinstance(path, GLMPathResult)
    assert np.all(np.diff(path.lams) < 0)
    assert path.lams[0] == pytest.approx(lam_max(family, X, y), rel=1e-12)
    assert not np.any(path.coefs[0])
    assert path.converged.all() and np.all(path.kkt <= 1e-8)
    for k in (1, 7, 14):
        res = GLMResult(path.coefs[k], path.intercepts[k], path.lams[k], family, "l1", 0, 0, 1, 0)
        assert kkt(family, X, y, res, "l1") <= KKT_TOL
        single = glm_cd(X, y, path.lams[k], family=family, tol=1e-12)
        np.testing.assert_allclose(path.coefs[k], single.coef, rtol=0, atol=1e-6)


def test_path_given_lams_sorted_and_l2():
    X, y = make("binomial", 100, 10, seed=13)
    path = glm_path(X, y, [1.0, 10.0, 3.0], penalty="l2")
    np.testing.assert_array_equal(path.lams, [10.0, 3.0, 1.0])
    for k in range(3):
        ref = glm_cd(X, y, path.lams[k], penalty="l2")
        np.testing.assert_allclose(path.coefs[k], ref.coef, rtol=0, atol=1e-7)
    default = glm_path(X, y, penalty="l2", n_lambdas=5)
    assert default.converged.all()
    gauss = glm_path(X, y + 0.1, family="gaussian", n_lambdas=5)
    assert gauss.converged.all() and gauss.family == "gaussian"


# --------------------------------------------------------------------------------------------
# bad input and non-convergence


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        (dict(y=np.arange(30) % 3), r"binomial y must have two classes; got 3 distinct values"),
        (dict(y=-(np.arange(30) % 2), family="poisson"), r"poisson y must be non-negative"),
        (dict(y=np.arange(30) * 0.5, family="poisson"), r"poisson y must be integer counts"),
        (dict(X="nan"), r"X contains 1 NaN"),
        (dict(lam=0.0), r"lam must be positive; got 0\.0"),
        (dict(lam=-1.0), r"lam must be positive"),
        (dict(lam=np.nan), r"lam must be finite"),
        (dict(penalty="l3"), r"penalty must be 'l1' or 'l2'; got 'l3'"),
        (dict(family="gamma"), r"family must be one of 'gaussian', 'binomial', 'poisson'"),
        (dict(tol=0.0), r"tol must be positive"),
        (dict(max_iter=0), r"max_iter must be a positive integer"),
        (dict(coef_init=np.zeros(3)), r"coef_init must have shape \(4,\)"),
        (dict(y=np.arange(29) % 2), r"mismatched lengths"),
    ],
)
def test_bad_input(kwargs, msg):
    rng = np.random.default_rng(14)
    X = rng.standard_normal((30, 4))
    if isinstance(kwargs.get("X"), str):
        X[2, 1] = np.nan
        kwargs = {k: v for k, v in kwargs.items() if k != "X"}
    args = dict(y=np.arange(30) % 2, lam=1.0) | kwargs
    y, lam = args.pop("y"), args.pop("lam")
    with pytest.raises(ValueError, match=msg):
        glm_cd(X, y, lam, **args)


def test_bad_path_input():
    X, y = make("binomial", 30, 4)
    with pytest.raises(ValueError, match=r"lams must all be > 0"):
        glm_path(X, y, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"lams contains 1 NaN"):
        glm_path(X, y, [1.0, np.nan])
    with pytest.raises(ValueError, match=r"n_lambdas must be a positive integer"):
        glm_path(X, y, n_lambdas=0)


def test_max_iter_warns_and_reports():
    X, y = make("binomial", 200, 40, seed=15)
    with pytest.warns(ConvergenceWarning, match="optimality residual"):
        res = glm_cd(X, y, 0.01 * lam_max("binomial", X, y), max_iter=1)
    assert not res.converged and res.n_iter == 1
    assert res.kkt == pytest.approx(kkt("binomial", X, y, res, "l1"), rel=1e-6)


# --------------------------------------------------------------------------------------------
# property: random small problems satisfy the KKT conditions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(8, 60),
    p=st.integers(1, 30),
    family=st.sampled_from(FAMILIES),
    penalty=st.sampled_from(["l1", "l2"]),
    frac=st.floats(0.01, 1.5),
    fit_intercept=st.booleans(),
)
def test_property_kkt_holds(seed, n, p, family, penalty, frac, fit_intercept):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 3.0, p)
    if family == "binomial":
        y = (rng.random(n) < 0.5).astype(float)
        y[:2] = [0.0, 1.0]
    else:
        y = rng.poisson(2.0, n).astype(float)
        y[0] = max(y[0], 1.0)
    top = lam_max(family, X, y, fit_intercept)
    lam = frac * top if penalty == "l1" else frac * 10.0
    if lam <= 0:
        return
    res = glm_cd(X, y, lam, family=family, penalty=penalty, fit_intercept=fit_intercept)
    assert res.converged
    assert kkt(family, X, y, res, penalty, fit_intercept) <= KKT_TOL
    if penalty == "l1" and frac >= 1.0:
        assert res.support.size == 0
