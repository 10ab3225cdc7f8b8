"""The Lasso solvers: ``lasso_cd``, ``lasso_path`` and ``lambda_max``.

Objective: ‖y − β₀ − Xβ‖²₂ + λ‖β‖₁ with β₀ unpenalized. Every λ ↔ scikit-learn ``alpha``
conversion goes through :func:`bayesreg.to_sklearn_alpha` / :func:`bayesreg.from_sklearn_alpha`
(and ½·RSS through :func:`bayesreg.from_half_rss`); no conversion constant is written here.

Optimality is checked from the returned solution alone, independently of the package's own
residual function: with r = y − β₀ − Xβ,

* |2X_jᵀr| ≤ λ                 where β_j = 0,
* 2X_jᵀr = λ·sign(β_j)         where β_j ≠ 0,
* Σr = 0                       when an intercept is fitted.

The solver's stopping rule is a *relative duality gap* (default 1e-10), which bounds the
objective, not the KKT residual (that scales like √gap). Tests that check KKT or agreement with
scikit-learn to 1e-8 therefore ask for ``tol=TIGHT_TOL``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import assert_coef_close, assert_intercept_close, bad_Xy_cases
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.linear_model import lasso_path as sk_lasso_path

import bayesreg
from bayesreg import (
    L1Penalty,
    LassoPathResult,
    LassoResult,
    from_half_rss,
    from_sklearn_alpha,
    lambda_max,
    lasso_cd,
    lasso_path,
    optimality_residual,
    to_half_rss,
    to_sklearn_alpha,
)
from bayesreg.solvers._gram_kernels import (
    _chol_append,
    _chol_delete,
    _chol_solve2,
    gram_path,
    gram_path_state,
)

TIGHT_TOL = 1e-12  # relative duality gap asked of bayesreg where 1e-8 accuracy is checked
SK_TOL = 1e-13  # scikit-learn's (absolute, ‖y‖²-scaled) gap tolerance for the references
MAX_ITER = 200_000
KKT_RTOL = 1e-8


# --------------------------------------------------------------------------------------------
# problems and independent checks


def make_problem(n, p, kind="gauss", seed=0, intercept=1.5, n_true=5):
    """A sparse linear model with Gaussian noise; ``kind='corr'``: pairwise correlation 0.9."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    if kind == "gauss":
        X = Z
    elif kind == "corr":
        common = rng.standard_normal((n, 1))
        X = np.sqrt(0.1) * Z + np.sqrt(0.9) * common
    else:  # pragma: no cover - test bug
        raise AssertionError(kind)
    beta = np.zeros(p)
    k = min(n_true, p)
    beta[:k] = 3.0 * rng.standard_normal(k)
    y = X @ beta + intercept + rng.standard_normal(n)
    return X, y


def kkt_violations(X, y, coef, intercept, lam):
    """(excess on the zeros, error on the support, |Σr|) — each relative as documented."""
    r = y - intercept - X @ coef
    g = 2.0 * (X.T @ r)
    zero = coef == 0.0
    excess = float(np.max(np.abs(g[zero]) - lam)) / lam if zero.any() else -np.inf
    err = (
        float(np.max(np.abs(g[~zero] - lam * np.sign(coef[~zero])))) / lam if (~zero).any() else 0.0
    )
    return excess, err, abs(float(r.sum()))


def sum_scale(X, y, coef, intercept):
    """Size of the terms that are summed in Σr (to make the Σr = 0 check relative)."""
    return float(np.abs(y).sum() + np.abs(X @ coef).sum() + y.size * abs(intercept)) + 1e-300


def assert_kkt(X, y, coef, intercept, lam, fit_intercept, rtol=KKT_RTOL):
    excess, err, abs_sum = kkt_violations(X, y, coef, intercept, lam)
    assert excess <= rtol, f"|2X_jᵀr| exceeds λ by {excess:.3e}·λ on a zero coefficient"
    assert err <= rtol, f"2X_jᵀr differs from λ·sign(β_j) by {err:.3e}·λ on the support"
    if fit_intercept:
        assert abs_sum <= 1e-12 * sum_scale(X, y, coef, intercept), f"Σr = {abs_sum:.3e}"
    else:
        assert intercept == 0.0


def sklearn_lasso(X, y, lam, fit_intercept):
    alpha = to_sklearn_alpha(lam, X.shape[0], "l1")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnConvergenceWarning)  # the reference must converge
        model = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=SK_TOL, max_iter=MAX_ITER)
        model.fit(X, y)
    return model.coef_, float(model.intercept_)


SHAPES = [(100, 20), (50, 200)]
KINDS = ["gauss", "corr"]
FRACS = [0.5, 0.1, 0.02]


# --------------------------------------------------------------------------------------------
# agreement with scikit-learn


@pytest.mark.parametrize("frac", FRACS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), SHAPES)
def test_matches_sklearn_lasso(n, p, kind, fit_intercept, frac):
    X, y = make_problem(n, p, kind, seed=n + p)
    lam = frac * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    sk_coef, sk_intercept = sklearn_lasso(X, y, lam, fit_intercept)

    assert res.converged
    assert_coef_close(res.coef, sk_coef)
    np.testing.assert_array_equal(res.coef == 0.0, sk_coef == 0.0, err_msg="supports differ")
    assert_intercept_close(res.intercept, sk_intercept, res.coef)
    if not fit_intercept:
        assert res.intercept == 0.0


@pytest.mark.parametrize("frac", [0.3, 0.05])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn_lasso_square_and_tall_corr(fit_intercept, frac):
    # a correlated design with n ≈ p, where the Gram matrix is the least well conditioned
    X, y = make_problem(60, 55, "corr", seed=7)
    lam = frac * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    sk_coef, sk_intercept = sklearn_lasso(X, y, lam, fit_intercept)
    assert_coef_close(res.coef, sk_coef)
    np.testing.assert_array_equal(res.coef == 0.0, sk_coef == 0.0)
    assert_intercept_close(res.intercept, sk_intercept, res.coef)


