"""Priors: the λ formulas derived independently from the log-densities, and the exact form.

The claim under test (bayesreg.priors): for the model y = β₀ + Xβ + ε, ε ~ N(0, σ²), the
negative log-posterior times 2σ² is ‖y − β₀ − Xβ‖² − 2σ²·Σ log p(βⱼ) + const, so the
penalty is λ·R(β) = −2σ²·(log p(β) − log p(0)). Here this is checked numerically against
each prior's own ``logpdf`` and against scipy.stats densities, without using the formulas of
``penalty`` themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import linprog

from bayesreg import GaussianPrior, LaplacePrior, make_prior

PRIOR_CLASSES = [LaplacePrior, GaussianPrior]

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)
coefs = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=20,
)


def assert_penalty_identity(prior, beta: np.ndarray, sigma: float) -> None:
    """−2σ²·(log p(β) − log p(0)) == λ·R(β) to 1e-12 relative.

    The difference of two log-densities cancels the normalizing constant −p·log(2b) (or
    −(p/2)·log(2πσ′²)); when R(β) is far below that constant the subtraction itself loses
    digits, so the rounding of the constant (a few ulps of 2σ²·|log p(0)|) is allowed for.
    """
    lam = prior.penalty(sigma)
    lhs = -2.0 * sigma**2 * (prior.logpdf(beta) - prior.logpdf(np.zeros_like(beta)))
    rhs = lam * regularizer(prior, beta)
    cancellation = 8 * np.finfo(float).eps * 2.0 * sigma**2 * abs(prior.logpdf(np.zeros_like(beta)))
    assert abs(lhs - rhs) <= 1e-12 * abs(rhs) + cancellation, (lhs, rhs)


def regularizer(prior, beta: np.ndarray) -> float:
    """R(β), written out independently of bayesreg.penalties."""
    if isinstance(prior, LaplacePrior):
        return float(np.sum(np.abs(beta)))
    return float(np.sum(beta**2))


# --------------------------------------------------------------------------- λ formulas


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@settings(max_examples=200, deadline=None, derandomize=True)
@given(beta=coefs, sigma=positive, scale=positive)
def test_penalty_equals_scaled_log_prior_difference(cls, beta, sigma, scale):
    assert_penalty_identity(cls(scale), np.asarray(beta), sigma)


@pytest.mark.parametrize("seed", range(5))
def test_penalty_formulas_random_points(seed):
    """The same identity on random vectors; also the closed forms of the README."""
    rng = np.random.default_rng(seed)
    for cls in PRIOR_CLASSES:
        for _ in range(20):
            p = int(rng.integers(1, 30))
            beta = rng.standard_normal(p) * 10 ** rng.uniform(-3, 3)
            sigma = 10 ** rng.uniform(-2, 2)
            scale = 10 ** rng.uniform(-2, 2)
            assert_penalty_identity(cls(scale), beta, sigma)
    assert LaplacePrior(0.5).penalty(3.0) == pytest.approx(2 * 9.0 / 0.5, rel=1e-15)
    assert GaussianPrior(0.5).penalty(3.0) == pytest.approx(9.0 / 0.25, rel=1e-15)


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@settings(max_examples=100, deadline=None, derandomize=True)
@given(sigma=positive, scale=positive)
def test_from_penalty_inverts_penalty(cls, sigma, scale):
    prior = cls(scale)
    lam = prior.penalty(sigma)
    back = cls.from_penalty(lam, sigma)
    assert isinstance(back, cls)
    assert back.scale == pytest.approx(scale, rel=1e-12)
    assert back.penalty(sigma) == pytest.approx(lam, rel=1e-12)


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@settings(max_examples=100, deadline=None, derandomize=True)
@given(sigma=positive, lam=positive)
def test_penalty_inverts_from_penalty(cls, sigma, lam):
    assert cls.from_penalty(lam, sigma).penalty(sigma) == pytest.approx(lam, rel=1e-12)


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@pytest.mark.parametrize("lam", [0.0, -1.0, math.nan, math.inf])
def test_from_penalty_rejects_bad_lambda(cls, lam):
    with pytest.raises(ValueError, match="lam"):
        cls.from_penalty(lam, 1.0)


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@pytest.mark.parametrize("sigma", [0.0, -1.0, math.nan, math.inf])
def test_penalty_rejects_bad_noise_sigma(cls, sigma):
    with pytest.raises(ValueError, match="noise_sigma"):
        cls(1.0).penalty(sigma)
    with pytest.raises(ValueError, match="noise_sigma"):
        cls.from_penalty(1.0, sigma)


# --------------------------------------------------------------------------- log-densities


@settings(max_examples=100, deadline=None, derandomize=True)
@given(beta=coefs, scale=positive)
def test_laplace_logpdf_matches_scipy(beta, scale):
    b = np.asarray(beta)
    got = LaplacePrior(scale).logpdf(b)
    # scipy.stats.laplace.logpdf loses digits far in the tails (scipy 1.18: −728.69314720394
    # for x = 728, exactly −log 2 − 728 = −728.69314718056), so compare with it where
    # |β|/b ≤ 30 and with the closed form everywhere
    z = np.abs(b) / scale
    if np.all(z <= 30):
        expected = float(np.sum(stats.laplace.logpdf(b, loc=0.0, scale=scale)))
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    exact = sum(-math.log(2.0 * scale) - abs(x) / scale for x in beta)
    assert got == pytest.approx(exact, rel=1e-12, abs=1e-12)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(beta=coefs, scale=positive)
def test_gaussian_logpdf_matches_scipy(beta, scale):
    b = np.asarray(beta)
    expected = float(np.sum(stats.norm.logpdf(b, loc=0.0, scale=scale)))
    assert GaussianPrior(scale).logpdf(b) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_logpdfs_match_scipy_moderate_values(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        scale = 10 ** rng.uniform(-2, 2)
        beta = rng.standard_normal(int(rng.integers(1, 20))) * scale * 5
        assert LaplacePrior(scale).logpdf(beta) == pytest.approx(
            float(np.sum(stats.laplace.logpdf(beta, scale=scale))), rel=1e-12
        )
        assert GaussianPrior(scale).logpdf(beta) == pytest.approx(
            float(np.sum(stats.norm.logpdf(beta, scale=scale))), rel=1e-12
        )


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
def test_logpdf_of_scalar_and_list(cls):
    prior = cls(0.7)
    assert prior.logpdf(0.3) == pytest.approx(prior.logpdf([0.3]), rel=1e-15)
    assert prior.logpdf([0.3, -0.2]) == pytest.approx(
        prior.logpdf([0.3]) + prior.logpdf([-0.2]), rel=1e-14
    )


# --------------------------------------------------------------------------- exact form


@pytest.mark.parametrize("formulation", ["exact", "naive"])
@pytest.mark.parametrize("b", [0.3, 2.5])
def test_model_coefficients_are_laplace_draws(b, formulation):
    """The coefficients the PyMC model is built with follow Laplace(0, b) in both forms.

    In the exact form β = u − v with the model's own u, v ~ Exponential(rate 1/b); drawn
    from the model (pm.draw), not from NumPy, and checked with a KS test that has power
    against a Normal of the same variance.
    """
    import pymc as pm

    prior = LaplacePrior(b)
    with pm.Model(coords={"feature": range(8)}):
        beta = prior.pymc_coefficients("beta", "feature", formulation)
    draws = np.asarray(pm.draw(beta, draws=25_000, random_seed=20240611)).ravel()
    assert draws.size == 200_000
    res = stats.kstest(draws, stats.laplace(loc=0.0, scale=b).cdf)
    assert res.pvalue > 0.01
    wrong = stats.kstest(draws, stats.norm(loc=0.0, scale=b * math.sqrt(2.0)).cdf)
    assert wrong.pvalue < 1e-6


@pytest.mark.parametrize("b", [0.1, 1.0, 7.0])
def test_profile_of_joint_density_is_laplace(b):
    """max over u, v ≥ 0 with u − v = β of the joint Exponential log-density = Laplace + const.

    −min_{u,v≥0, u−v=β} (u + v)/b = −|β|/b, solved as a linear program (not by the package);
    then the joint log-density at the optimum, by scipy.stats.expon, equals
    Laplace(0, b).logpdf(β) + log(1/b)·2 − log(1/(2b)), the same constant for every β.
    """
    const = 2.0 * math.log(1.0 / b) - math.log(1.0 / (2.0 * b))
    prior = LaplacePrior(b)
    rng = np.random.default_rng(3)
    betas = np.concatenate([[0.0], rng.standard_normal(12) * 3 * b])
    for beta in betas:
        lp = linprog(
            c=[1.0 / b, 1.0 / b],
            A_eq=[[1.0, -1.0]],
            b_eq=[beta],
            bounds=[(0, None), (0, None)],
            method="highs",
        )
        assert lp.status == 0
        u, v = lp.x
        assert -lp.fun == pytest.approx(-abs(beta) / b, rel=1e-12, abs=1e-15)
        assert min(u, v) == pytest.approx(0.0, abs=1e-15)  # one of the two is zero
        joint = stats.expon.logpdf(u, scale=b) + stats.expon.logpdf(v, scale=b)
        laplace = stats.laplace.logpdf(beta, scale=b)
        assert joint - laplace == pytest.approx(const, rel=1e-12, abs=1e-12)
        assert prior.logpdf([beta]) == pytest.approx(laplace, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("b", [0.2, 3.0])
def test_laplace_map_parametrization_is_the_split(b):
    """The scipy route's θ = (u, v): β = u − v, −log p(θ) = (Σu + Σv)/b, gradient 1/b."""
    prior = LaplacePrior(b)
    rng = np.random.default_rng(0)
    p = 7
    par = prior.map_parametrization(p)
    assert par.size == 2 * p
    assert par.bounds == [(0.0, None)] * (2 * p)
    beta = rng.standard_normal(p)
    beta[[1, 4]] = 0.0
    theta = par.to_theta(beta)
    assert np.all(theta >= 0)
    np.testing.assert_array_equal(par.to_coef(theta), beta)
    val, grad = par.neg_log_prior(theta)
    # at min(u, v) = 0 this is −(log p(β) − log p(0)) exactly
    assert val == pytest.approx(-(prior.logpdf(beta) - prior.logpdf(np.zeros(p))), rel=1e-12)
    np.testing.assert_allclose(grad, np.full(2 * p, 1.0 / b), rtol=1e-15)
    g = rng.standard_normal(p)
    np.testing.assert_array_equal(par.jacobian_t(g), np.concatenate([g, -g]))


