"""check_equivalence and its report, on the diabetes data and on edge cases."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from helpers import (
    REPORT_ROUTE_KEYS,
    REPORT_TOP_KEYS,
    assert_coef_close,
    assert_intercept_close,
)
from sklearn.linear_model import Lasso, Ridge

from bayesreg import (
    EquivalenceReport,
    GaussianPrior,
    LaplacePrior,
    check_equivalence,
    lambda_max,
    load_diabetes,
    to_sklearn_alpha,
)
from bayesreg.check import _compare
from bayesreg.map import MapEstimate

SCALES = {"laplace": 0.5, "gaussian": 5.0}  # the demo's scales


def expected_verdict(rep: EquivalenceReport) -> tuple[dict[str, dict[str, object]], bool]:
    """The verdict recomputed from the report's own numbers, written out here.

    Every route against the analytic one, with the report's tolerance and zero threshold:
    s = max(1, ‖β_ref‖∞); agrees ⇔ max|Δβ| ≤ tol·s, |Δβ₀| ≤ tol·max(s, |β₀_ref|) and the
    zero sets {j : |βⱼ| ≤ zero_threshold} are equal; the report agrees when every route does.
    """
    ref = rep.routes["analytic"]
    ref_coef = np.asarray(ref.coef)
    size = max(1.0, float(np.max(np.abs(ref_coef))))
    ref_zero = np.abs(ref_coef) <= rep.zero_threshold
    out: dict[str, dict[str, object]] = {}
    for name, r in rep.routes.items():
        coef = np.asarray(r.coef)
        diff = float(np.max(np.abs(coef - ref_coef)))
        d_icpt = abs(r.intercept - ref.intercept)
        zero = np.abs(coef) <= rep.zero_threshold
        support = bool(np.array_equal(zero, ref_zero))
        coef_ok = diff <= rep.tolerance * size
        icpt_ok = d_icpt <= rep.tolerance * max(size, abs(ref.intercept))
        out[name] = {
            "max_abs_diff": diff,
            "intercept_abs_diff": d_icpt,
            "n_zero": int(zero.sum()),
            "support_matches": support,
            "agrees": coef_ok and icpt_ok and support,
        }
    return out, all(v["agrees"] for v in out.values())


def assert_verdict(rep: EquivalenceReport) -> tuple[dict[str, dict[str, object]], bool]:
    """The report's numbers and verdicts (object, JSON, text) equal :func:`expected_verdict`."""
    size = max(1.0, float(np.max(np.abs(rep.routes["analytic"].coef))))
    assert rep.tolerance_abs == pytest.approx(rep.tolerance * size, rel=1e-15)
    assert rep.zero_threshold == pytest.approx(1e-9 * size, rel=1e-15)
    expected, agree = expected_verdict(rep)
    for name, exp in expected.items():
        got = {key: getattr(rep.routes[name], key) for key in exp}
        assert got == exp, (name, got, exp)
    assert rep.agree is agree
    d = json.loads(rep.to_json())
    assert d["agree"] is agree
    assert {k: r["agrees"] for k, r in d["routes"].items()} == {
        k: e["agrees"] for k, e in expected.items()
    }
    text = str(rep)
    assert ("verdict: AGREE" in text) is agree and ("DISAGREE" in text) is not agree
    return expected, agree


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
    assert rep.routes["analytic"].converged
    for route in ("find_map", "scipy"):
        r = rep.routes[route]
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
    # λ = 2σ²/b (Laplace) or σ²/σ′² (Gaussian), written out
    sigma2 = rep.noise_sigma**2
    expected_lam = 2 * sigma2 / rep.scale if name == "laplace" else sigma2 / rep.scale**2
    assert rep.lam == pytest.approx(expected_lam, rel=1e-14)
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
    assert a.residual <= 1e-9
    # the intercept of standardized features is the mean of y
    assert a.intercept == pytest.approx(float(diabetes.y.mean()), rel=1e-10)


def test_analytic_route_matches_sklearn(report, diabetes):
    """The reference itself, against an independent solver at the report's λ."""
    name, rep = report
    alpha = to_sklearn_alpha(rep.lam, rep.n_samples, "l1" if name == "laplace" else "l2")
    if name == "laplace":
        model = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000)
    else:
        model = Ridge(alpha=alpha, solver="cholesky")
    model.fit(diabetes.X, diabetes.y)
    a = rep.routes["analytic"]
    coef = np.asarray(a.coef)
    assert_coef_close(coef, model.coef_)
    np.testing.assert_array_equal(coef == 0.0, model.coef_ == 0.0)
    assert_intercept_close(a.intercept, model.intercept_, coef)


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
    assert "DISAGREE" in str(rep)
    assert json.loads(rep.to_json())["agree"] is False
    expected, _ = assert_verdict(rep)
    assert not expected["find_map"]["agrees"]


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
    assert_verdict(rep)
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
    assert_verdict(rep)


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
    assert_verdict(rep)


