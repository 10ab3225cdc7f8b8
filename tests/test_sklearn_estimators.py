"""bayesreg.sklearn: the four estimators against scikit-learn, KKT written out, CV, NUTS."""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
import scipy.special
from helpers import assert_coef_close, assert_intercept_close
from sklearn.base import clone
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import bayesreg
from bayesreg import SamplingWarning, cross_validate, empirical_bayes
from bayesreg.sklearn import (
    GaussianPriorClassifier,
    GaussianPriorRegressor,
    LaplacePriorClassifier,
    LaplacePriorRegressor,
)

REGRESSORS = (LaplacePriorRegressor, GaussianPriorRegressor)
CLASSIFIERS = (LaplacePriorClassifier, GaussianPriorClassifier)
ALL = REGRESSORS + CLASSIFIERS
#: small NUTS runs (one process: the machine's cores are shared)
FAST_NUTS = {"method": "nuts", "draws": 200, "tune": 200, "chains": 2, "cores": 1}


def _expected_failed_checks(est):
    if isinstance(est, REGRESSORS) and est.noise_sigma is None:
        # The check fits y = X[:, 0] exactly. With noise_sigma=None the noise σ is estimated
        # by least squares, which is 0 here: σ (and λ = 2σ²/b or σ²/σ′²) is not identified,
        # and bayesreg refuses with a ValueError ("least squares fits the data exactly ...
        # pass noise_sigma") rather than invent a σ. The same check passes with noise_sigma
        # given (the instances below).
        return {"check_regressors_no_decision_function": "σ not estimable from an exact fit"}
    return {}


@parametrize_with_checks(
    [cls() for cls in ALL] + [cls(noise_sigma=1.0) for cls in REGRESSORS],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ----------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def reg_data():
    rng = np.random.default_rng(0)
    n, p = 120, 8
    X = rng.normal(size=(n, p))
    X[:, 1] *= 10.0  # different column scales: standardize matters
    X[:, 2] += 3.0
    beta = np.array([2.0, 0.0, -1.0, 0.0, 0.5, 0.0, 0.0, 1.0])
    y = 1.5 + X @ beta + rng.normal(size=n)
    return X, y


@pytest.fixture(scope="module")
def clf_data():
    rng = np.random.default_rng(1)
    n, p = 200, 6
    X = rng.normal(size=(n, p))
    X[:, 3] *= 4.0
    eta = 0.3 + X @ np.array([1.5, 0.0, -1.0, 0.0, 0.5, 0.0])
    y01 = (rng.random(n) < scipy.special.expit(eta)).astype(int)
    return X, y01


def _ols_sigma(X, y):
    """√(RSS/(n − p − 1)) of ordinary least squares with an intercept (written out)."""
    A = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    r = y - A @ coef
    return np.sqrt(r @ r / (len(y) - X.shape[1] - 1))


def _kkt(X, y, coef, intercept, lam, penalty, family):
    """max violation of 0 ∈ ∂(D + λR), written out: D = RSS or the binomial deviance."""
    eta = intercept + X @ coef
    if family == "gaussian":
        g = -2.0 * (y - eta)  # ∂RSS/∂η
    else:
        g = 2.0 * (scipy.special.expit(eta) - y)  # ∂D/∂η, D = 2Σ[log(1 + e^η) − yη]
    grad = X.T @ g
    if penalty == "l2":
        viol = np.abs(grad + 2.0 * lam * coef)
    else:
        nz = coef != 0
        viol = np.where(nz, np.abs(grad + lam * np.sign(coef)), np.maximum(np.abs(grad) - lam, 0))
    return max(float(viol.max()), abs(float(g.sum())))


# ------------------------------------------------------- equivalence with scikit-learn
def test_laplace_regressor_is_sklearn_lasso(reg_data):
    X, y = reg_data
    n = len(y)
    b = 0.02
    est = LaplacePriorRegressor(scale=b).fit(X, y)
    sigma = _ols_sigma(X, y)
    assert est.noise_sigma_estimated_ is True
    assert est.noise_sigma_ == pytest.approx(sigma, rel=1e-12)
    assert est.lambda_ == pytest.approx(2.0 * sigma**2 / b, rel=1e-12)  # λ = 2σ²/b
    assert est.prior_ == bayesreg.LaplacePrior(b)
    assert est.posterior_ is None
    ref = Lasso(alpha=est.lambda_ / (2 * n), tol=1e-14, max_iter=10**6).fit(X, y)
    assert_coef_close(est.coef_, ref.coef_)
    assert_intercept_close(est.intercept_, ref.intercept_, ref.coef_)
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)
    assert 0 < np.sum(est.coef_ == 0) < X.shape[1]  # a sparse, non-trivial support
    assert _kkt(X, y, est.coef_, est.intercept_, est.lambda_, "l1", "gaussian") <= 1e-8 * (
        2 * np.abs(X.T @ (y - y.mean())).max()
    )
    assert est.optimality_residual_ <= 1e-9


