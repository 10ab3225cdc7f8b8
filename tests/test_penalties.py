"""The penalty objects: value, proximal operator, smallest subgradient (independent checks)."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from bayesreg import L1Penalty, L2Penalty

RNG = np.random.default_rng(7)
Z = np.concatenate([RNG.normal(0, 2, 40), [0.0, 0.3, -0.3, 0.29999999]])


@pytest.mark.parametrize("penalty", [L1Penalty(), L2Penalty()], ids=["l1", "l2"])
@pytest.mark.parametrize("step", [0.01, 0.3, 2.0])
def test_prox_is_the_scalar_minimizer(penalty, step):
    out = penalty.prox(Z, step)
    for z, o in zip(Z, out, strict=True):
        res = minimize_scalar(
            lambda b, z=z: 0.5 * (b - z) ** 2 + step * penalty.value(np.array([b])),
            bracket=(-10, 10),
            tol=1e-12,
        )
        assert o == pytest.approx(res.x, abs=1e-6)


def test_l1_prox_gives_exact_zeros():
    out = L1Penalty().prox(Z, 0.3)
    assert np.all(out[np.abs(Z) <= 0.3] == 0.0)
    assert np.all(out[np.abs(Z) > 0.3] != 0.0)


def test_values():
    b = np.array([1.5, -2.0, 0.0])
    assert L1Penalty().value(b) == 3.5
    assert L2Penalty().value(b) == 6.25


def test_min_norm_subgradient():
    lam = 1.0
    beta = np.array([0.0, 0.0, 2.0, -1.0])
    grad = np.array([0.4, -1.7, -1.0, 0.5])
    s = L1Penalty().min_norm_subgradient(beta, grad, lam)
    # zeros: inside [-λ, λ] → 0; outside → excess; support: g + λ·sign(β)
    np.testing.assert_allclose(s, [0.0, -0.7, 0.0, -0.5])
    s2 = L2Penalty().min_norm_subgradient(beta, grad, lam)
    np.testing.assert_allclose(s2, grad + 2 * lam * beta)