@pytest.mark.parametrize("frac", [1.0, 1.0 + 1e-12, 1.5, 10.0, 1e6])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
def test_at_or_above_lambda_max_everything_is_zero(kind, fit_intercept, frac):
    X, y = make_problem(40, 15, kind, seed=3)
    lam = frac * lambda_max(X, y, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = lasso_cd(X, y, lam, fit_intercept=fit_intercept)
    assert np.all(res.coef == 0.0)
    assert res.support.size == 0
    assert res.converged
    if fit_intercept:
        assert res.intercept == pytest.approx(float(np.mean(y)), rel=1e-14, abs=1e-14)
    else:
        assert res.intercept == 0.0
    sk_coef, sk_intercept = sklearn_lasso(X, y, lam, fit_intercept)
    assert np.all(sk_coef == 0.0)
    assert res.intercept == pytest.approx(sk_intercept, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_just_below_lambda_max_one_coefficient_enters(fit_intercept):
    X, y = make_problem(60, 25, "gauss", seed=11)
    if fit_intercept:
        Xc, yc = X - X.mean(axis=0), y - y.mean()
    else:
        Xc, yc = X, y
    first = int(np.argmax(np.abs(Xc.T @ yc)))
    lam = (1.0 - 1e-3) * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL)
    np.testing.assert_array_equal(res.support, [first])
    assert np.sign(res.coef[first]) == np.sign(Xc[:, first] @ yc)


# --------------------------------------------------------------------------------------------
# lambda_max


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [*SHAPES, (5, 1)])
def test_lambda_max_matches_sklearn_alpha_max(n, p, fit_intercept):
    X, y = make_problem(n, p, "gauss", seed=5)
    # scikit-learn's default grid starts at its alpha_max
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)  # only the grid is used
        sk_alphas, _, _ = sk_lasso_path(
            X - X.mean(axis=0) if fit_intercept else X,
            y - y.mean() if fit_intercept else y,
            alphas=3,
            max_iter=1,
        )
    expected = from_sklearn_alpha(float(sk_alphas[0]), n, "l1")
    assert lambda_max(X, y, fit_intercept=fit_intercept) == pytest.approx(expected, rel=1e-12)


def test_lambda_max_is_the_half_rss_correlation_in_rss_scaling():
    X, y = make_problem(30, 8, "corr", seed=2)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    expected = from_half_rss(float(np.max(np.abs(Xc.T @ yc))))
    assert lambda_max(X, y) == pytest.approx(expected, rel=1e-13)
    assert lambda_max(X, y, fit_intercept=False) == pytest.approx(
        from_half_rss(float(np.max(np.abs(X.T @ y)))), rel=1e-13
    )


def test_lambda_max_constant_y_is_zero():
    X, _ = make_problem(20, 4, seed=1)
    assert lambda_max(X, np.full(20, 3.0)) == 0.0


# --------------------------------------------------------------------------------------------
# KKT conditions, checked from the solution alone


@pytest.mark.parametrize("frac", [0.9, *FRACS, 0.005])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), [*SHAPES, (10, 3)])
def test_kkt_conditions(n, p, kind, fit_intercept, frac):
    X, y = make_problem(n, p, kind, seed=100 + n * p)
    lam = frac * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert res.converged
    assert_kkt(X, y, res.coef, res.intercept, lam, fit_intercept)


def test_kkt_fails_for_a_wrong_solution():
    # the independent KKT check itself must be able to fail
    X, y = make_problem(50, 10, seed=4)
    lam = 0.1 * lambda_max(X, y)
    res = lasso_cd(X, y, lam, tol=TIGHT_TOL)
    wrong = res.coef.copy()
    wrong[res.support[0]] *= 1.05
    excess, err, _ = kkt_violations(X, y, wrong, res.intercept, lam)
    assert max(excess, err) > 1e-3
    _, _, abs_sum = kkt_violations(X, y, res.coef, res.intercept + 0.1, lam)
    assert abs_sum > 1.0


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_solution_attains_the_minimum_objective(fit_intercept):
    # The returned objective is not above scikit-learn's (to the claimed relative gap), and
    # random feasible perturbations never do better.
    X, y = make_problem(80, 30, "corr", seed=21)
    lam = 0.05 * lambda_max(X, y, fit_intercept=fit_intercept)

    def F(coef, b0):
        r = y - b0 - X @ coef
        return float(r @ r + lam * np.abs(coef).sum())

    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept)
    sk_coef, sk_intercept = sklearn_lasso(X, y, lam, fit_intercept)
    f_hat = F(res.coef, res.intercept)
    assert f_hat <= F(sk_coef, sk_intercept) + res.gap * f_hat + 1e-12 * f_hat
    rng = np.random.default_rng(0)
    for _ in range(20):
        d = 1e-4 * rng.standard_normal(X.shape[1])
        d0 = 1e-4 * rng.standard_normal() if fit_intercept else 0.0
        assert F(res.coef + d, res.intercept + d0) >= f_hat * (1 - 1e-12)


# --------------------------------------------------------------------------------------------
# convergence reporting


@pytest.mark.parametrize("tol", [1e-4, 1e-8, None])
@pytest.mark.parametrize("kind", KINDS)
def test_gap_and_convergence_reported(kind, tol):
    X, y = make_problem(60, 40, kind, seed=8)
    lam = 0.05 * lambda_max(X, y)
    kwargs = {} if tol is None else {"tol": tol}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a converged solve warns about nothing
        res = lasso_cd(X, y, lam, **kwargs)
    expected_tol = 1e-10 if tol is None else tol  # the documented default
    assert isinstance(res, LassoResult)
    assert res.converged
    assert 0.0 <= res.gap <= expected_tol
    assert res.tol == expected_tol
    assert res.n_iter > 0
    assert res.lam == lam
    assert res.coef.shape == (40,)
    assert res.coef.dtype == np.float64
    assert isinstance(res.intercept, float)
    np.testing.assert_array_equal(res.support, np.flatnonzero(res.coef))


def test_reported_gap_is_an_upper_bound_on_suboptimality():
    X, y = make_problem(50, 200, "corr", seed=9)
    lam = 0.05 * lambda_max(X, y)

    def F(coef, b0):
        r = y - b0 - X @ coef
        return float(r @ r + lam * np.abs(coef).sum())

    loose = lasso_cd(X, y, lam, tol=1e-3)
    assert loose.converged and loose.gap <= 1e-3
    best = lasso_cd(X, y, lam, tol=TIGHT_TOL, max_iter=MAX_ITER)
    f_loose = F(loose.coef, loose.intercept)
    assert f_loose - F(best.coef, best.intercept) <= loose.gap * f_loose * (1 + 1e-9) + 1e-12


def hard_problem():
    X, y = make_problem(50, 200, "corr", seed=12)
    return X, y, 0.01 * lambda_max(X, y)