def test_gaussian_regressor_is_sklearn_ridge(reg_data):
    X, y = reg_data
    s = 0.05
    est = GaussianPriorRegressor(scale=s, noise_sigma=1.3).fit(X, y)
    assert est.noise_sigma_ == 1.3 and est.noise_sigma_estimated_ is False
    assert est.lambda_ == pytest.approx(1.3**2 / s**2, rel=1e-12)  # λ = σ²/σ′²
    ref = Ridge(alpha=est.lambda_, solver="cholesky").fit(X, y)
    assert_coef_close(est.coef_, ref.coef_)
    assert_intercept_close(est.intercept_, ref.intercept_, ref.coef_)
    scale = 2 * np.abs(X.T @ (y - y.mean())).max()
    assert _kkt(X, y, est.coef_, est.intercept_, est.lambda_, "l2", "gaussian") <= 1e-9 * scale
    assert est.optimality_residual_ <= 1e-10


def test_laplace_classifier_is_l1_logistic_regression(clf_data):
    X, y = clf_data
    b = 0.05
    est = LaplacePriorClassifier(scale=b).fit(X, y)
    assert est.lambda_ == pytest.approx(2.0 / b, rel=1e-14)  # λ = 2φ/b, φ = 1
    ref = LogisticRegression(C=b, l1_ratio=1.0, solver="saga", tol=1e-14, max_iter=10**6)
    ref.fit(X, y)
    assert_coef_close(est.coef_, ref.coef_[0])
    assert_intercept_close(est.intercept_, ref.intercept_[0], ref.coef_[0])
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_[0] == 0)
    assert 0 < np.sum(est.coef_ == 0) < X.shape[1]
    assert _kkt(X, y, est.coef_, est.intercept_, est.lambda_, "l1", "binomial") <= 1e-9
    assert est.optimality_residual_ <= 1e-11
    np.testing.assert_allclose(est.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))


def test_gaussian_classifier_is_l2_logistic_regression(clf_data):
    X, y = clf_data
    s = 0.5
    est = GaussianPriorClassifier(scale=s).fit(X, y)
    assert est.lambda_ == pytest.approx(1.0 / s**2, rel=1e-14)  # λ = φ/σ′²
    ref = LogisticRegression(C=s**2, l1_ratio=0.0, solver="newton-cholesky", tol=1e-14)
    ref.fit(X, y)
    assert_coef_close(est.coef_, ref.coef_[0])
    assert_intercept_close(est.intercept_, ref.intercept_[0], ref.coef_[0])
    assert _kkt(X, y, est.coef_, est.intercept_, est.lambda_, "l2", "binomial") <= 1e-9
    np.testing.assert_allclose(
        est.decision_function(X), ref.decision_function(X), rtol=0, atol=1e-8
    )


def test_without_intercept(reg_data, clf_data):
    X, y = reg_data
    est = LaplacePriorRegressor(scale=0.02, noise_sigma=1.0, fit_intercept=False).fit(X, y)
    assert est.intercept_ == 0.0
    ref = Lasso(alpha=est.lambda_ / (2 * len(y)), fit_intercept=False, tol=1e-14,
                max_iter=10**6).fit(X, y)  # fmt: skip
    assert_coef_close(est.coef_, ref.coef_)
    np.testing.assert_allclose(est.predict(X), X @ ref.coef_, rtol=0, atol=1e-7)
    Xc, yc = clf_data
    c = GaussianPriorClassifier(scale=0.5, fit_intercept=False).fit(Xc, yc)
    ref = LogisticRegression(C=0.25, l1_ratio=0.0, fit_intercept=False,
                             solver="newton-cholesky", tol=1e-14).fit(Xc, yc)  # fmt: skip
    assert c.intercept_ == 0.0
    assert_coef_close(c.coef_, ref.coef_[0])


