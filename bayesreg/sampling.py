"""Full posterior of the Bayesian linear model by NUTS, with diagnostics and summaries.

The MAP estimate is a single point: the penalized (Lasso / Ridge) fit. NUTS draws from the
whole posterior of the same model (``y ~ N(β₀ + Xβ, σ)``, β ~ prior, β₀ flat), which shows
what the point estimate hides: under a Laplace prior the posterior puts no mass on exactly
zero, so a coefficient that the Lasso sets to 0 still has a non-zero posterior mean and a
credible interval around 0.

NUTS samples the plain ("naive") prior density: it needs no exact zeros, only a log-density
with a gradient almost everywhere. To decorrelate the intercept from the coefficients, the
model is built on the centered design ``X − x̄`` (β₀ is then the mean level α); the draws of
the original intercept are ``β₀ = α − x̄ᵀβ``, a linear change of variables with a constant
Jacobian, so the posterior is exactly that of (β₀, β). The likelihood is evaluated on the
sufficient statistics when n > p (cost O(p²) per gradient instead of O(np)).

Results are :class:`xarray.DataTree` objects as returned by PyMC (ArviZ 1 layout) with
groups ``posterior``, ``sample_stats``, ``observed_data`` (plus ``constant_data`` when the
design matrix is known) and ``map`` (the penalized estimate), and the model settings in the
root attributes.
"""

from __future__ import annotations

import importlib.util
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    check_positive_int,
    check_scale,
    check_unit_interval,
)
from bayesreg.exceptions import SamplingWarning
from bayesreg.families import Family, Gaussian, get_family
from bayesreg.model import (
    Likelihood,
    NoiseMode,
    NoiseSigma,
    ScaleMode,
    binomial_classes,
    build_model_from_stats,
    build_sampling_model,
    check_family_options,
    check_model_options,
    estimate_noise_sigma_from_stats,
    feature_coords,
    prepare_design,
    resolve_noise_sigma,
)
from bayesreg.penalties import ElasticNetPenalty
from bayesreg.priors import AnalyticFit, Prior, describe_prior, scale_symbol
from bayesreg.standardize import Standardization
from bayesreg.suffstats import SufficientStats

if TYPE_CHECKING:
    import pandas as pd
    import pymc as pm
    import xarray as xr

__all__ = [
    "SAMPLERS",
    "Diagnostics",
    "diagnose",
    "estimate_noise_sigma_from_stats",
    "format_summary",
    "load_posterior",
    "sample",
    "sample_from_stats",
    "save_posterior",
    "summarize",
]

Sampler = Literal["pymc", "nutpie", "numpyro", "blackjax"]

#: NUTS implementations accepted by :func:`sample` (passed to ``pm.sample(nuts_sampler=...)``).
SAMPLERS: tuple[str, ...] = ("pymc", "nutpie", "numpyro", "blackjax")

#: Modules each external sampler needs, and how to install them.
_SAMPLER_DEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "nutpie": (("nutpie",), "pip install 'bayesreg[nutpie]'"),
    "numpyro": (("numpyro", "jax"), "pip install numpyro jax (bayesreg has no extra for it)"),
    "blackjax": (("blackjax", "jax"), "pip install blackjax jax (bayesreg has no extra for it)"),
}

#: ``pm.sample`` arguments that :func:`sample` sets itself.
_RESERVED_KWARGS = frozenset(
    {"model", "nuts_sampler", "return_inferencedata", "trace", "step", "draws", "tune"}
)

#: Scalar hyperparameters reported by :func:`summarize`, in this order, when sampled.
_HYPER_SCALARS = (
    "noise_sigma",
    "beta_b",
    "beta_lambda2",
    "beta_sigma",
    "beta_lambda",
    "lam",
    # the global scales of the shrinkage priors (bayesreg.shrinkage)
    "beta_tau",
    "beta_c",
    "beta_r2",
    "beta_tau2",
)

#: Posterior variables that are sampling devices, not parameters of interest.
_AUXILIARY = ("intercept_centered",)

#: Root attributes holding booleans (netCDF has no boolean attribute type).
_BOOL_ATTRS_KEY = "bayesreg_bool_attrs"