# --------------------------------------------------------------------------- the verdict
# RouteResult.agrees and EquivalenceReport.agree, recomputed by expected_verdict on real
# reports (agreeing and disagreeing) and on cases where only one condition fails.


def test_verdict_recomputed_when_every_route_agrees(report):
    _, rep = report
    expected, agree = assert_verdict(rep)
    assert agree and all(e["agrees"] for e in expected.values())


def test_verdict_recomputed_tiny_tolerance(diabetes):
    """tolerance = 1e-15: the Lasso MAP route (accurate to ~1e-9) is DIFFERS, the reference
    (0 from itself) is not, so the report disagrees although one route agrees."""
    rep = check_equivalence(
        diabetes.X, diabetes.y, LaplacePrior(0.5), routes=("scipy",), tolerance=1e-15
    )
    assert rep.tolerance == 1e-15
    expected, agree = assert_verdict(rep)
    assert not agree
    assert expected["analytic"]["agrees"] and not expected["scipy"]["agrees"]
    assert expected["scipy"]["support_matches"]  # only the size of the differences fails


def test_verdict_when_only_the_support_differs(diabetes):
    """Naive Laplace MAP: small non-zeros where the Lasso has zeros. With a tolerance that
    lets the coefficient and intercept differences pass, only the support condition fails."""
    prior = LaplacePrior(0.5)
    probe = check_equivalence(diabetes.X, diabetes.y, prior, formulation="naive", routes=("scipy",))
    s, a = probe.routes["scipy"], probe.routes["analytic"]
    size = max(1.0, max(abs(c) for c in a.coef))
    icpt_size = max(size, abs(a.intercept))
    loose = 2 * max(s.max_abs_diff / size, s.intercept_abs_diff / icpt_size)
    assert loose < 1.0  # a tolerance, still
    rep = check_equivalence(
        diabetes.X, diabetes.y, prior, formulation="naive", routes=("scipy",), tolerance=loose
    )
    r = rep.routes["scipy"]
    assert r.max_abs_diff <= rep.tolerance_abs  # the coefficients pass ...
    assert r.intercept_abs_diff <= rep.tolerance * icpt_size  # ... and the intercept ...
    assert not r.support_matches  # ... but not the support
    assert r.n_zero < rep.routes["analytic"].n_zero
    expected, agree = assert_verdict(rep)
    assert not r.agrees and not agree
    assert not expected["scipy"]["agrees"]


