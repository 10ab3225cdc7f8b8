"""NUTS sampling, diagnostics, summaries, persistence and plots (bayesreg.sampling/plots)."""

from __future__ import annotations

import importlib.util
import math
import warnings
from typing import Any

import matplotlib

matplotlib.use("Agg")

import arviz_stats as azs
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from helpers import assert_coef_close

from bayesreg import lasso_cd
from bayesreg.exceptions import SamplingWarning
from bayesreg.model import estimate_noise_sigma
from bayesreg.plots import (
    plot_forest,
    plot_posterior_predictive,
    plot_prior_posterior,
)
from bayesreg.priors import GaussianPrior, LaplacePrior
from bayesreg.sampling import (
    Diagnostics,
    diagnose,
    estimate_noise_sigma_from_stats,
    format_summary,
    load_posterior,
    sample,
    sample_from_stats,
    save_posterior,
    summarize,
)
from bayesreg.suffstats import SufficientStats

FAST = {"draws": 200, "tune": 200, "chains": 2, "cores": 1, "progressbar": False}
NAMES = ["a", "b", "c"]
B = 0.1  # Laplace scale at which the Lasso sets the coefficient of "b" exactly to zero


def make_data(seed: int = 1, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """y = 1 + 1.5·a − 2·c + N(0, 1); columns with non-zero means (exercises centering)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) + np.array([3.0, -1.0, 10.0])
    y = 1.0 + X @ np.array([1.5, 0.0, -2.0]) + rng.normal(size=n)
    return X, y


def run(X: np.ndarray, y: np.ndarray, prior: Any, *args: Any, **kwargs: Any) -> xr.DataTree:
    """``sample`` with the fast settings; only a genuine SamplingWarning may be emitted."""
    opts = {**FAST, **kwargs}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        idata = sample(X, y, prior, *args, **opts)
    # ResourceWarnings come from the garbage collector freeing other tests' objects (e.g. the
    # notebook kernels' sockets), not from sample().
    others = [w for w in caught if not issubclass(w.category, (SamplingWarning, ResourceWarning))]
    assert not others, [f"{w.category.__name__}: {w.message}" for w in others]
    return idata


def flat(da: xr.DataArray) -> np.ndarray:
    return np.asarray(da.values).reshape(da.sizes["chain"] * da.sizes["draw"], -1)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return make_data()


@pytest.fixture(scope="module")
def laplace_idata(data: tuple[np.ndarray, np.ndarray]) -> xr.DataTree:
    X, y = data
    return run(X, y, LaplacePrior(B), feature_names=NAMES, random_seed=11)


# ------------------------------------------------------------------------------ structure
def test_returns_datatree_with_groups_and_attrs(laplace_idata, data):
    X, y = data
    idata = laplace_idata
    assert isinstance(idata, xr.DataTree)
    for group in ("posterior", "sample_stats", "observed_data", "constant_data", "map"):
        assert group in idata.children, group
    post = idata["posterior"]
    assert post["beta"].dims == ("chain", "draw", "feature")
    assert list(post["feature"].values) == NAMES
    assert post.sizes["chain"] == 2 and post.sizes["draw"] == 200
    np.testing.assert_array_equal(idata["observed_data"]["y"].values, y)
    np.testing.assert_array_equal(idata["constant_data"]["X"].values, X)
    # the intercept of the original design, from the centered one
    expected = post["intercept_centered"] - (post["beta"] * X.mean(axis=0)).sum("feature")
    np.testing.assert_allclose(post["intercept"].values, expected.values, rtol=1e-12)

    a = idata.attrs
    sigma = estimate_noise_sigma(X, y)
    assert a["prior"] == "laplace" and a["scale"] == B and a["scale_name"] == "b"
    assert a["noise_sigma"] == pytest.approx(sigma.value, rel=1e-12)
    assert a["noise_sigma_estimated"] is True and a["noise_sigma_dof"] == 56
    assert a["lam"] == pytest.approx(2 * sigma.value**2 / B, rel=1e-12)
    assert a["fit_intercept"] is True
    assert a["likelihood"] == "suffstats"  # "auto" with n > p
    assert a["noise_mode"] == "fixed" and a["scale_mode"] == "fixed"


def test_same_seed_gives_identical_draws(data):
    X, y = data
    kw = {"draws": 60, "tune": 60}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        first = run(X, y, LaplacePrior(B), random_seed=5, **kw)
        second = run(X, y, LaplacePrior(B), random_seed=5, **kw)
        other = run(X, y, LaplacePrior(B), random_seed=6, **kw)
    for var in ("beta", "intercept"):
        np.testing.assert_array_equal(first["posterior"][var], second["posterior"][var])
    assert not np.array_equal(first["posterior"]["beta"], other["posterior"]["beta"])


@pytest.mark.slow
def test_rows_and_suffstats_models_agree(data):
    X, y = data
    kw = {"draws": 500, "tune": 300}
    rows = run(X, y, LaplacePrior(B), likelihood="rows", random_seed=1, **kw)
    stats = run(X, y, LaplacePrior(B), likelihood="suffstats", random_seed=2, **kw)
    assert rows.attrs["likelihood"] == "rows" and stats.attrs["likelihood"] == "suffstats"
    for var in ("beta", "intercept"):
        a, b = rows["posterior"][var], stats["posterior"][var]
        diff = np.abs(a.mean(("chain", "draw")) - b.mean(("chain", "draw")))
        tol = 4 * np.sqrt(azs.mcse(a, method="mean") ** 2 + azs.mcse(b, method="mean") ** 2)
        assert bool((diff < tol).all()), (var, diff.values, tol.values)


@pytest.mark.slow
def test_gaussian_prior_posterior_matches_closed_form(data):
    """With σ fixed, β | y ~ N(A⁻¹X_cᵀy_c, σ²A⁻¹), A = X_cᵀX_c + λI, λ = σ²/σ′²."""
    X, y = data
    sigma, prior = 1.0, GaussianPrior(0.5)
    idata = run(X, y, prior, sigma, draws=1000, tune=500, random_seed=3)
    n, p = X.shape
    lam = sigma**2 / prior.scale**2
    x_mean = X.mean(axis=0)
    Xc, yc = X - x_mean, y - y.mean()
    A = Xc.T @ Xc + lam * np.eye(p)
    mean = np.linalg.solve(A, Xc.T @ yc)
    cov = sigma**2 * np.linalg.inv(A)
    b0_mean = y.mean() - x_mean @ mean
    b0_sd = math.sqrt(sigma**2 / n + x_mean @ cov @ x_mean)
    # the MAP group is the Ridge fit, which is the posterior mean here
    np.testing.assert_allclose(idata["map"]["beta"].values, mean, rtol=1e-10)
    assert float(idata["map"]["intercept"]) == pytest.approx(b0_mean, rel=1e-10)

    post = idata["posterior"]
    beta, b0 = post["beta"], post["intercept"]
    targets = [
        (beta.sel(feature=f), mean[j], math.sqrt(cov[j, j]))
        for j, f in enumerate(post["feature"].values)
    ]
    targets.append((b0, b0_mean, b0_sd))
    for da, mu, sd in targets:
        assert abs(float(da.mean()) - mu) < 4 * float(azs.mcse(da, method="mean")), (mu, sd)
        assert abs(float(da.std(ddof=1)) - sd) < 4 * float(azs.mcse(da, method="sd")), (mu, sd)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prior", "hyper"),
    [
        (LaplacePrior(0.5), ["beta_lambda2", "beta_b"]),
        (GaussianPrior(1.0), ["beta_sigma"]),
    ],
)
def test_full_bayes_options(data, prior, hyper):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)  # tiny run, hierarchical posterior
        idata = run(X, y, prior, noise="unknown", scale="unknown", random_seed=4)
    post = idata["posterior"]
    for var in ("beta", "intercept", "noise_sigma", *hyper):
        assert var in post.data_vars, var
    assert bool((post["noise_sigma"] > 0).all())
    assert idata.attrs["noise_mode"] == "unknown" and idata.attrs["scale_mode"] == "unknown"
    table = summarize(idata)
    assert "noise_sigma" in table.index
    scalar_hyper = [h for h in hyper if post[h].ndim == 2]
    assert set(scalar_hyper) <= set(table.index)
    assert table.loc["noise_sigma", "mean"] == pytest.approx(1.0, abs=0.4)
    # σ and the scale are sampled: the penalized fit is only a labelled reference
    assert "map" not in table.columns
    assert math.isnan(table.loc["noise_sigma", "fixed_scale_fit"])
    assert "lam" in table.index
    lam = (
        2 * post["noise_sigma"] ** 2 / post["beta_b"]
        if "beta_b" in post
        else post["noise_sigma"] ** 2 / post["beta_sigma"] ** 2
    )
    np.testing.assert_allclose(post["lam"].values, lam.values, rtol=1e-12)
    # the diagnostics cover the hyperparameters too
    d = diagnose(idata, ess_min=1e9)
    assert any("noise_sigma" in problem or "more" in problem for problem in d.problems)


FULL_TRUTH = np.array([2.0, 0.0, -1.5, 0.0, 1.0, 0.0])  # strong and zero coefficients


@pytest.fixture(scope="module")
def full_bayes_data() -> tuple[np.ndarray, np.ndarray]:
    """300 rows, 6 standard normal features, noise sd 1: an ordinary regression problem."""
    rng = np.random.default_rng(2024)
    X = rng.standard_normal((300, FULL_TRUTH.size))
    return X, 1.0 + X @ FULL_TRUTH + rng.standard_normal(300)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prior", "hyper", "truth"),
    [
        # b = σ/ℓ: the mean |βⱼ| is the scale of a Laplace fitted to the true coefficients
        (LaplacePrior(0.5), "beta_b", float(np.abs(FULL_TRUTH).mean())),
        # σ′: the root mean square of the true coefficients
        (GaussianPrior(1.0), "beta_sigma", float(np.sqrt(np.mean(FULL_TRUTH**2)))),
    ],
    ids=["laplace", "gaussian"],
)
def test_full_bayes_samples_cleanly_with_defaults(full_bayes_data, prior, hyper, truth):
    """The issue's case: full Bayes with the package defaults (4 chains x 1000 + 1000).

    The hierarchical models once diverged here by default (hundreds of divergences); now
    R-hat, both ESS and the divergence count must pass diagnose's own limits.
    """
    X, y = full_bayes_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        idata = sample(
            X, y, prior, noise="unknown", scale="unknown", random_seed=7, progressbar=False
        )
    others = [w for w in caught if not issubclass(w.category, (SamplingWarning, ResourceWarning))]
    assert not others, [f"{w.category.__name__}: {w.message}" for w in others]
    post = idata["posterior"]
    assert post.sizes["chain"] == 4 and post.sizes["draw"] == 1000
    assert idata.attrs["target_accept"] == 0.9
    d = diagnose(idata)
    assert d.rhat_max <= 1.01, d
    assert d.ess_bulk_min >= 400 and d.ess_tail_min >= 400, d
    assert d.n_divergences <= 0.001 * 4 * 1000, d
    assert not [p for p in d.problems if "divergent" not in p], d.problems

    table = summarize(idata)
    lo, hi = "hdi_3%", "hdi_97%"
    # σ: the 94% interval covers the true noise sd and the posterior mean is close to the
    # least-squares estimate (n = 300: the posterior sd of σ is about 0.04)
    assert table.loc["noise_sigma", lo] < 1.0 < table.loc["noise_sigma", hi]
    assert table.loc["noise_sigma", "mean"] == pytest.approx(
        estimate_noise_sigma(X, y).value, abs=0.05
    )
    # the prior scale: its 94% interval covers the value the true coefficients imply, and
    # is a finite range (p = 6 coefficients say little more about it)
    assert table.loc[hyper, lo] < truth < table.loc[hyper, hi]
    assert 0.0 < table.loc[hyper, lo] and table.loc[hyper, hi] < 10 * truth
    # the coefficients: each posterior mean within 4 posterior sd of the truth
    for j, f in enumerate(post["feature"].values):
        row = table.loc[str(f)]
        assert abs(row["mean"] - FULL_TRUTH[j]) < 4 * row["sd"], (f, row["mean"], row["sd"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior", [LaplacePrior(0.5), GaussianPrior(1.0)], ids=["laplace", "gaussian"]
)
def test_full_bayes_samples_cleanly_without_signal(prior):
    """The hard case for a hierarchical scale: no coefficient matters, the scale runs to 0.

    (A Half-Cauchy σ′ with centred coefficients diverged hundreds of times here.)
    """
    rng = np.random.default_rng(99)
    X = rng.standard_normal((300, 6))
    y = 1.0 + rng.standard_normal(300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample(
            X, y, prior, noise="unknown", scale="unknown", random_seed=3, progressbar=False
        )
    d = diagnose(idata)
    assert d.rhat_max <= 1.01, d
    assert d.ess_bulk_min >= 400 and d.ess_tail_min >= 400, d
    assert d.n_divergences <= 0.001 * 4 * 1000, d
    post = idata["posterior"]
    lam = post["lam"].values
    hyper = post["beta_lambda2"] if "beta_b" in post else post["beta_lambda"]
    # for the Gaussian hierarchy the derived λ = σ²/σ′² is the sampled penalty itself
    if "beta_b" not in post:
        np.testing.assert_allclose(lam, hyper.values, rtol=1e-10)
    assert np.all(lam > 0)


# ------------------------------------------------------------------------------ diagnostics
def test_bad_run_emits_sampling_warning(data):
    X, y = data
    with pytest.warns(SamplingWarning, match="ESS"):
        idata = sample(X, y, LaplacePrior(B), draws=20, tune=5, chains=2, cores=1,
                       random_seed=0, progressbar=False)  # fmt: skip
    d = diagnose(idata)
    assert isinstance(d, Diagnostics) and not d.ok and d.problems
    assert d.n_draws == 20 and d.n_chains == 2
    assert d.ess_bulk_min < 400


def _synthetic(shift: float = 0.0, divergent: int = 0) -> xr.DataTree:
    rng = np.random.default_rng(0)
    chains, draws = 4, 1000
    beta = rng.normal(size=(chains, draws, 2))
    beta[0] += shift
    diverging = np.zeros((chains, draws), dtype=bool)
    diverging.flat[:divergent] = True
    post = xr.Dataset(
        {
            "beta": (("chain", "draw", "feature"), beta),
            "intercept": (("chain", "draw"), rng.normal(size=(chains, draws))),
            "intercept_centered": (("chain", "draw"), np.zeros((chains, draws))),
        },
        coords={"feature": ["u", "v"]},
    )
    stats = xr.Dataset({"diverging": (("chain", "draw"), diverging)})
    return xr.DataTree.from_dict({"posterior": post, "sample_stats": stats})


def test_diagnose_clean_and_broken_synthetic_chains():
    good = diagnose(_synthetic())
    assert good.ok and good.problems == []
    assert good.rhat_max < 1.01 and good.ess_bulk_min > 2000 and good.ess_tail_min > 2000
    assert good.n_divergences == 0
    assert "R-hat max" in str(good)

    bad = diagnose(_synthetic(shift=3.0, divergent=7))
    assert not bad.ok
    assert bad.rhat_max > 1.01 and bad.n_divergences == 7
    text = " | ".join(bad.problems)
    assert "R-hat" in text and "beta[u]" in text and "7 divergent" in text
    # the constant sampling device is ignored (its R-hat would be undefined)
    assert "intercept_centered" not in text


def test_diagnose_rejects_bad_input():
    with pytest.raises(ValueError, match="posterior"):
        diagnose(xr.DataTree())
    with pytest.raises(ValueError, match="rhat_max"):
        diagnose(_synthetic(), rhat_max=0.5)


# ------------------------------------------------------------------------------ summaries
def test_summarize_columns_and_map(laplace_idata, data):
    X, y = data
    table = summarize(laplace_idata)
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == [*NAMES, "intercept"]
    for col in ("mean", "median", "sd", "hdi_3%", "hdi_97%", "map", "r_hat", "ess_bulk",
                "ess_tail"):  # fmt: skip
        assert col in table.columns, col
    prior = LaplacePrior(B)
    # sample() estimates σ from the sufficient statistics (as --stream does): the same
    # least-squares σ̂ as estimate_noise_sigma to rounding
    sigma = laplace_idata.attrs["noise_sigma"]
    assert sigma == pytest.approx(estimate_noise_sigma(X, y).value, rel=1e-12)
    fit = prior.solve(X, y, prior.penalty(sigma))
    np.testing.assert_array_equal(table.loc[NAMES, "map"].to_numpy(), fit.coef)
    assert table.loc["intercept", "map"] == pytest.approx(fit.intercept, rel=1e-12)
    post = laplace_idata["posterior"]
    np.testing.assert_allclose(
        table.loc[NAMES, "mean"], post["beta"].mean(("chain", "draw")).values, rtol=1e-12
    )
    assert bool((table["hdi_3%"] < table["median"]).all())
    assert bool((table["median"] < table["hdi_97%"]).all())
    assert list(summarize(laplace_idata, hdi_prob=0.9).columns[3:5]) == ["hdi_5%", "hdi_95%"]
    with pytest.raises(ValueError, match="hdi_prob"):
        summarize(laplace_idata, hdi_prob=1.5)


def test_format_summary(laplace_idata):
    table = summarize(laplace_idata)
    d = diagnose(laplace_idata)
    text = format_summary(table, d, laplace_idata)
    for token in (*NAMES, "intercept", "hdi_3%", "map", "R-hat max", "ESS min", "divergences",
                  "Laplace prior (b = "):  # fmt: skip
        assert token in text, token
    # the Lasso zero prints as an exact 0
    line_b = next(line for line in text.splitlines() if line.startswith("b "))
    assert " 0 " in line_b
    assert "R-hat" in format_summary(table, d) and "laplace" not in format_summary(table, d)


def test_laplace_posterior_mean_is_not_zero_where_map_is(laplace_idata, data):
    """The Lasso (MAP) sets "b" exactly to 0; the posterior puts no mass on exactly 0."""
    X, y = data
    prior = LaplacePrior(B)
    fit = prior.solve(X, y, prior.penalty(estimate_noise_sigma(X, y).value))
    assert fit.coef[1] == 0.0
    assert float(laplace_idata["map"]["beta"].sel(feature="b")) == 0.0
    draws = flat(laplace_idata["posterior"]["beta"].sel(feature="b"))
    assert np.all(draws != 0.0)
    assert draws.mean() != 0.0
    table = summarize(laplace_idata)
    assert table.loc["b", "hdi_3%"] < 0.0 < table.loc["b", "hdi_97%"]
    assert 0.05 < np.mean(draws > 0) < 0.95


# ------------------------------------------------------------------------------ from statistics
def test_noise_sigma_and_map_from_stats_match_arrays(data):
    X, y = data
    stats = SufficientStats.from_arrays(X, y)
    for fit_intercept in (True, False):
        ref = estimate_noise_sigma(X, y, fit_intercept=fit_intercept)
        got = estimate_noise_sigma_from_stats(stats, fit_intercept=fit_intercept)
        assert got.dof == ref.dof and got.estimated
        assert got.value == pytest.approx(ref.value, rel=1e-9)
    with pytest.raises(ValueError, match="degrees of freedom"):
        estimate_noise_sigma_from_stats(SufficientStats.from_arrays(X[:4], y[:4]))


def test_sample_from_stats(data, laplace_idata):
    X, y = data
    stats = SufficientStats.from_arrays(X, y, feature_names=NAMES, target_name="y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample_from_stats(stats, LaplacePrior(B), random_seed=11, **FAST)
    assert idata.attrs["likelihood"] == "suffstats"
    assert idata.attrs["data_source"] == "sufficient_statistics"
    assert idata.attrs["noise_sigma"] == pytest.approx(laplace_idata.attrs["noise_sigma"])
    for group in ("posterior", "sample_stats", "observed_data", "map"):
        assert group in idata.children
    assert int(idata["observed_data"]["n"]) == 60
    np.testing.assert_allclose(idata["observed_data"]["sxx"].values, stats.sxx)
    # the penalized estimate from the statistics alone is the one from the data
    np.testing.assert_allclose(
        idata["map"]["beta"].values, laplace_idata["map"]["beta"].values, atol=1e-8
    )
    assert float(idata["map"]["beta"].sel(feature="b")) == 0.0
    for var in ("beta", "intercept"):
        a, b = idata["posterior"][var], laplace_idata["posterior"][var]
        diff = np.abs(a.mean(("chain", "draw")) - b.mean(("chain", "draw")))
        tol = 4 * np.sqrt(azs.mcse(a, method="mean") ** 2 + azs.mcse(b, method="mean") ** 2)
        assert bool((diff < tol).all())
    with pytest.raises(ValueError, match="SufficientStats"):
        sample_from_stats((X, y), LaplacePrior(B))  # type: ignore[arg-type]


def test_sample_from_stats_bad_run_emits_sampling_warning(data):
    X, y = data
    stats = SufficientStats.from_arrays(X, y)
    with pytest.warns(SamplingWarning, match="ESS"):
        idata = sample_from_stats(stats, LaplacePrior(B), draws=20, tune=5, chains=2, cores=1,
                                  random_seed=0, progressbar=False)  # fmt: skip
    d = diagnose(idata)
    assert not d.ok and d.ess_bulk_min < 400
    assert d.n_draws == 20 and d.n_chains == 2


def test_sample_from_stats_without_intercept_equals_sample(data):
    """Without an intercept, the model from the statistics is the one sample() builds from
    (X, y) (the same sufficient-statistics potential, no intercept variable): at the same σ
    the same seed gives the same draws. σ is estimated from the statistics, then passed to
    sample(), since the two estimates agree to rounding only."""
    X, y = data
    prior = LaplacePrior(B)
    stats = SufficientStats.from_arrays(X, y, feature_names=NAMES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample_from_stats(stats, prior, fit_intercept=False, random_seed=7, **FAST)
    a = idata.attrs
    assert a["fit_intercept"] is False
    ols = estimate_noise_sigma(X, y, fit_intercept=False)
    assert a["noise_sigma_estimated"] is True and a["noise_sigma_dof"] == 60 - 3
    assert a["noise_sigma"] == pytest.approx(ols.value, rel=1e-9)
    assert a["lam"] == pytest.approx(2 * a["noise_sigma"] ** 2 / B, rel=1e-14)

    arrays = run(X, y, prior, a["noise_sigma"], fit_intercept=False, feature_names=NAMES,
                 random_seed=7)  # fmt: skip
    post, ref = idata["posterior"], arrays["posterior"]
    assert list(post.data_vars) == list(ref.data_vars) == ["beta"]  # no intercept at all
    np.testing.assert_array_equal(post["beta"].values, ref["beta"].values)
    np.testing.assert_array_equal(
        idata["sample_stats"]["lp"].values, arrays["sample_stats"]["lp"].values
    )

    # the MAP group is the Lasso without intercept at the same λ
    fit = lasso_cd(X, y, a["lam"], fit_intercept=False, tol=1e-12)
    map_beta = idata["map"]["beta"].values
    assert_coef_close(map_beta, fit.coef)
    np.testing.assert_array_equal(map_beta == 0.0, fit.coef == 0.0)
    assert float(idata["map"]["intercept"]) == 0.0
    assert_coef_close(arrays["map"]["beta"].values, fit.coef)


# ------------------------------------------------------------------------------ persistence
def _same_attr(a: Any, b: Any) -> bool:
    """Equal attribute values of the same type; sequences compare as arrays (netCDF stores
    them as arrays: an empty list comes back as an empty float array)."""
    if isinstance(a, list | tuple | np.ndarray) or isinstance(b, list | tuple | np.ndarray):
        return np.asarray(a).shape == np.asarray(b).shape and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _assert_same_attrs(got: dict, want: dict, where: str) -> None:
    assert set(got) == set(want), (where, sorted(set(got) ^ set(want)))
    bad = {k: (got[k], want[k]) for k in want if not _same_attr(got[k], want[k])}
    assert not bad, (where, bad)


def assert_same_tree(got: xr.DataTree, want: xr.DataTree) -> None:
    """The same groups; in each, the same attributes, sizes, and variables and coordinates
    with the same dims, dtype, values (NaN = NaN) and attributes, in the same order."""
    got_nodes = {node.path: node for node in got.subtree}
    want_nodes = {node.path: node for node in want.subtree}
    assert sorted(got_nodes) == sorted(want_nodes)
    for path, w in want_nodes.items():
        g = got_nodes[path]
        _assert_same_attrs(dict(g.attrs), dict(w.attrs), path)
        gd, wd = g.to_dataset(inherit=False), w.to_dataset(inherit=False)
        assert list(gd.data_vars) == list(wd.data_vars), path
        assert sorted(gd.coords) == sorted(wd.coords), path
        assert dict(gd.sizes) == dict(wd.sizes), path
        for name, var in wd.variables.items():
            other = gd.variables[name]
            where = f"{path}/{name}"
            assert other.dims == var.dims, where
            assert other.dtype == var.dtype, (where, other.dtype, var.dtype)
            np.testing.assert_array_equal(other.values, var.values, err_msg=where)
            _assert_same_attrs(dict(other.attrs), dict(var.attrs), where)
    xr.testing.assert_identical(got, want)


def test_netcdf_round_trip(laplace_idata, tmp_path):
    groups = {"/", "/posterior", "/sample_stats", "/observed_data", "/constant_data", "/map"}
    assert {node.path for node in laplace_idata.subtree} == groups
    assert laplace_idata["sample_stats"].attrs and laplace_idata["map"].attrs
    path = save_posterior(laplace_idata, tmp_path / "posterior.nc")
    assert path.is_file() and path.stat().st_size > 0
    loaded = load_posterior(path)
    assert_same_tree(loaded, laplace_idata)
    assert loaded.attrs["noise_sigma_estimated"] is True  # a boolean again, not 1
    pd.testing.assert_frame_equal(summarize(loaded), summarize(laplace_idata))
    assert (tmp_path / "posterior.nc").read_bytes()[:4] == b"\x89HDF"  # NetCDF-4, not pickle


def test_same_tree_check_sees_differences(laplace_idata):
    """assert_same_tree itself fails on a missing group, a changed value or attribute."""
    tree = laplace_idata.copy()
    with pytest.raises(AssertionError):
        assert_same_tree(tree.drop_nodes("sample_stats"), laplace_idata)
    changed = laplace_idata.copy()
    changed["map"].attrs = {**changed["map"].attrs, "lam": 1.0}
    with pytest.raises(AssertionError):
        assert_same_tree(changed, laplace_idata)
    flipped = laplace_idata.copy()
    flipped.attrs = {**flipped.attrs, "fit_intercept": 1}  # an int where a bool was
    with pytest.raises(AssertionError):
        assert_same_tree(flipped, laplace_idata)
    moved = laplace_idata.copy()
    moved["constant_data"] = moved["constant_data"].to_dataset() + 1e-12
    with pytest.raises(AssertionError):
        assert_same_tree(moved, laplace_idata)


def test_persistence_errors(laplace_idata, tmp_path):
    with pytest.raises(ValueError, match="file not found"):
        load_posterior(tmp_path / "missing.nc")
    with pytest.raises(ValueError, match="directory does not exist"):
        save_posterior(laplace_idata, tmp_path / "no" / "such" / "dir.nc")
    with pytest.raises(ValueError, match="DataTree"):
        save_posterior({"posterior": 1}, tmp_path / "x.nc")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ plots
def test_plots_return_figures_and_save(laplace_idata, data, tmp_path):
    from matplotlib.figure import Figure

    X, y = data
    grid = np.linspace(X.min(axis=0), X.max(axis=0), 25)
    figs = {
        "forest": plot_forest(laplace_idata),
        "prior_posterior": plot_prior_posterior(laplace_idata, LaplacePrior(B)),
        "prior_posterior_one": plot_prior_posterior(laplace_idata, LaplacePrior(B), ["b", 0]),
        "predictive": plot_posterior_predictive(laplace_idata, X[:, 0], X, y),
        "predictive_noise": plot_posterior_predictive(
            laplace_idata, X[:, 0], X, y, bands=(0.8,), predictive=True
        ),
        "predictive_grid": plot_posterior_predictive(
            laplace_idata, X[:, 0], X, y, x_grid=grid[:, 0], X_grid=grid
        ),
    }
    try:
        for name, fig in figs.items():
            assert isinstance(fig, Figure), name
            out = tmp_path / f"{name}.png"
            fig.savefig(out)
            assert out.stat().st_size > 1000, name
        assert len(figs["prior_posterior"].axes) == 3
        assert len(figs["prior_posterior_one"].axes) == 2
        ax = figs["forest"].axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
        assert sorted(t.get_text() for t in ax.get_yticklabels()) == NAMES
        # the curve on the grid is the posterior mean of β₀ + X_grid β, independently computed
        post = laplace_idata["posterior"]
        beta = np.asarray(post["beta"]).reshape(-1, grid.shape[1])
        icpt = np.asarray(post["intercept"]).reshape(-1)
        line = figs["predictive_grid"].axes[0].get_lines()[0]
        order = np.argsort(grid[:, 0], kind="stable")
        np.testing.assert_allclose(line.get_xdata(), grid[order, 0])
        np.testing.assert_allclose(
            line.get_ydata(), (icpt[:, None] + beta @ grid[order].T).mean(axis=0), rtol=1e-10
        )
    finally:
        for fig in figs.values():
            plt.close(fig)


def test_plots_on_given_axes_and_errors(laplace_idata, data):
    X, y = data
    fig, axes = plt.subplots(1, 2)
    try:
        assert plot_forest(laplace_idata, ax=axes[0]) is fig
        assert plot_prior_posterior(laplace_idata, LaplacePrior(B), "c", ax=axes[1]) is fig
        with pytest.raises(ValueError, match="unknown feature"):
            plot_prior_posterior(laplace_idata, LaplacePrior(B), ["zzz"])
        with pytest.raises(ValueError, match="need 3 axes"):
            plot_prior_posterior(laplace_idata, LaplacePrior(B), ax=axes)
        with pytest.raises(ValueError, match="columns"):
            plot_posterior_predictive(laplace_idata, X[:, 0], X[:, :2], y)
        with pytest.raises(ValueError, match="same number of rows"):
            plot_posterior_predictive(laplace_idata, X[:-1, 0], X, y)
        with pytest.raises(ValueError, match="hdi_prob"):
            plot_forest(laplace_idata, hdi_prob=0.0)
    finally:
        plt.close("all")


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("change", "exc", "match"),
    [
        ({"X": "nan"}, ValueError, "NaN"),
        ({"noise_sigma": 0.0}, ValueError, "noise_sigma must be positive"),
        ({"noise_sigma": -1.0}, ValueError, "noise_sigma must be positive"),
        ({"draws": 0}, ValueError, "draws must be a positive integer"),
        ({"chains": 0}, ValueError, "chains must be a positive integer"),
        ({"tune": -1}, ValueError, "tune must be an integer >= 0"),
        ({"draws": 10.5}, ValueError, "draws"),
        ({"sampler": "stan"}, ValueError, "unknown sampler 'stan'"),
        ({"likelihood": "columns"}, ValueError, "likelihood"),
        ({"noise": "maybe"}, ValueError, "noise must be"),
        ({"scale": "maybe"}, ValueError, "scale must be"),
        ({"random_seed": -1}, ValueError, "random_seed"),
        ({"target_accept": 1.5}, ValueError, "target_accept"),
        ({"feature_names": ["a", "b"]}, ValueError, "feature_names"),
        ({"prior": "laplace"}, ValueError, "prior must be"),
        ({"model": None}, ValueError, "set by bayesreg"),
    ],
)
def test_bad_input(data, change, exc, match):
    X, y = data
    kwargs: dict[str, Any] = {"prior": LaplacePrior(B), **FAST}
    if change.pop("X", None) == "nan":
        X = X.copy()
        X[3, 1] = np.nan
    kwargs.update(change)
    with pytest.raises(exc, match=match):
        sample(X, y, **kwargs)


@pytest.mark.parametrize("sampler", ["nutpie", "numpyro", "blackjax"])
def test_missing_external_sampler_names_what_to_install(data, sampler):
    if importlib.util.find_spec(sampler) is not None:
        pytest.skip(f"{sampler} is installed")
    X, y = data
    hint = "bayesreg[nutpie]" if sampler == "nutpie" else f"pip install {sampler}"
    with pytest.raises(ImportError, match=r"not installed.*" + hint.replace("[", r"\[")):
        sample(X, y, LaplacePrior(B), sampler=sampler, **FAST)


def test_summarize_keeps_rows_distinct_when_a_feature_is_called_intercept(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = run(X, y, LaplacePrior(B), feature_names=["intercept", "b", "c"], draws=50,
                    tune=50, random_seed=0)  # fmt: skip
    table = summarize(idata)
    assert list(table.index) == ["beta[intercept]", "beta[b]", "beta[c]", "intercept"]


@pytest.mark.slow
@pytest.mark.parametrize("sampler", ["nutpie", "numpyro", "blackjax"])
def test_external_sampler_where_installed(sampler):
    """Optional extras run where installed (e.g. ``pip install bayesreg[nutpie]``)."""
    pytest.importorskip(sampler)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 3))
    y = X @ np.array([1.0, 0.0, -1.0]) + rng.standard_normal(80)
    prior = GaussianPrior(1.0)
    dt = sample(
        X,
        y,
        prior,
        1.0,
        sampler=sampler,
        draws=300,
        tune=300,
        chains=2,
        random_seed=1,
        progressbar=False,
    )
    assert dt["posterior"]["beta"].shape == (2, 300, 3)
    # fixed σ, Gaussian prior: the posterior mean is the Ridge solution (closed form)
    ridge = prior.solve(X, y, prior.penalty(1.0))
    mean = np.asarray(dt["posterior"]["beta"]).reshape(-1, 3).mean(axis=0)
    sd = np.asarray(dt["posterior"]["beta"]).reshape(-1, 3).std(axis=0)
    assert np.all(np.abs(mean - ridge.coef) < 6 * sd / np.sqrt(100))


def test_constant_column_rejected_before_sampling(data):
    """The rule of check_equivalence, for sample and sample_from_stats (chunked too)."""
    from bayesreg.suffstats import accumulate

    X, y = data
    Xc = np.column_stack([X, np.full(len(y), 2.5)])
    names = [*NAMES, "k"]
    with pytest.raises(ValueError, match=r"constant feature column.*: k"):
        sample(Xc, y, LaplacePrior(B), feature_names=names, draws=5, tune=5)
    chunks = [(Xc[:20], y[:20]), (Xc[20:], y[20:])]
    stats = accumulate(chunks, feature_names=names)
    with pytest.raises(ValueError, match=r"constant feature column.*: k"):
        sample_from_stats(stats, LaplacePrior(B), draws=5, tune=5)
    # without an intercept a constant column is an ordinary feature
    assert np.diag(stats.sxx)[-1] == 0.0
