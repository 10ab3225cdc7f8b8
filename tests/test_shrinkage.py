"""The shrinkage priors: closed-form density against quadrature, prior predictive checks of
every scale against scipy's distributions, the refusal of every penalty-side route, and
(slow) NUTS diagnostics on sparse problems within the issue's figures."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.integrate
import scipy.stats

import bayesreg.cli
from bayesreg import (
    SamplingWarning,
    SufficientStats,
    build_model,
    check_equivalence,
    map_find_map,
    map_scipy,
    sample,
    sample_from_stats,
)
from bayesreg.datasets import diabetes_path
from bayesreg.sampling import diagnose
from bayesreg.selection import select_variables
from bayesreg.shrinkage import (
    HorseshoePrior,
    R2D2Prior,
    RegularizedHorseshoePrior,
    pseudo_sigma,
)

PRIORS = [HorseshoePrior(), RegularizedHorseshoePrior(3), R2D2Prior()]


def small_data(n: int = 120, p: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:3] = [2.0, -1.5, 1.0]
    return X, X @ beta + rng.standard_normal(n), beta


@pytest.mark.parametrize("beta", [0.003, 0.1, 0.7, 2.5, 9.0])
@pytest.mark.parametrize("tau", [0.05, 1.0, 3.0])
def test_horseshoe_marginal_density_against_quadrature(beta: float, tau: float) -> None:
    # p(β | τ) = ∫ N(β | 0, λ²τ²) · 2/(π(1 + λ²)) dλ, integrated numerically
    def integrand(lam: float) -> float:
        s = lam * tau
        return (
            math.exp(-0.5 * (beta / s) ** 2)
            / (s * math.sqrt(2 * math.pi))
            * 2
            / (math.pi * (1 + lam**2))
        )

    # split at the scale where the Gaussian kernel turns on, for an accurate quadrature
    knot = abs(beta) / tau
    val = sum(
        scipy.integrate.quad(integrand, a, b, limit=400, epsabs=0, epsrel=1e-12)[0]
        for a, b in ((0, knot), (knot, 10 * knot + 10), (10 * knot + 10, np.inf))
    )
    got = HorseshoePrior().logpdf(np.array([beta, -beta]), tau=tau)
    assert got == pytest.approx(2 * math.log(val), rel=1e-8)


def test_horseshoe_density_is_unbounded_at_zero_and_heavy_tailed() -> None:
    hs = HorseshoePrior()
    assert hs.logpdf([0.0]) == math.inf
    vals = [hs.logpdf([b]) for b in (1e-2, 1e-4, 1e-8)]
    assert vals[0] < vals[1] < vals[2]  # grows like log log(1/|β|)… without bound
    # Cauchy-like tail: p(β) ~ 1/β² (the log-density drops by ≈ 2·log 10 per decade)
    drop = hs.logpdf([1e3]) - hs.logpdf([1e4])
    assert drop == pytest.approx(2 * math.log(10), rel=1e-3)


def prior_draws(prior, X, y, sigma=1.5, family="gaussian", draws=4000):
    import pymc as pm

    kw = {} if family == "gaussian" else {"family": family}
    model = build_model(
        X,
        y,
        prior,
        sigma if family == "gaussian" else None,
        formulation="naive",
        fit_intercept=False,  # a flat intercept has no prior draws
        likelihood="rows",
        **kw,
    )
    with model:
        pp = pm.sample_prior_predictive(draws=draws, random_seed=7)
    return {k: np.asarray(v.values).reshape(draws, -1).squeeze() for k, v in pp["prior"].items()}


def ks_ok(x: np.ndarray, dist) -> float:
    return scipy.stats.kstest(x, dist.cdf).pvalue


def test_horseshoe_prior_predictive_scales() -> None:
    X, y, _ = small_data()
    d = prior_draws(HorseshoePrior(0.5), X, y, sigma=1.5)
    # τ ~ C⁺(0, 0.5 σ), λⱼ ~ C⁺(0, 1), β = z λ τ
    assert ks_ok(d["beta_tau"], scipy.stats.halfcauchy(scale=0.75)) > 1e-3
    assert ks_ok(d["beta_lambda"][:, 0], scipy.stats.halfcauchy()) > 1e-3
    assert ks_ok(d["beta_tau"], scipy.stats.halfcauchy(scale=1.5)) < 1e-6  # the test can fail
    np.testing.assert_allclose(d["beta"], d["beta_z"] * d["beta_lambda"] * d["beta_tau"][:, None])


def test_regularized_horseshoe_prior_predictive_scales() -> None:
    X, y, _ = small_data()
    n, p = X.shape
    prior = RegularizedHorseshoePrior(3, slab_scale=2.0, slab_df=4.0)
    d = prior_draws(prior, X, y, sigma=1.5)
    tau0 = 3 / (p - 3) * 1.5 / math.sqrt(n)  # Piironen & Vehtari eq. 3.12
    assert prior.tau0(p, n, 1.5) == pytest.approx(tau0)
    assert ks_ok(d["beta_tau"], scipy.stats.halfcauchy(scale=tau0)) > 1e-3
    # c² ~ Inv-Gamma(ν/2, ν s²/2)
    assert ks_ok(d["beta_c"] ** 2, scipy.stats.invgamma(2.0, scale=2.0 * 4.0)) > 1e-3
    # the slab: λ̃² = c²λ²/(c² + τ²λ²), β = z τ λ̃, so |β| ≤ |z|·c
    lam, tau, c = d["beta_lambda"], d["beta_tau"][:, None], d["beta_c"][:, None]
    lam_t = np.sqrt(c**2 * lam**2 / (c**2 + tau**2 * lam**2))
    np.testing.assert_allclose(d["beta"], d["beta_z"] * tau * lam_t, rtol=1e-10)
    assert np.all(np.abs(d["beta"]) <= np.abs(d["beta_z"]) * c * (1 + 1e-12))


def test_r2d2_prior_predictive_scales() -> None:
    X, y, _ = small_data()
    prior = R2D2Prior(0.3, precision=5.0, concentration=0.5)
    d = prior_draws(prior, X, y, sigma=1.5)
    assert ks_ok(d["beta_r2"], scipy.stats.beta(1.5, 3.5)) > 1e-3
    np.testing.assert_allclose(d["beta_phi"].sum(axis=1), 1.0, rtol=1e-10)
    assert ks_ok(d["beta_phi"][:, 0], scipy.stats.beta(0.5, 0.5 * 9)) > 1e-3  # Dirichlet margin
    np.testing.assert_allclose(d["beta_tau2"], d["beta_r2"] / (1 - d["beta_r2"]))
    np.testing.assert_allclose(
        d["beta"], d["beta_z"] * 1.5 * np.sqrt(d["beta_phi"] * d["beta_tau2"][:, None])
    )


def test_pseudo_sigma_sets_the_global_scale_of_a_binomial_model() -> None:
    X, y, _ = small_data()
    yb = (y > 1.0).astype(float)
    m = yb.mean()
    assert pseudo_sigma("binomial", yb) == pytest.approx(1 / math.sqrt(m * (1 - m)))
    assert pseudo_sigma("poisson", np.array([1.0, 3.0])) == pytest.approx(1 / math.sqrt(2.0))
    d = prior_draws(HorseshoePrior(), X, yb, family="binomial")
    scale = 1 / math.sqrt(m * (1 - m))
    assert ks_ok(d["beta_tau"], scipy.stats.halfcauchy(scale=scale)) > 1e-3


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.name)
def test_no_penalty_equivalent_everywhere(prior) -> None:
    X, y, _ = small_data()
    for call in (
        lambda: check_equivalence(X, y, prior, 1.0),
        lambda: map_scipy(X, y, prior, 1.0),
        lambda: map_find_map(X, y, prior, 1.0),
        lambda: prior.solve(X, y, 1.0),
        lambda: prior.penalty(1.0),
        lambda: prior.regularizer,
    ):
        with pytest.raises(ValueError, match=r"has no penalty equivalent.*bayesreg\.sample"):
            call()
    with pytest.raises(ValueError, match="scale='unknown'"):
        sample(X, y, prior, 1.0, scale="unknown", draws=10, tune=10, chains=1)
    # build_model gives the one model these priors have, the non-centred sampling model
    model = build_model(X, y, prior, 1.0)
    assert "beta_z" in model.named_vars


def test_prior_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="expected_nonzero must be below"):
        RegularizedHorseshoePrior(10).tau0(10, 100)
    with pytest.raises(ValueError, match="mean_r2 must be in"):
        R2D2Prior(1.5)
    with pytest.raises(ValueError, match="slab_scale"):
        RegularizedHorseshoePrior(3, slab_scale=-1.0)
    with pytest.raises(ValueError):
        HorseshoePrior(0.0)
    assert RegularizedHorseshoePrior(3) == RegularizedHorseshoePrior(3)
    assert RegularizedHorseshoePrior(3) != RegularizedHorseshoePrior(3, slab_scale=1.0)


def test_short_run_has_no_map_group_and_honest_attributes() -> None:
    X, y, _ = small_data()
    with pytest.warns(SamplingWarning):  # 50 draws: flagged, as it should be
        idata = sample(
            X,
            y,
            RegularizedHorseshoePrior(3),
            1.0,
            draws=50,
            tune=50,
            chains=1,
            progressbar=False,
            random_seed=1,
        )
    assert "map" not in idata.children
    a = idata.attrs
    assert "lam" not in a and "penalty_formula" not in a
    assert a["scale_mode"].startswith("sampled") and a["target_accept"] == 0.99
    assert "RegularizedHorseshoePrior(expected_nonzero=3" in a["prior_description"]


def sparse_problem(n: int = 200, p: int = 100, k: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:k] = [3.0, -2.5, 2.0, 1.5, -1.0][:k]
    return X, X @ beta + rng.standard_normal(n), beta


@pytest.mark.slow
@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.name)
def test_nuts_diagnostics_on_a_sparse_problem(prior) -> None:
    # the figures: R-hat ≤ 1.01, bulk ESS ≥ 400 for every coefficient, divergences
    # ≤ 1 % of draws, at the package defaults (target_accept 0.99 for these priors)
    X, y, beta = sparse_problem()
    if isinstance(prior, RegularizedHorseshoePrior):
        prior = RegularizedHorseshoePrior(5)
    with warnings.catch_warnings():  # the diagnostics are asserted below, one by one
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample(
            X, y, prior, 1.0, draws=1000, tune=1000, chains=2, random_seed=2, progressbar=False
        )
    d = diagnose(idata)
    assert d.rhat_max <= 1.01 and d.ess_bulk_min >= 400, d.problems
    assert d.n_divergences <= 0.01 * 2000, d.problems
    sel = select_variables(idata, "dss")
    if isinstance(prior, R2D2Prior):
        # R2D2 (concentration ½) leaves the null coefficients' posterior means near ±0.1,
        # which the posterior-mean predictor uses: DSS keeps the truth plus a few of them
        # (measured: 11 of 100)
        assert sel.mask[beta != 0].all() and sel.mask.sum() <= 3 * np.count_nonzero(beta)
    else:
        np.testing.assert_array_equal(sel.mask, beta != 0)


@pytest.mark.slow
def test_sufficient_statistics_posterior_matches_the_rows_posterior() -> None:
    X, y, beta = small_data(n=2000, p=10, seed=5)
    prior = R2D2Prior()  # the fastest of the three to sample: the test is about the likelihood
    kw = {"draws": 800, "tune": 800, "chains": 2, "random_seed": 3, "progressbar": False}
    rows = sample(X, y, prior, 1.0, likelihood="rows", **kw)
    stats = sample_from_stats(SufficientStats.from_arrays(X, y), prior, 1.0, **kw)
    m_rows = rows["posterior"]["beta"].mean(("chain", "draw")).values
    m_stats = stats["posterior"]["beta"].mean(("chain", "draw")).values
    sd = rows["posterior"]["beta"].std(("chain", "draw")).values
    # the same posterior: means agree within Monte Carlo error (a few sd/√ESS)
    assert np.all(np.abs(m_rows - m_stats) <= 0.25 * sd + 1e-3)
    assert np.all(np.abs(m_rows[:3] - beta[:3]) < 0.1)


# -- CLI --------------------------------------------------------------------------------------

DIAB = ["--data", str(diabetes_path()), "--target", "progression"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["check", *DIAB, "--prior", "horseshoe"], "has no penalty equivalent"),
        (["check", *DIAB, "--prior", "r2d2"], "has no penalty equivalent"),
        (["sample", *DIAB, "--prior", "regularized-horseshoe"], "needs --expected-nonzero"),
        (["sample", *DIAB, "--prior", "horseshoe", "--scale", "1"], "--scale is not an option"),
        (["sample", *DIAB, "--prior", "laplace"], "needs --scale"),
        (
            ["sample", *DIAB, "--prior", "laplace", "--scale", "1", "--expected-nonzero", "3"],
            "--expected-nonzero is not an option of --prior laplace",
        ),
        (
            ["sample", *DIAB, "--prior", "horseshoe", "--mean-r2", "0.3"],
            "--mean-r2 is not an option of --prior horseshoe",
        ),
        (
            ["sample", *DIAB, "--prior", "horseshoe", "--select", "probability"],
            "needs --select-threshold",
        ),
        (
            ["sample", *DIAB, "--prior", "horseshoe", "--select-threshold", "1"],
            "--select-threshold is for --select probability",
        ),
        (
            [
                "sample",
                *["--data", "/no/such.csv", "--target", "y", "--family", "binomial"],
                *["--prior", "regularized-horseshoe", "--expected-nonzero", "3"],
                *["--select", "dss"],
            ],
            "--select dss is for --family gaussian",
        ),
    ],
)
def test_cli_shrinkage_errors_exit_2_before_any_work(argv, needle, capsys) -> None:
    assert bayesreg.cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1, err


@pytest.mark.slow
def test_cli_sample_regularized_horseshoe_with_dss(tmp_path) -> None:
    from helpers import run_cli

    proc = run_cli(
        "sample", *DIAB, "--prior", "regularized-horseshoe", "--expected-nonzero", "4",
        "--standardize", "--draws", "300", "--tune", "300", "--chains", "2", "--seed", "1",
        "--select", "dss", "--quiet", timeout=900,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "RegularizedHorseshoePrior(expected_nonzero=4" in out
    assert "penalty λ: none" in out and " map " not in out
    assert "variable selection (dss)" in out and "selected " in out
