"""The λ conventions: the documented conversion formulas, round trips and bad input.

This is the one test module allowed to write the conversion constants (2n, ½) itself: it checks
that :mod:`bayesreg.conventions` implements the formulas in its own docstring. Every other test
converts λ only through the functions under test here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bayesreg
from bayesreg import from_half_rss, from_sklearn_alpha, to_half_rss, to_sklearn_alpha

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
