"""Compiled kernels of the proximal Newton GLM solver (private).

One proximal Newton step minimizes, over a working set ``ws`` of coordinates and the
intercept, the quadratic model of the deviance around the current η,

    Q(Δβ₀, Δβ) = gᵀd + ½·dᵀ diag(w) d + λ·R(β + Δβ),    d = Δβ₀·1 + X_ws Δβ,

with ``g`` = ∂D/∂η and ``w`` = ∂²D/∂η² per row (from the family object: these kernels know no
family). The unpenalized intercept is minimized out *exactly* at every coordinate update:
with the weighted column means mⱼ = Σᵢwᵢxᵢⱼ / Σᵢwᵢ, moving βⱼ by δ and β₀ by −δ·mⱼ keeps
Σᵢ qᵢ = 0 for the model gradient q = g + w∘d, so a coordinate sees the weighted-centered
column xⱼ − mⱼ, of curvature hⱼ = Σᵢwᵢ(xᵢⱼ − mⱼ)², and ``(xⱼ − mⱼ)ᵀq = xⱼᵀq``. Without an
intercept mⱼ = 0. Penalty: ``l1`` (soft-thresholding, exact zeros) or L2 (λβⱼ² ); with
``l1`` an added ``l2``·βⱼ² (the elastic net's λ₂) divides the soft-thresholded value by
hⱼ + 2·l2 and adds 2·l2·βⱼ to the gradient (``l2 = 0``: the L1 update exactly).

The CSC kernels apply the constant part −δ·mⱼ of each update to a scalar ``off`` (the true d
is ``d + off·1`` and the true q is ``q + off·w``) so an update costs O(nnz of the column),
as in :mod:`bayesreg.solvers._csc_kernels`. All kernels are compiled once and cached
(``cache=True``).
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath=True, nogil=True)
def weighted_stats(X, ws, w, w_sum, fit_intercept, m, h):
    """Weighted means ``m[k]`` and centered curvatures ``h[k]`` of the columns ``ws[k]``.

    One pass (Σwx and Σwx²); where Σwx² − (Σwx)²/Σw cancels to below 1e-8 of Σwx², a second,
    exact pass Σw(x − m)².
    """
    n = X.shape[0]
    for k in range(ws.shape[0]):
        j = ws[k]
        s1 = 0.0
        s2 = 0.0
        for i in range(n):
            v = w[i] * X[i, j]
            s1 += v
            s2 += v * X[i, j]
        if not fit_intercept:
            m[k] = 0.0
            h[k] = s2
            continue
        mk = s1 / w_sum
        hk = s2 - s1 * mk
        if hk <= 1e-8 * s2:
            hk = 0.0
            for i in range(n):
                c = X[i, j] - mk
                hk += w[i] * c * c
        m[k] = mk
        h[k] = hk


@njit(cache=True, fastmath=True, nogil=True)
def weighted_stats_csc(X, ws, w, w_sum, fit_intercept, m, h):
    """:func:`weighted_stats` for a CSC design ``(indptr, indices, data)`` (stored entries)."""
    indptr, indices, data = X
    for k in range(ws.shape[0]):
        j = ws[k]
        s1 = 0.0
        s2 = 0.0
        for q in range(indptr[j], indptr[j + 1]):
            v = w[indices[q]] * data[q]
            s1 += v
            s2 += v * data[q]
        if not fit_intercept:
            m[k] = 0.0
            h[k] = s2
            continue
        mk = s1 / w_sum
        hk = s2 - s1 * mk
        if hk <= 1e-8 * s2:  # exact: stored entries, plus the implicit zeros' (0 − m)²
            hk = 0.0
            w_stored = 0.0
            for q in range(indptr[j], indptr[j + 1]):
                c = data[q] - mk
                hk += w[indices[q]] * c * c
                w_stored += w[indices[q]]
            hk += (w_sum - w_stored) * mk * mk
        m[k] = mk
        h[k] = hk


@njit(cache=True, fastmath=True, nogil=True, inline="always")
def _coord(gj, b, hj, lam, l1, l2):
    """(new βⱼ, min-norm subgradient of the model at the old βⱼ) for gradient ``gj``."""
    if l1:
        g = gj + 2.0 * l2 * b
        if b > 0.0:
            v = abs(g + lam)
        elif b < 0.0:
            v = abs(g - lam)
        else:
            v = max(abs(g) - lam, 0.0)
        z = hj * b - gj
        curv = hj + 2.0 * l2
        if z > lam:
            return (z - lam) / curv, v
        if z < -lam:
            return (z + lam) / curv, v
        return 0.0, v
    return (hj * b - gj) / (hj + 2.0 * lam), abs(gj + 2.0 * lam * b)


@njit(cache=True, fastmath=True, nogil=True)
def newton_cd(X, ws, beta, m, h, w, q, d, lam, l1, l2, max_epochs, tol):
    """Cyclic coordinate descent on the quadratic model over ``ws`` (see module docstring).

    ``beta[k]`` is βⱼ for j = ``ws[k]`` (updated), ``q`` = g + w∘d and ``d`` the change of η
    so far (both updated; Σq = 0 on entry when there is an intercept). Stops when a sweep saw
    no coordinate's model subgradient above ``tol``, or after ``max_epochs`` sweeps.
    Returns ``(epochs, change of β₀)``.
    """
    n = X.shape[0]
    d0 = 0.0
    epoch = 0
    while epoch < max_epochs:
        worst = 0.0
        for k in range(ws.shape[0]):
            hk = h[k]
            if hk <= 1e-300:
                continue
            j = ws[k]
            gj = 0.0
            for i in range(n):
                gj += X[i, j] * q[i]
            old = beta[k]
            new, v = _coord(gj, old, hk, lam, l1, l2)
            if v > worst:
                worst = v
            if new != old:
                delta = new - old
                mk = m[k]
                for i in range(n):
                    c = delta * (X[i, j] - mk)
                    d[i] += c
                    q[i] += w[i] * c
                d0 -= delta * mk
                beta[k] = new
        epoch += 1
        # Small violations seen one coordinate at a time can add up over a sweep on
        # correlated columns: confirm at the end of the sweep (half a sweep's cost).
        if worst <= tol and _model_violation(X, ws, beta, h, q, lam, l1, l2) <= tol:
            break
    return epoch, d0


@njit(cache=True, fastmath=True, nogil=True)
def _model_violation(X, ws, beta, h, q, lam, l1, l2):
    """Largest subgradient of the model over ``ws`` at the current point (dense X)."""
    n = X.shape[0]
    worst = 0.0
    for k in range(ws.shape[0]):
        if h[k] <= 1e-300:
            continue
        j = ws[k]
        gj = 0.0
        for i in range(n):
            gj += X[i, j] * q[i]
        v = _coord(gj, beta[k], h[k], lam, l1, l2)[1]
        if v > worst:
            worst = v
    return worst


@njit(cache=True, fastmath=True, nogil=True)
def newton_cd_csc(X, ws, beta, m, h, w, q, d, lam, l1, l2, max_epochs, tol):
    """:func:`newton_cd` for a CSC design ``(indptr, indices, data)``; O(nnz) per update."""
    indptr, indices, data = X
    n = d.shape[0]
    w_sum = 0.0
    for i in range(n):
        w_sum += w[i]
    off = 0.0
    d0 = 0.0
    epoch = 0
    while epoch < max_epochs:
        worst = 0.0
        for k in range(ws.shape[0]):
            hk = h[k]
            if hk <= 1e-300:
                continue
            j = ws[k]
            mk = m[k]
            gj = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                gj += data[p] * q[indices[p]]
            gj += off * w_sum * mk  # xⱼᵀ(off·w) = off·Σw·mⱼ
            old = beta[k]
            new, v = _coord(gj, old, hk, lam, l1, l2)
            if v > worst:
                worst = v
            if new != old:
                delta = new - old
                for p in range(indptr[j], indptr[j + 1]):
                    i = indices[p]
                    c = delta * data[p]
                    d[i] += c
                    q[i] += w[i] * c
                off -= delta * mk
                d0 -= delta * mk
                beta[k] = new
        epoch += 1
        if (
            worst <= tol
            and _model_violation_csc(X, ws, beta, m, h, q, off, w_sum, lam, l1, l2) <= tol
        ):
            break
    if off != 0.0:
        for i in range(n):
            d[i] += off
            q[i] += off * w[i]
    return epoch, d0


@njit(cache=True, fastmath=True, nogil=True)
def _model_violation_csc(X, ws, beta, m, h, q, off, w_sum, lam, l1, l2):
    """:func:`_model_violation` for a CSC design (true q = q + off·w)."""
    indptr, indices, data = X
    worst = 0.0
    for k in range(ws.shape[0]):
        if h[k] <= 1e-300:
            continue
        j = ws[k]
        gj = off * w_sum * m[k]
        for p in range(indptr[j], indptr[j + 1]):
            gj += data[p] * q[indices[p]]
        v = _coord(gj, beta[k], h[k], lam, l1, l2)[1]
        if v > worst:
            worst = v
    return worst


@njit(cache=True, fastmath=True, nogil=True)
def ws_gradient(X, ws, g, out):
    """``out[k] = xⱼᵀg`` for j = ``ws[k]``."""
    n = X.shape[0]
    for k in range(ws.shape[0]):
        j = ws[k]
        acc = 0.0
        for i in range(n):
            acc += X[i, j] * g[i]
        out[k] = acc


@njit(cache=True, fastmath=True, nogil=True)
def ws_gradient_csc(X, ws, g, out):
    """:func:`ws_gradient` for a CSC design."""
    indptr, indices, data = X
    for k in range(ws.shape[0]):
        j = ws[k]
        acc = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            acc += data[p] * g[indices[p]]
        out[k] = acc
