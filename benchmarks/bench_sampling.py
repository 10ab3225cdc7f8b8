"""Benchmark: NUTS efficiency of the sufficient-statistics likelihood against the row-by-row one.

Run::

    python benchmarks/bench_sampling.py [--n 100000] [--p 20] [--n-large 1000000]
        [--draws 1000] [--tune 1000] [--chains 2] [--cores 1] [--chunk 100000] [--seed 0]

Part 1 samples the same posterior (Laplace prior, fixed noise σ, n × p Gaussian design) twice
with :func:`bayesreg.sampling.sample`: once with ``likelihood="suffstats"`` (one O(p²)
quadratic form per gradient) and once with ``likelihood="rows"`` (O(np) per gradient). The
figure of merit is the minimum bulk effective sample size over β and β₀ per second. Two times
are reported: PyMC's own *sampling* time (tuning + draws, stored in the posterior attributes;
model compilation excluded) and the *wall* time of the whole ``sample`` call (model build,
PyTensor compilation or cache load, MAP fit, sampling, diagnostics). The target is a ratio of
at least 20× in sampling ESS/s.

Part 2 reduces ``--n-large`` rows to sufficient statistics chunk by chunk
(:func:`bayesreg.suffstats.accumulate` over generated chunks, so the data never exist in
memory at once) and samples with :func:`bayesreg.sampling.sample_from_stats`.

Chains run sequentially on one core by default (``--cores 1``) so both models see the same
hardware; on a shared machine the absolute times vary with the load, the ratio much less.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import time
import warnings
from collections.abc import Iterator

import arviz_stats as azs
import numpy as np
import pymc
import pytensor

import bayesreg
from bayesreg.priors import LaplacePrior
from bayesreg.sampling import diagnose, sample, sample_from_stats
from bayesreg.suffstats import accumulate

TARGET_RATIO = 20.0


def true_coef(p: int) -> np.ndarray:
    """Every third coefficient is zero, the others alternate in sign with magnitude 0.5..2."""
    beta = np.linspace(0.5, 2.0, p) * np.where(np.arange(p) % 2 == 0, 1.0, -1.0)
    beta[::3] = 0.0
    return beta


def chunks(
    n: int, p: int, chunk: int, seed: int, sigma: float, timer: list[float]
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Chunks of ``y = 2 + Xβ + σε``; the generation time is added to ``timer[0]``."""
    rng = np.random.default_rng(seed)
    beta = true_coef(p)
    done = 0
    while done < n:
        t0 = time.perf_counter()
        m = min(chunk, n - done)
        X = rng.standard_normal((m, p))
        y = 2.0 + X @ beta + sigma * rng.standard_normal(m)
        timer[0] += time.perf_counter() - t0
        done += m
        yield X, y


def ess_bulk_min(idata) -> float:
    post = idata["posterior"].to_dataset()[["beta", "intercept"]]
    ess = azs.ess(post, method="bulk")
    return float(min(float(ess[v].min()) for v in ess.data_vars))


def run(label: str, fn, **kwargs) -> dict[str, float]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        idata = fn(**kwargs)
        wall = time.perf_counter() - t0
    sampling = float(idata["posterior"].attrs["sampling_time"])
    ess = ess_bulk_min(idata)
    d = diagnose(idata)
    print(
        f"  {label:<22} wall {wall:8.2f} s   sampling {sampling:8.2f} s   "
        f"min bulk ESS {ess:7.0f}   ESS/s sampling {ess / sampling:9.1f}   "
        f"ESS/s wall {ess / wall:9.1f}   R-hat max {d.rhat_max:.3f}   "
        f"divergences {d.n_divergences}"
    )
    steps = idata["sample_stats"]["n_steps"].values
    print(f"  {'':<22} mean leapfrog steps per draw {steps.mean():.1f}")
    for w in caught:
        print(f"  {'':<22} note: {w.category.__name__}: {str(w.message)[:160]}")
    return {"wall": wall, "sampling": sampling, "ess": ess}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="rows of the comparison (part 1)")
    ap.add_argument("--p", type=int, default=20, help="features")
    ap.add_argument("--n-large", type=int, default=1_000_000, help="rows of part 2 (0: skip)")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--cores", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=100_000, help="rows per chunk in part 2")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prior-scale", type=float, default=0.05, help="Laplace scale b")
    args = ap.parse_args()
    logging.getLogger("pymc").setLevel(logging.ERROR)  # the per-run chatter; results below
    sigma = 1.0
    prior = LaplacePrior(args.prior_scale)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores "
        f"(load average {load[0]:.2f}), {platform.system()} {platform.release()}\n"
        f"Python {platform.python_version()}, numpy {np.__version__}, PyMC {pymc.__version__}, "
        f"PyTensor {pytensor.__version__}, arviz-stats {azs.__version__}, "
        f"bayesreg {bayesreg.__version__}, BLAS ldflags {pytensor.config.blas__ldflags!r}\n"
        f"NUTS: {args.chains} chains x ({args.tune} tune + {args.draws} draws), "
        f"cores={args.cores}; prior {prior!r}, fixed noise sigma = {sigma}"
    )
    common = {
        "prior": prior,
        "noise_sigma": sigma,
        "draws": args.draws,
        "tune": args.tune,
        "chains": args.chains,
        "cores": args.cores,
        "random_seed": args.seed,
        "progressbar": False,
    }

    # ---------------------------------------------------------------- part 1
    timer = [0.0]
    X, y = next(chunks(args.n, args.p, args.n, args.seed, sigma, timer))
    print(f"\n[1] n = {args.n:_}, p = {args.p}: same posterior, two likelihoods")
    stats_res = run("sufficient statistics", sample, X=X, y=y, likelihood="suffstats", **common)
    rows_res = run("row by row", sample, X=X, y=y, likelihood="rows", **common)
    ratio = (stats_res["ess"] / stats_res["sampling"]) / (rows_res["ess"] / rows_res["sampling"])
    ratio_wall = (stats_res["ess"] / stats_res["wall"]) / (rows_res["ess"] / rows_res["wall"])
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(
        f"  ESS/s ratio (suffstats / rows): {ratio:.1f}x on sampling time, "
        f"{ratio_wall:.1f}x on wall time ({verdict} the {TARGET_RATIO:g}x target)"
    )
    del X, y

    # ---------------------------------------------------------------- part 2
    if args.n_large > 0:
        print(f"\n[2] n = {args.n_large:_}, p = {args.p}: sufficient statistics only")
        timer = [0.0]
        t0 = time.perf_counter()
        stats = accumulate(chunks(args.n_large, args.p, args.chunk, args.seed + 1, sigma, timer))
        total = time.perf_counter() - t0
        print(
            f"  accumulate: {total - timer[0]:.2f} s for {args.n_large:_} rows in chunks of "
            f"{args.chunk:_} (+ {timer[0]:.2f} s generating the data), "
            f"{args.n_large / max(total - timer[0], 1e-12) / 1e6:.1f} M rows/s"
        )
        res = run("sample_from_stats", sample_from_stats, stats=stats, **common)
        print(
            f"  accumulate + sample wall time {total - timer[0] + res['wall']:.2f} s "
            f"(min bulk ESS {res['ess']:.0f})"
        )


if __name__ == "__main__":
    main()
