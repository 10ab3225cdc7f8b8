"""Compiled kernels for the Lasso on a Gram matrix (private; used by ``lasso_path`` when n > p).

Everything works on the ½·RSS scaling with ``G = X_cᵀX_c``, ``xty = X_cᵀy_c`` and the
correlations ``q = X_cᵀr = xty − Gβ`` (one per feature), so a coordinate update costs O(p)
and the duality gap O(p), whatever n is.

On a fixed *sign pattern* (support S, signs s) the Lasso is a linear system,
``G_SS β_S = xty_S − λ½·s``, and its solution moves linearly with λ:
``β_S(λ) = β_S(λ₀) − (λ½ − λ₀½)·b`` with ``b = G_SS⁻¹ s`` and
``q(λ) = q(λ₀) + (λ½ − λ₀½)·G_{:,S} b``. The kernels keep a Cholesky factor of ``G_SS``
(updated column by column as the support changes, O(|S|²) per column), solve for β and b
together, and follow the pattern from one λ to the next in O(p) until a coefficient would
change sign or a feature outside S violates the KKT conditions; then the violators join S
(with the sign of their correlation) and the system is solved again. Coordinate-descent
sweeps are the fallback that finds the pattern when that guess fails. Whatever the route,
an answer is accepted only on the duality gap and the KKT conditions.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bayesreg.solvers._cd_kernels import _soft_update, kkt_excess, lasso_gap


@njit(cache=True, nogil=True)
def gram_path(
    G,
    xty,
    yty,
    lam_halves,
    max_epochs,
    tol_rel,
    kkt_tol,
    coefs,
    n_iter,
    gaps,
    converged,
    state,
    beta0=None,
):
    """Solve at each λ½ of ``lam_halves`` in turn (warm starts), filling the output arrays.

    ``state`` is :func:`gram_path_state`'s tuple, handed from one λ to the next; ``beta0``
    an optional start for the first λ (default zeros).
    """
    if beta0 is None:
        beta = np.zeros(G.shape[0])
        q = xty.copy()
    else:
        beta = beta0.copy()
        q = xty - G @ beta
    for k in range(lam_halves.shape[0]):
        n_iter[k], gaps[k], converged[k] = cd_gram(
            G, q, beta, lam_halves[k], xty, yty, max_epochs, tol_rel, kkt_tol, state
        )
        coefs[k, :] = beta


@njit(cache=True, fastmath=True, nogil=True)
def cd_gram(G, q, beta, lam_half, xty, yty, max_epochs, tol_rel, kkt_tol, state):
    """Solve the Lasso at ``lam_half`` from the state left by the previous λ of a path.

    ``q`` and ``beta`` are updated in place. ``state = (chol, act, pos, size, bdir, qdir,
    lam_ref)``: ``chol, act, pos, size`` hold the Cholesky factor
    of ``G_SS`` (``act[:size[0]]`` lists S, ``pos[j]`` is j's place or -1), and ``bdir, qdir,
    lam_ref[0]`` the direction along which β and q move with λ on the current pattern, valid
    when ``lam_ref[0] > 0`` (β is then the pattern solution at ``lam_ref[0]``; a sentinel,
    not NaN, because the kernels are compiled with fast-math).

    1. Follow the pattern to this λ (O(p)) if a direction is known and no sign breaks; on a
       break, solve on the pattern without the coefficients that reach zero; without a
       direction, solve on β's current pattern.
    2. While features outside S violate the KKT conditions, add them and solve again.
    3. Otherwise cyclic coordinate descent, with a pattern solve whenever a sweep leaves the
       pattern unchanged (backing off when that guess is wrong).

    Returns ``(sweeps, relative_gap, converged)``; converged means the relative gap is
    ≤ ``tol_rel`` and the KKT conditions hold to ``kkt_tol`` (see :func:`kkt_excess`).
    """
    chol, act, pos, size, bdir, qdir, lam_ref = state
    p = G.shape[0]
    diag = np.empty(p)
    for j in range(p):
        diag[j] = G[j, j]
    work = np.empty((6, p))
    pattern = np.empty(p)
    gap_rel = np.inf
    solved = False  # β is the solution on its pattern at this λ
    must_solve = False  # a pattern to solve is in `pattern`
    if lam_ref[0] > 0.0:
        dlam = lam_half - lam_ref[0]
        solved = _follow_pattern(beta, q, bdir, qdir, dlam, act, size[0])
        if not solved:  # some coefficients reach 0 before this λ: solve without them
            _set_pattern(pattern, beta, q, lam_half, False)
            for i in range(size[0]):
                j = act[i]
                if (beta[j] - dlam * bdir[j]) * beta[j] <= 0.0:
                    pattern[j] = 0.0
            must_solve = True
    elif size[0] > 0:
        _set_pattern(pattern, beta, q, lam_half, False)
        must_solve = True
    for _ in range(8):
        if must_solve:
            solved = _solve_pattern(
                G, q, beta, pattern, lam_half, xty, chol, act, pos, size, work, bdir, qdir, kkt_tol
            )
        if not solved:
            break
        lam_ref[0] = lam_half
        gap_rel = gram_gap(G, q, beta, lam_half, xty, yty)
        if gap_rel <= tol_rel and _gram_kkt_ok(q, beta, diag, lam_half, xty, yty, kkt_tol):
            return 0, gap_rel, True
        if not _set_pattern(pattern, beta, q, lam_half, True):
            if must_solve:
                break  # no violator, yet a fresh solve is not certified: sweeps decide
            _set_pattern(pattern, beta, q, lam_half, False)  # followed: solve afresh once
        must_solve = True
    lam_ref[0] = -1.0  # from here on β is moved by sweeps
    epoch = 0
    next_try = 1  # the first sweep from a warm start usually changes the pattern
    wait = 1
    while epoch < max_epochs:
        pattern_changed = False
        for j in range(p):
            gjj = G[j, j]
            if gjj == 0.0:
                continue
            old = beta[j]
            new = _soft_update(q[j] + old * gjj, lam_half, gjj)
            if new != old:
                d = new - old
                for k in range(p):  # G is symmetric: row j is contiguous, column j is not
                    q[k] -= d * G[j, k]
                beta[j] = new
                if (new > 0.0) != (old > 0.0) or (new < 0.0) != (old < 0.0):
                    pattern_changed = True
        epoch += 1
        gap_rel = gram_gap(G, q, beta, lam_half, xty, yty)
        if gap_rel <= tol_rel and _gram_kkt_ok(q, beta, diag, lam_half, xty, yty, kkt_tol):
            return epoch, gap_rel, True
        if pattern_changed:
            next_try = epoch + 1
            wait = 1
        elif epoch >= next_try:
            _set_pattern(pattern, beta, q, lam_half, False)
            if _solve_pattern(
                G, q, beta, pattern, lam_half, xty, chol, act, pos, size, work, bdir, qdir, kkt_tol
            ):
                gap_rel = gram_gap(G, q, beta, lam_half, xty, yty)
                if gap_rel <= tol_rel and _gram_kkt_ok(q, beta, diag, lam_half, xty, yty, kkt_tol):
                    lam_ref[0] = lam_half
                    return epoch, gap_rel, True
            wait *= 2  # the pattern was wrong or incomplete: back off
            next_try = epoch + wait
    return epoch, gap_rel, False


@njit(cache=True, fastmath=True, nogil=True)
def _follow_pattern(beta, q, bdir, qdir, dlam, act, m):
    """Move β and q by ``dlam`` along the pattern's direction; False (no change) on a sign break."""
    for i in range(m):
        j = act[i]
        if (beta[j] - dlam * bdir[j]) * beta[j] <= 0.0:
            return False
    for i in range(m):
        j = act[i]
        beta[j] -= dlam * bdir[j]
    for k in range(q.shape[0]):
        q[k] += dlam * qdir[k]
    return True


@njit(cache=True, fastmath=True, nogil=True)
def _solve_pattern(
    G, q, beta, pattern, lam_half, xty, chol, act, pos, size, work, bdir, qdir, kkt_tol
):
    """Solve the Lasso on a sign ``pattern`` (-1, 0, 1 per feature); keep it if the signs hold.

    The factor is first brought to the support of ``pattern`` (deleting and appending
    columns, O(|S|²) each). Then ``G_SS β_S = xty_S − λ½·s`` and ``G_SS b = s`` are solved in
    one pass over the factor, and ``q = xty − G_{:,S} β_S``, ``G_{:,S} b`` formed from scratch
    (which also clears the rounding drift of earlier updates). When the stationarity residual
    ``q_S − λ½·s`` (or ``G_SS b − s``) is not far inside the KKT tolerance, as happens on
    ill-conditioned supports (error ≈ cond(G_SS)·eps), up to two rounds of iterative
    refinement reuse the factor. If every ``β_j`` has the sign ``s_j``, ``beta``, ``q``,
    ``bdir = b`` and ``qdir = G_{:,S} b`` are replaced and True is returned; otherwise they are
    left as they were and False is returned. ``work`` must have shape (6, p).
    """
    p = G.shape[0]
    for i in range(size[0] - 1, -1, -1):
        if pattern[act[i]] == 0.0:
            _chol_delete(chol, act, pos, size, i)
    n_new = 0
    for j in range(p):
        if pattern[j] != 0.0 and pos[j] < 0:
            work[0, n_new] = j
            n_new += 1
    if n_new and not _chol_append(G, chol, act, pos, size, work[0, :n_new].astype(np.int64)):
        return False  # G_SS numerically singular: leave it to the sweeps
    m = size[0]
    x, b, dx, db, qt, qdt = work[0, :m], work[1, :m], work[2, :m], work[3, :m], work[4], work[5]
    for i in range(m):
        j = act[i]
        x[i] = xty[j] - lam_half * pattern[j]
        b[i] = pattern[j]
    _chol_solve2(chol, m, x, b)
    for k in range(p):
        qt[k] = xty[k]
        qdt[k] = 0.0
    _add_rows(G, act, m, x, b, qt, qdt)
    for _ in range(3):
        for i in range(m):
            if x[i] * pattern[act[i]] <= 0.0:
                return False
        worst_x = 0.0
        worst_b = 0.0
        for i in range(m):
            j = act[i]
            dx[i] = qt[j] - lam_half * pattern[j]  # G_SS δ = q_S − λ½·s corrects β_S
            db[i] = pattern[j] - qdt[j]  # G_SS δ = s − G_SS b corrects b
            worst_x = max(worst_x, abs(dx[i]))
            worst_b = max(worst_b, abs(db[i]))
        if worst_x <= 1e-2 * kkt_tol * lam_half and worst_b <= 1e-2 * kkt_tol:
            break
        _chol_solve2(chol, m, dx, db)
        for i in range(m):
            x[i] += dx[i]
            b[i] += db[i]
        _add_rows(G, act, m, dx, db, qt, qdt)
    for i in range(m):
        if x[i] * pattern[act[i]] <= 0.0:
            return False
    for k in range(p):
        beta[k] = 0.0
        bdir[k] = 0.0
        q[k] = qt[k]
        qdir[k] = qdt[k]
    for i in range(m):
        beta[act[i]] = x[i]
        bdir[act[i]] = b[i]
    return True


@njit(cache=True, fastmath=True, nogil=True)
def _add_rows(G, act, m, x, b, q, qb):
    """``q −= G_{:,S} x`` and ``qb += G_{:,S} b``, reading each row of G once."""
    p = G.shape[0]
    for i in range(m):
        row = G[act[i]]
        xi = x[i]
        bi = b[i]
        for k in range(p):
            g = row[k]
            q[k] -= xi * g
            qb[k] += bi * g


@njit(cache=True, fastmath=True, nogil=True)
def _chol_solve2(chol, m, x, b):
    """Solve (L Lᵀ) x = x and (L Lᵀ) b = b in place, reading the leading m × m factor once."""
    for i in range(m):
        li = chol[i]
        ax = x[i]
        ab = b[i]
        for k in range(i):
            ax -= li[k] * x[k]
            ab -= li[k] * b[k]
        x[i] = ax / li[i]
        b[i] = ab / li[i]
    for i in range(m - 1, -1, -1):
        li = chol[i]
        xi = x[i] / li[i]
        bi = b[i] / li[i]
        x[i] = xi
        b[i] = bi
        for k in range(i):
            x[k] -= li[k] * xi
            b[k] -= li[k] * bi


@njit(cache=True, nogil=True)
def _set_pattern(pattern, beta, q, lam_half, with_violators):
    """``pattern = sign(beta)``; with violators, also ``sign(q_j)`` where β_j = 0 and |q_j| > λ½.

    Returns False when violators were asked for and there are none.
    """
    added = False
    for j in range(beta.shape[0]):
        b = beta[j]
        if b > 0.0:
            pattern[j] = 1.0
        elif b < 0.0:
            pattern[j] = -1.0
        elif with_violators and abs(q[j]) > lam_half:
            pattern[j] = 1.0 if q[j] > 0.0 else -1.0
            added = True
        else:
            pattern[j] = 0.0
    return added or not with_violators


@njit(cache=True, nogil=True)
def _gram_kkt_ok(q, beta, diag, lam_half, xty, yty, kkt_tol):
    """KKT test on ``q = xty − Gβ``, with a rounding floor that fits the Gram form.

    :func:`kkt_excess` allows 1000·eps·‖x_j‖·‖r‖, the rounding of ``x_jᵀr`` formed from the
    data. Here ``q_j`` is a difference of ``xty_j`` and ``Σ_k G_jk β_k``, each of which can be
    much larger than ``‖x_j‖·‖r‖`` on a near-exact fit; with ``|xty_j| ≤ ‖x_j‖·‖y_c‖`` and
    ``|G_jk| ≤ ‖x_j‖·‖x_k‖`` the floor uses ``‖r‖ + ‖y_c‖/10 + Σ_k ‖x_k‖·|β_k|/10`` instead
    of ``‖r‖`` (the /10 keeps it at 100·eps of those sums).
    """
    rr = max(yty - np.dot(beta, xty) - np.dot(beta, q), 0.0)
    w = 0.0
    for k in range(beta.shape[0]):
        if beta[k] != 0.0:
            w += np.sqrt(diag[k]) * abs(beta[k])
    scale = np.sqrt(rr) + 0.1 * (np.sqrt(yty) + w)
    return kkt_excess(q, beta, diag, lam_half, scale * scale, kkt_tol) <= 0.0


@njit(cache=True, fastmath=True, nogil=True)
def _chol_append(G, chol, act, pos, size, new):
    """Append the columns ``new`` to the Cholesky factor, O(m²) each.

    The new rows' first m entries solve ``L z = G[act, j]``, four columns per pass over L
    (:func:`_forward4`). Returns False if a pivot is ~0 (G_SS numerically singular); the
    columns before that one are kept.
    """
    m = size[0]
    k = new.shape[0]
    for r in range(k):
        j = new[r]
        z = chol[m + r]
        for i in range(m):
            z[i] = G[j, act[i]]
    r0 = 0
    while k - r0 >= 2:  # four right-hand sides per pass (the last block may repeat a row)
        _forward4(chol, m, m + r0, min(4, k - r0))
        r0 += 4
    if r0 < k:
        _forward4(chol, m, m + r0, 1)
    for r in range(k):
        j = new[r]
        z = chol[m + r]
        for t in range(r):  # the block of the new columns themselves
            lt = chol[m + t]
            acc = G[j, new[t]]
            for c in range(m + t):
                acc -= z[c] * lt[c]
            z[m + t] = acc / lt[m + t]
        d2 = G[j, j]
        for c in range(m + r):
            d2 -= z[c] * z[c]
        if not d2 > 1e-10 * G[j, j]:
            return False
        z[m + r] = np.sqrt(d2)
        act[m + r] = j
        pos[j] = m + r
        size[0] = m + r + 1
    return True


@njit(cache=True, fastmath=True, nogil=True)
def _forward4(chol, m, row, nr):
    """Forward substitution ``L z = z`` on rows ``row .. row+nr-1`` of ``chol`` (nr ≤ 4).

    Four independent dot products per row of L keep the FMA units busy (a single one is
    latency-bound); with nr < 4 the last row is solved more than once, harmlessly.
    """
    z0 = chol[row]
    z1 = chol[row + min(1, nr - 1)]
    z2 = chol[row + min(2, nr - 1)]
    z3 = chol[row + min(3, nr - 1)]
    if nr == 1:
        for i in range(m):
            li = chol[i]
            a0 = z0[i]
            for c in range(i):
                a0 -= li[c] * z0[c]
            z0[i] = a0 / li[i]
        return
    for i in range(m):
        li = chol[i]
        a0 = z0[i]
        a1 = z1[i]
        a2 = z2[i]
        a3 = z3[i]
        for c in range(i):
            lc = li[c]
            a0 -= lc * z0[c]
            a1 -= lc * z1[c]
            a2 -= lc * z2[c]
            a3 -= lc * z3[c]
        d = li[i]
        z0[i] = a0 / d
        z1[i] = a1 / d
        z2[i] = a2 / d
        z3[i] = a3 / d


@njit(cache=True, fastmath=True, nogil=True)
def _chol_delete(chol, act, pos, size, i):
    """Remove place i from the Cholesky factor: drop its row, restore the triangle by Givens."""
    m = size[0]
    pos[act[i]] = -1
    for k in range(i, m - 1):
        for c in range(k + 2):
            chol[k, c] = chol[k + 1, c]
        act[k] = act[k + 1]
        pos[act[k]] = k
    # rows i..m-2 now have one entry right of the diagonal; rotate columns (k, k+1) away
    for k in range(i, m - 1):
        a = chol[k, k]
        b = chol[k, k + 1]
        r = np.hypot(a, b)
        c = a / r
        s = b / r
        for t in range(k, m - 1):
            u = chol[t, k]
            v = chol[t, k + 1]
            chol[t, k] = c * u + s * v
            chol[t, k + 1] = c * v - s * u
        chol[k, k + 1] = 0.0
    size[0] = m - 1


@njit(cache=True, fastmath=True, nogil=True)
def gram_gap(G, q, beta, lam_half, xty, yty):
    """Relative duality gap from the Gram-form quantities (see :func:`cd_gram`)."""
    p = G.shape[0]
    bq = 0.0
    bxty = 0.0
    l1 = 0.0
    max_corr = 0.0
    for j in range(p):
        b = beta[j]
        if G[j, j] > 0.0:
            a = abs(q[j])
            if a > max_corr:
                max_corr = a
        if b != 0.0:
            l1 += abs(b)
            bq += b * q[j]
            bxty += b * xty[j]
    rr = max(yty - bxty - bq, 0.0)
    return lasso_gap(rr, l1, max_corr, bq, lam_half)[0]


def gram_path_state(p: int) -> tuple[np.ndarray, ...]:
    """Empty state for :func:`cd_gram` over p features, carried from one λ to the next."""
    return (
        np.zeros((p, p)),  # chol
        np.zeros(p, dtype=np.int64),  # act
        np.full(p, -1, dtype=np.int64),  # pos
        np.zeros(1, dtype=np.int64),  # size
        np.zeros(p),  # bdir
        np.zeros(p),  # qdir
        np.full(1, -1.0),  # lam_ref (≤ 0: no direction known)
    )


def warmup_gram() -> None:
    """Compile (or load from the on-disk cache) the Gram kernels."""
    G = np.eye(3)
    halves = np.array([0.5, 0.1])
    coefs = np.zeros((2, 3))
    n_iter = np.zeros(2, dtype=np.int64)
    gaps = np.zeros(2)
    converged = np.zeros(2, dtype=np.bool_)
    gram_path(
        G,
        np.ones(3),
        3.0,
        halves,
        3,
        0.0,
        1e-8,
        coefs,
        n_iter,
        gaps,
        converged,
        gram_path_state(3),
    )
