"""Benchmark: the two MAP routes, ``map_scipy`` vs ``map_find_map`` (pm.find_MAP).

Run::

    python benchmarks/bench_map.py [--repeats 5] [--cold-cache]

For each problem (correlated design, seeded) and prior (Laplace → Lasso, Gaussian → Ridge),
both routes compute the MAP of the same model in the same process, and each answer is compared
with the analytic penalized solution (``lasso_cd`` at a 1e-12 relative duality gap, or
``ridge_closed_form``) at λ = prior.penalty(σ), σ estimated once by least squares:

* accuracy: max|Δβ| / max(1, ‖β‖∞) against the package's tolerance (1e-6 Laplace, with the
  same support and exact zeros; 1e-8 Gaussian) — "ok" or "MISS";
* time: ``map_scipy`` median over ``--repeats`` calls; ``map_find_map`` *cold* (its first call
  in this process for that problem: model build, PyTensor graph rewrite and compilation, and
  the optimization) and *warm* (median of the repeat calls; each still builds the model and
  compiles it, but PyTensor then reuses its in-memory and on-disk caches).

PyTensor keeps compiled code (C modules, and the Numba cache under ``base_compiledir/numba``)
in an on-disk cache shared between processes, so "cold" here means cold for this process only;
``--cold-cache`` points PyTensor's ``base_compiledir`` at an empty temporary directory to
measure the first run on a fresh machine. The import of PyMC (≈ seconds)
is timed separately and is not included in any route's time.

BLAS threads: both routes call NumPy's BLAS (PyTensor through its NumPy fallback). On a small
shared machine, multi-threaded OpenBLAS competing with other processes can slow dense kernels
by two orders of magnitude (measured here: a 200×200 Gram product 18 ms with 2 threads under
load vs 0.45 ms with 1), so ``--blas-threads`` (default 1) is set before NumPy is imported;
``--blas-threads 0`` keeps the library default.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings


def _set_compiledir(cold: bool) -> str | None:
    """Must run before PyTensor is imported (bayesreg itself does not import it)."""
    if not cold:
        return None
    d = tempfile.mkdtemp(prefix="bench_map_pytensor_")
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    # base_compiledir holds both the C modules and the Numba cache (base_compiledir/numba)
    flag = f"base_compiledir={d}"
    os.environ["PYTENSOR_FLAGS"] = f"{flags},{flag}" if flags else flag
    return d


_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _set_blas_threads(k: int) -> None:
    """Must run before NumPy is imported."""
    if k > 0:
        for var in _THREAD_VARS:
            os.environ[var] = str(k)


def _blas_description() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in _THREAD_VARS)
    pools = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "; ".join(pools) or "no BLAS pool found"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats per route (>= 1)")
    ap.add_argument(
        "--cold-cache",
        action="store_true",
        help="use an empty PyTensor base_compiledir (first-run cost on a fresh machine)",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the designs")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for both routes (0: library default)",
    )
    args = ap.parse_args()
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")
    return args


def correlated_design(n: int, p: int, seed: int, rho: float = 0.6):
    """AR(1)-correlated columns (corr(x_j, x_k) = rho^|j−k|), column means ≈ 2, sparse truth."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    X += 2.0 + rng.uniform(-0.5, 0.5, p)
    k = max(5, p // 10)
    beta = np.zeros(p)
    idx = rng.choice(p, k, replace=False)
    beta[idx] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 2.0, k)
    y = X @ beta + rng.standard_normal(n) + 1.0
    return X, y


def machine_info() -> list[str]:
    import numpy as np
    import scipy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return [
        f"machine: {cpu}; {os.cpu_count()} logical CPUs ({usable} usable); "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"numpy {np.__version__}; scipy {scipy.__version__}",
    ]


