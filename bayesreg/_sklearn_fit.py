"""The fits behind :mod:`bayesreg.sklearn` (private; no scikit-learn import here).

One function, :func:`fit_prior_model`, turns validated arrays and an estimator's parameters
into everything the estimators expose: the prior (given, cross-validated or empirical Bayes),
the noise σ, λ, the MAP (``Prior.solve``, the analytic penalized fit) or the NUTS posterior
(:func:`bayesreg.sampling.sample`), the coefficients on the original scale of the features
and the KKT residual of the estimate. The prediction helpers at the end work on the stored
posterior draws in row chunks, so that memory stays O(chunk · draws).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.special
from numpy.typing import NDArray

from bayesreg._validation import check_positive_int, check_scale
from bayesreg.cv import CVResult, cross_validate
from bayesreg.evidence import EvidenceResult, empirical_bayes
from bayesreg.families import Family, Gaussian
from bayesreg.model import NoiseSigma, resolve_noise_sigma
from bayesreg.optimality import optimality_residual
from bayesreg.priors import Prior
from bayesreg.solvers._design import centered_gram, sparse_centered_gram
from bayesreg.standardize import Standardization
from bayesreg.standardize import standardize as z_score

FIT_MODES = ("map", "nuts")
SCALE_RULES = ("cv", "evidence")

#: Relative duality gap of the Gaussian-family Lasso fit (check_equivalence's reference);
#: the binomial fits use Prior.solve's own default, a KKT residual of 1e-12.
LASSO_TOL = 1e-12

#: Rows × draws (or rows × features) per block of the chunked prediction helpers.
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Settings:
    """An estimator's parameters, validated (see :func:`check_settings`)."""

    prior_cls: type[Prior]
    family: Family
    scale: float | str
    noise_sigma: float | None
    fit_intercept: bool
    standardize: bool
    method: str
    draws: int
    tune: int
    chains: int
    cores: int | None
    random_seed: int | np.random.Generator | None
    cv: Any
    tol: float | None
    progressbar: bool


@dataclass(frozen=True)
class Fitted:
    """What a fit produced; coefficients on the original scale of the features."""

    coef: NDArray[np.float64]
    intercept: float
    prior: Prior
    lam: float
    noise: NoiseSigma
    residual: float
    solver: str
    posterior: Any = None
    beta_draws: NDArray[np.float64] | None = None
    intercept_draws: NDArray[np.float64] | None = None
    coef_cov: NDArray[np.float64] | None = None
    x_mean: NDArray[np.float64] | None = None
    n_samples: int = 0
    fit_intercept: bool = True
    cv_result: CVResult | None = None
    evidence_result: EvidenceResult | None = None


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_settings(params: dict[str, Any], prior_cls: type[Prior], family: Family) -> Settings:
    """Validate an estimator's ``get_params()``; a one-line ValueError names a bad one."""
    scale = params["scale"]
    if isinstance(scale, str):
        if scale not in SCALE_RULES:
            raise ValueError(f"scale must be a positive number, 'cv' or 'evidence'; got {scale!r}")
        if scale == "evidence" and not isinstance(family, Gaussian):
            raise ValueError(
                f"scale='evidence' is for the regressors only: bayesreg's empirical Bayes "
                f"(empirical_bayes) maximizes the Gaussian linear model's evidence, which has "
                f"no closed form for the {family.name} family; use scale='cv' or a number"
            )
    else:
        if isinstance(scale, bool):
            raise ValueError(f"scale must be a positive number, 'cv' or 'evidence'; got {scale!r}")
        scale = check_scale(scale, "scale")
    noise_sigma = params.get("noise_sigma")
    if noise_sigma is not None:
        noise_sigma = check_scale(noise_sigma, "noise_sigma")
    fit = params["method"]
    if not isinstance(fit, str) or fit not in FIT_MODES:
        raise ValueError(f"method must be 'map' or 'nuts'; got {fit!r}")
    fit_intercept = _bool(params["fit_intercept"], "fit_intercept")
    standardize = _bool(params["standardize"], "standardize")
    if standardize and not fit_intercept:
        raise ValueError(
            "standardize=True centres the features, which needs an intercept; "
            "use it with fit_intercept=True"
        )
    tune = params["tune"]
    if isinstance(tune, bool) or not isinstance(tune, int | np.integer) or tune < 0:
        raise ValueError(f"tune must be an integer >= 0; got {tune!r}")
    cores = params["cores"]
    seed = params["random_seed"]
    if seed is not None and not isinstance(seed, np.random.Generator):
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(
                f"random_seed must be None, an integer >= 0 or a numpy Generator; got {seed!r}"
            )
        seed = int(seed)
    tol = params["tol"]
    return Settings(
        prior_cls=prior_cls,
        family=family,
        scale=scale,
        noise_sigma=noise_sigma,
        fit_intercept=fit_intercept,
        standardize=standardize,
        method=fit,
        draws=check_positive_int(params["draws"], "draws"),
        tune=int(tune),
        chains=check_positive_int(params["chains"], "chains"),
        cores=None if cores is None else check_positive_int(cores, "cores"),
        random_seed=seed,
        cv=params["cv"],
        tol=None if tol is None else check_scale(tol, "tol"),
        progressbar=_bool(params["progressbar"], "progressbar"),
    )


