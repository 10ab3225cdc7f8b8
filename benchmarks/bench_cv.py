"""Benchmark: ``cross_validate`` (Laplace prior) against scikit-learn's ``LassoCV``.

Run it on a quiet machine (``uptime`` load below 0.5)::

    python benchmarks/bench_cv.py              # 5000x500 and 1000x5000, 5 folds, 100 λ
    python benchmarks/bench_cv.py --small      # tiny shapes: tests the script (seconds)

Problems (the draws of ``bench_solvers.py``'s problems 1 and 2, not centred: both libraries
fit the intercept themselves): 5000×500 independent columns, 20 non-zeros, grid λ_max →
1e-3·λ_max; 1000×5000 Toeplitz ρ = 0.5 (AR(1) columns), 20 non-zeros, λ_max → 1e-2·λ_max
(glmnet's rule for n < p: further down the fits approach interpolation). 100 λ log-spaced.

Same work for both. The same 5 folds (``cross_validate``'s documented permutation split,
passed to both as explicit (train, test) arrays), the same grid (our λ, LassoCV's
``alphas = λ/(2n)``, :func:`bayesreg.to_sklearn_alpha`: under the default
``scale_lambda=True`` fold k is fitted at λ·n_k/n, which is scikit-learn's α on every fold),
both refit on all rows at the chosen λ; σ is given to ``cross_validate`` (no least-squares
estimate, which LassoCV does not make either).

Equal accuracy. ``cross_validate`` runs at its default (``lasso_path``'s tol = 1e-10, a
certified relative duality gap); ``LassoCV`` at ``--sk-tol`` (default 1e-12; its tol is
relative to ‖y‖², not to the objective). Afterwards, untimed, every fold's path is solved
again by each library as it does inside CV (bayesreg ``lasso_path`` on the fold at λ·n_k/n;
scikit-learn ``lasso_path`` on the fold's centred data, as ``LassoCV`` calls it), and ONE
function of this script (:func:`lasso_rel_gap`) recomputes the relative duality gap
(P − D)/P of ½‖y_c − X_cβ‖² + (λ/2)‖β‖₁ at every fold and λ. The table reports the worst
gap of each library (the target is ≤ 1e-8) and the largest relative difference between the
two CV curves. Times are wall-clock medians of ``--repeats`` runs after warm-up fits on tiny
problems (Numba compilation) and one untimed run of each library on the real problem at a
loose tolerance (first touch of the data); the ratio is ours over LassoCV's. Under load (other jobs
on the machine) the times mean little.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

import bayesreg
from bayesreg import cross_validate, lambda_max, lasso_path, to_half_rss, to_sklearn_alpha

GAP_TARGET = 1e-8


def sparse_coef(p: int, k: int, rng: np.random.Generator) -> np.ndarray:
    beta = np.zeros(p)
    idx = rng.choice(p, size=k, replace=False)
    beta[idx] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 2.0, size=k)
    return beta


def independent(n: int, p: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, 1.0 + X @ sparse_coef(p, k, rng) + rng.standard_normal(n)


def toeplitz(n: int, p: int, k: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """AR(1) across columns: corr(x_j, x_l) = ρ^|j−l|."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    innov = math.sqrt(1 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + innov * rng.standard_normal(n)
    return X, 1.0 + X @ sparse_coef(p, k, rng) + rng.standard_normal(n)


