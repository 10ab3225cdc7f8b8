"""Cross-validation and information criteria: ``cross_validate`` and ``information_criteria``.

Every reference is computed here, fold by fold, from scikit-learn (``Lasso``, ``LassoCV``,
``Ridge``, ``LogisticRegression``, ``LassoLarsIC``) or from the package's single-λ solvers with
the held-out deviance written out, on the same folds (explicit index arrays, or the documented
permutation split reproduced here) and the same λ grid, converted with the functions of
:mod:`bayesreg.conventions`. The fold-λ convention: fold k (n_k training rows) is fitted at
λ·n_k/n by default (``scale_lambda=True``; scikit-learn's α = λ/(2n) on every fold) and at λ
with ``scale_lambda=False``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import (
    Lasso,
    LassoCV,
    LassoLarsIC,
    LogisticRegression,
    Ridge,
    lars_path,
)

from bayesreg import (
    CVResult,
    GaussianPrior,
    ICResult,
    LaplacePrior,
    cross_validate,
    estimate_noise_sigma,
    from_sklearn_alpha,
    glm_cd,
    information_criteria,
    lasso_cd,
    lasso_path,
    to_sklearn_alpha,
    to_sklearn_C,
)

#: A reference that did not converge would void the comparison.
pytestmark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")

RTOL = 1e-6  # CV curve against the references (solvers at tight tolerances on both sides)


def make_data(n=120, p=15, seed=0, family="gaussian"):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:4] = [2.0, -1.5, 1.0, 0.5]
    eta = 0.3 + X @ beta
    if family == "binomial":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    else:
        y = eta + rng.standard_normal(n)
    return X, y


def documented_folds(n, K, seed):
    """The permutation split of ``cross_validate``'s docstring, written out."""
    perm = np.random.default_rng(seed).permutation(n)
    out = []
    for part in np.array_split(perm, K):
        test = np.sort(part)
        out.append((np.setdiff1d(np.arange(n), test), test))
    return out


def mean_se(fold_scores):
    scores = np.asarray(fold_scores)
    return scores.mean(axis=0), scores.std(axis=0, ddof=1) / math.sqrt(scores.shape[0])


def binomial_mean_deviance(y, eta):
    """Mean deviance per row, 2·Σ[log(1 + e^η) − yη]/n, written out."""
    return 2.0 * np.mean(np.logaddexp(0.0, eta) - y * eta)


# --------------------------------------------------------------------------------------------
# the Lasso curve


def test_folds_are_the_documented_permutation_split():
    X, y = make_data(n=53)
    res = cross_validate(X, y, cv=5, random_state=7, n_lambdas=5)
    assert isinstance(res, CVResult)
    ref = documented_folds(53, 5, 7)
    assert res.n_folds == 5
    for (tr, te), (rtr, rte) in zip(res.folds, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
    assert [te.size for _, te in res.folds] == [11, 11, 11, 10, 10]


def test_lasso_cv_matches_sklearn_lasso_fold_by_fold():
    X, y = make_data()
    n = X.shape[0]
    folds = documented_folds(n, 5, 0)
    res = cross_validate(X, y, cv=folds, n_lambdas=25)
    scores = np.empty((5, res.lams.size))
    for k, (tr, te) in enumerate(folds):
        n_k = tr.size
        np.testing.assert_array_equal(res.fold_lams[k], res.lams * (n_k / n))
        for j, lam in enumerate(res.lams):
            alpha = to_sklearn_alpha(lam * n_k / n, n_k, "l1")
            sk = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X[tr], y[tr])
            scores[k, j] = np.mean((y[te] - sk.predict(X[te])) ** 2)
    np.testing.assert_allclose(res.fold_scores, scores, rtol=RTOL)
    mean, se = mean_se(scores)
    np.testing.assert_allclose(res.cv_mean, mean, rtol=RTOL)
    np.testing.assert_allclose(res.cv_se, se, rtol=RTOL)
    assert res.score == "mse" and res.penalty == "l1" and res.scale_lambda


