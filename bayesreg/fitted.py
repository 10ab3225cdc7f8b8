"""A fitted scikit-learn model read as a prior: is its answer really the MAP?

:func:`check_fitted` takes a fitted estimator (``Lasso``, ``Ridge``, ``ElasticNet``, their
``…CV`` variants, ``LogisticRegression``, ``PoissonRegressor``, ``BayesianRidge``), reads its
regularization through :mod:`bayesreg.conventions`, derives the prior whose MAP its
objective is (at the noise σ given, estimated, or, for ``BayesianRidge``, its own), runs
:func:`bayesreg.check_equivalence` for that prior, and adds the estimator's own coefficients
as one more route, with its distance to the analytic solution, its support and its
optimality residual (:func:`bayesreg.optimality.optimality_residual`). ``report.agree``
then says whether the scikit-learn fit is the MAP to the check's tolerance.

Each estimator is one row of :data:`READERS`: a function from the fitted estimator and n to
a :class:`FittedReading`. scikit-learn is not imported here: estimators are recognized by
their class name (and its bases).

What cannot be read off a fitted estimator: a ``sample_weight`` given to ``fit`` (it changes
the data term; such a fit comes out as disagreeing, not as refused), and whether ``X`` and
``y`` are the data it was fitted on (only the number of features is checked).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg import conventions as conv
from bayesreg.check import ROUTES, EquivalenceReport, RouteResult, _compare, check_equivalence
from bayesreg.families import get_family
from bayesreg.map import MapEstimate
from bayesreg.model import estimate_noise_sigma, prepare_design
from bayesreg.optimality import optimality_residual
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior, Prior


@dataclass(frozen=True)
class FittedReading:
    """What a fitted estimator's settings say: its family, (λ₁, λ₂) and its own answer."""

    #: Short route name for the report, e.g. ``"sklearn Lasso"``.
    route: str
    family: str
    lam1: float
    lam2: float
    fit_intercept: bool
    coef: NDArray[np.float64]
    intercept: float
    #: One line: the estimator's parameters, its objective and the λ they give.
    source: str
    converged: bool = True
    n_iter: int = 0
    #: σ fixed by the estimator itself (``BayesianRidge``: 1/√alpha_), else None.
    noise_sigma: float | None = None


Reader = Callable[[Any, int], FittedReading]


def _name(est: Any) -> str:
    return type(est).__name__


def _g(v: float) -> str:
    return f"{v:.6g}"


def _coef(est: Any) -> tuple[NDArray[np.float64], float]:
    """coef_ and intercept_ of a single-output fit; ``ValueError`` for several outputs."""
    coef = np.asarray(est.coef_, dtype=np.float64)
    if coef.ndim == 2 and coef.shape[0] == 1:
        coef = coef[0]
    if coef.ndim != 1:
        raise ValueError(
            f"{_name(est)} was fitted on {coef.shape[0]} targets: check_fitted takes one"
        )
    icpt = np.asarray(est.intercept_, dtype=np.float64).reshape(-1)
    return coef, float(icpt[0]) if icpt.size else 0.0


def _refuse_positive(est: Any) -> None:
    if getattr(est, "positive", False):
        raise ValueError(
            f"{_name(est)}(positive=True) constrains the coefficients to be >= 0: that is no "
            "Laplace or Gaussian prior's MAP"
        )


def _iterations(est: Any) -> tuple[bool, int]:
    """(converged, n_iter): scikit-learn stops at ``max_iter`` without converging."""
    n_iter = getattr(est, "n_iter_", None)
    if n_iter is None:
        return True, 0
    it = int(np.max(np.asarray(n_iter)))
    max_iter = getattr(est, "max_iter", None)
    return (max_iter is None or it < int(max_iter)), it


def _scalar_alpha(est: Any, value: Any, attr: str) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 0 and arr.size != 1:
        raise ValueError(
            f"{_name(est)} has one {attr} per target ({arr.size}): check_fitted takes one target"
        )
    return float(arr.reshape(-1)[0])


def _penalized(est: Any, lam1: float, lam2: float) -> None:
    if lam1 == 0.0 and lam2 == 0.0:
        raise ValueError(f"{_name(est)} was fitted without a penalty (alpha = 0): no prior's MAP")


def _read_lasso(est: Any, n: int) -> FittedReading:
    _refuse_positive(est)
    alpha = _scalar_alpha(est, est.alpha_ if hasattr(est, "alpha_") else est.alpha, "alpha")
    lam1 = conv.from_sklearn_alpha(alpha, n, "l1")
    _penalized(est, lam1, 0.0)
    coef, icpt = _coef(est)
    attr = "alpha_" if hasattr(est, "alpha_") else "alpha"
    return FittedReading(
        f"sklearn {_name(est)}", "gaussian", lam1, 0.0, bool(est.fit_intercept), coef, icpt,
        f"{_name(est)}({attr}={_g(alpha)}) minimizes (1/2n)RSS + α‖β‖₁: λ = 2nα = {_g(lam1)}",
        *_iterations(est),
    )  # fmt: skip


