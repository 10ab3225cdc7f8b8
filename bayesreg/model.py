"""The PyMC model behind every Bayesian computation of bayesreg.

``y ~ Normal(β₀ + Xβ, σ)`` with σ fixed (given, or estimated once from least squares), a
prior on β from :mod:`bayesreg.priors`, and a flat (improper uniform) prior on the intercept
β₀, so that the MAP is exactly the penalized fit with an unpenalized intercept.

The intercept is parametrized through the centered design, ``β₀ = α − x̄ᵀβ`` with α flat:
a linear change of variables with a constant Jacobian, so densities and the MAP are those of
(β₀, β), but α and β are nearly uncorrelated, which helps both optimizers and NUTS. The
variable ``intercept`` is available as a ``pm.Deterministic``.

The likelihood can be row by row (``pm.Normal(..., observed=y)``, cost O(np) per gradient)
or on the sufficient statistics (a ``pm.Potential`` with cost O(p²), see
:mod:`bayesreg.suffstats`); both have exactly the same log-density.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_no_constant_columns, check_scale, check_Xy, column_names
from bayesreg.families import Family, Gaussian, get_family
from bayesreg.priors import Formulation, Prior
from bayesreg.solvers._design import centered_design, column_means, sparse_centered_gram
from bayesreg.standardize import Standardization
from bayesreg.standardize import standardize as z_score

if TYPE_CHECKING:
    import pymc as pm

    from bayesreg.suffstats import SufficientStats

Likelihood = Literal["auto", "rows", "suffstats"]
NoiseMode = Literal["fixed", "unknown"]
ScaleMode = Literal["fixed", "unknown"]


@dataclass(frozen=True)
class NoiseSigma:
    """The noise standard deviation σ used by a model, and where it came from."""

    value: float
    estimated: bool
    dof: int | None = None
    #: The likelihood family; for binomial and Poisson σ = √φ = 1 is fixed by the family.
    family: str = "gaussian"

    def describe(self) -> str:
        if self.family != "gaussian":
            return f"none: dispersion φ = 1, fixed by the {self.family} family"
        if self.estimated:
            return (
                f"{self.value:.6g} (estimated from least-squares residuals, "
                f"{self.dof} degrees of freedom, then held fixed)"
            )
        return f"{self.value:.6g} (given)"


def estimate_noise_sigma(X: ArrayLike, y: ArrayLike, *, fit_intercept: bool = True) -> NoiseSigma:
    """σ̂ = √(RSS_OLS / (n − p − 1)) (n − p without intercept) from ordinary least squares.

    Raises ``ValueError`` when there are no residual degrees of freedom (n ≤ p + 1): then σ
    is not identified from the data and must be given.
    """
    Xa, ya = check_Xy(X, y, accept_sparse=True)
    n, p = Xa.shape
    dof = _residual_dof(n, p, fit_intercept)
    with np.errstate(over="ignore", invalid="ignore"):
        # a sparse X is never densified: the coefficients come from the dense p × p normal
        # equations of the centered design (n > p here), the RSS from the residuals
        # themselves (implicit centering); it is stationary at the optimum, so an error δ in
        # the coefficients changes it only by δᵀX_cᵀX_cδ
        Xc, yc, _, _ = centered_design(Xa, ya, fit_intercept)
        total = float(yc @ yc)
        if not np.isfinite(total):
            raise ValueError(
                "y has values too large: its sum of squares overflows float64, so the noise "
                "sigma cannot be estimated; rescale y"
            )
        if scipy.sparse.issparse(Xa):
            g = sparse_centered_gram(Xa, ya, fit_intercept)
            coef, *_ = np.linalg.lstsq(g.gram, g.xty, rcond=None)
        else:
            coef, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
        r = yc - Xc @ coef
        rss = float(r @ r)
    if not np.isfinite(rss):
        raise ValueError(
            "X or y has values too large: the least-squares residuals overflow float64, so the "
            "noise sigma cannot be estimated; rescale the data"
        )
    return _noise_from_rss(rss, dof, total)


def estimate_noise_sigma_from_stats(
    stats: SufficientStats, *, fit_intercept: bool = True
) -> NoiseSigma:
    """The same estimate as :func:`estimate_noise_sigma`, from sufficient statistics.

    ``RSS_OLS = Syy − Sxyᵀ Sxx⁺ Sxy`` (raw cross-products without intercept).
    """
    dof = _residual_dof(stats.n, stats.n_features, fit_intercept)
    with np.errstate(over="ignore", invalid="ignore"):
        if fit_intercept:
            xtx, xty, yty = np.array(stats.sxx), np.array(stats.sxy), stats.syy
        else:
            g = stats.gram(fit_intercept=False)
            xtx, xty, yty = g.xtx, g.xty, g.yty
        coef, *_ = np.linalg.lstsq(xtx, xty, rcond=None)
        rss = yty - float(coef @ xty)
    if not (np.isfinite(rss) and np.isfinite(yty)):
        raise ValueError(
            "the data have values too large: the least-squares residuals overflow float64, "
            "so the noise sigma cannot be estimated; rescale the data"
        )
    return _noise_from_rss(rss, dof, yty)


def _residual_dof(n: int, p: int, fit_intercept: bool) -> int:
    dof = n - p - (1 if fit_intercept else 0)
    if dof <= 0:
        raise ValueError(
            f"cannot estimate the noise sigma with n={n} samples and p={p} features "
            f"(no residual degrees of freedom); pass noise_sigma (CLI: --noise-sigma)"
        )
    return dof


def _noise_from_rss(rss: float, dof: int, total: float) -> NoiseSigma:
    """σ̂ = √(RSS/dof); an RSS at rounding level of the total sum of squares is an exact fit."""
    if total == 0.0:
        raise ValueError(
            "y is constant (zero sum of squares about its mean): the noise sigma cannot be "
            "estimated; pass noise_sigma explicitly"
        )
    if not rss > 1e-13 * max(total, np.finfo(np.float64).tiny):
        raise ValueError(
            "least squares fits the data exactly (zero residuals): the noise sigma cannot be "
            "estimated; pass noise_sigma explicitly"
        )
    return NoiseSigma(math.sqrt(rss / dof), True, dof)


def resolve_noise_sigma(
    X: ArrayLike,
    y: ArrayLike,
    noise_sigma: float | None,
    *,
    fit_intercept: bool = True,
    family: str | Family | None = None,
) -> NoiseSigma:
    """The given σ (validated) or, when ``None``, the least-squares estimate.

    For the binomial and Poisson families the dispersion is φ = 1, so σ = 1 is fixed and
    ``noise_sigma`` must be omitted (``None``) or 1.
    """
    fam = Gaussian() if family is None else get_family(family)
    if not isinstance(fam, Gaussian):
        return NoiseSigma(_check_fixed_dispersion(noise_sigma, fam), False, family=fam.name)
    if noise_sigma is None:
        return estimate_noise_sigma(X, y, fit_intercept=fit_intercept)
    return NoiseSigma(check_scale(noise_sigma, "noise_sigma"), False)


def _check_fixed_dispersion(noise_sigma: float | None, family: Family) -> float:
    """σ = 1 for a family whose dispersion is fixed; anything else is an error."""
    if noise_sigma is not None and noise_sigma != 1.0:
        raise ValueError(
            f"the {family.name} family has no noise sigma (its dispersion is fixed at 1); "
            f"omit noise_sigma (got {noise_sigma!r})"
        )
    return 1.0


def check_family_options(family: Family, likelihood: object, noise: object) -> None:
    """The options a family without a free dispersion does not take (ValueError naming them)."""
    if isinstance(family, Gaussian):
        return
    if likelihood == "suffstats":
        raise ValueError(
            f"likelihood='suffstats' is for the gaussian family only: the {family.name} "
            "log-likelihood is not a quadratic in β, so no fixed-size statistics of the data "
            "determine it; use likelihood='rows'"
        )
    if noise == "unknown":
        raise ValueError(
            f"noise='unknown' is for the gaussian family only: the {family.name} family has "
            "no noise sigma (its dispersion is fixed at 1)"
        )


def feature_coords(p: int, feature_names: list[str] | tuple[str, ...] | None) -> list[str]:
    if feature_names is None:
        return [f"x{j}" for j in range(p)]
    names = [str(f) for f in feature_names]
    if len(names) != p:
        raise ValueError(f"feature_names has {len(names)} names for {p} features")
    if len(set(names)) != len(names):
        raise ValueError("feature_names must be unique")
    return names


def check_family_Xy(
    X: ArrayLike, y: ArrayLike, family: str | Family | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`~bayesreg._validation.check_Xy` with y validated by its family (0/1 for binomial).

    Two binomial labels other than 0/1 are mapped to 0/1 (sorted: the larger is 1); a
    sparse X is accepted.
    """
    fam = Gaussian() if family is None else get_family(family)
    if isinstance(fam, Gaussian):
        return check_Xy(X, y, accept_sparse=True)
    ya, _ = fam.validate_y(y)
    return check_Xy(X, ya, accept_sparse=True)


