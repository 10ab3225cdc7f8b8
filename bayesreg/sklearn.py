"""scikit-learn estimators: a prior on the coefficients, fitted as its MAP or with NUTS.

=========================  ==========  ===========  ==================================
estimator                  family      prior        MAP = penalized fit at
=========================  ==========  ===========  ==================================
LaplacePriorRegressor      Gaussian    Laplace(b)   Lasso, λ = 2σ²/b
GaussianPriorRegressor     Gaussian    N(0, σ′²)    Ridge, λ = σ²/σ′²
LaplacePriorClassifier     binomial    Laplace(b)   L1 logistic, λ = 2/b (φ = 1)
GaussianPriorClassifier    binomial    N(0, σ′²)    L2 logistic, λ = 1/σ′²
=========================  ==========  ===========  ==================================

λ is bayesreg's: the objective is ``D(y, β₀ + Xβ) + λR(β)`` with D the deviance (the RSS for
the regressors) and an unpenalized intercept. In scikit-learn's terms (see
:mod:`bayesreg.conventions`) the MAP of the regressors is ``Lasso(alpha=λ/(2n))`` and
``Ridge(alpha=λ)``, that of the classifiers ``LogisticRegression(C=b)`` (l1) and
``LogisticRegression(C=σ′²)`` (l2).

``method="map"`` (default) computes the MAP exactly as the analytic penalized solution
(:meth:`bayesreg.Prior.solve`: coordinate descent to a relative duality gap of 1e-12 for the
Lasso, the closed form for Ridge, ``glm_cd`` to a KKT residual of 1e-12 for the classifiers).
``method="nuts"`` samples the posterior with :func:`bayesreg.sample` (PyMC's NUTS); ``coef_``
and ``intercept_`` are then posterior means and ``posterior_`` holds the draws.

**Predictive uncertainty** (``predict(X, return_std=True)``, regressors): under NUTS the
standard deviation of a new observation, √(Var_draws(β₀ + xᵀβ) + σ²). Under the MAP it is
given only for the Gaussian prior, where the posterior of (β₀, β) with σ fixed is exactly
Gaussian (conjugate), so the number is the exact posterior predictive, not an approximation;
for the Laplace prior the posterior is not Gaussian and bayesreg does not make one up:
``return_std=True`` raises a ValueError pointing to ``method="nuts"``. Either way σ is held
fixed at ``noise_sigma_`` (its uncertainty is not propagated).

scikit-learn (≥ 1.6) is an optional dependency: ``pip install 'bayesreg[sklearn]'``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.special
from numpy.typing import ArrayLike, NDArray

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets, type_of_target
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError(
        "bayesreg.sklearn needs scikit-learn >= 1.6, which is not installed here (or is "
        f"older: {err}); install it with: pip install 'bayesreg[sklearn]'",
        name="sklearn",
    ) from err

from bayesreg._sklearn_fit import (
    Fitted,
    Settings,
    check_settings,
    draws_eta_var,
    draws_log_odds,
    fit_prior_model,
    log_sigmoid,
    ridge_predictive_var,
)
from bayesreg.families import Binomial, Family, Gaussian
from bayesreg.priors import GaussianPrior, LaplacePrior, Prior

__all__ = [
    "GaussianPriorClassifier",
    "GaussianPriorRegressor",
    "LaplacePriorClassifier",
    "LaplacePriorRegressor",
]

_SPARSE = ("csr", "csc")


class _PriorEstimator(BaseEstimator):
    """What the four estimators share: parameters, the fit, the fitted attributes."""

    _prior_cls: ClassVar[type[Prior]]
    _family: ClassVar[Family]

    def _settings(self) -> Settings:
        return check_settings(self.get_params(deep=False), self._prior_cls, self._family)

    def _fit_arrays(self, X: Any, y: NDArray[np.float64], s: Settings) -> Fitted:
        fitted = fit_prior_model(X, y, s)
        self.coef_ = fitted.coef
        self.intercept_ = fitted.intercept
        self.prior_ = fitted.prior
        self.lambda_ = fitted.lam
        self.optimality_residual_ = fitted.residual
        self.posterior_ = fitted.posterior
        self.cv_result_ = fitted.cv_result
        self.evidence_result_ = fitted.evidence_result
        self._fitted = fitted
        return fitted

    def _linear(self, X: Any) -> NDArray[np.float64]:
        """β₀ + Xβ at ``coef_`` and ``intercept_`` (X validated against the fit)."""
        return np.asarray(X @ self.coef_, dtype=np.float64).reshape(-1) + self.intercept_

    def _validate_new(self, X: ArrayLike) -> Any:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, accept_sparse=_SPARSE, dtype=np.float64)

    def _random_fit(self) -> bool:
        """Whether a fit with these parameters draws random numbers without a seed."""
        if self.random_seed is not None:
            return False
        scale = self.scale
        return (
            self.method == "nuts"
            or (isinstance(scale, str) and scale == "cv")
            or (isinstance(scale, str) and scale == "evidence" and self._prior_cls is LaplacePrior)
        )

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.non_deterministic = self._random_fit()
        return tags


class _PriorRegressor(RegressorMixin, _PriorEstimator):
    _family = Gaussian()

    def __init__(
        self,
        scale: float | str = 1.0,
        *,
        noise_sigma: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        method: str = "map",
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        cores: int | None = None,
        random_seed: int | None = None,
        cv: Any = 5,
        tol: float | None = None,
        progressbar: bool = False,
    ) -> None:
        self.scale = scale
        self.noise_sigma = noise_sigma
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.method = method
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.cores = cores
        self.random_seed = random_seed
        self.cv = cv
        self.tol = tol
        self.progressbar = progressbar

    def fit(self, X: ArrayLike, y: ArrayLike) -> _PriorRegressor:  # type: ignore[override]
        """Fit the model to ``X`` (n_samples, n_features; dense or sparse) and ``y``.

        Returns
        -------
        self
        """
        s = self._settings()
        X, y = validate_data(self, X, y, accept_sparse=_SPARSE, dtype=np.float64, y_numeric=True)
        fitted = self._fit_arrays(X, np.asarray(y, dtype=np.float64), s)
        self.noise_sigma_ = fitted.noise.value
        self.noise_sigma_estimated_ = bool(fitted.noise.estimated)
        self.coef_cov_ = fitted.coef_cov
        return self

    def predict(
        self, X: ArrayLike, return_std: bool = False
    ) -> NDArray[np.float64] | tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The posterior mean of β₀ + xᵀβ (the MAP's under ``method="map"``), optionally its std.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        return_std : bool, default False
            Also return the standard deviation of a new observation at each row, noise σ
            included (module docstring). Under ``method="map"`` only for the Gaussian prior
            (exact there); the Laplace prior raises a ValueError.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,), only with ``return_std=True``
        """
        X = self._validate_new(X)
        fitted: Fitted = self._fitted
        if return_std and fitted.posterior is None and fitted.coef_cov is None:
            raise ValueError(
                f"return_std=True under method='map' is given for the Gaussian prior only (its "
                f"posterior is exactly Gaussian); the {type(self).__name__} posterior is not "
                "Gaussian: refit with method='nuts' for its predictive std"
            )
        mean = self._linear(X)
        if not return_std:
            return mean
        if fitted.posterior is not None:
            var = draws_eta_var(X, fitted) + fitted.noise.value**2
        else:
            var = ridge_predictive_var(X, fitted)
        return mean, np.sqrt(var)