def _read_elasticnet(est: Any, n: int) -> FittedReading:
    _refuse_positive(est)
    cv = hasattr(est, "alpha_")
    alpha = _scalar_alpha(est, est.alpha_ if cv else est.alpha, "alpha")
    ratio = float(est.l1_ratio_ if cv else est.l1_ratio)
    lam1, lam2 = conv.from_sklearn_elasticnet(alpha, ratio, n)
    _penalized(est, lam1, lam2)
    coef, icpt = _coef(est)
    u = "_" if cv else ""
    return FittedReading(
        f"sklearn {_name(est)}", "gaussian", lam1, lam2, bool(est.fit_intercept), coef, icpt,
        f"{_name(est)}(alpha{u}={_g(alpha)}, l1_ratio{u}={_g(ratio)}) minimizes (1/2n)RSS + "
        f"αr‖β‖₁ + ½α(1−r)‖β‖²: λ₁ = 2nαr = {_g(lam1)}, λ₂ = nα(1−r) = {_g(lam2)}",
        *_iterations(est),
    )  # fmt: skip


def _read_ridge(est: Any, n: int) -> FittedReading:
    _refuse_positive(est)
    cv = hasattr(est, "alpha_")
    if cv and getattr(est, "alpha_per_target", False):
        raise ValueError("RidgeCV(alpha_per_target=True) has one alpha per target: refit one")
    alpha = _scalar_alpha(est, est.alpha_ if cv else est.alpha, "alpha")
    lam2 = conv.from_sklearn_alpha(alpha, n, "l2")
    _penalized(est, 0.0, lam2)
    coef, icpt = _coef(est)
    return FittedReading(
        f"sklearn {_name(est)}", "gaussian", 0.0, lam2, bool(est.fit_intercept), coef, icpt,
        f"{_name(est)}(alpha{'_' if cv else ''}={_g(alpha)}) minimizes RSS + α‖β‖²: "
        f"λ = α = {_g(lam2)}",
        *_iterations(est),
    )  # fmt: skip


def logistic_penalty(est: Any) -> tuple[str | None, float]:
    """(penalty, l1_ratio) a ``LogisticRegression`` was fitted with, as scikit-learn reads them.

    ``penalty`` left at its default (``"deprecated"``, scikit-learn ≥ 1.8) follows
    ``l1_ratio``: 0 (or None) is "l2", 1 "l1", in between "elasticnet", and ``C=inf`` is no
    penalty (None); an explicit ``penalty`` is used as given, with ``l1_ratio`` 1 for "l1", 0
    for "l2" and the estimator's for "elasticnet".
    """
    penalty = getattr(est, "penalty", "deprecated")
    ratio = getattr(est, "l1_ratio", None)
    if penalty == "deprecated":
        r = 0.0 if ratio is None else float(ratio)
        name: str | None = {0.0: "l2", 1.0: "l1"}.get(r, "elasticnet")
        if math.isinf(float(est.C)):
            name = None
        return name, r
    if penalty is None or penalty == "none":
        return None, 0.0
    if penalty == "elasticnet":
        if ratio is None:
            raise ValueError("LogisticRegression(penalty='elasticnet') needs l1_ratio")
        return penalty, float(ratio)
    if penalty in ("l1", "l2"):
        return penalty, 1.0 if penalty == "l1" else 0.0
    raise ValueError(f"LogisticRegression with penalty={penalty!r} is not supported")


def _read_logistic(est: Any, n: int) -> FittedReading:
    classes = getattr(est, "classes_", ())
    if len(classes) != 2:
        raise ValueError(
            f"LogisticRegression fitted on {len(classes)} classes: check_fitted takes a binary "
            "fit (the binomial family)"
        )
    penalty, ratio = logistic_penalty(est)
    if penalty is None:
        raise ValueError("LogisticRegression without a penalty (C=inf or penalty=None): no prior")
    if est.solver == "liblinear" and est.fit_intercept:
        raise ValueError(
            "LogisticRegression(solver='liblinear') penalizes the intercept, which no prior with "
            "a flat intercept does: refit with another solver (lbfgs, saga, ...)"
        )
    if getattr(est, "class_weight", None) is not None:
        raise ValueError(
            "LogisticRegression(class_weight=...) weights the data term: refit without it"
        )
    lam1, lam2 = conv.from_sklearn_logistic(float(est.C), ratio)
    coef, icpt = _coef(est)
    how = {"l1": f"λ = 2/C = {_g(lam1)}", "l2": f"λ = 1/C = {_g(lam2)}"}.get(
        penalty, f"λ₁ = 2r/C = {_g(lam1)}, λ₂ = (1−r)/C = {_g(lam2)}"
    )
    return FittedReading(
        "sklearn Logistic", "binomial", lam1, lam2, bool(est.fit_intercept), coef, icpt,
        f"LogisticRegression(C={_g(float(est.C))}, {penalty}"
        + (f", l1_ratio={_g(ratio)}" if penalty == "elasticnet" else "")
        + f", solver={est.solver!r}) minimizes C·L + r‖β‖₁ + ½(1−r)‖β‖²: {how}",
        *_iterations(est),
    )  # fmt: skip