def fit_prior_model(X: Any, y: NDArray[np.float64], s: Settings) -> Fitted:
    """Fit the model of ``s`` to a validated float64 ``X`` (dense or sparse) and ``y``.

    ``y`` is the response (binomial: 0/1). With ``s.standardize`` everything up to the
    coefficients happens on the z-scored design (:func:`bayesreg.standardize.standardize`),
    which is also where λ, the prior and the KKT residual live; coefficients, draws and the
    covariance are returned on the original scale.
    """
    Xf, z = z_score(X) if s.standardize else (X, None)
    prior, lam, noise, cv_res, ev_res = _resolve_prior(Xf, y, s)
    gaussian = isinstance(s.family, Gaussian)
    n = X.shape[0]
    x_mean = _column_means(X) if s.fit_intercept else np.zeros(X.shape[1])
    common: dict[str, Any] = {
        "prior": prior,
        "lam": lam,
        "noise": noise,
        "x_mean": x_mean,
        "n_samples": n,
        "fit_intercept": s.fit_intercept,
        "cv_result": cv_res,
        "evidence_result": ev_res,
    }
    if s.method == "map":
        sol = prior.solve(
            Xf, y, lam, fit_intercept=s.fit_intercept, family=s.family, **_solver_kwargs(s, prior)
        )
        coef_f = np.asarray(sol.coef, dtype=np.float64)
        icpt_f = float(sol.intercept) if s.fit_intercept else 0.0
        cov = None
        if gaussian and prior.regularizer.name == "l2":
            cov = _ridge_posterior_cov(Xf, lam, noise.value, s.fit_intercept, z)
        coef, icpt = _to_original(coef_f, icpt_f, z)
        resid = optimality_residual(
            Xf, y, coef_f, icpt_f, lam, prior.regularizer, s.fit_intercept, s.family
        )
        return Fitted(coef, icpt, residual=float(resid), solver=sol.solver, coef_cov=cov, **common)
    idata = _sample(X, y, prior, noise, s)
    post = idata["posterior"]
    p = X.shape[1]
    coef_f = post["beta"].transpose("chain", "draw", "feature").values.reshape(-1, p).mean(axis=0)
    icpt_f = float(post["intercept"].values.mean()) if s.fit_intercept else 0.0
    grp = idata["original_scale"] if z is not None else post
    beta = np.ascontiguousarray(
        grp["beta"].transpose("chain", "draw", "feature").values.reshape(-1, p)
    )
    if s.fit_intercept:
        icpts = np.asarray(grp["intercept"].values, dtype=np.float64).reshape(-1)
    else:
        icpts = np.zeros(beta.shape[0])
    resid = optimality_residual(
        Xf, y, coef_f, icpt_f, lam, prior.regularizer, s.fit_intercept, s.family
    )
    return Fitted(
        beta.mean(axis=0),
        float(icpts.mean()),
        residual=float(resid),
        solver=f"NUTS ({s.chains} chains x {s.draws} draws): posterior mean",
        posterior=idata,
        beta_draws=beta,
        intercept_draws=icpts,
        **common,
    )


