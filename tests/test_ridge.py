"""Ridge regression in closed form: ``ridge_closed_form``.

Objective: ‖y − β₀ − Xβ‖²₂ + λ‖β‖²₂ with β₀ unpenalized. scikit-learn's ``Ridge`` alpha is
obtained only through :func:`bayesreg.to_sklearn_alpha` (``"l2"``).

Optimality is checked from the returned solution alone: the gradient
2Xᵀ(Xβ + β₀ − y) + 2λβ vanishes (relative to ‖2X_cᵀy_c‖∞, the data gradient at β = 0), and
Σr = 0 when an intercept is fitted.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import COEF_RTOL, assert_coef_close, assert_intercept_close, bad_Xy_cases
from sklearn.linear_model import Ridge

from bayesreg import RidgeResult, ridge_closed_form, to_sklearn_alpha

GRAD_RTOL = 1e-9
MULTI_RTOL = 1e-9


def make_problem(n, p, kind="gauss", seed=0, intercept=1.5):
    """A dense linear model with Gaussian noise; ``kind='corr'``: pairwise correlation 0.9."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    if kind == "gauss":
        X = Z
    elif kind == "corr":
        common = rng.standard_normal((n, 1))
        X = np.sqrt(0.1) * Z + np.sqrt(0.9) * common
    else:  # pragma: no cover - test bug
        raise AssertionError(kind)
    beta = rng.standard_normal(p)
    y = X @ beta + intercept + rng.standard_normal(n)
    return X, y


def centered(X, y, fit_intercept):
    if fit_intercept:
        return X - X.mean(axis=0), y - y.mean()
    return X, y


def coef_scale(coef):
    return max(1.0, float(np.max(np.abs(coef))))


def assert_stationary(X, y, coef, intercept, lam, fit_intercept, rtol=GRAD_RTOL):
    """‖2Xᵀ(Xβ + β₀ − y) + 2λβ‖∞ ≤ rtol·‖2X_cᵀy_c‖∞ and Σr = 0 (with an intercept)."""
    r = y - intercept - X @ coef
    grad = 2.0 * (X.T @ (X @ coef + intercept - y)) + 2.0 * lam * coef
    Xc, yc = centered(X, y, fit_intercept)
    scale = float(np.max(np.abs(2.0 * (Xc.T @ yc))))
    g = float(np.max(np.abs(grad)))
    assert g <= rtol * scale, f"gradient {g:.3e} > {rtol:.0e}·{scale:.3g}"
    if fit_intercept:
        terms = float(np.abs(y).sum() + np.abs(X @ coef).sum() + y.size * abs(intercept))
        assert abs(float(r.sum())) <= 1e-12 * terms, f"Σr = {r.sum():.3e}"
    else:
        assert intercept == 0.0


def sklearn_ridge(X, y, lam, fit_intercept):
    alpha = to_sklearn_alpha(lam, X.shape[0], "l2")
    model = Ridge(alpha=alpha, solver="cholesky", fit_intercept=fit_intercept).fit(X, y)
    return model.coef_, float(model.intercept_)


SHAPES = [(100, 20), (50, 200), (60, 59), (40, 41)]
KINDS = ["gauss", "corr"]
LAMS = [1e-2, 1.0, 100.0]


# --------------------------------------------------------------------------------------------
# agreement with scikit-learn


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), SHAPES)
def test_matches_sklearn_ridge(n, p, kind, fit_intercept, lam):
    X, y = make_problem(n, p, kind, seed=n + p)
    res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
    sk_coef, sk_intercept = sklearn_ridge(X, y, lam, fit_intercept)
    assert isinstance(res, RidgeResult)
    assert res.coef.shape == (p,)
    assert isinstance(res.intercept, float)
    assert res.lam == lam
    assert_coef_close(res.coef, sk_coef)
    assert_intercept_close(res.intercept, sk_intercept, res.coef)
    if not fit_intercept:
        assert res.intercept == 0.0


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_normal_equations_directly(fit_intercept):
    # (X_cᵀX_c + λI)β = X_cᵀy_c solved by a generic dense solver, both n > p and p > n
    for n, p in [(70, 12), (12, 70)]:
        X, y = make_problem(n, p, "corr", seed=3)
        lam = 0.7
        Xc, yc = centered(X, y, fit_intercept)
        expected = np.linalg.solve(Xc.T @ Xc + lam * np.eye(p), Xc.T @ yc)
        res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
        assert_coef_close(res.coef, expected)
        b0 = float(y.mean() - X.mean(axis=0) @ expected) if fit_intercept else 0.0
        assert_intercept_close(res.intercept, b0, expected)


