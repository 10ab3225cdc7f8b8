"""Empirical Bayes: the Gaussian evidence against its definition, its maximum, BayesianRidge,
and the Laplace Monte Carlo EM fixed point against independent NUTS draws."""

import math
import warnings

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
from scipy.stats import multivariate_normal

import bayesreg
from bayesreg import ConvergenceWarning, EvidenceResult, GaussianPrior, LaplacePrior
from bayesreg.evidence import empirical_bayes, gaussian_log_evidence


def _data(n: int, p: int, seed: int = 0, noise: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ np.diag(np.linspace(0.5, 2.0, p)) + 1.5
    beta = rng.laplace(scale=0.8, size=p)
    y = 3.0 + X @ beta + noise * rng.standard_normal(n)
    return X, y


def _restricted_by_definition(X, y, sigma, sigma_p):
    """log N(Qᵀy; 0, σ²I + σ′²QᵀXXᵀQ) with Q an explicit orthonormal basis of 1⊥."""
    n = X.shape[0]
    Q = scipy.linalg.null_space(np.ones((1, n)))
    assert Q.shape == (n, n - 1)
    QX = Q.T @ X
    cov = sigma**2 * np.eye(n - 1) + sigma_p**2 * QX @ QX.T
    return multivariate_normal(np.zeros(n - 1), cov).logpdf(Q.T @ y)


PARAMS = [(0.5, 0.3), (1.0, 1.0), (2.0, 0.05), (0.1, 3.0)]


@pytest.mark.parametrize("n,p", [(12, 3), (9, 14)], ids=["tall", "wide"])
@pytest.mark.parametrize("sigma,sigma_p", PARAMS)
def test_restricted_evidence_matches_definition(n, p, sigma, sigma_p):
    X, y = _data(n, p)
    want = _restricted_by_definition(X, y, sigma, sigma_p)
    got = gaussian_log_evidence(X, y, GaussianPrior(sigma_p), sigma)
    assert got == pytest.approx(want, rel=1e-10, abs=1e-9)


@pytest.mark.parametrize("sigma,sigma_p", PARAMS)
def test_no_intercept_evidence_matches_definition(sigma, sigma_p):
    X, y = _data(10, 4, seed=3)
    cov = sigma**2 * np.eye(10) + sigma_p**2 * X @ X.T
    want = multivariate_normal(np.zeros(10), cov).logpdf(y)
    got = gaussian_log_evidence(X, y, sigma_p, sigma, fit_intercept=False)
    assert got == pytest.approx(want, rel=1e-10, abs=1e-9)


def test_unrestricted_is_n_dimensional_likelihood_of_centered_data():
    X, y = _data(11, 3, seed=4)
    Xc, yc = X - X.mean(0), y - y.mean()
    cov = 0.8**2 * np.eye(11) + 0.6**2 * Xc @ Xc.T
    want = multivariate_normal(np.zeros(11), cov).logpdf(yc)
    assert gaussian_log_evidence(X, y, 0.6, 0.8, restricted=False) == pytest.approx(want, rel=1e-10)


def test_restricted_is_flat_intercept_integral_up_to_half_log_n():
    """∫ N(y; β₀1, σ²I + σ′²XXᵀ) dβ₀ = n^(−1/2)·p(Qᵀy), as the module docstring derives."""
    n, sigma, sigma_p = 8, 0.9, 0.5
    X, y = _data(n, 2, seed=5)
    cov = sigma**2 * np.eye(n) + sigma_p**2 * X @ X.T
    mvn = multivariate_normal(np.zeros(n), cov)
    ref = mvn.logpdf(y - y.mean())
    val, _ = scipy.integrate.quad(
        lambda b0: math.exp(mvn.logpdf(y - b0) - ref), y.mean() - 20, y.mean() + 20, limit=200
    )
    integral = math.log(val) + ref
    want = gaussian_log_evidence(X, y, sigma_p, sigma) - 0.5 * math.log(n)
    assert integral == pytest.approx(want, rel=1e-9)


def _fd_gradient(X, y, sigma, sigma_p, h=1e-4, **kw):
    def f(ls, lp):
        return gaussian_log_evidence(X, y, math.exp(lp), math.exp(ls), **kw)

    ls, lp = math.log(sigma), math.log(sigma_p)
    return (
        (f(ls + h, lp) - f(ls - h, lp)) / (2 * h),
        (f(ls, lp + h) - f(ls, lp - h)) / (2 * h),
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n,p", [(40, 5), (25, 18)])
def test_gaussian_maximum(n, p, fit_intercept):
    X, y = _data(n, p, seed=7)
    res = empirical_bayes(X, y, fit_intercept=fit_intercept)
    assert isinstance(res, EvidenceResult)
    assert res.converged and res.noise_sigma_estimated
    assert res.grad_norm < 1e-9 * n
    assert res.lam == pytest.approx(res.noise_sigma**2 / res.prior.sigma**2, rel=1e-12)
    assert res.lam == pytest.approx(res.prior.penalty(res.noise_sigma), rel=1e-12)
    kw = {"fit_intercept": fit_intercept}
    best = gaussian_log_evidence(X, y, res.prior, res.noise_sigma, **kw)
    assert res.log_evidence == pytest.approx(best, rel=1e-11)
    g = _fd_gradient(X, y, res.noise_sigma, res.prior.sigma, **kw)
    assert max(map(abs, g)) < 1e-5
    # a grid around the optimum finds nothing higher
    for fs in np.exp(np.linspace(-1, 1, 15)):
        for fp in np.exp(np.linspace(-1.5, 1.5, 15)):
            v = gaussian_log_evidence(X, y, res.prior.sigma * fp, res.noise_sigma * fs, **kw)
            assert v <= best + 1e-10


def test_gaussian_fixed_sigma_maximum():
    X, y = _data(50, 6, seed=8)
    res = empirical_bayes(X, y, noise_sigma=0.9)
    assert res.converged and not res.noise_sigma_estimated and res.noise_sigma == 0.9
    g_noise, g_prior = _fd_gradient(X, y, 0.9, res.prior.sigma)
    assert abs(g_prior) < 1e-5
    assert abs(g_noise) > 1e-3  # σ = 0.9 is not the joint optimum: that direction is not flat
    best = res.log_evidence
    for fp in np.exp(np.linspace(-2, 2, 41)):
        assert gaussian_log_evidence(X, y, res.prior.sigma * fp, 0.9) <= best + 1e-10
    # the start value does not change the answer
    again = empirical_bayes(X, y, GaussianPrior(50.0), noise_sigma=0.9)
    assert again.prior.sigma == pytest.approx(res.prior.sigma, rel=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gaussian_wide_fixed_sigma(fit_intercept):
    """p > n: the dual Gram route, σ given (jointly, σ → 0 is an exact fit: often an edge)."""
    X, y = _data(15, 30, seed=10)
    res = empirical_bayes(X, y, noise_sigma=0.7, fit_intercept=fit_intercept)
    assert res.converged
    kw = {"fit_intercept": fit_intercept}
    _, g_prior = _fd_gradient(X, y, 0.7, res.prior.sigma, **kw)
    assert abs(g_prior) < 1e-5
    svd = empirical_bayes(X, y, noise_sigma=0.7, fit_intercept=fit_intercept, decomposition="svd")
    assert svd.lam == pytest.approx(res.lam, rel=1e-8)


def test_gram_and_svd_agree():
    X, y = _data(60, 7, seed=9)
    a = empirical_bayes(X, y, decomposition="gram")
    b = empirical_bayes(X, y, decomposition="svd")
    assert a.lam == pytest.approx(b.lam, rel=1e-9)
    assert a.noise_sigma == pytest.approx(b.noise_sigma, rel=1e-10)


def _bayesian_ridge(X, y):
    from sklearn.linear_model import BayesianRidge

    eps = 1e-12
    br = BayesianRidge(
        alpha_1=eps, alpha_2=eps, lambda_1=eps, lambda_2=eps, tol=1e-14, max_iter=100_000
    )
    return br.fit(X, y)


@pytest.mark.parametrize("n,p", [(80, 6), (30, 12)])
def test_unrestricted_matches_bayesian_ridge(n, p):
    X, y = _data(n, p, seed=11)
    br = _bayesian_ridge(X, y)
    ours = empirical_bayes(X, y, restricted=False)
    assert ours.converged and not ours.restricted
    assert 1.0 / ours.noise_sigma**2 == pytest.approx(br.alpha_, rel=1e-6)
    assert 1.0 / ours.prior.sigma**2 == pytest.approx(br.lambda_, rel=1e-6)
    assert ours.lam == pytest.approx(br.lambda_ / br.alpha_, rel=1e-6)


def test_restricted_differs_from_bayesian_ridge_by_one_dimension():
    """Dropping the direction of 1 raises σ̂² by about (n − γ)/(n − 1 − γ) (γ ≈ p here)."""
    n, p = 40, 5
    X, y = _data(n, p, seed=12)
    br = _bayesian_ridge(X, y)
    ours = empirical_bayes(X, y)
    ratio = ours.noise_sigma**2 * br.alpha_  # σ̂²_restricted / σ̂²_BayesianRidge
    expected = (n - p) / (n - 1 - p)
    assert ratio > 1.0
    assert 0.5 * (expected - 1) < ratio - 1 < 2.0 * (expected - 1)
    assert ours.lam != pytest.approx(br.lambda_ / br.alpha_, rel=1e-6)


def test_no_signal_is_a_boundary_with_warning():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((30, 3))
    Xc = X - X.mean(0)
    y = rng.standard_normal(30)
    y -= Xc @ np.linalg.lstsq(Xc, y, rcond=None)[0]  # y_c orthogonal to every column
    with pytest.warns(ConvergenceWarning, match="edge"):
        res = empirical_bayes(X, y)
    assert not res.converged


# ---------------------------------------------------------------- Laplace prior
@pytest.fixture(scope="module")
def laplace_fit():
    X, y = _data(40, 4, seed=21, noise=1.5)
    res = empirical_bayes(X, y, "laplace", random_seed=5)
    return X, y, res


def test_laplace_em_result(laplace_fit):
    X, y, res = laplace_fit
    assert res.converged and res.log_evidence is None
    assert isinstance(res.prior, LaplacePrior)
    sigma = bayesreg.estimate_noise_sigma(X, y).value
    assert res.noise_sigma == sigma and res.noise_sigma_estimated
    assert res.lam == pytest.approx(2 * sigma**2 / res.prior.b, rel=1e-12)
    assert 0 < res.mc_se <= 0.01 * res.prior.b  # rtol reached (max_draws not needed here)
    assert res.trace[-1] == res.prior.b


def test_laplace_fixed_point_against_nuts(laplace_fit):
    """Under the posterior at b̂, E[Σ|βⱼ|]/p = b̂ (the EM fixed point), by NUTS draws."""
    import arviz as az

    X, y, res = laplace_fit
    p = X.shape[1]
    idata = bayesreg.sample(
        X, y, res.prior, noise_sigma=res.noise_sigma, draws=2000, tune=1000, chains=2,
        cores=1, random_seed=3, progressbar=False,
    )  # fmt: skip
    stat = np.abs(idata.posterior["beta"]).sum("feature") / p
    mean = float(stat.mean())
    se_nuts = float(az.mcse(stat.to_dataset(name="s"))["s"])
    se = math.hypot(se_nuts, res.mc_se)
    assert abs(mean - res.prior.b) < 4 * se, (mean, res.prior.b, se)


def test_laplace_reproducible_and_start_value():
    X, y = _data(40, 4, seed=22)
    a = empirical_bayes(X, y, "laplace", random_seed=1, noise_sigma=0.8)
    b = empirical_bayes(X, y, "laplace", random_seed=1, noise_sigma=0.8)
    assert a == b
    assert not a.noise_sigma_estimated
    c = empirical_bayes(X, y, LaplacePrior(5.0), random_seed=2, noise_sigma=0.8)
    assert c.trace[0] == 5.0
    assert c.prior.b == pytest.approx(a.prior.b, abs=6 * math.hypot(a.mc_se, c.mc_se))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"prior": "horseshoe"}, r"unknown prior 'horseshoe'"),
        ({"noise_sigma": -1.0}, r"noise_sigma must be positive"),
        ({"decomposition": "qr"}, r"decomposition must be"),
        ({"prior": "laplace", "draws": 0}, r"draws must be a positive integer"),
        ({"prior": "laplace", "draws": 100, "max_draws": 50}, r"max_draws must be >= draws"),
    ],
)
def test_bad_options(kwargs, match):
    X, y = _data(20, 3)
    with pytest.raises(ValueError, match=match):
        empirical_bayes(X, y, **kwargs)


def test_bad_data():
    X, y = _data(20, 3)
    with pytest.raises(ValueError, match=r"at least 3 samples"):
        empirical_bayes(X[:2], y[:2])
    with pytest.raises(ValueError, match=r"at least 2 samples"):
        empirical_bayes(X[:1], y[:1], fit_intercept=False)
    with pytest.raises(ValueError, match=r"y is constant"):
        empirical_bayes(X, np.full(20, 2.5))
    with pytest.raises(ValueError, match=r"y is constant"):
        empirical_bayes(X, np.zeros(20), fit_intercept=False)
    with pytest.raises(ValueError, match=r"X contains 1 NaN"):
        Xn = X.copy()
        Xn[0, 0] = np.nan
        empirical_bayes(Xn, y)
    with pytest.raises(ValueError, match=r"cannot estimate the noise sigma"):
        empirical_bayes(*_data(5, 6), "laplace")


def test_exported():
    assert bayesreg.empirical_bayes is empirical_bayes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empirical_bayes(*_data(30, 3))
