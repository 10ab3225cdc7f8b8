"""The equivalence check: MAP estimate = penalized fit, shown route by route.

For data (X, y), a prior and a noise σ, :func:`check_equivalence` computes

* the analytic penalized solution at λ = prior.penalty(σ) (coordinate descent for the
  Lasso, the closed form for Ridge),
* the MAP of the PyMC model by ``pm.find_MAP``,
* the MAP of the same negative log-posterior by ``scipy.optimize``,

and reports, for each route, the estimate, its distance to the analytic solution, its
support, its optimality residual (one function for every route:
:func:`bayesreg.optimality.optimality_residual`) and its wall time, with a verdict.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from bayesreg._validation import check_scale
from bayesreg.exceptions import ConvergenceWarning
from bayesreg.families import Family, Gaussian, get_family
from bayesreg.map import MapEstimate, map_find_map, map_scipy
from bayesreg.model import NoiseSigma, binomial_classes, prepare_design, resolve_noise_sigma
from bayesreg.optimality import lambda_scale, optimality_residual
from bayesreg.penalties import ElasticNetPenalty
from bayesreg.priors import Formulation, Prior, describe_prior
from bayesreg.solvers._cd_kernels import warmup

ROUTES = ("analytic", "find_map", "scipy")

#: A coefficient of a MAP route counts as zero when |βⱼ| ≤ ZERO_RTOL · max(1, ‖β‖∞).
ZERO_RTOL = 1e-9

#: Differences and residuals below this are shown as rounding level in the text report.
ROUNDING_FLOOR = 1e-12

#: Target relative duality gap of the analytic Lasso reference.
_REFERENCE_TOL = 1e-12


@dataclass(frozen=True)
class RouteResult:
    """One route's estimate and how it compares with the analytic solution."""

    route: str
    coef: list[float]
    intercept: float
    max_abs_diff: float
    intercept_abs_diff: float
    residual: float
    n_zero: int
    support_matches: bool
    agrees: bool
    seconds: float
    converged: bool
    n_iter: int
    message: str = ""
    #: With ``standardize=True``: the same estimate on the original scale of the features.
    coef_original: list[float] | None = None
    intercept_original: float | None = None


