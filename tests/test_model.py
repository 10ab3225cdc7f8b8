"""The PyMC model: row-by-row likelihood = sufficient statistics, and = a NumPy computation.

Log-posteriors are compared at random points of the model's own value variables (transformed
ones included), for every combination of prior, formulation, noise and scale mode and
intercept, on a well-scaled design and on one with column means of 1e4. The whole product is
compiled with PyTensor's FAST_COMPILE mode (no C compilation; seconds instead of a minute); a
few combinations are repeated in the default mode that users get.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pymc as pm
import pytest
from scipy import stats

from bayesreg import GaussianPrior, LaplacePrior, build_model, build_model_from_stats
from bayesreg.suffstats import SufficientStats

PRIORS = {"laplace": LaplacePrior(0.7), "gaussian": GaussianPrior(1.3)}
SIGMA = 0.9
N, P = 40, 5


def data(mean: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P)) + mean * (1.0 + rng.uniform(size=P))
    y = X @ rng.standard_normal(P) + rng.standard_normal(N) + 2.0
    return X, y


def random_points(model, X, y, rng, k: int = 4) -> list[dict[str, np.ndarray]]:
    """Points of the value variables; half of them near the data fit (small residuals, where
    cancellation in the likelihood would show), half far from it."""
    ip = model.initial_point()
    out = []
    for i in range(k):
        pt = {}
        for name, v in ip.items():
            val = rng.normal(size=np.shape(v)) * (0.3 if i % 2 else 2.0)
            if name in ("beta_pos", "beta_neg"):
                val = np.abs(val)
            pt[name] = np.asarray(val, dtype=np.float64)
        if i % 2 and "intercept_centered" in pt:
            pt["intercept_centered"] = np.asarray(y.mean() + 0.1 * rng.normal())
        if i % 2 and "intercept" in pt and "beta" in pt:
            pt["intercept"] = np.asarray(y.mean() - X.mean(0) @ pt["beta"] + 0.1 * rng.normal())
        out.append(pt)
    return out


def rel_err(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


COMBOS = list(
    itertools.product(
        ["laplace", "gaussian"], ["exact", "naive"], ["fixed", "unknown"], ["fixed", "unknown"]
    )
)


@pytest.mark.parametrize("mean", [0.0, 1e4], ids=["mean0", "mean1e4"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["icpt", "noicpt"])
def test_rows_equals_suffstats_all_combinations(mean, fit_intercept):
    X, y = data(mean)
    rng = np.random.default_rng(int(mean) + fit_intercept)
    worst = []
    for prior_name, formulation, noise, scale in COMBOS:
        kw = dict(fit_intercept=fit_intercept, formulation=formulation, noise=noise, scale=scale)
        m_rows = build_model(X, y, PRIORS[prior_name], SIGMA, likelihood="rows", **kw)
        m_ss = build_model(X, y, PRIORS[prior_name], SIGMA, likelihood="suffstats", **kw)
        assert m_rows.likelihood_kind == "rows"
        assert m_ss.likelihood_kind == "suffstats"
        assert set(m_rows.initial_point()) == set(m_ss.initial_point())
        f_rows = m_rows.compile_logp(mode="FAST_COMPILE")
        f_ss = m_ss.compile_logp(mode="FAST_COMPILE")
        for pt in random_points(m_rows, X, y, rng):
            a, b = float(f_rows(pt)), float(f_ss(pt))
            assert np.isfinite(a) and np.isfinite(b)
            worst.append((rel_err(a, b), prior_name, formulation, noise, scale, a, b))
    bad = [w for w in worst if w[0] > 1e-9]
    assert not bad, bad[:5]


@pytest.mark.parametrize(
    ("prior_name", "formulation", "noise", "scale", "fit_intercept", "mean"),
    [
        ("laplace", "exact", "fixed", "fixed", True, 1e4),
        ("laplace", "naive", "unknown", "unknown", True, 1e4),
    ],
)
def test_rows_equals_suffstats_default_mode(
    prior_name, formulation, noise, scale, fit_intercept, mean
):
    X, y = data(mean, seed=5)
    kw = dict(fit_intercept=fit_intercept, formulation=formulation, noise=noise, scale=scale)
    prior = PRIORS[prior_name]
    f_rows = build_model(X, y, prior, SIGMA, likelihood="rows", **kw).compile_logp()
    m_ss = build_model(X, y, prior, SIGMA, likelihood="suffstats", **kw)
    f_ss = m_ss.compile_logp()
    for pt in random_points(m_ss, X, y, np.random.default_rng(1)):
        assert rel_err(float(f_rows(pt)), float(f_ss(pt))) <= 1e-9


def test_model_from_stats_equals_rows():
    X, y = data(1e4, seed=2)
    prior = PRIORS["laplace"]
    stats_ = SufficientStats.from_arrays(X, y)
    m_stats = build_model_from_stats(stats_, prior, SIGMA)
    m_rows = build_model(X, y, prior, SIGMA, likelihood="rows")
    f_a = m_stats.compile_logp(mode="FAST_COMPILE")
    f_b = m_rows.compile_logp(mode="FAST_COMPILE")
    for pt in random_points(m_rows, X, y, np.random.default_rng(3)):
        assert rel_err(float(f_a(pt)), float(f_b(pt))) <= 1e-9


# --------------------------------------------------------------------------- vs NumPy


def numpy_log_posterior(X, y, prior, sigma, pt, formulation, fit_intercept) -> float:
    """log N(y | β₀ + Xβ, σ²) + log p(β) (+ 0 for the flat intercept), from the point."""
    if formulation == "exact" and isinstance(prior, LaplacePrior):
        u, v = pt["beta_pos"], pt["beta_neg"]
        beta = u - v
        # the parametrization's own density: two Exponential(rate 1/b) vectors
        log_prior = float(
            np.sum(stats.expon.logpdf(u, scale=prior.scale))
            + np.sum(stats.expon.logpdf(v, scale=prior.scale))
        )
    else:
        beta = pt["beta"]
        log_prior = prior.logpdf(beta)
    if not fit_intercept:
        b0 = 0.0
    elif formulation == "exact":
        b0 = float(pt["intercept_centered"]) - float(X.mean(0) @ beta)
    else:
        b0 = float(pt["intercept"])
    loglik = float(np.sum(stats.norm.logpdf(y, loc=b0 + X @ beta, scale=sigma)))
    return loglik + log_prior


@pytest.mark.parametrize("mean", [0.0, 1e4], ids=["mean0", "mean1e4"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["icpt", "noicpt"])
@pytest.mark.parametrize("formulation", ["naive", "exact"])
@pytest.mark.parametrize("likelihood", ["rows", "suffstats"])
def test_log_posterior_matches_numpy(likelihood, formulation, fit_intercept, mean):
    X, y = data(mean, seed=4)
    rng = np.random.default_rng(7)
    for prior in PRIORS.values():
        model = build_model(
            X,
            y,
            prior,
            SIGMA,
            fit_intercept=fit_intercept,
            formulation=formulation,
            likelihood=likelihood,
        )
        f = model.compile_logp(mode="FAST_COMPILE")
        for pt in random_points(model, X, y, rng):
            got = float(f(pt))
            want = numpy_log_posterior(X, y, prior, SIGMA, pt, formulation, fit_intercept)
            assert rel_err(got, want) <= 1e-9, (prior, got, want)


def test_log_posterior_matches_numpy_default_mode():
    X, y = data(0.0, seed=6)
    prior = PRIORS["laplace"]
    model = build_model(X, y, prior, SIGMA, formulation="naive")
    f = model.compile_logp()
    for pt in random_points(model, X, y, np.random.default_rng(8)):
        want = numpy_log_posterior(X, y, prior, SIGMA, pt, "naive", True)
        assert rel_err(float(f(pt)), want) <= 1e-9


def numpy_full_bayes_log_posterior(X, y, prior, sigma_ref, pt) -> float:
    """The documented full-Bayes model, term by term with scipy, at the value variables.

    σ ~ Half-Student-t(4, sd(y)); Laplace: ℓ² ~ Gamma(1, rate (b/σ_ref)²), βⱼ ~
    Laplace(0, σ/ℓ); Gaussian: λ ~ Gamma(1, rate (σ′/σ_ref)²), βⱼ ~ N(0, σ²/λ); β₀ flat; the
    positive variables are sampled on the log scale (Jacobian log x).
    """
    log_s = float(pt["noise_sigma_log__"])
    s = math.exp(log_s)
    lp = stats.t.logpdf(s, df=4, scale=np.std(y, ddof=1)) + math.log(2.0) + log_s
    beta = pt["beta"]
    if isinstance(prior, LaplacePrior):
        log_l2 = float(pt["beta_lambda2_log__"])
        l2 = math.exp(log_l2)
        rate = (prior.scale / sigma_ref) ** 2
        lp += stats.gamma.logpdf(l2, a=1.0, scale=1.0 / rate) + log_l2
        lp += float(np.sum(stats.laplace.logpdf(beta, scale=s / math.sqrt(l2))))
    else:
        log_lam = float(pt["beta_lambda_log__"])
        lam = math.exp(log_lam)
        rate = (prior.scale / sigma_ref) ** 2
        lp += stats.gamma.logpdf(lam, a=1.0, scale=1.0 / rate) + log_lam
        sp = s / math.sqrt(lam)  # σ′ = σ/√λ
        lp += float(np.sum(stats.norm.logpdf(beta, scale=sp)))
    b0 = float(pt["intercept_centered"]) - float(X.mean(0) @ beta)
    return lp + float(np.sum(stats.norm.logpdf(y, loc=b0 + X @ beta, scale=s)))


@pytest.mark.parametrize("likelihood", ["rows", "suffstats"])
def test_full_bayes_log_posterior_matches_scipy(likelihood):
    X, y = data(0.0, seed=10)
    rng = np.random.default_rng(11)
    for prior in PRIORS.values():
        model = build_model(
            X, y, prior, SIGMA, likelihood=likelihood, noise="unknown", scale="unknown"
        )
        expected = {"noise_sigma_log__", "beta", "intercept_centered"}
        expected |= (
            {"beta_lambda2_log__"} if isinstance(prior, LaplacePrior) else {"beta_lambda_log__"}
        )
        assert set(model.initial_point()) == expected  # β itself is sampled (centred)
        f = model.compile_logp(mode="FAST_COMPILE")
        for pt in random_points(model, X, y, rng):
            got = float(f(pt))
            want = numpy_full_bayes_log_posterior(X, y, prior, SIGMA, pt)
            assert rel_err(got, want) <= 1e-9, (prior, got, want)
        if isinstance(prior, LaplacePrior):  # the recorded b is σ/ℓ
            out = model.replace_rvs_by_values([model["beta_b"]])[0]
            inputs = [model.rvs_to_values[model[v]] for v in ("noise_sigma", "beta_lambda2")]
            fn = model.compile_fn(out, inputs=inputs, mode="FAST_COMPILE")
            log_s, log_l2 = 0.3, -1.1
            pt = {"noise_sigma_log__": np.asarray(log_s), "beta_lambda2_log__": np.asarray(log_l2)}
            assert float(fn(pt)) == pytest.approx(math.exp(log_s - 0.5 * log_l2), rel=1e-12)


@pytest.mark.parametrize(("beta", "sigma", "lam2"), [(0.3, 1.0, 4.0), (-2.0, 0.5, 0.7)])
def test_laplace_is_the_park_casella_mixture(beta, sigma, lam2):
    """∫ N(β | 0, σ²τ²)·Exponential(τ² | rate ℓ²/2) dτ² = Laplace(β | 0, σ/ℓ): integrating
    the τⱼ² of Park & Casella out leaves the model's Laplace density."""
    from scipy import integrate

    def integrand(t2: float) -> float:
        return stats.norm.pdf(beta, scale=sigma * math.sqrt(t2)) * stats.expon.pdf(
            t2, scale=2.0 / lam2
        )

    mixture, _ = integrate.quad(integrand, 0.0, np.inf, epsabs=0.0, epsrel=1e-12, limit=200)
    laplace = stats.laplace.pdf(beta, scale=sigma / math.sqrt(lam2))
    assert mixture == pytest.approx(laplace, rel=1e-8)