def binomial_classes(y: Any, family: Family) -> list[Any] | None:
    """The two binomial labels in the order mapped to 0 and 1, or None for 0/1 data."""
    if family.name != "binomial":
        return None
    _, info = family.validate_y(y)
    lo, hi = info["classes"]
    numeric = isinstance(lo, int | float | np.number) and not isinstance(lo, bool)
    if numeric and (float(lo), float(hi)) == (0.0, 1.0):
        return None
    return [lo, hi]


def prepare_design(
    X: ArrayLike,
    y: ArrayLike,
    feature_names: Sequence[str] | None,
    *,
    fit_intercept: bool,
    standardize: bool,
    family: str | Family | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str], Standardization | None]:
    """Validate (X, y) once for the check and the sampler: names, constant columns, z-scores.

    Feature names default to a DataFrame's columns; with an intercept a constant column is
    rejected (its coefficient is not identified); ``standardize`` z-scores X (it needs an
    intercept) and returns the :class:`~bayesreg.standardize.Standardization` used. y is
    validated by ``family`` (binomial: 0/1 or two labels, mapped to 0/1 — see
    :func:`check_response`; Poisson: counts).
    """
    names_in = feature_names if feature_names is not None else column_names(X)
    Xa, ya = check_family_Xy(X, y, family)
    names = feature_coords(Xa.shape[1], None if names_in is None else [str(f) for f in names_in])
    if fit_intercept:
        check_no_constant_columns(Xa, names)
    if not standardize:
        return Xa, ya, names, None
    if not fit_intercept:
        raise ValueError(
            "standardize centres the features, which needs an intercept; "
            "use it with fit_intercept=True"
        )
    Xz, z = z_score(Xa, names)
    return Xz, ya, names, z


