"""The λ conventions: the documented conversion formulas, round trips and bad input.

This is the one test module allowed to write the conversion constants (2n, ½) itself: it checks
that :mod:`bayesreg.conventions` implements the formulas in its own docstring. Every other test
converts λ only through the functions under test here.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import GLMNET_SKIP_REASON, glmnet_available, glmnet_fits

import bayesreg
from bayesreg import (
    GaussianPrior,
    LaplacePrior,
    conventions_table,
    from_bayesian_ridge,
    from_glmnet,
    from_glmnet_lambda,
    from_half_rss,
    from_sklearn_alpha,
    from_sklearn_elasticnet,
    from_sklearn_logistic,
    from_sklearn_poisson,
    from_statsmodels,
    glm_cd,
    glmnet_coef_from_scaled,
    glmnet_scaled_design,
    glmnet_x_scales,
    glmnet_y_scale,
    lasso_cd,
    ridge_closed_form,
    to_glmnet,
    to_glmnet_lambda,
    to_half_rss,
    to_sklearn_alpha,
    to_sklearn_C,
    to_sklearn_elasticnet,
    to_sklearn_logistic,
    to_sklearn_poisson,
    to_statsmodels,
)

LAMS = [0.0, 1e-12, 0.3, 1.0, 7.5, 123.456, 1e9]
NS = [1, 2, 17, 100, 10_000]


def test_public_api_exports_the_converters():
    # (the import above already needs the attributes; `from bayesreg import *` needs __all__)
    names = {"to_sklearn_alpha", "from_sklearn_alpha", "to_half_rss", "from_half_rss"}
    assert names <= set(bayesreg.__all__)


# --------------------------------------------------------------------------------------------
# the documented formulas (the only place the constants are written in the tests)


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("n", NS)
def test_l1_alpha_is_lam_over_2n(lam, n):
    assert to_sklearn_alpha(lam, n, "l1") == pytest.approx(lam / (2 * n), rel=1e-15, abs=0)
    assert from_sklearn_alpha(lam / (2 * n), n, "l1") == pytest.approx(lam, rel=1e-15, abs=0)


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("n", NS)
def test_l2_alpha_is_lam(lam, n):
    assert to_sklearn_alpha(lam, n, "l2") == lam
    assert from_sklearn_alpha(lam, n, "l2") == lam


@pytest.mark.parametrize("lam", LAMS)
def test_half_rss_is_lam_over_2(lam):
    assert to_half_rss(lam) == pytest.approx(lam / 2, rel=1e-15, abs=0)
    assert from_half_rss(lam / 2) == pytest.approx(lam, rel=1e-15, abs=0)


def test_converters_return_python_floats():
    for value in (
        to_sklearn_alpha(3.0, 10, "l1"),
        to_sklearn_alpha(3.0, 10, "l2"),
        from_sklearn_alpha(3.0, 10, "l1"),
        from_sklearn_alpha(3.0, 10, "l2"),
        to_half_rss(3.0),
        from_half_rss(3.0),
    ):
        assert isinstance(value, float)


def test_converters_accept_numpy_scalars():
    assert to_sklearn_alpha(np.float32(4.0), np.int64(8), "l1") == to_sklearn_alpha(4.0, 8, "l1")
    assert to_half_rss(np.float64(4.0)) == to_half_rss(4.0)
    assert to_sklearn_alpha(np.array(4.0), 8, "l2") == 4.0


def test_sklearn_l1_alpha_scales_inversely_with_n():
    # The Lasso λ of bayesreg is a sum over samples; scikit-learn's alpha is a mean.
    assert to_sklearn_alpha(6.0, 30, "l1") == pytest.approx(
        to_sklearn_alpha(6.0, 10, "l1") / 3, rel=1e-15
    )
    # Ridge alpha does not depend on n.
    assert to_sklearn_alpha(6.0, 30, "l2") == to_sklearn_alpha(6.0, 10, "l2")


# --------------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("n", NS)
@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_sklearn_round_trip(lam, n, penalty):
    there = to_sklearn_alpha(lam, n, penalty)
    assert from_sklearn_alpha(there, n, penalty) == pytest.approx(lam, rel=1e-15, abs=0)
    back = from_sklearn_alpha(lam, n, penalty)
    assert to_sklearn_alpha(back, n, penalty) == pytest.approx(lam, rel=1e-15, abs=0)


@pytest.mark.parametrize("lam", LAMS)
def test_half_rss_round_trip(lam):
    assert from_half_rss(to_half_rss(lam)) == pytest.approx(lam, rel=1e-15, abs=0)
    assert to_half_rss(from_half_rss(lam)) == pytest.approx(lam, rel=1e-15, abs=0)


def test_half_rss_and_sklearn_l1_agree():
    # ½·RSS + λ½‖β‖₁ divided by n is scikit-learn's (1/2n)·RSS + α‖β‖₁: α = λ½ / n.
    for lam in LAMS:
        for n in NS:
            assert to_sklearn_alpha(lam, n, "l1") == pytest.approx(
                to_half_rss(lam) / n, rel=1e-15, abs=0
            )


# --------------------------------------------------------------------------------------------
# bad input


BAD_LAMS = [-1.0, -1e-300, math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("bad", BAD_LAMS)
def test_bad_lam_raises(bad):
    match = "lam" if not math.isnan(bad) and not math.isinf(bad) else "finite"
    with pytest.raises(ValueError, match=match):
        to_half_rss(bad)
    with pytest.raises(ValueError, match=match):
        to_sklearn_alpha(bad, 10, "l1")
    with pytest.raises(ValueError, match=match):
        to_sklearn_alpha(bad, 10, "l2")


def test_negative_lam_message_names_the_sign():
    with pytest.raises(ValueError, match=r"lam must be >= 0"):
        to_sklearn_alpha(-2.0, 10, "l1")
    with pytest.raises(ValueError, match=r"lam must be >= 0"):
        to_half_rss(-2.0)
    with pytest.raises(ValueError, match=r"lam_half must be >= 0"):
        from_half_rss(-2.0)
    with pytest.raises(ValueError, match=r"alpha must be >= 0"):
        from_sklearn_alpha(-2.0, 10, "l1")


def test_nan_lam_message():
    with pytest.raises(ValueError, match=r"lam must be finite"):
        to_sklearn_alpha(math.nan, 10, "l1")
    with pytest.raises(ValueError, match=r"lam_half must be finite"):
        from_half_rss(math.nan)
    with pytest.raises(ValueError, match=r"alpha must be finite"):
        from_sklearn_alpha(math.nan, 10, "l2")


@pytest.mark.parametrize("bad_n", [0, -1, -100, 2.5, 10.0, True, None, "10"])
def test_bad_n_samples_raises(bad_n):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        to_sklearn_alpha(1.0, bad_n, "l1")
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        from_sklearn_alpha(1.0, bad_n, "l1")


@pytest.mark.parametrize("bad_penalty", ["l3", "L1", "lasso", "", None, 1])
def test_unknown_penalty_raises(bad_penalty):
    with pytest.raises(ValueError, match="penalty must be 'l1' or 'l2'"):
        to_sklearn_alpha(1.0, 10, bad_penalty)
    with pytest.raises(ValueError, match="penalty must be 'l1' or 'l2'"):
        from_sklearn_alpha(1.0, 10, bad_penalty)


@pytest.mark.parametrize("bad", ["1.0", None, [1.0, 2.0], np.array([1.0]), 1 + 2j])
def test_non_scalar_or_non_numeric_lam_raises(bad):
    with pytest.raises(ValueError, match="lam"):
        to_half_rss(bad)
    with pytest.raises(ValueError, match="lam"):
        to_sklearn_alpha(bad, 10, "l2")


# --------------------------------------------------------------------------------------------
# GLM conversions (deviance scaling): LogisticRegression's C and glmnet's λ


GLM_LAMS = [1e-12, 0.3, 1.0, 7.5, 1e9]


def test_public_api_exports_the_glm_converters():
    names = {"to_sklearn_C", "from_sklearn_C", "to_glmnet_lambda", "from_glmnet_lambda"}
    assert names <= set(bayesreg.__all__)


@pytest.mark.parametrize("lam", GLM_LAMS)
def test_sklearn_C_is_2_over_lam_for_l1_and_1_over_lam_for_l2(lam):
    # C·Σlogloss + ‖β‖₁ with D = 2Σlogloss is D + (2/C)‖β‖₁; C·Σlogloss + ½‖β‖² is D + ‖β‖²/C
    assert bayesreg.to_sklearn_C(lam, "l1") == pytest.approx(2.0 / lam, rel=1e-15)
    assert bayesreg.to_sklearn_C(lam, "l2") == pytest.approx(1.0 / lam, rel=1e-15)
    for penalty in ("l1", "l2"):
        C = bayesreg.to_sklearn_C(lam, penalty)
        assert bayesreg.from_sklearn_C(C, penalty) == pytest.approx(lam, rel=1e-15)


@pytest.mark.parametrize("lam", GLM_LAMS)
@pytest.mark.parametrize("n", NS)
def test_glmnet_lambda_is_lam_over_2n_for_l1_and_lam_over_n_for_l2(lam, n):
    # (1/n)·(D/2) + λ_g‖β‖₁ is D/(2n) + λ_g‖β‖₁; (1/n)·(D/2) + (λ_g/2)‖β‖² is (D + nλ_g‖β‖²)/(2n)
    assert bayesreg.to_glmnet_lambda(lam, n, "l1") == pytest.approx(lam / (2 * n), rel=1e-15)
    assert bayesreg.to_glmnet_lambda(lam, n, "l2") == pytest.approx(lam / n, rel=1e-15)
    for penalty in ("l1", "l2"):
        lam_g = bayesreg.to_glmnet_lambda(lam, n, penalty)
        assert bayesreg.from_glmnet_lambda(lam_g, n, penalty) == pytest.approx(lam, rel=1e-15)
    # for the Gaussian family glmnet's l1 λ is scikit-learn's Lasso alpha
    assert bayesreg.to_glmnet_lambda(lam, n, "l1") == pytest.approx(
        to_sklearn_alpha(lam, n, "l1"), rel=1e-15
    )


def test_sklearn_C_is_the_prior_scale():
    # Laplace(b): λ = 2/b (φ = 1) so C = b; Gaussian(σ′): λ = 1/σ′² so C = σ′²
    b, s = 0.7, 1.3
    assert bayesreg.to_sklearn_C(2.0 / b, "l1") == pytest.approx(b, rel=1e-15)
    assert bayesreg.to_sklearn_C(1.0 / s**2, "l2") == pytest.approx(s**2, rel=1e-15)


def test_glm_converters_reject_bad_input():
    with pytest.raises(ValueError, match=r"lam must be > 0"):
        bayesreg.to_sklearn_C(0.0, "l1")
    with pytest.raises(ValueError, match=r"C must be > 0"):
        bayesreg.from_sklearn_C(0.0, "l2")
    with pytest.raises(ValueError, match=r"C must be >= 0"):
        bayesreg.from_sklearn_C(-1.0, "l2")
    with pytest.raises(ValueError, match=r"penalty must be 'l1' or 'l2'"):
        bayesreg.to_sklearn_C(1.0, "l3")
    with pytest.raises(ValueError, match=r"penalty must be 'l1' or 'l2'"):
        bayesreg.from_glmnet_lambda(1.0, 5, "elasticnet")
    with pytest.raises(ValueError, match=r"n_samples must be a positive integer"):
        bayesreg.to_glmnet_lambda(1.0, 0, "l1")
    with pytest.raises(ValueError, match=r"lam_g must be >= 0"):
        bayesreg.from_glmnet_lambda(-1.0, 5, "l1")


# --------------------------------------------------------------------------------------------
# the elastic net and every library's convention: the documented formulas


ALPHAS = [1e-9, 0.01, 0.3, 2.0, 5e4]
RATIOS = [0.0, 1e-6, 0.25, 0.5, 0.9, 1.0]
PAIRS = [(88.4, 0.0), (0.0, 3.0), (1.0, 1.0), (1e-8, 7.0), (5e3, 1e-9), (0.3, 123.0)]


def test_public_api_exports_the_new_converters():
    names = {
        "from_sklearn_elasticnet", "to_sklearn_elasticnet", "from_sklearn_logistic",
        "to_sklearn_logistic", "from_statsmodels", "to_statsmodels", "from_glmnet",
        "to_glmnet", "from_sklearn_poisson", "to_sklearn_poisson", "from_bayesian_ridge",
        "glmnet_y_scale", "glmnet_x_scales", "glmnet_scaled_design",
        "glmnet_coef_from_scaled", "conventions_table", "check_fitted",
    }  # fmt: skip
    assert names <= set(bayesreg.__all__)


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("r", RATIOS)
@pytest.mark.parametrize("n", [1, 17, 442])
def test_elasticnet_and_statsmodels_are_2n_alpha_r_and_n_alpha_1_minus_r(alpha, r, n):
    # (1/2n)RSS + αr‖β‖₁ + ½α(1−r)‖β‖², times 2n: RSS + 2nαr‖β‖₁ + nα(1−r)‖β‖²
    for convert in (from_sklearn_elasticnet, from_statsmodels):
        lam1, lam2 = convert(alpha, r, n)
        assert lam1 == pytest.approx(2 * n * alpha * r, rel=1e-15, abs=0)
        assert lam2 == pytest.approx(n * alpha * (1 - r), rel=1e-15, abs=0)
    if r in (0.0, 1.0):  # the pure cases are Lasso's alpha and (n times) Ridge's
        lam1, lam2 = from_sklearn_elasticnet(alpha, r, n)
        assert lam1 == pytest.approx(from_sklearn_alpha(alpha * r, n, "l1"), rel=1e-15)


@pytest.mark.parametrize(("lam1", "lam2"), PAIRS)
@pytest.mark.parametrize("n", [1, 17, 442])
def test_elasticnet_and_statsmodels_round_trip(lam1, lam2, n):
    for to, back in ((to_sklearn_elasticnet, from_sklearn_elasticnet),
                     (to_statsmodels, from_statsmodels)):  # fmt: skip
        a, r = to(lam1, lam2, n)
        assert a == pytest.approx(lam1 / (2 * n) + lam2 / n, rel=1e-15)
        assert 0.0 <= r <= 1.0
        l1, l2 = back(a, r, n)
        assert l1 == pytest.approx(lam1, rel=1e-12, abs=1e-300)
        assert l2 == pytest.approx(lam2, rel=1e-9, abs=1e-12 * max(lam1, lam2))


@pytest.mark.parametrize("C", [1e-6, 0.5, 1.0, 3.0, 1e6])
@pytest.mark.parametrize("r", RATIOS)
def test_logistic_is_2r_over_C_and_1_minus_r_over_C(C, r):
    # C·L + r‖β‖₁ + ½(1−r)‖β‖² with D = 2L, times 2/C: D + (2r/C)‖β‖₁ + ((1−r)/C)‖β‖²
    lam1, lam2 = from_sklearn_logistic(C, r)
    assert lam1 == pytest.approx(2 * r / C, rel=1e-15, abs=0)
    assert lam2 == pytest.approx((1 - r) / C, rel=1e-15, abs=0)
    if r == 1.0:
        assert lam1 == pytest.approx(bayesreg.from_sklearn_C(C, "l1"), rel=1e-15)
    if r == 0.0:
        assert lam2 == pytest.approx(bayesreg.from_sklearn_C(C, "l2"), rel=1e-15)


@pytest.mark.parametrize(("lam1", "lam2"), PAIRS)
def test_logistic_round_trip_and_pure_cases(lam1, lam2):
    C, r = to_sklearn_logistic(lam1, lam2)
    assert 1 / C == pytest.approx(lam1 / 2 + lam2, rel=1e-15)
    l1, l2 = from_sklearn_logistic(C, r)
    assert l1 == pytest.approx(lam1, rel=1e-12, abs=1e-300)
    assert l2 == pytest.approx(lam2, rel=1e-9, abs=1e-12 * max(lam1, lam2))
    if lam2 == 0.0:
        assert (C, r) == (pytest.approx(to_sklearn_C(lam1, "l1"), rel=1e-15), 1.0)
    if lam1 == 0.0:
        assert (C, r) == (pytest.approx(to_sklearn_C(lam2, "l2"), rel=1e-15), 0.0)


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("n", [1, 17, 442])
def test_poisson_regressor_is_n_alpha(alpha, n):
    # (1/2n)D + ½α‖β‖², times 2n: D + nα‖β‖²
    assert from_sklearn_poisson(alpha, n) == pytest.approx(n * alpha, rel=1e-15)
    assert to_sklearn_poisson(n * alpha, n) == pytest.approx(alpha, rel=1e-15)


def test_bayesian_ridge_reading():
    noise, prior, lam = from_bayesian_ridge(0.25, 9.0)
    assert (noise, prior, lam) == (pytest.approx(2.0), pytest.approx(1 / 3), pytest.approx(36.0))
    # λ = σ²/σ′²: the Gaussian prior of scale σ′ at noise σ has that penalty
    assert GaussianPrior(prior).penalty(noise) == pytest.approx(lam, rel=1e-14)


@pytest.mark.parametrize("lam_g", [1e-6, 0.05, 0.5, 3.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("n", [1, 50, 442])
def test_glmnet_formulas(lam_g, alpha, n):
    # (1/n)·L + λ_g(α‖β‖₁ + ½(1−α)‖β‖²); Gaussian L = ½RSS on y/s_y: λ₂ gets 1/s_y
    for family in ("binomial", "poisson"):
        lam1, lam2 = from_glmnet(lam_g, alpha, n, family=family, y_scale=27.0)  # y_scale unused
        assert lam1 == pytest.approx(2 * n * alpha * lam_g, rel=1e-15, abs=0)
        assert lam2 == pytest.approx(n * (1 - alpha) * lam_g, rel=1e-15, abs=0)
    lam1, lam2 = from_glmnet(lam_g, alpha, n, family="gaussian", y_scale=27.0)
    assert lam1 == pytest.approx(2 * n * alpha * lam_g, rel=1e-15, abs=0)
    assert lam2 == pytest.approx(n * (1 - alpha) * lam_g / 27.0, rel=1e-15, abs=0)
    if alpha in (0.0, 1.0):  # the single-penalty converters say the same
        pen = "l1" if alpha == 1.0 else "l2"
        got = lam1 if pen == "l1" else lam2
        assert got == pytest.approx(from_glmnet_lambda(lam_g, n, pen, y_scale=27.0), rel=1e-15)
        assert to_glmnet_lambda(got, n, pen, y_scale=27.0) == pytest.approx(lam_g, rel=1e-14)


@pytest.mark.parametrize(("lam1", "lam2"), PAIRS)
@pytest.mark.parametrize("family", ["gaussian", "binomial", "poisson"])
def test_glmnet_round_trip(lam1, lam2, family):
    lam_g, alpha = to_glmnet(lam1, lam2, 120, family=family, y_scale=3.5)
    assert 0.0 <= alpha <= 1.0
    l1, l2 = from_glmnet(lam_g, alpha, 120, family=family, y_scale=3.5)
    assert l1 == pytest.approx(lam1, rel=1e-12, abs=1e-300)
    assert l2 == pytest.approx(lam2, rel=1e-9, abs=1e-12 * max(lam1, lam2))


def test_glmnet_gaussian_ridge_part_needs_the_y_scale():
    with pytest.raises(ValueError, match=r"y/s_y.*pass y_scale = glmnet_y_scale"):
        from_glmnet(0.5, 0.5, 100)
    with pytest.raises(ValueError, match=r"y/s_y"):
        to_glmnet(1.0, 2.0, 100)
    # the lasso (alpha = 1) and the other families do not need it
    assert from_glmnet(0.5, 1.0, 100) == (100.0, 0.0)
    assert to_glmnet(1.0, 0.0, 100) == (pytest.approx(1.0 / 200), 1.0)
    assert from_glmnet(0.5, 0.0, 100, family="binomial") == (0.0, 50.0)


def test_glmnet_y_and_x_scales():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    assert glmnet_y_scale(y) == pytest.approx(math.sqrt(np.mean((y - 3.0) ** 2)), rel=1e-15)
    assert glmnet_y_scale(y, intercept=False) == pytest.approx(math.sqrt(np.mean(y**2)), rel=1e-15)
    X = np.column_stack([y, 10 * y + 4])
    np.testing.assert_allclose(glmnet_x_scales(X), [np.std(y), 10 * np.std(y)], rtol=1e-14)
    Xs, s = glmnet_scaled_design(X)
    np.testing.assert_allclose(Xs, X / s, rtol=0)
    np.testing.assert_allclose(glmnet_coef_from_scaled([2.0, 3.0], s), [2.0, 3.0] / s, rtol=0)
    with pytest.raises(ValueError, match="y is constant"):
        glmnet_y_scale(np.ones(5))
    with pytest.raises(ValueError, match="column 1 of X is constant"):
        glmnet_x_scales(np.column_stack([y, np.ones(4)]))
    with pytest.raises(ValueError, match="features but scales"):
        glmnet_coef_from_scaled([1.0, 2.0, 3.0], s)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: from_sklearn_elasticnet(0.1, 1.5, 10), r"l1_ratio must be between 0 and 1"),
        (lambda: from_sklearn_elasticnet(-0.1, 0.5, 10), r"alpha must be >= 0"),
        (lambda: from_sklearn_elasticnet(0.1, math.nan, 10), r"l1_ratio must be finite"),
        (lambda: from_statsmodels(0.1, -0.2, 10), r"L1_wt must be between 0 and 1"),
        (lambda: from_statsmodels(0.1, 0.5, 0), r"n_samples must be a positive integer"),
        (lambda: to_sklearn_elasticnet(0.0, 0.0, 10), r"lam1 and lam2 are both 0"),
        (lambda: to_sklearn_elasticnet(-1.0, 1.0, 10), r"lam1 must be >= 0"),
        (lambda: to_sklearn_logistic(1.0, math.inf), r"lam2 must be finite"),
        (lambda: from_sklearn_logistic(0.0, 0.5), r"C must be > 0"),
        (lambda: from_sklearn_logistic(1.0, 2.0), r"l1_ratio must be between 0 and 1"),
        (lambda: from_glmnet(0.5, 1.5, 10), r"alpha must be between 0 and 1"),
        (lambda: from_glmnet(-0.5, 1.0, 10), r"lambda must be >= 0"),
        (lambda: from_glmnet(0.5, 1.0, 10, family="gamma"), r"family must be one of"),
        (lambda: from_glmnet(0.5, 0.5, 10, y_scale=0.0), r"y_scale must be positive"),
        (lambda: to_glmnet(0.0, 0.0, 10, family="binomial"), r"both 0"),
        (lambda: from_sklearn_poisson(-1.0, 10), r"alpha must be >= 0"),
        (lambda: from_bayesian_ridge(0.0, 1.0), r"alpha_ must be positive"),
        (lambda: conventions_table(1.0, 0.0, 10, "binomial", noise_sigma=2.0), r"no noise sigma"),
        (lambda: conventions_table(0.0, 0.0, 10), r"both 0"),
        (lambda: conventions_table(1.0, 0.0, 0), r"n_samples"),
    ],
)
def test_bad_parameters_raise_one_line(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------------------------
# conventions_table: every row is its converter


@pytest.mark.parametrize(("lam1", "lam2"), [(88.4, 0.0), (0.0, 3.0), (5.0, 2.0)])
@pytest.mark.parametrize("family", ["gaussian", "binomial", "poisson"])
def test_conventions_table_rows_are_the_converters(lam1, lam2, family):
    n = 442
    t = conventions_table(lam1, lam2, n, family, y_scale=27.0)
    rows = {r.library: r.params for r in t.rows}
    assert rows["bayesreg"] == {"lam1": lam1, "lam2": lam2}
    a, w = to_statsmodels(lam1, lam2, n)
    sm = rows["statsmodels OLS" if family == "gaussian" else "statsmodels GLM"]
    assert sm == {"alpha": a, "L1_wt": w}
    assert rows["glum"] == {"alpha": a, "l1_ratio": w}
    lg, al = to_glmnet(lam1, lam2, n, family=family, y_scale=27.0)
    assert rows["glmnet"] == {"lambda": lg, "alpha": al}
    if family == "gaussian":
        assert rows["½·RSS (coordinate-descent texts)"] == {"lam1": lam1 / 2, "lam2": lam2 / 2}
        if lam2 == 0:
            assert rows["scikit-learn Lasso"] == {"alpha": lam1 / (2 * n)}
        if lam1 == 0:
            assert rows["scikit-learn Ridge"] == {"alpha": lam2}
        if lam1 and lam2:
            a, r = to_sklearn_elasticnet(lam1, lam2, n)
            assert rows["scikit-learn ElasticNet"] == {"alpha": a, "l1_ratio": r}
    elif family == "binomial":
        C, r = to_sklearn_logistic(lam1, lam2)
        assert rows["scikit-learn LogisticRegression"] == {"C": C, "l1_ratio": r}
    elif lam1 == 0:
        assert rows["scikit-learn PoissonRegressor"] == {"alpha": lam2 / n}
    else:
        assert "scikit-learn PoissonRegressor" not in rows  # it has no L1 penalty
    assert json.loads(json.dumps(t.to_dict()))["lam1"] == lam1
    assert "λ₁ = " in str(t)


def test_conventions_table_prior_scales():
    # Gaussian family without σ: the scale as a multiple of σ² (b) or σ (σ′)
    t = conventions_table(88.4, 0.0, 442)
    assert t.prior.prior == "laplace" and t.prior.scales == {"b": None}
    assert t.prior.formulas["b"] == f"b = 2σ²/λ₁ = {2 / 88.4:.6g}·σ²"
    assert "needs the noise σ" in str(t)
    t = conventions_table(88.4, 4.0, 442, noise_sigma=50.0)
    assert t.prior.prior == "elasticnet"
    assert t.prior.scales["b"] == pytest.approx(LaplacePrior.from_penalty(88.4, 50.0).b)
    assert t.prior.scales["b"] == pytest.approx(2 * 50.0**2 / 88.4, rel=1e-14)
    assert t.prior.scales["sigma"] == pytest.approx(50.0 / 2.0, rel=1e-14)
    # φ = 1: C = b for the l1 logistic fit
    t = conventions_table(4.0, 0.0, 100, "binomial")
    assert t.prior.scales == {"b": pytest.approx(0.5)}
    assert t.rows[1].params["C"] == pytest.approx(0.5)
    t = conventions_table(0.0, 4.0, 100, "poisson")
    assert t.prior.prior == "gaussian" and t.prior.scales == {"sigma": pytest.approx(0.5)}


def test_conventions_table_glmnet_row_without_the_y_scale():
    t = conventions_table(88.4, 4.0, 442)
    glmnet = next(r for r in t.rows if r.library == "glmnet")
    assert glmnet.params == {"lambda": None, "alpha": None}
    assert f"lambda = {88.4 / 884:.6g} + {4.0 / 442:.6g}·s_y" in glmnet.note


# --------------------------------------------------------------------------------------------
# each conversion checked by fitting: the other library's answer is bayesreg's


def _design(n=120, p=6, seed=0):
    rng = np.random.default_rng(seed)
    cov = 0.3 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.multivariate_normal(np.zeros(p), cov, size=n)
    X = X * np.linspace(0.5, 3.0, p) + np.linspace(-1.0, 2.0, p)  # other scales, other means
    return X


def _kkt_en(X, y, coef, intercept, lam1, lam2, fit_intercept, family="gaussian"):
    """Largest violation of the KKT conditions of D + λ₁‖β‖₁ + λ₂‖β‖², relative (written out).

    g = ∂D/∂η = 2(μ − y); optimality: xⱼᵀg + 2λ₂βⱼ + λ₁sign(βⱼ) = 0 where βⱼ ≠ 0,
    |xⱼᵀg| ≤ λ₁ where βⱼ = 0, Σg = 0 with an intercept. Divided by ‖Xᵀg‖∞ at β = 0.
    """
    def grad(eta):
        mu = {"gaussian": eta, "binomial": 1 / (1 + np.exp(-eta)), "poisson": np.exp(eta)}
        return 2.0 * (mu[family] - y)

    g = grad(intercept + X @ coef)
    xg = X.T @ g
    viol = np.where(
        coef != 0, xg + 2 * lam2 * coef + lam1 * np.sign(coef), np.maximum(np.abs(xg) - lam1, 0)
    )
    worst = float(np.max(np.abs(viol)))
    if fit_intercept:
        worst = max(worst, abs(float(g.sum())))
    eta0 = np.full(len(y), 0.0)
    if fit_intercept:
        m = y.mean()
        eta0[:] = m if family == "gaussian" else np.log(m / (1 - m) if family == "binomial" else m)
    return worst / float(np.max(np.abs(X.T @ grad(eta0))))


def _en_via_lasso(X, y, lam1, lam2, fit_intercept):
    """The Gaussian elastic net as bayesreg's Lasso on augmented data (an independent route).

    RSS + λ₁‖β‖₁ + λ₂‖β‖² = ‖[y_c; 0] − [X_c; √λ₂·I]β‖² + λ₁‖β‖₁ (the intercept profiled out
    by centring); with λ₁ = 0 it is bayesreg's closed-form Ridge.
    """
    xm = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    ym = y.mean() if fit_intercept else 0.0
    if lam1 == 0.0:
        res = ridge_closed_form(X, y, lam2, fit_intercept=fit_intercept)
        return res.intercept, res.coef
    A = np.vstack([X - xm, math.sqrt(lam2) * np.eye(X.shape[1])])
    b = np.r_[y - ym, np.zeros(X.shape[1])]
    res = lasso_cd(A, b, lam1, fit_intercept=False, tol=1e-14, max_iter=200_000)
    return ym - xm @ res.coef, res.coef


def _close(got, want, rtol, what=""):
    scale = max(1.0, float(np.max(np.abs(want))))
    diff = float(np.max(np.abs(np.asarray(got) - np.asarray(want))))
    assert diff <= rtol * scale, f"{what} max|Δ| = {diff:.2e} > {rtol:.0e}·{scale:.3g}"


@pytest.mark.parametrize("r", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sklearn_elasticnet_is_bayesreg_objective(r, fit_intercept):
    from sklearn.linear_model import ElasticNet

    X = _design()
    rng = np.random.default_rng(1)
    y = 5.0 + X @ np.array([1.5, 0.0, -2.0, 0.0, 0.7, 0.0]) + 3.0 * rng.normal(size=len(X))
    n = len(y)
    yc = y - y.mean() if fit_intercept else y
    Xc = X - X.mean(axis=0) if fit_intercept else X
    alpha = 0.3 * float(np.max(np.abs(Xc.T @ yc))) / (n * r)  # 0.3 × the all-zero alpha
    sk = ElasticNet(alpha=alpha, l1_ratio=r, fit_intercept=fit_intercept, tol=1e-14,
                    max_iter=10**6).fit(X, y)  # fmt: skip
    lam1, lam2 = from_sklearn_elasticnet(alpha, r, n)
    icpt = sk.intercept_ if fit_intercept else 0.0
    assert _kkt_en(X, y, sk.coef_, icpt, lam1, lam2, fit_intercept) < 1e-9
    b0, b = _en_via_lasso(X, y, lam1, lam2, fit_intercept)
    _close(sk.coef_, b, 1e-8, "coef")
    _close([icpt], [b0], 1e-8, "intercept")
    np.testing.assert_array_equal(sk.coef_ == 0, b == 0)
    assert 0 < np.count_nonzero(b) < X.shape[1]  # a sparse fit: the L1 part matters
    # the wrong constants do not satisfy them: λ₂ = 2nα(1−r), or r ↔ 1 − r
    assert _kkt_en(X, y, sk.coef_, icpt, lam1, 2 * lam2, fit_intercept) > 1e-3
    if r != 0.5:
        w1, w2 = from_sklearn_elasticnet(alpha, 1 - r, n)
        assert _kkt_en(X, y, sk.coef_, icpt, w1, w2, fit_intercept) > 1e-3


def _binary(X, seed=2):
    rng = np.random.default_rng(seed)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    eta = 0.3 + Z @ np.array([1.0, -0.8, 0.0, 0.5, 0.0, 0.2])
    return Z, (rng.random(len(X)) < 1 / (1 + np.exp(-eta))).astype(float)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_logistic_regression_is_the_prior_map(penalty):
    from sklearn.linear_model import LogisticRegression

    Z, y = _binary(_design(200))
    C = 0.05 if penalty == "l1" else 0.5
    r = 1.0 if penalty == "l1" else 0.0
    solver = "saga" if penalty == "l1" else "lbfgs"
    sk = LogisticRegression(C=C, l1_ratio=r, solver=solver, tol=1e-12, max_iter=200_000)
    sk.fit(Z, y)
    lam1, lam2 = from_sklearn_logistic(C, r)
    prior = LaplacePrior.from_penalty(lam1, 1.0) if penalty == "l1" else (
        GaussianPrior.from_penalty(lam2, 1.0))  # fmt: skip
    assert prior.scale == pytest.approx(C if penalty == "l1" else math.sqrt(C), rel=1e-14)
    ref = prior.solve(Z, y, lam1 if penalty == "l1" else lam2, family="binomial")
    _close(sk.coef_[0], ref.coef, 1e-7, "coef")
    _close(sk.intercept_, [ref.intercept], 1e-7, "intercept")
    np.testing.assert_array_equal(sk.coef_[0] == 0, ref.coef == 0)


def test_logistic_elasticnet_satisfies_bayesreg_kkt():
    from sklearn.linear_model import LogisticRegression

    Z, y = _binary(_design(200))
    C, r = 0.1, 0.6
    sk = LogisticRegression(C=C, l1_ratio=r, solver="saga", tol=1e-12, max_iter=200_000)
    sk.fit(Z, y)
    lam1, lam2 = from_sklearn_logistic(C, r)
    assert _kkt_en(Z, y, sk.coef_[0], sk.intercept_[0], lam1, lam2, True, "binomial") < 1e-8
    assert 0 < np.count_nonzero(sk.coef_) < Z.shape[1]
    w1, w2 = from_sklearn_logistic(C, 1 - r)
    assert _kkt_en(Z, y, sk.coef_[0], sk.intercept_[0], w1, w2, True, "binomial") > 1e-3


def test_poisson_regressor_is_the_gaussian_prior_map():
    from sklearn.linear_model import PoissonRegressor

    X = _design(200)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    rng = np.random.default_rng(4)
    y = rng.poisson(np.exp(0.5 + Z @ np.array([0.3, -0.2, 0.0, 0.25, 0.0, 0.1]))).astype(float)
    alpha = 0.05
    sk = PoissonRegressor(alpha=alpha, tol=1e-14, max_iter=100_000).fit(Z, y)
    lam2 = from_sklearn_poisson(alpha, len(y))
    ref = GaussianPrior.from_penalty(lam2, 1.0).solve(Z, y, lam2, family="poisson")
    _close(sk.coef_, ref.coef, 1e-8, "coef")
    _close([sk.intercept_], [ref.intercept], 1e-8, "intercept")


def test_bayesian_ridge_coef_is_ridge_at_lambda_over_alpha():
    from sklearn.linear_model import BayesianRidge

    X = _design(150)
    rng = np.random.default_rng(5)
    y = 3.0 + X @ np.array([1.0, 0.5, -1.0, 0.0, 0.2, 0.0]) + 2.0 * rng.normal(size=len(X))
    for fit_intercept in (True, False):
        br_ = BayesianRidge(tol=1e-12, max_iter=10_000, fit_intercept=fit_intercept).fit(X, y)
        noise, prior_sigma, lam = from_bayesian_ridge(br_.alpha_, br_.lambda_)
        assert lam == pytest.approx(br_.lambda_ / br_.alpha_, rel=1e-15)
        ref = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
        _close(br_.coef_, ref.coef, 1e-9, "coef")
        _close([br_.intercept_], [ref.intercept], 1e-9, "intercept")
        assert GaussianPrior(prior_sigma).penalty(noise) == pytest.approx(lam, rel=1e-12)


@pytest.mark.parametrize("L1_wt", [1.0, 0.5, 0.0])
def test_statsmodels_ols_fit_regularized(L1_wt):
    """statsmodels OLS has no intercept: the data are centred, bayesreg fits none either.

    Its coordinate descent stops when no coefficient moved more than ``cnvrg_tol`` (default
    1e-7) in a sweep and rounds coefficients below ``zero_tol`` (1e-8) to 0, so its answer is
    as good as that: the coefficients agree with bayesreg's to ~1e-7, the objective (flat at
    the optimum, so its error is second order) to ~1e-12 and the KKT residual is small. L1_wt=0
    is solved in closed form (``_fit_ridge``): there the agreement is to rounding.
    """
    sm = pytest.importorskip("statsmodels.api")
    X = _design(150)
    X = X - X.mean(axis=0)
    rng = np.random.default_rng(6)
    y = X @ np.array([1.0, 0.0, -0.7, 0.0, 0.4, 0.0]) + 2.0 * rng.normal(size=len(X))
    y = y - y.mean()
    alpha = 0.3
    res = sm.OLS(y, X).fit_regularized(alpha=alpha, L1_wt=L1_wt)
    got = np.asarray(res.params)
    lam1, lam2 = from_statsmodels(alpha, L1_wt, len(y))
    _, ref = _en_via_lasso(X, y, lam1, lam2, False)

    def F(b):
        return float(np.sum((y - X @ b) ** 2) + lam1 * np.abs(b).sum() + lam2 * b @ b)

    assert F(got) - F(ref) <= 1e-12 * F(ref)
    assert _kkt_en(X, y, got, 0.0, lam1, lam2, False) < 1e-6
    _close(got, ref, 1e-9 if L1_wt == 0.0 else 1e-6, "coef")
    np.testing.assert_array_equal(got == 0, ref == 0)


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_statsmodels_glm_fit_regularized_with_an_unpenalized_constant(family):
    sm = pytest.importorskip("statsmodels.api")
    X = _design(200)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    rng = np.random.default_rng(7)
    eta = 0.3 + Z @ np.array([0.6, -0.4, 0.0, 0.3, 0.0, 0.1])
    if family == "binomial":
        y = (rng.random(len(Z)) < 1 / (1 + np.exp(-eta))).astype(float)
        fam = sm.families.Binomial()
    else:
        y = rng.poisson(np.exp(eta)).astype(float)
        fam = sm.families.Poisson()
    a = 0.02
    # the constant column's alpha entry is 0: bayesreg's unpenalized intercept
    res = sm.GLM(y, sm.add_constant(Z), family=fam).fit_regularized(
        alpha=np.r_[0.0, np.full(Z.shape[1], a)], L1_wt=1.0
    )
    params = np.asarray(res.params)
    lam1, _ = from_statsmodels(a, 1.0, len(y))
    ref = glm_cd(Z, y, lam1, family=family, tol=1e-12)
    _close(params[1:], ref.coef, 1e-6, "coef")
    _close(params[:1], [ref.intercept], 1e-6, "intercept")
    np.testing.assert_array_equal(params[1:] == 0, ref.coef == 0)
    assert _kkt_en(Z, y, params[1:], params[0], lam1, 0.0, True, family) < 1e-6


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_glum_uses_the_statsmodels_scaling(family):
    glum = pytest.importorskip("glum")
    X = _design(200)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    rng = np.random.default_rng(8)
    if family == "gaussian":
        y = 2 + Z @ np.array([1.0, -0.5, 0.0, 0.3, 0.0, 0.0]) + rng.normal(size=len(Z)) * 4
    else:
        _, y = _binary(X, seed=8)
    a, w = 0.05, 0.5
    m = glum.GeneralizedLinearRegressor(
        alpha=a, l1_ratio=w, family="normal" if family == "gaussian" else family,
        gradient_tol=1e-12, max_iter=10_000,
    ).fit(Z, y)  # fmt: skip
    lam1, lam2 = from_statsmodels(a, w, len(y))  # glum's (alpha, l1_ratio) read as statsmodels'
    assert _kkt_en(Z, y, m.coef_, m.intercept_, lam1, lam2, True, family) < 1e-7


# --------------------------------------------------------------------------------------------
# R glmnet: its coefficients are bayesreg's at the converted λ (and the y-scaling, measured)


GLMNET_RTOL = 1e-7  # glmnet's own accuracy at thresh = 1e-25 (its KKT residual is ~1e-11)


def _glmnet_data(family):
    X = _design(120, 6, seed=10)
    rng = np.random.default_rng(11)
    if family == "gaussian":
        # s_y ≈ 27: a naive ridge conversion is off by that factor
        y = 40.0 + X @ np.array([8.0, 0.0, -6.0, 0.0, 3.0, 0.0]) + 20.0 * rng.normal(size=120)
        return X, y
    Xc = X - X.mean(axis=0)  # moderate η with and without an intercept
    eta = Xc @ np.array([0.5, -0.3, 0.0, 0.2, 0.0, 0.1]) / X.std(axis=0).mean()
    if family == "binomial":
        return X, (rng.random(120) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, rng.poisson(np.exp(0.3 + eta)).astype(float)


def _lambda_g(X, y, family, alpha, standardize, intercept):
    """A glmnet λ that leaves a sparse fit: 0.3 (0.6) × λ_max of the L1 part, written out here.

    λ_max = ‖Xᵀ(y − μ₀)‖∞/n at the null fit μ₀ (ȳ with an intercept; without: 0, ½, 1).
    """
    Xd = glmnet_scaled_design(X)[0] if standardize else X
    mu0 = y.mean() if intercept else {"gaussian": 0.0, "binomial": 0.5, "poisson": 1.0}[family]
    lam_max_g = float(np.max(np.abs(Xd.T @ (y - mu0)))) / len(y)  # glmnet's, at alpha = 1
    if family == "gaussian" and intercept is False and alpha == 0:
        return 2.0
    frac = 0.3 if intercept or family == "gaussian" else 0.6
    return frac * lam_max_g / alpha if alpha > 0 else 0.5


GLMNET_CASES = [
    (family, alpha, standardize, intercept)
    for family in ("gaussian", "binomial", "poisson")
    for alpha in (1.0, 0.0, 0.5)
    for standardize in (False, True)
    for intercept in (True, False)
]


@pytest.fixture(scope="module")
def glmnet_results(tmp_path_factory):
    """Every glmnet fit of GLMNET_CASES, one R session per family."""
    if not glmnet_available():
        pytest.skip(GLMNET_SKIP_REASON)
    out = {}
    for family in ("gaussian", "binomial", "poisson"):
        X, y = _glmnet_data(family)
        cases = [c for c in GLMNET_CASES if c[0] == family]
        configs = [(_lambda_g(X, y, family, a, s, i), a, s, i) for _, a, s, i in cases]
        fits = glmnet_fits(tmp_path_factory.mktemp(family), X, y, family, configs)
        for case, cfg, fit in zip(cases, configs, fits, strict=True):
            out[case] = (cfg[0], fit)
    return out


def _bayesreg_solution(X, y, family, lam1, lam2, intercept):
    """bayesreg's fit of D + λ₁‖β‖₁ + λ₂‖β‖² (Lasso / Ridge / GLM; elastic net via the Lasso)."""
    if family == "gaussian":
        return _en_via_lasso(X, y, lam1, lam2, intercept)
    if lam2 == 0.0 or lam1 == 0.0:
        pen = "l1" if lam2 == 0.0 else "l2"
        res = glm_cd(X, y, lam1 or lam2, family=family, penalty=pen, fit_intercept=intercept,
                     tol=1e-13, max_iter=10_000)  # fmt: skip
        return res.intercept, res.coef
    return None  # a GLM elastic net: no bayesreg solver here (its KKT is checked instead)


