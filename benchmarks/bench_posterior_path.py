"""Benchmark: posterior_path on a tall design, 20 λ (issue: "seconds, printed").

Run (on a quiet machine)::

    python benchmarks/bench_posterior_path.py [--n 100000] [--p 20] [--n-lams 20]

Prints the time of the whole path for both priors: the Gaussian prior's exact posterior, the
Laplace prior with the default Gibbs sampler (with ``--nuts``, NUTS on the sufficient
statistics everywhere), with the worst
R-hat and smallest bulk ESS over the grid and how many λ each sampler took.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

import bayesreg as br


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--n-lams", type=int, default=20)
    ap.add_argument("--nuts", action="store_true", help="also time the NUTS route")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n, args.p))
    beta = np.zeros(args.p)
    beta[:5] = [1.0, -0.5, 0.25, 0.1, -0.05]
    y = X @ beta + 1.0 + rng.standard_normal(args.n)
    print(f"load {os.getloadavg()[0]:.2f}; n = {args.n}, p = {args.p}, {args.n_lams} λ")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        br.posterior_path(X[:200], y[:200], "laplace", n_lams=2, draws=50, tune=50)  # warm-up
    runs = [("gaussian", "exact"), ("laplace", "gibbs")] + ([("laplace", "nuts")] * args.nuts)
    for prior, sampler in runs:
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = br.posterior_path(
                X, y, prior, n_lams=args.n_lams, random_seed=1,
                sampler="nuts" if sampler == "nuts" else "gibbs",
            )  # fmt: skip
        dt = time.perf_counter() - t0
        diag = ""
        if path.rhat_max is not None:
            diag = (
                f", R-hat max {np.nanmax(path.rhat_max):.3f}, "
                f"bulk ESS min {np.nanmin(path.ess_bulk_min):.0f}"
            )
        used = {m: path.samplers.count(m) for m in dict.fromkeys(path.samplers)}
        print(f"  {prior:<8} {path.method:<10} {dt:7.2f} s for {args.n_lams} λ{diag}; {used}")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