def build_model(
    X: ArrayLike,
    y: ArrayLike,
    prior: Prior,
    noise_sigma: float | None = None,
    *,
    fit_intercept: bool = True,
    formulation: Formulation = "exact",
    likelihood: Likelihood = "rows",
    feature_names: list[str] | tuple[str, ...] | None = None,
    noise: NoiseMode = "fixed",
    scale: ScaleMode = "fixed",
    family: str | Family = "gaussian",
) -> pm.Model:
    """Build the PyMC model ``y ~ N(β₀ + Xβ, σ)``, β ~ prior, β₀ flat, σ fixed (or a GLM).

    With ``family="binomial"`` the likelihood is ``y ~ Bernoulli(logit⁻¹(β₀ + Xβ))``, with
    ``family="poisson"`` ``y ~ Poisson(exp(β₀ + Xβ))``; their dispersion is 1, so there is
    no σ (``noise_sigma`` omitted) and only the row-by-row likelihood exists.

    Parameters
    ----------
    X, y : array-like
        Design (n, p) and response (n,). X may be a scipy.sparse matrix: the row likelihood
        then uses PyTensor's sparse product (X is never densified); the sufficient
        statistics of a sparse X are a dense p × p matrix (O(p²) memory).
    prior : Prior
        :class:`~bayesreg.LaplacePrior`, :class:`~bayesreg.GaussianPrior` or
        :class:`~bayesreg.ElasticNetPrior` (naive: a ``pm.CustomDist`` with the exact
        log-density, closed-form normalizer included; exact: the u − v split with a
        ``pm.Potential`` ``beta_ridge`` for the ridge part; ``scale="unknown"`` refused).
    noise_sigma : float
        The fixed noise standard deviation σ (see :func:`resolve_noise_sigma`); required for
        the Gaussian family, omitted for the others.
    fit_intercept : bool, default True
        Include the flat-prior intercept β₀.
    formulation : {"exact", "naive"}, default "exact"
        Coefficient parametrization; see :class:`~bayesreg.LaplacePrior`. The naive one also
        uses the uncentered intercept parametrization, as in a textbook.
    likelihood : {"rows", "suffstats", "auto"}, default "rows"
        Row-by-row Normal likelihood, or the equivalent O(p²) sufficient-statistics
        potential; "auto" picks the sufficient statistics when n > p.
    feature_names : sequence of str, optional
        Labels of the ``feature`` dimension.
    noise : {"fixed", "unknown"}, default "fixed"
        ``"unknown"``: full Bayes for σ, with a weakly informative
        σ ~ Half-Student-t(ν=4, scale = sd(y)) prior; ``noise_sigma`` is then only used to
        centre the scale hyperprior. The MAP equals the penalized fit only for "fixed".
    scale : {"fixed", "unknown"}, default "fixed"
        ``"unknown"``: the prior scale gets a hyperprior (the Park–Casella Bayesian Lasso
        with its τⱼ² integrated out, βⱼ | σ, ℓ ~ Laplace(0, σ/ℓ), for the Laplace prior;
        for the Gaussian, βⱼ ~ N(0, σ²/λ) with an exponential prior on λ), see
        :meth:`~bayesreg.priors.Prior.pymc_hierarchical_coefficients`. ``formulation``
        does not apply then: β is sampled directly (centred).

    Returns
    -------
    pm.Model
        Free variables ``beta`` (or ``beta_pos``/``beta_neg`` for the exact Laplace and
        elastic-net forms with a fixed scale) and ``intercept_centered`` (or ``intercept``
        for the naive form); deterministics ``beta`` and ``intercept``; with
        ``noise="unknown"`` the free ``noise_sigma``; with ``scale="unknown"`` the free
        ``beta_lambda2`` (ℓ²) and the deterministic ``beta_b`` (b = σ/ℓ) for the Laplace
        prior, the free ``beta_lambda`` (λ = σ²/σ′²) and deterministic ``beta_sigma`` (σ′)
        for the Gaussian. The ``noise_sigma`` argument is stored as ``model.noise_sigma``.
    family : {"gaussian", "binomial", "poisson"} or a family object, default "gaussian"
        The likelihood (:mod:`bayesreg.families`).
    """
    fam = get_family(family)
    Xa, ya = check_family_Xy(X, y, fam)
    sigma = fixed_noise_sigma(noise_sigma, fam)
    return _build_from_arrays(
        Xa,
        ya,
        prior,
        sigma,
        fit_intercept,
        formulation,
        likelihood,
        feature_names,
        noise,
        scale,
        family=fam,
    )