def test_convergence_warning_when_max_iter_too_small():
    X, y, lam = hard_problem()
    with pytest.warns(bayesreg.ConvergenceWarning, match=r"duality gap") as record:
        res = lasso_cd(X, y, lam, max_iter=1)
    assert not res.converged
    assert res.gap > res.tol
    assert 0 < res.n_iter <= 1
    messages = [
        str(w.message) for w in record if issubclass(w.category, bayesreg.ConvergenceWarning)
    ]
    assert len(messages) == 1
    assert f"{res.gap:.3e}" in messages[0]  # the message gives the gap reached
    assert "max_iter=1" in messages[0]
    # the warning points at the caller, not at the package internals
    assert record[0].filename == __file__


def test_convergence_warning_is_a_userwarning_subclass():
    assert issubclass(bayesreg.ConvergenceWarning, UserWarning)


def test_no_warning_and_converged_with_enough_iterations():
    X, y, lam = hard_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = lasso_cd(X, y, lam, max_iter=MAX_ITER)
    assert res.converged and res.gap <= res.tol


@pytest.mark.parametrize("tol", [1e-10, TIGHT_TOL])
@pytest.mark.parametrize(("seed", "fit_intercept"), [(2, False), (10, True), (0, False)])
def test_ill_conditioned_problem_converges_given_enough_sweeps(seed, fit_intercept, tol):
    # p ≫ n, pairwise correlation 0.9, small λ: slow for coordinate descent (scikit-learn needs
    # tens of thousands of sweeps too), but the gap must keep decreasing to any tol ≥ 1e-12.
    X, y = make_problem(50, 200, "corr", seed=seed)
    lam = 0.005 * lambda_max(X, y, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", bayesreg.ConvergenceWarning)
        res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=tol, max_iter=MAX_ITER)
    assert res.converged and res.gap <= tol
    assert_kkt(X, y, res.coef, res.intercept, lam, fit_intercept, rtol=1e-6)


# --------------------------------------------------------------------------------------------
# degenerate columns


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("position", [0, 3, 7])
def test_all_zero_column_gets_exact_zero(fit_intercept, position):
    X, y = make_problem(40, 8, seed=13)
    X[:, position] = 0.0
    lam = 0.05 * lambda_max(X, y, fit_intercept=fit_intercept)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL)
        path = lasso_path(X, y, n_lams=10, fit_intercept=fit_intercept)
    assert res.coef[position] == 0.0
    assert np.all(np.isfinite(res.coef)) and np.isfinite(res.intercept)
    assert np.all(path.coefs[:, position] == 0.0)
    assert_kkt(X, y, res.coef, res.intercept, lam, fit_intercept)
    sk_coef, _ = sklearn_lasso(X, y, lam, fit_intercept)
    assert_coef_close(res.coef, sk_coef)


@pytest.mark.parametrize("value", [0.0, 1.0, -3.7, 1e6])
def test_constant_column_with_intercept_gets_exact_zero(value):
    X, y = make_problem(40, 8, seed=14)
    X[:, 2] = value
    lam = 0.05 * lambda_max(X, y)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = lasso_cd(X, y, lam, tol=TIGHT_TOL)
        res_warm = lasso_cd(X, y, lam, tol=TIGHT_TOL, coef_init=np.ones(8))
    for r in (res, res_warm):
        assert r.coef[2] == 0.0
        assert np.all(np.isfinite(r.coef)) and np.isfinite(r.intercept)
        assert_kkt(X, y, r.coef, r.intercept, lam, True)
    sk_coef, sk_intercept = sklearn_lasso(X, y, lam, True)
    assert_coef_close(res.coef, sk_coef)
    assert_intercept_close(res.intercept, sk_intercept, res.coef)


def test_all_columns_zero_norm():
    rng = np.random.default_rng(15)
    X = np.full((12, 3), 2.0)
    y = rng.standard_normal(12)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        assert lambda_max(X, y) == 0.0
        res = lasso_cd(X, y, 1.0)
    assert np.all(res.coef == 0.0)
    assert res.intercept == pytest.approx(float(y.mean()), rel=1e-14)
    assert res.converged


# --------------------------------------------------------------------------------------------
# the package's optimality residual at (and away from) the solution


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p", "kind"), [(100, 20, "gauss"), (50, 200, "corr")])
def test_optimality_residual_small_at_solution_large_when_perturbed(n, p, kind, fit_intercept):
    X, y = make_problem(n, p, kind, seed=1)
    lam = 0.1 * lambda_max(X, y, fit_intercept=fit_intercept)
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL)
    pen = L1Penalty()

    def resid(coef, b0):
        return optimality_residual(X, y, coef, b0, lam, pen, fit_intercept=fit_intercept)

    assert resid(res.coef, res.intercept) <= 1e-9
    bmax = float(np.max(np.abs(res.coef)))

    active = res.coef.copy()
    active[res.support[0]] *= 1.1
    assert resid(active, res.intercept) > 1e-3

    inactive = res.coef.copy()
    inactive[np.flatnonzero(res.coef == 0.0)[0]] = 0.05 * bmax
    assert resid(inactive, res.intercept) > 1e-3

    assert resid(res.coef + 0.05 * bmax, res.intercept) > 1e-3
    if fit_intercept:
        assert resid(res.coef, res.intercept + 0.1 * float(np.std(y))) > 1e-3


# --------------------------------------------------------------------------------------------
# warm starts and input handling


def test_warm_start_gives_the_same_solution():
    X, y = make_problem(80, 30, "corr", seed=16)
    lam = 0.05 * lambda_max(X, y)
    cold = lasso_cd(X, y, lam, tol=TIGHT_TOL)
    rng = np.random.default_rng(1)
    for init in (cold.coef, np.zeros(30), 5.0 * rng.standard_normal(30), list(cold.coef * 2)):
        warm = lasso_cd(X, y, lam, tol=TIGHT_TOL, coef_init=init)
        assert warm.converged
        assert_coef_close(warm.coef, cold.coef)
        np.testing.assert_array_equal(warm.coef == 0.0, cold.coef == 0.0)
    at_solution = lasso_cd(X, y, lam, tol=TIGHT_TOL, coef_init=cold.coef)
    assert at_solution.n_iter <= cold.n_iter


