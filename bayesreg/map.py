"""MAP estimation of the Bayesian linear model, by two independent routes.

* :func:`map_find_map`: ``pm.find_MAP`` (PyTensor graph, automatic gradients, L-BFGS-B) on
  the PyMC model of :mod:`bayesreg.model`;
* :func:`map_scipy`: ``scipy.optimize.minimize`` (L-BFGS-B) on the same negative
  log-posterior written with NumPy, with an analytic gradient.

Both optimize the *exact* parametrization of :class:`~bayesreg.LaplacePrior` by default
(β = u − v, u, v ≥ 0, bound-constrained and smooth), whose maximizer is provably the Laplace
MAP, and reach exact zeros on the bounds. ``formulation="naive"`` optimizes the plain Laplace
density with the same optimizer, to show why it stalls near the kinks.

Both routes run on the centered design (β₀ = α − x̄ᵀβ, a linear change of variables that
leaves the MAP unchanged) with the negative log-posterior divided by its value scale, so that
the optimizer's tolerances are relative and the answer does not depend on the units of y.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize

from bayesreg.families import Family, Gaussian, get_family, lambda_max_of, null_eta_of
from bayesreg.optimality import optimality_residual, rss_gradient_at_zero
from bayesreg.priors import Formulation, Prior
from bayesreg.solvers._design import centered_design, sparse_centered_gram

#: Optimizer settings shared by both routes: tolerances at machine precision and enough
#: memory and iterations for ill-conditioned (correlated, p > n) designs. Both stop when the
#: (projected) gradient, relative to the data gradient at β = 0, is below gtol; L-BFGS-B also
#: when the objective stops decreasing (ftol = 0).
_OPTIONS: dict[str, dict[str, Any]] = {
    "L-BFGS-B": {"maxiter": 200_000, "maxfun": 400_000, "maxcor": 50, "ftol": 0.0, "gtol": 1e-13},
    "trust-exact": {"maxiter": 1_000, "gtol": 1e-13},
}


@dataclass(frozen=True)
class MapEstimate:
    """A MAP estimate with how it was obtained.

    Attributes
    ----------
    coef, intercept
        The estimate (intercept 0.0 when not fitted).
    route
        ``"find_map"`` or ``"scipy"`` (or ``"analytic"`` for the penalized solver).
    seconds
        Wall time of the whole route (model building and compilation included).
    converged
        What the optimizer reported.
    n_iter
        Optimizer iterations (sweeps for coordinate descent).
    message
        Optimizer message.
    """

    coef: NDArray[np.float64]
    intercept: float
    route: str
    seconds: float
    converged: bool
    n_iter: int
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def map_find_map(
    X: ArrayLike,
    y: ArrayLike,
    prior: Prior,
    noise_sigma: float | None = None,
    *,
    fit_intercept: bool = True,
    formulation: Formulation = "exact",
    likelihood: str = "rows",
    family: str | Family = "gaussian",
) -> MapEstimate:
    """MAP by ``pm.find_MAP`` (L-BFGS-B) on the PyMC model.

    With the exact formulation the non-negative halves of the Laplace coefficients are
    untransformed variables with bounds ``[0, ∞)``, passed to L-BFGS-B, so zeros are exact.
    ``family`` is the likelihood (:func:`~bayesreg.model.build_model`); ``noise_sigma`` is
    required for the Gaussian family and omitted for the binomial and Poisson ones (φ = 1).
    """
    import pymc as pm

    from bayesreg.model import build_model, check_family_Xy, fixed_noise_sigma

    fam = get_family(family)
    Xa, ya = check_family_Xy(X, y, fam)
    sigma = fixed_noise_sigma(noise_sigma, fam)
    formulation = _formulation(prior, formulation)
    t0 = time.perf_counter()
    model = build_model(
        Xa,
        ya,
        prior,
        sigma,
        fit_intercept=fit_intercept,
        formulation=formulation,
        likelihood=likelihood,  # type: ignore[arg-type]
        family=fam,
    )
    p = Xa.shape[1]
    method = _method(prior, formulation, p)
    options = dict(_OPTIONS[method])
    # find_MAP minimizes −logp unscaled: make gtol relative to the data gradient at 0.
    options["gtol"] *= _objective_scale(Xa, ya, sigma, fit_intercept, fam)
    if method == "L-BFGS-B":
        point = model.initial_point()
        bounds: list[tuple[float | None, float | None]] = []
        for v in model.continuous_value_vars:
            nonneg = model.values_to_rvs[v].name in ("beta_pos", "beta_neg")
            bounds += [(0.0, None) if nonneg else (None, None)] * int(point[v.name].size)
        options["bounds"] = bounds
    free = [model.values_to_rvs[v].name for v in model.continuous_value_vars]
    lam = prior.penalty(sigma)
    initvals: dict[str, np.ndarray] | None = None
    nit, restarts, last_resid = 0, 0, np.inf
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # non-convergence is reported
            idata = pm.find_MAP(
                method=method,
                model=model,
                initvals=initvals,
                progressbar=False,
                return_inferencedata=True,
                jitter=False,
                **options,
            )
        post = idata["posterior"]
        coef = np.asarray(post["beta"]).reshape(p)
        intercept = float(np.asarray(post["intercept"]).reshape(())) if fit_intercept else 0.0
        res = idata["optimizer_result"]
        nit += int(np.asarray(res["nit"])) if "nit" in res else 0
        resid = optimality_residual(
            Xa, ya, coef, intercept, lam, prior.regularizer, fit_intercept, fam
        )
        if not _restart(formulation, resid, last_resid, restarts):
            break
        # L-BFGS-B can stall on its curvature model: restart from the point it reached.
        restarts, last_resid = restarts + 1, resid
        initvals = {name: np.asarray(post[name]).reshape(np.shape(post[name])[2:]) for name in free}
    seconds = time.perf_counter() - t0
    # Converged: the optimizer says so, or the point is certified optimal by its residual
    # (L-BFGS-B often ends with "ABNORMAL_TERMINATION_IN_LNSRCH" at machine precision).
    success = bool(np.asarray(res["success"])) if "success" in res else True
    converged = success or (formulation != "naive" and resid <= _CERTIFIED_RESIDUAL)
    message = str(np.asarray(res["message"])) if "message" in res else ""
    if restarts:
        message += f" (after {restarts} restart{'s' if restarts > 1 else ''})"
    return MapEstimate(
        coef, intercept, "find_map", seconds, converged, nit, message, {"model": model}
    )


def map_scipy(
    X: ArrayLike,
    y: ArrayLike,
    prior: Prior,
    noise_sigma: float | None = None,
    *,
    fit_intercept: bool = True,
    formulation: Formulation = "exact",
    family: str | Family = "gaussian",
) -> MapEstimate:
    """MAP by ``scipy.optimize.minimize`` (L-BFGS-B) on the NumPy negative log-posterior.

    The negative log-posterior, up to a constant, is
    ``‖y_c − α − X_cβ‖²/(2σ²) − log p(θ)`` with β = to_coef(θ) from the prior's
    :meth:`~bayesreg.priors.Prior.map_parametrization` (the exact one by default). The
    intercept α of the centered design is profiled out in closed form (α = 0 on centered
    data; the flat prior adds nothing), and β₀ = ȳ − x̄ᵀβ.

    For the binomial and Poisson families (``family``; no ``noise_sigma``, φ = 1) it is
    ``D(y, α + X_cβ)/2 − log p(θ)`` with D the deviance (:mod:`bayesreg.families`); α has
    no closed form there and is optimized with θ. The Gaussian prior's smooth problem is
    solved by the exact-Hessian trust region (Hessian ``[1 X_c]ᵀ diag(w/2) [1 X_c]`` plus
    the prior's, w the family's weights), the Laplace prior's by L-BFGS-B with restarts.
    """
    from bayesreg.model import check_family_Xy, fixed_noise_sigma

    fam = get_family(family)
    Xa, ya = check_family_Xy(X, y, fam)
    sigma = fixed_noise_sigma(noise_sigma, fam)
    formulation = _formulation(prior, formulation)
    if not isinstance(fam, Gaussian):
        return _map_scipy_glm(Xa, ya, prior, fam, fit_intercept, formulation)
    t0 = time.perf_counter()
    p = Xa.shape[1]
    Xc, yc, x_mean, y_mean = centered_design(Xa, ya, fit_intercept)
    inv2s2 = 1.0 / (2.0 * sigma**2)
    if formulation == "naive":
        par = _naive_parametrization(prior, p)
    else:
        par = prior.map_parametrization(p)

    # The objective is evaluated relative to a reference point θ_ref (updated at restarts):
    # f(θ) − f(θ_ref) = (‖d‖² − 2dᵀr_ref)/(2σ²) + prior change, with d = X_c(β − β_ref).
    # Same minimizer and gradient as f, but near the optimum its rounding error is relative
    # to the (small) change, so the line search keeps resolving decreases where the plain
    # value f ≈ n/2 would drown them (an accuracy floor of about √eps in β).
    ref: dict[str, NDArray[np.float64]] = {}

    def set_reference(theta: NDArray[np.float64]) -> None:
        ref["theta"] = theta.copy()
        ref["beta"] = par.to_coef(theta)
        ref["r"] = yc - Xc @ ref["beta"]

    def fun(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        d = Xc @ (par.to_coef(theta) - ref["beta"])
        r = ref["r"] - d
        _, g_prior = par.neg_log_prior(theta)
        if par.prior_change is not None:
            df_prior = par.prior_change(theta, ref["theta"])
        else:
            df_prior = par.neg_log_prior(theta)[0] - par.neg_log_prior(ref["theta"])[0]
        f = inv2s2 * (float(d @ d) - 2.0 * float(d @ ref["r"])) + df_prior
        g_beta = -2.0 * inv2s2 * (Xc.T @ r)
        return f / scale, (par.jacobian_t(g_beta) + g_prior) / scale

    theta0 = par.to_theta(np.zeros(p))
    set_reference(theta0)
    # gtol is absolute: divide the objective by its gradient scale so that it is relative.
    scale = _objective_scale(Xa, ya, sigma, fit_intercept)
    if par.method == "trust-exact":
        prior_hess = par.prior_hess
        assert prior_hess is not None
        if scipy.sparse.issparse(Xa):
            xtx = sparse_centered_gram(Xa, ya, fit_intercept).gram
        else:
            xtx = Xc.T @ Xc
        gram = 2.0 * inv2s2 * xtx  # the data term's Hessian (β = θ here)

        def hess(theta: NDArray[np.float64]) -> NDArray[np.float64]:
            return (gram + prior_hess(theta)) / scale

        res = minimize(
            fun, theta0, jac=True, hess=hess, method="trust-exact", options=_OPTIONS["trust-exact"]
        )
    else:
        lam = prior.penalty(sigma)
        theta, nit, restarts, last_resid = theta0, 0, 0, np.inf
        while True:
            res = minimize(
                fun,
                theta,
                jac=True,
                method="L-BFGS-B",
                bounds=par.bounds,
                options=_OPTIONS["L-BFGS-B"],
            )
            nit += int(res.nit)
            beta = par.to_coef(res.x)
            resid = optimality_residual(
                Xa,
                ya,
                beta,
                y_mean - float(x_mean @ beta) if fit_intercept else 0.0,
                lam,
                prior.regularizer,
                fit_intercept,
            )
            if not _restart(formulation, resid, last_resid, restarts):
                break
            # L-BFGS-B can stall on its curvature model: restart from the point it reached.
            restarts, last_resid = restarts + 1, resid
            theta = res.x
            set_reference(theta)
        res.nit = nit
        res.success = bool(res.success) or (formulation != "naive" and resid <= _CERTIFIED_RESIDUAL)
        if restarts:
            res.message = f"{res.message} (after {restarts} restart{'s' if restarts > 1 else ''})"
    coef = par.to_coef(res.x)
    intercept = y_mean - float(x_mean @ coef) if fit_intercept else 0.0
    seconds = time.perf_counter() - t0
    return MapEstimate(
        coef, intercept, "scipy", seconds, bool(res.success), int(res.nit), str(res.message)
    )


#: A MAP route whose optimality residual is above this after L-BFGS-B stopped is restarted
#: from where it stopped (fresh curvature memory), while each restart at least halves the
#: residual, at most _MAX_RESTARTS times.
_RESTART_RESIDUAL = 1e-9
_MAX_RESTARTS = 20
#: An optimizer that ends with a warning (typically L-BFGS-B's line search at machine
#: precision) still counts as converged when the residual certifies the optimum this well.
_CERTIFIED_RESIDUAL = 1e-8


def _map_scipy_glm(
    Xa: Any,
    ya: NDArray[np.float64],
    prior: Prior,
    fam: Family,
    fit_intercept: bool,
    formulation: Formulation,
) -> MapEstimate:
    """:func:`map_scipy` for a family with φ = 1: θ = (α, θ_β), η = α + X_cβ."""
    t0 = time.perf_counter()
    p = Xa.shape[1]
    Xc, _, x_mean, _ = centered_design(Xa, ya, fit_intercept)
    if formulation == "naive":
        par = _naive_parametrization(prior, p)
    else:
        par = prior.map_parametrization(p)
    k = 1 if fit_intercept else 0  # θ[:k] is α

    def eta_of(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        a = theta[0] if k else 0.0
        return a + Xc @ par.to_coef(theta[k:])

    # As for the Gaussian family, the objective is taken relative to a reference point and
    # the deviance's change is computed from Δη (the family's deviance_change), so that its
    # rounding error is relative to the change, not to D ≈ n.
    ref: dict[str, NDArray[np.float64]] = {}

    def set_reference(theta: NDArray[np.float64]) -> None:
        ref["theta"] = theta.copy()
        ref["eta"] = eta_of(theta)

    def fun(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        eta = eta_of(theta)
        d_dev = fam.deviance_change(ya, ref["eta"], eta - ref["eta"])
        if par.prior_change is not None:
            df_prior = par.prior_change(theta[k:], ref["theta"][k:])
        else:
            df_prior = par.neg_log_prior(theta[k:])[0] - par.neg_log_prior(ref["theta"][k:])[0]
        g_eta = 0.5 * fam.gradient(ya, eta)
        _, g_prior = par.neg_log_prior(theta[k:])
        g = np.empty_like(theta)
        if k:
            g[0] = g_eta.sum()
        g[k:] = par.jacobian_t(np.asarray(Xc.T @ g_eta).ravel()) + g_prior
        return (0.5 * d_dev + df_prior) / scale, g / scale

    theta0 = np.concatenate([[null_eta_of(fam, ya, fit_intercept)] * k, par.to_theta(np.zeros(p))])
    set_reference(theta0)
    scale = _objective_scale(Xa, ya, 1.0, fit_intercept, fam)
    lam = prior.penalty(1.0)
    if par.method == "trust-exact":
        prior_hess = par.prior_hess
        assert prior_hess is not None

        def hess(theta: NDArray[np.float64]) -> NDArray[np.float64]:
            w = 0.5 * fam.hessian_weights(eta_of(theta))
            H = np.zeros((k + p, k + p))
            if k:
                H[0, 0] = w.sum()
                H[0, k:] = H[k:, 0] = np.asarray(Xc.T @ w).ravel()
            H[k:, k:] = _weighted_gram(Xa, x_mean, w) + prior_hess(theta[k:])
            return H / scale

        kwargs: dict[str, Any] = {"hess": hess, "method": "trust-exact"}
        options = _OPTIONS["trust-exact"]
    else:
        kwargs = {"method": "L-BFGS-B", "bounds": [(None, None)] * k + list(par.bounds)}
        options = _OPTIONS["L-BFGS-B"]

    def residual(x: NDArray[np.float64]) -> float:
        beta = par.to_coef(x[k:])
        icpt = float(x[0] - x_mean @ beta) if k else 0.0
        return optimality_residual(Xa, ya, beta, icpt, lam, prior.regularizer, fit_intercept, fam)

    theta, nit, restarts, last_resid = theta0, 0, 0, np.inf
    while True:
        res = minimize(fun, theta, jac=True, options=options, **kwargs)
        nit += int(res.nit)
        resid = residual(res.x)
        # L-BFGS-B can stall on its curvature model, and far from the start the trust
        # region's ratio test can fail on the rounding of f − f(θ_ref): restart from where
        # it stopped, with the reference moved there
        if (res.success and "hess" in kwargs) or not _restart(
            formulation, resid, last_resid, restarts
        ):
            break
        restarts, last_resid = restarts + 1, resid
        theta = res.x
        set_reference(theta)
    beta = par.to_coef(res.x[k:])
    intercept = float(res.x[0] - x_mean @ beta) if k else 0.0
    converged = bool(res.success) or (formulation != "naive" and resid <= _CERTIFIED_RESIDUAL)
    message = str(res.message)
    if restarts:
        message += f" (after {restarts} restart{'s' if restarts > 1 else ''})"
    return MapEstimate(
        beta, intercept, "scipy", time.perf_counter() - t0, converged, nit, message
    )


def _weighted_gram(
    X: Any, x_mean: NDArray[np.float64], w: NDArray[np.float64]
) -> NDArray[np.float64]:
    """X_cᵀ diag(w) X_c (dense p × p) for a dense or sparse X, X_c = X − 1x̄ᵀ never formed."""
    if scipy.sparse.issparse(X):
        xtw = np.asarray(X.T @ w).ravel()
        G = np.asarray((X.T @ X.multiply(w[:, None]).tocsc()).toarray())
        G -= np.outer(x_mean, xtw) + np.outer(xtw, x_mean)
        G += w.sum() * np.outer(x_mean, x_mean)
        return G
    Xc = X - x_mean
    return Xc.T @ (Xc * w[:, None])


def _restart(formulation: str, resid: float, last_resid: float, restarts: int) -> bool:
    """Whether to restart L-BFGS-B (never for the naive formulation, which shows the failure)."""
    return (
        formulation != "naive"
        and resid > _RESTART_RESIDUAL
        and resid < 0.5 * last_resid
        and restarts < _MAX_RESTARTS
    )


def _formulation(prior: Prior, formulation: Formulation) -> Formulation:
    if formulation not in ("exact", "naive"):
        raise ValueError(f"formulation must be 'exact' or 'naive'; got {formulation!r}")
    return "exact" if prior.smooth else formulation  # a smooth density needs no reformulation


def _method(prior: Prior, formulation: Formulation, p: int) -> str:
    return "L-BFGS-B" if formulation == "naive" else prior.map_parametrization(p).method


def _objective_scale(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    sigma: float,
    fit_intercept: bool,
    family: Family | None = None,
) -> float:
    """Size of the data gradient of −log p at β = 0: ‖X_cᵀ∂D/∂η‖∞/(2φ) (1 when that is 0).

    For the Gaussian family ‖X_cᵀy_c‖∞/σ²; φ = σ² there and 1 otherwise.
    """
    if family is None or isinstance(family, Gaussian):
        s = rss_gradient_at_zero(X, y, fit_intercept) / (2.0 * sigma**2)
    else:
        s = lambda_max_of(family, X, y, fit_intercept) / 2.0
    return s if s > 0 else 1.0


def _naive_parametrization(prior: Prior, p: int) -> Any:
    """β itself, unbounded, with the prior's own (non-smooth for Laplace) log-density."""
    from bayesreg.priors import MapParametrization

    def ident(a: NDArray[np.float64]) -> NDArray[np.float64]:
        return a

    def neg_log_prior(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        return -prior.logpdf(theta), prior.grad_neg_logpdf(theta)

    return MapParametrization(p, [(None, None)] * p, ident, ident, neg_log_prior, ident)