def fixed_noise_sigma(noise_sigma: float | None, family: Family) -> float:
    """The σ a model or MAP route holds fixed: required (> 0) for the Gaussian family, 1 for
    the families with a fixed dispersion (any other given value is an error)."""
    if not isinstance(family, Gaussian):
        return _check_fixed_dispersion(noise_sigma, family)
    if noise_sigma is None:
        raise ValueError("noise_sigma is required for the gaussian family (the fixed noise σ)")
    return check_scale(noise_sigma, "noise_sigma")


def build_sampling_model(
    X: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    y: NDArray[np.float64],
    prior: Prior,
    noise_sigma: float,
    *,
    fit_intercept: bool,
    feature_names: list[str],
    noise: NoiseMode,
    scale: ScaleMode,
    family: str | Family = "gaussian",
) -> tuple[pm.Model, NDArray[np.float64]]:
    """The row-by-row model NUTS samples, and the feature means its intercept is centred by.

    β is sampled directly (the naive coefficient parametrization) and the flat
    ``intercept`` variable is α, the intercept of the centered design: a dense X is centred
    here, a sparse one implicitly (``μ = α + Xβ − x̄ᵀβ``, X never densified). ``X``, ``y``
    must be validated already (:func:`prepare_design`).
    """
    p = X.shape[1]
    x_mean = column_means(X) if fit_intercept else np.zeros(p)
    sparse = scipy.sparse.issparse(X)
    Xm = X if (sparse or not fit_intercept) else X - x_mean
    fam = get_family(family)
    model = _build_from_arrays(
        Xm,
        y,
        prior,
        fixed_noise_sigma(noise_sigma, fam),
        fit_intercept,
        "naive",
        "rows",
        feature_names,
        noise,
        scale,
        x_offset=x_mean if (sparse and fit_intercept) else None,
        family=fam,
    )
    return model, x_mean