# --------------------------------------------------------------------------------------------
# stationarity, checked from the solution alone


@pytest.mark.parametrize("lam", [1e-3, *LAMS, 1e5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), [(100, 20), (50, 200), (10, 3), (3, 10)])
def test_gradient_vanishes_at_solution(n, p, kind, fit_intercept, lam):
    X, y = make_problem(n, p, kind, seed=7 * n + p)
    res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
    assert_stationary(X, y, res.coef, res.intercept, lam, fit_intercept)


def test_gradient_check_fails_for_a_wrong_solution():
    X, y = make_problem(60, 10, seed=1)
    res = ridge_closed_form(X, y, 1.0)
    with pytest.raises(AssertionError, match="gradient"):
        assert_stationary(X, y, res.coef * 1.001, res.intercept, 1.0, True)
    with pytest.raises(AssertionError, match="Σr"):
        assert_stationary(X, y, res.coef, res.intercept + 1e-6, 1.0, True, rtol=1.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_huge_lam_shrinks_to_zero(fit_intercept):
    X, y = make_problem(30, 5, seed=2)
    res = ridge_closed_form(X, y, 1e14, fit_intercept=fit_intercept)
    assert np.max(np.abs(res.coef)) < 1e-10
    if fit_intercept:
        assert res.intercept == pytest.approx(float(y.mean()), rel=1e-9)


def test_solution_minimizes_the_objective():
    X, y = make_problem(40, 60, "corr", seed=4)
    lam = 2.0
    res = ridge_closed_form(X, y, lam)

    def F(coef, b0):
        r = y - b0 - X @ coef
        return float(r @ r + lam * coef @ coef)

    f_hat = F(res.coef, res.intercept)
    rng = np.random.default_rng(0)
    for _ in range(20):
        d = 1e-3 * rng.standard_normal(60)
        assert F(res.coef + d, res.intercept + 1e-3 * rng.standard_normal()) > f_hat


# --------------------------------------------------------------------------------------------
# several λ at once


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), [(100, 20), (50, 200), (30, 30)])
def test_several_lams_match_single_lam(n, p, kind, fit_intercept):
    X, y = make_problem(n, p, kind, seed=11)
    lams = np.array([10.0, 1e-2, 1.0, 1e3, 0.3])  # deliberately unsorted
    multi = ridge_closed_form(X, y, lams, fit_intercept=fit_intercept)
    assert multi.coef.shape == (lams.size, p)
    assert np.shape(multi.intercept) == (lams.size,)
    np.testing.assert_array_equal(multi.lam, lams)  # rows follow the order given
    for k, lam in enumerate(lams):
        single = ridge_closed_form(X, y, float(lam), fit_intercept=fit_intercept)
        assert_coef_close(multi.coef[k], single.coef, rtol=MULTI_RTOL)
        assert_intercept_close(multi.intercept[k], single.intercept, single.coef, MULTI_RTOL)
        assert_stationary(X, y, multi.coef[k], multi.intercept[k], lam, fit_intercept)
    if not fit_intercept:
        assert np.all(multi.intercept == 0.0)