class _PriorClassifier(ClassifierMixin, _PriorEstimator):
    _family = Binomial()

    def __init__(
        self,
        scale: float | str = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        method: str = "map",
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        cores: int | None = None,
        random_seed: int | None = None,
        cv: Any = 5,
        tol: float | None = None,
        progressbar: bool = False,
    ) -> None:
        self.scale = scale
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.method = method
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.cores = cores
        self.random_seed = random_seed
        self.cv = cv
        self.tol = tol
        self.progressbar = progressbar

    def fit(self, X: ArrayLike, y: ArrayLike) -> _PriorClassifier:  # type: ignore[override]
        """Fit the model to ``X`` and binary labels ``y`` (any two values, sorted: the larger
        is the positive class ``classes_[1]``).

        Returns
        -------
        self
        """
        s = self._settings()
        X, y = validate_data(self, X, y, accept_sparse=_SPARSE, dtype=np.float64)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {y_type}."
            )
        classes = np.unique(y)
        if classes.size != 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of two classes; got 1 class ({classes[0]!r})"
            )
        self._fit_arrays(X, (y == classes[1]).astype(np.float64), s)
        self.classes_ = classes
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log-odds of the positive class ``classes_[1]``.

        MAP: β₀ + xᵀβ. NUTS: the log-odds of the posterior mean probability (so that
        ``predict`` is ``decision_function > 0`` either way; it is not ``X @ coef_ +
        intercept_``, the posterior mean of the log-odds).
        """
        X = self._validate_new(X)
        if self._fitted.posterior is None:
            return self._linear(X)
        return draws_log_odds(X, self._fitted)

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Probabilities of ``classes_`` (columns): MAP σ(β₀ + xᵀβ), NUTS its posterior mean."""
        d = self.decision_function(X)
        return np.column_stack([scipy.special.expit(-d), scipy.special.expit(d)])

    def predict_log_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """The logarithm of :meth:`predict_proba`, computed without overflow."""
        d = self.decision_function(X)
        return np.column_stack([log_sigmoid(-d), log_sigmoid(d)])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """``classes_[1]`` where its probability exceeds 0.5, else ``classes_[0]``."""
        positive = self.decision_function(X) > 0.0  # checks the fit first
        return self.classes_[positive.astype(np.intp)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


_COMMON_PARAMS = """\
    fit_intercept : bool, default True
        Fit an unpenalized intercept β₀ (flat prior).
    standardize : bool, default False
        Z-score the features internally (mean 0, population sd 1; a sparse X is only
        scaled), as ``bayesreg.check_equivalence(standardize=True)`` does: the prior, λ,
        the fit and ``optimality_residual_`` live on the z-scale, and ``coef_`` and
        ``intercept_`` are the same fit mapped back to the original units of the features.
        Needs ``fit_intercept=True``.
    method : {{"map", "nuts"}}, default "map"
        ``"map"``: the posterior mode, computed as the analytic penalized solution
        (:meth:`bayesreg.Prior.solve`), which is the MAP. ``"nuts"``: posterior draws by
        :func:`bayesreg.sample` (NUTS); ``coef_`` and ``intercept_`` are then their means.
        (Named ``method`` because ``fit`` is the estimator's method.)
    draws, tune, chains : int, default 1000, 1000, 4
        NUTS: draws kept per chain, tuning steps per chain, number of chains.
    cores : int, optional
        NUTS: chains run in parallel (default: PyMC's choice).
    random_seed : int or numpy.random.Generator, optional
        Seed of NUTS, of the fold permutation of ``scale="cv"`` with an integer ``cv``{seed}.
    cv : int, scikit-learn splitter or iterable of (train, test), default 5
        Folds for ``scale="cv"`` (:func:`bayesreg.cross_validate`'s ``cv``; a splitter's
        ``split(X, y)`` is used).
    tol : float, optional
        Solver tolerance of the MAP: default a relative duality gap of 1e-12 (Lasso) or a
        KKT residual of 1e-12 (logistic); the closed-form Ridge is exact and ignores it.
    progressbar : bool, default False
        NUTS: show PyMC's progress bar (on stderr)."""

_COMMON_ATTRS = """\
    coef_ : ndarray of shape (n_features,)
        The MAP's coefficients (``method="map"``) or their posterior mean (``"nuts"``), on
        the original scale of the features.
    intercept_ : float
        Likewise for β₀ (0.0 when ``fit_intercept=False``).
    prior_ : {prior_cls}
        The prior used, at its given, cross-validated or empirical-Bayes scale.
    lambda_ : float
        λ of bayesreg's objective ``D + λR`` implied by ``prior_``: {lam}.
    optimality_residual_ : float
        :func:`bayesreg.optimality_residual` of (``coef_``, ``intercept_``) at ``lambda_``
        (on the z-scale when standardized): the KKT certificate of the MAP (≈ 1e-12 and
        below), and for ``method="nuts"`` how far the posterior mean is from being the
        MAP (not a convergence measure; the MAP itself is in ``posterior_["map"]``).
    posterior_ : xarray.DataTree or None
        ``method="nuts"``: what :func:`bayesreg.sample` returned (groups ``posterior``,
        ``map``, ``original_scale`` when standardized, ...). None for ``method="map"``.
    cv_result_ : bayesreg.CVResult or None
        With ``scale="cv"``: the cross-validation (``lam_min`` is ``lambda_``).
    evidence_result_ : bayesreg.EvidenceResult or None
        With ``scale="evidence"``: the empirical-Bayes fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X had column names (a pandas DataFrame)."""

_REGRESSOR_DOC = """{title}

    The model is ``y ~ Normal(β₀ + Xβ, σ)`` with {prior_text}, β₀ flat and σ fixed; its MAP
    is {solution}, scikit-learn's {sklearn_name} on the same data.

    Parameters
    ----------
    scale : float or {{"cv", "evidence"}}, default 1.0
        {scale_text} ``"cv"``: the prior implied by :func:`bayesreg.cross_validate`'s
        ``lam_min`` (at σ = ``noise_sigma_``); ``"evidence"``: the type-II maximum
        likelihood scale of :func:`bayesreg.empirical_bayes` ({evidence_text}).
    noise_sigma : float, optional
        The noise σ. Default: estimated by least squares, √(RSS/(n − p − 1)), which needs
        n > p + 1 (:func:`bayesreg.estimate_noise_sigma`); with ``scale="evidence"``
        {evidence_sigma}.
{params}

    Attributes
    ----------
{attrs}
    noise_sigma_ : float
        The σ used (given or estimated).
    noise_sigma_estimated_ : bool
        Whether ``noise_sigma_`` was estimated.
    coef_cov_ : ndarray of shape (n_features, n_features) or None
        {cov_text}

    Notes
    -----
    ``predict(X, return_std=True)`` returns the standard deviation of a new observation
    (noise σ included, σ fixed): under NUTS from the draws; {std_text}

    Examples
    --------
    >>> from bayesreg import load_diabetes
    >>> data = load_diabetes(standardize=True)
    >>> est = {name}(scale={example_scale}).fit(data.X, data.y)
    >>> est.lambda_ == est.prior_.penalty(est.noise_sigma_)
    True
    """

_CLASSIFIER_DOC = """{title}

    The model is ``y ~ Bernoulli(expit(β₀ + Xβ))`` with {prior_text} and β₀ flat (the
    dispersion is φ = 1: there is no noise σ); its MAP is {solution}, scikit-learn's
    {sklearn_name} on the same data. Binary only: ``classes_`` are the two labels, sorted,
    and ``classes_[1]`` is the positive class.

    Parameters
    ----------
    scale : float or "cv", default 1.0
        {scale_text} ``"cv"``: the prior implied by :func:`bayesreg.cross_validate`'s
        ``lam_min`` (binomial deviance). ``"evidence"`` is refused (ValueError): bayesreg's
        empirical Bayes is the Gaussian linear model's, and the binomial evidence has no
        closed form.
{params}

    Attributes
    ----------
{attrs}
    classes_ : ndarray of shape (2,)
        The labels; ``predict_proba``'s columns are in this order.

    Examples
    --------
    >>> from bayesreg import load_diabetes
    >>> data = load_diabetes(standardize=True)
    >>> est = {name}(scale={example_scale}).fit(data.X, data.y > 140.5)
    >>> est.classes_.tolist()
    [False, True]
    """


class LaplacePriorRegressor(_PriorRegressor):
    _prior_cls = LaplacePrior


class GaussianPriorRegressor(_PriorRegressor):
    _prior_cls = GaussianPrior


class LaplacePriorClassifier(_PriorClassifier):
    _prior_cls = LaplacePrior


class GaussianPriorClassifier(_PriorClassifier):
    _prior_cls = GaussianPrior


_LAPLACE = {
    "prior_cls": "LaplacePrior",
    "prior_text": "βⱼ ~ Laplace(0, b) independent",
    "scale_text": "The Laplace scale b > 0.",
}
_GAUSSIAN = {
    "prior_cls": "GaussianPrior",
    "prior_text": "βⱼ ~ Normal(0, σ′) independent",
    "scale_text": "The prior standard deviation σ′ > 0.",
}
LaplacePriorRegressor.__doc__ = _REGRESSOR_DOC.format(
    title="Bayesian linear regression with a Laplace prior: its MAP is the Lasso.",
    solution="the Lasso of ``‖y − β₀ − Xβ‖² + λ‖β‖₁`` at λ = 2σ²/b",
    sklearn_name="``Lasso(alpha=λ/(2n))``",
    evidence_text="Monte Carlo EM at σ fixed; seeded by ``random_seed``",
    evidence_sigma="it is still the least-squares estimate, held fixed",
    params=_COMMON_PARAMS.format(seed=", and of the Monte Carlo EM of ``scale='evidence'``"),
    attrs=_COMMON_ATTRS.format(prior_cls="LaplacePrior", lam="2σ²/b"),
    cov_text="None: the Laplace posterior is not Gaussian.",
    std_text="under the MAP it is refused (ValueError): the Laplace posterior is not "
    "Gaussian, and a Gaussian approximation at a kinked mode would be a made-up number.",
    name="LaplacePriorRegressor",
    example_scale="0.5",
    **{k: v for k, v in _LAPLACE.items() if k != "prior_cls"},
)
GaussianPriorRegressor.__doc__ = _REGRESSOR_DOC.format(
    title="Bayesian linear regression with a Gaussian prior: its MAP is Ridge regression.",
    solution="Ridge regression ``‖y − β₀ − Xβ‖² + λ‖β‖²`` at λ = σ²/σ′²",
    sklearn_name="``Ridge(alpha=λ)``",
    evidence_text="the exact restricted evidence, maximized jointly over σ′ and σ unless "
    "``noise_sigma`` is given",
    evidence_sigma="σ is estimated jointly with σ′, by the evidence",
    params=_COMMON_PARAMS.format(seed=""),
    attrs=_COMMON_ATTRS.format(prior_cls="GaussianPrior", lam="σ²/σ′²"),
    cov_text="``method='map'``: the posterior covariance of β given σ, σ²(X_cᵀX_c + λI)⁻¹ "
    "(original scale), as BayesianRidge's ``sigma_``; None under NUTS.",
    std_text="under the MAP from the exact posterior (Gaussian prior and likelihood with a "
    "flat intercept are conjugate): √(σ² + σ²/n + (x − x̄)ᵀ ``coef_cov_`` (x − x̄)).",
    name="GaussianPriorRegressor",
    example_scale="10.0",
    **{k: v for k, v in _GAUSSIAN.items() if k != "prior_cls"},
)
LaplacePriorClassifier.__doc__ = _CLASSIFIER_DOC.format(
    title="Bayesian logistic regression with a Laplace prior: its MAP is the L1 logistic fit.",
    solution="the minimizer of ``D + λ‖β‖₁`` (D the binomial deviance) at λ = 2/b",
    sklearn_name="``LogisticRegression(C=b, l1_ratio=1)``",
    params=_COMMON_PARAMS.format(seed=""),
    attrs=_COMMON_ATTRS.format(prior_cls="LaplacePrior", lam="2/b"),
    name="LaplacePriorClassifier",
    example_scale="0.5",
    **{k: v for k, v in _LAPLACE.items() if k != "prior_cls"},
)
GaussianPriorClassifier.__doc__ = _CLASSIFIER_DOC.format(
    title="Bayesian logistic regression with a Gaussian prior: its MAP is the L2 logistic fit.",
    solution="the minimizer of ``D + λ‖β‖²`` (D the binomial deviance) at λ = 1/σ′²",
    sklearn_name="``LogisticRegression(C=σ′², l1_ratio=0)``",
    params=_COMMON_PARAMS.format(seed=""),
    attrs=_COMMON_ATTRS.format(prior_cls="GaussianPrior", lam="1/σ′²"),
    name="GaussianPriorClassifier",
    example_scale="1.0",
    **{k: v for k, v in _GAUSSIAN.items() if k != "prior_cls"},
)