@pytest.mark.parametrize("s", [0.2, 3.0])
def test_gaussian_map_parametrization_is_the_prior(s):
    prior = GaussianPrior(s)
    rng = np.random.default_rng(1)
    p = 6
    par = prior.map_parametrization(p)
    beta = rng.standard_normal(p)
    theta = par.to_theta(beta)
    np.testing.assert_array_equal(par.to_coef(theta), beta)
    val, grad = par.neg_log_prior(theta)
    assert val == pytest.approx(-(prior.logpdf(beta) - prior.logpdf(np.zeros(p))), rel=1e-12)
    np.testing.assert_allclose(grad, beta / s**2, rtol=1e-14)
    if par.prior_hess is not None:
        np.testing.assert_allclose(par.prior_hess(theta), np.eye(p) / s**2, rtol=1e-14)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("cls", PRIOR_CLASSES)
@pytest.mark.parametrize("bad", [0, 0.0, -1, -1.0, math.nan, math.inf, -math.inf, "a", None])
def test_bad_scale_raises_naming_the_scale(cls, bad):
    with pytest.raises(ValueError) as info:
        cls(bad)
    msg = str(info.value)
    assert "scale" in msg
    assert cls.scale_name in msg


@pytest.mark.parametrize("name", ["laplace", "gaussian", "Laplace", "GAUSSIAN"])
def test_make_prior_by_name(name):
    prior = make_prior(name, 1.5)
    assert prior.name == name.lower()
    assert prior.scale == 1.5
    assert prior == make_prior(name.lower(), 1.5)


@pytest.mark.parametrize("name", ["unknown", "cauchy", "", None, 3])
def test_make_prior_unknown_name(name):
    with pytest.raises(ValueError, match="unknown prior"):
        make_prior(name, 1.0)


@pytest.mark.parametrize("bad", [0.0, -2.0, math.nan, "x"])
def test_make_prior_bad_scale(bad):
    with pytest.raises(ValueError, match="scale"):
        make_prior("laplace", bad)


def test_prior_equality_and_repr():
    assert LaplacePrior(1.0) == LaplacePrior(1.0)
    assert LaplacePrior(1.0) != GaussianPrior(1.0)
    assert LaplacePrior(1.0) != LaplacePrior(2.0)
    assert hash(LaplacePrior(1.0)) == hash(LaplacePrior(1.0))
    assert "b=" in repr(LaplacePrior(1.0))
    assert "sigma=" in repr(GaussianPrior(1.0))
    assert LaplacePrior(2.0).b == 2.0
    assert GaussianPrior(2.0).sigma == 2.0
