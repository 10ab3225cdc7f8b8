"""posterior_path: the MAP path with posterior intervals, against independent references.

* Gaussian prior: with σ fixed and a flat intercept, β | y ~ N((G + λI)⁻¹X_cᵀy_c,
  σ²(G + λI)⁻¹), G = X_cᵀX_c: the mean from scikit-learn's ``Ridge(alpha=λ)``, the
  covariance inverted densely here.
* Laplace prior: a Park–Casella Gibbs sampler written out here for the *unscaled*
  Laplace(0, b) prior at fixed σ: βⱼ | τⱼ² ~ N(0, τⱼ²), τⱼ² ~ Exp(rate 1/(2b²));
  β | τ, y ~ N(A⁻¹X_cᵀy_c, σ²A⁻¹) with A = G + σ²·diag(1/τ²); 1/τⱼ² | βⱼ ~
  InverseGaussian(mean 1/(b|βⱼ|), shape 1/b²).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn.linear_model import Lasso, Ridge

import bayesreg as br
from bayesreg.bayes_path import posterior_draws
from bayesreg.suffstats import SufficientStats


def make(n: int = 120, p: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    y = X @ np.array([1.5, -1.0, 0.0, 0.0, 0.5])[:p] + 2.0 + rng.standard_normal(n)
    return X, y


def gibbs(X, y, b, sigma, iters=30_000, burn=2_000, seed=0):
    """The Park–Casella Gibbs sampler for Laplace(0, b) at fixed σ (module docstring)."""
    rng = np.random.default_rng(seed)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    G, xty = Xc.T @ Xc, Xc.T @ yc
    p = X.shape[1]
    beta, out = np.zeros(p) + 0.1, np.empty((iters, p))
    for t in range(iters + burn):
        w = rng.wald(1.0 / (b * np.maximum(np.abs(beta), 1e-300)), 1.0 / b**2)  # 1/τ²
        A = G + sigma**2 * np.diag(w)
        L = np.linalg.cholesky(A)
        mean = np.linalg.solve(A, xty)
        beta = mean + sigma * np.linalg.solve(L.T, rng.standard_normal(p))
        if t >= burn:
            out[t - burn] = beta
    return out


def test_gaussian_prior_intervals_are_the_exact_normal_posterior():
    X, y = make()
    sigma = 1.3
    pp = br.posterior_path(X, y, "gaussian", n_lams=6, noise_sigma=sigma)
    assert pp.method == "exact" and pp.rhat_max is None
    Xc = X - X.mean(axis=0)
    for k, lam in enumerate(pp.lams):
        sk = Ridge(alpha=lam, tol=1e-14, solver="cholesky").fit(X, y)
        np.testing.assert_allclose(pp.coef[k], sk.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(pp.mean[k], sk.coef_, rtol=1e-9, atol=1e-12)
        sd = np.sqrt(np.diag(sigma**2 * np.linalg.inv(Xc.T @ Xc + lam * np.eye(5))))
        for prob in (0.5, 0.94):
            z = scipy.stats.norm.ppf(0.5 + prob / 2)
            np.testing.assert_allclose(pp.upper[prob][k] - pp.coef[k], z * sd, rtol=1e-9)
            np.testing.assert_allclose(pp.coef[k] - pp.lower[prob][k], z * sd, rtol=1e-9)
        assert pp.scales[k] == pytest.approx(sigma / np.sqrt(lam), rel=1e-12)  # σ′ = σ/√λ


def test_gaussian_draws_have_the_exact_moments():
    X, y = make()
    stats = SufficientStats.from_arrays(X, y)
    prior, sigma = br.GaussianPrior(0.4), 1.1
    beta, icpt, diag, used = posterior_draws(stats, prior, sigma, True, draws=20_000, chains=1,
                                             random_seed=1)  # fmt: skip
    assert diag is None and used == "exact"
    lam = sigma**2 / 0.4**2
    Xc = X - X.mean(axis=0)
    cov = sigma**2 * np.linalg.inv(Xc.T @ Xc + lam * np.eye(5))
    mean = np.linalg.solve(Xc.T @ Xc + lam * np.eye(5), Xc.T @ (y - y.mean()))
    se = np.sqrt(np.diag(cov) / beta.shape[0])
    assert np.max(np.abs(beta.mean(axis=0) - mean) / se) < 5
    np.testing.assert_allclose(np.cov(beta.T), cov, rtol=0.05, atol=0.05 * np.abs(cov).max())
    # β₀ = α − x̄ᵀβ with α ~ N(ȳ, σ²/n) independent of β
    alpha = icpt + beta @ X.mean(axis=0)
    assert alpha.std() == pytest.approx(sigma / np.sqrt(len(y)), rel=0.05)


@pytest.mark.parametrize(("sampler", "draws"), [("nuts", 1500), ("gibbs", 6000)])
def test_laplace_path_is_the_lasso_path_with_the_gibbs_posterior(sampler, draws):
    X, y = make()
    sigma = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        pp = br.posterior_path(
            X, y, "laplace", n_lams=3, eps=0.05, noise_sigma=sigma, draws=draws, tune=700,
            random_seed=3, sampler=sampler,
        )  # fmt: skip
    assert pp.method == sampler and pp.rhat_max.shape == (3,)
    assert np.all(pp.rhat_max < 1.02)
    for k, lam in enumerate(pp.lams):
        sk = Lasso(alpha=br.to_sklearn_alpha(lam, len(y), "l1"), tol=1e-14, max_iter=10**6)
        sk.fit(X, y)
        np.testing.assert_allclose(pp.coef[k], sk.coef_, atol=1e-8)
        assert pp.scales[k] == pytest.approx(2 * sigma**2 / lam, rel=1e-12)  # b = 2σ²/λ
        if k == 0:  # λ_max: the MAP is all zero, the posterior is not
            assert np.all(pp.coef[0] == 0) and np.all(pp.upper[0.94][0] > 0)
            continue
        ref = gibbs(X, y, pp.scales[k], sigma, seed=k)
        sd = ref.std(axis=0)
        assert np.max(np.abs(pp.mean[k] - ref.mean(axis=0)) / sd) < 0.15
        for prob in (0.5, 0.94):
            lo, hi = np.quantile(ref, [0.5 - prob / 2, 0.5 + prob / 2], axis=0)
            assert np.max(np.abs(pp.lower[prob][k] - lo) / sd) < 0.2
            assert np.max(np.abs(pp.upper[prob][k] - hi) / sd) < 0.2


def test_plot_path_draws_the_map_lines_and_bands():
    import matplotlib

    matplotlib.use("Agg")
    X, y = make()
    pp = br.posterior_path(X, y, "gaussian", n_lams=5, noise_sigma=1.0)
    fig = br.plot_path(pp, band=0.5, choices={"chosen": float(pp.lams[2])})
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if ln.get_label() in pp.feature_names]
    assert len(lines) == 5
    for j, ln in enumerate(lines):
        np.testing.assert_allclose(ln.get_ydata(), pp.coef[:, j])
    assert any("chosen" in ln.get_label() for ln in ax.lines)
    with pytest.raises(ValueError, match="band must be one of"):
        br.plot_path(pp, band=0.8)
    with pytest.raises(ValueError, match="positive numbers"):
        br.plot_path(pp, choices={"bad": -1.0})


def test_bad_input():
    X, y = make()
    with pytest.raises(ValueError, match="lams must all be > 0"):
        br.posterior_path(X, y, "gaussian", lams=[1.0, 0.0], noise_sigma=1.0)
    with pytest.raises(ValueError, match="prior"):
        br.posterior_path(X, y, "cauchy", noise_sigma=1.0)