def test_intercept_deterministic_is_beta0():
    """β₀ = α − x̄ᵀβ in the exact (centered) parametrization."""
    X, y = data(3.0, seed=9)
    model = build_model(X, y, PRIORS["gaussian"], SIGMA)
    out = model.replace_rvs_by_values([model["intercept"]])[0]
    fn = model.compile_fn(out, inputs=model.value_vars, mode="FAST_COMPILE")
    rng = np.random.default_rng(0)
    pt = {"beta": rng.standard_normal(P), "intercept_centered": np.asarray(1.5)}
    assert float(fn(pt)) == pytest.approx(1.5 - X.mean(0) @ pt["beta"], rel=1e-12)


# --------------------------------------------------------------------------- structure


def test_model_is_extendable():
    X, y = data(0.0)
    model = build_model(X, y, PRIORS["laplace"], SIGMA)
    with model:
        extra = pm.Normal("extra", 0.0, 1.0)
        pm.Deterministic("shifted", model["intercept"] + extra)
    assert "extra" in model.named_vars
    assert "shifted" in model.named_vars
    assert any(v.name == "extra" for v in model.free_RVs)
    f = model.compile_logp(mode="FAST_COMPILE")
    pt = model.initial_point()
    base = build_model(X, y, PRIORS["laplace"], SIGMA).compile_logp(mode="FAST_COMPILE")
    pt_base = {k: v for k, v in pt.items() if k != "extra"}
    # the added N(0, 1) at 0 contributes exactly −½·log(2π)
    assert float(f(pt)) == pytest.approx(
        float(base(pt_base)) - 0.5 * math.log(2 * math.pi), rel=1e-12
    )