def _build_from_arrays(
    Xa: NDArray[np.float64] | scipy.sparse.sparray | scipy.sparse.spmatrix,
    ya: NDArray[np.float64],
    prior: Prior,
    sigma: float,
    fit_intercept: bool,
    formulation: Formulation,
    likelihood: Likelihood,
    feature_names: list[str] | tuple[str, ...] | None,
    noise: NoiseMode,
    scale: ScaleMode,
    x_offset: NDArray[np.float64] | None = None,
    family: Family | None = None,
) -> pm.Model:
    from bayesreg.suffstats import SufficientStats

    fam = Gaussian() if family is None else family
    check_family_options(fam, likelihood, noise)
    n, p = Xa.shape
    stats: SufficientStats | _DataSummary
    use_stats = likelihood == "suffstats" or (likelihood == "auto" and n > p)
    if use_stats and isinstance(fam, Gaussian):
        stats = SufficientStats.from_arrays(Xa, ya)
    else:  # the row-by-row model needs only the means and the spread of y: no p×p work
        yc = ya - ya.mean()
        stats = _DataSummary(n, p, column_means(Xa), float(ya.mean()), float(yc @ yc))
    return _build(
        stats,
        prior,
        sigma,
        fit_intercept,
        formulation,
        likelihood,
        feature_names,
        Xa,
        ya,
        noise,
        scale,
        x_offset,
        fam,
    )


def check_model_options(likelihood: object, noise: object, scale: object) -> None:
    """Validate the ``likelihood``, ``noise`` and ``scale`` options (ValueError naming them)."""
    if likelihood not in ("auto", "rows", "suffstats"):
        raise ValueError(f"likelihood must be 'auto', 'rows' or 'suffstats'; got {likelihood!r}")
    if noise not in ("fixed", "unknown"):
        raise ValueError(f"noise must be 'fixed' or 'unknown'; got {noise!r}")
    if scale not in ("fixed", "unknown"):
        raise ValueError(f"scale must be 'fixed' or 'unknown'; got {scale!r}")


@dataclass(frozen=True)
class _DataSummary:
    """What the row-by-row model needs besides the data (a light stand-in for the stats)."""

    n: int
    n_features: int
    x_mean: NDArray[np.float64]
    y_mean: float
    syy: float


def build_model_from_stats(
    stats: SufficientStats,
    prior: Prior,
    noise_sigma: float,
    *,
    fit_intercept: bool = True,
    formulation: Formulation = "exact",
    noise: NoiseMode = "fixed",
    scale: ScaleMode = "fixed",
    collapse: bool = False,
) -> pm.Model:
    """The same model from sufficient statistics alone (data never held in memory).

    Parameters are those of :func:`build_model`; the likelihood is the sufficient-statistics
    potential and the feature names come from ``stats``. ``collapse=True`` (a shrinkage
    prior only) integrates β out: the model holds the scales (``beta_scale``), σ and a flat
    ``intercept``, and a potential equal to the marginal likelihood (see
    ``bayesreg._collapsed``, whose ``draw_beta`` gives β's conditional draws).
    """
    sigma = check_scale(noise_sigma, "noise_sigma")
    return _build(
        stats,
        prior,
        sigma,
        fit_intercept,
        formulation,
        "suffstats",
        stats.feature_names,
        None,
        None,
        noise,
        scale,
        collapse=collapse,
    )