def test_sparse_X_gives_the_dense_fit(reg_data, clf_data):
    X, y = reg_data
    for cls in REGRESSORS:
        dense = cls(scale=0.05).fit(X, y)
        sparse = cls(scale=0.05).fit(scipy.sparse.csr_array(X), y)
        assert_coef_close(sparse.coef_, dense.coef_)
        np.testing.assert_allclose(
            sparse.predict(scipy.sparse.csc_matrix(X)), dense.predict(X), rtol=1e-9, atol=1e-9
        )
    Xc, yc = clf_data
    dense = LaplacePriorClassifier(scale=0.05).fit(Xc, yc)
    sparse = LaplacePriorClassifier(scale=0.05).fit(scipy.sparse.csc_array(Xc), yc)
    assert_coef_close(sparse.coef_, dense.coef_)


# --------------------------------------------------------------------- classes, labels
@pytest.mark.parametrize("labels", [("no", "yes"), (5, 2), (False, True), (-1.0, 1.0)])
def test_classes_and_positive_class(clf_data, labels):
    X, y01 = clf_data
    y = np.where(y01 == 1, labels[1], labels[0])
    est = LaplacePriorClassifier(scale=0.05).fit(X, y)
    assert list(est.classes_) == sorted(labels)
    pos = est.classes_[1]
    # the positive class is the larger label: its indicator is what the L1 fit models
    ref = LogisticRegression(C=0.05, l1_ratio=1.0, solver="saga", tol=1e-14, max_iter=10**6)
    ref.fit(X, y)
    assert list(ref.classes_) == list(est.classes_)
    assert_coef_close(est.coef_, ref.coef_[0])
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], scipy.special.expit(X @ est.coef_ + est.intercept_))
    np.testing.assert_allclose(proba, ref.predict_proba(X), rtol=0, atol=1e-9)
    np.testing.assert_allclose(est.predict_log_proba(X), np.log(proba), rtol=1e-12)
    pred = est.predict(X)
    np.testing.assert_array_equal(pred == pos, proba[:, 1] > 0.5)
    np.testing.assert_array_equal(pred, ref.predict(X))


# ---------------------------------------------------------------- standardize, pipeline
def test_standardize_maps_back_like_a_scaler_pipeline(reg_data):
    X, y = reg_data
    for cls in REGRESSORS:
        est = cls(scale=0.1, standardize=True).fit(X, y)
        pipe = make_pipeline(StandardScaler(), cls(scale=0.1)).fit(X, y)
        scaler, inner = pipe[0], pipe[-1]
        # the prior lives on the z-scale: coef_ are those coefficients in X's own units
        assert_coef_close(est.coef_, inner.coef_ / scaler.scale_)
        assert est.lambda_ == pytest.approx(inner.lambda_, rel=1e-12)
        np.testing.assert_allclose(est.predict(X), pipe.predict(X), rtol=1e-10, atol=1e-10)
        assert est.optimality_residual_ == pytest.approx(inner.optimality_residual_, abs=1e-9)
        # and it is not the fit on the raw features (different scales, different prior)
        raw = cls(scale=0.1).fit(X, y)
        assert np.max(np.abs(raw.coef_ - est.coef_)) > 1e-3


def test_standardize_needs_an_intercept(reg_data):
    X, y = reg_data
    with pytest.raises(ValueError, match=r"standardize=True .* needs an intercept"):
        LaplacePriorRegressor(standardize=True, fit_intercept=False).fit(X, y)


def test_grid_search_over_scale_and_clone(reg_data):
    X, y = reg_data
    grid = {"scale": [0.001, 0.01, 0.1, 1.0]}
    folds = KFold(3, shuffle=True, random_state=0)
    gs = GridSearchCV(LaplacePriorRegressor(noise_sigma=1.0), grid, cv=folds).fit(X, y)
    assert gs.best_params_["scale"] in grid["scale"]
    # the search scored each scale as a fit on the training rows would (R²)
    train, test = next(iter(folds.split(X)))
    manual = LaplacePriorRegressor(scale=0.01, noise_sigma=1.0).fit(X[train], y[train])
    assert gs.cv_results_["split0_test_score"][1] == pytest.approx(
        manual.score(X[test], y[test]), rel=1e-12
    )
    best = gs.best_estimator_
    assert best.prior_ == bayesreg.LaplacePrior(gs.best_params_["scale"])
    twin = clone(best)
    assert twin.get_params() == best.get_params()
    assert not hasattr(twin, "coef_")
    np.testing.assert_array_equal(twin.fit(X, y).coef_, best.coef_)
    again = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(again.predict(X), best.predict(X))