# ==================================================================== sampling
def sample(
    X: ArrayLike,
    y: ArrayLike,
    prior: Prior,
    noise_sigma: float | None = None,
    *,
    fit_intercept: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int | None = None,
    random_seed: int | np.random.Generator | None = None,
    sampler: Sampler = "pymc",
    likelihood: Likelihood = "auto",
    noise: NoiseMode = "fixed",
    scale: ScaleMode = "fixed",
    feature_names: Sequence[str] | None = None,
    standardize: bool = False,
    progressbar: bool = True,
    target_accept: float | None = None,
    family: str | Family = "gaussian",
    collapse: bool | None = None,
    **sample_kwargs: Any,
) -> xr.DataTree:
    """Draw from the posterior of ``y ~ N(β₀ + Xβ, σ)``, β ~ ``prior``, β₀ flat, with NUTS.

    With ``family="binomial"`` (``y ~ Bernoulli(logit⁻¹(β₀ + Xβ))``) or ``"poisson"``
    (``y ~ Poisson(exp(β₀ + Xβ))``) the likelihood is evaluated row by row: unlike the
    Gaussian one, their log-likelihood is not a quadratic form in β, so no statistics of a
    size fixed in n determine it (``likelihood="suffstats"`` is refused). They have no σ.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n, p)
        Design matrix (finite numbers, no intercept column). A pandas DataFrame's column
        names become the feature names unless ``feature_names`` is given. A sparse X is
        never densified: the row likelihood uses PyTensor's sparse product with implicit
        centering, the sufficient statistics (``likelihood="auto"`` with n > p) are a dense
        p × p matrix, and ``constant_data`` stores its CSC arrays (``X_data``,
        ``X_indices``, ``X_indptr``, attribute ``X_shape``) instead of ``X``.
    y : array-like of shape (n,)
        Response.
    prior : Prior
        :class:`~bayesreg.priors.LaplacePrior`, :class:`~bayesreg.priors.GaussianPrior` or
        :class:`~bayesreg.priors.ElasticNetPrior` (its exact density, normalizer included;
        ``scale="unknown"`` is refused for it).
    noise_sigma : float, optional
        The noise standard deviation σ. Default: the least-squares estimate
        √(RSS / (n − p − 1)) (needs n > p + 1), computed from the sufficient statistics when
        the likelihood uses them (exactly as :func:`sample_from_stats` does, so both give the
        same draws on the same data). With ``noise="unknown"`` it only centres the
        hyperprior of the prior scale.
    fit_intercept : bool, default True
        Include the flat-prior intercept β₀. A constant feature column is then rejected
        (its coefficient is not identified), as :func:`~bayesreg.check_equivalence` does.
    draws, tune, chains : int
        Draws kept per chain (≥ 1), tuning steps per chain (≥ 0), number of chains (≥ 1).
    cores : int, optional
        Chains run in parallel; default: PyMC's choice (number of CPUs, at most 4).
    random_seed : int or numpy.random.Generator, optional
        Seed; the same seed gives identical draws.
    sampler : {"pymc", "nutpie", "numpyro", "blackjax"}, default "pymc"
        NUTS implementation (``pm.sample(nuts_sampler=...)``); the external ones must be
        installed (e.g. ``pip install 'bayesreg[nutpie]'``).
    likelihood : {"auto", "rows", "suffstats"}, default "auto"
        ``"auto"`` evaluates the likelihood on the sufficient statistics when n > p (same
        log-density, O(p²) per gradient); ``"rows"`` forces the row-by-row Normal likelihood.
    noise : {"fixed", "unknown"}, default "fixed"
        ``"unknown"``: σ gets a Half-Student-t prior and is sampled (``noise_sigma`` variable).
    scale : {"fixed", "unknown"}, default "fixed"
        ``"unknown"``: the prior scale gets a hyperprior (Park–Casella Bayesian Lasso for the
        Laplace prior, its τⱼ² integrated out: ``beta_lambda2`` = ℓ², ``beta_b`` = σ/ℓ;
        for the Gaussian prior an exponential prior on ``beta_lambda`` = σ²/σ′² and
        ``beta_sigma`` = σ′), see
        :meth:`~bayesreg.priors.Prior.pymc_hierarchical_coefficients`.
    feature_names : sequence of str, optional
        Labels of the ``feature`` dimension (default: a DataFrame's columns, else
        ``x0, x1, ...``).
    standardize : bool, default False
        Z-score the features first (:mod:`bayesreg.standardize`; needs ``fit_intercept``):
        the prior applies to the z-scale coefficients. The posterior then also has a group
        ``original_scale`` with the draws of ``beta`` and ``intercept`` on the features'
        own scale, and the root attribute ``standardized`` is true.
    progressbar : bool, default True
        Show PyMC's progress bar.
    target_accept : float, optional
        NUTS target acceptance rate, in (0, 1). Default 0.9, and for the shrinkage priors
        of :mod:`bayesreg.shrinkage` their own 0.99 (their null coefficients' local scales
        have strong curvature near 0).
    family : {"gaussian", "binomial", "poisson"}, default "gaussian"
        The likelihood (:mod:`bayesreg.families`); binomial y is 0/1 or two labels (mapped
        in sorted order, root attribute ``classes``), Poisson y counts.
    collapse : bool, optional
        For the shrinkage priors (:mod:`bayesreg.shrinkage`) with the Gaussian likelihood on
        sufficient statistics: integrate β out analytically, sample the scales, σ and the
        intercept with NUTS from their exact marginal posterior, and draw β from its exact
        conditional Normal given each draw (``bayesreg._collapsed``; posterior variable
        ``beta_scale``, the sⱼ of βⱼ | s ~ N(0, sⱼ²); root attribute ``collapsed``). This
        removes the funnel between β and its scales that stops NUTS mixing when n is large.
        Default (None): on wherever it applies with p ≤ 400 and n ≥ 10·p (its cost is one
        p × p Cholesky factorization per gradient, which pays where the data pin β down;
        the measurements are in ``bayesreg._collapsed``); ``True`` where it does not apply
        is a ``ValueError``.
    **sample_kwargs
        Further arguments of :func:`pymc.sample` (e.g. ``init``, ``max_treedepth``).

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` (``beta`` over ``feature``, ``intercept``, the centered
        intercept ``intercept_centered``, sampled hyperparameters and, when the prior scale
        and σ are sampled, the implied penalty ``lam`` of each draw), ``sample_stats``,
        ``observed_data`` (``y``), ``constant_data`` (``X``) and ``map`` (the penalized
        estimate ``beta``, ``intercept`` at λ = ``prior.penalty(σ)`` for the fixed σ and
        prior scale: the MAP of the fixed-scale model; with a sampled σ or scale it is only a
        reference, as its ``description`` says). Root attributes: ``prior``, ``scale``,
        ``scale_name`` (elastic net: also ``scale2``, ``scale2_name``, ``gamma`` and ``lam2``),
        ``noise_sigma``, ``noise_sigma_estimated``, ``noise_sigma_dof`` (when
        estimated), ``lam``, ``fit_intercept``, ``likelihood``, ``noise_mode``,
        ``scale_mode``, ``standardized``, ``sampler`` and sizes.

    Raises
    ------
    ValueError
        Invalid data or arguments (NaN, mismatched shapes, constant columns, σ ≤ 0,
        draws < 1, unknown sampler...).
    ImportError
        The requested external sampler is not installed (the message says what to install).

    Warns
    -----
    SamplingWarning
        When :func:`diagnose` finds R-hat > 1.01, bulk or tail ESS < 400, or divergences.
    """
    opts = _check_options(
        prior,
        draws,
        tune,
        chains,
        cores,
        random_seed,
        sampler,
        target_accept,
        sample_kwargs,
        progressbar,
    )
    fit_intercept = _check_bool(fit_intercept, "fit_intercept")
    standardize = _check_bool(standardize, "standardize")
    check_model_options(likelihood, noise, scale)
    if scale == "unknown":
        prior.check_hierarchical()
    fam = get_family(family)
    check_family_options(fam, likelihood, noise)
    Xa, ya, names, z = prepare_design(
        X, y, feature_names, fit_intercept=fit_intercept, standardize=standardize, family=fam
    )
    n, p = Xa.shape
    use_stats = likelihood == "suffstats" or (likelihood == "auto" and n > p)
    on_stats = use_stats and isinstance(fam, Gaussian)
    collapse = _resolve_collapse(collapse, prior, on_stats, n, p)
    if on_stats:
        stats = SufficientStats.from_arrays(Xa, ya, names)
        sigma = _sigma_from_stats(stats, noise_sigma, fit_intercept)
        lam = _penalty(prior, sigma.value)
        model, x_mean = _stats_model(
            stats, prior, sigma.value, fit_intercept, noise, scale, collapse
        )
    else:
        sigma = resolve_noise_sigma(
            Xa, ya, noise_sigma, fit_intercept=fit_intercept, family=fam
        )
        lam = _penalty(prior, sigma.value)
        model, x_mean = build_sampling_model(
            Xa,
            ya,
            prior,
            sigma.value if isinstance(fam, Gaussian) else None,
            fit_intercept=fit_intercept,
            feature_names=names,
            noise=noise,
            scale=scale,
            family=fam,
        )
    fit = None if lam is None else prior.solve(Xa, ya, lam, fit_intercept=fit_intercept, family=fam)
    if fit is not None and not isinstance(fam, Gaussian) and scale == "fixed":
        # start the chains at the posterior mode (then jittered): with an exp or logit link
        # a start at β = 0 can put the first steps where exp(η) overflows
        start = {"beta": np.asarray(fit.coef, dtype=np.float64)}
        if fit_intercept:
            start["intercept"] = np.asarray(fit.intercept + float(x_mean @ fit.coef))
        sample_kwargs = {"initvals": start, **sample_kwargs}
    idata = _run_nuts(model, opts, sample_kwargs)
    _collapsed_beta(idata, model, sigma.value, opts.random_seed)

    import xarray as xr

    obs = np.arange(n)
    observed = xr.Dataset({"y": ("obs", ya)}, coords={"obs": obs})
    constant = _constant_data(Xa, obs, names)
    _finish(
        idata,
        prior=prior,
        x_mean=x_mean,
        fit_intercept=fit_intercept,
        names=names,
        fit=fit,
        observed=observed,
        constant=constant,
        standardization=z,
        attrs={
            **_attrs(prior, sigma, lam, fit_intercept, model, noise, scale, opts, n, p, "arrays"),
            **_family_attrs(fam, y, prior),
        },
    )
    diagnostics = diagnose(idata)
    if diagnostics.problems:
        warnings.warn(_warning_text(diagnostics), SamplingWarning, stacklevel=2)
    return idata