def test_inputs_are_not_modified():
    X, y = make_problem(30, 10, seed=17)
    X0, y0 = X.copy(), y.copy()
    init = np.ones(10)
    init0 = init.copy()
    lam = 0.1 * lambda_max(X, y)
    lasso_cd(X, y, lam, coef_init=init)
    lasso_path(X, y, n_lams=5)
    lambda_max(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(init, init0)


def test_array_likes_orders_and_dtypes_are_accepted():
    X, y = make_problem(30, 6, seed=18)
    Xi = np.round(3 * X).astype(np.int64)
    lam = 0.1 * lambda_max(Xi, y)
    ref = lasso_cd(Xi.astype(np.float64), y, lam, tol=TIGHT_TOL)
    for Xv, yv in [
        (Xi, y),
        (Xi.tolist(), y.tolist()),
        (np.asfortranarray(Xi.astype(np.float64)), y),
        (Xi.astype(np.float32), y),
        (Xi, y.reshape(-1, 1)),
    ]:
        res = lasso_cd(Xv, yv, lam, tol=TIGHT_TOL)
        assert_coef_close(res.coef, ref.coef, rtol=1e-12)
        assert res.intercept == pytest.approx(ref.intercept, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("c", [1e-3, 7.0, 1e3])
def test_scale_equivariance(c):
    # (cX, y, cλ) → β/c ;  (X, cy, cλ) → cβ, cβ₀
    X, y = make_problem(50, 12, "corr", seed=19)
    lam = 0.1 * lambda_max(X, y)
    ref = lasso_cd(X, y, lam, tol=TIGHT_TOL)
    sx = lasso_cd(c * X, y, c * lam, tol=TIGHT_TOL)
    assert_coef_close(c * sx.coef, ref.coef)
    assert sx.intercept == pytest.approx(ref.intercept, rel=1e-8, abs=1e-8)
    sy = lasso_cd(X, c * y, c * lam, tol=TIGHT_TOL)
    assert_coef_close(sy.coef / c, ref.coef)
    assert sy.intercept / c == pytest.approx(ref.intercept, rel=1e-8, abs=1e-8)


def test_shifting_X_and_y_changes_only_the_intercept():
    X, y = make_problem(50, 12, seed=20)
    lam = 0.1 * lambda_max(X, y)
    ref = lasso_cd(X, y, lam, tol=TIGHT_TOL)
    shift = np.linspace(-5, 5, 12)
    moved = lasso_cd(X + shift, y + 100.0, lam, tol=TIGHT_TOL)
    assert_coef_close(moved.coef, ref.coef)
    np.testing.assert_array_equal(moved.coef == 0.0, ref.coef == 0.0)
    assert moved.intercept == pytest.approx(ref.intercept + 100.0 - shift @ ref.coef, rel=1e-9)


# --------------------------------------------------------------------------------------------
# lasso_path


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p", "kind"), [(100, 20, "gauss"), (50, 200, "corr")])
def test_path_matches_lasso_cd(n, p, kind, fit_intercept):
    X, y = make_problem(n, p, kind, seed=22)
    path = lasso_path(
        X, y, n_lams=8, eps=2e-2, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER
    )
    assert isinstance(path, LassoPathResult)
    assert path.coefs.shape == (8, p)
    assert path.intercepts.shape == (8,)
    assert path.n_iter.shape == path.gaps.shape == path.converged.shape == (8,)
    assert path.converged.all()
    assert np.all(path.gaps <= TIGHT_TOL)
    for k, lam in enumerate(path.lams):
        single = lasso_cd(
            X, y, float(lam), fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER
        )
        assert_coef_close(path.coefs[k], single.coef)
        assert_intercept_close(path.intercepts[k], single.intercept, single.coef)
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], float(lam), fit_intercept)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p", "kind"), [(100, 20, "gauss"), (50, 200, "corr")])
def test_path_matches_sklearn_lasso_path(n, p, kind, fit_intercept):
    X, y = make_problem(n, p, kind, seed=23)
    path = lasso_path(
        X, y, n_lams=12, eps=2e-2, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER
    )
    if fit_intercept:
        X_mean, y_mean = X.mean(axis=0), float(y.mean())
    else:
        X_mean, y_mean = np.zeros(p), 0.0
    alphas = np.array([to_sklearn_alpha(float(lam), n, "l1") for lam in path.lams])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnConvergenceWarning)
        _, sk_coefs, _ = sk_lasso_path(
            X - X_mean, y - y_mean, alphas=alphas, tol=SK_TOL, max_iter=MAX_ITER
        )
    for k in range(path.lams.size):
        sk_coef = sk_coefs[:, k]
        assert_coef_close(path.coefs[k], sk_coef)
        np.testing.assert_array_equal(path.coefs[k] == 0.0, sk_coef == 0.0)
        assert_intercept_close(path.intercepts[k], y_mean - X_mean @ sk_coef, sk_coef)
    # and the intercept as scikit-learn's Lasso estimator fits it, at two λ of the grid
    for k in (3, 10):
        coef, intercept = sklearn_lasso(X, y, float(path.lams[k]), fit_intercept)
        assert_intercept_close(path.intercepts[k], intercept, coef)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n_lams", "eps"), [(100, 1e-3), (7, 1e-2), (2, 0.5), (30, 1e-4)])
def test_default_grid(n_lams, eps, fit_intercept):
    X, y = make_problem(40, 25, "gauss", seed=24)
    path = lasso_path(X, y, n_lams=n_lams, eps=eps, fit_intercept=fit_intercept)
    lams = path.lams
    assert lams.shape == (n_lams,)
    assert np.all(np.diff(lams) < 0), "lams must be strictly decreasing"
    lmax = lambda_max(X, y, fit_intercept=fit_intercept)
    assert lams[0] == pytest.approx(lmax, rel=1e-14)
    assert np.all(path.coefs[0] == 0.0)
    if fit_intercept:
        assert path.intercepts[0] == pytest.approx(float(y.mean()), rel=1e-14)
    else:
        assert np.all(path.intercepts == 0.0)
    assert lams[-1] / lams[0] == pytest.approx(eps, rel=1e-12)
    ratios = lams[1:] / lams[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-12)  # log-spaced
    assert path.converged.all()
    # the same grid as scikit-learn's default one (its alphas converted back to λ)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)  # only the grid is used
        sk_alphas, _, _ = sk_lasso_path(
            X - X.mean(axis=0) if fit_intercept else X,
            y - y.mean() if fit_intercept else y,
            alphas=n_lams,
            eps=eps,
            max_iter=1,
        )
    sk_lams = np.array([from_sklearn_alpha(float(a), X.shape[0], "l1") for a in sk_alphas])
    np.testing.assert_allclose(lams, sk_lams, rtol=1e-12)


