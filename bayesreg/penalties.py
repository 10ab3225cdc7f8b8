"""Penalties R(β) of the objective ``‖y − β₀ − Xβ‖² + λ·R(β)``.

A penalty is a small stateless object that knows its value, its proximal operator and the
smallest-norm element of the subdifferential of ``g + λ∂R`` (its optimality residual). The
priors in :mod:`bayesreg.priors` each point to one penalty, and the optimality residual
reported for every estimate (:func:`bayesreg.optimality.optimality_residual`) is computed by
these objects alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg.conventions import PenaltyName


@dataclass(frozen=True)
class L1Penalty:
    """R(β) = ‖β‖₁ (the Lasso)."""

    name: ClassVar[PenaltyName] = "l1"
    #: λ / λ_max for which the MAP routes can resolve the fit in float64 (measured: below
    #: 1e-12 the prior is flat to rounding and β = u − v is not identified; above 1e15
    #: every coefficient is zero by fifteen orders of magnitude).
    map_lambda_range: ClassVar[tuple[float, float]] = (1e-12, 1e15)

    def value(self, beta: NDArray[np.float64]) -> float:
        """R(β) = Σ|βⱼ|."""
        return float(np.abs(beta).sum())

    def prox(self, z: NDArray[np.float64], step: float) -> NDArray[np.float64]:
        """argmin_β ½‖β − z‖² + step·‖β‖₁: soft-thresholding, exact zeros where |zⱼ| ≤ step."""
        return np.sign(z) * np.maximum(np.abs(z) - step, 0.0)

    def min_norm_subgradient(
        self, beta: NDArray[np.float64], grad: NDArray[np.float64], lam: float
    ) -> NDArray[np.float64]:
        """Smallest element of ``grad + λ∂‖β‖₁`` coordinate-wise (zero ⇔ KKT holds).

        Where βⱼ ≠ 0 the subdifferential is {sign(βⱼ)}, so the element is gⱼ + λ·sign(βⱼ);
        where βⱼ = 0 it is [−1, 1] and the smallest element is sign(gⱼ)·max(|gⱼ| − λ, 0).
        """
        out = np.where(
            beta != 0.0,
            grad + lam * np.sign(beta),
            np.sign(grad) * np.maximum(np.abs(grad) - lam, 0.0),
        )
        return out


@dataclass(frozen=True)
class L2Penalty:
    """R(β) = ‖β‖²₂ (Ridge)."""

    name: ClassVar[PenaltyName] = "l2"
    #: λ over the mean curvature of the data term, 2·trace(X_cᵀX_c)/p, for which the MAP
    #: routes can resolve the fit (no lower limit: λ → 0 is least squares).
    map_lambda_range: ClassVar[tuple[float, float]] = (0.0, 1e15)

    def value(self, beta: NDArray[np.float64]) -> float:
        """R(β) = Σβⱼ²."""
        return float(np.dot(beta, beta))

    def prox(self, z: NDArray[np.float64], step: float) -> NDArray[np.float64]:
        """argmin_β ½‖β − z‖² + step·‖β‖²₂ = z / (1 + 2·step)."""
        return z / (1.0 + 2.0 * step)

    def min_norm_subgradient(
        self, beta: NDArray[np.float64], grad: NDArray[np.float64], lam: float
    ) -> NDArray[np.float64]:
        """The gradient ``grad + 2λβ`` (R is differentiable)."""
        return grad + 2.0 * lam * beta


@dataclass(frozen=True)
class ElasticNetPenalty:
    """R(β) = ‖β‖₁ + γ‖β‖²₂ (the elastic net), γ ≥ 0 fixed.

    With this R the objective ``‖y − β₀ − Xβ‖² + λ·R(β)`` has λ₁ = λ on ‖β‖₁ and λ₂ = λγ on
    ‖β‖²: one λ, as for the other penalties, and the ratio γ = λ₂/λ₁ is part of the penalty
    (of the prior, :class:`~bayesreg.priors.ElasticNetPrior`: γ = b/(2σ′²)). γ = 0 is the
    Lasso. Its λ_max (the smallest λ with an all-zero fit) is the Lasso's: the ridge term has
    zero gradient at β = 0.
    """

    gamma: float
    name: ClassVar[Literal["elasticnet"]] = "elasticnet"
    #: As for L1 (λ / λ_max): the l1 part decides which coefficients are zero.
    map_lambda_range: ClassVar[tuple[float, float]] = (1e-12, 1e15)

    def __post_init__(self) -> None:
        g = self.gamma
        if isinstance(g, bool) or not isinstance(g, int | float | np.integer | np.floating):
            raise ValueError(f"ElasticNetPenalty gamma must be a number; got {g!r}")
        if not math.isfinite(g) or g < 0:
            raise ValueError(f"ElasticNetPenalty gamma must be a finite number >= 0; got {g!r}")
        object.__setattr__(self, "gamma", float(g))

    def l2_weight(self, lam: float) -> float:
        """λ₂ = λγ, the weight of ‖β‖² in ``RSS + λ‖β‖₁ + λ₂‖β‖²``."""
        return lam * self.gamma

    def value(self, beta: NDArray[np.float64]) -> float:
        """R(β) = Σ|βⱼ| + γ·Σβⱼ²."""
        return float(np.abs(beta).sum()) + self.gamma * float(np.dot(beta, beta))

    def prox(self, z: NDArray[np.float64], step: float) -> NDArray[np.float64]:
        """argmin_β ½‖β − z‖² + step·(‖β‖₁ + γ‖β‖²) = S(z, step) / (1 + 2·step·γ)."""
        return np.sign(z) * np.maximum(np.abs(z) - step, 0.0) / (1.0 + 2.0 * step * self.gamma)

    def min_norm_subgradient(
        self, beta: NDArray[np.float64], grad: NDArray[np.float64], lam: float
    ) -> NDArray[np.float64]:
        """Smallest element of ``grad + 2λγβ + λ∂‖β‖₁`` coordinate-wise (zero ⇔ KKT holds).

        The ridge part is differentiable: L1's rule applied to the gradient ``grad + 2λγβ``
        (which equals ``grad`` where βⱼ = 0).
        """
        return L1Penalty().min_norm_subgradient(beta, grad + 2.0 * lam * self.gamma * beta, lam)


Penalty = L1Penalty | L2Penalty | ElasticNetPenalty