def _resolve_prior(
    Xf: Any, y: NDArray[np.float64], s: Settings
) -> tuple[Prior, float, NoiseSigma, CVResult | None, EvidenceResult | None]:
    """The prior, λ and σ: from the given scale, cross-validation or the evidence."""
    fam = s.family
    gaussian = isinstance(fam, Gaussian)
    if s.scale == "evidence":  # Gaussian family (check_settings)
        if scipy.sparse.issparse(Xf):
            raise ValueError(
                "scale='evidence' needs a dense X (empirical_bayes decomposes the dense "
                "design); pass X.toarray() or use scale='cv'"
            )
        ev = empirical_bayes(
            Xf,
            y,
            s.prior_cls.name,
            noise_sigma=s.noise_sigma,
            fit_intercept=s.fit_intercept,
            random_seed=s.random_seed,
        )
        return ev.prior, ev.lam, NoiseSigma(ev.noise_sigma, ev.noise_sigma_estimated), None, ev
    if gaussian and s.noise_sigma is None:
        n, p = Xf.shape
        need = p + 2 if s.fit_intercept else p + 1
        if n < need:
            raise ValueError(
                f"noise_sigma=None estimates σ by least squares, which needs n_samples >= {need} "
                f"(got n_samples={n}, n_features={p}); pass noise_sigma"
            )
    noise = resolve_noise_sigma(Xf, y, s.noise_sigma, fit_intercept=s.fit_intercept, family=fam)
    if s.scale == "cv":
        folds = list(s.cv.split(Xf, y)) if hasattr(s.cv, "split") else s.cv
        res = cross_validate(
            Xf,
            y,
            s.prior_cls.name,
            cv=folds,
            family=fam,
            fit_intercept=s.fit_intercept,
            noise_sigma=noise.value if gaussian else None,
            random_state=s.random_seed,
        )
        assert res.prior_min is not None  # σ is known here
        return res.prior_min, res.lam_min, noise, res, None
    prior = s.prior_cls(float(s.scale))
    return prior, prior.penalty(noise.value), noise, None, None


def _solver_kwargs(s: Settings, prior: Prior) -> dict[str, float]:
    """The tolerance for Prior.solve: none for the closed-form Ridge (it is exact)."""
    if isinstance(s.family, Gaussian):
        if prior.regularizer.name == "l2":
            return {}
        return {"tol": LASSO_TOL if s.tol is None else s.tol}
    return {} if s.tol is None else {"tol": s.tol}


def _sample(X: Any, y: NDArray[np.float64], prior: Prior, noise: NoiseSigma, s: Settings) -> Any:
    """NUTS at the resolved prior and σ, the posterior's attributes saying where σ came from."""
    from bayesreg.sampling import sample  # PyMC: imported only when sampling

    gaussian = isinstance(s.family, Gaussian)
    idata = sample(
        X,
        y,
        prior,
        noise.value if gaussian else None,
        fit_intercept=s.fit_intercept,
        draws=s.draws,
        tune=s.tune,
        chains=s.chains,
        cores=s.cores,
        random_seed=s.random_seed,
        standardize=s.standardize,
        progressbar=s.progressbar,
        family=s.family.name,
    )
    if gaussian and noise.estimated:  # σ was resolved here and passed on as a number
        idata.attrs["noise_sigma_estimated"] = True
        if noise.dof is not None:
            idata.attrs["noise_sigma_dof"] = int(noise.dof)
    return idata


def _column_means(X: Any) -> NDArray[np.float64]:
    return np.asarray(X.mean(axis=0), dtype=np.float64).reshape(-1)


def _to_original(
    coef: NDArray[np.float64], intercept: float, z: Standardization | None
) -> tuple[NDArray[np.float64], float]:
    if z is None:
        return coef, intercept
    c, i = z.to_original(coef, intercept)
    return np.asarray(c, dtype=np.float64), float(i)