def test_feature_names_become_coords():
    X, y = data(0.0)
    names = ["age", "sex", "bmi", "bp", "s1"]
    model = build_model(X, y, PRIORS["gaussian"], SIGMA, feature_names=names)
    assert list(model.coords["feature"]) == names
    assert model.named_vars_to_dims["beta"] == ("feature",)
    default = build_model(X, y, PRIORS["gaussian"], SIGMA)
    assert list(default.coords["feature"]) == [f"x{j}" for j in range(P)]
    assert default.noise_sigma == SIGMA


def test_likelihood_auto():
    X, y = data(0.0)
    assert build_model(X, y, PRIORS["laplace"], 1.0, likelihood="auto").likelihood_kind == (
        "suffstats"
    )
    Xw = np.random.default_rng(0).standard_normal((4, 6))
    assert (
        build_model(Xw, y[:4], PRIORS["laplace"], 1.0, likelihood="auto").likelihood_kind == "rows"
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"feature_names": ["a", "b"]}, "feature_names"),
        ({"feature_names": ["a", "a", "b", "c", "d"]}, "unique"),
        ({"likelihood": "bogus"}, "likelihood"),
        ({"noise": "bogus"}, "noise"),
        ({"scale": "bogus"}, "scale"),
        ({"formulation": "bogus"}, "formulation"),
    ],
)
def test_bad_options(kwargs, match):
    X, y = data(0.0)
    with pytest.raises(ValueError, match=match):
        build_model(X, y, PRIORS["laplace"], SIGMA, **kwargs)


def test_bad_input():
    X, y = data(0.0)
    prior = PRIORS["laplace"]
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        build_model(Xn, y, prior, SIGMA)
    yi = y.copy()
    yi[0] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        build_model(X, yi, prior, SIGMA)
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="noise_sigma"):
            build_model(X, y, prior, bad)
    with pytest.raises(ValueError, match="mismatched"):
        build_model(X, y[:-1], prior, SIGMA)
    with pytest.raises(ValueError):
        build_model(X[:, 0], y, prior, SIGMA)  # 1-D X
    with pytest.raises(ValueError, match="numeric"):
        build_model(np.array([["a", "b"]] * N), y, prior, SIGMA)
