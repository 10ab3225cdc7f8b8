"""Shrinkage priors for sampling: the horseshoe, the regularized horseshoe and R2D2.

The Laplace prior's MAP is the Lasso, but its posterior is not sparse, and it shrinks large
effects as hard as small ones (its tails are exponential). Global–local scale mixtures

    βⱼ = zⱼ · λⱼ · τ,   zⱼ ~ N(0, 1),

with a heavy-tailed local scale λⱼ and a small global scale τ shrink noise hard and leave large
effects nearly untouched. They are the priors users reach for when they want posterior
uncertainty on a sparse problem (R's bayesreg, brms, NumPyro), and bayesreg samples them with
NUTS like its other priors (:func:`bayesreg.sample`, :func:`bayesreg.sample_from_stats`, every
family).

**No penalty equivalent.** Their densities are unbounded at βⱼ = 0 (the horseshoe's marginal
behaves like log(1/|βⱼ|) near 0, Carvalho, Polson & Scott 2010, Theorem 1; R2D2's with its
concentration ≤ ½, see :class:`R2D2Prior`), and the joint density of β with its scales
grows without bound as the scales shrink to 0 with β. The "MAP" is therefore degenerate,
β = 0, for every data set: there is no penalized problem whose solution it is, nothing to
check, and the MAP routes and :func:`bayesreg.check_equivalence` raise a ``ValueError``
that says so. Select variables from their posteriors with :func:`bayesreg.select_variables`.

**Parametrizations.** All are non-centred (β = z·scale, z a standard normal), because on a
sparse problem most coefficients have little likelihood information and a centred β would
sit in the funnel of its own scale. Half-Cauchy scales are written as the product of a
half-normal and the square root of an inverse-gamma(½, ½) (a half-Cauchy variable's square is
a χ²₁ over a χ²₁), the form of Piironen & Vehtari's (2017) Stan code, whose two factors have
light enough tails for NUTS; the default ``target_accept`` of these priors is 0.99 (attribute
:attr:`ShrinkagePrior.target_accept`), as their code recommends, because the posterior of the
local scales of the null coefficients has strong curvature near 0.

**Large n: collapsed sampling.** With much data the likelihood pins every βⱼ to a width
~σ/√n and the non-centred β = z·s makes NUTS trade z against the scales along a narrow ridge
(measured at n = 100 000, p = 50: R-hat 1.3–3.0 for all three priors). For the Gaussian
likelihood on sufficient statistics :func:`bayesreg.sample` and
:func:`bayesreg.sample_from_stats` therefore integrate β out by default (p ≤ 400 and
n ≥ 10·p, ``collapse=None``): NUTS samples the scales of
:meth:`ShrinkagePrior.pymc_shrinkage_scales`, σ and the intercept from their exact marginal
posterior, and β is drawn from its exact conditional Normal given each draw (module
``bayesreg._collapsed``; posterior variable ``beta_scale``, root attribute ``collapsed``).

**Noise scale.** The global scale is proportional to the noise σ (Carvalho et al. 2010;
Piironen & Vehtari 2017): σ itself when σ is fixed or sampled (Gaussian family); for the
binomial and Poisson families, which have no σ, the pseudo-σ of Piironen & Vehtari (2017,
section 3.5) at the mean response: 1/√(μ̄(1 − μ̄)) (binomial) and 1/√ȳ (Poisson).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_scale
from bayesreg.priors import AnalyticFit, Formulation, MapParametrization, Prior

if TYPE_CHECKING:
    import pytensor.tensor as pt


class ShrinkagePrior(Prior):
    """A global–local shrinkage prior: sampled with NUTS only, no penalty equivalent.

    Every method of :class:`~bayesreg.priors.Prior` that would describe a penalized problem
    (``penalty``, ``solve``, the MAP parametrizations) raises ``ValueError`` with
    :meth:`no_penalty_message`; :meth:`pymc_shrinkage_coefficients` builds the sampling model.
    """

    sampling_only: ClassVar[bool] = True  # only bayesreg.sample can use them
    #: Why the prior has no MAP (one sentence, used in the error).
    why_no_map: ClassVar[str]
    #: NUTS target acceptance used when the caller does not choose one (see module docs).
    target_accept: ClassVar[float] = 0.99
    smooth: ClassVar[bool] = False
    map_tolerance: ClassVar[float] = math.nan
    solver_name: ClassVar[str] = "none (no penalty equivalent)"
    penalty_formula: ClassVar[str] = "none (no penalty equivalent)"

    def no_penalty_message(self) -> str:
        """The one-line error of every penalty-side method."""
        return (
            f"the {self.label} prior has no penalty equivalent: {self.why_no_map}, so its MAP "
            "is degenerate (beta = 0) and there is no penalized fit to compare; sample its "
            "posterior instead (bayesreg.sample, CLI: bayesreg sample)"
        )

    def _no_penalty(self) -> NoReturn:
        raise ValueError(self.no_penalty_message())

    @property
    def regularizer(self) -> NoReturn:  # type: ignore[override]
        """No penalty: raises ``ValueError``."""
        self._no_penalty()

    def penalty(self, noise_sigma: float) -> float:
        """No penalty: raises ``ValueError``."""
        self._no_penalty()

    @classmethod
    def from_penalty(cls, lam: float, noise_sigma: float) -> Prior:
        """No penalty: raises ``ValueError``."""
        raise ValueError(f"{cls.__name__} has no penalty equivalent: there is no λ to map")

    def solve(self, X: ArrayLike, y: ArrayLike, lam: float, **kwargs: Any) -> AnalyticFit:
        """No penalized problem: raises ``ValueError``."""
        self._no_penalty()

    def solver_for(self, family: Any = None) -> str:
        """No solver: raises ``ValueError``."""
        self._no_penalty()

    def _solve_gaussian(self, X: ArrayLike, y: ArrayLike, lam: float, **kwargs: Any) -> AnalyticFit:
        self._no_penalty()

    def map_parametrization(self, p: int) -> MapParametrization:
        """No MAP: raises ``ValueError``."""
        self._no_penalty()

    def grad_neg_logpdf(self, beta: ArrayLike) -> NDArray[np.float64]:
        """Not defined (the density is unbounded at 0): raises ``ValueError``."""
        self._no_penalty()

    def pymc_coefficients(
        self, name: str, dims: str, formulation: Formulation = "exact"
    ) -> pt.TensorVariable:
        """Only the sampling model exists: raises ``ValueError`` (see
        :meth:`pymc_shrinkage_coefficients`)."""
        self._no_penalty()

    def pymc_hierarchical_coefficients(
        self, name: str, dims: str, noise: Any, noise_ref: float
    ) -> pt.TensorVariable:
        """The scales are always sampled: ``scale="unknown"`` is refused (``ValueError``)."""
        raise ValueError(
            f"the {self.label} prior samples its global and local scales always: "
            "scale='unknown' (--full-bayes's prior-scale hyperprior) does not apply; "
            "use noise='unknown' to sample sigma"
        )

    @property
    def label(self) -> str:
        """Name in reports, e.g. ``"horseshoe"``."""
        return self.name.replace("-", " ")

    def pymc_shrinkage_scales(
        self, name: str, dims: str, *, noise: Any, n: int, p: int
    ) -> pt.TensorVariable:
        """The prior standard deviations sⱼ of βⱼ given the scales (βⱼ | s ~ N(0, sⱼ²)).

        Builds the scale variables in the current ``pm.Model`` context and returns the
        length-p tensor s; ``noise`` is σ (a float or the model's ``noise_sigma`` variable;
        a pseudo-σ for families without one), ``n`` and ``p`` the data's size.
        """
        raise NotImplementedError

    def pymc_shrinkage_coefficients(
        self, name: str, dims: str, *, noise: Any, n: int, p: int
    ) -> pt.TensorVariable:
        """The coefficient vector, non-centred: β = z·s, z ~ N(0, I), s from
        :meth:`pymc_shrinkage_scales` (same arguments)."""
        import pymc as pm

        z = pm.Normal(f"{name}_z", 0.0, 1.0, dims=dims)  # first: the variables' order sets
        s = self.pymc_shrinkage_scales(name, dims, noise=noise, n=n, p=p)  # the initial point
        return pm.Deterministic(name, z * s, dims=dims)

    def describe(self) -> str:
        """The prior in words with its parameters, for reports and posterior attributes."""
        return f"{type(self).__name__}({self.scale_name}={self.scale:.6g})"

    def _key(self) -> tuple[float, ...]:
        """Every parameter, for equality and hashing."""
        return (self.scale,)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._key()))


def _half_cauchy(pm: Any, name: str, dims: str | None, nu: float = 1.0) -> Any:
    """|t_ν| as a half-normal times √(inverse-gamma(ν/2, ν/2)) (ν = 1: half-Cauchy(0, 1))."""
    kw = {} if dims is None else {"dims": dims}
    a = pm.HalfNormal(f"{name}_a", sigma=1.0, **kw)
    b = pm.InverseGamma(f"{name}_b", alpha=0.5 * nu, beta=0.5 * nu, **kw)
    return a * pm.math.sqrt(b)


class HorseshoePrior(ShrinkagePrior):
    """The horseshoe (Carvalho, Polson & Scott 2010, Biometrika 97:465–480).

    βⱼ | λⱼ, τ ~ N(0, λⱼ²τ²), λⱼ ~ C⁺(0, 1), τ ~ C⁺(0, ``global_scale``·σ): the paper's
    τ ~ C⁺(0, σ) at the default ``global_scale`` = 1. Given τ the marginal density of βⱼ has
    the closed form

        p(βⱼ | τ) = exp(βⱼ²/(2τ²)) · E₁(βⱼ²/(2τ²)) / (τ·√(2π³)),

    with E₁ the exponential integral (:meth:`logpdf`); it tends to +∞ as βⱼ → 0 and has
    Cauchy-like tails. Posterior variables: ``beta``, ``beta_tau`` (τ), ``beta_lambda`` (λⱼ)
    and the auxiliary factors ``*_a``, ``*_b`` of the half-Cauchy scales.

    The plain horseshoe's global scale ignores how many effects are expected; with many
    coefficients and few effects :class:`RegularizedHorseshoePrior` (which sets it from the
    expected number of non-zeros, and bounds the large effects) samples better.
    """

    name: ClassVar[str] = "horseshoe"
    scale_name: ClassVar[str] = "global_scale"
    why_no_map: ClassVar[str] = (
        "its density is unbounded at beta_j = 0 (and the joint density of beta and its "
        "scales grows without bound as tau -> 0)"
    )

    def __init__(self, global_scale: float = 1.0) -> None:
        super().__init__(global_scale)

    @property
    def global_scale(self) -> float:
        """τ ~ C⁺(0, global_scale·σ)."""
        return self.scale

    def logpdf(self, beta: ArrayLike, tau: float | None = None) -> float:
        """Σⱼ log p(βⱼ | τ), the closed-form marginal over λⱼ (default τ = ``global_scale``).

        ``+inf`` if any βⱼ is exactly 0 (the density's pole).
        """
        from scipy.special import exp1

        t = self.scale if tau is None else check_scale(tau, "tau")
        b = np.asarray(beta, dtype=np.float64)
        u = b**2 / (2.0 * t**2)
        with np.errstate(divide="ignore"):
            # where exp(u) would overflow, the asymptotic series of exp(u)·E₁(u) =
            # (1/u)·Σₖ (−1)ᵏ k!/uᵏ, six terms (relative error ≤ 720/u⁶ < 1e-14 for u > 700)
            big = u > 700.0
            ue = np.where(big, 1.0, u)
            ub = np.where(big, u, 1000.0)
            series = 1.0 - 1.0 / ub + 2.0 / ub**2 - 6.0 / ub**3 + 24.0 / ub**4 - 120.0 / ub**5
            val = np.where(big, np.log(series) - np.log(ub), ue + np.log(exp1(ue)))
        val = np.where(u == 0.0, np.inf, val)
        return float(np.sum(val - math.log(t) - 0.5 * math.log(2.0 * math.pi**3)))

    def pymc_shrinkage_scales(
        self, name: str, dims: str, *, noise: Any, n: int, p: int
    ) -> pt.TensorVariable:
        import pymc as pm

        lam = pm.Deterministic(
            f"{name}_lambda", _half_cauchy(pm, f"{name}_lambda", dims), dims=dims
        )
        tau = pm.Deterministic(
            f"{name}_tau", np.float64(self.scale) * noise * _half_cauchy(pm, f"{name}_tau", None)
        )
        return lam * tau


class RegularizedHorseshoePrior(ShrinkagePrior):
    """The regularized ("Finnish") horseshoe (Piironen & Vehtari 2017, EJS 11:5018–5051).

    βⱼ = zⱼ·τ·λ̃ⱼ with λ̃ⱼ² = c²λⱼ² / (c² + τ²λⱼ²), λⱼ ~ C⁺(0, 1) (Student-t with
    ``local_df``), τ ~ C⁺(0, τ₀) (Student-t with ``global_df``), c² ~ Inv-Gamma(ν/2, ν s²/2)
    with ν = ``slab_df``, s = ``slab_scale``. The intuitive parameter is
    ``expected_nonzero`` = p₀, the prior guess of how many coefficients matter: the global
    scale is then the paper's

        τ₀ = p₀ / (p − p₀) · σ / √n   (eq. 3.12),

    under which the prior's effective number of non-zeros is centred near p₀. Far from 0 the
    prior is a N(0, c²) slab, so large effects are regularized (not left at their
    least-squares size, the plain horseshoe's weakness when the data do not identify them,
    e.g. under separation in logistic regression).

    Defaults, from the paper's section 3 and its Stan code (Appendix C): ``slab_scale`` 2,
    ``slab_df`` 4 (a slab wide against standardized effects), ``local_df`` = ``global_df``
    = 1 (half-Cauchy); ``target_accept`` 0.99. The slab scale is on the coefficients' own
    scale: standardize the features (``standardize=True``) for these defaults to make sense.
    Posterior variables: ``beta``, ``beta_tau``, ``beta_lambda``, ``beta_c`` and auxiliaries.
    """

    name: ClassVar[str] = "regularized-horseshoe"
    scale_name: ClassVar[str] = "expected_nonzero"
    why_no_map: ClassVar[str] = (
        "its density is unbounded at beta_j = 0 (and the joint density of beta and its "
        "scales grows without bound as tau -> 0)"
    )

    def __init__(
        self,
        expected_nonzero: float,
        *,
        slab_scale: float = 2.0,
        slab_df: float = 4.0,
        local_df: float = 1.0,
        global_df: float = 1.0,
    ) -> None:
        super().__init__(expected_nonzero)
        self.slab_scale = check_scale(slab_scale, "slab_scale")
        self.slab_df = check_scale(slab_df, "slab_df")
        self.local_df = check_scale(local_df, "local_df")
        self.global_df = check_scale(global_df, "global_df")

    @property
    def expected_nonzero(self) -> float:
        """p₀, the prior guess of the number of relevant coefficients."""
        return self.scale

    def _key(self) -> tuple[float, ...]:
        return (self.scale, self.slab_scale, self.slab_df, self.local_df, self.global_df)

    def __repr__(self) -> str:
        return (
            f"RegularizedHorseshoePrior(expected_nonzero={self.scale:.6g}, "
            f"slab_scale={self.slab_scale:.6g}, slab_df={self.slab_df:.6g})"
        )

    def describe(self) -> str:
        return repr(self)

    def tau0(self, p: int, n: int, noise: float = 1.0) -> float:
        """τ₀ = p₀/(p − p₀)·σ/√n; ``ValueError`` unless 0 < p₀ < p."""
        if not self.scale < p:
            raise ValueError(
                f"expected_nonzero must be below the number of features ({p}); got {self.scale:g}"
            )
        return self.scale / (p - self.scale) * noise / math.sqrt(n)

    def logpdf(self, beta: ArrayLike) -> float:
        """No closed form (a scale mixture over τ, λ and c): raises ``ValueError``."""
        raise ValueError(
            "the regularized horseshoe's marginal density has no closed form; "
            "use its PyMC model (sample_prior_predictive) for prior checks"
        )

    def pymc_shrinkage_scales(
        self, name: str, dims: str, *, noise: Any, n: int, p: int
    ) -> pt.TensorVariable:
        import pymc as pm

        tau0 = self.tau0(p, n)
        lam = pm.Deterministic(
            f"{name}_lambda", _half_cauchy(pm, f"{name}_lambda", dims, self.local_df), dims=dims
        )
        tau = pm.Deterministic(
            f"{name}_tau", tau0 * noise * _half_cauchy(pm, f"{name}_tau", None, self.global_df)
        )
        c2_aux = pm.InverseGamma(
            f"{name}_c2_aux", alpha=0.5 * self.slab_df, beta=0.5 * self.slab_df
        )
        c = pm.Deterministic(f"{name}_c", np.float64(self.slab_scale) * pm.math.sqrt(c2_aux))
        lam_t = pm.math.sqrt(c**2 * lam**2 / (c**2 + tau**2 * lam**2))
        return tau * lam_t


class R2D2Prior(ShrinkagePrior):
    """The R2D2 prior (Zhang, Naughton, Bondell & Reich 2022, JASA 117:862–874).

    A prior on the coefficient of determination: R² ~ Beta(``mean_r2``·``precision``,
    (1 − ``mean_r2``)·``precision``), the total prior variance W = R²/(1 − R²) (in units of
    σ²) split over the coefficients by φ ~ Dirichlet(``concentration``, …), and

        βⱼ = zⱼ · σ · √(φⱼ·W),   zⱼ ~ N(0, 1)

    (the normal-kernel form that brms implements; Zhang et al.'s paper uses a double-
    exponential kernel with the same W and φ). For features with unit variance the prior
    variance of the linear predictor is σ²·W, so R² is the prior's share of explained
    variance: standardize the features (``standardize=True``) for that reading.

    Defaults: ``mean_r2`` ½ and ``precision`` 2 (R² uniform on (0, 1), no opinion on the
    fit), ``concentration`` ½ (the paper's recommended a_π, which puts most of W on few
    coefficients: for concentration ≤ ½ the marginal density of βⱼ is unbounded at 0).
    Posterior variables: ``beta``, ``beta_r2``, ``beta_phi``, ``beta_tau2`` (W).
    """

    name: ClassVar[str] = "r2d2"
    scale_name: ClassVar[str] = "mean_r2"
    why_no_map: ClassVar[str] = (
        "the joint density of beta and its variance split grows without bound as "
        "phi_j -> 0 (and, at the default concentration 1/2, so does the marginal of beta_j "
        "at 0)"
    )

    def __init__(
        self, mean_r2: float = 0.5, *, precision: float = 2.0, concentration: float = 0.5
    ) -> None:
        mean_r2 = check_scale(mean_r2, "mean_r2")
        if not mean_r2 < 1.0:
            raise ValueError(f"mean_r2 must be in (0, 1); got {mean_r2!r}")
        super().__init__(mean_r2)
        self.precision = check_scale(precision, "precision")
        self.concentration = check_scale(concentration, "concentration")

    def _key(self) -> tuple[float, ...]:
        return (self.scale, self.precision, self.concentration)

    def __repr__(self) -> str:
        return (
            f"R2D2Prior(mean_r2={self.scale:.6g}, precision={self.precision:.6g}, "
            f"concentration={self.concentration:.6g})"
        )

    def describe(self) -> str:
        return repr(self)

    def logpdf(self, beta: ArrayLike) -> float:
        """No closed form (a mixture over R² and φ): raises ``ValueError``."""
        raise ValueError(
            "the R2D2 prior's marginal density has no closed form; "
            "use its PyMC model (sample_prior_predictive) for prior checks"
        )

    def pymc_shrinkage_scales(
        self, name: str, dims: str, *, noise: Any, n: int, p: int
    ) -> pt.TensorVariable:
        import pymc as pm

        a = self.scale * self.precision
        r2 = pm.Beta(f"{name}_r2", alpha=a, beta=self.precision - a)
        phi = pm.Dirichlet(f"{name}_phi", a=np.full(p, self.concentration), dims=dims)
        tau2 = pm.Deterministic(f"{name}_tau2", r2 / (1.0 - r2))
        return noise * pm.math.sqrt(phi * tau2)


SHRINKAGE_PRIORS: dict[str, type[ShrinkagePrior]] = {
    "horseshoe": HorseshoePrior,
    "regularized-horseshoe": RegularizedHorseshoePrior,
    "r2d2": R2D2Prior,
}


def pseudo_sigma(family_name: str, y: NDArray[np.float64]) -> float:
    """The σ a shrinkage prior's global scale is proportional to, for families without σ.

    Piironen & Vehtari (2017, section 3.5): the Gaussian approximation of the likelihood
    at the mean response has variance 1/(μ̄(1 − μ̄)) (binomial) or 1/ȳ (Poisson).
    """
    m = float(np.mean(y))
    if family_name == "binomial":
        m = min(max(m, 1e-3), 1 - 1e-3)
        return 1.0 / math.sqrt(m * (1.0 - m))
    if family_name == "poisson":
        return 1.0 / math.sqrt(max(m, 1e-3))
    return 1.0
