"""The one convention for λ, and the only place where conversion constants appear.

bayesreg's penalized objective is

    F(β₀, β) = ‖y − β₀ − Xβ‖²₂ + λ · R(β),

with the intercept β₀ unpenalized, R(β) = ‖β‖₁ (Lasso) or R(β) = ‖β‖²₂ (Ridge). Other
libraries and textbooks scale the data term differently, and λ only means something together
with its scaling:

=====================================  ==========================  =======================
objective                              Lasso                       Ridge
=====================================  ==========================  =======================
RSS + λ·R(β)  (bayesreg)               λ                           λ
½·RSS + λ½·R(β)  (coordinate descent)  λ½ = λ/2                    λ½ = λ/2
(1/2n)·RSS + α‖β‖₁  (scikit-learn)     α = λ/(2n)                  —
RSS + α‖β‖²₂  (scikit-learn Ridge)     —                           α = λ
=====================================  ==========================  =======================

For the generalized linear models of :mod:`bayesreg.families` the data term is the deviance
D = 2·(loglik(saturated) − loglik(model)), which for the Gaussian family is the RSS, so
the objective ``D(y, β₀ + Xβ) + λ·R(β)`` keeps the same λ. With the log-loss (negative
log-likelihood) L = D/2 of the binomial family (up to a constant, for Poisson too):

=========================================================  ==================  ================
objective                                                  Lasso               Ridge
=========================================================  ==================  ================
D + λ·R(β)  (bayesreg)                                     λ                   λ
C·L + R_sk(β), R_sk = ‖β‖₁ / ½‖β‖²  (LogisticRegression)   C = 2/λ             C = 1/λ
(1/n)·L + λ_g·(‖β‖₁ / ½‖β‖²)  (glmnet, glum, statsmodels)  λ_g = λ/(2n)        λ_g = λ/n
=========================================================  ==================  ================

(glmnet with ``alpha=1`` / ``alpha=0`` and ``standardize=FALSE``; glum's
``GeneralizedLinearRegressor(alpha=λ_g, l1_ratio=1 / 0)``; statsmodels'
``GLM.fit_regularized(alpha=λ_g, L1_wt=1 / 0)``, which also penalizes the intercept unless its
entry of ``alpha`` is 0.)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg._validation import check_penalty, check_positive_int

PenaltyName = Literal["l1", "l2"]

#: Factor between bayesreg's RSS scaling and the ½·RSS scaling (same for both penalties).
_HALF = 0.5


def to_half_rss(lam: float) -> float:
    """λ of ``RSS + λR`` → λ½ of ``½·RSS + λ½·R`` (the same minimizer)."""
    return _HALF * check_penalty(lam)


def half_rss_grid(lams: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`to_half_rss` for an already validated array of λ (used along paths)."""
    return _HALF * lams


def from_half_rss(lam_half: float) -> float:
    """λ½ of ``½·RSS + λ½·R`` → λ of ``RSS + λR``."""
    return check_penalty(lam_half, "lam_half") / _HALF


def to_sklearn_alpha(lam: float, n_samples: int, penalty: PenaltyName) -> float:
    """λ of ``RSS + λR`` → scikit-learn's ``alpha`` for ``Lasso`` (l1) or ``Ridge`` (l2).

    ``Lasso`` minimizes ``(1/2n)·RSS + α‖β‖₁`` so α = λ/(2n); ``Ridge`` minimizes
    ``RSS + α‖β‖²₂`` so α = λ.

    Examples
    --------
    >>> import bayesreg as br
    >>> br.to_sklearn_alpha(884.0, n_samples=442, penalty="l1")  # λ/(2n)
    1.0
    >>> br.to_sklearn_alpha(10.0, n_samples=442, penalty="l2")
    10.0
    """
    lam = check_penalty(lam)
    if penalty == "l1":
        return _HALF * lam / check_positive_int(n_samples, "n_samples")
    if penalty == "l2":
        return lam
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_sklearn_alpha(alpha: float, n_samples: int, penalty: PenaltyName) -> float:
    """scikit-learn's ``alpha`` → λ of ``RSS + λR`` (inverse of :func:`to_sklearn_alpha`)."""
    alpha = check_penalty(alpha, "alpha")
    if penalty == "l1":
        return alpha * check_positive_int(n_samples, "n_samples") / _HALF
    if penalty == "l2":
        return alpha
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