def test_default_grid_support_grows_along_the_path():
    X, y = make_problem(100, 20, "gauss", seed=25)
    path = lasso_path(X, y, n_lams=30, eps=1e-3, tol=1e-10)
    nnz = np.count_nonzero(path.coefs, axis=1)
    assert nnz[0] == 0
    assert nnz[-1] > 5
    assert path.converged.all()
    assert np.all(path.gaps <= 1e-10)
    for k in (5, 15, 29):
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], float(path.lams[k]), True, rtol=1e-8)


# --------------------------------------------------------------------------------------------
# the tall-design path (n > p): Gram sweeps plus exact solves on sign patterns


def random_spd(p, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3 * p, p))
    return A.T @ A


def assert_factor_matches(G, chol, act, pos, size):
    m = int(size[0])
    idx = act[:m]
    L = np.tril(chol[:m, :m])
    np.testing.assert_allclose(L @ L.T, G[np.ix_(idx, idx)], rtol=0, atol=1e-12 * np.abs(G).max())
    assert np.all(np.diag(L) > 0)
    assert np.all(pos[idx] == np.arange(m))
    assert np.count_nonzero(pos >= 0) == m


def test_cholesky_factor_append_and_delete_match_numpy():
    """Appending batches and deleting places keeps L Lᵀ = G_SS exactly (to rounding)."""
    G = random_spd(30, seed=60)
    chol, act, pos, size = gram_path_state(30)[:4]
    rng = np.random.default_rng(61)
    for _ in range(25):
        outside = np.flatnonzero(pos < 0)
        if size[0] > 3 and rng.random() < 0.4:
            _chol_delete(chol, act, pos, size, int(rng.integers(size[0])))
        elif outside.size:
            new = rng.choice(
                outside, size=min(outside.size, int(rng.integers(1, 5))), replace=False
            )
            assert _chol_append(G, chol, act, pos, size, new.astype(np.int64))
        assert_factor_matches(G, chol, act, pos, size)
    x = np.arange(1.0, size[0] + 1)
    G_SS = G[np.ix_(act[: size[0]], act[: size[0]])]
    b1, b2 = G_SS @ x, G_SS @ x[::-1]
    _chol_solve2(chol, int(size[0]), b1, b2)
    np.testing.assert_allclose(b1, x, rtol=1e-10)
    np.testing.assert_allclose(b2, x[::-1], rtol=1e-10)


def test_cholesky_append_refuses_a_dependent_column():
    X = np.random.default_rng(62).standard_normal((50, 6))
    X[:, 5] = X[:, 1] - 2.0 * X[:, 3]
    G = X.T @ X
    chol, act, pos, size = gram_path_state(6)[:4]
    assert _chol_append(G, chol, act, pos, size, np.array([0, 1, 3], dtype=np.int64))
    assert not _chol_append(G, chol, act, pos, size, np.array([2, 5, 4], dtype=np.int64))
    assert size[0] == 4  # column 2 was kept, 5 refused, 4 not tried
    assert_factor_matches(G, chol, act, pos, size)


@pytest.mark.parametrize("seed", [10, 18, 24])
def test_gram_path_where_features_leave_the_support(seed):
    """Correlated tall design whose path drops variables: deletions from the factor."""
    X, y = make_problem(200, 40, "corr", seed=seed, n_true=10)
    path = lasso_path(X, y, n_lams=60, eps=1e-3, tol=TIGHT_TOL, max_iter=MAX_ITER)
    nz = path.coefs != 0
    assert np.any(nz[:-1] & ~nz[1:]), "the test needs a path on which a variable leaves"
    assert np.any(path.n_iter == 0), "the test needs λ solved by the pattern step alone"
    assert path.converged.all()
    alphas = np.array([to_sklearn_alpha(float(lam), 200, "l1") for lam in path.lams])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnConvergenceWarning)
        _, sk_coefs, _ = sk_lasso_path(
            X - X.mean(axis=0), y - y.mean(), alphas=alphas, tol=SK_TOL, max_iter=MAX_ITER
        )
    for k, lam in enumerate(path.lams):
        assert_coef_close(path.coefs[k], sk_coefs[:, k])
        np.testing.assert_array_equal(path.coefs[k] == 0.0, sk_coefs[:, k] == 0.0)
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], float(lam), True)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_path_coarse_grid_needs_sweeps(fit_intercept):
    """Far-apart λ change the pattern a lot: the pattern step fails and sweeps take over."""
    X, y = make_problem(300, 30, "corr", seed=63, n_true=12)
    lmax = lambda_max(X, y, fit_intercept=fit_intercept)
    lams = lmax * np.array([0.5, 0.01, 1e-4])
    path = lasso_path(X, y, lams, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert np.all(path.n_iter > 0)
    for k, lam in enumerate(path.lams):
        coef, intercept = sklearn_lasso(X, y, float(lam), fit_intercept)
        assert_coef_close(path.coefs[k], coef)
        np.testing.assert_array_equal(path.coefs[k] == 0.0, coef == 0.0)
        assert_intercept_close(path.intercepts[k], intercept, coef)
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], float(lam), fit_intercept)


def test_gram_path_with_duplicated_columns():
    """A singular active block (two equal columns): the factor refuses it, sweeps converge.

    The solution is not unique (the pair can share its weight), so the check is on the KKT
    conditions and on the objective, which is unique.
    """
    X, y = make_problem(150, 12, "gauss", seed=64)
    X = np.column_stack([X, X[:, 0]])
    path = lasso_path(X, y, n_lams=25, eps=1e-3, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert path.converged.all()
    for k, lam in enumerate(path.lams):
        lam = float(lam)
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], lam, True)
        coef, intercept = sklearn_lasso(X, y, lam, True)
        ours = objective(X, y, path.coefs[k], path.intercepts[k], lam)
        ref = objective(X, y, coef, intercept, lam)
        assert ours <= ref * (1 + 1e-10)


def objective(X, y, coef, intercept, lam):
    r = y - intercept - X @ coef
    return float(r @ r + lam * np.abs(coef).sum())