def large_mean_problem() -> tuple[np.ndarray, np.ndarray]:
    """Column means ~1e3: β₀ = ȳ − x̄ᵀβ turns a coefficient error δ into an intercept error
    up to ~1e3·δ, while the intercept's tolerance, tol·max(s, |β₀|), is only ~100 times
    that of the coefficients (β₀ ≈ −200, s ≈ 2)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 4)) + 1e3 * np.array([1.0, 2.0, -1.0, 3.0])
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.standard_normal(80) + 0.3
    return X, y


def test_verdict_when_only_the_intercept_differs():
    """A tolerance between the relative coefficient error and the relative intercept error
    of a MAP route: only the intercept condition fails."""
    X, y = large_mean_problem()
    prior = LaplacePrior(0.2)
    probe = check_equivalence(X, y, prior, 1.0, formulation="naive", routes=("scipy",))
    s, a = probe.routes["scipy"], probe.routes["analytic"]
    size = max(1.0, max(abs(c) for c in a.coef))
    icpt_size = max(size, abs(a.intercept))
    coef_rel, icpt_rel = s.max_abs_diff / size, s.intercept_abs_diff / icpt_size
    assert s.support_matches and icpt_rel > 10 * coef_rel > 0, (coef_rel, icpt_rel)
    tol = math.sqrt(coef_rel * icpt_rel)  # a factor ≥ 3 from either
    rep = check_equivalence(X, y, prior, 1.0, formulation="naive", routes=("scipy",), tolerance=tol)
    r = rep.routes["scipy"]
    assert r.max_abs_diff <= rep.tolerance_abs  # the coefficients pass ...
    assert r.support_matches  # ... and the support ...
    assert r.intercept_abs_diff > rep.tolerance * icpt_size  # ... but not the intercept
    expected, agree = assert_verdict(rep)
    assert not r.agrees and not agree
    assert not expected["scipy"]["agrees"]


def test_verdict_recomputed_without_intercept_and_given_sigma(diabetes):
    rep = check_equivalence(
        diabetes.X,
        diabetes.y - diabetes.y.mean(),
        LaplacePrior(0.5),
        noise_sigma=50.0,
        fit_intercept=False,
        routes=("scipy",),
    )
    expected, agree = assert_verdict(rep)
    assert agree
    assert all(e["intercept_abs_diff"] == 0.0 for e in expected.values())


def test_report_agree_needs_every_route(report):
    """EquivalenceReport.agree is 'all routes agree': one disagreeing route is enough."""
    _, rep = report
    assert rep.agree
    for bad_route in ("find_map", "scipy"):
        bad = dataclasses.replace(rep.routes[bad_route], agrees=False)
        changed = dataclasses.replace(rep, routes={**rep.routes, bad_route: bad})
        assert changed.agree is False, bad_route
        assert json.loads(changed.to_json())["agree"] is False
        assert "DISAGREE" in str(changed) and "DIFFERS" in str(changed)
    none = dataclasses.replace(
        rep, routes={k: dataclasses.replace(r, agrees=False) for k, r in rep.routes.items()}
    )
    assert none.agree is False


# Synthetic comparisons (bayesreg.check._compare), hand-computed: reference
# β = (2, 0, −1, 1e-7), β₀ = 3, tol = 1e-6, so s = 2: max|Δβ| ≤ 2e-6, |Δβ₀| ≤ 3e-6, and a
# coefficient is zero if |βⱼ| ≤ 2e-9 (the reference's 1e-7 is not).
REF = MapEstimate(np.array([2.0, 0.0, -1.0, 1e-7]), 3.0, "analytic", 0.0, True, 1)


@pytest.mark.parametrize(
    ("coef", "intercept", "support", "n_zero", "agrees"),
    [
        pytest.param([2.0, 0.0, -1.0, 1e-7], 3.0, True, 1, True, id="identical"),
        pytest.param([2 + 1e-6, 1e-9, -1.0, 1e-7], 3 + 1e-6, True, 1, True, id="all-within"),
        pytest.param([2.0, 1e-7, -1.0, 1e-7], 3.0, False, 0, False, id="only-support-nonzero"),
        pytest.param([2.0, 0.0, -1.0, 0.0], 3.0, False, 2, False, id="only-support-zero"),
        pytest.param([2.0, 0.0, -1.0, 1e-7], 3 + 4e-6, True, 1, False, id="only-intercept"),
        # the intercept's tolerance is tol·max(s, |β₀|) = 3e-6, not tol·s = 2e-6
        pytest.param([2.0, 0.0, -1.0, 1e-7], 3 + 2.5e-6, True, 1, True, id="intercept-scale"),
        pytest.param([2.0, 0.0, -1 + 3e-6, 1e-7], 3.0, True, 1, False, id="only-coef"),
    ],
)
def test_compare_synthetic(coef, intercept, support, n_zero, agrees):
    est = MapEstimate(np.array(coef), intercept, "scipy", 0.0, True, 1)
    cmp = _compare(est, REF, 1e-6)
    assert cmp.max_abs_diff == float(np.max(np.abs(np.array(coef) - REF.coef)))
    assert cmp.intercept_abs_diff == abs(intercept - 3.0)
    assert (cmp.support_matches, cmp.n_zero, cmp.agrees) == (support, n_zero, agrees)


def test_compare_zero_threshold_follows_the_reference_size():
    """|βⱼ| ≤ 1e-9·max(1, ‖β_ref‖∞) is a zero, for the reference too: with ‖β_ref‖∞ = 1000,
    5e-7 is one and 2e-6 is not."""
    ref = MapEstimate(np.array([1000.0, 0.0, 5e-7]), 0.0, "analytic", 0.0, True, 1)
    near = MapEstimate(np.array([1000.0, 5e-7, 0.0]), 0.0, "scipy", 0.0, True, 1)
    far = MapEstimate(np.array([1000.0, 2e-6, 0.0]), 0.0, "scipy", 0.0, True, 1)
    cmp = _compare(near, ref, 1e-6)
    assert (cmp.support_matches, cmp.n_zero, cmp.agrees) == (True, 2, True)
    cmp = _compare(far, ref, 1e-6)
    assert (cmp.support_matches, cmp.n_zero, cmp.agrees) == (False, 1, False)
