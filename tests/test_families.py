"""The response families: deviance, its η-derivatives, inverse link, null fit, validation, PyMC.

References written out here, independently of :mod:`bayesreg.families`:

* the deviance as 2·(loglik(saturated) − loglik(model)) from ``scipy.stats`` log-pmfs/pdfs;
* its per-row first and second derivatives in η by central finite differences;
* the intercept-only fit by a scalar minimization of the deviance;
* the PyMC observed variable's log-probability, which must equal −D/(2φ) up to the saturated
  log-likelihood (φ = 1 for binomial and Poisson, σ² for Gaussian).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

import bayesreg
from bayesreg import Binomial, Gaussian, Poisson, get_family

RNG = np.random.default_rng(7)
ETA = np.concatenate([RNG.normal(0.0, 2.0, 40), [-30.0, -5.0, 0.0, 5.0, 30.0]])


def _data(name):
    if name == "gaussian":
        return RNG.normal(0.0, 1.5, ETA.size)
    if name == "binomial":
        y = (RNG.random(ETA.size) < 0.4).astype(float)
        y[:2] = [0.0, 1.0]
        return y
    return RNG.poisson(2.0, ETA.size).astype(float)


def _reference_deviance(name, y, eta):
    """2·(loglik(saturated) − loglik(model)) from scipy.stats."""
    if name == "gaussian":
        sat = scipy.stats.norm.logpdf(y, loc=y)
        mod = scipy.stats.norm.logpdf(y, loc=eta)
        return 2.0 * float(np.sum(sat - mod))  # σ = 1: the RSS
    if name == "binomial":
        p = 1.0 / (1.0 + np.exp(-eta))
        return -2.0 * float(np.sum(scipy.stats.bernoulli.logpmf(y, p)))
    sat = scipy.stats.poisson.logpmf(y, np.where(y > 0, y, 1.0))
    sat = np.where(y > 0, sat, 0.0)
    return 2.0 * float(np.sum(sat - scipy.stats.poisson.logpmf(y, np.exp(eta))))


NAMES = ["gaussian", "binomial", "poisson"]


@pytest.mark.parametrize("name", NAMES)
def test_deviance_is_twice_the_loglik_gap_to_the_saturated_model(name):
    fam = get_family(name)
    y = _data(name)
    eta = np.clip(ETA, -8, 8)  # scipy's reference (via p = expit η) loses digits beyond
    assert fam.deviance(y, eta) == pytest.approx(_reference_deviance(name, y, eta), rel=1e-11)
    assert fam.deviance(y, eta) >= 0.0


def test_gaussian_deviance_is_the_rss():
    y = _data("gaussian")
    assert Gaussian().deviance(y, ETA) == pytest.approx(float(np.sum((y - ETA) ** 2)), rel=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_weights_are_the_rowwise_derivatives(name):
    fam = get_family(name)
    y = _data(name)
    eta = np.clip(ETA, -8, 8)
    h = 1e-5

    def row_dev(i, e):
        return fam.deviance(y[i : i + 1], np.array([e]))

    fd_g = np.array([(row_dev(i, e + h) - row_dev(i, e - h)) / (2 * h) for i, e in enumerate(eta)])
    g = fam.gradient(y, eta)
    np.testing.assert_allclose(g, fd_g, rtol=1e-6, atol=1e-7)
    fd_w = (fam.gradient(y, eta + h) - fam.gradient(y, eta - h)) / (2 * h)
    np.testing.assert_allclose(fam.hessian_weights(eta), fd_w, rtol=1e-6, atol=1e-8)
    assert np.all(fam.hessian_weights(eta) >= 0)


def test_inverse_links():
    np.testing.assert_allclose(Gaussian().mean(ETA), ETA)
    np.testing.assert_allclose(Binomial().mean(ETA), 1.0 / (1.0 + np.exp(-ETA)), rtol=1e-14)
    np.testing.assert_allclose(Poisson().mean(ETA), np.exp(ETA), rtol=1e-14)


def test_extreme_eta_stays_finite_without_warnings():
    eta = np.array([-800.0, -40.0, 40.0, 800.0])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dev = Binomial().deviance(y, eta)
        g = Binomial().gradient(y, eta)
        w = Binomial().hessian_weights(eta)
    assert dev == pytest.approx(2.0 * (800.0 + 800.0), rel=1e-12)  # log1p(e^800) ≈ 800
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(w)) and np.all(w >= 0)
    # at η = 40: expit(η)·expit(−η) ≈ 2·e^−40, where μ(1 − μ) would cancel to 1·0
    assert w[2] == pytest.approx(2.0 * np.exp(-40.0), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Poisson().deviance(np.array([1.0]), np.array([800.0])) == np.inf


@pytest.mark.parametrize("name", NAMES)
def test_null_eta_minimizes_the_deviance_over_a_constant(name):
    fam = get_family(name)
    y = _data(name)
    best = scipy.optimize.minimize_scalar(
        lambda c: fam.deviance(y, np.full(y.size, c)), bounds=(-10, 10), method="bounded",
        options={"xatol": 1e-12},
    )  # fmt: skip
    assert fam.null_eta(y) == pytest.approx(best.x, abs=1e-6)
    assert abs(float(fam.gradient(y, np.full(y.size, fam.null_eta(y))).sum())) < 1e-10 * y.size


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lambda_max_is_the_gradient_at_the_null_fit(name, fit_intercept):
    fam = get_family(name)
    y = _data(name)
    X = RNG.standard_normal((y.size, 6))
    c = fam.null_eta(y) if fit_intercept else 0.0
    if name == "gaussian":
        mu = np.full(y.size, c)
    elif name == "binomial":
        mu = np.full(y.size, 1.0 / (1.0 + np.exp(-c)))
    else:
        mu = np.full(y.size, np.exp(c))
    expected = float(np.max(np.abs(X.T @ (2.0 * (mu - y)))))
    assert fam.lambda_max(X, y, fit_intercept) == pytest.approx(expected, rel=1e-12)
    if name == "gaussian":
        assert fam.lambda_max(X, y, fit_intercept) == pytest.approx(
            bayesreg.lambda_max(X, y, fit_intercept=fit_intercept), rel=1e-12
        )


def test_dispersion_semantics():
    assert not Gaussian.fixed_dispersion
    assert Binomial.fixed_dispersion and Poisson.fixed_dispersion


# --------------------------------------------------------------------------------------------
# validation of y


def test_binomial_accepts_zero_one_unchanged():
    y, info = Binomial().validate_y([0, 1, 1, 0, True])
    np.testing.assert_array_equal(y, [0, 1, 1, 0, 1])
    assert info["classes"] == (0.0, 1.0)


@pytest.mark.parametrize(
    ("labels", "classes"),
    [
        ([7, 3, 3, 7], (3.0, 7.0)),
        ([-1.0, 1.0, 1.0], (-1.0, 1.0)),
        (["yes", "no", "no"], ("no", "yes")),
    ],
)
def test_binomial_maps_two_labels_sorted_larger_to_one(labels, classes):
    y, info = Binomial().validate_y(labels)
    assert info["classes"] == classes
    expected = [1.0 if v == classes[1] else 0.0 for v in labels]
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize(
    ("y", "msg"),
    [
        ([0, 1, 2], r"^binomial y must have two classes; got 3 distinct values$"),
        ([1, 1, 1], r"^binomial y must have two classes; got 1 distinct value$"),
        (["a", "b", "c"], r"two classes; got 3"),
        ([0.0, np.nan, 1.0], r"y contains 1 NaN"),
        (np.zeros((3, 2)), r"y must be 1-D"),
        (None, r"y is missing"),
    ],
)
def test_binomial_rejects(y, msg):
    with pytest.raises(ValueError, match=msg):
        Binomial().validate_y(y)


def test_poisson_accepts_integer_valued_floats():
    y, info = Poisson().validate_y(np.array([0.0, 3.0, 1.0, 12.0]))
    np.testing.assert_array_equal(y, [0, 3, 1, 12])
    assert info == {}


@pytest.mark.parametrize(
    ("y", "msg"),
    [
        ([0, -1, 2], r"^poisson y must be non-negative counts; got min -1\.0$"),
        (
            [0, 0.5, 2, 1.5],
            r"^poisson y must be integer counts; got 2 non-integer value\(s\), e\.g\. 0\.5$",
        ),
        ([0, 0, 0], r"poisson y is all zero"),
        ([1.0, np.inf], r"y contains 1 infinite"),
    ],
)
def test_poisson_rejects(y, msg):
    with pytest.raises(ValueError, match=msg):
        Poisson().validate_y(y)


def test_gaussian_accepts_any_finite_y():
    y, info = Gaussian().validate_y([-1.5, 2.0, 1e6])
    np.testing.assert_array_equal(y, [-1.5, 2.0, 1e6])
    assert info == {}


def test_get_family():
    assert isinstance(get_family("binomial"), Binomial)
    assert isinstance(get_family("Poisson"), Poisson)
    fam = Gaussian()
    assert get_family(fam) is fam
    with pytest.raises(ValueError, match=r"'gaussian', 'binomial', 'poisson'; got 'logit'"):
        get_family("logit")
    with pytest.raises(ValueError, match=r"family must be one of"):
        get_family(3)


# --------------------------------------------------------------------------------------------
# PyMC observed variables: log-probability = −D/(2φ) + loglik(saturated)


@pytest.mark.parametrize("name", NAMES)
def test_pymc_observed_logp_is_minus_half_the_deviance(name):
    pm = pytest.importorskip("pymc")
    fam = get_family(name)
    y = _data(name)
    eta = np.clip(ETA, -10, 10)
    sigma = 1.7
    with pm.Model() as model:
        if name == "gaussian":
            fam.pymc_observed("y", eta, y, sigma=sigma)
        else:
            fam.pymc_observed("y", eta, y)
    logp = float(model.compile_logp()({}))
    dev = fam.deviance(y, eta)
    if name == "gaussian":  # φ = σ²; saturated loglik −n·log(σ√(2π))
        expected = -dev / (2 * sigma**2) - y.size * np.log(sigma * np.sqrt(2 * np.pi))
    elif name == "binomial":
        expected = -dev / 2
    else:
        sat = np.where(y > 0, scipy.stats.poisson.logpmf(y, np.where(y > 0, y, 1.0)), 0.0)
        expected = -dev / 2 + float(sat.sum())
    assert logp == pytest.approx(expected, rel=1e-9)


def test_gaussian_pymc_observed_needs_sigma():
    pm = pytest.importorskip("pymc")
    with pm.Model(), pytest.raises(ValueError, match="needs sigma"):
        Gaussian().pymc_observed("y", np.zeros(3), np.zeros(3))