def test_several_lams_accepts_list_tuple_and_length_one():
    X, y = make_problem(25, 8, seed=12)
    single = ridge_closed_form(X, y, 0.5)
    for lam in ([0.5], (0.5,), np.array([0.5])):
        multi = ridge_closed_form(X, y, lam)
        assert multi.coef.shape == (1, 8)
        assert_coef_close(multi.coef[0], single.coef, rtol=MULTI_RTOL)
        assert_intercept_close(multi.intercept[0], single.intercept, single.coef, MULTI_RTOL)
    # a 0-d array is a single λ
    zero_d = ridge_closed_form(X, y, np.float64(0.5))
    assert zero_d.coef.shape == (8,)
    assert_coef_close(zero_d.coef, single.coef, rtol=1e-14)


# --------------------------------------------------------------------------------------------
# λ = 0: least squares


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), [(100, 20), (31, 30), (10, 1)])
def test_lam_zero_is_least_squares(n, p, kind, fit_intercept):
    X, y = make_problem(n, p, kind, seed=13)
    Xc, yc = centered(X, y, fit_intercept)
    expected, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
    b0 = float(y.mean() - X.mean(axis=0) @ expected) if fit_intercept else 0.0
    cond = np.linalg.cond(Xc)
    rtol = max(COEF_RTOL, 1e-14 * cond * cond)  # the normal equations square the condition
    for res in (
        ridge_closed_form(X, y, 0.0, fit_intercept=fit_intercept),
        ridge_closed_form(X, y, 0, fit_intercept=fit_intercept),
    ):
        assert_coef_close(res.coef, expected, rtol=rtol)
        assert_intercept_close(res.intercept, b0, expected, rtol=rtol)
    multi = ridge_closed_form(X, y, [0.0, 1.0], fit_intercept=fit_intercept)
    assert_coef_close(multi.coef[0], expected, rtol=rtol)
    assert_intercept_close(multi.intercept[0], b0, expected, rtol=rtol)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [(20, 50), (5, 8), (10, 200), (30, 31)])
def test_lam_zero_with_p_greater_than_n_is_singular(n, p, fit_intercept):
    X, y = make_problem(n, p, seed=14)
    with pytest.raises(ValueError, match="singular"):
        ridge_closed_form(X, y, 0.0, fit_intercept=fit_intercept)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lam_zero_with_p_greater_than_n_is_singular_several_lams(fit_intercept):
    X, y = make_problem(20, 50, seed=15)
    with pytest.raises(ValueError, match="singular"):
        ridge_closed_form(X, y, [0.0, 1.0], fit_intercept=fit_intercept)


@pytest.mark.parametrize("seed", [16, 0, 24])
@pytest.mark.parametrize("lam", [0.0, [0.0, 1.0]], ids=["single", "several"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lam_zero_with_duplicate_column_is_singular(fit_intercept, lam, seed):
    # Whether Cholesky happens to break down on an exactly singular Gram matrix depends on
    # rounding; the seeds include designs where it does not.
    X, y = make_problem(50, 5, seed=seed)
    X = np.column_stack([X, X[:, 0]])
    with pytest.raises(ValueError, match="singular"):
        ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)


@pytest.mark.parametrize("lam", [0.0, [0.0, 1.0]], ids=["single", "several"])
def test_lam_zero_with_constant_column_and_intercept_is_singular(lam):
    X, y = make_problem(50, 5, seed=17)
    X[:, 2] = 3.0
    with pytest.raises(ValueError, match="singular"):
        ridge_closed_form(X, y, lam)


# --------------------------------------------------------------------------------------------
# degenerate columns with λ > 0


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), [(40, 8), (8, 40)])
def test_zero_column_gets_zero_coefficient(n, p, fit_intercept):
    X, y = make_problem(n, p, seed=18)
    X[:, 3] = 0.0
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = ridge_closed_form(X, y, 0.5, fit_intercept=fit_intercept)
        multi = ridge_closed_form(X, y, [0.5, 5.0], fit_intercept=fit_intercept)
    assert res.coef[3] == 0.0
    assert np.all(np.abs(multi.coef[:, 3]) <= 1e-12 * coef_scale(multi.coef))
    assert_stationary(X, y, res.coef, res.intercept, 0.5, fit_intercept)
    sk_coef, sk_intercept = sklearn_ridge(X, y, 0.5, fit_intercept)
    assert_coef_close(res.coef, sk_coef)
    assert_intercept_close(res.intercept, sk_intercept, res.coef)


