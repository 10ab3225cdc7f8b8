"""Which λ? K-fold cross-validation along the warm-started path, and information criteria.

Both choose a λ of bayesreg's objective ``D(y, β₀ + Xβ) + λR(β)`` (D the deviance: the RSS
for the Gaussian family) and report the prior that λ implies, ``Prior.from_penalty(λ, σ)``.

**Cross-validation** (:func:`cross_validate`). Each fold's training rows are fitted along the
whole λ grid with warm starts (:func:`~bayesreg.solvers.lasso_path` for the Laplace prior,
one SVD for all λ with :func:`~bayesreg.solvers.ridge_closed_form` for the Gaussian prior,
:func:`~bayesreg.solvers.glm_path` for the binomial and Poisson families and for the
elastic-net prior, whose path keeps its γ = λ₂/λ₁ fixed), and the held-out
rows are scored: mean squared prediction error (Gaussian family, ``"mse"``) or mean deviance
per held-out row (``"deviance"``; for the Gaussian family the two coincide). The curve is the
plain mean over folds, its standard error ``std(fold scores, ddof=1)/√K``.

**The fold-λ convention.** The objective sums the deviance over rows, while the penalty is
once per coefficient. A fold with n_k < n training rows fitted at the *same* λ is therefore
relatively more penalized than the full fit: its data term is about n_k/n as large. Two
readings, both offered:

* ``scale_lambda=True`` (default): fold k is fitted at ``λ·n_k/n``, which keeps the penalty
  *per row* constant. This is what scikit-learn's ``LassoCV`` and glmnet's ``cv.glmnet`` do,
  since they minimize the mean loss, ``(1/2n)·RSS + α‖β‖₁``, and fit every fold at the same
  α (α = λ/(2n) = λ_k/(2n_k)). Here ``lam_min`` is the λ whose *amount of shrinkage
  relative to the data* predicted best; ``to_sklearn_alpha(lam_min, n, "l1")`` is directly
  comparable with ``LassoCV().alpha_`` on the same folds and grid. The λ grid's top, λ_max of
  the full data, also lands near each fold's own λ_max (which is a sum over rows too).
* ``scale_lambda=False``: every fold is fitted at λ itself. Under a prior of fixed scale b and
  noise σ, λ = 2σ²/b (Laplace; σ²/σ′² Gaussian) does not depend on n, so this is literally
  *the same prior on less data*: ``lam_min`` is the λ of the prior under which posteriors
  from n_k rows predicted best. It is the Bayes-consistent reading (if the coefficients
  really are drawn from a prior, the best λ is that prior's, whatever n), but the fold fits
  are more shrunk, relative to their data, than the final fit on all n rows will be.

In both cases ``lam_min`` is a λ of the *full-data* objective (the grid is defined there,
and ``coef_min`` is the fit on all rows at ``lam_min``); the flag only changes the λ each
fold was fitted at, recorded in ``fold_lams``. (For the Lasso the optimal λ of the
prediction theory grows like √n in this scaling, between the two conventions.)

**Information criteria** (:func:`information_criteria`) for the Lasso path, exactly as
scikit-learn's ``LassoLarsIC``: ``n·log(2πσ²) + RSS/σ² + K·df`` with K = 2 (AIC) or log n
(BIC), df the size of the support (Zou, Hastie & Tibshirani 2007), and σ² the unbiased
least-squares estimate ``RSS_OLS/(n − p − 1)`` (:func:`~bayesreg.model.estimate_noise_sigma`)
unless given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_scale
from bayesreg.families import Family, Gaussian, get_family
from bayesreg.model import check_family_Xy, estimate_noise_sigma, resolve_noise_sigma
from bayesreg.optimality import EPS_L1_GAUSSIAN, lambda_grid
from bayesreg.penalties import ElasticNetPenalty, Penalty
from bayesreg.priors import ElasticNetPrior, LaplacePrior, Prior, prior_class
from bayesreg.solvers import glm_cd, glm_path, lasso_cd, lasso_path, ridge_closed_form

Criterion = Literal["aic", "bic"]
_Index = NDArray[np.intp]


@dataclass(frozen=True)
class CVResult:
    """K-fold cross-validation of a penalized fit over a grid of λ.

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
        The λ grid of the full-data objective, decreasing.
    cv_mean, cv_se : ndarray of shape (n_lams,)
        Mean of the fold scores and its standard error, ``std(fold_scores, ddof=1)/√K``.
    fold_scores : ndarray of shape (K, n_lams)
        Score of each fold's held-out rows (see ``score``).
    fold_lams : ndarray of shape (K, n_lams)
        The λ each fold was fitted at: ``lams·n_k/n`` (``scale_lambda=True``) or ``lams``.
    folds : tuple of (train, test) index arrays
        The folds used, sorted indices.
    score : str
        ``"mse"`` (Gaussian family: mean squared error on the held-out rows) or
        ``"deviance"`` (mean deviance per held-out row).
    index_min, index_1se : int
        Positions in ``lams`` of ``lam_min`` and ``lam_1se``.
    lam_min : float
        The λ of the smallest ``cv_mean`` (the largest such λ on ties).
    lam_1se : float
        The largest λ (the more regularized, for the Lasso the sparser side) whose
        ``cv_mean`` is ≤ ``cv_mean[index_min] + cv_se[index_min]``.
    prior_min, prior_1se : Prior or None
        ``Prior.from_penalty(λ, noise_sigma)`` at ``lam_min`` and ``lam_1se`` (elastic net:
        with the given prior's γ, :meth:`~bayesreg.priors.Prior.at_penalty`); None when the
        noise σ is unknown (Gaussian family, not given, and not estimable because n ≤ p + 1
        or least squares fits exactly).
    noise_sigma : float or None
        The σ used for the priors: given, estimated by least squares on all rows, or 1 (√φ
        of the binomial and Poisson families).
    noise_sigma_estimated : bool
        Whether ``noise_sigma`` was estimated.
    coef_min : ndarray of shape (n_features,)
        The fit on all rows at ``lam_min``.
    intercept_min : float
        Its intercept.
    family, penalty : str
        ``"gaussian"``, ``"binomial"`` or ``"poisson"``; ``"l1"`` (Laplace), ``"l2"``
        (Gaussian) or ``"elasticnet"``.
    scale_lambda : bool
        The fold-λ convention used (module docstring).
    """

    lams: NDArray[np.float64]
    cv_mean: NDArray[np.float64]
    cv_se: NDArray[np.float64]
    fold_scores: NDArray[np.float64]
    fold_lams: NDArray[np.float64]
    folds: tuple[tuple[_Index, _Index], ...]
    score: str
    index_min: int
    index_1se: int
    lam_min: float
    lam_1se: float
    prior_min: Prior | None
    prior_1se: Prior | None
    noise_sigma: float | None
    noise_sigma_estimated: bool
    coef_min: NDArray[np.float64]
    intercept_min: float
    family: str
    penalty: str
    scale_lambda: bool

    @property
    def support_min(self) -> NDArray[np.intp]:
        """Indices of the non-zero coefficients of ``coef_min``."""
        return np.flatnonzero(self.coef_min)

    @property
    def n_folds(self) -> int:
        """K, the number of folds."""
        return len(self.folds)


@dataclass(frozen=True)
class ICResult:
    """An information criterion along the Lasso path.

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
        The λ grid, decreasing.
    criterion : str
        ``"aic"`` or ``"bic"``.
    values : ndarray of shape (n_lams,)
        ``n·log(2πσ²) + RSS/σ² + K·df``, K = 2 (AIC) or log n (BIC).
    rss : ndarray of shape (n_lams,)
        Residual sum of squares of each fit (intercept included).
    df : ndarray of int of shape (n_lams,)
        Degrees of freedom: the size of the support (the intercept not counted, as in
        ``LassoLarsIC``).
    index_best : int
        Position of the smallest value (the largest λ on ties).
    lam_best : float
        ``lams[index_best]``.
    prior_best : LaplacePrior
        ``LaplacePrior.from_penalty(lam_best, noise_sigma)``.
    noise_sigma : float
        σ of the criterion and of the prior.
    noise_sigma_estimated : bool
        Whether σ was estimated (least squares, ``RSS_OLS/(n − p − 1)``).
    coef_best : ndarray of shape (n_features,)
        The Lasso fit at ``lam_best``.
    intercept_best : float
        Its intercept.
    """

    lams: NDArray[np.float64]
    criterion: str
    values: NDArray[np.float64]
    rss: NDArray[np.float64]
    df: NDArray[np.int64]
    index_best: int
    lam_best: float
    prior_best: LaplacePrior
    noise_sigma: float
    noise_sigma_estimated: bool
    coef_best: NDArray[np.float64]
    intercept_best: float

    @property
    def support_best(self) -> NDArray[np.intp]:
        """Indices of the non-zero coefficients of ``coef_best``."""
        return np.flatnonzero(self.coef_best)


# ---------------------------------------------------------------------------------------------
# public API


def cross_validate(
    X: ArrayLike,
    y: ArrayLike,
    prior: str | Prior = "laplace",
    *,
    lams: ArrayLike | None = None,
    n_lambdas: int = 100,
    eps: float | None = None,
    cv: int | Iterable[tuple[ArrayLike, ArrayLike]] = 5,
    family: str | Family = "gaussian",
    fit_intercept: bool = True,
    noise_sigma: float | None = None,
    random_state: int | np.random.Generator | None = None,
    scale_lambda: bool = True,
    tol: float | None = None,
) -> CVResult:
    """K-fold cross-validation of ``D + λR`` over a grid of λ, and the prior it picks.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Response, validated by ``family`` (binomial: 0/1 or two labels, the larger → 1).
    prior : {"laplace", "gaussian"} or Prior, default "laplace"
        Which penalty: Laplace → L1 (the Lasso), Gaussian → L2 (Ridge). A Prior instance
        selects its kind; its scale is not used. An :class:`~bayesreg.ElasticNetPrior`
        (an instance: the name alone has no γ) gives the elastic net
        ``D + λ(‖β‖₁ + γ‖β‖²)`` at its γ = b/(2σ′²), cross-validated over λ (glmnet's path at
        a fixed ``alpha``), on the L1 grid.
    lams : array-like, optional
        λ grid (full-data objective, all > 0), used in decreasing order. Default:
        ``n_lambdas`` values log-spaced from the data's own scale down to ``eps`` times it:
        from λ_max of all rows (L1; the smallest λ with an all-zero fit) or from 10³ times the
        mean curvature of the deviance at the null fit (L2, :func:`~bayesreg.optimality.
        lambda_scale`; 2·trace(X_cᵀX_c)/p for the Gaussian family).
    n_lambdas : int, default 100
        Size of the default grid.
    eps : float, optional
        Ratio of the smallest to the largest λ of the default grid, in (0, 1). Default:
        1e-3 for the Lasso (as ``lasso_path`` and ``LassoCV``), glmnet's 1e-2 (n < p) or
        1e-4 for L1 with the binomial and Poisson families, 1e-9 for L2 (down to 10⁻⁶ times
        the curvature scale).
    cv : int or iterable of (train, test) index arrays, default 5
        An int K ≥ 2 (at most n) splits the rows by one random permutation:
        ``perm = np.random.default_rng(random_state).permutation(n)``, test fold k is
        ``np.sort(np.array_split(perm, K)[k])`` (the first n mod K folds have one row more)
        and its training rows are all the others. Or explicit folds as in scikit-learn
        (integer indices or boolean masks of length n; at least two folds, train and test
        non-empty and disjoint).
    family : {"gaussian", "binomial", "poisson"} or a family object, default "gaussian"
    fit_intercept : bool, default True
        Fit an unpenalized intercept (in every fold and in the refit).
    noise_sigma : float, optional
        σ for the implied priors (Gaussian family); default: estimated by least squares on
        all rows (:func:`~bayesreg.model.estimate_noise_sigma`), or None when not estimable.
        The binomial and Poisson families have σ = √φ = 1 (omit it).
    random_state : int, numpy Generator or None
        Seed of the fold permutation when ``cv`` is an int.
    scale_lambda : bool, default True
        Fit fold k at ``λ·n_k/n`` (n_k its training rows): the penalty per row of the full
        fit, as scikit-learn's ``LassoCV`` and glmnet; False fits every fold at λ, the same
        prior on fewer rows. See the module docstring.
    tol : float, optional
        Solver tolerance (default each solver's: relative duality gap 1e-10 for
        ``lasso_path``, KKT residual 1e-8 for ``glm_path``; Ridge is exact).

    Returns
    -------
    CVResult
    """
    fam = get_family(family)
    prior_cls = prior_class(prior)
    if prior_cls is ElasticNetPrior and not isinstance(prior, ElasticNetPrior):
        raise ValueError(
            "cross_validate with the elastic-net prior needs an ElasticNetPrior instance: its "
            "γ = b/(2σ′²) fixes the ratio λ₂/λ₁ along the λ path"
        )
    pen: Penalty = prior.regularizer if isinstance(prior, Prior) else prior_cls.regularizer
    Xa, ya = check_family_Xy(X, y, fam)
    n = Xa.shape[0]
    if not isinstance(scale_lambda, bool):
        raise ValueError(f"scale_lambda must be True or False; got {scale_lambda!r}")
    tol_v = None if tol is None else check_scale(tol, "tol")
    folds = _folds(cv, n, random_state)
    grid = lambda_grid(Xa, ya, pen, fit_intercept, fam, lams=lams, n_lambdas=n_lambdas, eps=eps)
    noise = _noise(Xa, ya, noise_sigma, fit_intercept, fam)
    # rows are sliced once per fold: CSR for that, the solvers convert to CSC themselves
    Xrows = Xa.tocsr() if scipy.sparse.issparse(Xa) else Xa
    K = len(folds)
    fold_scores = np.empty((K, grid.size))
    fold_lams = np.empty((K, grid.size))
    for k, (train, test) in enumerate(folds):
        fold_lams[k] = grid * (train.size / n) if scale_lambda else grid
        coefs, intercepts = _fit_path(
            Xrows[train], ya[train], fold_lams[k], pen, fam, fit_intercept, tol_v, k
        )
        eta = np.asarray(Xrows[test] @ coefs.T) + intercepts
        fold_scores[k] = [fam.deviance(ya[test], eta[:, j]) / test.size for j in range(grid.size)]
    cv_mean = fold_scores.mean(axis=0)
    cv_se = fold_scores.std(axis=0, ddof=1) / math.sqrt(K)
    i_min, i_1se = _one_se_rule(cv_mean, cv_se)
    lam_min, lam_1se = float(grid[i_min]), float(grid[i_1se])
    coef_min, intercept_min = _fit_one(Xa, ya, lam_min, pen, fam, fit_intercept, tol_v)
    sigma = None if noise is None else noise[0]
    return CVResult(
        lams=grid,
        cv_mean=cv_mean,
        cv_se=cv_se,
        fold_scores=fold_scores,
        fold_lams=fold_lams,
        folds=folds,
        score="mse" if isinstance(fam, Gaussian) else "deviance",
        index_min=i_min,
        index_1se=i_1se,
        lam_min=lam_min,
        lam_1se=lam_1se,
        prior_min=None if sigma is None else _implied_prior(prior, prior_cls, lam_min, sigma),
        prior_1se=None if sigma is None else _implied_prior(prior, prior_cls, lam_1se, sigma),
        noise_sigma=sigma,
        noise_sigma_estimated=False if noise is None else noise[1],
        coef_min=coef_min,
        intercept_min=intercept_min,
        family=fam.name,
        penalty=pen.name,
        scale_lambda=scale_lambda,
    )


def information_criteria(
    X: ArrayLike,
    y: ArrayLike,
    *,
    lams: ArrayLike | None = None,
    criterion: Criterion = "bic",
    noise_sigma: float | None = None,
    fit_intercept: bool = True,
    n_lambdas: int = 100,
    eps: float = EPS_L1_GAUSSIAN,
    tol: float | None = None,
) -> ICResult:
    """AIC or BIC along the Lasso path, as scikit-learn's ``LassoLarsIC``, and its best λ.

    ``value(λ) = n·log(2πσ²) + RSS(λ)/σ² + K·df(λ)``, K = 2 (AIC) or log n (BIC), df(λ)
    the number of non-zero coefficients (an unbiased estimate of the Lasso's degrees of
    freedom, Zou, Hastie & Tibshirani 2007) and σ fixed: given, or ``RSS_OLS/(n − p − 1)``
    (n − p without an intercept), the estimate ``LassoLarsIC`` uses too. ``LassoLarsIC``
    evaluates it at the knots of the LARS path (its ``alphas_``; λ = 2n·α, see
    :func:`~bayesreg.conventions.from_sklearn_alpha`), here on any λ grid.

    Parameters
    ----------
    X, y : array-like (X may be scipy.sparse)
        Gaussian linear model data.
    lams : array-like, optional
        λ grid (all > 0), used in decreasing order; default ``n_lambdas`` values log-spaced
        from λ_max down to ``eps·λ_max``, as :func:`~bayesreg.solvers.lasso_path`.
    criterion : {"bic", "aic"}, default "bic"
    noise_sigma : float, optional
        σ; default estimated by least squares (needs n > p + 1).
    fit_intercept : bool, default True
    n_lambdas : int, default 100
    eps : float, default 1e-3
    tol : float, optional
        ``lasso_path``'s tolerance (default its own, 1e-10).

    Returns
    -------
    ICResult
    """
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic'; got {criterion!r}")
    fam = Gaussian()
    Xa, ya = check_family_Xy(X, y, fam)
    n = Xa.shape[0]
    pen = LaplacePrior.regularizer
    grid = lambda_grid(Xa, ya, pen, fit_intercept, fam, lams=lams, n_lambdas=n_lambdas, eps=eps)
    if noise_sigma is None:
        est = estimate_noise_sigma(Xa, ya, fit_intercept=fit_intercept)
        sigma, estimated = est.value, True
    else:
        sigma, estimated = check_scale(noise_sigma, "noise_sigma"), False
    kwargs: dict[str, Any] = {} if tol is None else {"tol": check_scale(tol, "tol")}
    path = lasso_path(Xa, ya, grid, fit_intercept=fit_intercept, **kwargs)
    resid = ya[:, None] - (np.asarray(Xa @ path.coefs.T) + path.intercepts)
    rss = np.einsum("ij,ij->j", resid, resid)
    df = np.count_nonzero(path.coefs, axis=1).astype(np.int64)
    factor = 2.0 if criterion == "aic" else math.log(n)
    var = sigma**2
    values = n * math.log(2.0 * math.pi * var) + rss / var + factor * df
    best = int(np.argmin(values))
    lam_best = float(path.lams[best])
    return ICResult(
        lams=path.lams,
        criterion=criterion,
        values=values,
        rss=rss,
        df=df,
        index_best=best,
        lam_best=lam_best,
        prior_best=LaplacePrior.from_penalty(lam_best, sigma),
        noise_sigma=sigma,
        noise_sigma_estimated=estimated,
        coef_best=path.coefs[best].copy(),
        intercept_best=float(path.intercepts[best]),
    )


# ---------------------------------------------------------------------------------------------
# private machinery


def _implied_prior(prior: object, prior_cls: type[Prior], lam: float, sigma: float) -> Prior:
    """The prior whose MAP is the fit at λ (the elastic net keeps the given prior's γ)."""
    if isinstance(prior, Prior):
        return prior.at_penalty(lam, sigma)
    return prior_cls.from_penalty(lam, sigma)


def _one_se_rule(cv_mean: NDArray[np.float64], cv_se: NDArray[np.float64]) -> tuple[int, int]:
    """(index of the minimum, index of the largest λ within one se of it); lams decreasing."""
    i_min = int(np.argmin(cv_mean))  # first on ties: the largest λ
    within = cv_mean <= cv_mean[i_min] + cv_se[i_min]
    return i_min, int(np.argmax(within))  # the first True: the largest λ


def _folds(
    cv: object, n: int, random_state: int | np.random.Generator | None
) -> tuple[tuple[_Index, _Index], ...]:
    if isinstance(cv, bool):
        raise ValueError(f"cv must be an int number of folds or an iterable of folds; got {cv!r}")
    if isinstance(cv, int | np.integer):
        K = int(cv)
        if K < 2:
            raise ValueError(f"cv must be at least 2 folds; got {K}")
        if K > n:
            raise ValueError(f"cv={K} folds is more than the n={n} samples")
        perm = np.random.default_rng(random_state).permutation(n)
        out = []
        for part in np.array_split(perm, K):
            test = np.sort(part)
            mask = np.ones(n, dtype=bool)
            mask[test] = False
            out.append((np.flatnonzero(mask), test))
        return tuple(out)
    if isinstance(cv, str) or not isinstance(cv, Iterable):
        raise ValueError(f"cv must be an int number of folds or an iterable of folds; got {cv!r}")
    out = []
    for k, pair in enumerate(cv):
        try:
            train, test = pair
        except (TypeError, ValueError):
            raise ValueError(f"cv fold {k} must be a (train, test) pair of index arrays") from None
        tr, te = _fold_indices(train, n, k, "train"), _fold_indices(test, n, k, "test")
        if np.intersect1d(tr, te).size:
            raise ValueError(f"cv fold {k}: train and test indices overlap")
        out.append((tr, te))
    if len(out) < 2:
        raise ValueError(f"cv must have at least 2 folds; got {len(out)}")
    return tuple(out)


def _fold_indices(idx: object, n: int, k: int, name: str) -> _Index:
    arr = np.asarray(idx)
    if arr.dtype == np.bool_:
        if arr.shape != (n,):
            raise ValueError(f"cv fold {k}: boolean {name} mask must have length n={n}")
        arr = np.flatnonzero(arr)
    if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"cv fold {k}: {name} must be a 1-D array of integer row indices")
    if arr.size == 0:
        raise ValueError(f"cv fold {k}: {name} indices are empty")
    if arr.min() < 0 or arr.max() >= n:
        raise ValueError(
            f"cv fold {k}: {name} indices must lie in [0, {n}); got {arr.min()} to {arr.max()}"
        )
    return np.unique(arr).astype(np.intp)


def _noise(
    Xa: Any,
    ya: NDArray[np.float64],
    noise_sigma: float | None,
    fit_intercept: bool,
    fam: Family,
) -> tuple[float, bool] | None:
    """(σ, estimated) for the implied priors, or None when σ is neither given nor estimable."""
    try:
        ns = resolve_noise_sigma(Xa, ya, noise_sigma, fit_intercept=fit_intercept, family=fam)
    except ValueError:
        if noise_sigma is not None or not isinstance(fam, Gaussian):
            raise
        return None  # n ≤ p + 1, or an exact least-squares fit: σ is not identified
    return ns.value, ns.estimated


def _fit_path(
    X: Any,
    y: NDArray[np.float64],
    lams: NDArray[np.float64],
    pen: Penalty,
    fam: Family,
    fit_intercept: bool,
    tol: float | None,
    k: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(coefs (n_lams, p), intercepts (n_lams,)) of one fold's training rows."""
    kwargs: dict[str, Any] = {} if tol is None else {"tol": tol}
    try:
        if isinstance(pen, ElasticNetPenalty):  # glm_path keeps γ along the path
            en = glm_path(
                X, y, lams, family=fam, penalty=pen, fit_intercept=fit_intercept, **kwargs
            )
            return en.coefs, en.intercepts
        if isinstance(fam, Gaussian) and pen.name == "l1":
            res = lasso_path(X, y, lams, fit_intercept=fit_intercept, **kwargs)
            return res.coefs, res.intercepts
        if isinstance(fam, Gaussian):
            ridge = ridge_closed_form(X, y, lams, fit_intercept=fit_intercept)
            return ridge.coef, np.asarray(ridge.intercept, dtype=np.float64)
        glm = glm_path(
            X, y, lams, family=fam, penalty=pen.name, fit_intercept=fit_intercept, **kwargs
        )
        return glm.coefs, glm.intercepts
    except ValueError as err:
        raise ValueError(f"cv fold {k}, training rows: {err}") from None


def _fit_one(
    X: Any,
    y: NDArray[np.float64],
    lam: float,
    pen: Penalty,
    fam: Family,
    fit_intercept: bool,
    tol: float | None,
) -> tuple[NDArray[np.float64], float]:
    """The refit on all rows at one λ."""
    kwargs: dict[str, Any] = {} if tol is None else {"tol": tol}
    if isinstance(fam, Gaussian) and pen.name != "l2":
        l2 = pen.l2_weight(lam) if isinstance(pen, ElasticNetPenalty) else 0.0
        res = lasso_cd(X, y, lam, fit_intercept=fit_intercept, l2=l2, **kwargs)
        return res.coef, float(res.intercept)
    if isinstance(fam, Gaussian):
        ridge = ridge_closed_form(X, y, lam, fit_intercept=fit_intercept)
        return ridge.coef, float(ridge.intercept)
    glm = glm_cd(X, y, lam, family=fam, penalty=pen, fit_intercept=fit_intercept, **kwargs)
    return glm.coef, float(glm.intercept)


__all__ = ["CVResult", "ICResult", "cross_validate", "information_criteria"]