def ill_conditioned(n, p, seed=3):
    """Columns sharing a large common mean and no intercept: cond(XᵀX) ≈ 1e4–1e5."""
    X, y = make_problem(n, p, "gauss", seed=seed, n_true=40)
    return X + 5.0, y


def independent_rel_gap(X, y, coef, lam):
    r = y - X @ coef
    lam_h = to_half_rss(lam)
    primal = 0.5 * r @ r + lam_h * np.abs(coef).sum()
    theta = r * min(1.0, lam_h / np.max(np.abs(X.T @ r)))
    return (primal - (theta @ y - 0.5 * theta @ theta)) / primal


@pytest.mark.parametrize(
    ("n", "p", "frac"), [(300, 200, 0.01), (1000, 200, 0.01), (1000, 200, 1e-3)]
)
def test_ill_conditioned_lasso_cd_converges_by_the_pattern_solve(n, p, frac):
    """Sweeps alone stall here: scikit-learn's relative gap is still 1e-7 to 0.5 after 10⁵
    epochs. The solve on the settled sign pattern, with iterative refinement, reaches the
    KKT conditions to rounding level."""
    X, y = ill_conditioned(n, p)
    lam = frac * lambda_max(X, y, fit_intercept=False)
    res = lasso_cd(X, y, lam, fit_intercept=False, tol=1e-12)
    assert res.converged
    assert res.n_iter < 20_000
    assert_kkt(X, y, res.coef, 0.0, lam, False)
    assert independent_rel_gap(X, y, res.coef, lam) <= 1e-11


def test_ill_conditioned_gram_path_converges():
    X, y = ill_conditioned(300, 200)
    path = lasso_path(X, y, n_lams=30, eps=1e-3, fit_intercept=False, tol=1e-11)
    assert path.converged.all()
    for k, lam in enumerate(path.lams):
        assert_kkt(X, y, path.coefs[k], 0.0, float(lam), False)


def lasso_path_tall_problems():
    @st.composite
    def build(draw):
        n = draw(st.integers(30, 120))
        p = draw(st.integers(2, n - 5))
        rho = draw(st.sampled_from([0.0, 0.5, 0.95]))
        seed = draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        common = rng.standard_normal((n, 1))
        X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * common
        beta = rng.standard_normal(p) * (rng.random(p) < 0.3)
        y = X @ beta + rng.standard_normal(n)
        return X, y, draw(st.booleans()), draw(st.integers(2, 40))

    return build()


@settings(max_examples=40, deadline=None)
@given(lasso_path_tall_problems())
def test_property_gram_path_kkt(problem):
    X, y, fit_intercept, n_lams = problem
    assume(np.ptp(y) > 0)
    path = lasso_path(X, y, n_lams=n_lams, eps=1e-3, fit_intercept=fit_intercept, tol=TIGHT_TOL)
    assert path.converged.all()
    for k, lam in enumerate(path.lams):
        assert_kkt(X, y, path.coefs[k], path.intercepts[k], float(lam), fit_intercept)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_user_lams_are_sorted_decreasing(fit_intercept):
    X, y = make_problem(60, 30, "corr", seed=26)
    lmax = lambda_max(X, y, fit_intercept=fit_intercept)
    given_lams = lmax * np.array([0.05, 0.5, 2.0, 0.01, 0.2])
    path = lasso_path(X, y, lams=given_lams, fit_intercept=fit_intercept, tol=TIGHT_TOL)
    np.testing.assert_array_equal(path.lams, np.sort(given_lams)[::-1])
    assert np.all(path.coefs[0] == 0.0)  # λ = 2·λ_max comes first
    for k, lam in enumerate(path.lams):
        single = lasso_cd(X, y, float(lam), fit_intercept=fit_intercept, tol=TIGHT_TOL)
        assert_coef_close(path.coefs[k], single.coef)
        assert_intercept_close(path.intercepts[k], single.intercept, single.coef)


def test_user_lams_list_and_single_value():
    X, y = make_problem(40, 10, seed=27)
    lmax = lambda_max(X, y)
    path = lasso_path(X, y, lams=[0.1 * lmax, 0.3 * lmax], tol=TIGHT_TOL)
    np.testing.assert_allclose(path.lams, [0.3 * lmax, 0.1 * lmax], rtol=0)
    one = lasso_path(X, y, lams=0.2 * lmax, tol=TIGHT_TOL)
    assert one.coefs.shape == (1, 10)
    single = lasso_cd(X, y, 0.2 * lmax, tol=TIGHT_TOL)
    assert_coef_close(one.coefs[0], single.coef)


def test_path_convergence_warning():
    X, y, lam = hard_problem()
    with pytest.warns(bayesreg.ConvergenceWarning, match=r"duality gap") as record:
        path = lasso_path(X, y, lams=[lam, 2 * lam], max_iter=1)
    assert not path.converged.all()
    assert record[0].filename == __file__


# --------------------------------------------------------------------------------------------
# property test: KKT on random small problems


@st.composite
def lasso_problems(draw):
    n = draw(st.integers(5, 40))
    p = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["gauss", "corr", "integer", "duplicate", "scaled"]))
    fit_intercept = draw(st.booleans())
    frac = draw(st.floats(0.01, 1.2))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if kind == "corr":
        X = np.sqrt(0.1) * X + np.sqrt(0.9) * rng.standard_normal((n, 1))
    elif kind == "integer":  # ties, possibly constant or zero columns
        X = rng.integers(-2, 3, size=(n, p)).astype(np.float64)
    elif kind == "duplicate" and p > 1:
        X[:, -1] = X[:, 0]
    elif kind == "scaled":
        X = X * np.logspace(-3, 3, p)
    y = X @ rng.standard_normal(p) * rng.binomial(1, 0.5) + rng.standard_normal(n) + 2.0
    return X, y, frac, fit_intercept


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(lasso_problems())
def test_property_kkt_holds(problem):
    X, y, frac, fit_intercept = problem
    lmax = lambda_max(X, y, fit_intercept=fit_intercept)
    assume(lmax > 0)
    lam = frac * lmax
    res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, tol=TIGHT_TOL, max_iter=MAX_ITER)
    assert res.converged
    assert np.all(np.isfinite(res.coef))
    assert_kkt(X, y, res.coef, res.intercept, lam, fit_intercept, rtol=1e-7)
    if frac >= 1.0:
        assert np.all(res.coef == 0.0)


# --------------------------------------------------------------------------------------------
# bad input