def _penalty(prior: Prior, sigma: float) -> float | None:
    """λ of the prior's penalty at σ, or None for a shrinkage prior (no penalty: no MAP)."""
    return None if prior.sampling_only else prior.penalty(sigma)


def _family_attrs(fam: Family, y: Any, prior: Prior) -> dict[str, Any]:
    """Root attributes of a non-Gaussian family: its name, model line and binomial labels."""
    if isinstance(fam, Gaussian):
        return {"family": "gaussian"}
    model = {
        "binomial": "y ~ Bernoulli(logit^-1(intercept + X beta)), beta ~ prior, intercept flat",
        "poisson": "y ~ Poisson(exp(intercept + X beta)), beta ~ prior, intercept flat",
    }[fam.name]
    out: dict[str, Any] = {
        "family": fam.name,
        "model": model,
        "noise_sigma_meaning": "none: dispersion 1, fixed by the family (noise_sigma = 1)",
        "penalty_formula": prior.penalty_formula.replace("σ²", "φ"),
    }
    if prior.sampling_only:
        del out["penalty_formula"]
    classes = binomial_classes(y, fam)
    if classes is not None:
        out["classes"] = [str(c) for c in classes]
    return out


def _constant_data(
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    obs: NDArray[np.int64],
    names: list[str],
) -> xr.Dataset:
    """The ``constant_data`` group: X over (obs, feature), or a sparse X's CSC arrays.

    A sparse X is stored as its compressed-column parts ``X_data``, ``X_indices`` (row of
    each stored value) and ``X_indptr`` (column starts), with attributes ``X_format="csc"``
    and ``X_shape``, so that NetCDF holds O(nnz), not n × p;
    ``scipy.sparse.csc_array((X_data, X_indices, X_indptr), shape=X_shape)`` rebuilds it.
    """
    import xarray as xr

    if not scipy.sparse.issparse(X):
        return xr.Dataset({"X": (("obs", "feature"), X)}, coords={"obs": obs, "feature": names})
    Xc = scipy.sparse.csc_array(X)
    return xr.Dataset(
        {
            "X_data": ("X_nnz", Xc.data),
            "X_indices": ("X_nnz", Xc.indices.astype(np.int64)),
            "X_indptr": ("X_indptr_pos", Xc.indptr.astype(np.int64)),
        },
        coords={"feature": names},
        attrs={"X_format": "csc", "X_shape": [int(v) for v in Xc.shape]},
    )


def sample_from_stats(
    stats: SufficientStats,
    prior: Prior,
    noise_sigma: float | None = None,
    *,
    fit_intercept: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int | None = None,
    random_seed: int | np.random.Generator | None = None,
    sampler: Sampler = "pymc",
    noise: NoiseMode = "fixed",
    scale: ScaleMode = "fixed",
    feature_names: Sequence[str] | None = None,
    progressbar: bool = True,
    target_accept: float | None = None,
    collapse: bool | None = None,
    **sample_kwargs: Any,
) -> xr.DataTree:
    """:func:`sample` from sufficient statistics alone (the data never held in memory).

    The likelihood is the exact sufficient-statistics form, so the posterior is that of the
    full data set. Parameters are those of :func:`sample`, with ``stats`` (see
    :mod:`bayesreg.suffstats`) in place of ``X, y``; ``noise_sigma`` defaults to the
    least-squares estimate computed from the statistics (:func:`estimate_noise_sigma_from_stats`);
    ``feature_names`` defaults to ``stats.feature_names``. The ``observed_data`` group holds
    the statistics (``n``, ``x_mean``, ``y_mean``, ``sxx``, ``sxy``, ``syy``) and there is no
    ``constant_data`` group. With an intercept, a constant feature (zero scatter) is
    rejected, as in :func:`sample`.

    Statistics equal to those :func:`sample` computes from the same data (one chunk holding
    every row) give the same draws for the same seed; statistics merged from several chunks
    differ from them at rounding level, and NUTS trajectories then part ways after a while
    (the posterior is the same, the draws are not).
    """
    if not isinstance(stats, SufficientStats):
        raise ValueError(f"stats must be a SufficientStats; got {type(stats).__name__}")
    n, p = stats.n, stats.n_features
    opts = _check_options(
        prior,
        draws,
        tune,
        chains,
        cores,
        random_seed,
        sampler,
        target_accept,
        sample_kwargs,
        progressbar,
    )
    fit_intercept = _check_bool(fit_intercept, "fit_intercept")
    check_model_options("suffstats", noise, scale)
    if scale == "unknown":
        prior.check_hierarchical()
    if feature_names is None:
        feature_names = stats.feature_names
    names = feature_coords(p, None if feature_names is None else list(feature_names))
    if fit_intercept:
        const = np.flatnonzero(np.diag(np.asarray(stats.sxx)) == 0.0)
        if const.size:
            raise ValueError(
                "constant feature column(s) with no information for the model: "
                + ", ".join(names[j] for j in const)
            )
    sigma = _sigma_from_stats(stats, noise_sigma, fit_intercept)
    lam = _penalty(prior, sigma.value)
    fit = None if lam is None else _solve_from_stats(stats, prior, lam, fit_intercept)
    collapse = _resolve_collapse(collapse, prior, True, n, p)
    model, x_mean = _stats_model(
        SufficientStats(
            n, stats.mean, stats.scatter, tuple(names), stats.target_name, stats.mean_lo
        ),
        prior,
        sigma.value,
        fit_intercept,
        noise,
        scale,
        collapse,
    )
    idata = _run_nuts(model, opts, sample_kwargs)
    _collapsed_beta(idata, model, sigma.value, opts.random_seed)

    import xarray as xr

    observed = xr.Dataset(
        {
            "n": ((), n),
            "x_mean": ("feature", np.array(stats.x_mean)),
            "y_mean": ((), stats.y_mean),
            "sxx": (("feature", "feature_col"), np.array(stats.sxx)),
            "sxy": ("feature", np.array(stats.sxy)),
            "syy": ((), stats.syy),
        },
        coords={"feature": names, "feature_col": names},
        attrs={"description": "sufficient statistics of the data (centered cross-products)"},
    )
    _finish(
        idata,
        prior=prior,
        x_mean=x_mean,
        fit_intercept=fit_intercept,
        names=names,
        fit=fit,
        observed=observed,
        constant=None,
        standardization=None,
        attrs=_attrs(
            prior,
            sigma,
            lam,
            fit_intercept,
            model,
            noise,
            scale,
            opts,
            n,
            p,
            "sufficient_statistics",
        ),
    )
    diagnostics = diagnose(idata)
    if diagnostics.problems:
        warnings.warn(_warning_text(diagnostics), SamplingWarning, stacklevel=2)
    return idata


def _sigma_from_stats(
    stats: SufficientStats, noise_sigma: float | None, fit_intercept: bool
) -> NoiseSigma:
    """The given σ (validated) or the least-squares estimate from the statistics."""
    if noise_sigma is None:
        return estimate_noise_sigma_from_stats(stats, fit_intercept=fit_intercept)
    return NoiseSigma(check_scale(noise_sigma, "noise_sigma"), False)


