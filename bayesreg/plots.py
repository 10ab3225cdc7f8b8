"""Plots of a posterior from :func:`bayesreg.sampling.sample` (Matplotlib).

Every function returns the :class:`matplotlib.figure.Figure` it drew on (save it with
``fig.savefig("file.png")``) and never calls ``plt.show``. Matplotlib is imported only when a
plot is made. Intervals are computed with :mod:`arviz_stats` (HDI, KDE).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bayesreg._validation import check_matrix, check_vector
from bayesreg.priors import Prior

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_calibration",
    "plot_choices",
    "plot_forest",
    "plot_path",
    "plot_posterior_predictive",
    "plot_prior_posterior",
]

_MAP_STYLE = {
    "marker": "D",
    "color": "#d62728",
    "markersize": 10,
    "markerfacecolor": "none",
    "markeredgewidth": 2,
    "linestyle": "none",
}
_MEAN_STYLE = {"marker": "o", "color": "#1f77b4", "markersize": 6, "linestyle": "none"}
_MEDIAN_STYLE = {
    "marker": "|",
    "color": "black",
    "markersize": 12,
    "markeredgewidth": 2,
    "linestyle": "none",
}


def plot_forest(idata: xr.DataTree, *, hdi_prob: float = 0.94, ax: Axes | None = None) -> Figure:
    """Forest plot of the coefficients: HDIs, mean, median and the MAP (penalized) estimate.

    For each coefficient: the ``hdi_prob`` highest-density interval (thin line), the 50% HDI
    (thick line), the posterior mean (circle) and median (vertical tick), and the MAP = Lasso /
    Ridge estimate (red diamond) when the posterior has a ``map`` group. A dashed line marks 0.

    Parameters
    ----------
    idata : xarray.DataTree
        Output of :func:`bayesreg.sampling.sample`.
    hdi_prob : float, default 0.94
        Probability of the outer interval (the inner one is 50%).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    prob = _check_prob(hdi_prob, "hdi_prob")
    beta = _beta_draws(idata)  # (draws, p)
    names = _feature_names(idata)
    p = beta.shape[1]
    fig, ax = _figure_axes(ax, (7.0, 1.4 + 0.45 * p))
    outer = _hdi(beta, prob)
    inner = _hdi(beta, 0.5)
    mean = beta.mean(axis=0)
    median = np.median(beta, axis=0)
    map_beta = _map_beta(idata)
    ys = np.arange(p)[::-1]  # first feature on top
    ax.axvline(0.0, color="0.5", linestyle="--", linewidth=1, zorder=0)
    ax.hlines(ys, outer[:, 0], outer[:, 1], color="#1f77b4", linewidth=1.5)
    ax.hlines(ys, inner[:, 0], inner[:, 1], color="#1f77b4", linewidth=5, alpha=0.8)
    ax.plot(mean, ys, **_MEAN_STYLE, markeredgecolor="white", zorder=3)
    ax.plot(median, ys, **_MEDIAN_STYLE, zorder=4)
    handles = [
        Line2D([], [], color="#1f77b4", linewidth=1.5, label=f"{_pct(prob)} HDI"),
        Line2D([], [], color="#1f77b4", linewidth=5, alpha=0.8, label="50% HDI"),
        Line2D([], [], **_MEAN_STYLE, markeredgecolor="white", label="posterior mean"),
        Line2D([], [], **_MEDIAN_STYLE, label="posterior median"),
    ]
    if map_beta is not None:
        ax.plot(map_beta, ys, **_MAP_STYLE, zorder=5, alpha=0.9)
        handles.append(Line2D([], [], **_MAP_STYLE, label=_map_label(idata)))
    ax.set_yticks(ys)
    ax.set_yticklabels(names)
    ax.set_ylim(-0.7, p - 0.3)
    ax.set_xlabel("coefficient value")
    ax.set_ylabel("feature")
    ax.set_title(f"Posterior of the coefficients{_prior_label(idata)}")
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_prior_posterior(
    idata: xr.DataTree,
    prior: Prior,
    features: Sequence[str | int] | str | int | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Posterior density of chosen coefficients against their prior density.

    One panel per coefficient: a histogram and a kernel density estimate of the posterior
    draws, the prior density ``exp(prior.logpdf)`` on the same grid, and the MAP (penalized)
    estimate as a vertical line. With a Laplace prior the MAP can sit exactly at 0 (the kink of
    the prior) while the posterior spreads on both sides of it.

    Parameters
    ----------
    idata : xarray.DataTree
        Output of :func:`bayesreg.sampling.sample`.
    prior : Prior
        The prior of the coefficients (with the scale used for sampling).
    features : name, index or sequence of them, optional
        Coefficients to show (default: all).
    ax : Axes or sequence of Axes, optional
        One Axes per chosen coefficient; by default a new figure with a grid of panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import arviz_stats as azs

    if not isinstance(prior, Prior):
        raise ValueError(f"prior must be a bayesreg prior; got {type(prior).__name__}")
    beta = _beta_draws(idata)
    names = _feature_names(idata)
    cols = _select_features(names, features)
    axes = _panel_axes(ax, len(cols))
    fig = axes[0].figure
    map_beta = _map_beta(idata)
    for j, a in zip(cols, axes, strict=True):
        draws = beta[:, j]
        lo, hi = np.quantile(draws, [0.001, 0.999])
        points = [lo, hi, 0.0] + ([float(map_beta[j])] if map_beta is not None else [])
        lo, hi = min(points), max(points)
        pad = 0.15 * (hi - lo) if hi > lo else 1.0
        grid = np.linspace(lo - pad, hi + pad, 400)
        a.hist(draws, bins=40, density=True, color="#1f77b4", alpha=0.25, label="posterior draws")
        kde = azs.kde(draws)
        a.plot(np.asarray(kde[0]), np.asarray(kde[1]), color="#1f77b4", label="posterior (KDE)")
        prior_pdf = np.exp([prior.logpdf(np.array([g])) for g in grid])
        a.plot(grid, prior_pdf, color="#2ca02c", linestyle="--", label=f"prior ({prior!r})")
        if map_beta is not None:
            a.axvline(float(map_beta[j]), **_vline(_MAP_STYLE["color"]), label=_map_label(idata))
        a.axvline(float(draws.mean()), color="black", linestyle=":", label="posterior mean")
        a.set_xlim(grid[0], grid[-1])
        a.set_title(f"coefficient {names[j]}")
        a.set_xlabel(f"β[{names[j]}]")
        a.set_ylabel("density")
    if ax is None:
        fig.suptitle(f"Prior vs posterior{_prior_label(idata)}")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize="small")
    else:
        axes[0].legend(fontsize="small", framealpha=0.9)
    return fig