def _Xy():
    return make_problem(20, 4, seed=28)


def _bad_Xy_cases():
    return bad_Xy_cases(*_Xy())


@pytest.mark.parametrize(("X", "y", "match"), _bad_Xy_cases())
def test_bad_X_y_lasso_cd(X, y, match):
    with pytest.raises(ValueError, match=match):
        lasso_cd(X, y, 1.0)


@pytest.mark.parametrize("wide", [False, True], ids=["tall-gram", "wide"])
@pytest.mark.parametrize(("X", "y", "match"), _bad_Xy_cases())
def test_bad_X_y_lasso_path(X, y, match, wide):
    """Both routes: n > p (finiteness read off XᵀX) and n ≤ p (checked directly)."""
    if wide and isinstance(X, np.ndarray) and X.ndim == 2 and 0 < X.shape[1] < X.shape[0]:
        extra = np.random.default_rng(0).standard_normal((X.shape[0], X.shape[0]))
        X = np.column_stack([X, extra.astype(X.dtype)])
    with pytest.raises(ValueError, match=match):
        lasso_path(X, y, n_lams=3)
    with pytest.raises(ValueError, match=match):
        lasso_path(X, y, lams=[1.0, 0.5])


@pytest.mark.parametrize(("n", "p"), [(40, 5), (8, 20)], ids=["gram", "rows"])
def test_values_whose_squares_underflow_are_rejected(n, p):
    X, y = make_problem(n, p, seed=66)
    message = r"X has values too small.*underflows"
    with pytest.raises(ValueError, match=message):
        lasso_path(X * 1e-200, y, n_lams=3)
    with pytest.raises(ValueError, match=message):
        lasso_cd(X * 1e-200, y, 1.0)


@pytest.mark.parametrize("where", ["X", "y"])
def test_values_whose_squares_overflow_are_rejected(where):
    X, y = make_problem(40, 5, seed=65)
    if where == "X":
        X[3, 2] = 1e200
    else:
        y[2] = -1e200
    for fit_intercept in (True, False):
        message = rf"{where} has values too large.*overflows float64"
        with pytest.raises(ValueError, match=message):
            lasso_path(X, y, n_lams=3, fit_intercept=fit_intercept)  # Gram route (n > p)
        with pytest.raises(ValueError, match=message):
            lasso_path(X[:4], y[:4], n_lams=3, fit_intercept=fit_intercept)  # n ≤ p
        with pytest.raises(ValueError, match=message):
            lasso_cd(X, y, 1.0, fit_intercept=fit_intercept)


@pytest.mark.parametrize(("X", "y", "match"), _bad_Xy_cases())
def test_bad_X_y_lambda_max(X, y, match):
    with pytest.raises(ValueError, match=match):
        lambda_max(X, y)


@pytest.mark.parametrize(
    ("lam", "match"),
    [
        (-1.0, r"lam must be >= 0"),
        (-1e-300, r"lam must be >= 0"),
        (0.0, r"lam must be > 0 for the Lasso"),
        (np.nan, r"lam must be finite"),
        (np.inf, r"lam must be finite"),
        ("1.0", r"lam must be numeric"),
        (None, r"lam is missing"),
        ([1.0, 2.0], r"lam must be a scalar"),
    ],
)
def test_bad_lam_lasso_cd(lam, match):
    X, y = _Xy()
    with pytest.raises(ValueError, match=match):
        lasso_cd(X, y, lam)


@pytest.mark.parametrize(
    ("lams", "match"),
    [
        ([1.0, 0.0], r"lams must all be > 0"),
        ([1.0, -0.5], r"lams must all be >= 0"),
        ([1.0, np.nan], r"lams contains 1 NaN"),
        ([np.inf], r"lams contains 1 infinite"),
        ([], r"lams must be a non-empty 1-D"),
        ([[1.0, 0.5]], r"lams must be a non-empty 1-D"),
        (["a", "b"], r"lams must be numeric"),
    ],
)
def test_bad_lams_lasso_path(lams, match):
    X, y = _Xy()
    with pytest.raises(ValueError, match=match):
        lasso_path(X, y, lams=lams)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_lams": 0}, r"n_lams must be a positive integer"),
        ({"n_lams": 2.5}, r"n_lams must be a positive integer"),
        ({"eps": 0.0}, r"eps must be positive"),
        ({"eps": -1e-3}, r"eps must be positive"),
        ({"eps": np.nan}, r"eps must be finite"),
        ({"tol": 0.0}, r"tol must be positive"),
        ({"max_iter": 0}, r"max_iter must be a positive integer"),
    ],
)
def test_bad_path_options(kwargs, match):
    X, y = _Xy()
    with pytest.raises(ValueError, match=match):
        lasso_path(X, y, **kwargs)


def test_path_constant_y_default_grid_raises():
    X, _ = _Xy()
    with pytest.raises(ValueError, match=r"y is constant"):
        lasso_path(X, np.full(20, 2.0))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tol": 0.0}, r"tol must be positive"),
        ({"tol": -1.0}, r"tol must be positive"),
        ({"tol": np.nan}, r"tol must be finite"),
        ({"max_iter": 0}, r"max_iter must be a positive integer"),
        ({"max_iter": -5}, r"max_iter must be a positive integer"),
        ({"max_iter": 10.0}, r"max_iter must be a positive integer"),
    ],
)
def test_bad_solver_options(kwargs, match):
    X, y = _Xy()
    with pytest.raises(ValueError, match=match):
        lasso_cd(X, y, 1.0, **kwargs)


@pytest.mark.parametrize(
    "coef_init",
    [np.zeros(3), np.zeros(5), np.zeros((4, 1)), np.zeros((1, 4)), np.float64(0.0), []],
    ids=["short", "long", "column", "row", "scalar", "empty"],
)
def test_coef_init_wrong_shape(coef_init):
    X, y = _Xy()
    with pytest.raises(ValueError, match=r"coef_init must have shape \(4,\)"):
        lasso_cd(X, y, 1.0, coef_init=coef_init)


@pytest.mark.parametrize(
    "bad",
    [
        np.array([0.0, np.nan, 0.0, 0.0]),
        np.array([np.inf, 0.0, 0.0, 0.0]),
        np.array(["a", "b", "c", "d"]),
    ],
    ids=["nan", "inf", "strings"],
)
def test_coef_init_non_finite_or_non_numeric(bad):
    # Bad values in a warm start must be rejected like bad values in X, y (a ValueError naming
    # coef_init), never turned into a NaN solution reported as converged.
    X, y = _Xy()
    with pytest.raises(ValueError, match=r"coef_init"):
        lasso_cd(X, y, 1.0, coef_init=bad)


