"""Symmetric positive definite solves for systems built from the data (private).

Ridge's normal equations and the Lasso on a fixed sign pattern are both ``(X_SᵀX_S + λI) x = b``
with the matrix formed from the data, so a plain Cholesky solve carries an error of about
cond(X)²·eps. One mechanism serves both: solve, then refine with a residual computed through
the data, and give up (return None) when refinement does not contract.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

_REFINE_STEPS = 6
_REFINED = 1e-13  # a correction this small (relative to x) ends the refinement


def cholesky_solve_refined(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    residual: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> NDArray[np.float64] | None:
    """Solve the symmetric positive definite system ``a x = b`` by Cholesky, refined.

    ``a`` is a product of the data with itself (plus λI), so the plain solution carries an
    error of about cond(a)·eps = cond(X)²·eps. Iterative refinement shrinks it while
    cond(a)·eps < 1: ``residual(x)`` is ``b − a x`` computed through the data (the data
    residual first, then one product with X: no cancellation between two large terms), and
    its correction is solved with the same factor. A well-conditioned system costs one
    residual. Returns None when the factorization fails or the corrections do not shrink to
    rounding level (each at most half the previous, the first at most half of x): the
    system is then too ill-conditioned for the normal equations.

    Triangular solves are level-2 BLAS (single-threaded), so SciPy's OpenBLAS does not
    compete here with NumPy's for the cores.
    """
    found = cholesky_solve_certified(a, b, residual)
    return None if found is None else found[0] + found[2]


def cholesky_solve_certified(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    residual: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    *,
    steps: int = _REFINE_STEPS,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None:
    """:func:`cholesky_solve_refined`, returning ``(x, residual(x), last correction)``.

    ``x`` is the last iterate whose residual was computed, so the residual certifies it
    exactly; the correction that ended the refinement (≤ 1e-13 relative to x) is returned
    beside it, not added. The corrections must shrink to that level within ``steps``.

    ``a`` need only approximate the matrix that ``residual`` applies (e.g. a Gram matrix
    accumulated in float32): refinement then converges to the exact solution at a rate of
    about ‖a⁻¹‖·‖error of a‖ per step, given enough ``steps``.
    """
    try:
        low = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        return None

    def solve(rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        z = scipy.linalg.solve_triangular(low, rhs, lower=True, check_finite=False)
        return scipy.linalg.solve_triangular(low, z, lower=True, trans=1, check_finite=False)

    x = solve(b)
    size = float(np.max(np.abs(x))) if x.size else 0.0
    limit = 0.5 * size
    for _ in range(steps):
        r = residual(x)
        step = solve(r)
        step_size = float(np.max(np.abs(step))) if step.size else 0.0
        if step_size <= _REFINED * size:
            return x, r, step
        if step_size > limit:
            return None  # not contracting
        x = x + step
        limit = 0.5 * step_size
    return None
