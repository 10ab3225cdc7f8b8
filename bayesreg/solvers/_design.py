"""Centering of the design for an unpenalized intercept (private, shared by the solvers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class CenteredDesign:
    """``X`` and ``y`` with their means removed (when fitting an intercept).

    Minimizing over the unpenalized intercept first gives β₀ = ȳ − x̄ᵀβ, so the penalized
    problem in β is the same problem on centered data. ``Xc`` is a fresh array in the order
    asked of :func:`center` (Fortran by default: contiguous columns for coordinate descent);
    constant columns are exactly zero.
    """

    Xc: NDArray[np.float64]
    yc: NDArray[np.float64]
    X_mean: NDArray[np.float64]
    y_mean: float

    def intercept(self, coef: NDArray[np.float64]) -> NDArray[np.float64] | float:
        """β₀ = ȳ − x̄ᵀβ (β may be a stack of coefficient vectors, one per row)."""
        return self.y_mean - coef @ self.X_mean


def center(
    X: NDArray[np.float64], y: NDArray[np.float64], fit_intercept: bool, order: str = "F"
) -> CenteredDesign:
    """Center X and y when ``fit_intercept``; always return a fresh array in ``order``."""
    p = X.shape[1]
    if not fit_intercept:
        Xc = np.array(X, dtype=np.float64, order=order, copy=True)
        return CenteredDesign(Xc, np.array(y, dtype=np.float64), np.zeros(p), 0.0)
    X_mean = X.mean(axis=0)
    y_mean = float(y.mean())
    Xc = np.empty(X.shape, dtype=np.float64, order=order)
    np.subtract(X, X_mean, out=Xc)
    const = np.ptp(X, axis=0) == 0
    if const.any():
        Xc[:, const] = 0.0
    return CenteredDesign(Xc, y - y_mean, X_mean, y_mean)