@pytest.mark.skipif(not glmnet_available(), reason=GLMNET_SKIP_REASON)
@pytest.mark.parametrize(
    ("family", "alpha", "standardize", "intercept"),
    GLMNET_CASES,
    ids=[f"{f}-a{a:g}-{'std' if s else 'raw'}-{'icpt' if i else 'noicpt'}"
         for f, a, s, i in GLMNET_CASES],
)  # fmt: skip
def test_glmnet_is_bayesreg_at_the_converted_lambda(
    glmnet_results, family, alpha, standardize, intercept
):
    X, y = _glmnet_data(family)
    lam_g, (g0, g) = glmnet_results[(family, alpha, standardize, intercept)]
    s_y = glmnet_y_scale(y, intercept=intercept) if family == "gaussian" else None
    lam1, lam2 = from_glmnet(lam_g, alpha, len(y), family=family, y_scale=s_y)
    Xd, scales = glmnet_scaled_design(X) if standardize else (X, np.ones(X.shape[1]))
    # glmnet's answer satisfies bayesreg's optimality conditions on the design it penalizes
    gamma = g * scales  # glmnet's β on the scaled columns
    g0_ = g0 if intercept else 0.0
    assert _kkt_en(Xd, y, gamma, g0_, lam1, lam2, intercept, family) < 1e-9
    sol = _bayesreg_solution(Xd, y, family, lam1, lam2, intercept)
    if sol is not None:
        b0, b = sol
        coef = glmnet_coef_from_scaled(b, scales)
        _close(g, coef, GLMNET_RTOL, "coef")
        _close([g0], [b0 if intercept else 0.0], GLMNET_RTOL, "intercept")
        np.testing.assert_array_equal(g == 0, coef == 0)
    if alpha > 0:
        assert 0 < np.count_nonzero(g) < X.shape[1]  # sparse: the L1 part is exercised