# ------------------------------------------------------------------------ single-fit Gram route
def _tall(n: int, p: int, k: int, rho: float, seed: int, noise: float = 1.0):
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * rng.standard_normal((n, 1))
    X += rng.uniform(-2, 2, p)  # column means: the intercept matters
    b = np.zeros(p)
    b[rng.choice(p, k, replace=False)] = rng.standard_normal(k)
    return X, 4.0 + X @ b + noise * rng.standard_normal(n)


@pytest.mark.parametrize("route", ["cd", "gram", "auto"])
def test_routes_agree_with_sklearn_on_a_tall_design_at_small_lambda(route):
    from sklearn.linear_model import Lasso

    X, y = _tall(3000, 60, 40, 0.3, seed=5)
    n = X.shape[0]
    lam = 1e-3 * lambda_max(X, y)
    res = lasso_cd(X, y, lam, route=route)
    assert res.converged and res.gap <= 1e-10
    assert res.route == ("cd" if route == "cd" else "gram")  # auto: CD's budget runs out
    ref = Lasso(alpha=to_sklearn_alpha(lam, n, "l1"), tol=1e-14, max_iter=10**6).fit(X, y)
    assert_coef_close(res.coef, ref.coef_)
    assert_intercept_close(res.intercept, ref.intercept_, ref.coef_)
    np.testing.assert_array_equal(res.coef == 0, ref.coef_ == 0)
    # KKT written out on the data: |x_jᵀr| ≤ λ/2 off the support, = λ/2·sign on it
    r = y - res.intercept - X @ res.coef
    g = X.T @ r
    on = res.coef != 0
    scale = np.abs(X.T @ (y - y.mean())).max()
    assert np.all(np.abs(g[~on]) <= lam / 2 + 1e-9 * scale)
    np.testing.assert_allclose(g[on], lam / 2 * np.sign(res.coef[on]), atol=1e-9 * scale)


def test_auto_goes_straight_to_the_gram_route_far_below_lambda_max():
    # below 0.01·λ_max no coordinate-descent trial: the very computation of route="gram"
    X, y = _tall(3000, 60, 40, 0.3, seed=5)
    lmax = lambda_max(X, y)
    auto, gram = (lasso_cd(X, y, 1e-3 * lmax, route=r) for r in ("auto", "gram"))
    assert auto.route == "gram" and auto.n_iter == gram.n_iter
    np.testing.assert_array_equal(auto.coef, gram.coef)
    # above it the trial runs first (and here it does not finish: gram takes over from it)
    near = lasso_cd(X, y, 0.02 * lmax)
    assert near.n_iter != lasso_cd(X, y, 0.02 * lmax, route="gram").n_iter


def test_auto_keeps_coordinate_descent_when_it_converges_quickly():
    X, y = _tall(5000, 500, 20, 0.0, seed=6)  # benchmark problem 1: ~15 sweeps suffice
    res = lasso_cd(X, y, 0.05 * lambda_max(X, y))
    assert res.route == "cd" and res.converged
    wide = lasso_cd(X[:30], y[:30], 0.01 * lambda_max(X[:30], y[:30]))  # n < 4p: never Gram
    assert wide.route == "cd"


@pytest.mark.parametrize("noise", [1e-7, 1e-3])
@pytest.mark.parametrize("ratio", [1e-9, 1e-4])
def test_auto_route_is_certified_like_coordinate_descent(noise, ratio):
    """Near-exact fits push the Gram form's gap to its rounding floor: auto must still end
    converged whenever coordinate descent on the data does, at the same solution."""
    X, y = _tall(2000, 30, 30, 0.2, seed=7, noise=noise)
    lam = ratio * lambda_max(X, y)
    with warnings.catch_warnings():
        # at 1e-9·λ_max coordinate descent alone stalls (gap ~1e-6 after 20 000 sweeps)
        warnings.simplefilter("ignore", bayesreg.ConvergenceWarning)
        refs = [lasso_cd(X, y, lam, tol=1e-12, route=r) for r in ("cd", "gram")]
    res = lasso_cd(X, y, lam, tol=1e-12)
    assert res.converged and res.gap <= 1e-12 and res.route in ("gram", "gram+cd")
    ref = next(r for r in refs if r.converged)
    assert_coef_close(res.coef, ref.coef)
    np.testing.assert_array_equal(res.coef == 0, ref.coef == 0)
    # the certificate, recomputed on the data by the package's one residual function
    assert optimality_residual(X, y, res.coef, res.intercept, lam, L1Penalty()) <= 1e-8


def test_route_errors():
    X, y = _tall(50, 10, 2, 0.0, seed=8)
    with pytest.raises(ValueError, match=r"route must be 'auto', 'cd' or 'gram'"):
        lasso_cd(X, y, 1.0, route="fast")
    with pytest.raises(ValueError, match=r"route='gram' needs a dense X with more rows"):
        lasso_cd(X[:8], y[:8], 1.0, route="gram")
    import scipy.sparse

    with pytest.raises(ValueError, match=r"route='gram' needs a dense X"):
        lasso_cd(scipy.sparse.csc_array(X), y, 1.0, route="gram")


def test_gram_kernel_warm_start_from_the_solution_is_certified_at_once():
    """gram_path's start β₀: started at the optimum it must certify it without moving."""
    from bayesreg.solvers._design import centered_gram

    X, y = _tall(1500, 25, 10, 0.3, seed=9)
    lam = 0.01 * lambda_max(X, y)
    sol = lasso_cd(X, y, lam, tol=1e-13, route="cd")
    stats = centered_gram(X, y, True)
    out = np.zeros((1, 25)), np.zeros(1, dtype=np.int64), np.zeros(1), np.zeros(1, dtype=bool)
    gram_path(
        stats.gram, stats.xty, stats.yty, np.array([lam / 2]), 1, 1e-11, 1e-9, *out,
        gram_path_state(25), sol.coef.copy(),
    )  # fmt: skip
    coefs, n_iter, gaps, converged = out
    assert converged[0] and gaps[0] <= 1e-11 and n_iter[0] <= 1
    assert_coef_close(coefs[0], sol.coef, rtol=1e-10)