@dataclass(frozen=True)
class EquivalenceReport:
    """Result of :func:`check_equivalence`; prints as a table, serializes to JSON."""

    prior: str
    scale_name: str
    scale: float
    noise_sigma: float
    noise_sigma_estimated: bool
    noise_sigma_dof: int | None
    lam: float
    penalty_formula: str
    objective: str
    fit_intercept: bool
    formulation: str
    n_samples: int
    n_features: int
    feature_names: list[str]
    tolerance: float
    tolerance_abs: float
    zero_threshold: float
    routes: dict[str, RouteResult] = field(default_factory=dict)
    #: Whether X was z-scored first (the prior, λ and the coefficients are on the z-scale).
    standardized: bool = False
    #: The column means and population standard deviations used (when standardized).
    feature_means: list[float] | None = None
    feature_scales: list[float] | None = None
    #: False when the columns were only scaled (a sparse X: ``feature_means`` are then 0).
    features_centered: bool | None = None
    #: The likelihood family; for binomial and Poisson there is no σ (φ = 1, noise_sigma 1).
    family: str = "gaussian"
    #: Binomial labels given as y, in the order mapped to (0, 1); None for 0/1 data.
    classes: list[Any] | None = None
    #: Elastic-net prior: its second scale (σ′) and name, γ = b/(2σ′²) and λ₂ = λγ (the
    #: weight of ‖β‖²: σ²/σ′², GLMs φ/σ′²); None for the one-scale priors.
    scale2_name: str | None = None
    scale2: float | None = None
    gamma: float | None = None
    lam2: float | None = None
    #: Where the prior came from when it was read off a fitted model (:func:`check_fitted`).
    source: str | None = None

    @property
    def agree(self) -> bool:
        """True when every route agrees with the analytic solution."""
        return all(r.agrees for r in self.routes.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the keys are listed in docs/cli.md, "The JSON report")."""
        out = asdict(self)
        out["agree"] = self.agree
        return out

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=True)

    def __str__(self) -> str:
        return format_report(self)


def check_equivalence(
    X: ArrayLike,
    y: ArrayLike,
    prior: Prior,
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    *,
    feature_names: Sequence[str] | None = None,
    routes: Sequence[str] = ROUTES,
    formulation: Formulation = "exact",
    tolerance: float | None = None,
    standardize: bool = False,
    family: str | Family = "gaussian",
) -> EquivalenceReport:
    """Show that the MAP of the Bayesian model equals the penalized fit.

    For the Gaussian family the penalized fit is ``‖y − β₀ − Xβ‖² + λR(β)``; for the
    binomial (logistic) and Poisson families ``D(y, β₀ + Xβ) + λR(β)`` with D the deviance,
    at λ = 2/b (Laplace) or 1/σ′² (Gaussian prior), since their dispersion is 1. Under the
    elastic-net prior R(β) = ‖β‖₁ + γ‖β‖² with γ = b/(2σ′²), λ = 2σ²/b (2/b), so that
    λ₂ = λγ = σ²/σ′² (1/σ′²); the report gives γ and λ₂ too.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        A pandas DataFrame's column names become the feature names unless
        ``feature_names`` is given. A sparse X is never densified: the solvers and the scipy
        route centre it implicitly, find_MAP's model uses PyTensor's sparse product, and
        ``standardize`` only scales its columns (see :mod:`bayesreg.standardize`). An
        estimated σ and the Gaussian prior's Hessian use the dense p × p X_cᵀX_c.
    y : array-like of shape (n_samples,)
    prior : LaplacePrior, GaussianPrior or ElasticNetPrior
    noise_sigma : float, optional
        Noise standard deviation σ. When omitted (and n > p + 1) it is estimated once from
        the least-squares residuals with n − p − 1 degrees of freedom, then held fixed; the
        report says so.
    fit_intercept : bool, default True
        Unpenalized intercept (flat prior).
    feature_names : sequence of str, optional
    routes : sequence of {"analytic", "find_map", "scipy"}
        The analytic route is always computed (it is the reference).
    formulation : {"exact", "naive"}, default "exact"
        Parametrization of the MAP routes; "naive" shows the failure of a smooth optimizer on
        the non-smooth Laplace density.
    tolerance : float, optional
        Agreement tolerance, relative to max(1, ‖β‖∞): default 1e-6 for the Laplace and
        elastic-net priors and 1e-8 for the Gaussian prior.
    family : {"gaussian", "binomial", "poisson"}, default "gaussian"
        The likelihood (:mod:`bayesreg.families`). Binomial y: 0/1 or two labels (mapped in
        sorted order, reported as ``classes``); Poisson y: counts. These families have no
        ``noise_sigma``.
    standardize : bool, default False
        Z-score the features first (:mod:`bayesreg.standardize`; needs ``fit_intercept``).
        Everything is then computed on the z-scale, and the report adds each route's
        coefficients on the original scale (``coef_original``, ``intercept_original``) and
        the means and scales used.

    Returns
    -------
    EquivalenceReport

    Raises
    ------
    ValueError
        Bad input: NaN/inf, shapes, constant columns (with an intercept), a σ that cannot be
        estimated, unknown routes, a λ too far from the data's scale for a float64 MAP.

    Examples
    --------
    >>> import bayesreg as br
    >>> data = br.load_diabetes(standardize=True)
    >>> report = br.check_equivalence(data.X, data.y, br.LaplacePrior(b=0.5), noise_sigma=54.15)
    >>> round(report.lam, 2)  # λ = 2σ²/b
    11728.89
    >>> report.agree, report.routes["find_map"].n_zero, report.routes["scipy"].n_zero
    (True, 6, 6)
    """
    fam = get_family(family)
    classes = binomial_classes(y, fam)
    Xa, ya, names, z = prepare_design(
        X, y, feature_names, fit_intercept=fit_intercept, standardize=standardize, family=fam
    )
    unknown = sorted(set(routes) - set(ROUTES))
    if unknown:
        raise ValueError(f"unknown route(s) {unknown}; choose from {list(ROUTES)}")
    sigma = resolve_noise_sigma(Xa, ya, noise_sigma, fit_intercept=fit_intercept, family=fam)
    lam = prior.penalty(sigma.value)
    _check_resolvable(Xa, ya, lam, prior, sigma.value, fit_intercept, fam)
    tol = prior.map_tolerance if tolerance is None else check_scale(tolerance, "tolerance")

    warmup(gram=False)  # load the compiled kernels lasso_cd uses before timing
    t0 = time.perf_counter()
    gaussian = isinstance(fam, Gaussian)
    # binomial / Poisson: Prior.solve certifies its glm_cd reference to 1e-12 by default
    kwargs = {"tol": _REFERENCE_TOL} if gaussian and prior.regularizer.name != "l2" else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        ref = prior.solve(Xa, ya, lam, fit_intercept=fit_intercept, family=fam, **kwargs)
    analytic = MapEstimate(
        ref.coef,
        ref.intercept,
        "analytic",
        time.perf_counter() - t0,
        not any(issubclass(w.category, ConvergenceWarning) for w in caught),
        ref.n_iter,
        ref.solver,
    )
    estimates = [analytic]
    route_sigma = sigma.value if gaussian else None
    if "find_map" in routes:
        estimates.append(
            map_find_map(
                Xa, ya, prior, route_sigma, fit_intercept=fit_intercept,
                formulation=formulation, family=fam,
            )
        )
    if "scipy" in routes:
        estimates.append(
            map_scipy(
                Xa, ya, prior, route_sigma, fit_intercept=fit_intercept,
                formulation=formulation, family=fam,
            )
        )

    size = max(1.0, float(np.max(np.abs(ref.coef), initial=0.0)))
    tol_abs = tol * size
    zero_thr = ZERO_RTOL * size
    results: dict[str, RouteResult] = {}
    for est in estimates:
        coef = np.asarray(est.coef, dtype=np.float64)
        cmp = _compare(est, analytic, tol)
        resid = optimality_residual(
            Xa, ya, coef, est.intercept, lam, prior.regularizer, fit_intercept, fam
        )
        original: tuple[list[float] | None, float | None] = (None, None)
        if z is not None:
            c_o, i_o = z.to_original(coef, est.intercept)
            original = ([float(c) for c in c_o], float(i_o))
        results[est.route] = RouteResult(
            est.route,
            [float(c) for c in coef],
            float(est.intercept),
            cmp.max_abs_diff,
            cmp.intercept_abs_diff,
            float(resid),
            cmp.n_zero,
            cmp.support_matches,
            cmp.agrees,
            float(est.seconds),
            bool(est.converged),
            int(est.n_iter),
            est.message,
            *original,
        )
    objective = _objective_text(fam, prior, fit_intercept)
    reg = prior.regularizer
    return EquivalenceReport(
        prior=prior.name,
        scale_name=prior.scale_name,
        scale=prior.scale,
        noise_sigma=sigma.value,
        noise_sigma_estimated=sigma.estimated,
        noise_sigma_dof=sigma.dof,
        lam=lam,
        penalty_formula=(
            prior.penalty_formula if gaussian else prior.penalty_formula.replace("σ²", "φ")
        ),
        objective=objective,
        fit_intercept=fit_intercept,
        formulation=formulation,
        n_samples=Xa.shape[0],
        n_features=Xa.shape[1],
        feature_names=names,
        tolerance=tol,
        tolerance_abs=tol_abs,
        zero_threshold=zero_thr,
        routes=results,
        standardized=z is not None,
        feature_means=None if z is None else z.means.tolist(),
        feature_scales=None if z is None else z.scales.tolist(),
        features_centered=None if z is None else z.centered,
        family=fam.name,
        classes=classes,
        scale2_name=prior.scale2_name,
        scale2=prior.scale2,
        gamma=reg.gamma if isinstance(reg, ElasticNetPenalty) else None,
        lam2=reg.l2_weight(lam) if isinstance(reg, ElasticNetPenalty) else None,
    )


def _objective_text(fam: Family, prior: Prior, fit_intercept: bool) -> str:
    """The penalized objective in words, e.g. ``D_binomial(y, β₀ + Xβ) + λ‖β‖₁``."""
    pen = {"l1": "λ‖β‖₁", "l2": "λ‖β‖²", "elasticnet": "λ(‖β‖₁ + γ‖β‖²)"}[
        prior.regularizer.name
    ]
    if isinstance(fam, Gaussian):
        data = "‖y − β₀ − Xβ‖²" if fit_intercept else "‖y − Xβ‖²"
    else:
        data = f"D_{fam.name}(y, β₀ + Xβ)" if fit_intercept else f"D_{fam.name}(y, Xβ)"
    return f"{data} + {pen}"




def _check_resolvable(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    prior: Prior,
    sigma: float,
    fit_intercept: bool,
    family: Family | None = None,
) -> None:
    """``ValueError`` when λ is too far from the data's scale for a float64 MAP to resolve.

    The limits are ``prior.regularizer.map_lambda_range``, relative to
    :func:`~bayesreg.optimality.lambda_scale`; the message gives the prior scales allowed.
    """
    ref = lambda_scale(X, y, prior.regularizer, fit_intercept, family)
    if not (ref > 0 and np.isfinite(ref)):
        return
    lo, hi = prior.regularizer.map_lambda_range
    if lo * ref <= lam <= hi * ref:
        return
    sym = prior.scale_name
    allowed = [f"{sym} ≥ {prior.at_penalty(hi * ref, sigma).scale:.3g}"]
    if lo > 0:
        allowed.append(f"{sym} ≤ {prior.at_penalty(lo * ref, sigma).scale:.3g}")
    if lam > hi * ref:
        why = f"over {hi:.0e} × the data's scale {ref:.3g}: every coefficient is 0 to rounding"
    else:
        why = f"under {lo:.0e} × the data's scale {ref:.3g}: the prior is flat to rounding"
    raise ValueError(
        f"{prior.describe()} with noise sigma {sigma:.3g} gives "
        f"lambda = {prior.penalty_formula} = {lam:.3g}, {why}, which a float64 MAP cannot "
        f"resolve; the check needs {' and '.join(allowed)}"
    )


@dataclass(frozen=True)
class _Comparison:
    """How one estimate compares with the reference (the fields of :class:`RouteResult`)."""

    max_abs_diff: float
    intercept_abs_diff: float
    n_zero: int
    support_matches: bool
    agrees: bool


def _compare(est: MapEstimate, ref: MapEstimate, tol: float) -> _Comparison:
    """Compare an estimate with the reference: coefficients, intercept and support.

    With s = max(1, ‖β_ref‖∞), the estimate agrees when max|Δβ| ≤ tol·s,
    |Δβ₀| ≤ tol·max(s, |β₀_ref|), and its zero set {j : |βⱼ| ≤ ZERO_RTOL·s} is that of the
    reference (the same rule for both).
    """
    ref_coef = np.asarray(ref.coef, dtype=np.float64)
    coef = np.asarray(est.coef, dtype=np.float64)
    size = max(1.0, float(np.max(np.abs(ref_coef), initial=0.0)))
    zero_thr = ZERO_RTOL * size
    diff = float(np.max(np.abs(coef - ref_coef), initial=0.0))
    d_icpt = float(abs(est.intercept - ref.intercept))
    zero = np.abs(coef) <= zero_thr
    support_ok = bool(np.array_equal(zero, np.abs(ref_coef) <= zero_thr))
    agrees = diff <= tol * size and d_icpt <= tol * max(size, abs(ref.intercept)) and support_ok
    return _Comparison(diff, d_icpt, int(zero.sum()), support_ok, bool(agrees))


def format_report(report: EquivalenceReport) -> str:
    """Human-readable table of an :class:`EquivalenceReport`."""
    method = {"laplace": "Lasso", "gaussian": "Ridge", "elasticnet": "Elastic net"}[report.prior]
    if report.family != "gaussian":
        kind = "logistic regression" if report.family == "binomial" else "Poisson regression"
        pen = {"laplace": "L1", "gaussian": "L2", "elasticnet": "Elastic-net"}[report.prior]
        method = f"{pen}-penalized {kind}"
    prior_text = describe_prior(report.prior, report.scale, scale2=report.scale2)
    lines = [
        f"MAP = penalized fit: {prior_text} ⇔ {method}",
        f"  data       {report.n_samples} samples × {report.n_features} features, "
        + ("intercept fitted (flat prior)" if report.fit_intercept else "no intercept")
        + (
            "; features standardized (z-scores: mean 0, population sd 1), so the prior, λ "
            "and the coefficients below are on the z-scale"
            if report.standardized and report.features_centered is not False
            else ""
        )
        + (
            "; features scaled to population sd 1 (sparse X: not centred, the intercept "
            "absorbs the means), so the prior, λ and the coefficients below are on that scale"
            if report.standardized and report.features_centered is False
            else ""
        ),
        "  noise σ    "
        + NoiseSigma(
            report.noise_sigma, report.noise_sigma_estimated, report.noise_sigma_dof,
            report.family,
        ).describe()
        + (
            f"; y labels {report.classes[0]!r} → 0, {report.classes[1]!r} → 1"
            if report.classes
            else ""
        ),
        *([f"  read from  {report.source}"] if report.source else []),
        f"  penalty    λ = {report.penalty_formula} = {report.lam:.6g}   in   {report.objective}",
        *(
            [
                f"  ridge      γ = b/(2σ′²) = {report.gamma:.6g}, so λ₂ = λγ = "
                + ("σ²/σ′²" if report.family == "gaussian" else "φ/σ′²")
                + f" = {report.lam2:.6g} on ‖β‖² (λ₁ = λ on ‖β‖₁)"
            ]
            if report.gamma is not None and report.lam2 is not None
            else []
        ),
        f"  tolerance  max|Δβ| ≤ {report.tolerance:.0e}·max(1, ‖β‖∞) = {report.tolerance_abs:.3g};"
        f" a MAP coefficient is zero if |βⱼ| ≤ {report.zero_threshold:.3g}",
        "",
    ]
    routes = list(report.routes.values())
    width = max(12, *(len(n) for n in report.feature_names))
    cols = [max(16, len(r.route) + 2) for r in routes]  # a column per route, names fit
    header = f"  {'coefficient':<{width}}" + "".join(
        f"{r.route:>{c}}" for r, c in zip(routes, cols, strict=True)
    )
    lines.append(header)
    for j, name in enumerate(report.feature_names):
        lines.append(
            f"  {name:<{width}}"
            + "".join(_fmt_coef(r.coef[j], c) for r, c in zip(routes, cols, strict=True))
        )
    if report.fit_intercept:
        lines.append(
            f"  {'(intercept)':<{width}}"
            + "".join(_fmt_coef(r.intercept, c) for r, c in zip(routes, cols, strict=True))
        )
    rw = max(10, *(len(r.route) + 1 for r in routes))
    lines += [
        "",
        f"  {'route':<{rw}}{'max|Δβ|':>10}{'|Δβ₀|':>10}{'residual':>10}{'zeros':>7}"
        f"{'support':>9}{'seconds':>9}  verdict",
    ]
    for r in routes:
        verdict = "reference" if r.route == "analytic" else ("agrees" if r.agrees else "DIFFERS")
        if not r.converged:
            verdict += " (optimizer did not converge)"
        lines.append(
            f"  {r.route:<{rw}}{_fmt_small(r.max_abs_diff):>10}"
            f"{_fmt_small(r.intercept_abs_diff):>10}"
            f"{_fmt_small(r.residual):>10}{r.n_zero:>7}{'same' if r.support_matches else 'DIFF':>9}"
            f"{_fmt_seconds(r.seconds):>9}  {verdict}"
        )
    ref = report.routes.get("analytic")
    if report.standardized and ref is not None and ref.coef_original is not None:
        lines += [
            "",
            "  the analytic fit on the original scale of the features (same fit, other units):",
        ]
        for name, c in zip(report.feature_names, ref.coef_original, strict=True):
            lines.append(f"  {name:<{width}}{_fmt_coef(c)}")
        if report.fit_intercept and ref.intercept_original is not None:
            lines.append(f"  {'(intercept)':<{width}}{_fmt_coef(ref.intercept_original)}")
    lines += [
        "",
        "  residual: relative KKT violation (L1, elastic net) or gradient norm (L2); 0 is "
        "optimal.",
        f"  <{ROUNDING_FLOOR:.0e}: at rounding level (the exact digits there change with the "
        "BLAS threads and compilation; the JSON report has them).",
        "  verdict: "
        + (
            "AGREE — every route equals the penalized fit within tolerance, same support."
            if report.agree
            else "DISAGREE — at least one route differs from the penalized fit."
        ),
    ]
    return "\n".join(lines)


def _fmt_small(v: float) -> str:
    """A difference or residual; below :data:`ROUNDING_FLOOR` it is rounding noise."""
    if v == 0.0:
        return "0"
    if 0.0 < v < ROUNDING_FLOOR:
        return f"<{ROUNDING_FLOOR:.0e}"
    return f"{v:.1e}"


def _fmt_seconds(v: float) -> str:
    """Wall time; NaN (not measured: a route fitted elsewhere) shows as n/a."""
    return "n/a" if v != v else f"{v:.3f}"


def _fmt_coef(v: float, width: int = 16) -> str:
    if v == 0.0:
        return f"{'0':>{width}}"
    return f"{v:>{width}.8g}"