#: Deviance per unit of log-loss (negative log-likelihood): D = 2·L (+ a constant).
_DEVIANCE_PER_LOGLOSS = 2.0


def to_sklearn_C(lam: float, penalty: PenaltyName) -> float:
    """λ of ``D + λR`` → the ``C`` of scikit-learn's ``LogisticRegression`` (same minimizer).

    ``LogisticRegression`` minimizes ``C·L + ‖β‖₁`` (l1) or ``C·L + ½‖β‖²`` (l2) with L = D/2
    the summed log-loss and the intercept unpenalized (solvers other than liblinear), i.e.
    ``D + (2/C)‖β‖₁`` or ``D + (1/C)‖β‖²``: C = 2/λ for l1 and C = 1/λ for l2.

    As a prior scale (binomial, φ = 1): the MAP under a Laplace(b) prior is the l1 fit at
    λ = 2/b, so **C = b**; under a Gaussian(σ′) prior it is the l2 fit at λ = 1/σ′², so
    **C = σ′²**.
    """
    lam = check_penalty(lam)
    if lam == 0.0:
        raise ValueError("lam must be > 0 for LogisticRegression's C (C = inf is no penalty)")
    if penalty == "l1":
        return _DEVIANCE_PER_LOGLOSS / lam
    if penalty == "l2":
        return _DEVIANCE_PER_LOGLOSS * _HALF / lam
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_sklearn_C(C: float, penalty: PenaltyName) -> float:
    """``LogisticRegression``'s ``C`` → λ of ``D + λR`` (inverse of :func:`to_sklearn_C`)."""
    C = check_penalty(C, "C")
    if C == 0.0:
        raise ValueError("C must be > 0")
    if penalty == "l1":
        return _DEVIANCE_PER_LOGLOSS / C
    if penalty == "l2":
        return _DEVIANCE_PER_LOGLOSS * _HALF / C
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def to_glmnet_lambda(lam: float, n_samples: int, penalty: PenaltyName) -> float:
    """λ of ``D + λR`` → glmnet's λ_g for the binomial, Poisson (or Gaussian) family.

    glmnet minimizes ``(1/n)·L + λ_g‖β‖₁`` (alpha=1) or ``(1/n)·L + λ_g·½‖β‖²`` (alpha=0),
    with L = D/2 (up to a constant), i.e. ``D + 2nλ_g‖β‖₁`` or ``D + nλ_g‖β‖²``:
    λ_g = λ/(2n) for l1 and λ/n for l2. glum's ``alpha`` and statsmodels'
    ``fit_regularized(alpha=...)`` use the same scaling. For the Gaussian family (L = ½RSS)
    the l1 value equals scikit-learn's Lasso ``alpha`` (:func:`to_sklearn_alpha`).
    """
    lam = check_penalty(lam)
    n = check_positive_int(n_samples, "n_samples")
    if penalty == "l1":
        return lam / (_DEVIANCE_PER_LOGLOSS * n)
    if penalty == "l2":
        return lam / (_DEVIANCE_PER_LOGLOSS * _HALF * n)
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_glmnet_lambda(lam_g: float, n_samples: int, penalty: PenaltyName) -> float:
    """glmnet's λ_g → λ of ``D + λR`` (inverse of :func:`to_glmnet_lambda`)."""
    lam_g = check_penalty(lam_g, "lam_g")
    n = check_positive_int(n_samples, "n_samples")
    if penalty == "l1":
        return lam_g * _DEVIANCE_PER_LOGLOSS * n
    if penalty == "l2":
        return lam_g * _DEVIANCE_PER_LOGLOSS * _HALF * n
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")
