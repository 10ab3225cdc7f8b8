r"""The one convention for λ, and the only place where conversion constants appear.

bayesreg's penalized objective is

    F(β₀, β) = D(y, β₀ + Xβ) + λ₁‖β‖₁ + λ₂‖β‖²₂,

with the intercept β₀ unpenalized and D the deviance of :mod:`bayesreg.families`,
2·(loglik(saturated) − loglik(model)): for the Gaussian family the residual sum of squares
RSS = ‖y − β₀ − Xβ‖². The Lasso is λ₂ = 0 (R(β) = ‖β‖₁ and λ = λ₁), Ridge λ₁ = 0
(R(β) = ‖β‖²₂ and λ = λ₂), the elastic net has both. Other libraries scale the data term and
the penalties differently, and λ only means something together with its scaling. With n the
number of samples:

Gaussian family (least squares)
-------------------------------

=====================  =======================  =================================
library                objective                parameters from (λ₁, λ₂); inverse
=====================  =======================  =================================
bayesreg               RSS + λ₁‖β‖₁ + λ₂‖β‖²    λ₁, λ₂
CD textbooks           ½RSS + λ½‖β‖₁ (or ‖β‖²)  λ½ = λ/2
sklearn Lasso          (1/2n)RSS + α‖β‖₁        α = λ₁/(2n);  λ₁ = 2nα
sklearn Ridge          RSS + α‖β‖²              α = λ₂;  λ₂ = α
sklearn ElasticNet     (1/2n)RSS + α·r‖β‖₁      α = λ₁/(2n) + λ₂/n, r = λ₁/(2nα);
                       + ½α(1−r)‖β‖²            λ₁ = 2nαr, λ₂ = nα(1−r)
                       (r = l1_ratio)
statsmodels OLS        the same, r = L1_wt      the same
glum                   the same, r = l1_ratio   the same
glmnet                 (1/2n)RSS + λ_g·(α‖β‖₁   λ_g = λ₁/(2n) + s_y·λ₂/n,
                       + ½(1−α)‖β‖²) on y/s_y   α = λ₁/(2nλ_g);
                       (see below)              λ₁ = 2nαλ_g, λ₂ = n(1−α)λ_g/s_y
sklearn BayesianRidge  fitted alpha\_ = 1/σ²,   λ₂ = lambda\_/alpha\_
                       lambda\_ = 1/σ′²
=====================  =======================  =================================

Binomial and Poisson families (deviance)
----------------------------------------

L = D/2 (+ a constant) is the log-loss, the negative log-likelihood:

==================  ========================  =====================================
library             objective                 parameters from (λ₁, λ₂); inverse
==================  ========================  =====================================
bayesreg            D + λ₁‖β‖₁ + λ₂‖β‖²       λ₁, λ₂
LogisticRegression  C·L + r‖β‖₁ + ½(1−r)‖β‖²  1/C = λ₁/2 + λ₂, r = Cλ₁/2;
                    (r = l1_ratio; penalty    λ₁ = 2r/C, λ₂ = (1−r)/C
                    l1: r = 1, l2: r = 0)
PoissonRegressor    (1/2n)D + ½α‖β‖²          α = λ₂/n;  λ₂ = nα
glmnet              (1/n)L + λ_g·(α‖β‖₁       λ_g = λ₁/(2n) + λ₂/n, α = λ₁/(2nλ_g);
                    + ½(1−α)‖β‖²)             λ₁ = 2nαλ_g, λ₂ = n(1−α)λ_g
statsmodels GLM     (1/n)L + α·(w‖β‖₁         α = λ₁/(2n) + λ₂/n, w = λ₁/(2nα);
                    + ½(1−w)‖β‖²), w = L1_wt  λ₁ = 2nαw, λ₂ = nα(1−w)
glum                the same, w = l1_ratio    the same
==================  ========================  =====================================

Every row is a function here, ``to_*`` from bayesreg's (λ₁, λ₂) and ``from_*`` back, each
stating the objective it converts from; :func:`conventions_table` gives all of them at once.

Prior scales
------------

The dispersion φ is σ² for the Gaussian family and 1 for the binomial and Poisson families
(:mod:`bayesreg.priors`, the home of these formulas): the MAP under a Laplace(b) prior is the
L1 fit at λ₁ = 2φ/b, under a Gaussian(σ′) prior the L2 fit at λ₂ = φ/σ′², and under the
elastic-net prior ∝ exp(−|β|/b − β²/(2σ′²)) the fit with both. So LogisticRegression's C
*is* b (l1) or σ′² (l2), and a fitted BayesianRidge reads as σ = 1/√``alpha_``, σ′ = 1/√``lambda_``.

Library details that change the numbers
---------------------------------------

* **glmnet's Gaussian family scales y.** It divides y by s_y, the population standard
  deviation of y (divisor n; taken about 0, s_y = √(Σy²/n), with ``intercept=FALSE``), solves
  at λ_g/s_y and scales the fit back. The L1 part is unchanged, but the L2 part is
  **λ₂ = n(1−α)λ_g/s_y**, not n(1−α)λ_g: reading glmnet's ridge λ like statsmodels' is off
  by the factor s_y (27× for a y with standard deviation 27). Measured and verified against
  glmnet 4.1.6 (see :func:`from_glmnet`). The binomial and Poisson families are not scaled.
* **glmnet's** ``standardize=TRUE`` (its default) penalizes γⱼ = sⱼβⱼ, the coefficients of
  the columns divided by their population standard deviations sⱼ (divisor n, centred, with
  or without ``intercept``), and reports βⱼ: the same (λ₁, λ₂) then apply to the design of
  :func:`glmnet_scaled_design`, whose fit :func:`glmnet_coef_from_scaled` maps back (the
  intercept is the same).
* **statsmodels** has no intercept of its own: a constant column added to the design is
  penalized like any other unless its entry of a vector ``alpha`` is 0. ``OLS`` minimizes
  (1/2n)·RSS + penalty (its ``fit_regularized`` docstring); ``GLM`` −loglik/n + penalty, for
  binomial and Poisson (1/2n)·D + penalty + a constant.
* **scikit-learn's** ``LogisticRegression(solver="liblinear")`` penalizes the intercept (a
  column of ``intercept_scaling``) when it fits one: no bayesreg problem is that; and
  ``class_weight``, ``sample_weight`` change the data term.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import (
    _as_scalar,
    check_matrix,
    check_penalty,
    check_positive_int,
    check_scale,
    check_vector,
)
from bayesreg.families import Family, Gaussian, get_family

PenaltyName = Literal["l1", "l2"]

#: Factor between bayesreg's RSS scaling and the ½·RSS scaling (same for both penalties).
_HALF = 0.5

#: Deviance per unit of log-loss (negative log-likelihood): D = 2·L (+ a constant).
_DEVIANCE_PER_LOGLOSS = 2.0


# --------------------------------------------------------------------------------------------
# validation of the other libraries' parameters


def _check_ratio(value: float, name: str) -> float:
    """A mixing parameter (l1_ratio, L1_wt, glmnet's alpha): a finite number in [0, 1]."""
    v = _as_scalar(value, name)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1; got {v!r}")
    return v


def _check_pair(lam1: float, lam2: float) -> tuple[float, float]:
    """bayesreg's (λ₁, λ₂): each ≥ 0 and finite, not both 0 (no penalty has no parameters)."""
    lam1 = check_penalty(lam1, "lam1")
    lam2 = check_penalty(lam2, "lam2")
    if lam1 == 0.0 and lam2 == 0.0:
        raise ValueError("lam1 and lam2 are both 0: an unpenalized fit has no penalty to convert")
    return lam1, lam2


# --------------------------------------------------------------------------------------------
# ½·RSS scaling


def to_half_rss(lam: float) -> float:
    """λ of ``RSS + λR`` → λ½ of ``½·RSS + λ½·R`` (the same minimizer)."""
    return _HALF * check_penalty(lam)


def half_rss_grid(lams: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`to_half_rss` for an already validated array of λ (used along paths)."""
    return _HALF * lams


def from_half_rss(lam_half: float) -> float:
    """λ½ of ``½·RSS + λ½·R`` → λ of ``RSS + λR``."""
    return check_penalty(lam_half, "lam_half") / _HALF


# --------------------------------------------------------------------------------------------
# scikit-learn: Lasso, Ridge, ElasticNet (and statsmodels OLS, glum: the same scaling)


def to_sklearn_alpha(lam: float, n_samples: int, penalty: PenaltyName) -> float:
    """λ of ``RSS + λR`` → scikit-learn's ``alpha`` for ``Lasso`` (l1) or ``Ridge`` (l2).

    ``Lasso`` minimizes ``(1/2n)·RSS + α‖β‖₁`` so α = λ/(2n); ``Ridge`` minimizes
    ``RSS + α‖β‖²₂`` so α = λ.

    Examples
    --------
    >>> import bayesreg as br
    >>> br.to_sklearn_alpha(884.0, n_samples=442, penalty="l1")  # λ/(2n)
    1.0
    >>> br.to_sklearn_alpha(10.0, n_samples=442, penalty="l2")
    10.0
    """
    lam = check_penalty(lam)
    if penalty == "l1":
        return _HALF * lam / check_positive_int(n_samples, "n_samples")
    if penalty == "l2":
        return lam
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_sklearn_alpha(alpha: float, n_samples: int, penalty: PenaltyName) -> float:
    """scikit-learn's ``alpha`` → λ of ``RSS + λR`` (inverse of :func:`to_sklearn_alpha`)."""
    alpha = check_penalty(alpha, "alpha")
    if penalty == "l1":
        return alpha * check_positive_int(n_samples, "n_samples") / _HALF
    if penalty == "l2":
        return alpha
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def _from_mean_mixed(
    alpha: float, ratio: float, n_samples: int, names: tuple[str, str]
) -> tuple[float, float]:
    """(α, r) of ``(1/2n)·D + α·r‖β‖₁ + ½α(1−r)‖β‖²`` → (λ₁, λ₂): multiply by 2n."""
    alpha = check_penalty(alpha, names[0])
    ratio = _check_ratio(ratio, names[1])
    n = check_positive_int(n_samples, "n_samples")
    lam1 = alpha * ratio * n / _HALF
    lam2 = alpha * (1.0 - ratio) * n
    return lam1, lam2


def _to_mean_mixed(lam1: float, lam2: float, n_samples: int) -> tuple[float, float]:
    """(λ₁, λ₂) → (α, r) of ``(1/2n)·D + α·r‖β‖₁ + ½α(1−r)‖β‖²``: divide by 2n."""
    lam1, lam2 = _check_pair(lam1, lam2)
    n = check_positive_int(n_samples, "n_samples")
    a1 = _HALF * lam1 / n  # α·r
    a2 = lam2 / n  # α·(1 − r)
    alpha = a1 + a2
    return alpha, a1 / alpha


def from_sklearn_elasticnet(alpha: float, l1_ratio: float, n_samples: int) -> tuple[float, float]:
    """scikit-learn's ``ElasticNet(alpha, l1_ratio)`` → (λ₁, λ₂) of bayesreg.

    ``ElasticNet`` minimizes ``(1/2n)·RSS + α·r‖β‖₁ + ½α(1−r)‖β‖²`` with r = ``l1_ratio``;
    times 2n that is ``RSS + λ₁‖β‖₁ + λ₂‖β‖²`` with **λ₁ = 2nαr** and **λ₂ = nα(1−r)**
    (``ElasticNetCV``: its ``alpha_`` and ``l1_ratio_``).

    Parameters
    ----------
    alpha : float
        ``alpha`` (≥ 0).
    l1_ratio : float
        ``l1_ratio`` in [0, 1]: 1 is the Lasso, 0 Ridge.
    n_samples : int
        Number of rows n the model was fitted on.

    Returns
    -------
    (lam1, lam2) : tuple of float
    """
    return _from_mean_mixed(alpha, l1_ratio, n_samples, ("alpha", "l1_ratio"))


def to_sklearn_elasticnet(lam1: float, lam2: float, n_samples: int) -> tuple[float, float]:
    """(λ₁, λ₂) of ``RSS + λ₁‖β‖₁ + λ₂‖β‖²`` → ``ElasticNet``'s ``(alpha, l1_ratio)``.

    The inverse of :func:`from_sklearn_elasticnet`: α = λ₁/(2n) + λ₂/n and
    r = (λ₁/(2n))/α. ``ValueError`` when both λ are 0.
    """
    return _to_mean_mixed(lam1, lam2, n_samples)


def from_statsmodels(alpha: float, L1_wt: float, n_samples: int) -> tuple[float, float]:
    """statsmodels' ``fit_regularized(alpha, L1_wt)`` → (λ₁, λ₂) of bayesreg.

    ``OLS.fit_regularized(method="elastic_net")`` minimizes
    ``(1/2n)·RSS + α·(w‖β‖₁ + ½(1−w)‖β‖²)`` with w = ``L1_wt`` (its docstring; the
    ``L1_wt=0`` case is solved in closed form by ``_fit_ridge``), and
    ``GLM.fit_regularized`` minimizes ``−loglik/n + α·(…)``, which for the binomial and
    Poisson families is ``(1/2n)·D + α·(…)`` up to a constant. Times 2n: **λ₁ = 2nαw**,
    **λ₂ = nα(1−w)**, as for scikit-learn's ``ElasticNet`` (and glum's ``alpha``,
    ``l1_ratio``).

    statsmodels has no intercept of its own: the constant column of ``add_constant`` is
    penalized like the others unless ``alpha`` is a vector with 0 at its position (then the
    scalar α of the other entries is the one to convert).

    Returns
    -------
    (lam1, lam2) : tuple of float
    """
    return _from_mean_mixed(alpha, L1_wt, n_samples, ("alpha", "L1_wt"))


def to_statsmodels(lam1: float, lam2: float, n_samples: int) -> tuple[float, float]:
    """(λ₁, λ₂) → statsmodels' ``(alpha, L1_wt)`` (inverse of :func:`from_statsmodels`)."""
    return _to_mean_mixed(lam1, lam2, n_samples)


def from_sklearn_poisson(alpha: float, n_samples: int) -> float:
    """scikit-learn's ``PoissonRegressor(alpha)`` → λ₂ of ``D + λ₂‖β‖²``.

    ``PoissonRegressor`` minimizes ``(1/2n)·D + ½α‖β‖²`` (D the Poisson deviance); times 2n
    that is ``D + nα‖β‖²``: **λ₂ = nα**.
    """
    alpha = check_penalty(alpha, "alpha")
    return alpha * check_positive_int(n_samples, "n_samples")


def to_sklearn_poisson(lam2: float, n_samples: int) -> float:
    """λ₂ of ``D + λ₂‖β‖²`` → ``PoissonRegressor``'s α = λ₂/n."""
    lam2 = check_penalty(lam2, "lam2")
    return lam2 / check_positive_int(n_samples, "n_samples")


class BayesianRidgeReading(NamedTuple):
    """A fitted ``BayesianRidge`` read as a Gaussian linear model with a Gaussian prior."""

    #: σ = 1/√alpha_ (``alpha_`` is the noise precision).
    noise_sigma: float
    #: σ′ = 1/√lambda_ (``lambda_`` is the precision of the weights).
    prior_sigma: float
    #: λ₂ = lambda_/alpha_ = σ²/σ′², at which ``coef_`` is the Ridge fit.
    lam: float


def from_bayesian_ridge(alpha_: float, lambda_: float) -> BayesianRidgeReading:
    """A fitted ``BayesianRidge``'s ``alpha_`` and ``lambda_`` → σ, σ′ and the Ridge λ.

    ``BayesianRidge`` models y = Xβ + ε with noise precision α (``alpha_`` = 1/σ²) and the
    prior β ~ N(0, I/λ) (``lambda_`` = 1/σ′²); its ``coef_`` is the posterior mean at the
    fitted precisions, (αXᵀX + λI)⁻¹αXᵀy on the centred data, i.e. the minimizer of
    ``RSS + (λ/α)‖β‖²``: bayesreg's Ridge at **λ₂ = lambda_/alpha_** = σ²/σ′², the MAP under
    ``GaussianPrior(σ′)`` at noise σ (the posterior is Gaussian: its mean is its mode).
    """
    a = check_scale(alpha_, "alpha_")
    lam = check_scale(lambda_, "lambda_")
    return BayesianRidgeReading(1.0 / math.sqrt(a), 1.0 / math.sqrt(lam), lam / a)


# --------------------------------------------------------------------------------------------
# scikit-learn LogisticRegression: C and l1_ratio


def to_sklearn_C(lam: float, penalty: PenaltyName) -> float:
    """λ of ``D + λR`` → the ``C`` of scikit-learn's ``LogisticRegression`` (same minimizer).

    ``LogisticRegression`` minimizes ``C·L + ‖β‖₁`` (l1) or ``C·L + ½‖β‖²`` (l2) with L = D/2
    the summed log-loss and the intercept unpenalized (solvers other than liblinear), i.e.
    ``D + (2/C)‖β‖₁`` or ``D + (1/C)‖β‖²``: C = 2/λ for l1 and C = 1/λ for l2.

    As a prior scale (binomial, φ = 1): the MAP under a Laplace(b) prior is the l1 fit at
    λ = 2/b, so **C = b**; under a Gaussian(σ′) prior it is the l2 fit at λ = 1/σ′², so
    **C = σ′²**.
    """
    lam = check_penalty(lam)
    if lam == 0.0:
        raise ValueError("lam must be > 0 for LogisticRegression's C (C = inf is no penalty)")
    if penalty == "l1":
        return _DEVIANCE_PER_LOGLOSS / lam
    if penalty == "l2":
        return _DEVIANCE_PER_LOGLOSS * _HALF / lam
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_sklearn_C(C: float, penalty: PenaltyName) -> float:
    """``LogisticRegression``'s ``C`` → λ of ``D + λR`` (inverse of :func:`to_sklearn_C`)."""
    C = check_penalty(C, "C")
    if C == 0.0:
        raise ValueError("C must be > 0")
    if penalty == "l1":
        return _DEVIANCE_PER_LOGLOSS / C
    if penalty == "l2":
        return _DEVIANCE_PER_LOGLOSS * _HALF / C
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_sklearn_logistic(C: float, l1_ratio: float) -> tuple[float, float]:
    """``LogisticRegression(C, l1_ratio)`` → (λ₁, λ₂) of ``D + λ₁‖β‖₁ + λ₂‖β‖²``.

    ``LogisticRegression`` minimizes ``C·L + r‖β‖₁ + ½(1−r)‖β‖²`` with L = D/2 the summed
    log-loss and r = ``l1_ratio`` (r = 1 is the older ``penalty="l1"``, r = 0 ``"l2"``, in
    between ``"elasticnet"``; the intercept unpenalized, solvers other than liblinear). Times
    2/C: **λ₁ = 2r/C** and **λ₂ = (1−r)/C**.

    Parameters
    ----------
    C : float
        Inverse regularization strength (> 0, finite; ``C=inf`` is no penalty).
    l1_ratio : float
        In [0, 1].

    Returns
    -------
    (lam1, lam2) : tuple of float
    """
    C = check_penalty(C, "C")
    if C == 0.0:
        raise ValueError("C must be > 0")
    r = _check_ratio(l1_ratio, "l1_ratio")
    return _DEVIANCE_PER_LOGLOSS * r / C, _DEVIANCE_PER_LOGLOSS * _HALF * (1.0 - r) / C


def to_sklearn_logistic(lam1: float, lam2: float) -> tuple[float, float]:
    """(λ₁, λ₂) of ``D + λ₁‖β‖₁ + λ₂‖β‖²`` → ``LogisticRegression``'s ``(C, l1_ratio)``.

    The inverse of :func:`from_sklearn_logistic`: 1/C = λ₁/2 + λ₂ and r = C·λ₁/2.
    """
    lam1, lam2 = _check_pair(lam1, lam2)
    a1 = lam1 / _DEVIANCE_PER_LOGLOSS  # r/C
    a2 = lam2 / (_DEVIANCE_PER_LOGLOSS * _HALF)  # (1 − r)/C
    inv_c = a1 + a2
    return 1.0 / inv_c, a1 / inv_c


# --------------------------------------------------------------------------------------------
# glmnet


def to_glmnet_lambda(
    lam: float, n_samples: int, penalty: PenaltyName, *, y_scale: float = 1.0
) -> float:
    """λ of ``D + λR`` → glmnet's λ_g with ``alpha=1`` (l1) or ``alpha=0`` (l2).

    glmnet minimizes ``(1/n)·L + λ_g‖β‖₁`` (alpha=1) or ``(1/n)·L + λ_g·½‖β‖²`` (alpha=0),
    with L = D/2 (up to a constant), i.e. ``D + 2nλ_g‖β‖₁`` or ``D + nλ_g‖β‖²``:
    λ_g = λ/(2n) for l1 and λ/n for l2 — for the binomial and Poisson families, and for the
    Gaussian L1. glum's ``alpha`` and statsmodels' ``fit_regularized(alpha=...)`` use this
    scaling for every family. **glmnet's Gaussian family** solves on y/s_y (see
    :func:`from_glmnet`), which makes its l2 value λ_g = s_y·λ/n: pass
    ``y_scale=glmnet_y_scale(y)`` for it (it does not change the l1 value, which for the
    Gaussian family equals scikit-learn's Lasso ``alpha``, :func:`to_sklearn_alpha`).
    """
    lam = check_penalty(lam)
    n = check_positive_int(n_samples, "n_samples")
    s = check_scale(y_scale, "y_scale")
    if penalty == "l1":
        return lam / (_DEVIANCE_PER_LOGLOSS * n)
    if penalty == "l2":
        return lam * s / (_DEVIANCE_PER_LOGLOSS * _HALF * n)
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def from_glmnet_lambda(
    lam_g: float, n_samples: int, penalty: PenaltyName, *, y_scale: float = 1.0
) -> float:
    """glmnet's λ_g → λ of ``D + λR`` (inverse of :func:`to_glmnet_lambda`)."""
    lam_g = check_penalty(lam_g, "lam_g")
    n = check_positive_int(n_samples, "n_samples")
    s = check_scale(y_scale, "y_scale")
    if penalty == "l1":
        return lam_g * _DEVIANCE_PER_LOGLOSS * n
    if penalty == "l2":
        return lam_g * _DEVIANCE_PER_LOGLOSS * _HALF * n / s
    raise ValueError(f"penalty must be 'l1' or 'l2'; got {penalty!r}")


def glmnet_y_scale(y: ArrayLike, *, intercept: bool = True) -> float:
    """s_y, the scale by which glmnet's Gaussian family divides y before solving.

    The population standard deviation √(Σ(yᵢ − ȳ)²/n) with ``intercept=TRUE``, and
    √(Σyᵢ²/n) (about 0) with ``intercept=FALSE`` (glmnet's Fortran ``standard`` routine,
    unit weights). Only the Gaussian family's L2 part depends on it (:func:`from_glmnet`).
    """
    ya = check_vector(y)
    c = ya - ya.mean() if intercept else ya
    s = float(np.sqrt(np.mean(c * c)))
    if not s > 0.0:
        raise ValueError("y is constant: glmnet's gaussian family has no scale s_y to divide by")
    return s


def glmnet_x_scales(X: ArrayLike) -> NDArray[np.float64]:
    """sⱼ, the population standard deviations (divisor n) of the columns of a dense X.

    What glmnet divides each column by with ``standardize=TRUE``, with or without an
    intercept (measured on glmnet 4.1.6: the centred standard deviation in both cases).
    """
    Xa = check_matrix(X)
    s = Xa.std(axis=0)
    zero = np.flatnonzero(s == 0.0)
    if zero.size:
        raise ValueError(
            f"column {int(zero[0])} of X is constant: glmnet's standardize=TRUE cannot scale it "
            "(glmnet leaves its coefficient at 0); drop it"
        )
    return s


def glmnet_scaled_design(X: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(X/s, s): the design on which glmnet's ``standardize=TRUE`` penalty is bayesreg's.

    glmnet with ``standardize=TRUE`` minimizes its objective over γ = s·β (the coefficients
    of the columns divided by their population sd s, :func:`glmnet_x_scales`) and reports β.
    bayesreg's fit of ``X/s`` at the (λ₁, λ₂) of :func:`from_glmnet` is that γ, with the
    same intercept (columns only scaled, not centred); :func:`glmnet_coef_from_scaled` gives
    β. (bayesreg's own ``standardize=True`` z-scores, so it finds the same γ with the
    intercept of the centred columns.)
    """
    s = glmnet_x_scales(X)
    return check_matrix(X) / s, s


def glmnet_coef_from_scaled(coef: ArrayLike, scales: ArrayLike) -> NDArray[np.float64]:
    """β = γ/s: coefficients of :func:`glmnet_scaled_design` on the original columns."""
    c = np.asarray(coef, dtype=np.float64)
    s = np.asarray(scales, dtype=np.float64)
    if c.shape[-1:] != s.shape:
        raise ValueError(f"coef has {c.shape[-1:]} features but scales has shape {s.shape}")
    return c / s


def _glmnet_y_factor(family: Family, alpha: float, y_scale: float | None) -> float:
    """s_y for the Gaussian family's ridge part (1 otherwise); required there."""
    if not isinstance(family, Gaussian) or alpha == 1.0:
        return 1.0
    if y_scale is None:
        raise ValueError(
            "glmnet's gaussian family solves on y/s_y, which scales its ridge part (alpha < 1): "
            "pass y_scale = glmnet_y_scale(y, intercept=...)"
        )
    return check_scale(y_scale, "y_scale")


def from_glmnet(
    lambda_: float,
    alpha: float,
    n_samples: int,
    *,
    family: str | Family = "gaussian",
    y_scale: float | None = None,
) -> tuple[float, float]:
    """glmnet's ``lambda`` and ``alpha`` → (λ₁, λ₂) of ``D + λ₁‖β‖₁ + λ₂‖β‖²``.

    glmnet minimizes ``(1/n)·L + λ_g·(α‖β‖₁ + ½(1−α)‖β‖²)`` with L = ½RSS (Gaussian) or the
    log-loss, D/2 up to a constant (binomial, Poisson); times 2n:
    **λ₁ = 2nαλ_g** and, for the binomial and Poisson families, **λ₂ = n(1−α)λ_g**.

    **The Gaussian family's y-scaling.** glmnet's Gaussian family divides y by s_y
    (:func:`glmnet_y_scale`), solves at λ_g/s_y and multiplies the coefficients back by s_y.
    With γ = β/s_y that is (1/2n)‖y/s_y − Xγ‖² + (λ_g/s_y)(α‖γ‖₁ + ½(1−α)‖γ‖²), which times
    2n·s_y² is ``RSS + 2nαλ_g‖β‖₁ + (n(1−α)λ_g/s_y)‖β‖²``:

        **λ₁ = 2nαλ_g,   λ₂ = n(1−α)λ_g / s_y**   (Gaussian family),

    so ``y_scale`` = s_y is required for ``alpha < 1``. Verified against glmnet 4.1.6
    (R 4.2.2; ``thresh=1e-20``): for α ∈ {0, 0.4, 1}, ``intercept`` TRUE/FALSE and
    ``standardize`` TRUE/FALSE, the KKT conditions of bayesreg's objective at these (λ₁, λ₂)
    hold at glmnet's coefficients to 1e-11 relative (λ₂ without the 1/s_y misses them by the
    factor s_y), bayesreg's solution at them matches glmnet's coefficients to ~1e-9
    (``tests/test_conventions.py``), and the ridge KKT ratio xⱼᵀr/βⱼ at glmnet's ridge fit is
    n·λ_g/s_y in every coordinate.

    With ``standardize=TRUE`` these (λ₁, λ₂) apply to the scaled design of
    :func:`glmnet_scaled_design`; ``intercept`` enters through s_y only.

    Parameters
    ----------
    lambda_ : float
        glmnet's ``lambda`` (≥ 0).
    alpha : float
        glmnet's mixing ``alpha`` in [0, 1] (1 the lasso, 0 ridge).
    n_samples : int
        Number of rows n (unit weights).
    family : {"gaussian", "binomial", "poisson"}
    y_scale : float, optional
        s_y = :func:`glmnet_y_scale` (y, intercept=...); needed for the Gaussian family with
        ``alpha < 1``, ignored otherwise.

    Returns
    -------
    (lam1, lam2) : tuple of float
    """
    lam_g = check_penalty(lambda_, "lambda")
    a = _check_ratio(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    s = _glmnet_y_factor(get_family(family), a, y_scale)
    lam1 = _DEVIANCE_PER_LOGLOSS * n * a * lam_g
    lam2 = _DEVIANCE_PER_LOGLOSS * _HALF * n * (1.0 - a) * lam_g / s
    return lam1, lam2


def to_glmnet(
    lam1: float,
    lam2: float,
    n_samples: int,
    *,
    family: str | Family = "gaussian",
    y_scale: float | None = None,
) -> tuple[float, float]:
    """(λ₁, λ₂) → glmnet's ``(lambda, alpha)`` (inverse of :func:`from_glmnet`).

    λ_g·α = λ₁/(2n) and λ_g·(1−α) = s·λ₂/n, with s = s_y for the Gaussian family (required
    when λ₂ > 0) and 1 otherwise: λ_g is their sum and α = λ₁/(2nλ_g).
    """
    lam1, lam2 = _check_pair(lam1, lam2)
    n = check_positive_int(n_samples, "n_samples")
    s = _glmnet_y_factor(get_family(family), 1.0 if lam2 == 0.0 else 0.0, y_scale)
    a1 = lam1 / (_DEVIANCE_PER_LOGLOSS * n)
    a2 = lam2 * s / (_DEVIANCE_PER_LOGLOSS * _HALF * n)
    lam_g = a1 + a2
    return lam_g, a1 / lam_g


# --------------------------------------------------------------------------------------------
# every convention for one problem


@dataclass(frozen=True)
class Convention:
    """One library's parameters for a bayesreg problem."""

    #: Library and estimator, e.g. ``"scikit-learn Lasso"``.
    library: str
    #: The call with its parameters, e.g. ``"Lasso(alpha=0.1)"``.
    call: str
    #: The parameters by name; None where a number needs what was not given (s_y).
    params: dict[str, float | None]
    #: The objective that library minimizes, in its own symbols.
    objective: str
    note: str = ""


@dataclass(frozen=True)
class PriorScales:
    """The prior whose MAP is the problem, with its scale(s) (None where σ is needed)."""

    #: ``"laplace"``, ``"gaussian"`` or ``"elasticnet"``.
    prior: str
    #: The scales by name, ``"b"`` and/or ``"sigma"`` (σ′); None without σ (Gaussian family).
    scales: dict[str, float | None]
    #: Each scale as a formula, with its factor when σ is not known.
    formulas: dict[str, str]


@dataclass(frozen=True)
class ConventionsTable:
    """The parameters of every library for one problem ``D + λ₁‖β‖₁ + λ₂‖β‖²``."""

    lam1: float
    lam2: float
    n_samples: int
    family: str
    noise_sigma: float | None
    y_scale: float | None
    rows: list[Convention] = field(default_factory=list)
    prior: PriorScales | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return asdict(self)

    def __str__(self) -> str:
        return format_conventions(self)


def _g(v: float) -> str:
    return f"{v:.6g}"


def _prior_scales(lam1: float, lam2: float, fam: Family, sigma: float | None) -> PriorScales:
    """The prior for (λ₁, λ₂) through :mod:`bayesreg.priors` (the home of λ ↔ scale)."""
    from bayesreg.priors import GaussianPrior, LaplacePrior

    gaussian = isinstance(fam, Gaussian)
    phi = "σ²" if gaussian else "φ"
    s = sigma if sigma is not None or gaussian else 1.0
    scales: dict[str, float | None] = {}
    formulas: dict[str, str] = {}
    if lam1 > 0:
        unit = LaplacePrior.from_penalty(lam1, 1.0).b  # b at σ = 1; b scales as σ²
        scales["b"] = None if s is None else LaplacePrior.from_penalty(lam1, s).b
        formulas["b"] = f"b = 2{phi}/λ₁ = " + (
            f"{_g(unit)}·σ²" if s is None else _g(scales["b"])  # type: ignore[arg-type]
        )
    if lam2 > 0:
        unit = GaussianPrior.from_penalty(lam2, 1.0).scale  # σ′ at σ = 1; σ′ scales as σ
        scales["sigma"] = None if s is None else GaussianPrior.from_penalty(lam2, s).scale
        root = "σ" if gaussian else "√φ"
        formulas["sigma"] = f"σ′ = {root}/√λ₂ = " + (
            f"{_g(unit)}·σ" if s is None else _g(scales["sigma"])  # type: ignore[arg-type]
        )
    name = "elasticnet" if lam1 > 0 and lam2 > 0 else ("laplace" if lam1 > 0 else "gaussian")
    return PriorScales(name, scales, formulas)


def conventions_table(
    lam1: float,
    lam2: float = 0.0,
    n_samples: int = 1,
    family: str | Family = "gaussian",
    *,
    noise_sigma: float | None = None,
    y_scale: float | None = None,
) -> ConventionsTable:
    """Every library's parameters for bayesreg's ``D + λ₁‖β‖₁ + λ₂‖β‖²`` (and its prior).

    Parameters
    ----------
    lam1, lam2 : float
        bayesreg's λ₁ (L1) and λ₂ (L2), ≥ 0, not both 0.
    n_samples : int
        Number of rows n (every library but bayesreg and ``Ridge`` scales by it).
    family : {"gaussian", "binomial", "poisson"}
    noise_sigma : float, optional
        σ of the Gaussian family, for the prior scales (without it they are given as
        multiples of σ² and σ); must be omitted for binomial and Poisson (φ = 1).
    y_scale : float, optional
        s_y (:func:`glmnet_y_scale`) for glmnet's Gaussian family when λ₂ > 0; without it
        the glmnet row gives its formula and no number.

    Returns
    -------
    ConventionsTable
        Rows for bayesreg, the ½·RSS texts (Gaussian), scikit-learn (``Lasso``, ``Ridge``,
        ``ElasticNet``; ``LogisticRegression``; ``PoissonRegressor``, where the penalty
        fits), glmnet, statsmodels and glum, and the prior scales.
    """
    lam1, lam2 = _check_pair(lam1, lam2)
    n = check_positive_int(n_samples, "n_samples")
    fam = get_family(family)
    gaussian = isinstance(fam, Gaussian)
    if noise_sigma is not None:
        if not gaussian:
            raise ValueError(
                f"the {fam.name} family has no noise sigma (its dispersion is fixed at 1); "
                "omit noise_sigma"
            )
        noise_sigma = check_scale(noise_sigma, "noise_sigma")
    if y_scale is not None:
        y_scale = check_scale(y_scale, "y_scale")
    data = "RSS" if gaussian else "D"
    rows = [
        Convention(
            "bayesreg", f"lam1={_g(lam1)}, lam2={_g(lam2)}", {"lam1": lam1, "lam2": lam2},
            f"{data} + λ₁‖β‖₁ + λ₂‖β‖²",
        )
    ]  # fmt: skip
    if gaussian:
        h1, h2 = to_half_rss(lam1), to_half_rss(lam2)
        rows.append(
            Convention(
                "½·RSS (coordinate-descent texts)", f"lam1={_g(h1)}, lam2={_g(h2)}",
                {"lam1": h1, "lam2": h2}, "½RSS + λ₁‖β‖₁ + λ₂‖β‖²",
            )
        )  # fmt: skip
        if lam2 == 0.0:
            a = to_sklearn_alpha(lam1, n, "l1")
            rows.append(
                Convention("scikit-learn Lasso", f"Lasso(alpha={_g(a)})", {"alpha": a},
                           "(1/2n)RSS + α‖β‖₁")
            )  # fmt: skip
        if lam1 == 0.0:
            a = to_sklearn_alpha(lam2, n, "l2")
            rows.append(
                Convention("scikit-learn Ridge", f"Ridge(alpha={_g(a)})", {"alpha": a},
                           "RSS + α‖β‖²")
            )  # fmt: skip
        if lam1 > 0.0 and lam2 > 0.0:
            a, r = to_sklearn_elasticnet(lam1, lam2, n)
            rows.append(
                Convention(
                    "scikit-learn ElasticNet", f"ElasticNet(alpha={_g(a)}, l1_ratio={_g(r)})",
                    {"alpha": a, "l1_ratio": r}, "(1/2n)RSS + αr‖β‖₁ + ½α(1−r)‖β‖²",
                )
            )  # fmt: skip
    elif fam.name == "binomial":
        C, r = to_sklearn_logistic(lam1, lam2)
        old = {1.0: "l1", 0.0: "l2"}.get(r, "elasticnet")
        rows.append(
            Convention(
                "scikit-learn LogisticRegression",
                f"LogisticRegression(C={_g(C)}, l1_ratio={_g(r)})",
                {"C": C, "l1_ratio": r}, "C·L + r‖β‖₁ + ½(1−r)‖β‖²",
                f"older spelling: penalty={old!r}; not solver='liblinear' (it penalizes the "
                "intercept)",
            )
        )  # fmt: skip
    elif lam1 == 0.0:
        a = to_sklearn_poisson(lam2, n)
        rows.append(
            Convention("scikit-learn PoissonRegressor", f"PoissonRegressor(alpha={_g(a)})",
                       {"alpha": a}, "(1/2n)D + ½α‖β‖²")
        )  # fmt: skip
    fam_arg = "" if gaussian else f', family="{fam.name}"'
    if gaussian and lam2 > 0.0 and y_scale is None:
        a1 = lam1 / (_DEVIANCE_PER_LOGLOSS * n)
        a2 = lam2 / (_DEVIANCE_PER_LOGLOSS * _HALF * n)
        rows.append(
            Convention(
                "glmnet", "glmnet(lambda = λ₁/(2n) + s_y·λ₂/n, alpha = λ₁/(2n)/lambda)",
                {"lambda": None, "alpha": None}, "(1/2n)RSS + λ(α‖β‖₁ + ½(1−α)‖β‖²), on y/s_y",
                f"needs s_y, the population sd of y (--y-sd): lambda = {_g(a1)} + {_g(a2)}·s_y",
            )
        )  # fmt: skip
    else:
        lg, al = to_glmnet(lam1, lam2, n, family=fam, y_scale=y_scale)
        rows.append(
            Convention(
                "glmnet", f"glmnet(lambda={_g(lg)}, alpha={_g(al)}{fam_arg}, standardize=FALSE)",
                {"lambda": lg, "alpha": al},
                ("(1/2n)RSS" if gaussian else "(1/n)L") + " + λ(α‖β‖₁ + ½(1−α)‖β‖²)",
                (f"with s_y = {_g(y_scale)} (y scaled by 1/s_y); " if gaussian and lam2 > 0.0
                 else "")
                + "standardize=TRUE: the same values penalize the coefficients of X/sd(X)",
            )
        )  # fmt: skip
    a, w = to_statsmodels(lam1, lam2, n)
    sm_model = "OLS" if gaussian else f"GLM(family={fam.name.capitalize()}())"
    rows.append(
        Convention(
            f"statsmodels {sm_model.split('(')[0]}",
            f"{sm_model}.fit_regularized(alpha={_g(a)}, L1_wt={_g(w)})",
            {"alpha": a, "L1_wt": w},
            ("(1/2n)RSS" if gaussian else "−loglik/n") + " + α(w‖β‖₁ + ½(1−w)‖β‖²)",
            "the constant column is penalized too unless its alpha entry is 0",
        )
    )  # fmt: skip
    glum_family = {"gaussian": "normal"}.get(fam.name, fam.name)
    rows.append(
        Convention(
            "glum",
            f'GeneralizedLinearRegressor(alpha={_g(a)}, l1_ratio={_g(w)}, family="{glum_family}")',
            {"alpha": a, "l1_ratio": w}, f"(1/2n){data} + α(r‖β‖₁ + ½(1−r)‖β‖²)",
        )
    )  # fmt: skip
    return ConventionsTable(
        lam1, lam2, n, fam.name, noise_sigma, y_scale, rows,
        _prior_scales(lam1, lam2, fam, noise_sigma),
    )  # fmt: skip


def format_conventions(table: ConventionsTable) -> str:
    """Human-readable text of a :class:`ConventionsTable`."""
    data = "RSS" if table.family == "gaussian" else "D"
    lines = [
        f"{data} + λ₁‖β‖₁ + λ₂‖β‖²  with  λ₁ = {_g(table.lam1)}, λ₂ = {_g(table.lam2)}"
        f"   ({table.family} family, n = {table.n_samples})",
        "",
    ]
    width = max(len(r.library) for r in table.rows)
    for r in table.rows:
        lines.append(f"  {r.library:<{width}}  {r.call}")
        lines.append(f"  {'':<{width}}    minimizes {r.objective}")
        if r.note:
            lines.append(f"  {'':<{width}}    {r.note}")
    p = table.prior
    if p is not None:
        names = {
            "laplace": "Laplace(b)",
            "gaussian": "Gaussian(σ′)",
            "elasticnet": "elastic net ∝ exp(−|β|/b − β²/(2σ′²))",
        }
        lines += ["", f"  prior: {names[p.prior]}, whose MAP is this fit:"]
        lines += [f"    {f}" for f in p.formulas.values()]
        if table.family == "gaussian" and table.noise_sigma is None:
            lines.append("    (the prior scale needs the noise σ: give it for the number)")
        elif table.family == "gaussian":
            lines.append(f"    at noise σ = {_g(table.noise_sigma)}")  # type: ignore[arg-type]
        else:
            lines.append(f"    (φ = 1: the {table.family} family has no noise σ)")
    return "\n".join(lines)
