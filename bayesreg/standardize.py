"""Z-scoring the features, and the coefficients back on the original scale.

One prior scale means the same for every coefficient only when the features share a scale,
so :func:`standardize` maps each column to ``zⱼ = (xⱼ − x̄ⱼ)/sⱼ`` (``sⱼ`` the population
standard deviation). A fit on the z-scale, β₀ᶻ + Σⱼ βⱼᶻ zⱼ, is the same regression line as
β₀ + Σⱼ βⱼ xⱼ with

    βⱼ = βⱼᶻ / sⱼ,     β₀ = β₀ᶻ − Σⱼ βⱼᶻ x̄ⱼ / sⱼ,

which :meth:`Standardization.to_original` applies (to one estimate or to a stack of draws).
The prior, the penalty and therefore the MAP live on the z-scale; the original-scale numbers
are the same fit in other units, not the MAP of a prior on the original coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Standardization", "standardize"]


@dataclass(frozen=True)
class Standardization:
    """Column means and population standard deviations used to z-score a design."""

    means: NDArray[np.float64]
    scales: NDArray[np.float64]

    def to_original(
        self, coef: ArrayLike, intercept: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Coefficients and intercept on the original scale of the features.

        ``coef`` has the features on its last axis (one estimate, or draws × features);
        ``intercept`` has the remaining shape.
        """
        c = np.asarray(coef, dtype=np.float64)
        orig = c / self.scales
        icpt = np.asarray(intercept, dtype=np.float64) - orig @ self.means
        return orig, icpt

    def to_dict(self) -> dict[str, list[float]]:
        """``{"feature_means": [...], "feature_scales": [...]}`` (JSON-ready)."""
        return {"feature_means": self.means.tolist(), "feature_scales": self.scales.tolist()}


def standardize(
    X: NDArray[np.float64], feature_names: Sequence[str] | None = None
) -> tuple[NDArray[np.float64], Standardization]:
    """Z-score the columns of ``X``: mean 0, population standard deviation 1.

    Raises
    ------
    ValueError
        A constant column (standard deviation 0), named.
    """
    means = X.mean(axis=0)
    scales = X.std(axis=0)
    zero = np.flatnonzero(~(scales > 0))
    if zero.size:
        j = int(zero[0])
        name = repr(feature_names[j]) if feature_names is not None else f"column {j}"
        raise ValueError(f"feature {name} is constant: it cannot be standardized")
    return (X - means) / scales, Standardization(means, scales)