def main() -> int:
    args = parse_args()
    compiledir = _set_compiledir(args.cold_cache)
    _set_blas_threads(args.blas_threads)

    import numpy as np

    import bayesreg
    from bayesreg import (
        GaussianPrior,
        LaplacePrior,
        estimate_noise_sigma,
        lambda_max,
        lasso_cd,
        map_find_map,
        map_scipy,
        ridge_closed_form,
    )
    from bayesreg.exceptions import ConvergenceWarning

    t0 = time.perf_counter()
    import pymc as pm
    import pytensor

    t_import = time.perf_counter() - t0

    print("bench_map: MAP by scipy.optimize (map_scipy) vs pm.find_MAP (map_find_map)")
    for line in machine_info():
        print(line)
    print(
        f"bayesreg {bayesreg.__version__}; pymc {pm.__version__}; pytensor {pytensor.__version__}"
        f" (blas__ldflags={pytensor.config.blas__ldflags!r}, "
        f"base_compiledir {'fresh: ' + compiledir if compiledir else 'user cache'})"
    )
    print(f"BLAS: {_blas_description()}")
    print(f"import pymc: {t_import:.2f} s (not counted below); medians of {args.repeats} runs")
    print(
        "accuracy: max|Δβ|/max(1,‖β‖∞) to the analytic solution; tolerance 1e-6 (Laplace, "
        "same support, exact zeros) / 1e-8 (Gaussian)\n"
    )

    problems = [(200, 50), (500, 200)]
    header = (
        f"{'problem':<14}{'prior':<10}{'λ':>10}{'nnz':>5}  "
        f"{'scipy s':>9}{'err':>9}  {'find_MAP cold s':>15}{'warm s':>9}{'err':>9}  "
        f"{'cold/scipy':>10}{'warm/scipy':>11}  accuracy"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    ratios_warm: list[float] = []
    for n, p in problems:
        X, y = correlated_design(n, p, args.seed + n + p)
        sigma = estimate_noise_sigma(X, y).value
        for kind in ("laplace", "gaussian"):
            if kind == "laplace":
                lam = 0.05 * lambda_max(X, y)
                prior = LaplacePrior.from_penalty(lam, sigma)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    ref = lasso_cd(X, y, lam, tol=1e-12)
                ref_coef = ref.coef
                tol = 1e-6
            else:
                Xc = X - X.mean(0)
                lam = 0.05 * float(np.sum(Xc * Xc)) / p
                prior = GaussianPrior.from_penalty(lam, sigma)
                ref_coef = ridge_closed_form(X, y, lam).coef
                tol = 1e-8
            size = max(1.0, float(np.max(np.abs(ref_coef))))

            def accuracy(coef: np.ndarray) -> tuple[float, bool]:
                err = float(np.max(np.abs(coef - ref_coef))) / size
                ok = err <= tol
                if kind == "laplace":
                    zero = ref_coef == 0.0
                    ok = ok and bool(np.all(coef[zero] == 0.0))
                    ok = ok and bool(np.all(np.abs(coef[~zero]) > 1e-9 * size))
                return err, ok

            notes: list[str] = []

            def note(route: str, est) -> None:
                """What the route itself reported, when it is not a plain success."""
                restarted = "restart" in est.message
                if not est.converged or restarted:
                    text = (
                        f"{route}: converged={est.converged}, {est.n_iter} it, "
                        f"{est.message.strip()}"
                    )
                    if text not in notes:
                        notes.append(text)

            # scipy: one untimed call (page-in), then the repeats
            map_scipy(X, y, prior, sigma)
            t_scipy, errs_scipy, ok_scipy = [], [], True
            for _ in range(args.repeats):
                est = map_scipy(X, y, prior, sigma)
                t_scipy.append(est.seconds)
                e, ok = accuracy(est.coef)
                errs_scipy.append(e)
                ok_scipy &= ok
                note("scipy", est)
            # find_MAP: the first call in this process for this problem is the cold one
            t_fm, errs_fm, ok_fm = [], [], True
            for _ in range(args.repeats + 1):
                est = map_find_map(X, y, prior, sigma)
                t_fm.append(est.seconds)
                e, ok = accuracy(est.coef)
                errs_fm.append(e)
                ok_fm &= ok
                note("find_MAP", est)
            cold, warm = t_fm[0], statistics.median(t_fm[1:])
            med_scipy = statistics.median(t_scipy)
            ratios_warm.append(warm / med_scipy)
            ok_both = ok_scipy and ok_fm
            all_ok &= ok_both
            print(
                f"{f'n={n},p={p}':<14}{kind:<10}{lam:>10.3g}{np.count_nonzero(ref_coef):>5}  "
                f"{med_scipy:>9.4f}{max(errs_scipy):>9.1e}  {cold:>15.3f}{warm:>9.3f}"
                f"{max(errs_fm):>9.1e}  {cold / med_scipy:>9.0f}×{warm / med_scipy:>10.0f}×  "
                + (
                    "ok"
                    if ok_both
                    else f"MISS (scipy {'ok' if ok_scipy else 'MISS'}, "
                    f"find_MAP {'ok' if ok_fm else 'MISS'})"
                )
            )
            for text in notes:
                print(f"{'':<14}  ↳ {text}")
            sys.stdout.flush()
    print()
    target = min(ratios_warm) >= 10.0
    print(
        f"scipy vs find_MAP (warm): {min(ratios_warm):.0f}× to {max(ratios_warm):.0f}× faster; "
        f"target ≥ 10× at the same accuracy: "
        + ("met" if target and all_ok else "NOT met" + ("" if all_ok else " (accuracy miss)"))
    )
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
