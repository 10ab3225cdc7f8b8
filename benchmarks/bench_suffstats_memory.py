"""Benchmark: memory and speed of chunked sufficient statistics on data larger than memory.

Run::

    python benchmarks/bench_suffstats_memory.py [--rows 10000000] [--features 50]
        [--chunk 100000] [--seed 0]

Chunks of a Gaussian linear model are generated on the fly from one seeded generator (the
full design, 10M × 50 float64 = 4 GB by default, never exists in memory) and reduced with
:func:`bayesreg.suffstats.accumulate`. Some columns get large means (up to 1e6) to exercise
the centered update. The script prints the peak resident memory right after importing NumPy
and ``bayesreg.suffstats`` (the reference, measured in the same run), the throughput of the
whole run and of ``accumulate`` alone (generation time excluded), the final peak resident
memory (``getrusage(RUSAGE_SELF).ru_maxrss``) and whether it stays under 1000 MB. As a sanity
check it recovers the true coefficients by least squares from the statistics alone.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator

import numpy as np

from bayesreg.suffstats import accumulate

TARGET_MB = 1000.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux: KiB, macOS: bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# Reference: everything above is imported, no data has been allocated yet.
BASELINE_MB = peak_rss_mb()


def chunks(
    rows: int,
    p: int,
    chunk: int,
    seed: int,
    timer: list[float],
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X, y)`` chunks of ``y = 3 + Xβ + ε``; generation time is added to ``timer``.

    Like a streaming reader, the generator refills the same two buffers for every chunk (the
    consumer is done with a chunk when it asks for the next one, as ``accumulate`` is).
    """
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.1, 10.0, p)
    offsets = np.where(np.arange(p) % 3 == 0, 1e6, 0.0)
    beta = np.linspace(-1.0, 1.0, p)
    X_buf = np.empty((min(chunk, rows), p))
    y_buf = np.empty(min(chunk, rows))
    done = 0
    while done < rows:
        t0 = time.perf_counter()
        m = min(chunk, rows - done)
        X, y = X_buf[:m], y_buf[:m]
        rng.standard_normal(out=X)
        X *= scales
        X += offsets
        np.matmul(X, beta, out=y)
        y += 3.0
        y += rng.standard_normal(m)
        done += m
        timer[0] += time.perf_counter() - t0
        yield X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    n, p = args.rows, args.features
    print(
        f"data: {n:,} rows × {p} features ({n * (p + 1) * 8 / 2**30:.2f} GiB as float64), "
        f"chunks of {args.chunk:,} rows, seed {args.seed}"
    )
    print(f"reference peak RSS after importing numpy + bayesreg.suffstats: {BASELINE_MB:.1f} MB")

    gen_time = [0.0]
    t0 = time.perf_counter()
    stats = accumulate(chunks(n, p, args.chunk, args.seed, gen_time))
    total = time.perf_counter() - t0
    acc = total - gen_time[0]
    peak = peak_rss_mb()

    beta_true = np.linspace(-1.0, 1.0, p)
    beta_hat = np.linalg.solve(stats.sxx, stats.sxy)
    b0_hat = stats.y_mean - stats.x_mean @ beta_hat
    sigma_hat = np.sqrt(stats.rss(b0_hat, beta_hat) / (stats.n - p - 1))
    z = (beta_hat - beta_true) / (sigma_hat * np.sqrt(np.diag(np.linalg.inv(stats.sxx))))

    print(f"rows accumulated: {stats.n:,}")
    print(
        f"wall time: {total:.2f} s total = {gen_time[0]:.2f} s generating + {acc:.2f} s accumulate"
    )
    print(f"throughput end to end: {n / total:,.0f} rows/s")
    print(f"throughput of accumulate alone: {n / acc:,.0f} rows/s")
    print(
        f"sanity (least squares from the statistics): max |β̂ − β| = "
        f"{np.max(np.abs(beta_hat - beta_true)):.2e}, max |β̂ − β|/se = {np.max(np.abs(z)):.2f} "
        f"(≈ N(0,1) each), σ̂ = {sigma_hat:.5f} (true 1)"
    )
    print(f"peak RSS: {peak:.1f} MB (increase over reference: {peak - BASELINE_MB:.1f} MB)")
    print(f"target < {TARGET_MB:.0f} MB: {'PASS' if peak < TARGET_MB else 'FAIL'}")


if __name__ == "__main__":
    main()
