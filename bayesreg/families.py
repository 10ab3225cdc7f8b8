"""Response families of the generalized linear model: the one home of their formulas.

bayesreg's penalized GLM objective is

    F(β₀, β) = D(y, η) + λ·R(β),    η = β₀ + Xβ,

with D the *deviance*, ``2·(loglik(saturated) − loglik(model))``, the intercept β₀
unpenalized and R(β) = ‖β‖₁ or ‖β‖²₂. For the Gaussian family D is the residual sum of
squares, so this is the linear-model convention of :mod:`bayesreg.conventions` unchanged.

The dispersion φ is σ² for the Gaussian family and 1 for the binomial and Poisson families.
Since −log posterior = D/(2φ) + R/b + const under a Laplace(b) prior, its MAP is the L1 fit at
λ = 2φ/b; under a Gaussian(σ′) prior (R/(2σ′²)) it is the L2 fit at λ = φ/σ′².

Each family is a small frozen object with the per-row formulas every solver and check uses:
the deviance, its first derivative with respect to η (``gradient``) and its second
(``hessian_weights``, the IRLS weights), the inverse link (``mean``), the intercept-only fit
(``null_eta``) and λ_max. The derivatives are of D itself (no ½), so for the Gaussian family
the gradient is −2(y − η) and the weights are 2, the derivatives of the RSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse
import scipy.special
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_vector

FamilyName = str


def _log1pexp(eta: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(1 + exp(η)) without overflow: logaddexp(0, η)."""
    return np.logaddexp(0.0, eta)


