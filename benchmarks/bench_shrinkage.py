"""Benchmark: NUTS efficiency (ESS per second) of the shrinkage priors, against NumPyro.

Run::

    python benchmarks/bench_shrinkage.py [--draws 1000] [--tune 1000] [--chains 2]
        [--seed 0] [--small] [--uncollapsed]

Two problems: a sparse regression with n = 200, p = 100 and 5 true effects (row-by-row
likelihood), and a tall one with n = 100 000, p = 50 (5 effects) sampled from its sufficient
statistics (:func:`bayesreg.sample_from_stats`; for the shrinkage priors β is integrated
out there by default, ``collapse=None``: one p × p Cholesky factorization per gradient, and
the seconds include the exact conditional draws of β; ``--uncollapsed`` adds the
non-centred model, ``collapse=False``, one O(p²) quadratic form per gradient). Each
of bayesreg's priors — Laplace (fixed b, the Bayesian Lasso's fixed-scale form), horseshoe,
regularized horseshoe (p₀ = 5) and R2D2 — is sampled with the package defaults, σ fixed at
1 (the truth) except in the NumPyro comparison row.

The figure of merit is the smallest bulk ESS over the coefficients β per second of
*sampling* (PyMC's own ``sampling_time``, compilation excluded; for NumPyro the second of two
identical runs, so its JIT compilation is excluded too). Divergences and the largest R-hat
over β are printed next to it, since an ESS/s bought with divergences is worth nothing.

The peer is NumPyro's horseshoe example model (``examples/horseshoe_regression.py``,
``model_normal_likelihood``: λⱼ ~ C⁺(0, 1), τ ~ C⁺(0, 1), β = τλ·z, σ⁻² ~ Gamma(3, 1), no
intercept), run where numpyro is installed (the ``bench`` extra), on the same centred data;
bayesreg's row is the same horseshoe with σ sampled (``noise="unknown"``; its τ scales with
σ, as Carvalho et al. 2010 write it, the one difference between the two models). Chains run
one after another on one core in both libraries.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import time
import warnings

import arviz_stats as azs
import numpy as np

from bayesreg import SufficientStats, sample, sample_from_stats
from bayesreg.priors import LaplacePrior
from bayesreg.shrinkage import HorseshoePrior, R2D2Prior, RegularizedHorseshoePrior


def problem(n: int, p: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:k] = np.array([3.0, -2.5, 2.0, 1.5, -1.0])[:k]
    return X, 1.0 + X @ beta + rng.standard_normal(n), beta


def efficiency(idata) -> tuple[float, float, int, float]:
    """(min bulk ESS over β, max R-hat over β, divergences, sampling seconds)."""
    post = idata["posterior"].to_dataset()
    beta = post[["beta"]]
    ess = float(azs.ess(beta, method="bulk")["beta"].min())
    rhat = float(azs.rhat(beta)["beta"].max())
    div = int(idata["sample_stats"]["diverging"].values.sum())
    # collapsed runs (β integrated out): the exact conditional draws of β count as sampling
    secs = float(post.attrs.get("sampling_time", math.nan))
    return ess, rhat, div, secs + float(post.attrs.get("beta_draw_time", 0.0))


def row(label: str, ess: float, rhat: float, div: int, secs: float) -> str:
    return f"{label:<44} {ess:8.0f} {secs:9.1f} {ess / secs:9.1f} {rhat:7.3f} {div:6d}"


def header(title: str) -> None:
    print(f"\n{title}")
    print(f"{'prior':<44} {'minESS':>8} {'sample s':>9} {'ESS/s':>9} {'R-hat':>7} {'div':>6}")


def run_bayesreg(X, y, prior, opts, *, stats: bool = False, **kw) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the diagnostics are printed in the table
        start = time.perf_counter()
        if stats:
            idata = sample_from_stats(SufficientStats.from_arrays(X, y), prior, 1.0, **opts, **kw)
        else:
            idata = sample(X, y, prior, kw.pop("noise_sigma", 1.0), **opts, **kw)
        wall = time.perf_counter() - start
    post = idata["posterior"]
    if "sampling_time" not in post.attrs:  # an external sampler: the run's wall time, with
        post.attrs["sampling_time"] = wall  # its compilation (said in the row's label)
    return efficiency(idata)


def run_numpyro(X, y, draws: int, tune: int, chains: int, seed: int, target: float) -> tuple:
    import jax
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    numpyro.set_host_device_count(1)
    jax.config.update("jax_enable_x64", True)
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()

    def model(X, Y):  # NumPyro's examples/horseshoe_regression.py, model_normal_likelihood
        d = X.shape[1]
        lambdas = numpyro.sample("lambdas", dist.HalfCauchy(jnp.ones(d)))
        tau = numpyro.sample("tau", dist.HalfCauchy(jnp.ones(1)))
        unscaled = numpyro.sample("unscaled_betas", dist.Normal(0.0, jnp.ones(d)))
        betas = numpyro.deterministic("betas", tau * lambdas * unscaled)
        prec = numpyro.sample("prec_obs", dist.Gamma(3.0, 1.0))
        numpyro.sample("Y", dist.Normal(jnp.dot(X, betas), 1.0 / jnp.sqrt(prec)), obs=Y)

    mcmc = MCMC(
        NUTS(model, target_accept_prob=target),
        num_warmup=tune,
        num_samples=draws,
        num_chains=chains,
        chain_method="sequential",
        progress_bar=False,
    )
    for rep in range(2):  # the first run compiles
        start = time.perf_counter()
        mcmc.run(jax.random.PRNGKey(seed + rep), jnp.asarray(Xc), jnp.asarray(yc))
        jax.block_until_ready(mcmc.get_samples()["betas"])
        secs = time.perf_counter() - start
    import xarray as xr

    b = np.asarray(mcmc.get_samples(group_by_chain=True)["betas"])
    ds = xr.Dataset({"beta": (("chain", "draw", "feature"), b)})
    ess = float(azs.ess(ds, method="bulk")["beta"].min())
    rhat = float(azs.rhat(ds)["beta"].max())
    div = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    return ess, rhat, div, secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--small", action="store_true", help="tiny sizes: tests the script")
    ap.add_argument(
        "--uncollapsed",
        action="store_true",
        help="also sample the large problem with collapse=False (the non-centred model)",
    )
    args = ap.parse_args()
    logging.getLogger("pymc").setLevel(logging.ERROR)
    draws, tune = (100, 100) if args.small else (args.draws, args.tune)
    opts = {
        "draws": draws,
        "tune": tune,
        "chains": args.chains,
        "cores": 1,
        "random_seed": args.seed,
        "progressbar": False,
    }
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"NUTS: {args.chains} chains x {draws} draws after {tune} tuning steps, one core")
    n1, p1 = (60, 20) if args.small else (200, 100)
    n2, p2 = (2000, 10) if args.small else (100_000, 50)
    X, y, _ = problem(n1, p1, 5, args.seed)
    priors = [
        ("Laplace (b = 0.5, fixed)", LaplacePrior(0.5)),
        ("horseshoe", HorseshoePrior()),
        ("regularized horseshoe (p0 = 5)", RegularizedHorseshoePrior(5)),
        ("R2D2 (R² ~ Beta(1, 1))", R2D2Prior()),
    ]
    header(f"n = {n1}, p = {p1}, 5 effects, row-by-row likelihood, σ fixed at 1")
    for label, prior in priors:
        print(row(label, *run_bayesreg(X, y, prior, opts, likelihood="rows")), flush=True)
    header(f"n = {n1}, p = {p1}: NumPyro's horseshoe example against bayesreg's, σ sampled")
    print(
        row(
            "bayesreg horseshoe, σ sampled",
            *run_bayesreg(X, y, HorseshoePrior(), opts, likelihood="rows", noise="unknown"),
        ),
        flush=True,
    )
    try:
        import numpyro  # noqa: F401
    except ImportError:
        print("numpyro: not installed (pip install numpyro, or the bench extra): skipped")
    else:
        res = run_bayesreg(
            X, y, HorseshoePrior(), opts, likelihood="rows", noise="unknown", sampler="numpyro"
        )
        print(row("same, sampler='numpyro' (wall, JIT included)", *res), flush=True)
        for target in (0.8, 0.99):
            res = run_numpyro(X, y, draws, tune, args.chains, args.seed, target)
            print(row(f"NumPyro horseshoe example, target {target:g}", *res), flush=True)
    X2, y2, _ = problem(n2, p2, 5, args.seed + 1)
    header(f"n = {n2}, p = {p2}, 5 effects, sufficient statistics, σ fixed at 1")
    for label, prior in priors:
        if isinstance(prior, RegularizedHorseshoePrior):
            prior = RegularizedHorseshoePrior(5)
        shrink = prior.sampling_only
        tag = f"{label}, collapsed (default)" if shrink else label
        print(row(tag, *run_bayesreg(X2, y2, prior, opts, stats=True)), flush=True)
        if shrink and args.uncollapsed:
            res = run_bayesreg(X2, y2, prior, opts, stats=True, collapse=False)
            print(row(f"{label}, collapse=False", *res), flush=True)


if __name__ == "__main__":
    main()
