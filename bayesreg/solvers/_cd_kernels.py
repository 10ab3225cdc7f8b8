"""Compiled coordinate-descent kernels (private).

All kernels work on the ½·RSS scaling, ``½‖y − Xβ‖² + λ½‖β‖₁``, on a Fortran-ordered
(column-contiguous) ``X`` and keep the residual ``r = y − Xβ`` up to date. They are compiled
by Numba on first use and cached on disk (``cache=True``), so the compile cost is paid once
per installation.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, fastmath=True, nogil=True)
def _col_dot(X, j, r):
    n = X.shape[0]
    acc = 0.0
    for i in range(n):
        acc += X[i, j] * r[i]
    return acc


@njit(cache=True, fastmath=True, nogil=True)
def cd_epochs(X, r, beta, norms2, ws, lam_half, n_epochs, tol_rel, check_every):
    """Run up to ``n_epochs`` cyclic sweeps over the working set ``ws``.

    Every ``check_every`` sweeps, the duality gap of the problem restricted to ``ws`` is
    computed; the sweeps stop once it is ≤ ``tol_rel`` times the primal objective.
    Returns ``(epochs_done, restricted_relative_gap)``.
    """
    n = X.shape[0]
    m = ws.shape[0]
    gap_rel = np.inf
    epoch = 0
    while epoch < n_epochs:
        for k in range(m):
            j = ws[k]
            nj = norms2[j]
            if nj == 0.0:
                continue
            old = beta[j]
            z = _col_dot(X, j, r) + old * nj
            if z > lam_half:
                new = (z - lam_half) / nj
            elif z < -lam_half:
                new = (z + lam_half) / nj
            else:
                new = 0.0
            if new != old:
                d = new - old
                for i in range(n):
                    r[i] -= d * X[i, j]
                beta[j] = new
        epoch += 1
        if epoch % check_every == 0 or epoch == n_epochs:
            gap_rel = restricted_gap(X, r, beta, ws, lam_half)
            if gap_rel <= tol_rel:
                break
    return epoch, gap_rel


@njit(cache=True, fastmath=True, nogil=True)
def restricted_gap(X, r, beta, ws, lam_half):
    """Relative duality gap of the Lasso restricted to the columns in ``ws``.

    y is recovered as r + Xβ implicitly: ``θᵀy = θᵀr + θᵀXβ`` with θ a rescaled residual.
    """
    m = ws.shape[0]
    n = X.shape[0]
    rr = 0.0
    for i in range(n):
        rr += r[i] * r[i]
    l1 = 0.0
    max_corr = 0.0
    xb_dot_r = 0.0  # rᵀXβ = Σ βⱼ xⱼᵀr (β is zero outside ws)
    for k in range(m):
        j = ws[k]
        c = _col_dot(X, j, r)
        a = abs(c)
        if a > max_corr:
            max_corr = a
        b = beta[j]
        if b != 0.0:
            l1 += abs(b)
            xb_dot_r += b * c
    primal = 0.5 * rr + lam_half * l1
    scale = 1.0
    if max_corr > lam_half:
        scale = lam_half / max_corr
    # θ = scale·r, y = r + Xβ; D = θᵀy − ½‖θ‖²
    dual = scale * (rr + xb_dot_r) - 0.5 * scale * scale * rr
    gap = primal - dual
    if gap < 0.0:
        gap = 0.0
    if primal <= 0.0:
        return 0.0
    return gap / primal


def warmup() -> None:
    """Compile (or load from the on-disk cache) every kernel on a tiny problem."""
    X = np.asfortranarray(np.eye(3))
    r = np.ones(3)
    beta = np.zeros(3)
    ws = np.arange(3, dtype=np.int64)
    cd_epochs(X, r, beta, np.ones(3), ws, 0.1, 2, 0.0, 1)
