"""select_variables: DSS against an independent implementation, the CI and probability rules
written out, selection recovering a strong sparse truth from a real posterior, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse
import xarray as xr
from sklearn.linear_model import lasso_path as sk_lasso_path

from bayesreg import LaplacePrior, SamplingWarning, sample
from bayesreg.selection import select_variables, selection_table


def fake_tree(
    draws: np.ndarray,
    X: np.ndarray | scipy.sparse.csc_array | None,
    *,
    sigma: float | np.ndarray = 1.0,
    intercept: np.ndarray | None = None,
    family: str = "gaussian",
) -> xr.DataTree:
    """A posterior tree of the layout bayesreg.sample writes, from given draws."""
    chains, n_draw, p = draws.shape
    names = [f"x{j}" for j in range(p)]
    coords = {"chain": np.arange(chains), "draw": np.arange(n_draw), "feature": names}
    post = {"beta": (("chain", "draw", "feature"), draws)}
    if intercept is not None:
        post["intercept"] = (("chain", "draw"), intercept)
    attrs = {"family": family, "fit_intercept": intercept is not None}
    if np.ndim(sigma) == 0:
        attrs["noise_sigma"] = float(sigma)
    else:
        post["noise_sigma"] = (("chain", "draw"), np.asarray(sigma))
    tree = {"posterior": xr.Dataset(post, coords=coords)}
    if isinstance(X, np.ndarray):
        tree["constant_data"] = xr.Dataset(
            {"X": (("obs", "feature"), X)}, coords={"feature": names}
        )
    elif X is not None:
        tree["constant_data"] = xr.Dataset(
            {
                "X_data": ("nnz", X.data),
                "X_indices": ("nnz", X.indices),
                "X_indptr": ("ip", X.indptr),
            },
            attrs={"X_format": "csc", "X_shape": list(X.shape)},
        )
    dt = xr.DataTree.from_dict(tree)
    dt.attrs.update(attrs)
    return dt


def synthetic(seed: int = 0, n: int = 80, p: int = 8, S: int = 400):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.5
    truth = np.array([2.0, -1.5, 0.0, 0.0, 0.8, 0.0, 0.0, 0.0])[:p]
    # posterior-like draws: mean near the truth, some spread
    draws = truth + 0.15 * rng.standard_normal((2, S // 2, p))
    b0 = 1.0 + 0.1 * rng.standard_normal((2, S // 2))
    sig = 1.0 + 0.05 * rng.standard_normal((2, S // 2))
    return X, draws, b0, np.abs(sig), truth


def dss_reference(X, draws, sigma, level, lams_rss, refit=True):
    """DSS written out independently: scikit-learn's lasso_path on the centred design."""
    n = X.shape[0]
    Xc = X - X.mean(axis=0)
    bbar = draws.mean(axis=0)
    w = np.abs(bbar)
    target = Xc @ bbar
    # ‖t − X_c W δ‖² + λ‖δ‖₁  ⇔  scikit-learn's (1/2n)‖·‖² + α‖δ‖₁ with α = λ/(2n)
    _, coefs, _ = sk_lasso_path(
        Xc * w, target, alphas=lams_rss / (2 * n), tol=1e-14, max_iter=100000
    )
    path = (coefs * w[:, None]).T
    path[np.abs(path) < 1e-12] = 0.0
    if refit:  # each support refitted: least squares of X_cβ̄ on those columns
        for row in path:
            S = np.flatnonzero(row)
            if S.size:
                row[S] = np.linalg.lstsq(Xc[:, S], target, rcond=None)[0]
    gammas = np.vstack([np.zeros(X.shape[1]), path, bbar])
    v = np.array([np.sum((Xc @ b) ** 2) / n for b in draws])

    def rho2(g):
        d = np.array([np.sum((Xc @ (b - g)) ** 2) / n for b in draws])
        return v / (v + sigma**2 + d)

    full = rho2(bbar)
    lo, hi = (1 - level) / 2, (1 + level) / 2
    best = None
    for k, g in enumerate(gammas):
        r2 = rho2(g)
        if np.quantile(r2, hi) >= full.mean():
            size = np.count_nonzero(np.abs(g) > 1e-9)
            if best is None or size < best[0]:
                best = (size, k, g, np.quantile(r2, lo))
    assert best is not None
    return best, gammas