@pytest.mark.parametrize(("n", "p"), [(40, 8), (8, 40)])
def test_constant_column_with_intercept_gets_zero_coefficient(n, p):
    X, y = make_problem(n, p, seed=19)
    X[:, 1] = 7.25
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = ridge_closed_form(X, y, 0.5)
    assert res.coef[1] == 0.0
    assert_stationary(X, y, res.coef, res.intercept, 0.5, True)


# --------------------------------------------------------------------------------------------
# input handling


def test_inputs_are_not_modified():
    for n, p in [(30, 6), (6, 30)]:
        X, y = make_problem(n, p, seed=20)
        X0, y0 = X.copy(), y.copy()
        lams = np.array([1.0, 0.1])
        ridge_closed_form(X, y, 1.0)
        ridge_closed_form(X, y, lams)
        np.testing.assert_array_equal(X, X0)
        np.testing.assert_array_equal(y, y0)
        np.testing.assert_array_equal(lams, [1.0, 0.1])


def test_array_likes_orders_and_dtypes_are_accepted():
    X, y = make_problem(30, 6, seed=21)
    Xi = np.round(3 * X).astype(np.int64)
    ref = ridge_closed_form(Xi.astype(np.float64), y, 0.4)
    for Xv, yv in [
        (Xi, y),
        (Xi.tolist(), y.tolist()),
        (np.asfortranarray(Xi.astype(np.float64)), y),
        (Xi.astype(np.float32), y),
        (Xi, y.reshape(-1, 1)),
    ]:
        res = ridge_closed_form(Xv, yv, 0.4)
        assert_coef_close(res.coef, ref.coef, rtol=1e-12)
        assert res.intercept == pytest.approx(ref.intercept, rel=1e-12, abs=1e-12)


def test_shifting_X_and_y_changes_only_the_intercept():
    X, y = make_problem(50, 12, seed=22)
    ref = ridge_closed_form(X, y, 3.0)
    shift = np.linspace(-5, 5, 12)
    moved = ridge_closed_form(X + shift, y + 100.0, 3.0)
    assert_coef_close(moved.coef, ref.coef)
    assert moved.intercept == pytest.approx(ref.intercept + 100.0 - shift @ ref.coef, rel=1e-9)


@pytest.mark.parametrize("offset", [0.5, 1e4])
def test_column_means_small_and_large_against_the_spread(offset):
    """Means ≤ 10 sd use XᵀX − n·x̄x̄ᵀ; larger ones an exactly centered copy: both accurate."""
    X, y = make_problem(400, 15, seed=24)
    X = X + offset * np.arange(1, 16)
    res = ridge_closed_form(X, y, 2.5)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ref = np.linalg.solve(Xc.T @ Xc + 2.5 * np.eye(15), Xc.T @ yc)
    assert_coef_close(res.coef, ref, rtol=1e-10)
    assert res.intercept == pytest.approx(y.mean() - X.mean(axis=0) @ ref, rel=1e-9)


# --------------------------------------------------------------------------------------------
# bad input


def _bad_Xy_cases():
    return bad_Xy_cases(*make_problem(20, 4, seed=23))


@pytest.mark.parametrize("lam", [1.0, [1.0, 0.1]], ids=["single", "several"])
@pytest.mark.parametrize(("X", "y", "match"), _bad_Xy_cases())
def test_bad_X_y(X, y, match, lam):
    with pytest.raises(ValueError, match=match):
        ridge_closed_form(X, y, lam)