def _read_poisson(est: Any, n: int) -> FittedReading:
    lam2 = conv.from_sklearn_poisson(float(est.alpha), n)
    _penalized(est, 0.0, lam2)
    coef, icpt = _coef(est)
    return FittedReading(
        "sklearn Poisson", "poisson", 0.0, lam2, bool(est.fit_intercept), coef, icpt,
        f"PoissonRegressor(alpha={_g(float(est.alpha))}) minimizes (1/2n)D + ½α‖β‖²: "
        f"λ = nα = {_g(lam2)}",
        *_iterations(est),
    )  # fmt: skip


def _read_bayesian_ridge(est: Any, n: int) -> FittedReading:
    reading = conv.from_bayesian_ridge(float(est.alpha_), float(est.lambda_))
    coef, icpt = _coef(est)
    return FittedReading(
        "sklearn BayesRidge", "gaussian", 0.0, reading.lam, bool(est.fit_intercept), coef, icpt,
        f"BayesianRidge(alpha_={_g(float(est.alpha_))}, lambda_={_g(float(est.lambda_))}) is "
        f"the MAP at noise σ = 1/√alpha_ = {_g(reading.noise_sigma)} under "
        f"Gaussian(σ′ = 1/√lambda_ = {_g(reading.prior_sigma)}): λ = lambda_/alpha_ = "
        f"{_g(reading.lam)}",
        *_iterations(est), reading.noise_sigma,
    )  # fmt: skip


#: The supported estimators, by class name: how to read each one.
READERS: dict[str, Reader] = {
    "Lasso": _read_lasso,
    "LassoCV": _read_lasso,
    "ElasticNet": _read_elasticnet,
    "ElasticNetCV": _read_elasticnet,
    "Ridge": _read_ridge,
    "RidgeCV": _read_ridge,
    "LogisticRegression": _read_logistic,
    "PoissonRegressor": _read_poisson,
    "BayesianRidge": _read_bayesian_ridge,
}


def read_fitted(estimator: Any, n_samples: int) -> FittedReading:
    """The :class:`FittedReading` of a fitted estimator (``ValueError`` if unsupported)."""
    reader = next((READERS[c.__name__] for c in type(estimator).__mro__ if c.__name__ in READERS),
                  None)  # fmt: skip
    if reader is None:
        raise ValueError(
            f"check_fitted does not know {_name(estimator)}; supported: {', '.join(READERS)}"
        )
    if not hasattr(estimator, "coef_"):
        raise ValueError(f"{_name(estimator)} is not fitted (no coef_): call fit first")
    return reader(estimator, n_samples)


def prior_for(lam1: float, lam2: float, noise_sigma: float) -> Prior:
    """The prior whose MAP is the fit at (λ₁, λ₂) for noise σ (σ = 1 for φ = 1 families).

    λ₂ = 0: ``LaplacePrior``; λ₁ = 0: ``GaussianPrior``; both: ``ElasticNetPrior(b, σ′)``
    with b from λ₁ and σ′ from λ₂ (so that γ = b/(2σ′²) = λ₂/λ₁).
    """
    if lam1 > 0.0 and lam2 > 0.0:
        b = LaplacePrior.from_penalty(lam1, noise_sigma).b
        sigma = GaussianPrior.from_penalty(lam2, noise_sigma).scale
        return ElasticNetPrior(b, sigma)
    if lam1 > 0.0:
        return LaplacePrior.from_penalty(lam1, noise_sigma)
    return GaussianPrior.from_penalty(lam2, noise_sigma)


