"""Z-scoring the features, and the coefficients back on the original scale.

One prior scale means the same for every coefficient only when the features share a scale,
so :func:`standardize` maps each column to ``zⱼ = (xⱼ − x̄ⱼ)/sⱼ`` (``sⱼ`` the population
standard deviation). A fit on the z-scale, β₀ᶻ + Σⱼ βⱼᶻ zⱼ, is the same regression line as
β₀ + Σⱼ βⱼ xⱼ with

    βⱼ = βⱼᶻ / sⱼ,     β₀ = β₀ᶻ − Σⱼ βⱼᶻ x̄ⱼ / sⱼ,

which :meth:`Standardization.to_original` applies (to one estimate or to a stack of draws).

A scipy.sparse X is only *scaled*, ``xⱼ/sⱼ`` (centering would fill in every zero): with an
unpenalized intercept the coefficients are the same as on the z-scores (the solvers centre
implicitly), only the intercept is that of the scaled features, and ``means`` are then zeros
(nothing was subtracted) with ``centered=False``.
The prior, the penalty and therefore the MAP live on the z-scale; the original-scale numbers
are the same fit in other units, not the MAP of a prior on the original coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

__all__ = ["Standardization", "standardize"]


@dataclass(frozen=True)
class Standardization:
    """What was subtracted from and divided into each column to standardize a design.

    ``means`` are the column means, or zeros when the columns were only scaled
    (``centered=False``, a sparse X); ``scales`` the population standard deviations.
    """

    means: NDArray[np.float64]
    scales: NDArray[np.float64]
    centered: bool = True

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
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    feature_names: Sequence[str] | None = None,
) -> tuple[NDArray[np.float64] | scipy.sparse.csc_array, Standardization]:
    """Z-score the columns of ``X``: mean 0, population standard deviation 1.

    A sparse X (CSC, as validated) is scaled only, to unit standard deviation, and stays
    sparse (module docstring).

    Raises
    ------
    ValueError
        A constant column (standard deviation 0), named.
    """
    sparse = scipy.sparse.issparse(X)
    if sparse:
        from bayesreg.solvers._design import sparse_column_stats

        means, norms2 = sparse_column_stats(X, True)
        scales = np.sqrt(norms2 / X.shape[0])
    else:
        means = X.mean(axis=0)
        scales = X.std(axis=0)
    zero = np.flatnonzero(~(scales > 0))
    if zero.size:
        j = int(zero[0])
        name = repr(feature_names[j]) if feature_names is not None else f"column {j}"
        raise ValueError(f"feature {name} is constant: it cannot be standardized")
    if sparse:
        scaled = scipy.sparse.csc_array(X @ scipy.sparse.diags_array(1.0 / scales))
        return scaled, Standardization(np.zeros_like(means), scales, centered=False)
    return (X - means) / scales, Standardization(means, scales)