def test_values_whose_squares_overflow_are_rejected():
    X, y = make_problem(40, 5, seed=25)
    X[0, 0] = 1e200
    for fit_intercept in (True, False):
        with pytest.raises(ValueError, match=r"X has values too large.*overflows float64"):
            ridge_closed_form(X, y, 1.0, fit_intercept=fit_intercept)


@pytest.mark.parametrize(("n", "p"), [(40, 5), (8, 20)], ids=["primal", "dual"])
def test_extreme_scales_are_rejected_by_name(n, p):
    X, y = make_problem(n, p, seed=29)
    with pytest.raises(ValueError, match=r"X has values too small.*underflows"):
        ridge_closed_form(X * 1e-200, y, 1.0)
    with pytest.raises(ValueError, match=r"X and y have values too large.*overflow"):
        ridge_closed_form(X * 1e150, y * 1e158, 1.0)


def test_huge_response_is_fine():
    """Ridge never squares y: a response of order 1e160 scales the solution exactly."""
    X, y = make_problem(40, 5, seed=26)
    ref = ridge_closed_form(X, y, 1.0)
    big = ridge_closed_form(X, y * 1e160, 1.0)
    assert_coef_close(big.coef / 1e160, ref.coef, rtol=1e-12)


def augmented_lstsq(X, y, lam, fit_intercept):
    """Independent reference: least squares on [X_c; √λ·I] β ≈ [y_c; 0] (QR/SVD, no XᵀX)."""
    Xc, yc = (X - X.mean(axis=0), y - y.mean()) if fit_intercept else (X, y)
    p = X.shape[1]
    A = np.vstack([Xc, np.sqrt(lam) * np.eye(p)])
    return np.linalg.lstsq(A, np.concatenate([yc, np.zeros(p)]), rcond=None)[0]


def test_uncentered_design_without_intercept_is_refined():
    """Columns with mean 1e4 and no intercept: the residual of the normal equations must be
    formed from the data residual, or refinement cannot see the error."""
    rng = np.random.default_rng(28)
    X = rng.standard_normal((50, 5)) + 1e4
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(50)
    ours = ridge_closed_form(X, y, 1.0, fit_intercept=False)
    assert_coef_close(ours.coef, augmented_lstsq(X, y, 1.0, False), rtol=1e-10)


def test_hopelessly_conditioned_normal_equations_fall_back_to_the_svd():
    """cond(XᵀX)·eps ≫ 1: refinement would diverge; the SVD of X answers instead, as
    accurately as scikit-learn's 'svd' solver."""
    rng = np.random.default_rng(24)
    X = rng.standard_normal((300, 30))
    X[:, 1:] = X[:, :1] + 10 ** rng.uniform(-7, -4) * X[:, 1:]
    X += 10 ** rng.uniform(0, 3)
    y = X @ rng.standard_normal(30) + 0.1 * rng.standard_normal(300)
    ref = augmented_lstsq(X, y, 1e-10, False)
    ours = ridge_closed_form(X, y, 1e-10, fit_intercept=False).coef
    sk = Ridge(alpha=1e-10, solver="svd", fit_intercept=False).fit(X, y).coef_
    err_sk = np.max(np.abs(sk - ref))
    assert np.max(np.abs(ours - ref)) <= 10 * err_sk + 1e-12 * np.max(np.abs(ref))


@pytest.mark.parametrize("lam", [1e-10, 1e-8, 1e-6])
def test_ill_conditioned_design_is_solved_accurately(lam):
    """cond(XᵀX + λI) up to 3e12: Cholesky alone is off by ~1e-4; iterative refinement on
    the data brings it to the accuracy of an SVD/QR solve (scikit-learn's 'svd' solver)."""
    rng = np.random.default_rng(27)
    X = rng.standard_normal((50, 1)) + 1e-6 * rng.standard_normal((50, 8)) + 5.0
    y = rng.standard_normal(50)
    ours = ridge_closed_form(X, y, lam)
    ref = Ridge(alpha=to_sklearn_alpha(lam, 50, "l2"), solver="svd").fit(X, y)
    assert_coef_close(ours.coef, ref.coef_, rtol=1e-8)
    assert ours.intercept == pytest.approx(ref.intercept_, rel=1e-8)


