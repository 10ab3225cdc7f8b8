"""check_equivalence and its report, on the diabetes data and on edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import REPORT_ROUTE_KEYS, REPORT_TOP_KEYS

from bayesreg import (
    EquivalenceReport,
    GaussianPrior,
    LaplacePrior,
    check_equivalence,
    lambda_max,
    load_diabetes,
)

SCALES = {"laplace": 0.5, "gaussian": 5.0}  # the demo's scales


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(standardize=True)


@pytest.fixture(scope="module", params=["laplace", "gaussian"])
def report(request, diabetes) -> tuple[str, EquivalenceReport]:
    prior = LaplacePrior(SCALES["laplace"]) if request.param == "laplace" else GaussianPrior(5.0)
    rep = check_equivalence(diabetes.X, diabetes.y, prior, feature_names=diabetes.feature_names)
    return request.param, rep


def test_diabetes_data():
    data = load_diabetes(standardize=True)
    assert data.X.shape == (442, 10)
    np.testing.assert_allclose(data.X.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.X.std(0), 1.0, rtol=1e-12)
    raw = load_diabetes()
    assert raw.feature_names == data.feature_names
    assert raw.target_name == "progression"
    np.testing.assert_array_equal(raw.y, data.y)


def test_diabetes_agrees(report):
    name, rep = report
    assert rep.agree, str(rep)
    assert set(rep.routes) == {"analytic", "find_map", "scipy"}
    for r in rep.routes.values():
        assert r.agrees and r.support_matches and r.converged, r
    if name == "laplace":
        assert 0 < rep.routes["analytic"].n_zero < 10  # a real sparsity pattern
        ref = np.asarray(rep.routes["analytic"].coef)
        for route in ("find_map", "scipy"):
            coef = np.asarray(rep.routes[route].coef)
            assert np.all(coef[ref == 0.0] == 0.0), route  # exact zeros


def test_report_fields(report, diabetes):
    name, rep = report
    assert rep.prior == name
    assert rep.scale == SCALES[name]
    assert rep.scale_name == ("b" if name == "laplace" else "sigma")
    assert rep.noise_sigma_estimated is True
    assert rep.noise_sigma_dof == 442 - 10 - 1
    prior = LaplacePrior(rep.scale) if name == "laplace" else GaussianPrior(rep.scale)
    assert rep.lam == pytest.approx(prior.penalty(rep.noise_sigma), rel=1e-15)
    assert rep.tolerance == (1e-6 if name == "laplace" else 1e-8)
    assert rep.n_samples == 442 and rep.n_features == 10
    assert rep.feature_names == list(diabetes.feature_names)
    assert rep.fit_intercept is True and rep.formulation == "exact"
    size = max(1.0, float(np.max(np.abs(rep.routes["analytic"].coef))))
    assert rep.tolerance_abs == pytest.approx(rep.tolerance * size, rel=1e-15)
    assert rep.zero_threshold == pytest.approx(1e-9 * size, rel=1e-15)
    for key, r in rep.routes.items():
        assert r.route == key
        assert len(r.coef) == 10 and all(isinstance(c, float) for c in r.coef)
        assert isinstance(r.intercept, float) and math.isfinite(r.intercept)
        assert 0.0 <= r.max_abs_diff <= rep.tolerance_abs
        assert r.residual >= 0.0 and r.seconds >= 0.0
    a = rep.routes["analytic"]
    assert a.max_abs_diff == 0.0
    assert a.residual <= 1e-9
    # the intercept of standardized features is the mean of y
    assert a.intercept == pytest.approx(float(diabetes.y.mean()), rel=1e-10)


def test_noise_sigma_is_ols_estimate(report, diabetes):
    _, rep = report
    X, y = diabetes.X, diabetes.y
    A = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    rss = float(np.sum((y - A @ coef) ** 2))
    assert rep.noise_sigma == pytest.approx(math.sqrt(rss / (442 - 11)), rel=1e-10)


def test_json_round_trip(report):
    _, rep = report
    d = json.loads(rep.to_json())
    assert REPORT_TOP_KEYS <= set(d)
    assert d["agree"] is True
    assert set(d["routes"]) == {"analytic", "find_map", "scipy"}
    for r in d["routes"].values():
        assert REPORT_ROUTE_KEYS <= set(r)
        assert isinstance(r["coef"], list) and len(r["coef"]) == 10
    assert d["lam"] == rep.lam
    assert d["routes"]["scipy"]["coef"] == rep.routes["scipy"].coef
    assert json.loads(rep.to_json(indent=None)) == d
    assert rep.to_dict()["agree"] == rep.agree


def test_str_shows_formula_and_verdict(report):
    name, rep = report
    text = str(rep)
    formula = "2σ²/b" if name == "laplace" else "σ²/σ′²"
    assert f"λ = {formula}" in text
    assert "AGREE" in text and "DISAGREE" not in text
    assert "estimated" in text
    for feature in rep.feature_names:
        assert feature in text
    assert ("Lasso" if name == "laplace" else "Ridge") in text


def test_naive_laplace_disagrees(diabetes):
    rep = check_equivalence(diabetes.X, diabetes.y, LaplacePrior(0.5), formulation="naive")
    assert rep.formulation == "naive"
    assert rep.agree is False
    assert not rep.routes["find_map"].agrees
    assert rep.routes["analytic"].agrees
    assert "DISAGREE" in str(rep)
    assert json.loads(rep.to_json())["agree"] is False


def test_naive_gaussian_still_agrees(diabetes):
    """The Gaussian prior is smooth: the naive formulation is already exact."""
    rep = check_equivalence(
        diabetes.X, diabetes.y, GaussianPrior(5.0), formulation="naive", routes=("scipy",)
    )
    assert rep.agree


def test_given_sigma_and_route_subset(diabetes):
    rep = check_equivalence(
        diabetes.X, diabetes.y, LaplacePrior(0.5), noise_sigma=50.0, routes=["scipy"]
    )
    assert set(rep.routes) == {"analytic", "scipy"}  # analytic is always the reference
    assert rep.noise_sigma == 50.0
    assert rep.noise_sigma_estimated is False
    assert rep.lam == pytest.approx(2 * 50.0**2 / 0.5)
    assert "(given)" in str(rep)
    assert rep.agree
    only_ref = check_equivalence(diabetes.X, diabetes.y, LaplacePrior(0.5), routes=[])
    assert set(only_ref.routes) == {"analytic"}


def test_no_intercept(diabetes):
    rep = check_equivalence(
        diabetes.X,
        diabetes.y - diabetes.y.mean(),
        GaussianPrior(5.0),
        fit_intercept=False,
        routes=("scipy",),
    )
    assert rep.fit_intercept is False
    assert rep.noise_sigma_dof == 442 - 10
    assert all(r.intercept == 0.0 for r in rep.routes.values())
    assert "β₀" not in rep.objective
    assert rep.agree


def test_unknown_route_rejected(diabetes):
    with pytest.raises(ValueError, match="route"):
        check_equivalence(diabetes.X, diabetes.y, LaplacePrior(0.5), routes=["mcmc"])


def test_constant_column_named():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    X[:, 1] = 4.0
    y = rng.standard_normal(30)
    with pytest.raises(ValueError, match="const"):
        check_equivalence(X, y, LaplacePrior(1.0), feature_names=["a", "flat", "c"])
    with pytest.raises(ValueError, match="flat"):
        check_equivalence(X, y, LaplacePrior(1.0), feature_names=["a", "flat", "c"])


def test_no_dof_without_sigma():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 5))
    y = rng.standard_normal(6)
    with pytest.raises(ValueError, match="noise_sigma"):
        check_equivalence(X, y, LaplacePrior(1.0))
    # with σ given the same data are fine (p > n too)
    rep = check_equivalence(X, y, LaplacePrior(1.0), noise_sigma=0.5, routes=("scipy",))
    assert rep.noise_sigma_estimated is False


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan])
def test_bad_sigma(bad):
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    with pytest.raises(ValueError, match="noise_sigma"):
        check_equivalence(X, y, LaplacePrior(1.0), noise_sigma=bad)


def test_nan_input():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        check_equivalence(X, y, LaplacePrior(1.0))


@pytest.mark.parametrize(("p", "fit_intercept"), [(3, False), (1, True)])
def test_reference_accurate_near_a_knot(p, fit_intercept):
    """λ just below λ_max: the Lasso solution has one tiny non-zero coefficient (~1e-7).

    A correct MAP route finds it; the analytic reference must too (its own optimality
    residual ≤ 1e-9), else the report calls a correct MAP "DIFFERS".
    """
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, p))
    y = X[:, 0] * 0.5 + rng.standard_normal(30)
    lam = lambda_max(X, y, fit_intercept=fit_intercept) * (1 - 1e-6)
    prior = LaplacePrior.from_penalty(lam, 1.0)
    rep = check_equivalence(X, y, prior, 1.0, fit_intercept=fit_intercept, routes=("scipy",))
    assert rep.routes["scipy"].residual <= 1e-9  # the MAP route is optimal
    assert rep.routes["analytic"].residual <= 1e-9, (
        f"analytic reference not optimal: residual {rep.routes['analytic'].residual:.1e}, "
        f"coef {rep.routes['analytic'].coef} vs scipy {rep.routes['scipy'].coef}"
    )
    assert rep.agree
