"""Compiled coordinate-descent kernels (private).

All kernels work on the ½·RSS scaling, ``½‖y_c − X_c β‖² + λ½‖β‖₁ + ½·l2·‖β‖²``, and keep
the residual ``r = y_c − X_c β`` up to date. ``l2`` is the λ₂ of the elastic net
``RSS + λ‖β‖₁ + λ₂‖β‖²`` (halving that objective gives λ½ = λ/2 and ½λ₂‖β‖²); ``l2 = 0`` is
the Lasso, and every formula below then reduces to the Lasso's operation for operation (an
added ``0·x`` is exact), so the Lasso's iterates are bit for bit those without the term.

The elastic net is the Lasso on the augmented design ``X_a = [X_c; √l2·I]``, ``y_a = [y_c; 0]``:
its residual is ``r_a = [r; −√l2·β]`` (‖r_a‖² = ‖r‖² + l2‖β‖²), its columns have squared
norms ‖x_cⱼ‖² + l2 and correlations ``x_aⱼᵀr_a = x_cⱼᵀr − l2·βⱼ``. The kernels never form
it: the coordinate update is ``βⱼ ← S(x_cⱼᵀr + βⱼ‖x_cⱼ‖², λ½) / (‖x_cⱼ‖² + l2)`` and the
duality gap is the Lasso's (:func:`lasso_gap`) on those augmented quantities.

The centered design ``X_c = X − 1x̄ᵀ`` is never formed either: the kernels take ``X`` as
given (C- or Fortran-ordered; Numba compiles one version per layout) and its column means
``xbar`` (zeros without an intercept). Because ``r`` stays centered (Σr = 0),
``x_cⱼᵀr = xⱼᵀr`` and only the residual update needs the mean: ``r ← r − Δ·(xⱼ − x̄ⱼ)``.
They are compiled by Numba on first use and cached on disk (``cache=True``), so the compile
cost is paid once per installation.
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
def _col_axpy(X, xbar_j, j, d, r):
    n = X.shape[0]
    for i in range(n):
        r[i] -= d * (X[i, j] - xbar_j)


@njit(cache=True, nogil=True)
def lasso_gap(rr, l1, max_corr, beta_dot_corr, lam_half):
    """Duality gap of ``½‖r‖² + λ½‖β‖₁`` from ‖r‖², ‖β‖₁, max|X_cᵀr| and βᵀX_cᵀr.

    The dual point θ = s·r with s = min(1, λ½/max|X_cᵀr|) is feasible, and with
    y_c = r + X_cβ its dual objective is D(θ) = θᵀy_c − ½‖θ‖² = s(‖r‖² + βᵀX_cᵀr) − ½s²‖r‖².
    Returns ``(gap / primal, gap, s)`` (relative gap 0 when the primal is 0).

    Elastic net: the same formula on the augmented design (module docstring), i.e. called
    with ``rr = ‖r‖² + l2‖β‖²``, ``max_corr = max|X_cᵀr − l2·β|`` and
    ``beta_dot_corr = βᵀ(X_cᵀr − l2·β)``. Written out in the RSS scaling (twice this gap),
    with c = X_cᵀr − λ₂β and s = min(1, λ₁/(2‖c‖∞)):
    ``gap = RSS + λ₁‖β‖₁ + λ₂‖β‖² − (2s·rᵀy_c − s²(RSS + λ₂‖β‖²))`` ≥ 0, zero exactly at
    the optimum.
    """
    primal = 0.5 * rr + lam_half * l1
    scale = 1.0
    if max_corr > lam_half:
        scale = lam_half / max_corr
    dual = scale * (rr + beta_dot_corr) - 0.5 * scale * scale * rr
    gap = max(primal - dual, 0.0)
    if primal <= 0.0:
        return 0.0, gap, scale
    return gap / primal, gap, scale


@njit(cache=True, nogil=True)
def kkt_excess(corr, beta, norms2, lam_half, rr, kkt_tol):
    """KKT violation relative to λ½, minus what is allowed (≤ 0 means satisfied).

    Per coordinate with cⱼ = x_cⱼᵀr: |cⱼ − λ½·sign βⱼ| on the support, (|cⱼ| − λ½)₊ off it.
    The allowance is ``kkt_tol``, or the rounding floor of cⱼ (1000·eps·‖x_cⱼ‖·‖r‖/λ½)
    when that is larger. Columns with zero norm are skipped.
    """
    worst = -np.inf
    rnorm = np.sqrt(rr)
    for j in range(corr.shape[0]):
        if norms2[j] == 0.0:
            continue
        c = corr[j]
        b = beta[j]
        if b > 0.0:
            v = abs(c - lam_half)
        elif b < 0.0:
            v = abs(c + lam_half)
        else:
            v = max(abs(c) - lam_half, 0.0)
        floor = 1000.0 * 2.220446049250313e-16 * np.sqrt(norms2[j]) * rnorm
        e = (v - max(kkt_tol * lam_half, floor)) / lam_half
        if e > worst:
            worst = e
    return worst


@njit(cache=True, fastmath=True, nogil=True, inline="always")
def _soft_update(z, lam_half, curvature):
    """argmin_b ½·curvature·b² − z·b + λ½|b|: soft-thresholding, exactly 0 when |z| ≤ λ½."""
    if z > lam_half:
        return (z - lam_half) / curvature
    if z < -lam_half:
        return (z + lam_half) / curvature
    return 0.0


@njit(cache=True, fastmath=True, nogil=True)
def cd_epochs(X, xbar, r, beta, norms2, ws, lam_half, l2, n_epochs, tol_rel, check_every):
    """Run up to ``n_epochs`` cyclic sweeps over the working set ``ws`` (``l2``: module doc).

    The duality gap of the problem restricted to ``ws`` costs about half a sweep, so it is
    computed only when a sweep moved the fit little (``max_j Δβ_j²‖x_j‖² ≤ tol·½‖r‖²``) or
    every ``check_every`` sweeps; the sweeps stop once it is ≤ ``tol_rel`` times the primal
    objective. Returns ``(epochs_done, restricted_relative_gap)``.
    """
    n = X.shape[0]
    m = ws.shape[0]
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
            curv = nj + l2
            new = _soft_update(_col_dot(X, j, r) + old * nj, lam_half, curv)
            if new != old:
                d = new - old
                _col_axpy(X, xbar[j], j, d, r)
                beta[j] = new
                move = d * d * curv
                if move > max_move:
                    max_move = move
        epoch += 1
        rr = 0.0
        for i in range(n):
            rr += r[i] * r[i]
        if max_move <= tol_rel * 0.5 * rr or epoch % check_every == 0 or epoch == n_epochs:
            gap_rel = restricted_gap(X, r, beta, ws, lam_half, l2)
            if gap_rel <= tol_rel:
                break
    return epoch, gap_rel


@njit(cache=True, fastmath=True, nogil=True)
def restricted_gap(X, r, beta, ws, lam_half, l2):
    """Relative duality gap of the Lasso (elastic net) restricted to the columns in ``ws``.

    β is zero outside ``ws``, so βᵀX_aᵀr_a = Σ_{j ∈ ws} βⱼ(x_cⱼᵀr − l2·βⱼ) and
    ‖r_a‖² = ‖r‖² + l2·Σ_{j ∈ ws} βⱼ² (see :func:`lasso_gap` and the module docstring).
    """
    m = ws.shape[0]
    n = X.shape[0]
    rr = 0.0
    for i in range(n):
        rr += r[i] * r[i]
    l1 = 0.0
    bb = 0.0
    max_corr = 0.0
    xb_dot_r = 0.0
    for k in range(m):
        j = ws[k]
        b = beta[j]
        c = _col_dot(X, j, r) - l2 * b
        a = abs(c)
        if a > max_corr:
            max_corr = a
        if b != 0.0:
            l1 += abs(b)
            bb += b * b
            xb_dot_r += b * c
    return lasso_gap(rr + l2 * bb, l1, max_corr, xb_dot_r, lam_half)[0]


@njit(cache=True, fastmath=True, nogil=True)
def shift_residual(X, xbar, r, ws, delta):
    """``r -= X_c[:, ws] @ delta`` without materializing ``X_c[:, ws]``; returns ``‖r‖²``."""
    n = X.shape[0]
    for k in range(ws.shape[0]):
        d = delta[k]
        if d != 0.0:
            j = ws[k]
            _col_axpy(X, xbar[j], j, d, r)
    rr = 0.0
    for i in range(n):
        rr += r[i] * r[i]
    return rr


def warmup(gram: bool = True) -> None:
    """Compile (or load from the on-disk cache) the kernels, for both memory layouts.

    ``gram=False`` leaves out the Gram-path kernels (only ``lasso_path`` on n > p uses them).
    """
    for X in (np.eye(3), np.asfortranarray(np.eye(3))):
        xbar = np.zeros(3)
        r = np.ones(3)
        ws = np.arange(3, dtype=np.int64)
        cd_epochs(X, xbar, r, np.zeros(3), np.ones(3), ws, 0.1, 0.0, 2, 0.0, 1)
        shift_residual(X, xbar, r, ws, np.zeros(3))
    lasso_gap(1.0, 1.0, 1.0, 0.5, 0.5)  # also called from Python
    kkt_excess(np.ones(3), np.zeros(3), np.ones(3), 0.5, 1.0, 1e-8)
    if gram:
        from bayesreg.solvers._gram_kernels import warmup_gram

        warmup_gram()