@pytest.mark.parametrize(("level", "refit"), [(0.5, True), (0.9, True), (0.9, False)])
def test_dss_matches_an_independent_implementation(level: float, refit: bool) -> None:
    X, draws, b0, sig, _ = synthetic()
    tree = fake_tree(draws, X, sigma=sig, intercept=b0)
    sel = select_variables(tree, "dss", level=level, refit=refit)
    flat = draws.reshape(-1, draws.shape[-1])
    (size, k, g, lower), gammas = dss_reference(
        X, flat, sig.reshape(-1), level, sel.path["lams"][1:-1], refit
    )
    assert sel.path["chosen"] == k
    np.testing.assert_allclose(sel.coef, g, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(sel.mask, np.abs(g) > 1e-9)
    assert int(sel.mask.sum()) == size
    np.testing.assert_allclose(sel.path["coefs"], gammas, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(sel.path["rho2_lower"][k], lower, rtol=1e-10)
    # intercept: the posterior-mean fit's average, β₀ + x̄ᵀβ, kept by the summary
    xm = X.mean(axis=0)
    assert sel.intercept == pytest.approx(np.mean(b0.reshape(-1) + flat @ xm) - xm @ sel.coef)


def test_dss_recovers_the_strong_support_and_is_sparser_than_the_full_model() -> None:
    X, draws, b0, sig, truth = synthetic()
    sel = select_variables(fake_tree(draws, X, sigma=sig, intercept=b0), "dss")
    np.testing.assert_array_equal(sel.mask, truth != 0)
    # the full posterior mean has every coefficient non-zero; the summary does not
    assert np.all(draws.mean(axis=(0, 1)) != 0) and sel.mask.sum() == 3
    assert sel.path["rho2_upper"][sel.path["chosen"]] >= sel.path["rho2_full_mean"]
    # every sparser summary falls short of the full model's mean ρ²
    sparser = sel.path["sizes"] < sel.mask.sum()
    assert np.all(sel.path["rho2_upper"][sparser] < sel.path["rho2_full_mean"])


def test_dss_sparse_design_and_fixed_sigma_equal_dense() -> None:
    X, draws, b0, _, _ = synthetic(seed=3)
    X[np.abs(X) < 0.6] = 0.0
    dense = select_variables(fake_tree(draws, X, sigma=1.2, intercept=b0), "dss")
    sparse = select_variables(
        fake_tree(draws, scipy.sparse.csc_array(X), sigma=1.2, intercept=b0), "dss"
    )
    np.testing.assert_array_equal(dense.mask, sparse.mask)
    np.testing.assert_allclose(dense.coef, sparse.coef, rtol=1e-8, atol=1e-10)


def test_dss_with_the_raw_design_of_a_standardized_posterior() -> None:
    # sampled with standardize=True: β on the z-scale, constant_data the z-scored design; an
    # X passed in the features' own units is z-scored with the stored means and scales
    X, draws, b0, sig, _ = synthetic(seed=2)
    X = X * np.array([0.1, 1, 10, 100, 1, 1, 3, 0.5])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / scale
    tree = fake_tree(draws, Z, sigma=sig, intercept=b0)
    tree.attrs["standardized"] = True
    tree["original_scale"] = xr.Dataset(
        {"feature_mean": ("feature", mean), "feature_scale": ("feature", scale)},
        coords={"feature": [f"x{j}" for j in range(X.shape[1])]},
    )
    stored = select_variables(tree, "dss")
    given = select_variables(tree, "dss", X=X)
    np.testing.assert_array_equal(stored.mask, given.mask)
    np.testing.assert_allclose(given.coef, stored.coef, rtol=1e-9, atol=1e-12)


def test_dss_without_intercept() -> None:
    X, draws, _, _, _ = synthetic(seed=4)
    sel = select_variables(fake_tree(draws, X, sigma=1.0), "dss")
    assert sel.intercept == 0.0
    # no centring: ρ² uses X itself
    flat = draws.reshape(-1, draws.shape[-1])
    v = np.einsum("ij,ij->i", flat @ X.T, flat @ X.T) / X.shape[0]
    d = np.sum(((flat - flat.mean(axis=0)) @ X.T) ** 2, axis=1) / X.shape[0]
    assert sel.path["rho2_full_mean"] == pytest.approx(np.mean(v / (v + 1.0 + d)))


def test_ci_and_probability_rules_written_out() -> None:
    X, draws, b0, sig, _ = synthetic()
    tree = fake_tree(draws, X, sigma=sig, intercept=b0)
    flat = draws.reshape(-1, draws.shape[-1])
    ci = select_variables(tree, "ci", level=0.95)
    lo, hi = np.quantile(flat, [0.025, 0.975], axis=0)
    np.testing.assert_array_equal(ci.mask, (lo > 0) | (hi < 0))
    pr = select_variables(tree, "probability", threshold=1.0, prob=0.5)
    np.testing.assert_array_equal(pr.mask, np.mean(np.abs(flat) > 1.0, axis=0) >= 0.5)
    assert pr.selected == ["x0", "x1"]  # 0.8 is below the practical threshold 1
    at = float(np.mean(np.abs(flat[:, 4]) > 0.8))  # about one half: the boundary is kept
    assert 0 < at < 1 and select_variables(tree, "probability", threshold=0.8, prob=at).mask[4]
    text = selection_table(pr, truth=[True, True, False, False, True, False, False, False])
    assert "2 true positives, 0 false positives, 1 missed" in text


def test_bad_input() -> None:
    X, draws, b0, sig, _ = synthetic()
    tree = fake_tree(draws, X, sigma=sig, intercept=b0)
    with pytest.raises(ValueError, match="method must be one of"):
        select_variables(tree, "lasso")
    with pytest.raises(ValueError, match="needs threshold"):
        select_variables(tree, "probability")
    with pytest.raises(ValueError, match="level must be in"):
        select_variables(tree, "ci", level=1.5)
    with pytest.raises(ValueError, match="gaussian family"):
        select_variables(fake_tree(draws, X, intercept=b0, family="binomial"), "dss")
    with pytest.raises(ValueError, match="pass X="):
        select_variables(fake_tree(draws, None, sigma=1.0, intercept=b0), "dss")
    with pytest.raises(ValueError, match="columns"):
        select_variables(fake_tree(draws, None, sigma=1.0, intercept=b0), "dss", X=X[:, :3])
    with pytest.raises(ValueError, match="no 'posterior'"):
        select_variables(xr.DataTree(), "ci")


@pytest.mark.slow
def test_dss_on_a_real_laplace_posterior_recovers_a_strong_sparse_truth() -> None:
    rng = np.random.default_rng(11)
    n, p = 200, 20
    X = rng.standard_normal((n, p))
    truth = np.zeros(p)
    truth[[1, 5, 12]] = [3.0, -2.5, 2.0]
    y = X @ truth + rng.standard_normal(n)
    with warnings.catch_warnings():
        # the test is about DSS, not the sampler: this seed's R-hat is 1.011 on one
        # coefficient, flagged by the package's 1.01 limit and irrelevant to the selection
        warnings.simplefilter("ignore", SamplingWarning)
        idata = sample(
            X,
            y,
            LaplacePrior(1.0),
            1.0,
            draws=1000,
            tune=1000,
            chains=2,
            random_seed=3,
            progressbar=False,
        )
    sel = select_variables(idata, "dss")
    np.testing.assert_array_equal(sel.mask, truth != 0)
    # the Laplace posterior's marginal intervals select the same strong effects here
    assert select_variables(idata, "ci").mask[[1, 5, 12]].all()