def _stats_model(
    stats: SufficientStats,
    prior: Prior,
    sigma: float,
    fit_intercept: bool,
    noise: NoiseMode,
    scale: ScaleMode,
    collapse: bool = False,
) -> tuple[pm.Model, NDArray[np.float64]]:
    """The sampling model on the statistics, and the feature means it was centred by.

    With an intercept the model sees the centered design (feature means 0, the scatter
    unchanged), so that the flat mean level decorrelates from β; :func:`_finish` maps the
    draws back to the intercept of the original design.
    """
    p = stats.n_features
    if fit_intercept:
        x_mean = np.array(stats.x_mean)
        zeros = np.zeros(p)
        model_stats = SufficientStats(
            stats.n,
            np.append(zeros, stats.y_mean),
            stats.scatter,
            stats.feature_names,
            stats.target_name,
            np.append(zeros, stats.mean_lo[-1]),
        )
    else:
        x_mean = np.zeros(p)
        model_stats = stats
    model = build_model_from_stats(
        model_stats,
        prior,
        sigma,
        fit_intercept=fit_intercept,
        formulation="naive",
        noise=noise,
        scale=scale,
        collapse=collapse,
    )
    return model, x_mean


def _resolve_collapse(collapse: Any, prior: Prior, on_stats: bool, n: int, p: int) -> bool:
    """Whether β is integrated out (see ``bayesreg._collapsed``): None = where it applies,
    p ≤ ``MAX_FEATURES`` and n ≥ ``MIN_ROWS_PER_FEATURE``·p."""
    from bayesreg._collapsed import MAX_FEATURES, MIN_ROWS_PER_FEATURE, check_applies

    applies = prior.sampling_only and on_stats
    if collapse is None:
        return applies and p <= MAX_FEATURES and n >= MIN_ROWS_PER_FEATURE * p
    collapse = _check_bool(collapse, "collapse")
    if collapse:
        check_applies(applies)
    return collapse


def _collapsed_beta(idata: xr.DataTree, model: pm.Model, sigma: float, seed: Any) -> None:
    """Add the exact conditional draws of β to a collapsed model's posterior (in place)."""
    cs = getattr(model, "collapsed", None)
    if cs is None:
        return
    from bayesreg import _collapsed

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
        None if seed is None else (int(seed), 0xC0)
    )
    start = time.perf_counter()
    post = _collapsed.add_beta_draws(idata["posterior"].to_dataset(), cs, sigma, rng)
    post.attrs["beta_draw_time"] = time.perf_counter() - start
    idata["posterior"] = post


# ==================================================================== diagnostics
@dataclass
class Diagnostics:
    """Convergence diagnostics of a NUTS run.

    Attributes
    ----------
    rhat_max : float
        Largest rank-normalized split R-hat over the parameters (NaN when undefined).
    ess_bulk_min, ess_tail_min : float
        Smallest bulk and tail effective sample sizes.
    n_divergences : int
        Divergent transitions after tuning.
    n_chains, n_draws : int
        Chains and draws per chain.
    rhat_threshold, ess_threshold : float
        The limits the values were checked against.
    problems : list of str
        One human-readable line per failed check (empty when all is well).
    notes : list of str
        What could not be checked, and why (e.g. R-hat with a single chain); not problems.
    """

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    n_divergences: int
    n_chains: int
    n_draws: int
    rhat_threshold: float = 1.01
    ess_threshold: float = 400.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return not self.problems

    def __str__(self) -> str:
        return (
            f"R-hat max {_fmt_rhat(self.rhat_max)} (limit {self.rhat_threshold:g}), "
            f"ESS bulk min {self.ess_bulk_min:.0f}, tail min {self.ess_tail_min:.0f} "
            f"(limit {self.ess_threshold:g}), divergences {self.n_divergences} "
            f"[{self.n_chains} chains x {self.n_draws} draws]"
        )


def diagnose(idata: xr.DataTree, *, rhat_max: float = 1.01, ess_min: float = 400) -> Diagnostics:
    """R-hat, bulk / tail ESS and divergences of a posterior from :func:`sample`.

    The checks cover ``beta``, ``intercept`` and any sampled hyperparameters
    (``noise_sigma``, ``beta_lambda2``, ``beta_b``, ``beta_sigma``; for the shrinkage priors
    the global ``beta_tau``, ``beta_c``, ``beta_r2``, ``beta_tau2``), not the sampling
    devices (``intercept_centered``; the shrinkage priors' non-centred factors ``beta_z``,
    ``*_a``, ``*_b``, ``beta_c2_aux`` and their per-coefficient local scales
    ``beta_lambda`` / ``beta_phi``, heavy-tailed by design).

    Parameters
    ----------
    idata : xarray.DataTree
        With a ``posterior`` group (and ``sample_stats`` for divergences).
    rhat_max : float, default 1.01
        Largest acceptable R-hat.
    ess_min : float, default 400
        Smallest acceptable bulk and tail ESS.

    Returns
    -------
    Diagnostics
        The extreme values and a list of problems (empty when all checks pass).
    """
    import arviz_stats as azs

    post = _posterior(idata)
    rhat_max = float(rhat_max)
    ess_min = float(ess_min)
    if not (math.isfinite(rhat_max) and rhat_max >= 1.0):
        raise ValueError(f"rhat_max must be a finite number >= 1; got {rhat_max!r}")
    if not (math.isfinite(ess_min) and ess_min >= 0.0):
        raise ValueError(f"ess_min must be a finite number >= 0; got {ess_min!r}")
    names = _diagnostic_vars(post)
    ds = post[names]
    rhat = _flatten(azs.rhat(ds))
    bulk = _flatten(azs.ess(ds, method="bulk"))
    tail = _flatten(azs.ess(ds, method="tail"))
    n_div = 0
    if "sample_stats" in idata.children and "diverging" in idata["sample_stats"].data_vars:
        n_div = int(idata["sample_stats"]["diverging"].values.sum())

    problems: list[str] = []
    notes: list[str] = []
    n_chains = int(post.sizes["chain"])
    if n_chains < 2:
        notes.append("R-hat compares chains: with 1 chain it is not computed (run 2 or more)")
        rhat = {k: math.nan for k in rhat}
    nan_rhat = [k for k, v in rhat.items() if not np.isfinite(v)]
    if nan_rhat and n_chains >= 2:
        problems.append(f"R-hat is undefined (chains not moving?) for {_few(nan_rhat)}")
    high = sorted(
        ((v, k) for k, v in rhat.items() if np.isfinite(v) and v > rhat_max), reverse=True
    )
    if high:
        problems.append(
            f"R-hat {high[0][0]:.3f} > {rhat_max:g} for {_few([k for _, k in high])}: "
            "the chains disagree"
        )
    for label, ess in (("bulk", bulk), ("tail", tail)):
        low = sorted((v, k) for k, v in ess.items() if not v >= ess_min)
        if low:
            problems.append(
                f"{label} ESS {low[0][0]:.0f} < {ess_min:g} for {_few([k for _, k in low])}"
            )
    if n_div:
        problems.append(f"{n_div} divergent transition{'s' if n_div > 1 else ''} after tuning")
    return Diagnostics(
        rhat_max=_nanextreme(rhat.values(), max),
        ess_bulk_min=_nanextreme(bulk.values(), min),
        ess_tail_min=_nanextreme(tail.values(), min),
        n_divergences=n_div,
        n_chains=n_chains,
        n_draws=int(post.sizes["draw"]),
        rhat_threshold=rhat_max,
        ess_threshold=ess_min,
        problems=problems,
        notes=notes,
    )


