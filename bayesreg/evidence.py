"""Empirical Bayes: the prior scale (and σ) that maximize the marginal likelihood.

Type-II maximum likelihood picks the hyperparameters of ``y = β₀ + Xβ + ε``, ε ~ N(0, σ²I),
β₀ flat, βⱼ ~ prior(scale), by maximizing the *evidence* p(y | scale, σ) = ∫ p(y | β, σ)
p(β | scale) dβ instead of the posterior of β. The penalty then follows from the usual
formulas, λ = σ²/σ′² (Gaussian prior, Ridge) or λ = 2σ²/b (Laplace prior, Lasso).

**Gaussian prior: the exact restricted evidence.** Let Q be an n × (n − 1) matrix whose
orthonormal columns span 1⊥, the vectors orthogonal to the constant vector. Since Qᵀ1 = 0,
the data z = Qᵀy do not involve β₀ (nor x̄ᵀβ, which only shifts it), and

    z ~ N(0, C),    C = σ²I_{n−1} + σ′²·QᵀX_cX_cᵀQ,    X_c = X − 1x̄ᵀ.

Write the thin SVD X_c = U diag(s) Vᵀ with the r non-zero singular values sᵢ. The columns of
U are orthogonal to 1 (those of X_c are), so W = QᵀU has orthonormal columns and
C = σ²I + σ′²·W diag(s²) Wᵀ has the eigenvalues σ² + σ′²sᵢ² (i ≤ r) and σ² (n − 1 − r
times). With cᵢ = uᵢᵀy_c (= wᵢᵀz, because QQᵀ = I − 11ᵀ/n) and ‖z‖ = ‖y_c‖,

    log p(z) = −½ [ (n−1)·log(2π) + Σᵢ log(σ² + σ′²sᵢ²) + (n − 1 − r)·log σ²
                    + Σᵢ cᵢ²/(σ² + σ′²sᵢ²) + (‖y_c‖² − Σᵢ cᵢ²)/σ² ].

This is the restricted (REML) likelihood. It is also the evidence with the flat intercept
integrated out, up to a constant: in the orthogonal coordinates (1ᵀy/√n, z) the first one
is √n·(β₀ + x̄ᵀβ) plus independent N(0, σ²) noise, so ∫ p(y | β₀) dβ₀ = n^(−1/2)·p(z) for
the Lebesgue measure dβ₀, and −½·log n does not move the maximum. Without an intercept
there is nothing to integrate: y ~ N(0, σ²I_n + σ′²XXᵀ) in n dimensions, the same formula
with n − 1 → n, X_c → X, y_c → y.

**The maximization.** With λ = σ²/σ′², dᵢ = sᵢ² + λ and wᵢ = sᵢcᵢ = vᵢᵀX_cᵀy_c, the
quadratic form is q = 𝒬(λ)/σ², where 𝒬(λ) = ‖y_c‖² − Σᵢ wᵢ²/dᵢ = min_β ‖y_c − X_cβ‖² +
λ‖β‖² (the Ridge objective at its minimum), so with m = n − 1 (n without an intercept)

    log p = −½ [ m·log(2π) + m·log σ² + Σᵢ log(1 + sᵢ²/λ) + 𝒬(λ)/σ² ].

For fixed λ this is maximal at σ̂² = 𝒬(λ)/m, which leaves a 1-D profile in t = log λ,

    f(t) = m·log 𝒬(λ) + Σᵢ log(1 + sᵢ²/λ)   (log p = −½[f + m·log(2π/m) + m]),
    f′(t) = m·𝒬₁/𝒬 − Σᵢ sᵢ²/dᵢ,    f″(t) = m·(𝒬₂/𝒬 − (𝒬₁/𝒬)²) + λ·Σᵢ sᵢ²/dᵢ²,

with 𝒬₁ = d𝒬/dt = λΣwᵢ²/dᵢ² and 𝒬₂ = d𝒬₁/dt = 𝒬₁ − 2λ²Σwᵢ²/dᵢ³. With σ given, the
objective in t is g(t) = Σᵢ log(1 + sᵢ²/λ) + 𝒬(λ)/σ², g′ = 𝒬₁/σ² − Σᵢ sᵢ²/dᵢ,
g″ = 𝒬₂/σ² + λΣᵢ sᵢ²/dᵢ². Either is minimized by a grid over t (64 points spanning the
spectrum), a bounded Brent search around the best grid point, then Newton steps on f′ (g′)
to rounding level. The certificate is the gradient of log p with respect to
(log σ², log σ′²) (only log σ′² when σ is given) at the result,

    ∂/∂log σ′² = −½[Σᵢ sᵢ²/dᵢ − 𝒬₁/σ²],   ∂/∂log σ² = −½[m − Σᵢ sᵢ²/dᵢ − 𝒬/σ² + 𝒬₁/σ²],

and the fit is ``converged`` when its norm is ≤ ``tol``·m (each of the m dimensions adds a
term of order one to log p, so rounding alone leaves a gradient of order m·eps).

**Comparison with scikit-learn's BayesianRidge.** BayesianRidge centres X and y and then
maximizes the *n*-dimensional likelihood y_c ~ N(0, σ²I_n + σ′²X_cX_cᵀ), with Gamma(α₁, α₂)
and Gamma(λ₁, λ₂) hyperpriors (default 1e-6 each) on the precisions α = 1/σ² and
λ_sk = 1/σ′², by MacKay's fixed-point updates γ = Σ αsᵢ²/(λ_sk + αsᵢ²),
λ_sk = (γ + 2λ₁)/(‖β‖² + 2λ₂), α = (n − γ + 2α₁)/(RSS + 2α₂). But y_c lives in the
(n − 1)-dimensional subspace 1⊥ (its density in n dimensions is singular); treating it as
n-dimensional counts the direction of 1, which carries no residual, as one more residual
degree of freedom: the noise estimate is RSS/(n − γ) instead of RSS/(n − 1 − γ), smaller by
a factor (n − 1 − γ)/(n − γ). ``restricted=False`` evaluates and maximizes that
n-dimensional likelihood; with the hyperprior parameters at ~0 it has the same maximum as
BayesianRidge (α = 1/σ̂², λ_sk = 1/σ̂′², our ``lam`` = λ_sk/α), which the tests check.

**Laplace prior: Monte Carlo EM.** No closed form exists. With σ fixed (given, or estimated
once by least squares, :func:`~bayesreg.estimate_noise_sigma`, and held fixed), EM on
log p(y | b) with β as the missing data has the M-step
b_new = argmax_b E[−p·log(2b) − Σⱼ|βⱼ|/b] = E[Σⱼ|βⱼ|]/p, the expectation under the
posterior of β at the current b: its fixed points are the stationary points of the
evidence in b. The E-step is estimated by a Gibbs sampler on the Park & Casella (2008)
scale mixture for the *unscaled* Laplace(0, b) prior, βⱼ | τⱼ² ~ N(0, τⱼ²),
τⱼ² ~ Exponential(rate 1/(2b²)) (∫ N(β | 0, τ²)·(1/(2b²))·e^(−τ²/(2b²)) dτ² =
e^(−|β|/b)/(2b)), with the flat intercept integrated out (centered data):

    β | τ², y ~ N(A⁻¹X_cᵀy_c, σ²A⁻¹),   A = X_cᵀX_c + σ²·diag(1/τ²),
    1/τⱼ² | βⱼ ~ InverseGaussian(mean 1/(b|βⱼ|), shape 1/b²),

each step a p × p Cholesky factorization. The expectation is Rao–Blackwellized: each draw
contributes E[Σⱼ|βⱼ| | τ², y]/p, the mean of the folded normal of βⱼ given τ², whose
variance is lower than that of |βⱼ| itself. See :func:`empirical_bayes` for the stopping
rule.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.special
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_positive_int, check_scale, check_Xy
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.model import estimate_noise_sigma
from bayesreg.priors import PRIORS, ElasticNetPrior, GaussianPrior, LaplacePrior, Prior
from bayesreg.solvers._design import center, centered_gram

__all__ = ["EvidenceResult", "empirical_bayes", "gaussian_log_evidence"]

#: Grid points over t = log λ before the bounded Brent search.
_GRID_POINTS = 64


@dataclass(frozen=True)
class EvidenceResult:
    """The empirical-Bayes (type-II maximum likelihood) prior scale and what it implies.

    ``prior`` is the prior at the estimated scale (σ̂′ or b̂), ``noise_sigma`` the σ used
    (estimated jointly for the Gaussian prior, by least squares for the Laplace prior, or
    given), ``lam`` the penalty ``prior.penalty(noise_sigma)`` of the equivalent Ridge or
    Lasso. ``log_evidence`` is the maximized log-likelihood (restricted when
    ``restricted``; None for the Laplace prior, which has no closed form). The certificate
    is ``grad_norm`` (Gaussian: ‖∇ log p‖ in the log-scale parameters at the result) or
    ``mc_se`` (Laplace: the Monte Carlo standard error of the last EM iterate b̂);
    ``trace`` holds the iterates of the scale (EM iterations, or the Newton iterates of σ′).
    """

    prior: Prior
    noise_sigma: float
    noise_sigma_estimated: bool
    lam: float
    log_evidence: float | None
    converged: bool
    n_iter: int
    method: str
    restricted: bool
    grad_norm: float | None = None
    mc_se: float | None = None
    n_draws: int = 0
    trace: tuple[float, ...] = ()


@dataclass(frozen=True)
class _Spectrum:
    """What the Gaussian evidence needs: sᵢ², wᵢ² = (vᵢᵀX_cᵀy_c)², ‖y_c‖², m, r."""

    s2: NDArray[np.float64]
    w2: NDArray[np.float64]
    yy: float
    m: int

    @property
    def r(self) -> int:
        return int(self.s2.size)

    def terms(self, t: float) -> tuple[float, float, float, float, float, float]:
        """(Σ log(1 + s²/λ), Σ s²/d, λΣ s²/d², 𝒬, 𝒬₁, 𝒬₂) at λ = e^t."""
        lam = math.exp(t)
        d = self.s2 + lam
        logdet = float(np.sum(np.log1p(self.s2 / lam)))
        a1 = float(np.sum(self.s2 / d))
        a2 = lam * float(np.sum(self.s2 / d**2))
        wd = self.w2 / d
        q = max(self.yy - float(np.sum(wd)), 0.0)
        q1 = lam * float(np.sum(wd / d))
        q2 = q1 - 2.0 * lam**2 * float(np.sum(wd / d**2))
        return logdet, a1, a2, q, q1, q2

    def log_evidence(self, sigma2: float, t: float) -> float:
        logdet, _, _, q, _, _ = self.terms(t)
        return -0.5 * (
            self.m * math.log(2.0 * math.pi) + self.m * math.log(sigma2) + logdet + q / sigma2
        )

    def gradient(self, sigma2: float, t: float) -> tuple[float, float]:
        """(∂ log p/∂ log σ², ∂ log p/∂ log σ′²) at σ² and λ = e^t."""
        _, a1, _, q, q1, _ = self.terms(t)
        g_prior = -0.5 * (a1 - q1 / sigma2)
        g_noise = -0.5 * (self.m - a1 - q / sigma2 + q1 / sigma2)
        return g_noise, g_prior


def _spectrum(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    fit_intercept: bool,
    restricted: bool,
    decomposition: str,
) -> _Spectrum:
    """The non-zero singular values of X_c and the projections of X_cᵀy_c on V.

    ``"gram"``: eigendecomposition of the smaller Gram matrix, X_cᵀX_c (n ≥ p) or X_cX_cᵀ
    (p > n), the SVD's squared singular values and singular vectors at a fraction of the
    cost; ``"svd"``: the thin SVD of X_c itself (accurate to eps·s_max in s instead of
    eps·s_max² in s², for ill-conditioned designs). Singular values at rounding level
    (below max(n, p)·eps times the largest, on the scale of the decomposition used) count
    as zero: their directions join the σ²-only residual.
    """
    n, p = X.shape
    eps = np.finfo(np.float64).eps
    if decomposition == "gram" and n >= p:
        g = centered_gram(X, y, fit_intercept)
        s2, V = np.linalg.eigh(g.gram)
        keep = s2 > max(n, p) * eps * max(float(s2[-1]), 0.0)
        s2 = s2[keep]
        w2 = (V[:, keep].T @ g.xty) ** 2
        yy = g.yty
    else:
        design = center(X, y, fit_intercept, order="C")
        if decomposition == "gram":
            s2, U = np.linalg.eigh(design.Xc @ design.Xc.T)
            keep = s2 > max(n, p) * eps * max(float(s2[-1]), 0.0)
        else:
            U, s, _ = np.linalg.svd(design.Xc, full_matrices=False)
            keep = s > max(n, p) * eps * float(s[0]) if s.size else s > 0
            s2 = s**2
        s2 = s2[keep]
        w2 = s2 * (U[:, keep].T @ design.yc) ** 2
        yy = float(design.yc @ design.yc)
    m = n - 1 if (fit_intercept and restricted) else n
    if s2.size > m:  # at most m directions of the data space: keep the largest
        order = np.argsort(s2)[::-1][:m]
        s2, w2 = s2[order], w2[order]
    return _Spectrum(np.asarray(s2, dtype=np.float64), np.asarray(w2, dtype=np.float64), yy, m)


def gaussian_log_evidence(
    X: ArrayLike,
    y: ArrayLike,
    prior: GaussianPrior | float,
    noise_sigma: float,
    *,
    fit_intercept: bool = True,
    restricted: bool = True,
) -> float:
    """The log-evidence log p(y | σ′, σ) of the Gaussian prior (formula in the module doc).

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,)
    prior : GaussianPrior or float
        The prior, or its standard deviation σ′ > 0.
    noise_sigma : float
        The noise standard deviation σ > 0.
    fit_intercept : bool, default True
        With an intercept: the restricted likelihood of Qᵀy in n − 1 dimensions.
    restricted : bool, default True
        False (with an intercept): the n-dimensional likelihood of the centered data, as
        scikit-learn's BayesianRidge uses it.

    Returns
    -------
    float
    """
    Xa, ya = check_Xy(X, y)
    sigma_p = prior.sigma if isinstance(prior, GaussianPrior) else check_scale(prior, "prior")
    sigma = check_scale(noise_sigma, "noise_sigma")
    spec = _spectrum(Xa, ya, bool(fit_intercept), bool(restricted), "svd")
    sigma2 = sigma**2
    return spec.log_evidence(sigma2, 2.0 * (math.log(sigma) - math.log(sigma_p)))


def empirical_bayes(
    X: ArrayLike,
    y: ArrayLike,
    prior: str | Prior = "gaussian",
    *,
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    random_seed: int | np.random.Generator | None = None,
    restricted: bool = True,
    decomposition: str = "gram",
    tol: float = 1e-10,
    draws: int = 500,
    max_draws: int = 16000,
    burn: int = 100,
    n_settled: int = 3,
    rtol: float = 0.01,
    max_iter: int = 200,
) -> EvidenceResult:
    """Type-II maximum likelihood of the prior scale (and of σ), for a Gaussian linear model.

    Parameters
    ----------
    X : array-like of shape (n, p)
        Dense design matrix (finite numbers, no intercept column).
    y : array-like of shape (n,)
        Response; it must not be constant.
    prior : {"gaussian", "laplace"} or Prior, default "gaussian"
        The prior family; a :class:`~bayesreg.GaussianPrior` or
        :class:`~bayesreg.LaplacePrior` instance also gives a start value for its scale
        (the Gaussian search adds it to its grid when ``noise_sigma`` is given; the
        Laplace EM starts from it).
    noise_sigma : float, optional
        σ, held fixed. Default: estimated. Gaussian prior: jointly with σ′, by maximizing
        the evidence over both. Laplace prior: once, by least squares
        (:func:`~bayesreg.estimate_noise_sigma`, needs n > p + 1), then held fixed.
    fit_intercept : bool, default True
        Flat-prior intercept β₀, integrated out (restricted likelihood, n − 1 dimensions).
    random_seed : int or numpy.random.Generator, optional
        Seed of the Laplace Gibbs sampler; the same seed gives the same result.
    restricted : bool, default True
        Gaussian prior with an intercept: False maximizes the n-dimensional likelihood of
        the centered data instead (scikit-learn's BayesianRidge, see the module docstring).
    decomposition : {"gram", "svd"}, default "gram"
        Gaussian prior: the spectrum of X_c from the eigendecomposition of its smaller Gram
        matrix (fast), or from the SVD of X_c (for very ill-conditioned designs).
    tol : float, default 1e-10
        Gaussian prior: ``converged`` when ‖∇ log p‖ ≤ tol·m (m = n − 1 or n).
    draws, max_draws, burn : int
        Laplace prior: Gibbs draws in the first EM iteration, the most in one iteration,
        and draws discarded at the start of each iteration (the chain carries over).
    n_settled : int, default 3
        Laplace prior: consecutive settled iterations that stop the EM (rule below).
    rtol : float, default 0.01
        Laplace prior: target Monte Carlo standard error of b̂, relative to b̂.
    max_iter : int, default 200
        Laplace prior: EM iterations at most (then ``converged`` is False and a
        :class:`~bayesreg.ConvergenceWarning` is issued).

    Returns
    -------
    EvidenceResult

    Notes
    -----
    Gaussian prior: the exact evidence from one decomposition of X_c and the 1-D profile
    in log λ (module docstring), Brent's method then Newton's to rounding level. A maximum
    at the edge of the search range (evidence still increasing towards λ → ∞, i.e. no
    signal, or towards an exact fit σ → 0, which the evidence can prefer whenever X_c has
    rank m, e.g. p ≥ n − 1: then pass ``noise_sigma``) gives ``converged=False`` and a
    warning.

    Laplace prior, **stopping rule** of the Monte Carlo EM. Iteration k runs the Gibbs
    chain (continued from the previous iteration) at b_k: ``burn`` draws discarded, then
    N_k draws, whose Rao–Blackwellized mean of Σⱼ|βⱼ|/p is b_{k+1}; its standard error
    se_{k+1} is estimated by batch means (⌊√N_k⌋ batches, which absorbs the chain's
    autocorrelation). The iteration is *settled* when |b_{k+1} − b_k| ≤ 2·se_{k+1} (the
    EM step is lost in the Monte Carlo noise); then N doubles (up to ``max_draws``),
    otherwise it stays. The EM stops after ``n_settled`` consecutive settled iterations
    whose last one has se ≤ ``rtol``·b_{k+1} or ran ``max_draws`` draws. The result is the
    last iterate b̂ = b_{k+1} with ``mc_se`` = se_{k+1}: the error of one E-step at b_k;
    the distance of b̂ from the exact fixed point is of that order divided by 1 − M′(b),
    M the EM map (EM moves slowly where the data say little about b). The start value
    is the given LaplacePrior's b, else σ̂′/√2 from the Gaussian evidence at the same σ
    (same prior variance 2b² = σ′²).

    Raises
    ------
    ValueError
        Invalid data (NaN, shapes), n too small (n < 3 with an intercept, n < 2 without),
        constant y, an unknown prior name, the elastic-net prior (not supported: no evidence
        for its two scales here), bad options.
    """
    Xa, ya = check_Xy(X, y)
    fit_intercept = bool(fit_intercept)
    n = Xa.shape[0]
    need = 3 if fit_intercept else 2
    if n < need:
        raise ValueError(
            f"empirical_bayes needs at least {need} samples "
            f"({'with' if fit_intercept else 'without'} an intercept); got n={n}"
        )
    spread = float(np.ptp(ya)) if fit_intercept else float(np.max(np.abs(ya)))
    if spread == 0.0:
        raise ValueError(
            "y is constant" + (" (after removing its mean)" if fit_intercept else " zero")
            + ": the evidence has no maximum in the prior scale"
        )  # fmt: skip
    family, start = _resolve_prior(prior)
    sigma = None if noise_sigma is None else check_scale(noise_sigma, "noise_sigma")
    if decomposition not in ("gram", "svd"):
        raise ValueError(f"decomposition must be 'gram' or 'svd'; got {decomposition!r}")
    tol = check_scale(tol, "tol")
    if family == "gaussian":
        return _gaussian_eb(
            Xa, ya, sigma, fit_intercept, bool(restricted), decomposition, tol, start
        )
    draws = check_positive_int(draws, "draws")
    max_draws = check_positive_int(max_draws, "max_draws")
    if max_draws < draws:
        raise ValueError(f"max_draws must be >= draws; got {max_draws} < {draws}")
    if isinstance(burn, bool) or not isinstance(burn, int | np.integer) or burn < 0:
        raise ValueError(f"burn must be a non-negative integer; got {burn!r}")
    n_settled = check_positive_int(n_settled, "n_settled")
    max_iter = check_positive_int(max_iter, "max_iter")
    rtol = check_scale(rtol, "rtol")
    return _laplace_eb(
        Xa, ya, sigma, fit_intercept, start, random_seed,
        draws, max_draws, int(burn), n_settled, rtol, max_iter,
    )  # fmt: skip


def _resolve_prior(prior: str | Prior) -> tuple[str, float | None]:
    if isinstance(prior, LaplacePrior | GaussianPrior):
        return prior.name, prior.scale
    if isinstance(prior, ElasticNetPrior) or (
        isinstance(prior, str) and prior.lower() == ElasticNetPrior.name
    ):
        raise ValueError(
            "empirical_bayes does not support the elastic-net prior (no evidence for its two "
            "scales here); use the Gaussian or Laplace prior"
        )
    if isinstance(prior, Prior):
        raise ValueError(f"prior must be a Gaussian or Laplace prior; got {type(prior).__name__}")
    if not isinstance(prior, str) or prior.lower() not in PRIORS:
        raise ValueError(f"unknown prior {prior!r}; choose one of {sorted(PRIORS)}")
    return prior.lower(), None


# ============================================================ Gaussian prior
def _gaussian_eb(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    sigma: float | None,
    fit_intercept: bool,
    restricted: bool,
    decomposition: str,
    tol: float,
    start: float | None,
) -> EvidenceResult:
    restricted = restricted and fit_intercept
    spec = _spectrum(X, y, fit_intercept, restricted, decomposition)
    if spec.r == 0:
        raise ValueError(
            "X has no variation (all columns constant): the prior scale is not identified"
        )
    m = spec.m

    if sigma is None:

        def fun(t: float) -> tuple[float, float, float]:
            logdet, a1, a2, q, q1, q2 = spec.terms(t)
            if q <= 0.0:
                return math.inf, math.nan, math.nan
            return (
                m * math.log(q) + logdet,
                m * q1 / q - a1,
                m * (q2 / q - (q1 / q) ** 2) + a2,
            )
    else:
        s2_noise = sigma**2

        def fun(t: float) -> tuple[float, float, float]:
            logdet, a1, a2, q, q1, q2 = spec.terms(t)
            return logdet + q / s2_noise, q1 / s2_noise - a1, q2 / s2_noise + a2

    lo = math.log(float(spec.s2.min())) - 12.0 * math.log(10.0)
    hi = math.log(float(spec.s2.max())) + 12.0 * math.log(10.0)
    t, n_iter, trace, on_edge = _minimize_1d(fun, lo, hi, tol * m, start, sigma)
    lam = math.exp(t)
    q = spec.terms(t)[3]
    if sigma is None:
        sigma2 = q / m
        estimated = True
        g_noise, g_prior = spec.gradient(sigma2, t)
        grad_norm = math.hypot(g_noise, g_prior)
    else:
        sigma2 = sigma**2
        estimated = False
        grad_norm = abs(spec.gradient(sigma2, t)[1])
    noise = math.sqrt(sigma2)
    converged = (not on_edge) and grad_norm <= tol * m
    if not converged:
        where = "at the edge of the search range" if on_edge else "not to the gradient tolerance"
        warnings.warn(
            f"empirical_bayes (Gaussian prior) converged {where}: lambda = {lam:.3g}, "
            f"|grad log evidence| = {grad_norm:.2e}"
            + (
                " (evidence increasing towards lambda -> inf: no signal)"
                if on_edge and t > 0.5 * (lo + hi)
                else ""
            ),
            ConvergenceWarning,
            stacklevel=3,
        )
    prior_sigma = noise / math.sqrt(lam)
    how = (
        "restricted (REML, n - 1 dims)"
        if restricted
        else f"{'centered, ' if fit_intercept else ''}n dims"
    )
    method = (
        f"exact Gaussian evidence, {how}, {decomposition} of the design; "
        + (
            "profile over log lambda (sigma^2 closed form)"
            if estimated
            else "sigma fixed, over log lambda"
        )
        + "; grid + bounded Brent + Newton"
    )
    return EvidenceResult(
        prior=GaussianPrior(prior_sigma),
        noise_sigma=noise,
        noise_sigma_estimated=estimated,
        lam=lam,
        log_evidence=spec.log_evidence(sigma2, t),
        converged=converged,
        n_iter=n_iter,
        method=method,
        restricted=restricted,
        grad_norm=grad_norm,
        trace=tuple(_prior_sigma(spec, ti, sigma) for ti in trace),
    )


def _prior_sigma(spec: _Spectrum, t: float, sigma: float | None) -> float:
    """σ′ = σ/√λ at t = log λ, with σ̂² = 𝒬(λ)/m when σ is not given."""
    s2 = spec.terms(t)[3] / spec.m if sigma is None else sigma**2
    return math.sqrt(s2 / math.exp(t))


def _minimize_1d(
    fun: Callable[[float], tuple[float, float, float]],
    lo: float,
    hi: float,
    gtol: float,
    start: float | None,
    sigma: float | None,
) -> tuple[float, int, list[float], bool]:
    """Grid, then bounded Brent around the best point, then Newton on f′ (safeguarded)."""
    grid = list(np.linspace(lo, hi, _GRID_POINTS))
    if start is not None and sigma is not None:
        t0 = 2.0 * (math.log(sigma) - math.log(start))
        if lo < t0 < hi:
            grid.append(t0)
            grid.sort()
    values = [fun(t)[0] for t in grid]
    k = int(np.argmin(values))
    n_iter = len(grid)
    if k in (0, len(grid) - 1):
        return grid[k], n_iter, [grid[k]], True
    a, b = grid[k - 1], grid[k + 1]
    res = scipy.optimize.minimize_scalar(
        lambda t: fun(t)[0], bounds=(a, b), method="bounded", options={"xatol": 1e-6}
    )
    t = float(res.x)
    n_iter += int(res.nfev)
    trace = [t]
    for _ in range(50):
        _, g, h = fun(t)
        n_iter += 1
        if not (math.isfinite(g) and abs(g) > 0.1 * gtol):
            break
        step = -g / h if h > 0 else -math.copysign(1e-3, g)
        t_new = min(max(t + step, a), b)
        if t_new == t:
            break
        t = t_new
        trace.append(t)
    return t, n_iter, trace, False


# ============================================================= Laplace prior
def _laplace_eb(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    sigma: float | None,
    fit_intercept: bool,
    start: float | None,
    random_seed: int | np.random.Generator | None,
    draws: int,
    max_draws: int,
    burn: int,
    n_settled: int,
    rtol: float,
    max_iter: int,
) -> EvidenceResult:
    estimated = sigma is None
    if sigma is None:
        sigma = estimate_noise_sigma(X, y, fit_intercept=fit_intercept).value
    g = centered_gram(X, y, fit_intercept)
    if start is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gauss = _gaussian_eb(X, y, sigma, fit_intercept, True, "gram", 1e-8, None)
        start = gauss.prior.scale / math.sqrt(2.0)
    rng = np.random.default_rng(random_seed)
    sampler = _LaplaceGibbs(g.gram, g.xty, sigma, rng)
    b = float(start)
    trace = [b]
    n_draws_k = draws
    settled = 0
    total = 0
    converged = False
    se = math.nan
    k = 0
    while k < max_iter:
        k += 1
        stats = sampler.run(b, burn, n_draws_k)
        total += burn + n_draws_k
        b_new = float(stats.mean())
        se = _batch_means_se(stats)
        used = n_draws_k
        if abs(b_new - b) <= 2.0 * se:
            settled += 1
            n_draws_k = min(2 * n_draws_k, max_draws)
        else:
            settled = 0
        b = b_new
        trace.append(b)
        if settled >= n_settled and (se <= rtol * b or used >= max_draws):
            converged = True
            break
    if not converged:
        warnings.warn(
            f"empirical_bayes (Laplace prior): Monte Carlo EM not settled after {k} "
            f"iterations (b = {b:.4g} ± {se:.2g})",
            ConvergenceWarning,
            stacklevel=3,
        )
    prior = LaplacePrior(b)
    return EvidenceResult(
        prior=prior,
        noise_sigma=sigma,
        noise_sigma_estimated=estimated,
        lam=prior.penalty(sigma),
        log_evidence=None,
        converged=converged,
        n_iter=k,
        method=(
            "Monte Carlo EM (b <- E[sum|beta_j|]/p), Gibbs E-step on the Laplace scale "
            "mixture, Rao-Blackwellized; sigma "
            + ("estimated once by least squares, held fixed" if estimated else "given")
        ),
        restricted=fit_intercept,
        mc_se=se,
        n_draws=total,
        trace=tuple(trace),
    )


class _LaplaceGibbs:
    """Gibbs sampler of (β, ω = 1/τ²) for βⱼ ~ Laplace(0, b), σ fixed, centered data."""

    def __init__(
        self,
        gram: NDArray[np.float64],
        xty: NDArray[np.float64],
        sigma: float,
        rng: np.random.Generator,
    ) -> None:
        self.gram = gram
        self.xty = xty
        self.sigma = sigma
        self.rng = rng
        self.omega = np.ones(gram.shape[0])
        self.started = False

    def _steps(
        self, b: float, burn: int, n_keep: int
    ) -> Iterator[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
        """Gibbs sweeps at b (β | ω, then ω | β); yields ``(mean, L⁻¹, β)`` of the kept ones.

        β | ω ~ N(A⁻¹X_cᵀy_c, σ²A⁻¹) with A = X_cᵀX_c + σ²·diag(ω) = LLᵀ, so
        ``mean = L⁻ᵀL⁻¹X_cᵀy_c`` and ``β = mean + σL⁻ᵀz``; then
        ωⱼ | βⱼ ~ InverseGaussian(mean 1/(b|βⱼ|), shape 1/b²).
        """
        p = self.gram.shape[0]
        s2 = self.sigma**2
        A = self.gram.copy()
        diag = np.diag(self.gram).copy()
        idx = np.arange(p)
        shape = 1.0 / (b * b)
        for it in range(burn + n_keep):
            A[idx, idx] = diag + s2 * self.omega
            Linv = np.linalg.inv(np.linalg.cholesky(A))
            mean = Linv.T @ (Linv @ self.xty)
            beta = mean + self.sigma * (Linv.T @ self.rng.standard_normal(p))
            self.omega = self.rng.wald(1.0 / (b * np.maximum(np.abs(beta), 1e-300)), shape)
            if it >= burn:
                yield mean, Linv, beta

    def run(self, b: float, burn: int, n_keep: int) -> NDArray[np.float64]:
        """``n_keep`` draws of E[Σⱼ|βⱼ| | ω, y]/p after ``burn`` discarded draws at b."""
        if not self.started:  # prior mean of ω = 1/τ² is infinite; start at 1/E[τ²]
            self.omega = np.full(self.gram.shape[0], 1.0 / (2.0 * b * b))
            self.started = True
        s2 = self.sigma**2
        out = np.empty(n_keep)
        for k, (mean, Linv, _) in enumerate(self._steps(b, burn, n_keep)):
            var = s2 * np.einsum("ij,ij->j", Linv, Linv)
            out[k] = float(np.mean(_folded_normal_mean(mean, var)))
        return out

    def draws(self, b: float, burn: int, n_keep: int) -> NDArray[np.float64]:
        """``n_keep`` draws of β (after ``burn`` discarded ones) of the posterior at b."""
        self.omega = np.full(self.gram.shape[0], 1.0 / (2.0 * b * b))
        out = np.empty((n_keep, self.gram.shape[0]))
        for k, (_, _, beta) in enumerate(self._steps(b, burn, n_keep)):
            out[k] = beta
        return out


def _folded_normal_mean(mu: NDArray[np.float64], var: NDArray[np.float64]) -> NDArray[np.float64]:
    """E|Z| for Z ~ N(μ, v): √(2v/π)·exp(−μ²/(2v)) + μ·erf(μ/√(2v))."""
    sd = np.sqrt(var)
    return sd * math.sqrt(2.0 / math.pi) * np.exp(-0.5 * (mu / sd) ** 2) + mu * scipy.special.erf(
        mu / (math.sqrt(2.0) * sd)
    )


def _batch_means_se(x: NDArray[np.float64]) -> float:
    """Standard error of the mean of a correlated series by ⌊√N⌋ batch means."""
    n = x.size
    nb = max(2, math.isqrt(n))
    size = n // nb
    if size < 1:
        return float(np.std(x, ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    means = x[: nb * size].reshape(nb, size).mean(axis=1)
    return float(np.std(means, ddof=1) / math.sqrt(nb))