def check_fitted(
    estimator: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    noise_sigma: float | None = None,
    feature_names: Sequence[str] | None = None,
    routes: Sequence[str] = ROUTES,
    tolerance: float | None = None,
) -> EquivalenceReport:
    """Check that a fitted scikit-learn model is the MAP of the prior its settings imply.

    Parameters
    ----------
    estimator : fitted scikit-learn estimator
        ``Lasso``, ``LassoCV`` (a Laplace prior), ``Ridge``, ``RidgeCV``, ``BayesianRidge``
        (a Gaussian prior), ``ElasticNet``, ``ElasticNetCV`` (an ``ElasticNetPrior``;
        ``l1_ratio`` 1 or 0 are the Laplace and Gaussian priors), ``LogisticRegression``
        (binary; l1, l2, elasticnet: the binomial family) and
        ``PoissonRegressor`` (the Poisson family). Refused with a ``ValueError``: several
        targets or classes, ``positive=True``, no penalty, ``RidgeCV(alpha_per_target=True)``,
        ``LogisticRegression`` with liblinear and an intercept (it penalizes the intercept)
        or with ``class_weight``. A ``sample_weight`` given to ``fit`` cannot be detected.
    X, y : array-like
        The data the estimator was fitted on.
    noise_sigma : float, optional
        σ of the Gaussian family, which sets the prior scale (not λ, which the estimator
        fixes, so not the verdict): when omitted it is estimated by least squares with
        n − p − 1 degrees of freedom (:func:`bayesreg.estimate_noise_sigma`) and the report
        says so. Not for the binomial and Poisson families, nor ``BayesianRidge`` (which has
        its own, 1/√alpha_).
    feature_names : sequence of str, optional
    routes : sequence of {"analytic", "find_map", "scipy"}
        The MAP routes to run besides the estimator's (default all; the analytic one always).
    tolerance : float, optional
        Agreement tolerance of :func:`bayesreg.check_equivalence` (default the prior's).

    Returns
    -------
    EquivalenceReport
        With one more route, named e.g. ``"sklearn Lasso"``, holding the estimator's
        coefficients, and ``source`` saying how the prior was read.
    """
    reading = read_fitted(estimator, _n_rows(X))
    fam = get_family(reading.family)
    Xa, ya, _, _ = prepare_design(
        X, y, feature_names, fit_intercept=reading.fit_intercept, standardize=False, family=fam
    )
    if reading.coef.shape != (Xa.shape[1],):
        raise ValueError(
            f"{_name(estimator)} has {reading.coef.size} coefficients but X has "
            f"{Xa.shape[1]} columns: pass the data it was fitted on"
        )
    estimated = None
    if fam.name != "gaussian":
        if noise_sigma is not None:
            raise ValueError(
                f"the {fam.name} family has no noise sigma (its dispersion is fixed at 1); "
                "omit noise_sigma"
            )
        sigma = 1.0
    elif reading.noise_sigma is not None:
        if noise_sigma is not None:
            raise ValueError(
                f"{_name(estimator)} has its own noise sigma (1/√alpha_ = "
                f"{reading.noise_sigma:.6g}); omit noise_sigma"
            )
        sigma = reading.noise_sigma
    elif noise_sigma is None:
        estimated = estimate_noise_sigma(Xa, ya, fit_intercept=reading.fit_intercept)
        sigma = estimated.value
    else:
        sigma = float(noise_sigma)
    prior = prior_for(reading.lam1, reading.lam2, sigma)
    report = check_equivalence(
        X, y, prior, sigma if fam.name == "gaussian" else None,
        fit_intercept=reading.fit_intercept, feature_names=feature_names, routes=routes,
        tolerance=tolerance, family=fam,
    )  # fmt: skip
    if estimated is not None:
        report = dataclasses.replace(
            report, noise_sigma_estimated=True, noise_sigma_dof=estimated.dof
        )
    ref = report.routes["analytic"]
    ref_est = MapEstimate(np.asarray(ref.coef), ref.intercept, "analytic", 0.0, True, 0)
    own = MapEstimate(
        reading.coef, reading.intercept if reading.fit_intercept else 0.0, reading.route, 0.0,
        reading.converged, reading.n_iter,
        "fitted by scikit-learn (time not measured: seconds NaN)",
    )  # fmt: skip
    cmp = _compare(own, ref_est, report.tolerance)
    resid = optimality_residual(
        Xa, ya, own.coef, own.intercept, report.lam, prior.regularizer,
        reading.fit_intercept, fam,
    )  # fmt: skip
    route = RouteResult(
        own.route, [float(c) for c in own.coef], float(own.intercept), cmp.max_abs_diff,
        cmp.intercept_abs_diff, float(resid), cmp.n_zero, cmp.support_matches, cmp.agrees,
        math.nan, own.converged, own.n_iter, own.message,
    )  # fmt: skip
    sigma_note = (
        "" if fam.name != "gaussian"
        else "; σ sets the prior scale only, not λ nor the verdict"
    )  # fmt: skip
    return dataclasses.replace(
        report,
        routes={**report.routes, own.route: route},
        source=f"{reading.source} (n = {Xa.shape[0]}){sigma_note}",
    )



def _n_rows(X: ArrayLike) -> int:
    """Number of rows of X (array, DataFrame, scipy.sparse), before it is validated."""
    shape = getattr(X, "shape", None)
    shape = np.shape(X) if shape is None else shape
    if len(shape) != 2:
        raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features); got {shape}")
    return int(shape[0])