def folds_of(n: int, K: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """cross_validate's documented split: test fold k = sort(array_split(permutation, K)[k])."""
    perm = np.random.default_rng(seed).permutation(n)
    out = []
    for part in np.array_split(perm, K):
        test = np.sort(part)
        out.append((np.setdiff1d(np.arange(n), test), test))
    return out


def lasso_rel_gap(X: np.ndarray, y: np.ndarray, coef: np.ndarray, lam: float) -> float:
    """Relative duality gap of ½‖y_c − X_cβ‖² + (λ/2)‖β‖₁ (λ in bayesreg's RSS scaling).

    With an intercept (taken at its optimum for β): r = y − Xβ, centred; X_cᵀr = Xᵀr.
    """
    lam_h = to_half_rss(lam)
    r = y - X @ coef
    r -= r.mean()
    yc = y - y.mean()
    corr = X.T @ r
    primal = 0.5 * float(r @ r) + lam_h * float(np.abs(coef).sum())
    theta = r * min(1.0, lam_h / float(np.max(np.abs(corr))))
    dual = 0.5 * float(yc @ yc) - 0.5 * float((yc - theta) @ (yc - theta))
    return max(primal - dual, 0.0) / primal


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run(name: str, X: np.ndarray, y: np.ndarray, eps: float, args: argparse.Namespace) -> None:
    from sklearn.linear_model import LassoCV
    from sklearn.linear_model import lasso_path as sk_lasso_path

    n = X.shape[0]
    folds = folds_of(n, args.folds, seed=0)
    lams = lambda_max(X, y) * np.logspace(0.0, math.log10(eps), args.n_lambdas)
    alphas = np.array([to_sklearn_alpha(lam, n, "l1") for lam in lams])

    # untimed warm-up on the real data at a loose tolerance (first touch, remaining compiles)
    cross_validate(X, y, cv=folds, lams=lams, noise_sigma=1.0, tol=1e-4)
    LassoCV(alphas=alphas, cv=folds, tol=1e-2).fit(X, y)
    t_ours, ours = timed(
        lambda: cross_validate(X, y, cv=folds, lams=lams, noise_sigma=1.0), args.repeats
    )
    t_sk, sk = timed(
        lambda: LassoCV(alphas=alphas, cv=folds, tol=args.sk_tol, max_iter=10**6).fit(X, y),
        args.repeats,
    )
    # accuracy, untimed: every fold's path again, the gap recomputed by one function
    gap_ours = gap_sk = 0.0
    for tr, _ in folds:
        Xt, yt = X[tr], y[tr]
        lam_k = lams * (tr.size / n)
        path = lasso_path(Xt, yt, lam_k)
        gap_ours = max(
            gap_ours, *(lasso_rel_gap(Xt, yt, c, lk) for c, lk in zip(path.coefs, lam_k))
        )
        xm, ym = Xt.mean(axis=0), yt.mean()
        _, coefs, *_ = sk_lasso_path(
            Xt - xm, yt - ym, alphas=alphas, tol=args.sk_tol, max_iter=10**6
        )
        gap_sk = max(gap_sk, *(lasso_rel_gap(Xt, yt, c, lk) for c, lk in zip(coefs.T, lam_k)))
    curve_sk = sk.mse_path_.mean(axis=1)
    curve_diff = float(np.max(np.abs(ours.cv_mean - curve_sk) / curve_sk))
    same_choice = math.isclose(to_sklearn_alpha(ours.lam_min, n, "l1"), sk.alpha_, rel_tol=1e-9)
    flag = "" if max(gap_ours, gap_sk) <= GAP_TARGET else "  (a gap above target!)"
    print(
        f"{name:<14} {t_ours:9.2f} {t_sk:9.2f} {t_ours / t_sk:7.2f}  {gap_ours:9.1e} "
        f"{gap_sk:9.1e}  {curve_diff:9.1e}  {'yes' if same_choice else 'NO'}{flag}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="tiny shapes (tests the script)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-lambdas", type=int, default=None)
    parser.add_argument("--sk-tol", type=float, default=1e-12)
    args = parser.parse_args()
    if args.n_lambdas is None:
        args.n_lambdas = 20 if args.small else 100
    import sklearn

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"bayesreg {bayesreg.__version__}, scikit-learn {sklearn.__version__}, numpy "
        f"{np.__version__}; {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"CPUs, load {load:.2f}{' (too loaded: times unreliable)' if load > 0.5 else ''}"
    )
    print(f"{args.folds} folds, {args.n_lambdas} λ; LassoCV tol={args.sk_tol:g}, ours default")
    Xw, yw = independent(60, 8, 3, seed=9)  # warm-up: Numba compilation, imports
    cross_validate(Xw, yw, cv=3, n_lambdas=5, noise_sigma=1.0)
    Xw, yw = independent(15, 40, 3, seed=9)  # and the wide (coordinate-descent) route
    cross_validate(Xw, yw, cv=3, n_lambdas=5, noise_sigma=1.0)
    shapes = [(500, 50, 5, 100, 500, 5)] if args.small else [(5000, 500, 20, 1000, 5000, 20)]
    n1, p1, k1, n2, p2, k2 = shapes[0]
    header = (
        f"{'problem':<14} {'ours (s)':>9} {'LassoCV':>9} {'ratio':>7}  {'gap ours':>9} "
        f"{'gap sk':>9}  {'curve Δ':>9}  same λ_min"
    )
    print(header)
    run(f"{n1}x{p1}", *independent(n1, p1, k1, seed=3), 1e-3, args)
    run(f"{n2}x{p2}", *toeplitz(n2, p2, k2, 0.5, seed=2), 1e-2, args)
    load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load at the end {load_end:.2f}")


if __name__ == "__main__":
    main()