def plot_posterior_predictive(
    idata: xr.DataTree,
    x: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    *,
    bands: Sequence[float] = (0.5, 0.94),
    predictive: bool = False,
    max_draws: int = 2000,
    random_seed: int = 0,
    x_grid: ArrayLike | None = None,
    X_grid: ArrayLike | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Posterior of the regression curve over the data, for a one-input (e.g. polynomial) model.

    The draws of ``β₀ + Xβ`` give the posterior mean curve and central credible bands of the
    mean function, plotted against the input ``x`` (sorted), with the data points. For a
    binomial model (root attribute ``family``) the curve is the probability
    ``logit⁻¹(β₀ + Xβ)`` (the logistic curve), for a Poisson model the rate ``exp(β₀ + Xβ)``:
    the bands are of that scale, computed draw by draw.

    Parameters
    ----------
    idata : xarray.DataTree
        Output of :func:`bayesreg.sampling.sample` fitted on ``X``.
    x : array-like of shape (n,)
        The input used to build the design (e.g. ``X = [x, x², x³]``); the horizontal axis.
    X : array-like of shape (n, p)
        The design matrix the model was fitted with (same columns as the posterior).
    y : array-like of shape (n,)
        Observed responses (drawn as points).
    bands : sequence of float, default (0.5, 0.94)
        Probabilities of the central credible bands of the mean function.
    predictive : bool, default False
        Also draw the widest band for a new observation (mean function plus noise σ: the
        ``noise_sigma`` draws when σ was sampled, else the fixed σ of the model; Poisson
        counts for a Poisson model; refused for a binomial one).
    max_draws : int, default 2000
        Use at most this many posterior draws (evenly thinned).
    random_seed : int, default 0
        Seed of the noise added for the predictive band.
    x_grid, X_grid : array-like, optional
        Where to draw the curve and bands (a fine grid of the input and its design, built
        the same way as ``X``); by default the observed ``x`` and ``X``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    xa = check_vector(x, "x")
    Xa = check_matrix(X, "X")
    ya = check_vector(y, "y")
    n = xa.shape[0]
    if Xa.shape[0] != n or ya.shape[0] != n:
        raise ValueError(
            f"x, X and y must have the same number of rows; got {n}, {Xa.shape[0]}, {ya.shape[0]}"
        )
    probs = sorted((_check_prob(b, "bands") for b in bands), reverse=True)
    if not probs:
        raise ValueError("bands must contain at least one probability")
    beta, intercept, step = _thinned_draws(idata, Xa.shape[1], max_draws)
    if (x_grid is None) != (X_grid is None):
        raise ValueError("give both x_grid and X_grid, or neither")
    xc, Xcurve = xa, Xa
    if x_grid is not None:
        xc, Xcurve = check_vector(x_grid, "x_grid"), check_matrix(X_grid, "X_grid")
        if Xcurve.shape != (xc.shape[0], beta.shape[1]):
            raise ValueError(
                f"X_grid must have shape ({xc.shape[0]}, {beta.shape[1]}); got {Xcurve.shape}"
            )
    order = np.argsort(xc, kind="stable")
    xs = xc[order]
    fam = _family(idata)
    # (draws, points): the mean function on the response scale (probability, rate)
    mu = fam.mean(intercept[:, None] + beta @ Xcurve[order].T)

    fig, ax = _figure_axes(ax, (7.5, 4.5))
    if predictive:
        rng = np.random.default_rng(random_seed)
        if fam.name == "binomial":
            raise ValueError(
                "predictive=True draws a band for a new observation, which for 0/1 outcomes "
                "is the whole [0, 1]: the band of the probability is the informative one"
            )
        if fam.name == "poisson":
            pred = rng.poisson(mu).astype(np.float64)
        else:
            sigma = _noise_draws(idata, step)
            pred = mu + sigma[:, None] * rng.standard_normal(mu.shape)
        lo, hi = np.quantile(pred, [(1 - probs[0]) / 2, (1 + probs[0]) / 2], axis=0)
        ax.fill_between(
            xs, lo, hi, color="0.6", alpha=0.25, label=f"{_pct(probs[0])} predictive band"
        )
    for k, prob in enumerate(probs):
        lo, hi = np.quantile(mu, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
        alpha = 0.2 + 0.25 * k / max(len(probs) - 1, 1)
        ax.fill_between(
            xs, lo, hi, color="#1f77b4", alpha=alpha, label=f"{_pct(prob)} band of the mean"
        )
    ax.plot(xs, mu.mean(axis=0), color="#1f77b4", linewidth=2, label="posterior mean curve")
    ax.scatter(xa, ya, s=14, color="black", alpha=0.7, zorder=3, label="data")
    ax.set_xlabel("x")
    ax.set_ylabel(_MEAN_LABEL[fam.name])
    ax.set_title(f"Posterior {_CURVE_TITLE[fam.name]}{_prior_label(idata)}")
    ax.legend(fontsize="small", framealpha=0.9)
    return fig


def plot_calibration(
    idata: xr.DataTree,
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_bins: int = 10,
    hdi_prob: float = 0.94,
    max_draws: int = 2000,
    ax: Axes | None = None,
) -> Figure:
    """Calibration of a binomial or Poisson posterior with many features.

    The rows are sorted by their posterior mean prediction μ̂ᵢ (probability or rate) and
    cut into ``n_bins`` bins of equal size; each bin is drawn at (mean μ̂, observed mean of
    y), with the central ``hdi_prob`` interval of the bin's mean prediction over the draws as
    a horizontal bar. A calibrated model lies near the diagonal.

    Parameters
    ----------
    idata : xarray.DataTree
        Output of :func:`bayesreg.sampling.sample` with ``family="binomial"`` or
        ``"poisson"``, fitted on ``X`` (same columns).
    X : array-like of shape (n, p)
    y : array-like of shape (n,)
        Observed responses, 0/1 (binomial) or counts.
    n_bins : int, default 10
    hdi_prob : float, default 0.94
    max_draws : int, default 2000
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fam = _family(idata)
    if fam.name == "gaussian":
        raise ValueError("plot_calibration is for binomial and Poisson posteriors (family)")
    Xa = check_matrix(X, "X")
    ya, _ = fam.validate_y(y)
    if Xa.shape[0] != ya.shape[0]:
        raise ValueError(f"X has {Xa.shape[0]} rows but y has {ya.shape[0]}")
    if not isinstance(n_bins, int | np.integer) or not 1 <= n_bins <= ya.shape[0]:
        raise ValueError(f"n_bins must be an integer in [1, n = {ya.shape[0]}]; got {n_bins!r}")
    prob = _check_prob(hdi_prob, "hdi_prob")
    beta, intercept, _ = _thinned_draws(idata, Xa.shape[1], max_draws)
    mu = fam.mean(intercept[:, None] + beta @ Xa.T)  # (draws, n)
    mean_mu = mu.mean(axis=0)
    bins = np.array_split(np.argsort(mean_mu, kind="stable"), int(n_bins))
    pred = np.array([mean_mu[b].mean() for b in bins])
    obs = np.array([ya[b].mean() for b in bins])
    band = np.array([np.quantile(mu[:, b].mean(axis=1), [(1 - prob) / 2, (1 + prob) / 2])
                     for b in bins])  # fmt: skip
    fig, ax = _figure_axes(ax, (5.5, 5.0))
    top = max(float(pred.max()), float(obs.max()), float(band.max())) * 1.05
    ax.plot([0, top], [0, top], color="0.5", linestyle="--", label="perfect calibration")
    ax.errorbar(
        pred, obs, xerr=np.abs(band.T - pred), fmt="o", color="#1f77b4", capsize=3,
        label=f"bins of {ya.shape[0] // int(n_bins)}+ rows ({_pct(prob)} band of the mean)",
    )  # fmt: skip
    ax.set_xlabel(f"predicted {_MEAN_LABEL[fam.name]} (posterior mean)")
    ax.set_ylabel("observed mean of y in the bin")
    ax.set_title(f"Calibration{_prior_label(idata)}")
    ax.legend(fontsize="small", framealpha=0.9)
    return fig


def plot_path(
    path: Any,
    *,
    band: float = 0.94,
    features: Sequence[str] | Sequence[int] | None = None,
    choices: dict[str, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The coefficient path with posterior bands: the MAP is sparse, the posterior is not.

    Each coefficient's MAP path (the Lasso or Ridge path) is a line against log λ, with its
    central ``band`` posterior interval (0.5 or 0.94) shaded in the same colour; ``choices``
    marks chosen λ values (e.g. ``{"CV λ_min": lam, "evidence": lam2}``) with vertical lines.

    Parameters
    ----------
    path : PosteriorPath
        Output of :func:`bayesreg.bayes_path.posterior_path`.
    band : {0.5, 0.94}, default 0.94
    features : sequence of names or indices, optional
        Coefficients to draw (default: all).
    choices : dict of str to float, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if band not in path.lower:
        raise ValueError(f"band must be one of {sorted(path.lower)}; got {band!r}")
    idx = _select_features(list(path.feature_names), features)
    fig, ax = _figure_axes(ax, (8.0, 5.0))
    colors = [f"C{k % 10}" for k in range(len(idx))]
    lams = np.asarray(path.lams)
    for color, j in zip(colors, idx, strict=True):
        ax.fill_between(
            lams, path.lower[band][:, j], path.upper[band][:, j], color=color, alpha=0.15,
            linewidth=0,
        )  # fmt: skip
        ax.plot(lams, path.coef[:, j], color=color, linewidth=1.8, label=path.feature_names[j])
    ax.set_xscale("log")
    ax.invert_xaxis()  # strong penalty on the left, as in glmnet's and scikit-learn's plots
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    for k, (label, lam) in enumerate((choices or {}).items()):
        lam = _positive_lam(lam, "choices")
        ax.axvline(lam, color="0.2", linestyle=("--", ":", "-.")[k % 3], linewidth=1.2,
                   label=f"{label}: λ = {lam:.3g}")  # fmt: skip
    kind = "Lasso" if path.prior == "laplace" else "Ridge"
    ax.set_xlabel("λ (log scale; prior scale grows to the right)")
    ax.set_ylabel("coefficient")
    ax.set_title(
        f"{kind} path = MAP under a {path.prior} prior (lines)\n"
        f"{_pct(band)} central posterior interval (bands, {path.method}), "
        f"σ = {path.noise_sigma:.4g} fixed"
    )
    ax.legend(fontsize="x-small", ncol=2, framealpha=0.9)
    return fig


def plot_choices(report: Any, *, ax: Axes | None = None) -> Figure:
    """Every method's λ of a :class:`~bayesreg.choose.PenaltyChoice` on one λ axis.

    The cross-validation curve (mean ± one standard error) is drawn when CV ran; each
    method's λ is a vertical line, its range (when it has one) a band of the same colour.
    """
    fig, ax = _figure_axes(ax, (8.0, 4.8))
    if report.cv_curve is not None:
        lams, mean, se = (np.asarray(v, dtype=np.float64) for v in report.cv_curve)
        ax.fill_between(lams, mean - se, mean + se, color="0.85", label="CV mean ± 1 se")
        ax.plot(lams, mean, color="0.3", linewidth=1.5, label="CV error (mean over folds)")
        ax.set_ylabel("cross-validated mean squared error")
    else:
        ax.set_yticks([])
    for k, c in enumerate(report.choices.values()):
        color = f"C{k % 10}"
        if c.lam_low is not None and c.lam_high is not None and c.lam_high > c.lam_low:
            ax.axvspan(c.lam_low, c.lam_high, color=color, alpha=0.12, linewidth=0)
        ax.axvline(c.lam, color=color, linewidth=2,
                   label=f"{c.method}: λ = {c.lam:.3g} ({report.scale_name} = {c.scale:.3g})")
    ax.set_xscale("log")
    ax.set_xlabel("λ (log scale)")
    ax.set_title(f"Which λ? ({report.prior} prior, σ = {report.noise_sigma:.4g} fixed)")
    ax.legend(fontsize="x-small", framealpha=0.9)
    return fig


def _positive_lam(value: Any, name: str) -> float:
    """A positive finite float (a λ to mark on a plot)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must map labels to positive numbers; got {value!r}") from None
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must map labels to positive numbers; got {value!r}")
    return v


_MEAN_LABEL = {"gaussian": "y", "binomial": "P(y = 1)", "poisson": "rate E[y]"}
_CURVE_TITLE = {
    "gaussian": "regression curve",
    "binomial": "probability curve (logistic)",
    "poisson": "rate curve",
}


def _family(idata: Any) -> Any:
    """The family object named by the posterior's root attribute (Gaussian if absent)."""
    from bayesreg.families import get_family

    return get_family(str(getattr(idata, "attrs", {}).get("family", "gaussian")))


# ---------------------------------------------------------------------------------------------
def _check_prob(value: Any, name: str) -> float:
    try:
        prob = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be probabilities in (0, 1); got {value!r}") from None
    if not 0.0 < prob < 1.0:
        raise ValueError(f"{name} must be probabilities in (0, 1); got {value!r}")
    return prob


def _posterior(idata: Any) -> xr.Dataset:
    import xarray as xr

    if not isinstance(idata, xr.DataTree) or "posterior" not in idata.children:
        raise ValueError("idata must be an xarray.DataTree with a 'posterior' group")
    post = idata["posterior"].to_dataset()
    if "beta" not in post.data_vars:
        raise ValueError("the posterior has no 'beta' variable")
    return post


def _beta_draws(idata: xr.DataTree) -> NDArray[np.float64]:
    """Coefficient draws as (chains·draws, p)."""
    beta = _posterior(idata)["beta"].transpose("chain", "draw", "feature")
    values = np.asarray(beta.values, dtype=np.float64)
    return values.reshape(-1, values.shape[-1])


def _thinned_draws(
    idata: xr.DataTree, p: int, max_draws: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """``(beta (S, p), intercept (S,), step)``: at most ``max_draws`` evenly thinned draws."""
    beta = _beta_draws(idata)
    if p != beta.shape[1]:
        raise ValueError(f"X has {p} columns but the posterior has {beta.shape[1]} coefficients")
    step = max(1, int(np.ceil(beta.shape[0] / max(int(max_draws), 1))))
    return beta[::step], _intercept_draws(idata)[::step], step


def _intercept_draws(idata: xr.DataTree) -> NDArray[np.float64]:
    post = _posterior(idata)
    n = post.sizes["chain"] * post.sizes["draw"]
    if "intercept" not in post.data_vars:
        return np.zeros(n)
    return np.asarray(post["intercept"].transpose("chain", "draw").values, float).reshape(-1)


def _noise_draws(idata: xr.DataTree, step: int) -> NDArray[np.float64]:
    post = _posterior(idata)
    if "noise_sigma" in post.data_vars:
        values = post["noise_sigma"].transpose("chain", "draw").values
        return np.asarray(values, dtype=np.float64).reshape(-1)[::step]
    sigma = idata.attrs.get("noise_sigma")
    if sigma is None:
        raise ValueError("the posterior has no noise sigma (neither sampled nor in attrs)")
    n = post.sizes["chain"] * post.sizes["draw"]
    return np.full(len(range(0, n, step)), float(sigma))


def _feature_names(idata: xr.DataTree) -> list[str]:
    return [str(f) for f in _posterior(idata)["beta"].coords["feature"].values]


def _map_beta(idata: xr.DataTree) -> NDArray[np.float64] | None:
    if "map" not in idata.children or "beta" not in idata["map"].data_vars:
        return None
    return np.asarray(idata["map"]["beta"].values, dtype=np.float64)


def _select_features(names: list[str], features: Any) -> list[int]:
    if features is None:
        return list(range(len(names)))
    if isinstance(features, str | int | np.integer):
        features = [features]
    cols: list[int] = []
    for f in features:
        if isinstance(f, bool):
            raise ValueError(f"not a feature: {f!r}")
        if isinstance(f, int | np.integer):
            if not 0 <= f < len(names):
                raise ValueError(f"feature index {f} out of range for {len(names)} features")
            cols.append(int(f))
        elif str(f) in names:
            cols.append(names.index(str(f)))
        else:
            raise ValueError(f"unknown feature {f!r}; the features are {', '.join(names)}")
    if not cols:
        raise ValueError("features is empty")
    return cols


def _figure_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    import matplotlib.pyplot as plt

    fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, new_ax


def _panel_axes(ax: Any, k: int) -> list[Axes]:
    if ax is not None:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) != k:
            raise ValueError(f"need {k} axes (one per feature); got {len(axes)}")
        return axes
    import matplotlib.pyplot as plt

    ncols = min(k, 3)
    nrows = -(-k // ncols)
    fig, grid = plt.subplots(
        nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows), layout="constrained", squeeze=False
    )
    axes = list(grid.ravel())
    for extra in axes[k:]:
        fig.delaxes(extra)
    return axes[:k]


def _hdi(draws: NDArray[np.float64], prob: float) -> NDArray[np.float64]:
    """HDI of each column of (draws, p): array (p, 2)."""
    import arviz_stats as azs

    return np.asarray(azs.hdi(draws, prob=prob, axis=0), dtype=np.float64).reshape(-1, 2)


def _pct(prob: float) -> str:
    return f"{100 * prob:g}%"


def _vline(color: str) -> dict[str, Any]:
    return {"color": color, "linestyle": "-", "linewidth": 2, "alpha": 0.8}


def _prior_label(idata: xr.DataTree) -> str:
    """`` (Laplace prior (b = 0.5))``, or ``(… b sampled …)``: the words of the reports."""
    from bayesreg.priors import describe_prior

    a = idata.attrs
    if "prior" not in a:
        return ""
    state = "sampled" if a.get("scale_mode", "fixed") == "unknown" else ""
    scale2 = float(a["scale2"]) if "scale2" in a else None
    text = describe_prior(
        str(a["prior"]), float(a.get("scale", 0.0)), scale2=scale2, scale_state=state
    )
    if a.get("noise_mode", "fixed") == "unknown":
        text += ", σ sampled"
    return f"\n{text}"


def _map_label(idata: xr.DataTree) -> str:
    """Legend of the penalized fit: the MAP, or only a reference when scales were sampled."""
    from bayesreg.sampling import map_is_mode

    return "MAP = penalized fit" if map_is_mode(idata) else "penalized fit at fixed σ, scale"