def test_pipeline_classifier(clf_data):
    X, y = clf_data
    pipe = make_pipeline(StandardScaler(), GaussianPriorClassifier(scale=1.0)).fit(X, y)
    est = GaussianPriorClassifier(scale=1.0, standardize=True).fit(X, y)
    np.testing.assert_allclose(pipe.predict_proba(X), est.predict_proba(X), atol=1e-9)
    assert pipe.score(X, y) > 0.7


def test_dataframe_feature_names(reg_data):
    X, y = reg_data
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    est = GaussianPriorRegressor().fit(df, y)
    assert list(est.feature_names_in_) == list(df.columns)
    assert est.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(est.predict(df), GaussianPriorRegressor().fit(X, y).predict(X))


# ---------------------------------------------------------------- chosen prior scales
def test_scale_cv_is_cross_validates_lambda_min(reg_data):
    X, y = reg_data
    for cls, name in ((LaplacePriorRegressor, "laplace"), (GaussianPriorRegressor, "gaussian")):
        est = cls(scale="cv", cv=5, random_seed=3).fit(X, y)
        res = cross_validate(X, y, name, cv=5, random_state=3)
        assert est.cv_result_.lam_min == res.lam_min
        assert est.lambda_ == res.lam_min
        assert est.prior_.scale == pytest.approx(res.prior_min.scale, rel=1e-12)
        assert est.noise_sigma_ == pytest.approx(res.noise_sigma, rel=1e-12)
        assert_coef_close(est.coef_, res.coef_min, rtol=1e-7)
    # a scikit-learn splitter gives the same as its folds passed explicitly
    folds = KFold(4, shuffle=True, random_state=1)
    est = LaplacePriorRegressor(scale="cv", cv=folds).fit(X, y)
    res = cross_validate(X, y, "laplace", cv=list(folds.split(X)))
    assert est.lambda_ == res.lam_min


def test_scale_cv_classifier(clf_data):
    X, y = clf_data
    est = LaplacePriorClassifier(scale="cv", cv=5, random_seed=0).fit(X, y)
    res = cross_validate(X, y, "laplace", family="binomial", cv=5, random_state=0)
    assert est.lambda_ == res.lam_min
    assert est.prior_.scale == pytest.approx(2.0 / res.lam_min, rel=1e-12)  # b = 2/λ
    assert_coef_close(est.coef_, res.coef_min, rtol=1e-6)


def test_scale_evidence(reg_data, clf_data):
    X, y = reg_data
    est = GaussianPriorRegressor(scale="evidence").fit(X, y)
    ev = empirical_bayes(X, y, "gaussian")
    assert est.prior_.scale == pytest.approx(ev.prior.scale, rel=1e-12)
    assert est.noise_sigma_ == pytest.approx(ev.noise_sigma, rel=1e-12)
    assert est.noise_sigma_estimated_ is True  # jointly with σ′, by the evidence
    assert est.lambda_ == pytest.approx(ev.lam, rel=1e-12)
    assert est.evidence_result_.converged
    Xc, yc = clf_data
    with pytest.raises(ValueError, match="scale='evidence' is for the regressors only"):
        LaplacePriorClassifier(scale="evidence").fit(Xc, yc)
    with pytest.raises(ValueError, match="scale='evidence' needs a dense X"):
        GaussianPriorRegressor(scale="evidence").fit(scipy.sparse.csr_array(X), y)