@dataclass(frozen=True)
class Gaussian:
    """y ~ Normal(η, σ²), identity link; the deviance is the RSS, φ = σ² (estimated)."""

    name: ClassVar[str] = "gaussian"
    #: Whether φ is fixed at 1 (binomial, Poisson) or a parameter of the model (σ²).
    fixed_dispersion: ClassVar[bool] = False

    def validate_y(self, y: ArrayLike) -> tuple[NDArray[np.float64], dict[str, Any]]:
        """Any finite real response; ``info`` is empty."""
        return check_vector(y), {}

    def deviance(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
        """D = Σ(y − η)² (the RSS)."""
        r = y - eta
        return float(r @ r)

    def gradient(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂D/∂ηᵢ = −2(yᵢ − ηᵢ)."""
        return 2.0 * (eta - y)

    def hessian_weights(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂²D/∂ηᵢ² = 2."""
        return np.full(eta.shape, 2.0)

    def mean(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """μ = η (identity link)."""
        return np.asarray(eta, dtype=np.float64)

    def null_eta(self, y: NDArray[np.float64]) -> float:
        """Intercept-only optimum: η = ȳ."""
        return float(np.mean(y))

    def lambda_max(self, X: Any, y: NDArray[np.float64], fit_intercept: bool = True) -> float:
        """Smallest λ with an all-zero L1 fit (see :func:`lambda_max_of`)."""
        return lambda_max_of(self, X, y, fit_intercept)

    def pymc_observed(
        self, name: str, eta: Any, observed: Any, sigma: Any = None, **kwargs: Any
    ) -> Any:
        """``pm.Normal(name, mu=eta, sigma=sigma, observed=observed)`` (inside a model)."""
        import pymc as pm

        if sigma is None:
            raise ValueError("the gaussian family needs sigma for its observed variable")
        return pm.Normal(name, mu=eta, sigma=sigma, observed=observed, **kwargs)

    def deviance_change(
        self, y: NDArray[np.float64], eta_ref: NDArray[np.float64], delta: NDArray[np.float64]
    ) -> float:
        """D(y, η_ref + Δ) − D(y, η_ref) = Σ[Δ² − 2Δ(y − η_ref)], accurate to rounding in Δ."""
        return float(delta @ delta - 2.0 * delta @ (y - eta_ref))


@dataclass(frozen=True)
class Binomial:
    """y ∈ {0, 1} ~ Bernoulli(expit(η)), logit link; φ = 1.

    D = 2·Σ[log(1 + e^η) − yη] (the saturated log-likelihood of 0/1 data is 0).
    """

    name: ClassVar[str] = "binomial"
    fixed_dispersion: ClassVar[bool] = True

    def validate_y(self, y: ArrayLike) -> tuple[NDArray[np.float64], dict[str, Any]]:
        """0/1 data, or exactly two distinct labels mapped to 0/1 (sorted: larger → 1).

        ``info["classes"]`` is the pair of labels ``(label of 0, label of 1)``. Labels may be
        numbers, booleans or strings.
        """
        if y is None:
            raise ValueError("y is missing (None)")
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.dtype.kind in "OUS":
            if arr.ndim != 1:
                raise ValueError(f"y must be 1-D; got shape {arr.shape}")
            if arr.shape[0] == 0:
                raise ValueError("y is empty")
            try:
                classes, codes = np.unique(arr, return_inverse=True)
            except TypeError as err:
                raise ValueError(f"binomial y labels cannot be sorted: {err}") from None
        else:
            arr = check_vector(arr)
            classes, codes = np.unique(arr, return_inverse=True)
        if classes.size != 2:
            s = "" if classes.size == 1 else "s"
            raise ValueError(
                f"binomial y must have two classes; got {classes.size} distinct value{s}"
            )
        lo, hi = (c.item() if hasattr(c, "item") else c for c in classes)
        return codes.astype(np.float64).reshape(-1), {"classes": (lo, hi)}

    def deviance(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
        """D = 2·Σ[log(1 + e^ηᵢ) − yᵢηᵢ], stable for any |η| (logaddexp)."""
        return 2.0 * float(np.sum(_log1pexp(eta) - y * eta))

    def gradient(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂D/∂ηᵢ = 2(μᵢ − yᵢ)."""
        return 2.0 * (scipy.special.expit(eta) - y)

    def hessian_weights(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂²D/∂ηᵢ² = 2μᵢ(1 − μᵢ), as expit(η)·expit(−η) (no cancellation near 0 or 1)."""
        return 2.0 * scipy.special.expit(eta) * scipy.special.expit(-eta)

    def mean(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """μ = expit(η)."""
        return scipy.special.expit(eta)

    def null_eta(self, y: NDArray[np.float64]) -> float:
        """Intercept-only optimum: η = logit(ȳ)."""
        return float(scipy.special.logit(np.mean(y)))

    def lambda_max(self, X: Any, y: NDArray[np.float64], fit_intercept: bool = True) -> float:
        """Smallest λ with an all-zero L1 fit (see :func:`lambda_max_of`)."""
        return lambda_max_of(self, X, y, fit_intercept)

    def pymc_observed(self, name: str, eta: Any, observed: Any, **kwargs: Any) -> Any:
        """``pm.Bernoulli(name, logit_p=eta, observed=observed)`` (inside a model)."""
        import pymc as pm

        return pm.Bernoulli(name, logit_p=eta, observed=observed, **kwargs)

    def deviance_change(
        self, y: NDArray[np.float64], eta_ref: NDArray[np.float64], delta: NDArray[np.float64]
    ) -> float:
        """D(y, η_ref + Δ) − D(y, η_ref), accurate to rounding in Δ (not in D).

        log(1 + e^(η+Δ)) − log(1 + e^η) = log1p(μ·expm1(Δ)) with μ = expit(η), so
        the change is 2·Σ[log1p(μ·expm1(Δ)) − yΔ] (for Δ > 0 via the mirrored form).
        """
        with np.errstate(over="ignore"):
            pos = delta > 0
            mu = scipy.special.expit(np.where(pos, -eta_ref, eta_ref))
            # Δ ≤ 0: log1p(expit(η)·expm1(Δ)); Δ > 0: Δ + log1p(expit(−η)·expm1(−Δ))
            term = np.where(
                pos,
                delta + np.log1p(mu * np.expm1(-np.abs(delta))),
                np.log1p(mu * np.expm1(np.minimum(delta, 0.0))),
            )
        return 2.0 * float(np.sum(term - y * delta))


@dataclass(frozen=True)
class Poisson:
    """y ∈ {0, 1, 2, …} ~ Poisson(e^η), log link; φ = 1.

    D = 2·Σ[y·log(y/μ) − (y − μ)] with μ = e^η and 0·log 0 = 0.
    """

    name: ClassVar[str] = "poisson"
    fixed_dispersion: ClassVar[bool] = True

    def validate_y(self, y: ArrayLike) -> tuple[NDArray[np.float64], dict[str, Any]]:
        """Non-negative integer counts (floats with integer values are fine), not all 0."""
        arr = check_vector(y)
        if np.any(arr < 0):
            raise ValueError(f"poisson y must be non-negative counts; got min {float(arr.min())!r}")
        frac = arr != np.floor(arr)
        if frac.any():
            raise ValueError(
                f"poisson y must be integer counts; got {int(frac.sum())} non-integer "
                f"value(s), e.g. {float(arr[frac][0])!r}"
            )
        if not np.any(arr > 0):
            raise ValueError("poisson y is all zero: the fitted mean would be 0 (η = −inf)")
        return arr, {}

    def deviance(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> float:
        """D = 2·Σ[xlogy(y, y) − yη + e^η − y] (inf when e^η overflows)."""
        with np.errstate(over="ignore"):
            mu = np.exp(eta)
        return 2.0 * float(np.sum(scipy.special.xlogy(y, y) - y * eta + mu - y))

    def gradient(self, y: NDArray[np.float64], eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂D/∂ηᵢ = 2(μᵢ − yᵢ)."""
        with np.errstate(over="ignore"):
            return 2.0 * (np.exp(eta) - y)

    def hessian_weights(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """∂²D/∂ηᵢ² = 2μᵢ."""
        with np.errstate(over="ignore"):
            return 2.0 * np.exp(eta)

    def mean(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        """μ = e^η."""
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def null_eta(self, y: NDArray[np.float64]) -> float:
        """Intercept-only optimum: η = log ȳ."""
        return float(np.log(np.mean(y)))

    def lambda_max(self, X: Any, y: NDArray[np.float64], fit_intercept: bool = True) -> float:
        """Smallest λ with an all-zero L1 fit (see :func:`lambda_max_of`)."""
        return lambda_max_of(self, X, y, fit_intercept)

    def pymc_observed(self, name: str, eta: Any, observed: Any, **kwargs: Any) -> Any:
        """``pm.Poisson(name, mu=exp(eta), observed=observed)`` (inside a model)."""
        import pymc as pm

        return pm.Poisson(name, mu=pm.math.exp(eta), observed=observed, **kwargs)

    def deviance_change(
        self, y: NDArray[np.float64], eta_ref: NDArray[np.float64], delta: NDArray[np.float64]
    ) -> float:
        """D(y, η_ref + Δ) − D(y, η_ref) = 2·Σ[μ·expm1(Δ) − yΔ], accurate to rounding in Δ."""
        with np.errstate(over="ignore", invalid="ignore"):
            return 2.0 * float(np.sum(np.exp(eta_ref) * np.expm1(delta) - y * delta))


Family = Gaussian | Binomial | Poisson

_FAMILIES: dict[str, Family] = {f.name: f for f in (Gaussian(), Binomial(), Poisson())}


def get_family(family: str | Family) -> Family:
    """The family object for a name (``"gaussian"``, ``"binomial"``, ``"poisson"``) or itself."""
    if isinstance(family, Gaussian | Binomial | Poisson):
        return family
    if isinstance(family, str) and family.lower() in _FAMILIES:
        return _FAMILIES[family.lower()]
    raise ValueError(
        f"family must be one of {', '.join(repr(k) for k in _FAMILIES)}; got {family!r}"
    )


def null_eta_of(family: Family, y: NDArray[np.float64], fit_intercept: bool) -> float:
    """η of the all-zero-β fit: the intercept-only optimum, or 0 without an intercept."""
    return family.null_eta(y) if fit_intercept else 0.0


def lambda_max_of(family: Family, X: Any, y: NDArray[np.float64], fit_intercept: bool) -> float:
    """λ_max = ‖Xᵀ ∂D/∂η‖∞ at β = 0 (β₀ at its intercept-only optimum, or 0).

    The KKT conditions of the L1 problem at β = 0 read |xⱼᵀ∂D/∂η| ≤ λ for all j, so this
    is the smallest λ whose solution is all zeros (deviance scaling; for the Gaussian family
    it is 2‖X_cᵀy_c‖∞, :func:`bayesreg.solvers.lambda_max`). ``X`` may be scipy.sparse.
    """
    eta = np.full(y.shape[0], null_eta_of(family, y, fit_intercept))
    g = family.gradient(y, eta)
    grad = X.T @ g
    if scipy.sparse.issparse(grad):  # pragma: no cover - X.T @ ndarray is dense
        grad = grad.toarray().ravel()
    return float(np.max(np.abs(grad))) if grad.size else 0.0