# --------------------------------------------------------------------------------------------
# the mixed-precision route (float32 Gram or kernel, refined in float64) and its fallbacks

MIXED_SHAPES = [(400, 80), (80, 400)]


@pytest.fixture
def mixed_answers(monkeypatch):
    """Records, per call, whether the mixed-precision route answered (False: it declined)."""
    import bayesreg.solvers.ridge as ridge_module

    answered: list[bool] = []
    original = ridge_module._ridge_mixed

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        answered.append(out is not None)
        return out

    monkeypatch.setattr(ridge_module, "_ridge_mixed", spy)
    return answered


def relative_gradient(X, y, coef, lam, fit_intercept):
    """‖X_cᵀ(y_c − X_cβ) − λβ‖∞ / ‖X_cᵀy_c‖∞ from the dense centered data (independent)."""
    Xc, yc = centered(X, y, fit_intercept)
    grad = Xc.T @ (yc - Xc @ coef) - lam * coef
    return float(np.max(np.abs(grad)) / np.max(np.abs(Xc.T @ yc)))


@pytest.mark.parametrize("lam", [0.1, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), MIXED_SHAPES, ids=["primal", "dual"])
def test_mixed_precision_route_is_as_exact_as_float64(
    n, p, kind, fit_intercept, lam, mixed_answers
):
    """The float32 product only preconditions: the refined answer equals an independent QR
    solve to 1e-11, its reported gradient residual is the true one, at rounding level."""
    X, y = make_problem(n, p, kind, seed=40)
    res = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
    assert mixed_answers == [True]
    assert_coef_close(res.coef, augmented_lstsq(X, y, lam, fit_intercept), rtol=1e-11)
    assert_stationary(X, y, res.coef, res.intercept, lam, fit_intercept, rtol=1e-12)
    true = relative_gradient(X, y, res.coef, lam, fit_intercept)
    assert res.grad_residual <= 1e-12
    assert res.grad_residual == pytest.approx(true, rel=0.5, abs=0)  # both at rounding level
    sk_coef, sk_intercept = sklearn_ridge(X, y, lam, fit_intercept)
    assert_coef_close(res.coef, sk_coef, rtol=1e-10)
    assert_intercept_close(res.intercept, sk_intercept, res.coef)


@pytest.mark.parametrize(("n", "p"), MIXED_SHAPES, ids=["primal", "dual"])
def test_float64_routes_report_their_gradient_residual_too(n, p, monkeypatch):
    import bayesreg.solvers.ridge as ridge_module

    monkeypatch.setattr(ridge_module, "_MIXED_MIN_SIZE", 10**9)
    X, y = make_problem(n, p, "corr", seed=41)
    res = ridge_closed_form(X, y, 1.0)
    true = relative_gradient(X, y, res.coef, 1.0, True)
    assert res.grad_residual <= 1e-12
    assert res.grad_residual == pytest.approx(true, rel=0.5, abs=0)  # both at rounding level
    assert ridge_closed_form(X, y, [1.0, 2.0]).grad_residual is None  # the SVD's


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("n", "p"), MIXED_SHAPES, ids=["primal", "dual"])
def test_mixed_route_zero_and_constant_columns_get_exact_zeros(n, p, fit_intercept, mixed_answers):
    X, y = make_problem(n, p, seed=42)
    X[:, 3] = 0.0
    if fit_intercept:
        X[:, 5] = 7.25
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = ridge_closed_form(X, y, 0.5, fit_intercept=fit_intercept)
    assert mixed_answers == [True]
    assert res.coef[3] == 0.0
    if fit_intercept:
        assert res.coef[5] == 0.0
    assert_stationary(X, y, res.coef, res.intercept, 0.5, fit_intercept, rtol=1e-12)
    assert_coef_close(res.coef, augmented_lstsq(X, y, 0.5, fit_intercept), rtol=1e-11)