# ------------------------------------------------------------------ predictive std, MAP
def test_return_std_map_gaussian_is_the_exact_posterior(reg_data):
    X, y = reg_data
    n, p = X.shape
    est = GaussianPriorRegressor(scale=0.3).fit(X, y)
    sigma, lam = est.noise_sigma_, est.lambda_
    # written out on (β₀, β): flat prior on β₀, so precision (AᵀA + λ·diag(0, 1, …, 1))/σ²
    A = np.column_stack([np.ones(n), X])
    cov = sigma**2 * np.linalg.inv(A.T @ A + lam * np.diag([0.0] + [1.0] * p))
    Xnew = X[:7] + 0.5
    Anew = np.column_stack([np.ones(7), Xnew])
    expected = np.sqrt(sigma**2 + np.einsum("ij,jk,ik->i", Anew, cov, Anew))
    mean, std = est.predict(Xnew, return_std=True)
    np.testing.assert_allclose(std, expected, rtol=1e-9)
    np.testing.assert_allclose(mean, est.predict(Xnew))
    assert np.all(std > sigma)
    np.testing.assert_allclose(est.coef_cov_, cov[1:, 1:], rtol=1e-8, atol=1e-14)
    # standardized: the same model in other units of the features gives another posterior,
    # but the formula holds on the z-scale
    z = GaussianPriorRegressor(scale=0.3, standardize=True).fit(X, y)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    Az = np.column_stack([np.ones(n), Z])
    covz = sigma**2 * np.linalg.inv(Az.T @ Az + z.lambda_ * np.diag([0.0] + [1.0] * p))
    Aznew = np.column_stack([np.ones(7), (Xnew - X.mean(axis=0)) / X.std(axis=0)])
    expected_z = np.sqrt(sigma**2 + np.einsum("ij,jk,ik->i", Aznew, covz, Aznew))
    np.testing.assert_allclose(z.predict(Xnew, return_std=True)[1], expected_z, rtol=1e-9)


def test_return_std_map_laplace_is_refused(reg_data):
    X, y = reg_data
    est = LaplacePriorRegressor(scale=0.02).fit(X, y)
    with pytest.raises(ValueError, match=r"Gaussian prior only.*method='nuts'"):
        est.predict(X, return_std=True)


# --------------------------------------------------------------------------------- NUTS
@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")
def test_nuts_regressors(reg_data):
    X, y = reg_data
    Xnew = X[:10]
    for cls, scale in ((LaplacePriorRegressor, 0.05), (GaussianPriorRegressor, 0.3)):
        m = cls(scale=scale).fit(X, y)
        est = cls(scale=scale, random_seed=1, **FAST_NUTS).fit(X, y)
        post = est.posterior_
        assert "posterior" in post.children and post.attrs["noise_sigma_estimated"]
        assert est.prior_ == m.prior_ and est.lambda_ == m.lambda_
        beta = post["posterior"]["beta"].values.reshape(-1, X.shape[1])
        np.testing.assert_allclose(est.coef_, beta.mean(axis=0), rtol=1e-12)
        mean, std = est.predict(Xnew, return_std=True)
        # predict = the average over draws of β₀ + Xβ
        b0 = post["posterior"]["intercept"].values.reshape(-1)
        np.testing.assert_allclose(mean, (Xnew @ beta.T + b0).mean(axis=1), rtol=1e-10)
        # close to the MAP's prediction: within a small part of σ
        assert np.max(np.abs(mean - m.predict(Xnew))) < 0.25 * est.noise_sigma_
        assert np.all(std >= est.noise_sigma_) and np.all(np.isfinite(std))
        eta_sd = np.sqrt(std**2 - est.noise_sigma_**2)
        assert np.all(eta_sd > 0) and np.all(eta_sd < est.noise_sigma_)
        # the MAP is not the posterior mean: its residual measures the distance, not zero
        assert est.optimality_residual_ > m.optimality_residual_
        if cls is GaussianPriorRegressor:  # exact Gaussian posterior: NUTS agrees
            np.testing.assert_allclose(std, m.predict(Xnew, return_std=True)[1], rtol=0.03)


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")
def test_nuts_classifier_and_standardize(clf_data):
    X, y = clf_data
    labels = np.where(y == 1, "b", "a")
    m = LaplacePriorClassifier(scale=0.5, standardize=True).fit(X, labels)
    est = LaplacePriorClassifier(scale=0.5, standardize=True, random_seed=2, **FAST_NUTS)
    est.fit(X, labels)
    assert list(est.classes_) == ["a", "b"]
    assert "original_scale" in est.posterior_.children
    proba = est.predict_proba(X)
    assert np.max(np.abs(proba[:, 1] - m.predict_proba(X)[:, 1])) < 0.1
    # the posterior mean of the probability, from the draws on the original scale
    post = est.posterior_["original_scale"]
    beta = post["beta"].values.reshape(-1, X.shape[1])
    b0 = post["intercept"].values.reshape(-1)
    np.testing.assert_allclose(
        proba[:, 1], scipy.special.expit(X @ beta.T + b0).mean(axis=1), rtol=1e-10
    )
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(est.predict(X) == "b", proba[:, 1] > 0.5)
    assert np.mean(est.predict(X) == m.predict(X)) > 0.95


