"""MAP routes (pm.find_MAP and scipy) against the analytic penalized solution.

Agreement is judged as in the package's claim: max|Δβ| ≤ tol·max(1, ‖β‖∞) with tol = 1e-6 for
the Laplace prior (same support; a route coefficient counts as zero when
|βⱼ| ≤ 1e-9·max(1, ‖β‖∞), and the exact formulation must return exact zeros on the Lasso's
zero set) and tol = 1e-8 for the Gaussian prior. The reference is ``lasso_cd`` /
``ridge_closed_form`` at λ = prior.penalty(σ); its optimality is re-checked here with KKT
conditions written out independently of bayesreg.optimality.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression

from bayesreg import (
    GaussianPrior,
    LaplacePrior,
    estimate_noise_sigma,
    lambda_max,
    lasso_cd,
    map_find_map,
    map_scipy,
    ridge_closed_form,
)
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.model import resolve_noise_sigma

TOL = {"laplace": 1e-6, "gaussian": 1e-8}
ZERO_RTOL = 1e-9
REF_KKT = 1e-9  # the reference must be this optimal for the comparison to mean anything
# Relative duality gap asked of lasso_cd. The gap bounds the objective, and coefficient errors
# go like its square root: near a knot of the path (λ within ~1e-6 of where a coefficient
# leaves 0) a gap of 1e-12 still allows a coefficient of −7e-8 to come out as 0.
REF_GAP = 1e-15


# --------------------------------------------------------------------------- helpers


def make_design(
    n: int, p: int, *, rho: float = 0.0, mean: float = 0.0, seed: int = 0, k: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Equicorrelated design (pairwise correlation rho), column means ≈ mean, sparse truth."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 1))
    X = math.sqrt(rho) * common + math.sqrt(1.0 - rho) * rng.standard_normal((n, p))
    if mean:
        X = X + mean + rng.uniform(-0.5, 0.5, p)
    beta = np.zeros(p)
    k = min(k, p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 3.0, k)
    y = X @ beta + rng.standard_normal(n) + 3.0
    return X, y


@functools.cache
def case_data(case: str) -> tuple[np.ndarray, np.ndarray]:
    if case == "indep_200x50":
        return make_design(200, 50, seed=1)
    if case == "wide_corr_100x200":
        return make_design(100, 200, rho=0.9, seed=2)
    if case == "corr_mean5_500x200":
        return make_design(500, 200, rho=0.5, mean=5.0, seed=3)
    raise KeyError(case)


SIGMA = 1.3


def prior_for(kind: str, X: np.ndarray, y: np.ndarray, sigma: float, fit_intercept: bool):
    """A prior whose λ gives a moderately sparse Lasso / a moderate Ridge on (X, y)."""
    if kind == "laplace":
        lam = 0.05 * lambda_max(X, y, fit_intercept=fit_intercept)
        return LaplacePrior.from_penalty(lam, sigma)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    lam = 0.05 * float(np.sum(Xc * Xc)) / X.shape[1]
    return GaussianPrior.from_penalty(lam, sigma)


def kkt_violation(X, y, coef, intercept, lam, kind, fit_intercept) -> float:
    """Relative first-order optimality violation, written out independently."""
    r = y - intercept - X @ coef
    g = 2.0 * (X.T @ r)  # minus the gradient of the RSS
    if kind == "laplace":
        nz = coef != 0
        viol = np.where(nz, np.abs(g - lam * np.sign(coef)), np.maximum(np.abs(g) - lam, 0.0))
    else:
        viol = np.abs(g - 2.0 * lam * coef)
    v = float(np.max(viol, initial=0.0))
    if fit_intercept:
        v = max(v, abs(2.0 * float(r.sum())))
        scale = float(np.max(np.abs(2.0 * (X - X.mean(0)).T @ (y - y.mean()))))
    else:
        scale = float(np.max(np.abs(2.0 * X.T @ y)))
    return v / scale if scale > 0 else v


def analytic(X, y, prior, sigma, fit_intercept):
    """(coef, intercept) of the penalized solver at λ = prior.penalty(σ), KKT-checked.

    A ConvergenceWarning of lasso_cd (its duality-gap certificate can stall above REF_GAP on
    ill-conditioned designs) is tolerated: the independent KKT check decides.
    """
    lam = prior.penalty(sigma)
    if prior.name == "laplace":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=REF_GAP)
        coef, icpt = res.coef, res.intercept
    else:
        res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
        coef, icpt = res.coef, float(res.intercept)
    kkt = kkt_violation(X, y, coef, icpt, lam, prior.name, fit_intercept)
    assert kkt <= REF_KKT, f"analytic reference not optimal: KKT {kkt:.2e}"
    return np.asarray(coef), float(icpt)


def assert_matches(est, ref_coef, ref_icpt, kind, *, what=""):
    coef = np.asarray(est.coef, dtype=np.float64)
    assert coef.shape == ref_coef.shape
    assert np.all(np.isfinite(coef))
    size = max(1.0, float(np.max(np.abs(ref_coef), initial=0.0)))
    tol = TOL[kind]
    diff = float(np.max(np.abs(coef - ref_coef), initial=0.0))
    d_icpt = abs(est.intercept - ref_icpt)
    assert diff <= tol * size, f"{what}: max|Δβ| = {diff:.3e} > {tol * size:.3e}"
    assert d_icpt <= tol * max(size, abs(ref_icpt)), f"{what}: |Δβ₀| = {d_icpt:.3e}"
    if kind == "laplace":
        ref_zero = ref_coef == 0.0
        route_zero = np.abs(coef) <= ZERO_RTOL * size
        mismatch = np.flatnonzero(route_zero != ref_zero)
        assert mismatch.size == 0, (
            f"{what}: support differs at {mismatch.tolist()}: route {coef[mismatch]}, "
            f"analytic {ref_coef[mismatch]}"
        )
        not_exact = np.flatnonzero(ref_zero & (coef != 0.0))
        assert not_exact.size == 0, (
            f"{what}: not exact zeros at {not_exact.tolist()}: {coef[not_exact]}"
        )


# --------------------------------------------------------------------------- (a) fixed cases

CASES = ["indep_200x50", "wide_corr_100x200", "corr_mean5_500x200"]


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["icpt", "noicpt"])
@pytest.mark.parametrize("kind", ["laplace", "gaussian"])
@pytest.mark.parametrize("case", CASES)
def test_scipy_route_matches_analytic(case, kind, fit_intercept):
    X, y = case_data(case)
    prior = prior_for(kind, X, y, SIGMA, fit_intercept)
    ref_coef, ref_icpt = analytic(X, y, prior, SIGMA, fit_intercept)
    est = map_scipy(X, y, prior, SIGMA, fit_intercept=fit_intercept)
    assert est.route == "scipy"
    if not fit_intercept:
        assert est.intercept == 0.0
    assert_matches(est, ref_coef, ref_icpt, kind, what=f"scipy {case} {kind}")
    if kind == "laplace":
        assert 0 < np.count_nonzero(ref_coef) < X.shape[1]  # a real support to recover


# find_MAP compiles a model each call (seconds): the heavy case once per prior.
FIND_MAP_CASES = [
    ("indep_200x50", "laplace", True),
    ("indep_200x50", "gaussian", False),
    ("wide_corr_100x200", "laplace", False),
    ("wide_corr_100x200", "gaussian", True),
    ("corr_mean5_500x200", "laplace", True),
    ("corr_mean5_500x200", "gaussian", False),
]


@pytest.mark.parametrize(("case", "kind", "fit_intercept"), FIND_MAP_CASES)
def test_find_map_route_matches_analytic(case, kind, fit_intercept):
    X, y = case_data(case)
    prior = prior_for(kind, X, y, SIGMA, fit_intercept)
    ref_coef, ref_icpt = analytic(X, y, prior, SIGMA, fit_intercept)
    est = map_find_map(X, y, prior, SIGMA, fit_intercept=fit_intercept)
    assert est.route == "find_map"
    if not fit_intercept:
        assert est.intercept == 0.0
    assert_matches(est, ref_coef, ref_icpt, kind, what=f"find_map {case} {kind}")


# --------------------------------------------------------------------------- (b) naive misses


@pytest.fixture(scope="module")
def naive_problem():
    X, y = case_data("indep_200x50")
    prior = prior_for("laplace", X, y, SIGMA, True)
    ref_coef, _ = analytic(X, y, prior, SIGMA, True)
    return X, y, prior, ref_coef


@pytest.mark.parametrize("route", [map_find_map, map_scipy], ids=["find_map", "scipy"])
def test_naive_formulation_misses_the_lasso(naive_problem, route):
    """The documented failure: a smooth optimizer on the plain Laplace density stalls at the
    kinks and returns small non-zeros (not exact zeros) where the Lasso has zeros."""
    X, y, prior, ref_coef = naive_problem
    est = route(X, y, prior, SIGMA, formulation="naive")
    zeros = ref_coef == 0.0
    assert zeros.sum() >= 10
    n_exact = int(np.count_nonzero(est.coef[zeros] == 0.0))
    diff = float(np.max(np.abs(est.coef - ref_coef)))
    assert n_exact == 0 or diff > 1e-4, (n_exact, diff)
    # ... while the exact formulation does not (for find_MAP: test_find_map_route_matches_...)
    if route is map_scipy:
        exact = route(X, y, prior, SIGMA, formulation="exact")
        assert np.all(exact.coef[zeros] == 0.0)


def test_unknown_formulation_rejected():
    X, y = make_design(30, 3)
    with pytest.raises(ValueError, match="formulation"):
        map_find_map(X, y, LaplacePrior(1.0), 1.0, formulation="bogus")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- (c) properties


@st.composite
def problems(draw, max_p: int = 15):
    seed = draw(st.integers(0, 2**32 - 1))
    wide = draw(st.booleans())
    if wide:
        n = draw(st.integers(10, 20))
        p = draw(st.integers(n + 1, n + max_p))
    else:
        n = draw(st.integers(10, 60))
        p = draw(st.integers(1, max_p))
    rho = draw(st.sampled_from([0.0, 0.5, 0.9]))
    mean = draw(st.sampled_from([0.0, 0.0, 5.0]))
    kind = draw(st.sampled_from(["laplace", "gaussian"]))
    fit_intercept = draw(st.booleans())
    sigma = 10 ** draw(st.floats(-1.0, 1.0))
    y_scale = 10 ** draw(st.floats(-2.0, 3.0))
    rel = 10 ** draw(st.floats(-2.0, 0.2))  # λ / λ_max (Laplace) or λ / mean ‖x_j‖² (Ridge)
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, 1))
    X = math.sqrt(rho) * common + math.sqrt(1 - rho) * rng.standard_normal((n, p)) + mean
    beta = rng.standard_normal(p) * (rng.uniform(size=p) < 0.5)
    y = y_scale * (X @ beta + rng.standard_normal(n) + rng.normal())
    if kind == "laplace":
        lam = rel * lambda_max(X, y, fit_intercept=fit_intercept)
        prior = LaplacePrior.from_penalty(lam, sigma) if lam > 0 else LaplacePrior(1.0)
    else:
        Xc = X - X.mean(0) if fit_intercept else X
        lam = rel * max(float(np.sum(Xc * Xc)) / p, 1e-12) * y_scale**0
        prior = GaussianPrior.from_penalty(lam, sigma)
    return X, y, prior, sigma, fit_intercept


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(problems())
def test_scipy_map_equals_penalized_fit_property(problem):
    X, y, prior, sigma, fit_intercept = problem
    ref_coef, ref_icpt = analytic(X, y, prior, sigma, fit_intercept)
    est = map_scipy(X, y, prior, sigma, fit_intercept=fit_intercept)
    assert_matches(est, ref_coef, ref_icpt, prior.name, what=f"scipy {X.shape} {prior}")


@pytest.mark.slow
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(problems(max_p=8))
def test_find_map_equals_penalized_fit_property(problem):
    X, y, prior, sigma, fit_intercept = problem
    ref_coef, ref_icpt = analytic(X, y, prior, sigma, fit_intercept)
    est = map_find_map(X, y, prior, sigma, fit_intercept=fit_intercept)
    assert_matches(est, ref_coef, ref_icpt, prior.name, what=f"find_map {X.shape} {prior}")


# --------------------------------------------------------------------------- (d) noise σ


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p", "mean"), [(50, 5, 0.0), (30, 10, 100.0), (12, 10, 0.0)])
def test_estimate_noise_sigma_matches_sklearn_ols(n, p, mean, fit_intercept):
    if not fit_intercept and n - p <= 0:
        pytest.skip("no residual dof")
    X, y = make_design(n, p, mean=mean, seed=n + p)
    ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    rss = float(np.sum((y - ols.predict(X)) ** 2))
    dof = n - p - (1 if fit_intercept else 0)
    expected = math.sqrt(rss / dof)
    got = estimate_noise_sigma(X, y, fit_intercept=fit_intercept)
    assert got.estimated is True
    assert got.dof == dof
    assert got.value == pytest.approx(expected, rel=1e-9)
    assert "estimated" in got.describe()
    resolved = resolve_noise_sigma(X, y, None, fit_intercept=fit_intercept)
    assert resolved == got
    given_sigma = resolve_noise_sigma(X, y, 2.5, fit_intercept=fit_intercept)
    assert (given_sigma.value, given_sigma.estimated) == (2.5, False)


@pytest.mark.parametrize(
    ("n", "p", "fit_intercept"), [(11, 10, True), (5, 10, True), (10, 10, False), (3, 10, False)]
)
def test_estimate_noise_sigma_without_dof_asks_for_it(n, p, fit_intercept):
    X, y = make_design(n, p, seed=7)
    with pytest.raises(ValueError, match="noise_sigma"):
        estimate_noise_sigma(X, y, fit_intercept=fit_intercept)
    with pytest.raises(ValueError, match="noise_sigma"):
        resolve_noise_sigma(X, y, None, fit_intercept=fit_intercept)


def test_estimate_noise_sigma_one_dof_is_fine():
    X, y = make_design(12, 10, seed=8)
    assert estimate_noise_sigma(X, y).dof == 1
    assert estimate_noise_sigma(X, y, fit_intercept=False).dof == 2


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_map_routes_reject_bad_noise_sigma(bad):
    X, y = make_design(30, 3)
    for route in (map_scipy, map_find_map):
        with pytest.raises(ValueError, match="noise_sigma"):
            route(X, y, LaplacePrior(1.0), bad)