@pytest.mark.parametrize(
    ("offset", "mixed"),
    [(3.0, True), (30.0, False), (1e4, False)],
    ids=["3sd-implicit", "30sd-float64", "1e4sd-float64"],
)
@pytest.mark.parametrize(("n", "p"), MIXED_SHAPES, ids=["primal", "dual"])
def test_mixed_route_column_means(n, p, offset, mixed, mixed_answers):
    """Means up to 10 sd are centered implicitly in the residuals; larger ones go to float64."""
    X, y = make_problem(n, p, seed=43)
    X = X + offset * np.linspace(-1, 1, p)
    res = ridge_closed_form(X, y, 2.5)
    assert mixed_answers == [mixed]
    assert_coef_close(res.coef, augmented_lstsq(X, y, 2.5, True), rtol=1e-10)
    assert res.intercept == pytest.approx(y.mean() - X.mean(axis=0) @ res.coef, rel=1e-9)


@pytest.mark.parametrize("scale", [1e-25, 1e25, 1e-140, 1e140])
@pytest.mark.parametrize(("n", "p"), MIXED_SHAPES, ids=["primal", "dual"])
def test_values_outside_float32s_range_are_solved_in_float64(n, p, scale, mixed_answers):
    """X·1e±25: float32 squares under- or overflow; X·1e±140: float32 values do. The mixed
    route declines and the float64 one answers, the same solution rescaled."""
    X, y = make_problem(n, p, seed=44)
    ref = ridge_closed_form(X, y, 1.0)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = ridge_closed_form(X * scale, y, scale**2)
    assert mixed_answers == [True, False]
    assert_coef_close(res.coef * scale, ref.coef, rtol=1e-10)
    assert res.intercept == pytest.approx(ref.intercept, rel=1e-10)


def test_mixed_route_declines_where_refinement_cannot_contract(mixed_answers):
    """cond(XᵀX + λI) ~ 1e10 ≫ 1/ε₃₂: the float32 factor cannot precondition; the float64
    route (refined Cholesky, else the SVD) answers as accurately as an independent QR."""
    rng = np.random.default_rng(45)
    X = rng.standard_normal((300, 1)) + 1e-5 * rng.standard_normal((300, 70))
    y = X[:, 0] + rng.standard_normal(300)
    res = ridge_closed_form(X, y, 1e-6)
    assert mixed_answers == [False]
    assert_coef_close(res.coef, augmented_lstsq(X, y, 1e-6, True), rtol=1e-6)


@pytest.mark.parametrize(("X", "y", "match"), bad_Xy_cases(*make_problem(100, 70, seed=46))[:2])
def test_mixed_route_bad_values_keep_their_named_errors(X, y, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=match):
            ridge_closed_form(X, y, 1.0)


@pytest.mark.parametrize(
    ("lam", "match"),
    [
        (-1.0, r"lam must be >= 0"),
        (-1e-300, r"lam must be >= 0"),
        (np.nan, r"lam must be finite"),
        (np.inf, r"lam must be finite"),
        ("1.0", r"lam must be numeric"),
        (None, r"lam is missing"),
        (1 + 1j, r"lam must be real-valued"),
        ([1.0, -0.5], r"lam must all be >= 0"),
        ([1.0, np.nan], r"lam contains 1 NaN"),
        ([np.inf, 1.0], r"lam contains 1 infinite"),
        ([], r"lam must be a non-empty 1-D"),
        ([[1.0, 0.5]], r"lam must be a non-empty 1-D"),
        (["a", "b"], r"lam must be numeric"),
        (np.array([1.0, 2.0], dtype=object), r"lam must be numeric"),
    ],
)
def test_bad_lam(lam, match):
    X, y = make_problem(20, 4, seed=24)
    with pytest.raises(ValueError, match=match):
        ridge_closed_form(X, y, lam)
