"""Benchmark: bayesreg's Lasso and Ridge solvers against scikit-learn, same process, same data.

Run::

    python benchmarks/bench_solvers.py [--repeats 5] [--tol 1e-10]

For each problem both libraries solve the same objective (λ converted with
``bayesreg.to_sklearn_alpha``) to the same duality-gap tolerance. scikit-learn stops when its
gap (½·RSS scaling) is ≤ ``tol_sk·‖y_c‖²``; bayesreg stops when gap/primal ≤ ``tol``. We set
``tol_sk = tol · P½ / ‖y_c‖²`` with P½ the optimal ½·RSS objective (along a path: the smallest
one, which makes scikit-learn at least as accurate as bayesreg at every λ). Afterwards the
relative duality gap of *both* answers is recomputed by one independent function and printed,
with the max coefficient difference. Times are medians over ``--repeats`` runs; the ratio is
bayesreg / scikit-learn (< 1 means bayesreg is faster). The first call's JIT time (Numba
compile, or load from the on-disk cache) is reported separately.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import sklearn
from sklearn.linear_model import Lasso, Ridge
from sklearn.linear_model import lasso_path as sk_lasso_path

import bayesreg
from bayesreg import lambda_max, lasso_cd, lasso_path, ridge_closed_form, to_sklearn_alpha


def problem_independent(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, p, k = 5000, 500, 20
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1, 1], k) * rng.uniform(0.5, 2.0, k)
    y = X @ beta + rng.standard_normal(n) + 3.0
    return X, y


def problem_toeplitz(rng: np.random.Generator, rho: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    n, p, k = 1000, 5000, 20
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    innov = np.sqrt(1 - rho**2)
    for j in range(1, p):  # AR(1) across columns: corr(x_j, x_k) = rho^|j-k|
        X[:, j] = rho * X[:, j - 1] + innov * rng.standard_normal(n)
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1, 1], k) * rng.uniform(0.5, 2.0, k)
    y = X @ beta + rng.standard_normal(n)
    return X, y


def rel_gap(X: np.ndarray, y: np.ndarray, coef: np.ndarray, lam: float, center: bool) -> float:
    """Independent relative duality gap of ½‖y − Xβ‖² + (λ/2)‖β‖₁ (centered when asked)."""
    if center:
        X = X - X.mean(axis=0)
        y = y - y.mean()
    lam_h = bayesreg.to_half_rss(lam)
    r = y - X @ coef
    primal = 0.5 * r @ r + lam_h * np.abs(coef).sum()
    theta = r * min(1.0, lam_h / np.max(np.abs(X.T @ r)))
    dual = theta @ y - 0.5 * theta @ theta
    return (primal - dual) / primal


def ridge_rel_grad(X: np.ndarray, y: np.ndarray, coef: np.ndarray, lam: float) -> float:
    """‖∇ of ‖y_c − X_cβ‖² + λ‖β‖²‖∞ relative to its value at β = 0 (independent check)."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    grad = -2.0 * Xc.T @ (yc - Xc @ coef) + 2.0 * lam * coef
    return float(np.max(np.abs(grad)) / np.max(np.abs(2.0 * Xc.T @ yc)))


def half_primal(X: np.ndarray, y: np.ndarray, coef: np.ndarray, lam: float) -> float:
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    r = yc - Xc @ coef
    return 0.5 * r @ r + bayesreg.to_half_rss(lam) * np.abs(coef).sum()


_JIT_PROBE = (
    "import time; from bayesreg.solvers._cd_kernels import warmup; "
    "t = time.perf_counter(); warmup(); print(time.perf_counter() - t)"
)


