"""Benchmark: time to accuracy of single Lasso fits on tall designs, against every peer.

Run (on a quiet machine: ``uptime`` load below 0.5)::

    python benchmarks/bench_tall.py [--repeats 3] [--target 1e-8]

Each library's ``tol`` means something different, so none is compared at "the same tol".
Instead every library is run over a sweep of its own tolerance parameter, the relative duality
gap of each answer is recomputed by one independent function (:func:`rel_gap`), and the
reported time is the fastest run whose gap is ≤ ``--target``. All libraries solve the same
problem: X and y are centered once beforehand and every library fits without an intercept
(the centered problem has the same coefficients as the one with an unpenalized intercept).
Peers: scikit-learn ``Lasso``, and skglm ``Lasso`` and celer ``Lasso`` where installed
(``pip install 'bayesreg[bench]'``), and R's glmnet where ``Rscript`` and the glmnet package
are installed (Debian: ``apt-get install r-base-core r-cran-glmnet``). glmnet stops on the
change of its coordinates, not on a gap, so its ``thresh`` is swept down to 1e-30; its time is
measured inside R (``system.time`` of the ``glmnet`` call alone, no start-up or data
transfer), with ``standardize=FALSE`` and ``intercept=FALSE`` on the centered data and
``lambda`` = scikit-learn's alpha (glmnet's Gaussian objective is (1/2n)·RSS + λ‖β‖₁). The ratio
is bayesreg over the fastest peer.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np

import bayesreg
from bayesreg import lambda_max, lasso_cd, to_half_rss, to_sklearn_alpha

TOLS = [10.0**-k for k in range(2, 15)]


def make(n: int, p: int, k: int, rho: float, frac: float, seed: int):
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * rng.standard_normal((n, 1))
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1, 1], k) * rng.uniform(0.5, 2.0, k)
    y = X @ beta + rng.standard_normal(n)
    X = np.asfortranarray(X - X.mean(axis=0))
    y = y - y.mean()
    return X, y, frac * lambda_max(X, y, fit_intercept=False)


def rel_gap(X: np.ndarray, y: np.ndarray, coef: np.ndarray, lam: float) -> float:
    """Relative duality gap of ½‖y − Xβ‖² + (λ/2)‖β‖₁ (the bayesreg λ, RSS scaling)."""
    lam_h = to_half_rss(lam)
    r = y - X @ coef
    primal = 0.5 * r @ r + lam_h * np.abs(coef).sum()
    theta = r * min(1.0, lam_h / np.max(np.abs(X.T @ r)))
    dual = theta @ y - 0.5 * theta @ theta
    return float((primal - dual) / primal)


def solvers(n: int) -> dict[str, Callable[[np.ndarray, np.ndarray, float, float], np.ndarray]]:
    from sklearn.linear_model import Lasso as SkLasso

    out: dict[str, Callable] = {
        "bayesreg": lambda X, y, lam, tol: lasso_cd(X, y, lam, tol=tol, fit_intercept=False).coef,
        "scikit-learn": lambda X, y, lam, tol: (
            SkLasso(
                alpha=to_sklearn_alpha(lam, n, "l1"), tol=tol, max_iter=10**6, fit_intercept=False
            )
            .fit(X, y)
            .coef_
        ),
    }
    try:
        from skglm import Lasso as SkglmLasso

        out["skglm"] = lambda X, y, lam, tol: (
            SkglmLasso(
                alpha=to_sklearn_alpha(lam, n, "l1"), tol=tol, max_iter=1000, fit_intercept=False
            )
            .fit(X, y)
            .coef_
        )
    except ImportError:
        print("skglm not installed: skipped (pip install 'bayesreg[bench]')")
    try:
        from celer import Lasso as CelerLasso

        out["celer"] = lambda X, y, lam, tol: (
            CelerLasso(
                alpha=to_sklearn_alpha(lam, n, "l1"), tol=tol, max_iter=1000, fit_intercept=False
            )
            .fit(X, y)
            .coef_
        )
    except ImportError:
        print("celer not installed: skipped (pip install 'bayesreg[bench]')")
    return out


_R_SCRIPT = r"""
suppressMessages(library(glmnet))
a <- commandArgs(trailingOnly = TRUE)
n <- as.integer(a[3]); p <- as.integer(a[4]); lam <- as.numeric(a[5]); reps <- as.integer(a[6])
X <- matrix(readBin(a[1], "double", n * p), n, p)
y <- readBin(a[2], "double", n)
for (k in 2:30) {
  th <- 10^(-k)
  ts <- numeric(reps)
  for (r in 1:reps) {
    ts[r] <- system.time(f <- glmnet(X, y, family = "gaussian", alpha = 1, lambda = lam,
      standardize = FALSE, intercept = FALSE, thresh = th, maxit = 1e7))[["elapsed"]]
  }
  cat(th, median(ts), sprintf("%.17g", as.numeric(coef(f))[-1]), "\n")
}
"""


def glmnet_time_to_target(X, y, lam, target: float, repeats: int):
    """R glmnet over thresh 1e-2 … 1e-30: (fastest time with gap ≤ target, thresh, gap)."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("Rscript") is None:
        return None
    n, p = X.shape
    with tempfile.TemporaryDirectory() as d:
        fx, fy, fr = f"{d}/X.bin", f"{d}/y.bin", f"{d}/fit.R"
        np.asfortranarray(X).ravel(order="F").tofile(fx)
        y.tofile(fy)
        with open(fr, "w") as fh:
            fh.write(_R_SCRIPT)
        alpha = to_sklearn_alpha(lam, n, "l1")
        proc = subprocess.run(
            ["Rscript", fr, fx, fy, str(n), str(p), repr(alpha), str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        print(f"glmnet not run: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    best = (float("inf"), float("nan"), float("nan"))
    for line in proc.stdout.splitlines():
        vals = [float(v) for v in line.split()]
        th, t, coef = vals[0], vals[1], np.array(vals[2:])
        gap = rel_gap(X, y, coef, lam)
        if gap <= target and t < best[0]:
            best = (t, th, gap)
    return best


def time_to_target(fn, X, y, lam, target: float, repeats: int) -> tuple[float, float, float]:
    """(fastest median time over the sweep with gap ≤ target, its tol, its gap)."""
    best = (float("inf"), float("nan"), float("nan"))
    fn(X[: 4 * X.shape[1]], y[: 4 * X.shape[1]], lam, 1e-4)  # compile / import outside timing
    for tol in TOLS:
        times, gap = [], float("nan")
        for _ in range(repeats):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                coef = fn(X, y, lam, tol)
                times.append(time.perf_counter() - t0)
            gap = rel_gap(X, y, coef, lam)
        t = statistics.median(times)
        if gap <= target and t < best[0]:
            best = (t, tol, gap)
        if gap <= target * 1e-3:  # tighter tolerances can only cost more
            break
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--target", type=float, default=1e-8)
    args = ap.parse_args()
    import sklearn

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}; numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, bayesreg {bayesreg.__version__}; target relative gap "
        f"{args.target:g}, medians of {args.repeats}"
    )
    problems = [
        ("tall 20000x200 ρ=0.3, 50 nz, 1e-3·λmax", (20000, 200, 50, 0.3, 1e-3, 1)),
        ("tall 50000x100, 60 nz, 5e-4·λmax", (50000, 100, 60, 0.0, 5e-4, 2)),
        ("5000x500, 20 nz, 0.05·λmax (problem 1)", (5000, 500, 20, 0.0, 0.05, 3)),
    ]
    for name, spec in problems:
        X, y, lam = make(*spec)
        libs = solvers(X.shape[0])
        results = {
            k: time_to_target(f, X, y, lam, args.target, args.repeats) for k, f in libs.items()
        }
        glm = glmnet_time_to_target(X, y, lam, args.target, args.repeats)
        if glm is not None:
            results["glmnet (R)"] = glm
        peers = {k: v for k, v in results.items() if k != "bayesreg"}
        fastest = min(peers, key=lambda k: peers[k][0])
        route = lasso_cd(X, y, lam, fit_intercept=False, tol=results["bayesreg"][1]).route
        print(f"\n{name}  (bayesreg route: {route})")
        for k, (t, tol, gap) in results.items():
            print(f"  {k:<13} {t:>9.4f} s  at tol {tol:8.0e}, gap {gap:8.1e}")
        print(
            f"  ratio bayesreg / fastest peer ({fastest}): "
            f"{results['bayesreg'][0] / peers[fastest][0]:.2f}"
        )


if __name__ == "__main__":
    main()