@pytest.mark.skipif(not glmnet_available(), reason=GLMNET_SKIP_REASON)
@pytest.mark.parametrize("intercept", [True, False])
def test_glmnet_gaussian_ridge_is_scaled_by_the_sd_of_y(glmnet_results, intercept):
    """The measurement behind from_glmnet: xⱼᵀr/βⱼ at glmnet's ridge fit is nλ_g/s_y.

    At the ridge optimum of RSS + λ₂‖β‖², 2xⱼᵀr = 2λ₂βⱼ for every j: the ratio is the same
    λ₂ in every coordinate, and it is n·λ_g/s_y, not the n·λ_g of the other families.
    """
    X, y = _glmnet_data("gaussian")
    n = len(y)
    lam_g, (g0, g) = glmnet_results[("gaussian", 0.0, False, intercept)]
    r = y - (g0 if intercept else 0.0) - X @ g
    ratio = (X.T @ r) / g
    s_y = glmnet_y_scale(y, intercept=intercept)
    assert s_y > 20  # the naive conversion is off by this factor
    np.testing.assert_allclose(ratio, n * lam_g / s_y, rtol=1e-8)
    # the naive λ₂ = n·λ_g (no y-scaling) gives another fit, far from glmnet's
    naive = ridge_closed_form(X, y, n * lam_g, fit_intercept=intercept).coef
    assert np.max(np.abs(naive - g)) > 1e-2 * np.max(np.abs(g))