def jit_times() -> tuple[float, float]:
    """Kernel compile time with an empty Numba cache, and load time from the real cache."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
        cold = float(subprocess.check_output([sys.executable, "-c", _JIT_PROBE], env=env))
    subprocess.check_output([sys.executable, "-c", _JIT_PROBE])  # make sure the cache exists
    warm = float(subprocess.check_output([sys.executable, "-c", _JIT_PROBE]))
    from bayesreg.solvers._cd_kernels import warmup

    warmup()
    return cold, warm


SETTLE = 0.0  # seconds of idle time before each timed call (set by --settle)


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        time.sleep(SETTLE)
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def compare_paths(
    name: str, X: np.ndarray, y: np.ndarray, n_lams: int, eps: float, tol: float, repeats: int
) -> tuple:
    """Time both paths on the same grid; scikit-learn's tolerance from the smallest objective."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = Xc.shape[0]
    lams = lambda_max(Xc, yc, fit_intercept=False) * np.logspace(0, math.log10(eps), n_lams)
    alphas = np.array([to_sklearn_alpha(lam, n, "l1") for lam in lams])
    ref = lasso_path(Xc, yc, lams, fit_intercept=False, tol=tol)
    p_min = min(
        0.5 * np.sum((yc - Xc @ c) ** 2) + bayesreg.to_half_rss(lam) * np.abs(c).sum()
        for lam, c in zip(ref.lams, ref.coefs)
    )
    tol_sk = tol * p_min / (yc @ yc)
    t_br, res = median_time(lambda: lasso_path(Xc, yc, lams, fit_intercept=False, tol=tol), repeats)
    t_sk, (_, sk_coefs, _) = median_time(
        lambda: sk_lasso_path(Xc, yc, alphas=alphas, tol=tol_sk, max_iter=100_000), repeats
    )
    sk_coefs = sk_coefs.T
    return (
        name,
        t_br,
        t_sk,
        max(rel_gap(Xc, yc, c, lam, False) for lam, c in zip(res.lams, res.coefs)),
        max(rel_gap(Xc, yc, c, lam, False) for lam, c in zip(lams, sk_coefs)),
        float(np.max(np.abs(res.coefs - sk_coefs))),
        "max over path" if repeats > 1 else "max over path; 1 run",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tol", type=float, default=1e-10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="idle seconds before each timed call (default 0: back-to-back repeats, warm\n"
        "caches). With e.g. 0.2 every call (ours and scikit-learn's) starts with the BLAS\n"
        "threads of the previous one asleep and colder caches, as a first call would.",
    )
    args = ap.parse_args()
    global SETTLE
    SETTLE = args.settle
    rng = np.random.default_rng(args.seed)
    tol = args.tol

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, bayesreg {bayesreg.__version__}"
    )
    cold, warm = jit_times()
    print(
        f"first-call JIT of the kernels: compile with an empty cache {cold:.2f} s; "
        f"load from the on-disk cache {warm:.2f} s (paid once per process)"
    )
    print(f"duality-gap tolerance (relative): {tol:g}; medians of {args.repeats} runs\n")

    rows = []
    X1, y1 = problem_independent(rng)
    X2, y2 = problem_toeplitz(rng)

    for name, X, y, frac in [
        ("1 lasso n=5000 p=500 λ=0.05λmax", X1, y1, 0.05),
        ("2 lasso n=1000 p=5000 ρ=0.5 λ=0.01λmax", X2, y2, 0.01),
    ]:
        n = X.shape[0]
        lam = frac * lambda_max(X, y)
        ref = lasso_cd(X, y, lam, tol=tol)
        yc = y - y.mean()
        tol_sk = tol * half_primal(X, y, ref.coef, lam) / (yc @ yc)
        alpha = to_sklearn_alpha(lam, n, "l1")
        t_br, res = median_time(lambda: lasso_cd(X, y, lam, tol=tol), args.repeats)
        t_sk, sk = median_time(
            lambda: Lasso(alpha=alpha, tol=tol_sk, max_iter=100_000).fit(X, y), args.repeats
        )
        rows.append(
            (
                name,
                t_br,
                t_sk,
                rel_gap(X, y, res.coef, lam, True),
                rel_gap(X, y, sk.coef_, lam, True),
                float(np.max(np.abs(res.coef - sk.coef_))),
                f"nnz {res.support.size}/{int(np.count_nonzero(sk.coef_))}",
            )
        )

    # 3. path on problem 1 (both on centered data: sklearn's lasso_path fits no intercept);
    # 3b. (beyond the targets) a path on the wide problem 2: screening and working sets
    rows.append(
        compare_paths("3 lasso path, 100 λ, problem 1", X1, y1, 100, 1e-3, tol, args.repeats)
    )
    rows.append(
        compare_paths(
            "3b path, 50 λ to 1e-2·λmax, problem 2",
            X2,
            y2,
            50,
            1e-2,
            tol,
            max(1, args.repeats // 2),
        )
    )

    # 4. Ridge, problems 1 and 2
    for name, X, y in [("4a ridge n=5000 p=500", X1, y1), ("4b ridge n=1000 p=5000", X2, y2)]:
        lam = 10.0
        t_br, res = median_time(lambda: ridge_closed_form(X, y, lam), args.repeats)
        t_sk, sk = median_time(
            lambda: Ridge(alpha=to_sklearn_alpha(lam, X.shape[0], "l2"), solver="cholesky").fit(
                X, y
            ),
            args.repeats,
        )
        rows.append(
            (
                name,
                t_br,
                t_sk,
                ridge_rel_grad(X, y, res.coef, lam),
                ridge_rel_grad(X, y, sk.coef_, lam),
                float(np.max(np.abs(res.coef - sk.coef_))),
                "closed form; 'gap' = rel. gradient",
            )
        )

    head = (
        f"{'problem':<42} {'bayesreg s':>10} {'sklearn s':>10} {'ratio':>6} "
        f"{'gap br':>9} {'gap sk':>9} {'max|Δβ|':>9}  note"
    )
    print(head)
    print("-" * len(head))
    for name, tb, ts, gb, gs, d, note in rows:
        print(
            f"{name:<42} {tb:>10.4f} {ts:>10.4f} {tb / ts:>6.2f} {gb:>9.1e} {gs:>9.1e} "
            f"{d:>9.1e}  {note}"
        )


if __name__ == "__main__":
    main()