# ==================================================================== summaries
def summarize(idata: xr.DataTree, *, hdi_prob: float = 0.94) -> pd.DataFrame:
    """Posterior summary table: one row per coefficient, the intercept, hyperparameters.

    Parameters
    ----------
    idata : xarray.DataTree
        Output of :func:`sample` or :func:`sample_from_stats`.
    hdi_prob : float, default 0.94
        Probability of the highest-density interval.

    Returns
    -------
    pandas.DataFrame
        Index: the feature names (``beta[name]`` if a name clashes with another row), then
        ``intercept`` (when fitted) and the scalar sampled hyperparameters (``noise_sigma``,
        ``beta_b``, ``beta_lambda2``, ``beta_sigma``).
        Columns: ``mean``, ``median``, ``sd``, ``hdi_3%``, ``hdi_97%`` (named after
        ``hdi_prob``), ``map`` (the penalized estimate = the mode of this posterior; NaN for
        hyperparameters; called ``fixed_scale_fit`` when σ or the prior scale was sampled,
        since the penalized fit at the fixed values is then only a reference), ``r_hat``,
        ``ess_bulk``, ``ess_tail``, ``mcse_mean`` (Monte Carlo standard error of the mean).
    """
    import arviz_stats as azs
    import pandas as pd

    prob = float(hdi_prob)
    if not 0.0 < prob < 1.0:
        raise ValueError(f"hdi_prob must be in (0, 1); got {hdi_prob!r}")
    post = _posterior(idata)
    if "beta" not in post.data_vars or "feature" not in post["beta"].dims:
        raise ValueError("the posterior has no 'beta' variable over a 'feature' dimension")
    names = [v for v in ("beta", "intercept", *_HYPER_SCALARS) if v in post.data_vars]
    names = [v for v in names if v == "beta" or post[v].ndim == 2]
    ds = post[names]
    lo_name, hi_name = _hdi_columns(prob)
    stats = {
        "mean": ds.mean(("chain", "draw")),
        "median": ds.median(("chain", "draw")),
        "sd": ds.std(("chain", "draw"), ddof=1),
    }
    hdi = azs.hdi(ds, prob=prob)
    stats[lo_name] = hdi.sel(ci_bound="lower")
    stats[hi_name] = hdi.sel(ci_bound="upper")
    diag = {
        "r_hat": azs.rhat(ds),
        "ess_bulk": azs.ess(ds, method="bulk"),
        "ess_tail": azs.ess(ds, method="tail"),
        "mcse_mean": azs.mcse(ds, method="mean"),
    }
    map_ds = idata["map"].to_dataset() if "map" in idata.children else None
    map_col = "map" if map_is_mode(idata) else "fixed_scale_fit"
    features = [str(f) for f in post["beta"].coords["feature"].values]
    if set(features) & set(names):  # a feature called e.g. "intercept": keep rows distinct
        features = [f"beta[{f}]" for f in features]
    rows: dict[str, dict[str, float]] = {}
    for var in names:
        labels = features if var == "beta" else [var]
        for i, label in enumerate(labels):

            def pick(d: xr.Dataset, var: str = var, i: int = i) -> float:
                vals = np.asarray(d[var].values, dtype=float).ravel()
                return float(vals[i])

            row = {col: pick(d) for col, d in stats.items()}
            if map_ds is not None:  # a shrinkage prior has no penalized fit: no column
                row[map_col] = pick(map_ds) if var in map_ds else math.nan
            row.update({col: pick(d) for col, d in diag.items()})
            rows[label] = row
    columns = [
        "mean",
        "median",
        "sd",
        lo_name,
        hi_name,
        *([map_col] if map_ds is not None else []),
        "r_hat",
        "ess_bulk",
        "ess_tail",
        "mcse_mean",
    ]
    df = pd.DataFrame.from_dict(rows, orient="index")[columns]
    df.index.name = "parameter"
    return df


def format_summary(
    df: pd.DataFrame, diagnostics: Diagnostics | None = None, idata: xr.DataTree | None = None
) -> str:
    """A fixed-width text rendering of :func:`summarize` with a diagnostics footer.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`summarize`.
    diagnostics : Diagnostics, optional
        Output of :func:`diagnose`; adds the footer (R-hat max, ESS min, divergences and
        problems).
    idata : xarray.DataTree, optional
        The posterior; adds a header line with the model settings.
    """
    lines: list[str] = []
    if idata is not None:
        lines.extend(_header_lines(idata))
        lines.append("")
    formatters: dict[str, Any] = {}
    for col in df.columns:
        if col == "r_hat":
            formatters[col] = lambda v: "-" if not np.isfinite(v) else f"{v:.3f}"
        elif col.startswith("ess"):
            formatters[col] = lambda v: "-" if not np.isfinite(v) else f"{v:.0f}"
        else:
            formatters[col] = _fmt_value
    table = df.to_string(formatters=formatters, justify="right")
    lines.append(table)
    if "map" in df.columns:
        lines.append(
            "map: the penalized (L1 / L2 / elastic-net) fit = the posterior mode at the fixed σ "
            "and prior scale"
        )
    if "fixed_scale_fit" in df.columns:
        lines.append(
            "fixed_scale_fit: the penalized fit at the fixed σ and prior scale given, a "
            "reference only: this posterior samples them, so its mode is elsewhere"
        )
    if "lam" in df.index:
        lines.append("lam: the penalty λ implied by each draw of σ and the prior scale (derived)")
    if diagnostics is not None:
        d = diagnostics
        lines.append("")
        lines.append(
            f"diagnostics: R-hat max {_fmt_rhat(d.rhat_max)} (limit {d.rhat_threshold:g}) | "
            f"ESS min bulk {d.ess_bulk_min:.0f}, tail {d.ess_tail_min:.0f} "
            f"(limit {d.ess_threshold:g}) | divergences {d.n_divergences} | "
            f"{d.n_chains} chain{'s' if d.n_chains != 1 else ''} x {d.n_draws} draws"
        )
        lines.extend(f"note: {note}" for note in d.notes)
        if d.problems:
            lines.append("PROBLEMS (do not trust these numbers yet):")
            lines.extend(f"  - {p}" for p in d.problems)
            lines.append(f"  {_ADVICE}")
        else:
            lines.append("all convergence checks passed")
    return "\n".join(lines)


def map_is_mode(idata: xr.DataTree) -> bool:
    """Whether the ``map`` group is the mode of this posterior (σ and the scale fixed)."""
    if "map" in idata.children and "is_mode" in idata["map"].attrs:
        return bool(idata["map"].attrs["is_mode"])
    a = idata.attrs
    return a.get("noise_mode", "fixed") == "fixed" and a.get("scale_mode", "fixed") == "fixed"


def _fmt_rhat(v: float) -> str:
    return f"{v:.3f}" if np.isfinite(v) else "n/a"