def _ridge_posterior_cov(
    Xf: Any, lam: float, sigma: float, fit_intercept: bool, z: Standardization | None
) -> NDArray[np.float64]:
    """Posterior covariance of β under the Gaussian prior, σ fixed: σ²(X_cᵀX_c + λI)⁻¹.

    The Gaussian likelihood with a Gaussian prior and a flat intercept is conjugate, so this
    is the exact posterior (given σ), not an approximation. On the original scale of the
    features when standardized: diag(1/s) Σ diag(1/s).
    """
    p = Xf.shape[1]
    zeros = np.zeros(Xf.shape[0])
    if scipy.sparse.issparse(Xf):
        gram = sparse_centered_gram(scipy.sparse.csc_array(Xf), zeros, fit_intercept).gram
    else:
        gram = centered_gram(np.asarray(Xf), zeros, fit_intercept).gram.copy()
    gram.flat[:: p + 1] += lam
    low = np.linalg.cholesky(gram)
    inv_low = scipy.linalg.solve_triangular(low, np.eye(p), lower=True, check_finite=False)
    cov = sigma**2 * (inv_low.T @ inv_low)
    if z is not None:
        cov = cov / np.outer(z.scales, z.scales)
    return 0.5 * (cov + cov.T)


def _row_blocks(n: int, width: int) -> Iterator[slice]:
    step = max(1, _BLOCK // max(width, 1))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def _dense_rows(X: Any, rows: slice) -> NDArray[np.float64]:
    part = X[rows]
    return part.toarray() if scipy.sparse.issparse(part) else np.asarray(part)


def ridge_predictive_var(X: Any, fitted: Fitted) -> NDArray[np.float64]:
    """Var of a new observation under the exact Gaussian-prior posterior, σ fixed.

    μ(x) = α + (x − x̄)ᵀβ with α ~ N(ȳ, σ²/n) independent of β ~ N(β̂, Σ) (flat intercept,
    centered parametrization), so Var y(x) = σ² + σ²/n + (x − x̄)ᵀΣ(x − x̄) (without an
    intercept: σ² + xᵀΣx).
    """
    assert fitted.coef_cov is not None and fitted.x_mean is not None
    sigma2 = fitted.noise.value**2
    base = sigma2 * (1.0 + (1.0 / fitted.n_samples if fitted.fit_intercept else 0.0))
    out = np.empty(X.shape[0])
    for rows in _row_blocks(X.shape[0], X.shape[1]):
        d = _dense_rows(X, rows) - fitted.x_mean
        out[rows] = base + np.einsum("ij,jk,ik->i", d, fitted.coef_cov, d)
    return out


def draws_eta_var(X: Any, fitted: Fitted) -> NDArray[np.float64]:
    """Posterior variance (over the draws, ddof=1) of the mean function β₀ + xᵀβ, row by row."""
    assert fitted.beta_draws is not None and fitted.intercept_draws is not None
    dB = fitted.beta_draws - fitted.beta_draws.mean(axis=0)
    db = fitted.intercept_draws - fitted.intercept_draws.mean()
    S = dB.shape[0]
    out = np.empty(X.shape[0])
    for rows in _row_blocks(X.shape[0], S):
        dev = np.asarray(X[rows] @ dB.T) + db
        out[rows] = np.einsum("ij,ij->i", dev, dev) / max(S - 1, 1)
    return out


def draws_log_odds(X: Any, fitted: Fitted) -> NDArray[np.float64]:
    """log p̄ − log(1 − p̄), p̄ the posterior mean of expit(β₀ + xᵀβ) over the draws.

    Computed in log space (logsumexp of the draws' log-probabilities), so that it stays
    finite where p̄ rounds to 0 or 1.
    """
    assert fitted.beta_draws is not None and fitted.intercept_draws is not None
    B, b0 = fitted.beta_draws, fitted.intercept_draws
    out = np.empty(X.shape[0])
    for rows in _row_blocks(X.shape[0], B.shape[0]):
        eta = np.asarray(X[rows] @ B.T) + b0
        log_p = scipy.special.logsumexp(-np.logaddexp(0.0, -eta), axis=1)
        log_q = scipy.special.logsumexp(-np.logaddexp(0.0, eta), axis=1)
        out[rows] = log_p - log_q  # the 1/S of both means cancels
    return out


def log_sigmoid(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """log expit(t) without overflow."""
    return -np.logaddexp(0.0, -t)


__all__ = [
    "FIT_MODES",
    "SCALE_RULES",
    "Fitted",
    "Settings",
    "check_settings",
    "draws_eta_var",
    "draws_log_odds",
    "fit_prior_model",
    "log_sigmoid",
    "ridge_predictive_var",
]