def test_lasso_cv_agrees_with_lassocv():
    """Same folds and grid: LassoCV's mse_path_ and alpha_ are ours via α = λ/(2n)."""
    X, y = make_data(seed=1)
    n = X.shape[0]
    folds = documented_folds(n, 4, 3)
    res = cross_validate(X, y, cv=folds, n_lambdas=30)
    alphas = np.array([to_sklearn_alpha(lam, n, "l1") for lam in res.lams])
    sk = LassoCV(alphas=alphas, cv=folds, tol=1e-14, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(sk.alphas_, alphas, rtol=1e-15)
    np.testing.assert_allclose(res.fold_scores, sk.mse_path_.T, rtol=RTOL)
    assert to_sklearn_alpha(res.lam_min, n, "l1") == pytest.approx(sk.alpha_, rel=1e-12)
    np.testing.assert_allclose(res.coef_min, sk.coef_, atol=1e-8)
    assert res.intercept_min == pytest.approx(sk.intercept_, abs=1e-8)


def test_unscaled_convention_fits_each_fold_at_lambda():
    X, y = make_data(seed=2)
    n = X.shape[0]
    folds = documented_folds(n, 3, 1)
    res = cross_validate(X, y, cv=folds, n_lambdas=12, scale_lambda=False)
    assert not res.scale_lambda
    for k, (tr, te) in enumerate(folds):
        np.testing.assert_array_equal(res.fold_lams[k], res.lams)
        for j, lam in enumerate(res.lams):
            fit = Lasso(alpha=to_sklearn_alpha(lam, tr.size, "l1"), tol=1e-14, max_iter=10**6)
            fit.fit(X[tr], y[tr])
            mse = np.mean((y[te] - fit.predict(X[te])) ** 2)
            assert res.fold_scores[k, j] == pytest.approx(mse, rel=RTOL)
    scaled = cross_validate(X, y, cv=folds, n_lambdas=12)
    for k, (tr, _) in enumerate(folds):  # the flags differ exactly by n_k/n
        np.testing.assert_array_equal(scaled.fold_lams[k], res.fold_lams[k] * (tr.size / n))


def test_one_se_rule_written_out():
    X, y = make_data(n=90, seed=4)
    res = cross_validate(X, y, cv=6, random_state=2, n_lambdas=40)
    mean, se = mean_se(res.fold_scores)
    np.testing.assert_allclose(res.cv_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(res.cv_se, se, rtol=1e-12)
    i_min = int(np.argmin(mean))
    assert res.index_min == i_min and res.lam_min == res.lams[i_min]
    within = mean <= mean[i_min] + se[i_min]
    assert res.lam_1se == np.max(res.lams[within])  # the largest λ within one se
    assert res.lams[res.index_1se] == res.lam_1se
    assert res.lam_1se >= res.lam_min
    assert np.all(np.diff(res.lams) < 0)


def test_one_se_rule_takes_largest_lambda_not_the_nearest():
    """A curve that dips within one se far above the minimum: the largest λ is chosen."""
    from bayesreg.cv import _one_se_rule

    mean = np.array([5.0, 1.05, 3.0, 1.0, 2.0])
    se = np.array([0.1, 0.1, 0.1, 0.1, 0.1])
    assert _one_se_rule(mean, se) == (3, 1)
    # the threshold uses the se *at the minimum*, not each λ's own se
    assert _one_se_rule(np.array([1.3, 1.05, 1.0]), np.array([0.5, 0.01, 0.1])) == (2, 1)


def test_priors_and_refit():
    X, y = make_data(seed=5)
    res = cross_validate(X, y, cv=5, random_state=0, n_lambdas=20)
    sigma = estimate_noise_sigma(X, y).value
    assert res.noise_sigma == sigma and res.noise_sigma_estimated
    assert res.prior_min == LaplacePrior(2.0 * sigma**2 / res.lam_min)
    assert res.prior_1se == LaplacePrior(2.0 * sigma**2 / res.lam_1se)
    ref = lasso_cd(X, y, res.lam_min)
    np.testing.assert_array_equal(res.support_min, ref.support)
    np.testing.assert_allclose(res.coef_min, ref.coef, rtol=0, atol=1e-12)
    given = cross_validate(X, y, cv=5, random_state=0, n_lambdas=20, noise_sigma=0.5)
    assert given.noise_sigma == 0.5 and not given.noise_sigma_estimated
    assert given.prior_min == LaplacePrior.from_penalty(given.lam_min, 0.5)
    # a prior instance selects its kind only
    np.testing.assert_array_equal(
        cross_validate(X, y, LaplacePrior(3.0), cv=5, random_state=0, n_lambdas=20).cv_mean,
        res.cv_mean,
    )


def test_wide_design_has_no_estimated_sigma():
    X, y = make_data(n=30, p=40, seed=6)
    res = cross_validate(X, y, cv=3, random_state=0, n_lambdas=10)
    assert res.noise_sigma is None and res.prior_min is None and res.prior_1se is None
    res = cross_validate(X, y, cv=3, random_state=0, n_lambdas=10, noise_sigma=1.0)
    assert res.prior_min == LaplacePrior.from_penalty(res.lam_min, 1.0)


def test_sparse_design_matches_dense():
    X, y = make_data(seed=7)
    X[np.abs(X) < 0.8] = 0.0
    dense = cross_validate(X, y, cv=4, random_state=1, n_lambdas=15)
    sparse = cross_validate(sp.csr_matrix(X), y, cv=4, random_state=1, n_lambdas=15)
    np.testing.assert_allclose(sparse.lams, dense.lams, rtol=1e-14)
    np.testing.assert_allclose(sparse.fold_scores, dense.fold_scores, rtol=1e-8)
    assert sparse.lam_min == dense.lam_min


# --------------------------------------------------------------------------------------------
# Ridge and the binomial family


def test_ridge_cv_matches_sklearn_ridge_fold_by_fold():
    X, y = make_data(seed=8)
    n = X.shape[0]
    folds = documented_folds(n, 5, 4)
    res = cross_validate(X, y, "gaussian", cv=folds, n_lambdas=30)
    assert res.penalty == "l2"
    scores = np.empty((5, res.lams.size))
    for k, (tr, te) in enumerate(folds):
        for j, lam in enumerate(res.lams):
            alpha = to_sklearn_alpha(lam * tr.size / n, tr.size, "l2")
            sk = Ridge(alpha=alpha, solver="cholesky").fit(X[tr], y[tr])
            scores[k, j] = np.mean((y[te] - sk.predict(X[te])) ** 2)
    np.testing.assert_allclose(res.fold_scores, scores, rtol=1e-9)
    _, se = mean_se(scores)
    np.testing.assert_allclose(res.cv_se, se, rtol=1e-9)
    assert 0 < res.index_min < res.lams.size - 1  # the default grid brackets the minimum
    sigma = estimate_noise_sigma(X, y).value
    assert res.prior_min == GaussianPrior(sigma / math.sqrt(res.lam_min))


def test_binomial_l2_cv_matches_logistic_regression():
    X, y = make_data(n=150, p=6, seed=9, family="binomial")
    n = X.shape[0]
    folds = documented_folds(n, 3, 5)
    res = cross_validate(X, y, "gaussian", family="binomial", cv=folds, n_lambdas=8, tol=1e-12)
    assert res.score == "deviance" and res.noise_sigma == 1.0 and not res.noise_sigma_estimated
    for k, (tr, te) in enumerate(folds):
        for j, lam in enumerate(res.lams):
            C = to_sklearn_C(lam * tr.size / n, "l2")
            sk = LogisticRegression(l1_ratio=0.0, C=C, solver="newton-cholesky", tol=1e-14)
            sk.fit(X[tr], y[tr])
            dev = binomial_mean_deviance(y[te], sk.decision_function(X[te]))
            assert res.fold_scores[k, j] == pytest.approx(dev, rel=RTOL)
    assert res.prior_min == GaussianPrior(1.0 / math.sqrt(res.lam_min))


def test_binomial_l1_cv_matches_glm_cd_fold_by_fold():
    X, y = make_data(n=150, p=10, seed=10, family="binomial")
    n = X.shape[0]
    for scale in (True, False):
        res = cross_validate(
            X, y, family="binomial", cv=3, random_state=3, n_lambdas=10, scale_lambda=scale
        )
        for k, (tr, te) in enumerate(res.folds):
            for j, lam in enumerate(res.lams):
                lam_k = lam * tr.size / n if scale else lam
                fit = glm_cd(X[tr], y[tr], lam_k, family="binomial", tol=1e-12)
                dev = binomial_mean_deviance(y[te], fit.intercept + X[te] @ fit.coef)
                assert res.fold_scores[k, j] == pytest.approx(dev, rel=RTOL)
        assert res.prior_min == LaplacePrior(2.0 / res.lam_min)


def test_binomial_labels_are_mapped():
    X, y = make_data(n=80, p=5, seed=11, family="binomial")
    labels = np.where(y == 1, "yes", "no")
    a = cross_validate(X, y, family="binomial", cv=3, random_state=0, n_lambdas=5)
    b = cross_validate(X, labels, family="binomial", cv=3, random_state=0, n_lambdas=5)
    np.testing.assert_array_equal(a.fold_scores, b.fold_scores)


# --------------------------------------------------------------------------------------------
# information criteria against LassoLarsIC


def lars_reference(X, y, criterion):
    """LassoLarsIC, and its LARS path (centred data, as its ``fit`` computes it)."""
    sk = LassoLarsIC(criterion=criterion).fit(X, y)
    alphas, _, coefs = lars_path(X - X.mean(axis=0), y - y.mean(), method="lasso", alpha_min=0.0)
    np.testing.assert_allclose(alphas, sk.alphas_, rtol=1e-12, atol=1e-15)
    return sk, alphas, coefs


@pytest.mark.parametrize("criterion", ["bic", "aic"])
def test_information_criteria_match_lassolarsic_between_knots(criterion):
    """Inside each LARS segment the support is unambiguous: same df, same value.

    The reference is LassoLarsIC's own formula and σ², n·log(2πσ²) + RSS/σ² + K·df, on the
    LARS coefficients at the geometric midpoint of two knots (the Lasso path is linear in α
    between knots, so the interpolation is the exact solution), df = #{|β_j| > eps} as there.
    """
    X, y = make_data(n=100, p=12, seed=12)
    n = X.shape[0]
    sk, alphas, coefs = lars_reference(X, y, criterion)
    a = alphas[alphas > 0]
    mid = np.sqrt(a[:-1] * a[1:])
    res = information_criteria(X, y, lams=[from_sklearn_alpha(m, n, "l1") for m in mid],
                               criterion=criterion)  # fmt: skip
    assert isinstance(res, ICResult)
    assert res.noise_sigma**2 == pytest.approx(sk.noise_variance_, rel=1e-10)
    assert res.noise_sigma_estimated
    var, factor = sk.noise_variance_, (2.0 if criterion == "aic" else math.log(n))
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for k, m in enumerate(mid):
        t = (a[k] - m) / (a[k] - a[k + 1])
        beta = (1 - t) * coefs[:, k] + t * coefs[:, k + 1]
        df = int(np.sum(np.abs(beta) > np.finfo(float).eps))
        rss = float(np.sum((yc - Xc @ beta) ** 2))
        assert res.df[k] == df
        assert res.values[k] == pytest.approx(
            n * math.log(2 * math.pi * var) + rss / var + factor * df, rel=1e-9
        )


@pytest.mark.parametrize("criterion", ["bic", "aic"])
def test_information_criteria_match_lassolarsic_at_its_knots(criterion):
    """At LARS's own alphas_: LassoLarsIC's criterion_ exactly, except that at a knot the
    entering coefficient is 0 in exact arithmetic and ours is non-zero at solver-tolerance
    level (≤ 1e-9 of the largest), counted in df: the value is then exactly K higher."""
    X, y = make_data(n=100, p=12, seed=12)
    n = X.shape[0]
    sk, alphas, _ = lars_reference(X, y, criterion)
    keep = alphas > 0
    lams = [from_sklearn_alpha(al, n, "l1") for al in alphas[keep]]
    res = information_criteria(X, y, lams=lams, criterion=criterion)
    np.testing.assert_allclose(res.lams, lams, rtol=1e-15)
    factor = 2.0 if criterion == "aic" else math.log(n)
    extra = np.round((res.values - sk.criterion_[keep]) / factor)
    assert set(extra) <= {0.0, 1.0} and np.count_nonzero(extra == 0) >= keep.sum() // 2
    np.testing.assert_allclose(res.values, sk.criterion_[keep] + factor * extra, rtol=1e-9)
    path = lasso_path(X, y, lams)
    for k in np.flatnonzero(extra):  # the extra df is a coefficient at tolerance level
        c = np.abs(path.coefs[k])
        assert np.sort(c[c > 0])[0] <= 1e-9 * max(1.0, c.max())
    # LassoLarsIC's choice: its knot is counted alike here, so the same λ and coefficients
    assert extra[int(np.argmin(sk.criterion_[keep]))] == 0
    assert res.lam_best == pytest.approx(from_sklearn_alpha(sk.alpha_, n, "l1"), rel=1e-12)
    np.testing.assert_allclose(res.coef_best, sk.coef_, atol=1e-8)
    assert res.prior_best == LaplacePrior.from_penalty(res.lam_best, res.noise_sigma)


def test_information_criteria_written_out_and_given_sigma():
    X, y = make_data(n=80, p=10, seed=13)
    n = X.shape[0]
    res = information_criteria(X, y, criterion="bic", noise_sigma=0.7, n_lambdas=20)
    assert res.noise_sigma == 0.7 and not res.noise_sigma_estimated
    for lam, value, df in zip(res.lams, res.values, res.df, strict=True):
        fit = lasso_cd(X, y, lam)
        rss = float(np.sum((y - fit.intercept - X @ fit.coef) ** 2))
        assert df == fit.support.size
        ref = n * math.log(2 * math.pi * 0.49) + rss / 0.49 + math.log(n) * df
        assert value == pytest.approx(ref, rel=1e-9)


# --------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cv": 1}, r"cv must be at least 2 folds; got 1"),
        ({"cv": 0}, r"cv must be at least 2 folds"),
        ({"cv": 41}, r"cv=41 folds is more than the n=40 samples"),
        ({"cv": True}, r"cv must be an int number of folds or an iterable"),
        ({"cv": "five"}, r"cv must be an int number of folds or an iterable"),
        ({"cv": [(np.arange(20), np.arange(20, 40))]}, r"cv must have at least 2 folds; got 1"),
        ({"cv": [(np.arange(25), np.arange(20, 40))] * 2}, r"cv fold 0: train and test .*overlap"),
        ({"cv": [(np.arange(20), np.arange(20, 41))] * 2}, r"cv fold 0: test indices must lie"),
        ({"cv": [(np.arange(20), [])] * 2}, r"cv fold 0: test indices are empty"),
        ({"cv": [(np.arange(20), np.arange(20, 40) + 0.5)] * 2}, r"test must be a 1-D array"),
        ({"cv": [np.arange(40)] * 2}, r"cv fold 0 must be a \(train, test\) pair"),
        ({"lams": [1.0, 0.0]}, r"lams must all be > 0"),
        ({"lams": [1.0, -2.0]}, r"lams must all be >= 0"),
        ({"lams": []}, r"lams must be a non-empty"),
        (
            {"prior": "horseshoe"},
            r"prior must be one of 'laplace', 'gaussian', 'elasticnet' or a Prior",
        ),
        ({"family": "gamma"}, r"family must be one of"),
        ({"eps": 1.5}, r"eps must be < 1"),
        ({"eps": 0.0}, r"eps must be positive"),
        ({"n_lambdas": 0}, r"n_lambdas must be a positive integer"),
        ({"scale_lambda": "yes"}, r"scale_lambda must be True or False"),
        ({"noise_sigma": -1.0}, r"noise_sigma must be positive"),
        ({"tol": 0.0}, r"tol must be positive"),
    ],
)
def test_bad_input(kwargs, match):
    X, y = make_data(n=40, p=5, seed=14)
    with pytest.raises(ValueError, match=match):
        cross_validate(X, y, n_lambdas=kwargs.pop("n_lambdas", 5), **kwargs)


def test_bad_input_family_specific():
    X, y = make_data(n=40, p=5, seed=15, family="binomial")
    with pytest.raises(ValueError, match=r"binomial family has no noise sigma"):
        cross_validate(X, y, family="binomial", noise_sigma=2.0, n_lambdas=5)
    y_one = y.copy()
    y_one[:] = 0.0
    y_one[-1] = 1.0  # fold whose training rows hold a single class
    folds = [(np.arange(39), np.array([39])), (np.arange(1, 40), np.array([0]))]
    with pytest.raises(ValueError, match=r"cv fold 0, training rows: binomial y must have two"):
        cross_validate(X, y_one, family="binomial", cv=folds, n_lambdas=5)
    Xr, yr = make_data(n=40, p=5, seed=16)
    with pytest.raises(ValueError, match=r"criterion must be 'aic' or 'bic'; got 'cp'"):
        information_criteria(Xr, yr, criterion="cp")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"no residual degrees of freedom"):
        information_criteria(Xr[:5], yr[:5])
    with pytest.raises(ValueError, match=r"y is constant|no scale for λ"):
        cross_validate(Xr, np.ones(40), n_lambdas=5)
