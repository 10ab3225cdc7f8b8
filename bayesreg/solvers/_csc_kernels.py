"""Compiled coordinate-descent kernels for a CSC design (private).

The sparse twins of :func:`~bayesreg.solvers._cd_kernels.cd_epochs` and
:func:`~bayesreg.solvers._cd_kernels.shift_residual`, with the same arguments except that
``X`` is the tuple ``(indptr, indices, data)`` of a CSC matrix, so the working-set driver
calls either pair the same way. The gap formula is shared (``lasso_gap``).

Centering stays implicit and the cost of an update stays O(nnz of the column): a residual
update ``r ← r − Δ·(x_j − x̄_j·1)`` is split into its sparse part, applied to ``r`` at the
stored rows of column j, and its constant part ``+Δ·x̄_j``, accumulated in a scalar ``off``
so that the true residual is ``r + off·1``. Then ``x_jᵀ(r + off·1) = x_jᵀr + off·n·x̄_j``
(stored entries only), and since the true residual stays centered (Σr = 0), ``x_jᵀr`` is
``x_cⱼᵀr``. ‖r‖² follows the updates exactly in arithmetic
(``‖r − Δx_cⱼ‖² = ‖r‖² − 2Δ·x_cⱼᵀr + Δ²‖x_cⱼ‖²``) and is recomputed from scratch, with
``off`` folded into ``r``, before every duality-gap check and on return.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bayesreg.solvers._cd_kernels import _soft_update, lasso_gap


@njit(cache=True, fastmath=True, nogil=True, inline="always")
def _csc_dot(indptr, indices, data, j, r):
    acc = 0.0
    for q in range(indptr[j], indptr[j + 1]):
        acc += data[q] * r[indices[q]]
    return acc


@njit(cache=True, fastmath=True, nogil=True, inline="always")
def _csc_axpy(indptr, indices, data, j, d, r):
    for q in range(indptr[j], indptr[j + 1]):
        r[indices[q]] -= d * data[q]


@njit(cache=True, fastmath=True, nogil=True)
def _fold(r, off):
    """``r += off`` (materialize the constant part of the residual); returns ‖r‖²."""
    rr = 0.0
    for i in range(r.shape[0]):
        r[i] += off
        rr += r[i] * r[i]
    return rr


@njit(cache=True, fastmath=True, nogil=True)
def cd_epochs_csc(X, xbar, r, beta, norms2, ws, lam_half, l2, n_epochs, tol_rel, check_every):
    """Up to ``n_epochs`` cyclic sweeps over ``ws`` on a CSC design (see ``cd_epochs``).

    Returns ``(epochs_done, restricted_relative_gap)``; ``r`` is the true residual on return.
    """
    indptr, indices, data = X
    n = r.shape[0]
    m = ws.shape[0]
    off = 0.0
    rr = _fold(r, 0.0)
    gap_rel = np.inf
    epoch = 0
    while epoch < n_epochs:
        max_move = 0.0
        for k in range(m):
            j = ws[k]
            nj = norms2[j]
            if nj == 0.0:
                continue
            old = beta[j]
            c = _csc_dot(indptr, indices, data, j, r) + off * n * xbar[j]
            curv = nj + l2
            new = _soft_update(c + old * nj, lam_half, curv)
            if new != old:
                d = new - old
                _csc_axpy(indptr, indices, data, j, d, r)
                off += d * xbar[j]
                rr += d * (d * nj - 2.0 * c)
                beta[j] = new
                move = d * d * curv
                if move > max_move:
                    max_move = move
        epoch += 1
        if max_move <= tol_rel * 0.5 * rr or epoch % check_every == 0 or epoch == n_epochs:
            rr = _fold(r, off)
            off = 0.0
            gap_rel = restricted_gap_csc(X, r, beta, ws, lam_half, l2)
            if gap_rel <= tol_rel:
                break
    if off != 0.0:
        _fold(r, off)
    return epoch, gap_rel


@njit(cache=True, fastmath=True, nogil=True)
def restricted_gap_csc(X, r, beta, ws, lam_half, l2):
    """Relative duality gap of the Lasso (elastic net: ``l2`` > 0, see
    :func:`~bayesreg.solvers._cd_kernels.restricted_gap`) restricted to ``ws`` (``r``
    centered, materialized)."""
    indptr, indices, data = X
    rr = 0.0
    for i in range(r.shape[0]):
        rr += r[i] * r[i]
    l1 = 0.0
    bb = 0.0
    max_corr = 0.0
    xb_dot_r = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        b = beta[j]
        c = _csc_dot(indptr, indices, data, j, r) - l2 * b
        a = abs(c)
        if a > max_corr:
            max_corr = a
        if b != 0.0:
            l1 += abs(b)
            bb += b * b
            xb_dot_r += b * c
    return lasso_gap(rr + l2 * bb, l1, max_corr, xb_dot_r, lam_half)[0]


@njit(cache=True, fastmath=True, nogil=True)
def shift_residual_csc(X, xbar, r, ws, delta):
    """``r -= X_c[:, ws] @ delta`` on a CSC design; returns ``‖r‖²``."""
    indptr, indices, data = X
    off = 0.0
    for k in range(ws.shape[0]):
        d = delta[k]
        if d != 0.0:
            j = ws[k]
            _csc_axpy(indptr, indices, data, j, d, r)
            off += d * xbar[j]
    return _fold(r, off)


@njit(cache=True, nogil=True)
def column_stats(indptr, data, n, fit_intercept):
    """Per column of a CSC matrix: raw Σx², mean, centered Σ(x − x̄)² (implicit zeros counted),
    whether a stored value is non-zero, and whether the column is constant. One pass over
    the stored values per column (two with an intercept); see
    :func:`~bayesreg.solvers._design.sparse_column_stats` for the conventions.
    """
    p = indptr.shape[0] - 1
    raw = np.zeros(p)
    mean = np.zeros(p)
    norms2 = np.zeros(p)
    nonzero = np.zeros(p, dtype=np.bool_)
    const = np.zeros(p, dtype=np.bool_)
    for j in range(p):
        lo, hi = indptr[j], indptr[j + 1]
        s = 0.0
        s2 = 0.0
        vmin = np.inf
        vmax = -np.inf
        for q in range(lo, hi):
            v = data[q]
            s += v
            s2 += v * v
            if v != 0.0:
                nonzero[j] = True
            if v < vmin:
                vmin = v
            if v > vmax:
                vmax = v
        raw[j] = s2
        if not fit_intercept:
            norms2[j] = s2
            continue
        m = s / n
        mean[j] = m
        dev = 0.0
        for q in range(lo, hi):
            d = data[q] - m
            dev += d * d
        count = hi - lo
        norms2[j] = dev + (n - count) * m * m
        if not nonzero[j] or (count == n and vmax == vmin):
            const[j] = True
            norms2[j] = 0.0
    return raw, mean, norms2, nonzero, const