# ==================================================================== persistence
def save_posterior(
    idata: xr.DataTree, path: str | PathLike[str], *, engine: str | None = None
) -> Path:
    """Write a posterior to a NetCDF-4 file (``DataTree.to_netcdf``; never pickle).

    Boolean attributes, which netCDF cannot store, are written as integers and restored by
    :func:`load_posterior`; attributes set to ``None`` are dropped.

    Parameters
    ----------
    idata : xarray.DataTree
        The posterior, e.g. from :func:`sample`.
    path : path-like
        Output file (overwritten).
    engine : {"netcdf4", "h5netcdf"}, optional
        xarray backend; default: the first installed one.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import xarray as xr

    if not isinstance(idata, xr.DataTree):
        raise ValueError(f"idata must be an xarray.DataTree; got {type(idata).__name__}")
    out = Path(path)
    if not out.parent.is_dir():
        raise ValueError(f"directory does not exist: {out.parent}")
    tree = idata.copy()
    for node in tree.subtree:
        attrs = dict(node.attrs)
        bools = [k for k, v in attrs.items() if isinstance(v, bool | np.bool_)]
        clean = {k: (int(v) if k in bools else v) for k, v in attrs.items() if v is not None}
        if bools:
            clean[_BOOL_ATTRS_KEY] = ",".join(bools)
        node.attrs = clean
    tree.to_netcdf(out, engine=engine)
    return out


def load_posterior(path: str | PathLike[str], *, engine: str | None = None) -> xr.DataTree:
    """Read a posterior written by :func:`save_posterior` (loaded into memory, file closed)."""
    import xarray as xr

    p = Path(path)
    if not p.is_file():
        raise ValueError(f"file not found: {path}")
    try:
        tree = xr.load_datatree(p, engine=engine)
    except OSError as exc:
        raise ValueError(f"cannot read {path} as NetCDF: {exc}") from None
    for node in tree.subtree:
        attrs = dict(node.attrs)
        keys = attrs.pop(_BOOL_ATTRS_KEY, None)
        # numpy scalars back to Python numbers, integer-coded booleans back to bool
        attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in attrs.items()}
        for k in str(keys).split(",") if keys else ():
            if k in attrs:
                attrs[k] = bool(attrs[k])
        node.attrs = attrs
    return tree


# ==================================================================== private helpers
@dataclass(frozen=True)
class _Options:
    draws: int
    tune: int
    chains: int
    cores: int | None
    random_seed: Any
    sampler: str
    progressbar: Any
    target_accept: float


def _check_options(
    prior: Any,
    draws: Any,
    tune: Any,
    chains: Any,
    cores: Any,
    random_seed: Any,
    sampler: Any,
    target_accept: Any,
    sample_kwargs: dict[str, Any],
    progressbar: Any,
) -> _Options:
    if not isinstance(prior, Prior):
        raise ValueError(
            f"prior must be a bayesreg prior (LaplacePrior, GaussianPrior or ElasticNetPrior); "
            f"got {type(prior).__name__}"
        )
    draws = check_positive_int(draws, "draws")
    chains = check_positive_int(chains, "chains")
    if isinstance(tune, bool) or not isinstance(tune, int | np.integer) or tune < 0:
        raise ValueError(f"tune must be an integer >= 0; got {tune!r}")
    if cores is not None:
        cores = check_positive_int(cores, "cores")
    if random_seed is not None and not isinstance(random_seed, np.random.Generator):
        if isinstance(random_seed, bool) or not isinstance(random_seed, int | np.integer):
            raise ValueError(
                f"random_seed must be None, a non-negative integer or a numpy Generator; "
                f"got {random_seed!r}"
            )
        if random_seed < 0:
            raise ValueError(f"random_seed must be >= 0; got {random_seed!r}")
        random_seed = int(random_seed)
    if target_accept is None:  # 0.9, or the shrinkage priors' own default (0.99)
        target_accept = getattr(prior, "target_accept", 0.9)
    ta = check_unit_interval(target_accept, "target_accept")
    bad = sorted(_RESERVED_KWARGS.intersection(sample_kwargs))
    if bad:
        raise ValueError(f"argument(s) set by bayesreg, not accepted here: {', '.join(bad)}")
    _check_sampler(sampler)
    return _Options(
        int(draws), int(tune), int(chains), cores, random_seed, sampler, progressbar, ta
    )


def _check_sampler(sampler: Any) -> None:
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose one of {', '.join(SAMPLERS)}")
    if sampler in _SAMPLER_DEPS:
        modules, hint = _SAMPLER_DEPS[sampler]
        missing = [m for m in modules if importlib.util.find_spec(m) is None]
        if missing:
            raise ImportError(
                f"sampler {sampler!r} needs {' and '.join(missing)}, which is not installed; "
                f"install it with: {hint}",
                name=missing[0],
            )


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _run_nuts(model: pm.Model, opts: _Options, sample_kwargs: dict[str, Any]) -> xr.DataTree:
    import pymc as pm

    kwargs = dict(sample_kwargs)
    kwargs.setdefault("progressbar", opts.progressbar)
    # diagnose() checks convergence once, with bayesreg's limits; PyMC's own checks would
    # log the same findings a second time.
    kwargs.setdefault("compute_convergence_checks", False)
    with model, warnings.catch_warnings():
        # A trajectory that diverges during tuning (large first steps of the step-size
        # search, typically with an exp link) overflows in PyMC's kinetic energy; it is
        # rejected, and divergences after tuning are counted by diagnose().
        warnings.filterwarnings(
            "ignore", message="overflow encountered", category=RuntimeWarning, module="pymc"
        )
        return pm.sample(
            draws=opts.draws,
            tune=opts.tune,
            chains=opts.chains,
            cores=opts.cores,
            random_seed=opts.random_seed,
            nuts_sampler=opts.sampler,
            target_accept=opts.target_accept,
            **kwargs,
        )


def _attrs(
    prior: Prior,
    sigma: NoiseSigma,
    lam: float | None,
    fit_intercept: bool,
    model: pm.Model,
    noise: str,
    scale: str,
    opts: _Options,
    n: int,
    p: int,
    source: str,
) -> dict[str, Any]:
    from bayesreg import __version__

    attrs: dict[str, Any] = {
        "bayesreg_version": __version__,
        "model": "y ~ Normal(intercept + X beta, noise_sigma), beta ~ prior, intercept flat",
        "prior": prior.name,
        "scale": float(prior.scale),
        "scale_name": prior.scale_name,
        "penalty_formula": prior.penalty_formula,
        "noise_sigma": float(sigma.value),
        "noise_sigma_estimated": bool(sigma.estimated),
        "lam": math.nan if lam is None else float(lam),
        "fit_intercept": bool(fit_intercept),
        "likelihood": str(getattr(model, "likelihood_kind", "rows")),
        "noise_mode": noise,
        "scale_mode": scale,
        "standardized": False,
        "formulation": "naive",
        "sampler": opts.sampler,
        "target_accept": opts.target_accept,
        "n_obs": int(n),
        "n_features": int(p),
        "data_source": source,
        "collapsed": bool(getattr(model, "collapsed", None) is not None),
    }
    reg = None if prior.sampling_only else prior.regularizer
    if isinstance(reg, ElasticNetPenalty) and prior.scale2 is not None:
        # the elastic net: σ′, γ = b/(2σ′²), λ₂ = λγ
        attrs["scale2"] = float(prior.scale2)
        attrs["scale2_name"] = str(prior.scale2_name)
        attrs["gamma"] = float(reg.gamma)
        attrs["lam2"] = float(reg.l2_weight(lam))
    if sigma.dof is not None:
        attrs["noise_sigma_dof"] = int(sigma.dof)
    if prior.sampling_only:
        # a shrinkage prior: no penalty, no MAP; its scales are always sampled
        for k in ("penalty_formula", "lam"):
            del attrs[k]
        attrs["scale_mode"] = "sampled (global and local shrinkage scales)"
        attrs["prior_description"] = prior.describe()  # type: ignore[attr-defined]
    if isinstance(opts.random_seed, int):
        attrs["random_seed"] = opts.random_seed
    return attrs


def _finish(
    idata: xr.DataTree,
    *,
    prior: Prior,
    x_mean: NDArray[np.float64],
    fit_intercept: bool,
    names: list[str],
    fit: AnalyticFit | None,
    observed: xr.Dataset,
    constant: xr.Dataset | None,
    standardization: Standardization | None,
    attrs: dict[str, Any],
) -> None:
    """Undo the centering, add the data, the MAP group and the settings (in place)."""
    import xarray as xr

    post = idata["posterior"].to_dataset()
    if fit_intercept:
        # The model's flat "intercept" is α, the intercept of the centered design.
        alpha = post["intercept"]
        xm = xr.DataArray(x_mean, dims="feature", coords={"feature": post["feature"].values})
        intercept = alpha - xr.dot(post["beta"], xm, dim="feature")
        post = post.rename({"intercept": "intercept_centered"})
        post["intercept"] = intercept.assign_attrs(
            description="intercept of the original design: intercept_centered - x_mean . beta"
        )
        post["intercept_centered"].attrs["description"] = (
            "intercept of the centered design (mean level; sampled)"
        )
    sampled = attrs["noise_mode"] == "unknown" or attrs["scale_mode"] == "unknown"
    if sampled and fit is not None:
        post["lam"] = _lambda_draws(post, prior, float(attrs["noise_sigma"]))
    first = [v for v in ("beta", "intercept") if v in post.data_vars]
    last = [v for v in _AUXILIARY if v in post.data_vars]
    order = first + [v for v in post.data_vars if v not in first and v not in last] + last
    post = post[order]
    idata["posterior"] = post

    group_attrs = dict(observed.attrs)
    if "observed_data" in idata.children:
        group_attrs = {**idata["observed_data"].attrs, **group_attrs}
    idata["observed_data"] = observed.assign_attrs(group_attrs)
    if constant is not None:
        old = idata["constant_data"].attrs if "constant_data" in idata.children else {}
        idata["constant_data"] = constant.assign_attrs(dict(old))

    if fit is not None:  # a shrinkage prior has no penalized estimate: no "map" group
        idata["map"] = _map_group(fit, prior, fit_intercept, names, attrs, sampled)
    if standardization is not None:
        beta_o, icpt_o = standardization.to_original(
            post["beta"].transpose("chain", "draw", "feature").values,
            post["intercept"].values,
        )
        idata["original_scale"] = xr.Dataset(
            {
                "beta": (("chain", "draw", "feature"), beta_o),
                "intercept": (("chain", "draw"), icpt_o),
                "feature_mean": ("feature", standardization.means),
                "feature_scale": ("feature", standardization.scales),
            },
            coords={
                "chain": post["chain"].values,
                "draw": post["draw"].values,
                "feature": names,
            },
            attrs={
                "description": (
                    "the posterior draws on the original scale of the features: "
                    "beta / feature_scale, intercept - sum(beta * feature_mean / "
                    "feature_scale); the prior applies to the standardized coefficients"
                )
            },
        )
        attrs = {**attrs, "standardized": True, "features_centered": standardization.centered}
    idata.attrs.update(attrs)


def _map_group(
    fit: AnalyticFit,
    prior: Prior,
    fit_intercept: bool,
    names: list[str],
    attrs: dict[str, Any],
    sampled: bool,
) -> xr.Dataset:
    """The ``map`` group: the penalized estimate at the fixed σ and prior scale, described."""
    import xarray as xr

    if sampled:
        description = (
            f"penalized estimate at lam = {attrs['lam']:.6g}, from the fixed noise sigma "
            f"{attrs['noise_sigma']:.6g} and {prior.scale_name} = {prior.scale:.6g}"
            + ("" if prior.scale2 is None else f", {prior.scale2_name} = {prior.scale2:.6g}")
            + ": the MAP of "
            "the fixed-scale model, shown as a reference (this posterior samples "
            + " and ".join(
                w
                for w, m in (
                    ("sigma", attrs["noise_mode"]),
                    ("the prior scale", attrs["scale_mode"]),
                )
                if m == "unknown"
            )
            + ", so its mode is not this fit)"
        )
    else:
        description = (
            "penalized estimate (L1 / L2 / elastic net at lam) = MAP of the model with the fixed "
            "noise sigma and prior scale"
        )
    return xr.Dataset(
        {
            "beta": ("feature", np.asarray(fit.coef, dtype=np.float64)),
            "intercept": ((), float(fit.intercept) if fit_intercept else 0.0),
        },
        coords={"feature": names},
        attrs={"description": description, "lam": float(attrs["lam"]), "is_mode": not sampled},
    )


def _lambda_draws(post: xr.Dataset, prior: Prior, sigma_fixed: float) -> xr.DataArray:
    """λ implied by each draw of the noise σ and the prior scale (derived, not sampled)."""
    import xarray as xr

    scale_var = f"beta_{prior.scale_name}"
    like = post["intercept"] if "intercept" in post else post["beta"].isel(feature=0)
    scale = post[scale_var] if scale_var in post else xr.full_like(like, prior.scale)
    noise = post["noise_sigma"] if "noise_sigma" in post else xr.full_like(like, sigma_fixed)
    lam = np.frompyfunc(lambda s, n: prior.with_scale(s).penalty(n), 2, 1)(
        scale.values, noise.values
    )
    return xr.DataArray(
        lam.astype(np.float64),
        dims=scale.dims,
        coords=scale.coords,
        attrs={"description": f"lambda = {prior.penalty_formula} of each draw (derived)"},
    )


def _solve_from_stats(
    stats: SufficientStats, prior: Prior, lam: float, fit_intercept: bool
) -> AnalyticFit:
    """The penalized fit from the statistics, through a small data set with the same ones.

    For a symmetric PSD matrix M = [[XᵀX, Xᵀy], [yᵀX, yᵀy]] (centered with an intercept)
    and R with RᵀR = M, the rows of R form a data set with the same cross-products, hence the
    same residual sum of squares for every β and the same penalized solution. With an
    intercept the rows ±R/√2 have mean zero and the centered products M.
    """
    p = stats.n_features
    if fit_intercept:
        m = np.array(stats.scatter)
    else:
        g = stats.gram(fit_intercept=False)
        m = np.empty((p + 1, p + 1))
        m[:p, :p] = g.xtx
        m[:p, p] = m[p, :p] = g.xty
        m[p, p] = g.yty
    w, v = np.linalg.eigh(0.5 * (m + m.T))
    r = np.sqrt(np.clip(w, 0.0, None))[:, None] * v.T
    if fit_intercept:
        r = np.vstack([r, -r]) / math.sqrt(2.0)
    fit = prior.solve(r[:, :p], r[:, p], lam, fit_intercept=fit_intercept)
    intercept = stats.y_mean - float(stats.x_mean @ fit.coef) if fit_intercept else 0.0
    return AnalyticFit(np.asarray(fit.coef, dtype=np.float64), intercept, fit.n_iter, fit.gap)


def _posterior(idata: Any) -> xr.Dataset:
    import xarray as xr

    if not isinstance(idata, xr.DataTree) or "posterior" not in idata.children:
        raise ValueError("idata must be an xarray.DataTree with a 'posterior' group")
    post = idata["posterior"].to_dataset()
    if "chain" not in post.dims or "draw" not in post.dims:
        raise ValueError("the posterior group must have 'chain' and 'draw' dimensions")
    return post


#: Sampling devices of the shrinkage priors (non-centred factors; bayesreg.shrinkage) and
#: their per-coefficient local scales, whose Cauchy tails make their own tail ESS a poor
#: guide: the diagnostics cover β, the intercept, σ and the global scales instead.
_SHRINKAGE_DEVICES = (
    "beta_z",
    "beta_scale",
    "beta_lambda_a",
    "beta_lambda_b",
    "beta_tau_a",
    "beta_tau_b",
    "beta_c2_aux",
    "beta_phi",
)


def _diagnostic_vars(post: xr.Dataset) -> list[str]:
    names = [
        str(v)
        for v in post.data_vars
        if v not in _AUXILIARY
        and v not in _SHRINKAGE_DEVICES
        and not (v == "beta_lambda" and "feature" in post[v].dims)  # local scales
    ]
    if not names:
        raise ValueError("the posterior has no parameters to diagnose")
    return names


def _flatten(ds: xr.Dataset) -> dict[str, float]:
    """``{"beta[x0]": value, ..., "intercept": value}`` from a per-parameter Dataset."""
    out: dict[str, float] = {}
    for name, da in ds.data_vars.items():
        if da.ndim == 0:
            out[str(name)] = float(da)
            continue
        stacked = da.stack(_flat=da.dims)
        for idx, value in zip(stacked["_flat"].values, stacked.values, strict=True):
            key = ",".join(str(i) for i in (idx if isinstance(idx, tuple) else (idx,)))
            out[f"{name}[{key}]"] = float(value)
    return out


def _few(labels: list[str], k: int = 4) -> str:
    shown = ", ".join(labels[:k])
    return shown + (f" and {len(labels) - k} more" if len(labels) > k else "")


def _nanextreme(values: Any, fn: Any) -> float:
    vals = [v for v in values if np.isfinite(v)]
    return float(fn(vals)) if vals else math.nan


#: What to do about failed diagnostics (the CLI options in brackets).
_ADVICE = (
    "Run more draws / tuning steps (--draws, --tune) or raise target_accept (--target-accept) "
    "before trusting the posterior summaries."
)


def _warning_text(d: Diagnostics) -> str:
    return "NUTS diagnostics flag problems: " + "; ".join(d.problems) + ". " + _ADVICE


def _hdi_columns(prob: float) -> tuple[str, str]:
    lo = round(100.0 * (1.0 - prob) / 2.0, 10)
    return f"hdi_{lo:g}%", f"hdi_{round(100.0 - lo, 10):g}%"


def _fmt_value(v: float) -> str:
    if not np.isfinite(v):
        return "-"
    if v == 0.0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.3e}"
    return f"{v:.4f}"


def _header_lines(idata: xr.DataTree) -> list[str]:
    """What was fixed and what was sampled, in the words :mod:`bayesreg.check` uses."""
    a = idata.attrs
    if "prior" not in a:
        return []
    sigma = a.get("noise_sigma", math.nan)
    how = (
        f"estimated by least squares, {a['noise_sigma_dof']} dof"
        if a.get("noise_sigma_estimated") and "noise_sigma_dof" in a
        else "given"
    )
    noise_sampled = a.get("noise_mode", "fixed") == "unknown"
    scale_sampled = a.get("scale_mode", "fixed") == "unknown"
    name, scale = str(a["prior"]), float(a.get("scale", math.nan))
    scale2 = float(a["scale2"]) if "scale2" in a else None
    prior_text = describe_prior(
        name, scale, scale2=scale2, scale_state="sampled" if scale_sampled else ""
    )
    lines = [f"prior: {prior_text}"]
    family = str(a.get("family", "gaussian"))
    if family != "gaussian":
        classes = a.get("classes")
        labels = (
            f"; y labels {classes[0]!r} → 0, {classes[1]!r} → 1"
            if classes is not None
            else ""
        )
        lines.append(f"likelihood: {a.get('model', family)}{labels}")
        lines.append(f"noise σ: none (dispersion φ = 1, fixed by the {family} family)")
    elif noise_sampled:
        lines.append("noise σ: sampled (Half-Student-t(4, sd(y)) prior)")
    else:
        lines.append(f"noise σ = {sigma:.6g} ({how}, then held fixed)")
    formula = a.get("penalty_formula", "")
    post = idata["posterior"]
    if "prior_description" in a:  # a shrinkage prior: its scales sampled, no penalty
        lines[0] = f"prior: {a['prior_description']} (global and local scales sampled)"
        lines.append("penalty λ: none (a shrinkage prior has no penalty equivalent, no MAP)")
    elif (noise_sampled or scale_sampled) and "lam" in post.data_vars:
        lam = np.asarray(post["lam"].values, dtype=float).ravel()
        lo, med, hi = np.quantile(lam, [0.03, 0.5, 0.97])
        lines.append(
            f"penalty λ = {formula}: sampled with them, posterior median {med:.4g}, "
            f"94% interval [{lo:.4g}, {hi:.4g}]; the fixed-scale fit uses "
            f"λ = {a.get('lam', math.nan):.6g} (σ = {sigma:.6g} ({how}), "
            f"{scale_symbol(name)} = {scale:.6g})"
        )
    else:
        lines.append(f"penalty λ = {formula} = {a.get('lam', math.nan):.6g}")
    if "gamma" in a and "lam2" in a:
        lines.append(
            f"ridge term: γ = b/(2σ′²) = {float(a['gamma']):.6g}, λ₂ = λγ = "
            f"{float(a['lam2']):.6g} on ‖β‖² (objective D + λ(‖β‖₁ + γ‖β‖²))"
        )
    if a.get("standardized") and a.get("features_centered", True) is False:
        lines.append(
            "features scaled to population sd 1 (sparse X, not centred): coefficients on "
            "that scale; the original scale is in the group 'original_scale'"
        )
    elif a.get("standardized"):
        lines.append(
            "features standardized (z-scores: mean 0, population sd 1): coefficients on the "
            "z-scale; the original scale is in the group 'original_scale'"
        )
    chains = post.sizes.get("chain", 0)
    lines.append(
        f"NUTS ({a.get('sampler', 'pymc')}): {chains} chain{'s' if chains != 1 else ''} x "
        f"{post.sizes.get('draw', 0)} draws, target_accept {a.get('target_accept', math.nan):g}; "
        f"likelihood: {a.get('likelihood', '?')}; n = {a.get('n_obs', '?')}, "
        f"p = {a.get('n_features', '?')}"
    )
    if a.get("collapsed"):
        lines.append(
            "collapsed: NUTS sampled the scales, σ and the intercept with beta integrated "
            "out; beta drawn exactly from its conditional Normal given each draw"
        )
    return lines
