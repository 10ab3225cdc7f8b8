"""Penalties R(β) of the objective ``‖y − β₀ − Xβ‖² + λ·R(β)``.

A penalty is a small stateless object that knows its value, its proximal operator and the
smallest-norm element of the subdifferential of ``g + λ∂R`` (its optimality residual). The
priors in :mod:`bayesreg.priors` each point to one penalty, and the optimality residual
reported for every estimate (:func:`bayesreg.optimality.optimality_residual`) is computed by
these objects alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

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


Penalty = L1Penalty | L2Penalty