def test_nuts_passes_seed_and_is_reproducible(reg_data):
    X, y = reg_data
    kw = {"scale": 0.3, "random_seed": 5, **FAST_NUTS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        a = GaussianPriorRegressor(**kw).fit(X, y)
        b = GaussianPriorRegressor(**kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.posterior_.attrs["random_seed"] == 5


# ---------------------------------------------------------------------- quiet, fast
def test_map_fit_is_silent(reg_data, clf_data, capfd):
    X, y = reg_data
    Xc, yc = clf_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cls in REGRESSORS:
            cls().fit(X, y).predict(X)
            cls(scale="cv", random_seed=0).fit(X, y)
        for cls in CLASSIFIERS:
            cls().fit(Xc, yc).predict_proba(Xc)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_import_is_lazy_and_missing_sklearn_is_explained():
    code = (
        "import sys, bayesreg\n"
        "assert 'sklearn' not in sys.modules\n"
        "from bayesreg import LaplacePriorRegressor\n"
        "assert 'sklearn' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    code = (
        "import sys\n"
        "sys.modules['sklearn'] = None\n"
        "import bayesreg\n"
        "try:\n"
        "    bayesreg.GaussianPriorClassifier\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'bayesreg[sklearn]'" in out.stdout
    assert bayesreg.LaplacePriorClassifier is LaplacePriorClassifier


# ----------------------------------------------------------------------------- bad input
def _bad_params():
    return [
        pytest.param({"scale": 0.0}, "scale must be positive", id="scale-0"),
        pytest.param({"scale": -1.0}, "scale must be positive", id="scale-negative"),
        pytest.param({"scale": np.inf}, "scale must be finite", id="scale-inf"),
        pytest.param({"scale": "loo"}, "'cv' or 'evidence'", id="scale-unknown"),
        pytest.param({"scale": True}, "scale must be a positive number", id="scale-bool"),
        pytest.param({"method": "vi"}, "method must be 'map' or 'nuts'", id="method"),
        pytest.param({"fit_intercept": 1}, "fit_intercept must be True or False", id="icpt"),
        pytest.param({"draws": 0}, "draws must be a positive integer", id="draws"),
        pytest.param({"tune": -1}, "tune must be an integer >= 0", id="tune"),
        pytest.param({"random_seed": -2}, "random_seed must be None", id="seed"),
        pytest.param({"tol": 0.0}, "tol must be positive", id="tol"),
    ]


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize(("params", "match"), _bad_params())
def test_bad_parameters(cls, params, match, reg_data, clf_data):
    X, y = reg_data if cls in REGRESSORS else clf_data
    with pytest.raises(ValueError, match=match):
        cls(**params).fit(X, y)


@pytest.mark.parametrize("cls", ALL)
def test_bad_data(cls, reg_data, clf_data):
    X, y = reg_data if cls in REGRESSORS else clf_data
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        cls().fit(X_nan, y)
    y_nan = y.astype(float)
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        cls().fit(X, y_nan)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        cls().fit(X[:, 0], y)
    est = cls().fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* expecting"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        est.predict(X_nan)


def test_regressor_specific_errors(reg_data):
    X, y = reg_data
    with pytest.raises(ValueError, match="noise_sigma must be positive"):
        LaplacePriorRegressor(noise_sigma=0.0).fit(X, y)
    with pytest.raises(ValueError, match=r"needs n_samples >= 10 \(got n_samples=9"):
        LaplacePriorRegressor().fit(X[:9], y[:9])
    LaplacePriorRegressor(noise_sigma=1.0).fit(X[:9], y[:9])  # with σ given, it fits
    with pytest.raises(ValueError, match="least squares fits the data exactly"):
        GaussianPriorRegressor().fit(X, X @ np.arange(X.shape[1]))


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classifier_specific_errors(cls, clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match=r"Only binary classification is supported.*multiclass"):
        cls().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="needs samples of two classes; got 1 class"):
        cls().fit(X, np.ones(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        cls().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(TypeError, match="unexpected keyword argument 'noise_sigma'"):
        cls(noise_sigma=1.0)
