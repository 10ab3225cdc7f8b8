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
