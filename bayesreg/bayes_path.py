"""The regularization path with its posterior: the MAP is sparse, the posterior is not.

For a grid of λ, :func:`posterior_path` returns the MAP path (the Lasso or Ridge path: under a
Laplace prior of scale b = 2σ²/λ, or a Gaussian prior of scale σ′ = σ/√λ, at the fixed noise
σ) together with the central 50 % and 94 % posterior intervals of every coefficient at each
λ. :func:`bayesreg.plots.plot_path` draws it: the classic coefficient-path picture with
uncertainty bands.

How the intervals are computed:

* Gaussian prior: exactly. With σ fixed and the flat intercept integrated out, the
  posterior of β is Normal with mean the Ridge fit and covariance σ²(X_cᵀX_c + λI)⁻¹; one
  eigendecomposition of X_cᵀX_c gives every λ.
* Laplace prior: MCMC on the p × p sufficient statistics, whatever n: by default the
  Park–Casella Gibbs sampler of the scale mixture βⱼ | τⱼ² ~ N(0, τⱼ²), τⱼ² ~ Exp(rate
  1/(2b²)) at fixed b and σ (one p × p Cholesky per draw), or NUTS
  (:func:`bayesreg.sampling.sample_from_stats`, ``sampler="nuts"``); R-hat and ESS recorded
  per λ.

Gaussian family only: the sufficient statistics and the closed form are Gaussian-specific.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import scipy.linalg
import scipy.stats
from numpy.typing import ArrayLike, NDArray

from bayesreg.exceptions import SamplingWarning
from bayesreg.model import prepare_design, resolve_noise_sigma
from bayesreg.optimality import lambda_grid
from bayesreg.priors import GaussianPrior, LaplacePrior, Prior, one_scale_prior_class

__all__ = ["PosteriorPath", "posterior_draws", "posterior_path"]

#: The central interval probabilities reported.
BANDS = (0.5, 0.94)


@dataclass(frozen=True)
class PosteriorPath:
    """The MAP path and the posterior intervals of each coefficient along it.

    Attributes
    ----------
    prior : str
        ``"laplace"`` or ``"gaussian"``.
    lams : ndarray of shape (n_lams,)
        The λ grid, decreasing.
    scales : ndarray of shape (n_lams,)
        The prior scale each λ implies at ``noise_sigma`` (b = 2σ²/λ or σ′ = σ/√λ).
    noise_sigma : float
        The fixed σ; ``noise_sigma_estimated`` says whether it was estimated (least squares).
    coef : ndarray of shape (n_lams, p)
        The MAP (penalized) coefficients, exact zeros included.
    intercept : ndarray of shape (n_lams,)
    mean : ndarray of shape (n_lams, p)
        Posterior means.
    lower, upper : dict of float to ndarray of shape (n_lams, p)
        Central posterior intervals: ``lower[0.94]``, ``upper[0.94]``, ``lower[0.5]``, ...
    method : str
        ``"exact"`` (Gaussian prior), ``"gibbs"``, ``"nuts"`` or ``"gibbs+nuts"`` (Laplace
        prior; ``samplers`` has the one of each λ).
    rhat_max, ess_bulk_min : ndarray of shape (n_lams,) or None
        Sampler diagnostics per λ (None for the exact method).
    feature_names : list of str
    seconds : float
    """

    prior: str
    lams: NDArray[np.float64]
    scales: NDArray[np.float64]
    noise_sigma: float
    noise_sigma_estimated: bool
    fit_intercept: bool
    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]
    mean: NDArray[np.float64]
    lower: dict[float, NDArray[np.float64]]
    upper: dict[float, NDArray[np.float64]]
    method: str
    feature_names: list[str]
    seconds: float
    rhat_max: NDArray[np.float64] | None = None
    ess_bulk_min: NDArray[np.float64] | None = None
    #: The sampler of each λ: "exact", "gibbs" or "nuts".
    samplers: tuple[str, ...] = ()

    def plot(self, **kwargs: Any) -> Any:
        """:func:`bayesreg.plots.plot_path` of this path."""
        from bayesreg.plots import plot_path

        return plot_path(self, **kwargs)


def posterior_path(
    X: ArrayLike,
    y: ArrayLike,
    prior: str | Prior = "laplace",
    *,
    lams: ArrayLike | None = None,
    n_lams: int = 20,
    eps: float | None = None,
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    feature_names: Sequence[str] | None = None,
    draws: int | None = None,
    tune: int = 1000,
    chains: int = 2,
    random_seed: int | None = None,
    sampler: str = "gibbs",
) -> PosteriorPath:
    """MAP path and posterior intervals of every coefficient over a grid of λ.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n, p)
    y : array-like of shape (n,)
    prior : {"laplace", "gaussian"} or a Prior, default "laplace"
        The prior family; its scale is set by each λ (an instance's own scale is ignored).
    lams : array-like, optional
        The λ values (RSS scaling, > 0). Default: ``n_lams`` values of the grid of
        :func:`bayesreg.optimality.lambda_grid` (from λ_max for the Laplace prior, from 10³ ×
        the curvature scale for the Gaussian, down to ``eps`` times that).
    n_lams : int, default 20
    eps : float, optional
    noise_sigma : float, optional
        The fixed noise σ (default: the least-squares estimate with n − p − 1 dof).
    fit_intercept : bool, default True
        Flat-prior intercept.
    feature_names : sequence of str, optional
    draws, tune, chains : int
        Sampler settings per λ (Laplace prior only): kept draws and discarded steps per
        chain. Default draws: 4000 for the Gibbs sampler (cheap, but slow to mix where b is
        small and the posterior hugs 0), 1000 for NUTS.
    random_seed : int, optional
        Seed of the runs (run k uses ``random_seed + k``).
    sampler : {"gibbs", "auto", "nuts"}, default "gibbs"
        Laplace prior: the Park–Casella Gibbs sampler on the p × p statistics (fast; each
        draw one p × p Cholesky), NUTS, or (``"auto"``) Gibbs with NUTS where the Gibbs
        chains fail their diagnostics (:func:`posterior_draws`); ``samplers`` says which
        ran at each λ.

    Returns
    -------
    PosteriorPath

    Raises
    ------
    ValueError
        Bad input, or the elastic-net prior (its two scales have no one-dimensional λ path
        of priors here; its MAP path is ``cross_validate``'s at a fixed γ).

    Warns
    -----
    SamplingWarning
        When a NUTS run has R-hat > 1.01 or bulk ESS < 400 (the λ are named).
    """
    t0 = time.perf_counter()
    prior_cls = one_scale_prior_class(prior, "posterior_path")
    if draws is None:
        draws = 1000 if sampler == "nuts" else 4000
    Xa, ya, names, _ = prepare_design(
        X, y, feature_names, fit_intercept=fit_intercept, standardize=False
    )
    sigma = resolve_noise_sigma(Xa, ya, noise_sigma, fit_intercept=fit_intercept)
    grid = lambda_grid(
        Xa, ya, prior_cls.regularizer, fit_intercept, lams=lams, n_lambdas=n_lams, eps=eps
    )
    scales = np.array([prior_cls.from_penalty(lam, sigma.value).scale for lam in grid])
    from bayesreg.suffstats import SufficientStats

    stats = SufficientStats.from_arrays(Xa, ya, names)
    if prior_cls is LaplacePrior:
        from bayesreg.solvers import lasso_path

        mp = lasso_path(Xa, ya, grid, fit_intercept=fit_intercept)
        coef, intercept = mp.coefs, mp.intercepts
        mean, lower, upper, rhat, ess, used = _sampled_intervals(
            stats, scales, sigma.value, fit_intercept, draws, tune, chains, random_seed, sampler
        )
        method = "+".join(dict.fromkeys(used))  # e.g. "gibbs", or "gibbs+nuts" (per λ: samplers)
    else:
        from bayesreg.solvers import ridge_closed_form

        used = ["exact"] * grid.size
        rr = ridge_closed_form(Xa, ya, grid, fit_intercept=fit_intercept)
        coef, intercept = np.atleast_2d(rr.coef), np.atleast_1d(rr.intercept)
        mean, lower, upper = _gaussian_intervals(stats, coef, grid, sigma.value, fit_intercept)
        rhat = ess = None
        method = "exact"
    return PosteriorPath(
        prior_cls.name,
        grid,
        scales,
        sigma.value,
        sigma.estimated,
        fit_intercept,
        coef,
        intercept,
        mean,
        lower,
        upper,
        method,
        list(names),
        time.perf_counter() - t0,
        rhat,
        ess,
        tuple(used),
    )


def _cross_products(
    stats: Any, fit_intercept: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(G, Xᵀy)`` of the design the posterior of β sees: centered with an intercept, raw
    without (then one ``gram`` call)."""
    if fit_intercept:
        return np.asarray(stats.sxx), np.asarray(stats.sxy)
    g = stats.gram(fit_intercept=False)
    return g.xtx, g.xty


def _gaussian_intervals(
    stats: Any,
    coef: NDArray[np.float64],
    lams: NDArray[np.float64],
    sigma: float,
    fit_intercept: bool,
) -> tuple[NDArray[np.float64], dict[float, NDArray[np.float64]], dict[float, NDArray[np.float64]]]:
    """β | y ~ N(Ridge fit, σ²(G + λI)⁻¹), G = X_cᵀX_c: marginal sds from one eigensystem."""
    G, _ = _cross_products(stats, fit_intercept)
    evals, evecs = np.linalg.eigh(0.5 * (G + G.T))
    evals = np.maximum(evals, 0.0)
    # diag((G + λI)⁻¹)_j = Σ_i V_ji² / (Λ_i + λ)
    var = sigma**2 * (evecs**2) @ (1.0 / (evals[:, None] + lams[None, :]))  # (p, n_lams)
    sd = np.sqrt(var.T)
    lower, upper = {}, {}
    for prob in BANDS:
        z = scipy.stats.norm.ppf(0.5 + prob / 2.0)
        lower[prob], upper[prob] = coef - z * sd, coef + z * sd
    return coef.copy(), lower, upper


class Draws(NamedTuple):
    """Posterior draws of :func:`posterior_draws` and how they were made."""

    beta: NDArray[np.float64]
    intercept: NDArray[np.float64]
    diagnostics: Any
    sampler: str


def posterior_draws(
    stats: Any,
    prior: Prior,
    sigma: float,
    fit_intercept: bool,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    random_seed: int | None = None,
    sampler: str = "gibbs",
) -> Draws:
    """Draws of the fixed-σ posterior: β (S, p), the intercept (S,), diagnostics, sampler.

    Gaussian prior: S = ``draws · chains`` independent draws of the exact Normal posterior
    (β ~ N(Ridge fit, σ²(G + λI)⁻¹), the centred intercept α ~ N(ȳ, σ²/n) independently,
    β₀ = α − x̄ᵀβ; diagnostics None). Laplace prior: ``sampler="gibbs"``, the Park–Casella
    Gibbs sampler of the scale-mixture form at fixed b and σ, on the p × p statistics (each
    draw one p × p Cholesky); ``"nuts"``: PyMC's NUTS on the sufficient statistics;
    ``"auto"``: Gibbs, then NUTS (1000 draws per chain) where the Gibbs chains fail their
    diagnostics, keeping the better-mixed of the two (Gibbs mixes slowly where the posterior
    hugs 0: small b, large n; there NUTS often does no better and costs far more). Either
    way ``chains`` chains after ``tune`` discarded steps, with R-hat and
    ESS in the diagnostics.
    """
    if sampler not in ("auto", "gibbs", "nuts"):
        raise ValueError(f"sampler must be 'auto', 'gibbs' or 'nuts'; got {sampler!r}")
    kw = {"tune": tune, "chains": chains, "random_seed": random_seed}
    if sampler == "auto":
        out = posterior_draws(
            stats, prior, sigma, fit_intercept, draws=draws, sampler="gibbs", **kw
        )
        if out.diagnostics is None or not out.diagnostics.problems:
            return out
        nuts = posterior_draws(
            stats, prior, sigma, fit_intercept, draws=min(draws, 1000), sampler="nuts", **kw
        )
        # keep the better-mixed of the two (where the posterior is a spike at 0, e.g. λ near
        # λ_max with large n, neither mixes well)
        better = nuts.diagnostics.ess_bulk_min > out.diagnostics.ess_bulk_min
        return nuts if better else out
    p = stats.n_features
    lam = prior.penalty(sigma)
    G, xty = _cross_products(stats, fit_intercept)
    rng = np.random.default_rng(random_seed)

    def intercepts(beta: NDArray[np.float64]) -> NDArray[np.float64]:
        if not fit_intercept:
            return np.zeros(beta.shape[0])
        alpha = stats.y_mean + sigma / np.sqrt(stats.n) * rng.standard_normal(beta.shape[0])
        return alpha - beta @ np.asarray(stats.x_mean)

    if isinstance(prior, LaplacePrior) and sampler == "gibbs":
        import xarray as xr

        from bayesreg.evidence import _LaplaceGibbs
        from bayesreg.sampling import diagnose

        chain = [_LaplaceGibbs(G, xty, sigma, rng) for _ in range(chains)]
        out = np.stack([c.draws(prior.scale, tune, draws) for c in chain])  # (chains, draws, p)
        tree = xr.DataTree.from_dict(
            {"posterior": xr.Dataset({"beta": (("chain", "draw", "feature"), out)})}
        )
        beta = out.reshape(-1, p)
        return Draws(beta, intercepts(beta), diagnose(tree), "gibbs")
    if isinstance(prior, GaussianPrior):
        L = np.linalg.cholesky(G + lam * np.eye(p))
        mean = scipy.linalg.cho_solve((L, True), xty)
        z = rng.standard_normal((draws * chains, p))
        # (G + λI)⁻¹ = L⁻ᵀL⁻¹: β = mean + σ·L⁻ᵀz has that covariance times σ²
        beta = mean + sigma * scipy.linalg.solve_triangular(L, z.T, lower=True, trans="T").T
        return Draws(beta, intercepts(beta), None, "exact")
    import logging

    from bayesreg.sampling import diagnose, sample_from_stats

    log = logging.getLogger("pymc")
    level = log.level
    log.setLevel(logging.ERROR)  # one of many runs: no per-run sampler log
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the diagnostics are returned, the caller reports
            idata = sample_from_stats(
                stats,
                prior,
                sigma,
                fit_intercept=fit_intercept,
                draws=draws,
                tune=tune,
                chains=chains,
                cores=1,
                random_seed=random_seed,
                progressbar=False,
            )
    finally:
        log.setLevel(level)
    post = idata["posterior"]
    beta = post["beta"].transpose("chain", "draw", "feature").values.reshape(-1, p)
    icpt = (
        post["intercept"].transpose("chain", "draw").values.reshape(-1)
        if "intercept" in post
        else np.zeros(beta.shape[0])
    )
    return Draws(beta, icpt, diagnose(idata), "nuts")


def _sampled_intervals(
    stats: Any,
    scales: NDArray[np.float64],
    sigma: float,
    fit_intercept: bool,
    draws: int,
    tune: int,
    chains: int,
    random_seed: int | None,
    sampler: str,
) -> tuple[
    NDArray[np.float64],
    dict[float, NDArray[np.float64]],
    dict[float, NDArray[np.float64]],
    NDArray[np.float64],
    NDArray[np.float64],
    list[str],
]:
    """Central intervals of the sampled draws of β at each prior scale b (and the samplers)."""
    k, p = scales.size, stats.n_features
    mean = np.empty((k, p))
    lower = {prob: np.empty((k, p)) for prob in BANDS}
    upper = {prob: np.empty((k, p)) for prob in BANDS}
    rhat, ess = np.full(k, np.nan), np.full(k, np.nan)
    bad: list[str] = []
    used: list[str] = []
    for i, b in enumerate(scales):
        seed = None if random_seed is None else int(random_seed) + i
        out = posterior_draws(
            stats, LaplacePrior(float(b)), sigma, fit_intercept,
            draws=draws, tune=tune, chains=chains, random_seed=seed, sampler=sampler,
        )  # fmt: skip
        flat, d = out.beta, out.diagnostics
        used.append(out.sampler)
        mean[i] = flat.mean(axis=0)
        for prob in BANDS:
            lower[prob][i], upper[prob][i] = np.quantile(
                flat, [0.5 - prob / 2.0, 0.5 + prob / 2.0], axis=0
            )
        rhat[i], ess[i] = d.rhat_max, d.ess_bulk_min
        if d.problems:
            bad.append(f"b = {b:.3g}")
    if bad:
        warnings.warn(
            f"MCMC diagnostics flag problems at {', '.join(bad)}: run more draws / tuning "
            "steps before trusting those intervals",
            SamplingWarning,
            stacklevel=3,
        )
    return mean, lower, upper, rhat, ess, used
