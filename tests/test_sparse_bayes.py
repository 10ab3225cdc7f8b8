"""scipy.sparse designs in the Bayesian half: the check, both MAP routes, the model, NUTS.

References are independent of the sparse code paths: the same computation on the dense copy
of X (the problems are small), and the optimality conditions of the penalized objective
‖y − β₀ − Xβ‖² + λR(β) written out here on that dense copy:

* Lasso, r = y − β₀ − Xβ: |2xⱼᵀr| ≤ λ where βⱼ = 0, 2xⱼᵀr = λ·sign βⱼ where βⱼ ≠ 0, Σr = 0;
* Ridge: xⱼᵀr = λβⱼ for every j, Σr = 0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import bayesreg as br
from bayesreg.model import build_model, estimate_noise_sigma
from bayesreg.optimality import lambda_scale
from bayesreg.penalties import L2Penalty

PRIORS = [br.LaplacePrior(0.05), br.GaussianPrior(0.7)]


def make_sparse(n: int = 200, p: int = 30, density: float = 0.15, seed: int = 1):
    """CSC X with N(0,1) entries plus a column with a large positive mean, y with offset 1."""
    rng = np.random.default_rng(seed)
    X = sp.random(
        n, p, density=density, format="csc", random_state=seed, data_rvs=rng.standard_normal
    ).tolil()
    rows = rng.choice(n, n // 3, replace=False)
    X[rows, p - 1] = 5.0 + rng.standard_normal(rows.size)  # column mean far from 0
    X = sp.csc_array(X.tocsc())
    beta = np.zeros(p)
    beta[:5] = [2.0, -1.0, 1.5, 0.5, -2.0]
    beta[p - 1] = 0.7
    y = X @ beta + 1.0 + 0.5 * rng.standard_normal(n)
    return X, y


def kkt(X, y, coef, intercept: float, lam: float, l1: bool, fit_intercept: bool = True) -> float:
    """Largest KKT violation relative to λ, from the dense copy (written out, see above)."""
    coef = np.asarray(coef)
    r = y - intercept - X @ coef
    g = 2.0 * X.T @ r  # = −∇RSS
    if l1:
        on = coef != 0
        viol = np.where(on, np.abs(g - lam * np.sign(coef)), np.maximum(np.abs(g) - lam, 0.0))
    else:
        viol = np.abs(g - 2.0 * lam * coef)
    icpt = abs(2.0 * float(r.sum())) if fit_intercept else 0.0
    return max(float(viol.max()), icpt) / lam


@pytest.mark.parametrize("prior", PRIORS, ids=["laplace", "gaussian"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_check_equivalence_on_sparse_x_matches_the_dense_check(prior, fit_intercept):
    X, y = make_sparse()
    Xd = X.toarray()
    rs = br.check_equivalence(X, y, prior, fit_intercept=fit_intercept)
    rd = br.check_equivalence(Xd, y, prior, fit_intercept=fit_intercept)
    assert rs.agree, rs
    # σ estimated from the same least squares: the sparse route (normal equations + explicit
    # residuals) against lstsq on the dense centred copy
    assert rs.noise_sigma == pytest.approx(rd.noise_sigma, rel=1e-12)
    assert rs.lam == pytest.approx(rd.lam, rel=1e-12)
    l1 = isinstance(prior, br.LaplacePrior)
    tol = 1e-6 if l1 else 1e-8
    for route in ("analytic", "find_map", "scipy"):
        s, d = rs.routes[route], rd.routes[route]
        np.testing.assert_allclose(s.coef, d.coef, atol=tol * max(1.0, np.abs(d.coef).max()))
        assert (np.abs(s.coef) <= rs.zero_threshold).tolist() == (
            np.abs(d.coef) <= rd.zero_threshold
        ).tolist()
        viol = kkt(Xd, y, s.coef, s.intercept, rs.lam, l1, fit_intercept)
        assert viol < (1e-5 if l1 else 1e-7), route
    if l1:
        assert 0 < rs.routes["analytic"].n_zero < X.shape[1]  # a real support to compare


@pytest.mark.parametrize("prior", PRIORS, ids=["laplace", "gaussian"])
def test_standardize_on_sparse_x_scales_only_and_gives_the_z_score_coefficients(prior):
    X, y = make_sparse()
    rs = br.check_equivalence(X, y, prior, standardize=True)
    rd = br.check_equivalence(X.toarray(), y, prior, standardize=True)
    assert rs.agree and rs.standardized
    assert rs.features_centered is False and rd.features_centered is True
    assert rs.feature_means == [0.0] * X.shape[1]
    np.testing.assert_allclose(rs.feature_scales, X.toarray().std(axis=0), rtol=1e-12)
    for route in ("analytic", "scipy"):
        s, d = rs.routes[route], rd.routes[route]
        # the z-scale coefficients are the same; on the original scale so is the intercept
        np.testing.assert_allclose(s.coef, d.coef, atol=1e-8, rtol=1e-8)
        np.testing.assert_allclose(s.coef_original, d.coef_original, atol=1e-8, rtol=1e-8)
        assert s.intercept_original == pytest.approx(d.intercept_original, rel=1e-8, abs=1e-8)
    text = str(rs)
    assert "not centred" in text and "z-scores: mean 0" not in text


def test_sparse_constant_columns_are_rejected_by_name():
    X, y = make_sparse()
    Xl = X.tolil()
    Xl[:, 3] = 0.0  # an all-zero column
    with pytest.raises(ValueError, match=r"constant feature column.*x3"):
        br.check_equivalence(sp.csc_array(Xl.tocsc()), y, PRIORS[0])
    Xl = X.tolil()
    Xl[:, 4] = 2.5  # fully stored, one value
    with pytest.raises(ValueError, match=r"constant feature column.*x4"):
        br.check_equivalence(sp.csc_array(Xl.tocsc()), y, PRIORS[0])
    # without an intercept a constant column is identified: accepted
    assert br.check_equivalence(sp.csc_array(Xl.tocsc()), y, PRIORS[0], fit_intercept=False).agree


def test_sparse_nan_is_named():
    X, y = make_sparse()
    X = X.copy()
    X.data[5] = np.nan
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        br.check_equivalence(X, y, PRIORS[0])
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        br.sample(X, y, PRIORS[0], draws=10, tune=10, chains=1, progressbar=False)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_noise_sigma_and_lambda_scale_on_sparse_x(fit_intercept):
    X, y = make_sparse()
    Xd = X.toarray()
    s = estimate_noise_sigma(X, y, fit_intercept=fit_intercept)
    # written out: lstsq with an explicit column of ones
    A = np.column_stack([np.ones(len(y)), Xd]) if fit_intercept else Xd
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    r = y - A @ coef
    assert s.value == pytest.approx(np.sqrt(r @ r / (len(y) - A.shape[1])), rel=1e-12)
    Xc = Xd - Xd.mean(axis=0) if fit_intercept else Xd
    expect = 2.0 * float((Xc**2).sum()) / Xd.shape[1]
    assert lambda_scale(X, y, L2Penalty(), fit_intercept) == pytest.approx(expect, rel=1e-12)


@pytest.mark.parametrize("likelihood", ["rows", "suffstats"])
@pytest.mark.parametrize("formulation", ["exact", "naive"])
def test_sparse_model_has_the_dense_models_log_density(likelihood, formulation):
    X, y = make_sparse(n=60, p=8, density=0.4)
    prior = br.LaplacePrior(0.3)
    ms = build_model(X, y, prior, 0.6, likelihood=likelihood, formulation=formulation)
    md = build_model(X.toarray(), y, prior, 0.6, likelihood=likelihood, formulation=formulation)
    fs, fd = ms.compile_logp(), md.compile_logp()
    gs, gd = ms.compile_dlogp(), md.compile_dlogp()
    rng = np.random.default_rng(3)
    for _ in range(5):
        point = {
            k: np.abs(rng.standard_normal(np.shape(v))) for k, v in md.initial_point().items()
        }
        assert fs(point) == pytest.approx(fd(point), rel=1e-12)
        np.testing.assert_allclose(gs(point), gd(point), rtol=1e-10, atol=1e-10)


def test_sampling_model_on_sparse_x_centres_implicitly():
    """NUTS' row model: μ = α + X_cβ with X_c never formed, the same density as the dense one."""
    from bayesreg.model import build_sampling_model

    X, y = make_sparse(n=60, p=8, density=0.4)
    names = [f"x{j}" for j in range(8)]
    kw = dict(fit_intercept=True, feature_names=names, noise="fixed", scale="fixed")
    ms, xm_s = build_sampling_model(X, y, br.LaplacePrior(0.3), 0.6, **kw)
    md, xm_d = build_sampling_model(X.toarray(), y, br.LaplacePrior(0.3), 0.6, **kw)
    np.testing.assert_allclose(xm_s, X.toarray().mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(xm_s, xm_d, rtol=1e-14)
    fs, fd = ms.compile_logp(), md.compile_logp()
    rng = np.random.default_rng(4)
    for _ in range(5):
        point = {k: rng.standard_normal(np.shape(v)) for k, v in md.initial_point().items()}
        assert fs(point) == pytest.approx(fd(point), rel=1e-12)


@pytest.mark.parametrize("likelihood", ["rows", "auto"])
def test_sample_on_sparse_x(likelihood, tmp_path):
    X, y = make_sparse(n=120, p=10, density=0.3)
    kw = dict(
        draws=300, tune=300, chains=2, random_seed=2, progressbar=False, likelihood=likelihood
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        ids = br.sample(X, y, br.GaussianPrior(1.0), **kw)
        idd = br.sample(X.toarray(), y, br.GaussianPrior(1.0), **kw)
    assert ids.attrs["likelihood"] == ("rows" if likelihood == "rows" else "suffstats")
    # the penalized reference is the same fit
    np.testing.assert_allclose(ids["map"]["beta"], idd["map"]["beta"], rtol=1e-10, atol=1e-12)
    # the posterior is the same: means agree to Monte Carlo error (Gaussian prior: the
    # posterior is Gaussian, its mean the Ridge fit)
    post_s = ids.posterior["beta"].mean(("chain", "draw")).values
    post_d = idd.posterior["beta"].mean(("chain", "draw")).values
    sd = idd.posterior["beta"].std(("chain", "draw")).values
    assert np.max(np.abs(post_s - post_d) / sd) < 0.5
    assert np.max(np.abs(post_s - np.asarray(ids["map"]["beta"])) / sd) < 0.5
    # constant_data keeps the CSC parts, which rebuild X exactly, also after a round trip
    path = tmp_path / "post.nc"
    br.save_posterior(ids, path)
    cd = br.load_posterior(path)["constant_data"]
    Xr = sp.csc_array(
        (cd["X_data"].values, cd["X_indices"].values, cd["X_indptr"].values),
        shape=tuple(cd.attrs["X_shape"]),
    )
    assert (Xr != X).nnz == 0
    assert "X" not in cd.data_vars
