"""Which λ? Five answers on one axis: cross-validation, evidence, hyperprior, LOO and BIC.

:func:`choose_penalty` runs the methods asked for on the same data and reports, for each,
the λ it picks (RSS scaling, ``‖y − β₀ − Xβ‖² + λR(β)``), the prior scale that λ means at the
noise σ (b = 2σ²/λ for the Laplace prior, σ′ = σ/√λ for the Gaussian), a range expressing
its uncertainty, the support of the penalized fit there and the time it took:

* ``"cv"``: K-fold cross-validation (:func:`bayesreg.cv.cross_validate`); λ_min, with the
  range [λ_min, λ_1se] (the one-standard-error rule).
* ``"evidence"``: type-II maximum likelihood (:func:`bayesreg.evidence.empirical_bayes`):
  the closed-form restricted evidence for the Gaussian prior (σ estimated jointly), Monte
  Carlo EM for the Laplace prior (range: ± 2 Monte Carlo standard errors of b).
* ``"hyperprior"``: full Bayes: the prior scale (and σ) sampled with hyperpriors by NUTS
  (:func:`bayesreg.sampling.sample` with ``scale="unknown"``); the posterior median of the
  implied λ and its central 94 % interval.
* ``"loo"``: PSIS-LOO (ArviZ) of the fixed-scale posterior over a grid of λ
  (:func:`loo_curve`); the λ of the best expected log predictive density, with the range of
  λ whose elpd is within one standard error of the difference.
* ``"bic"``: the Bayesian information criterion of the Lasso path with the support size as
  degrees of freedom (:func:`bayesreg.cv.information_criteria`; Laplace prior only).

The Gaussian family only (the evidence, the hyperprior model and LOO here are Gaussian).
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg.exceptions import SamplingWarning
from bayesreg.model import prepare_design, resolve_noise_sigma
from bayesreg.optimality import lambda_grid, lambda_scale
from bayesreg.priors import (
    GaussianPrior,
    LaplacePrior,
    Prior,
    describe_prior,
    one_scale_prior_class,
)

__all__ = ["METHODS", "LOOResult", "PenaltyChoice", "choose_penalty", "loo_curve"]

METHODS = ("cv", "evidence", "hyperprior", "loo", "bic")


@dataclass(frozen=True)
class LOOResult:
    """PSIS-LOO of the fixed-scale posterior over a grid of λ."""

    lams: NDArray[np.float64]
    scales: NDArray[np.float64]
    elpd: NDArray[np.float64]
    se: NDArray[np.float64]
    #: Standard error of elpd(λ) − elpd(λ_best), pointwise (0 at the best).
    se_diff: NDArray[np.float64]
    pareto_k_max: NDArray[np.float64]
    index_best: int
    lam_best: float
    noise_sigma: float


def loo_curve(
    X: ArrayLike,
    y: ArrayLike,
    prior: str | Prior = "laplace",
    *,
    lams: ArrayLike | None = None,
    n_lams: int = 12,
    eps: float | None = None,
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    random_seed: int | None = None,
) -> LOOResult:
    """PSIS-LOO elpd of the posterior at each λ of a grid, σ fixed.

    The posterior at each λ is drawn as in :func:`bayesreg.bayes_path.posterior_draws`
    (exact for the Gaussian prior, NUTS on the sufficient statistics for the Laplace prior);
    the pointwise log-likelihood ``log N(yᵢ | β₀ + xᵢᵀβ, σ)`` of each draw goes to
    :func:`arviz_stats.loo`. The grid is that of :func:`bayesreg.bayes_path.posterior_path`.
    The elastic-net prior is refused (``ValueError``): its two scales have no
    one-dimensional λ grid of priors here.
    """
    import arviz_stats as azs
    import xarray as xr

    from bayesreg.bayes_path import posterior_draws
    from bayesreg.suffstats import SufficientStats

    prior_cls = one_scale_prior_class(prior, "loo_curve")
    Xa, ya, names, _ = prepare_design(X, y, None, fit_intercept=fit_intercept, standardize=False)
    sigma = resolve_noise_sigma(Xa, ya, noise_sigma, fit_intercept=fit_intercept).value
    grid = lambda_grid(
        Xa, ya, prior_cls.regularizer, fit_intercept, lams=lams, n_lambdas=n_lams, eps=eps
    )
    stats = SufficientStats.from_arrays(Xa, ya, names)
    k = grid.size
    elpd, se, kmax = np.empty(k), np.empty(k), np.empty(k)
    pointwise = np.empty((k, ya.shape[0]))
    for i, lam in enumerate(grid):
        pr = prior_cls.from_penalty(float(lam), sigma)
        seed = None if random_seed is None else int(random_seed) + i
        beta, icpt, _, _ = posterior_draws(
            stats, pr, sigma, fit_intercept, draws=draws, tune=tune, chains=chains,
            random_seed=seed,
        )  # fmt: skip
        eta = Xa @ beta.T  # (n, S), dense or sparse X
        resid = ya[:, None] - icpt[None, :] - np.asarray(eta)  # (n, S)
        ll = -0.5 * (resid / sigma) ** 2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)
        ll = ll.T.reshape(chains, -1, ya.shape[0])
        tree = xr.DataTree.from_dict(
            {
                "posterior": xr.Dataset({"b0": (("chain", "draw"), icpt.reshape(chains, -1))}),
                "log_likelihood": xr.Dataset({"y": (("chain", "draw", "obs"), ll)}),
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pareto-k is reported in the result
            res = azs.loo(tree, pointwise=True)
        elpd[i], se[i] = float(res.elpd), float(res.se)
        kmax[i] = float(np.max(np.asarray(res.pareto_k)))
        pointwise[i] = np.asarray(res.elpd_i).ravel()
    best = int(np.argmax(elpd))
    diff = pointwise - pointwise[best]
    se_diff = np.sqrt(ya.shape[0] * diff.var(axis=1, ddof=1)) if ya.shape[0] > 1 else diff[:, 0]
    scales = np.array([prior_cls.from_penalty(float(lam), sigma).scale for lam in grid])
    return LOOResult(grid, scales, elpd, se, se_diff, kmax, best, float(grid[best]), sigma)


@dataclass(frozen=True)
class Choice:
    """One method's answer."""

    method: str
    lam: float
    scale: float
    #: A range of λ expressing the method's uncertainty (see the module docstring), or None.
    lam_low: float | None
    lam_high: float | None
    support: list[str]
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class PenaltyChoice:
    """Every method's λ for one data set and prior; prints as a table, serializes to JSON."""

    prior: str
    scale_name: str
    noise_sigma: float
    noise_sigma_estimated: bool
    n_samples: int
    n_features: int
    feature_names: list[str]
    choices: dict[str, Choice] = field(default_factory=dict)
    #: The CV curve (λ, mean, se) when CV ran, for :meth:`plot`.
    cv_curve: tuple[list[float], list[float], list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the ``choices`` keyed by method)."""
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        return format_choice(self)

    def plot(self, ax: Any = None) -> Any:
        """All choices on one λ axis over the CV curve (:func:`bayesreg.plots.plot_choices`)."""
        from bayesreg.plots import plot_choices

        return plot_choices(self, ax=ax)


def choose_penalty(
    X: ArrayLike,
    y: ArrayLike,
    prior: str | Prior = "laplace",
    *,
    methods: Sequence[str] = METHODS,
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    feature_names: Sequence[str] | None = None,
    cv: int = 5,
    random_seed: int | None = 0,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
) -> PenaltyChoice:
    """Choose λ by every method in ``methods`` on the same data (module docstring).

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,)
    prior : {"laplace", "gaussian"} or Prior, default "laplace"
    methods : sequence of {"cv", "evidence", "hyperprior", "loo", "bic"}
    noise_sigma : float, optional
        The fixed σ for every method that holds it fixed (default: the least-squares
        estimate, n − p − 1 dof; it is also how each λ is read back as a prior scale).
    fit_intercept : bool, default True
    feature_names : sequence of str, optional
    cv : int, default 5
        Folds of the cross-validation.
    random_seed : int, optional
        Seeds the folds, the Monte Carlo EM, NUTS and LOO draws (reproducible).
    draws, tune, chains : int
        NUTS / posterior draws of the hyperprior and LOO methods.

    Returns
    -------
    PenaltyChoice

    Raises
    ------
    ValueError
        For the elastic-net prior, among bad input: the evidence, hyperprior and LOO methods
        have no elastic-net form here (use :func:`~bayesreg.cross_validate` with an
        :class:`~bayesreg.ElasticNetPrior`).
    """
    prior_cls = one_scale_prior_class(prior, "choose_penalty")
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"methods must be a non-empty subset of {list(METHODS)}; got {unknown}")
    if "bic" in methods and prior_cls is GaussianPrior:
        raise ValueError("bic is for the Lasso (Laplace prior): its df is the support size")
    Xa, ya, names, _ = prepare_design(
        X, y, feature_names, fit_intercept=fit_intercept, standardize=False
    )
    sigma = resolve_noise_sigma(Xa, ya, noise_sigma, fit_intercept=fit_intercept)
    runners = {
        "cv": _by_cv,
        "evidence": _by_evidence,
        "hyperprior": _by_hyperprior,
        "loo": _by_loo,
        "bic": _by_bic,
    }
    ctx = _Context(Xa, ya, prior_cls, sigma.value, noise_sigma, fit_intercept, cv, random_seed,
                   draws, tune, chains, names)  # fmt: skip
    choices: dict[str, Choice] = {}
    curve = None
    for m in METHODS:
        if m not in methods:
            continue
        t0 = time.perf_counter()
        if m == "loo":
            lam, low, high, note, extra = _by_loo(ctx, [c.lam for c in choices.values()])
        else:
            lam, low, high, note, extra = runners[m](ctx)
        if m == "cv":
            curve = extra
        choices[m] = Choice(
            m,
            float(lam),
            float(prior_cls.from_penalty(float(lam), sigma.value).scale),
            None if low is None else float(low),
            None if high is None else float(high),
            _support(ctx, float(lam)),
            time.perf_counter() - t0,
            note,
        )
    return PenaltyChoice(
        prior_cls.name, prior_cls.scale_name, sigma.value, sigma.estimated, ya.shape[0],
        Xa.shape[1], list(names), choices, curve,
    )  # fmt: skip


@dataclass(frozen=True)
class _Context:
    X: Any
    y: NDArray[np.float64]
    prior_cls: type[LaplacePrior] | type[GaussianPrior]
    sigma: float
    sigma_given: float | None
    fit_intercept: bool
    cv: int
    seed: int | None
    draws: int
    tune: int
    chains: int
    names: list[str]


_Answer = tuple[float, float | None, float | None, str, Any]


def _by_cv(ctx: _Context) -> _Answer:
    from bayesreg.cv import cross_validate

    res = cross_validate(
        ctx.X, ctx.y, ctx.prior_cls.name, cv=ctx.cv, fit_intercept=ctx.fit_intercept,
        noise_sigma=ctx.sigma, random_state=ctx.seed,
    )  # fmt: skip
    lo, hi = sorted((res.lam_min, res.lam_1se))
    curve = (res.lams.tolist(), res.cv_mean.tolist(), res.cv_se.tolist())
    return res.lam_min, lo, hi, f"{ctx.cv}-fold, λ_1se = {res.lam_1se:.4g}", curve


def _by_evidence(ctx: _Context) -> _Answer:
    from bayesreg.evidence import empirical_bayes

    res = empirical_bayes(
        ctx.X, ctx.y, ctx.prior_cls.name, noise_sigma=ctx.sigma_given,
        fit_intercept=ctx.fit_intercept, random_seed=ctx.seed,
    )  # fmt: skip
    # read back at the common σ so that every row of the report uses one σ
    lam = res.prior.penalty(ctx.sigma) if ctx.sigma_given is None else res.lam
    note = res.method
    low = high = None
    if res.mc_se is not None and ctx.prior_cls is LaplacePrior:
        b = res.prior.scale
        b_lo, b_hi = max(b - 2 * res.mc_se, b * 1e-3), b + 2 * res.mc_se
        low, high = LaplacePrior(b_hi).penalty(ctx.sigma), LaplacePrior(b_lo).penalty(ctx.sigma)
        note += f"; b = {b:.4g} ± {res.mc_se:.2g} (Monte Carlo se)"
    if ctx.sigma_given is None and ctx.prior_cls is GaussianPrior:
        note += (
            f"; σ estimated jointly = {res.noise_sigma:.4g} (λ there = {res.lam:.4g}); "
            f"σ′ read back at the common σ"
        )
    return lam, low, high, note, None


def _by_hyperprior(ctx: _Context) -> _Answer:
    from bayesreg.sampling import sample

    # the hyperprior (an exponential on ℓ², resp. on λ) is centred at the scale of
    # λ_ref = 0.1·λ_max (Laplace) or the mean curvature 2·tr(X_cᵀX_c)/p (Gaussian)
    ref = lambda_scale(ctx.X, ctx.y, ctx.prior_cls.regularizer, ctx.fit_intercept)
    lam_ref = 0.1 * ref if ctx.prior_cls is LaplacePrior else ref
    start = ctx.prior_cls.from_penalty(lam_ref, ctx.sigma)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample(
            ctx.X, ctx.y, start, ctx.sigma, fit_intercept=ctx.fit_intercept,
            draws=ctx.draws, tune=ctx.tune, chains=ctx.chains, cores=1,
            random_seed=ctx.seed, noise="unknown", scale="unknown", progressbar=False,
        )  # fmt: skip
    lam = np.asarray(idata["posterior"]["lam"].values, dtype=np.float64).ravel()
    lo, med, hi = np.quantile(lam, [0.03, 0.5, 0.97])
    note = (
        f"σ and the prior scale sampled (hyperprior centred at {ctx.prior_cls.scale_name} = "
        f"{start.scale:.3g}); median and 94 % interval of λ"
    )
    return med, lo, hi, note, None


def _by_loo(ctx: _Context, found: Sequence[float] = ()) -> _Answer:
    # over the λ the other methods chose, widened tenfold each way (else the default grid)
    lams = (
        np.logspace(np.log10(min(found) / 10), np.log10(max(found) * 10), 15)
        if found
        else None
    )
    res = loo_curve(
        ctx.X, ctx.y, ctx.prior_cls.name, lams=lams, noise_sigma=ctx.sigma,
        fit_intercept=ctx.fit_intercept, draws=ctx.draws, tune=ctx.tune, chains=ctx.chains,
        random_seed=ctx.seed,
    )  # fmt: skip
    close = np.flatnonzero(res.elpd >= res.elpd[res.index_best] - res.se_diff)
    note = f"elpd {res.elpd[res.index_best]:.1f} (se {res.se[res.index_best]:.1f})"
    if np.max(res.pareto_k_max) > 0.7:
        note += f"; Pareto k up to {np.max(res.pareto_k_max):.2f} (> 0.7: LOO unreliable)"
    return res.lam_best, float(res.lams[close].min()), float(res.lams[close].max()), note, None


def _by_bic(ctx: _Context) -> _Answer:
    from bayesreg.cv import information_criteria

    res = information_criteria(
        ctx.X, ctx.y, criterion="bic", noise_sigma=ctx.sigma, fit_intercept=ctx.fit_intercept
    )
    return res.lam_best, None, None, f"df = support size ({int(res.df[res.index_best])})", None


def _support(ctx: _Context, lam: float) -> list[str]:
    prior = ctx.prior_cls.from_penalty(lam, ctx.sigma)
    fit = prior.solve(ctx.X, ctx.y, lam, fit_intercept=ctx.fit_intercept)
    return [ctx.names[j] for j in np.flatnonzero(fit.coef)]


def format_choice(report: PenaltyChoice) -> str:
    """Human-readable table of a :class:`PenaltyChoice`."""
    sym = "b" if report.prior == "laplace" else "σ′"
    how = "estimated by least squares" if report.noise_sigma_estimated else "given"
    lines = [
        f"Which λ? {describe_prior(report.prior)} on {report.n_samples} samples × "
        f"{report.n_features} features; noise σ = {report.noise_sigma:.6g} ({how}, held fixed "
        "to read each λ as a prior scale)",
        "",
        f"  {'method':<11}{'λ':>11}{sym:>11}   {'range of λ':<23}{'support':>8}{'seconds':>9}",
    ]
    for c in report.choices.values():
        rng = (
            f"[{c.lam_low:.4g}, {c.lam_high:.4g}]"
            if c.lam_low is not None and c.lam_high is not None
            else "—"
        )
        lines.append(
            f"  {c.method:<11}{c.lam:>11.4g}{c.scale:>11.4g}   {rng:<23}"
            f"{len(c.support):>8}{c.seconds:>9.2f}"
        )
    lines.append("")
    for c in report.choices.values():
        lines.append(f"  {c.method}: {c.note}")
    return "\n".join(lines)