def _build(
    stats: SufficientStats | _DataSummary,
    prior: Prior,
    sigma: float,
    fit_intercept: bool,
    formulation: Formulation,
    likelihood: Likelihood,
    feature_names: list[str] | tuple[str, ...] | None,
    X: NDArray[np.float64] | None,
    y: NDArray[np.float64] | None,
    noise: NoiseMode = "fixed",
    scale: ScaleMode = "fixed",
    x_offset: NDArray[np.float64] | None = None,
    family: Family | None = None,
    collapse: bool = False,
) -> pm.Model:
    import pymc as pm
    import pytensor.tensor as pt

    fam = Gaussian() if family is None else family
    check_model_options(likelihood, noise, scale)
    check_family_options(fam, likelihood, noise)
    n, p = stats.n, stats.n_features
    if likelihood == "auto":
        likelihood = "suffstats" if (n > p and isinstance(fam, Gaussian)) else "rows"
    if collapse:
        from bayesreg._collapsed import check_applies

        check_applies(prior.sampling_only and likelihood == "suffstats")
    coords = {"feature": feature_coords(p, feature_names)}
    x_mean = stats.x_mean
    with pm.Model(coords=coords) as model:
        if noise == "unknown":
            sd_y = math.sqrt(stats.syy / max(n - 1, 1)) or 1.0
            sigma_v: Any = pm.HalfStudentT("noise_sigma", nu=4.0, sigma=sd_y)
        else:
            sigma_v = sigma
        if scale == "unknown":
            beta = prior.pymc_hierarchical_coefficients("beta", "feature", sigma_v, sigma)
        elif collapse:
            # β integrated out analytically (bayesreg._collapsed): NUTS samples the scales,
            # σ and the intercept; the sampler draws β from its conditional afterwards
            from bayesreg import _collapsed

            cs = _collapsed.CollapsedStats.from_stats(stats)
            s = prior.pymc_shrinkage_scales("beta", "feature", noise=sigma_v, n=n, p=p)
            s = pm.Deterministic("beta_scale", s, dims="feature")
            intercept = pm.Flat("intercept") if fit_intercept else pt.constant(0.0)
            pm.Potential("loglik", _collapsed.pymc_loglik(cs, s, sigma_v, intercept))
            model.collapsed = cs  # type: ignore[attr-defined]
        elif prior.sampling_only:
            # a shrinkage prior (bayesreg.shrinkage): one sampling model, global scale ∝ σ
            # (a pseudo-σ for the families without one)
            from bayesreg.shrinkage import pseudo_sigma

            scale_sigma = sigma_v if isinstance(fam, Gaussian) else pseudo_sigma(fam.name, y)
            beta = prior.pymc_shrinkage_coefficients(
                "beta", "feature", noise=scale_sigma, n=n, p=p
            )
        else:
            beta = prior.pymc_coefficients("beta", "feature", formulation)
        if not collapse:
            intercept = _intercept(fit_intercept, formulation, x_mean, beta)
        if likelihood == "rows":
            assert X is not None and y is not None
            if scipy.sparse.issparse(X):
                # a sparse constant: PyTensor's sparse product, gradient included (CSR:
                # one pass over the rows per product)
                import pytensor.sparse as ps

                model.add_coord("obs", np.arange(n))
                Xs = ps.as_sparse_variable(scipy.sparse.csr_matrix(X), name="X")
                mu = intercept + ps.structured_dot(Xs, beta[:, None]).flatten()
            else:
                Xd = pm.Data("X", X, dims=("obs", "feature"))
                mu = intercept + pt.dot(Xd, beta)
            if x_offset is not None:  # implicit centering of a sparse X
                mu = mu - pt.dot(np.asarray(x_offset, dtype=np.float64), beta)
            if isinstance(fam, Gaussian):
                fam.pymc_observed("y", mu, y, sigma=sigma_v, dims="obs")
            else:  # the linear predictor η is mu; the family's inverse link maps it
                fam.pymc_observed("y", mu, y, dims="obs")
        elif not collapse:
            # RSS(β₀, β) = Syy − 2βᵀSxy + βᵀSxxβ + n(β₀ − ȳ + x̄ᵀβ)² (exact identity)
            rss = (
                stats.syy
                - 2.0 * pt.dot(stats.sxy, beta)
                + pt.dot(beta, pt.dot(stats.sxx, beta))
                + n * (intercept - stats.y_mean + pt.dot(x_mean, beta)) ** 2
            )
            loglik = (
                -rss / (2.0 * sigma_v**2) - n * pt.log(sigma_v) - 0.5 * n * math.log(2 * math.pi)
            )
            pm.Potential("loglik", loglik)
    model.noise_sigma = sigma  # type: ignore[attr-defined]
    model.family = fam.name  # type: ignore[attr-defined]
    model.likelihood_kind = likelihood  # type: ignore[attr-defined]
    return model


def _intercept(
    fit_intercept: bool, formulation: Formulation, x_mean: NDArray[np.float64], beta: Any
) -> Any:
    """The intercept β₀ in the current model: 0, flat (naive), or α − x̄ᵀβ with α flat."""
    import pymc as pm
    import pytensor.tensor as pt

    if not fit_intercept:
        return pt.constant(0.0)
    if formulation == "naive":
        return pm.Flat("intercept")
    alpha = pm.Flat("intercept_centered")
    return pm.Deterministic("intercept", alpha - pt.dot(x_mean, beta))
