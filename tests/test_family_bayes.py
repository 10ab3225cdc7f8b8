"""Binomial and Poisson families in the Bayesian half: check, MAP routes, model, NUTS, plots, CLI.

The references are independent of the package: the optimality conditions of
D(y, β₀ + Xβ) + λR(β) written out here from the deviance's gradient (binomial
∂D/∂ηᵢ = 2(expit(ηᵢ) − yᵢ), Poisson 2(exp(ηᵢ) − yᵢ)), the log-density of the model written
out (Bernoulli / Poisson log-likelihood plus the Laplace log-prior), and scikit-learn's
``LogisticRegression`` at C = b (L1) or C = σ′² (L2), which minimizes
C·Σ logloss + R_sk(w) with R_sk = ‖w‖₁ or ½‖w‖²: since D = 2·Σ logloss, that is our
objective at λ = 2/C (L1) and λ = 1/C (L2), i.e. λ = 2φ/b and φ/σ′² with φ = 1.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.special as ss
from helpers import run_cli
from sklearn.linear_model import LogisticRegression

import bayesreg as br
from bayesreg.model import build_model

LAPLACE, GAUSS = br.LaplacePrior(0.3), br.GaussianPrior(0.6)


def make(family: str, n: int = 240, p: int = 6, seed: int = 0, shift: float = 0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + shift
    beta = np.zeros(p)
    beta[:3] = [1.0, -0.8, 0.5]
    eta = 0.3 + (X - shift) @ beta
    if family == "binomial":
        y = (rng.random(n) < ss.expit(eta)).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    return X, y


def grad_dev(family: str, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """∂D/∂η written out (not the package's family objects)."""
    mu = ss.expit(eta) if family == "binomial" else np.exp(eta)
    return 2.0 * (mu - y)


def kkt(family, X, y, coef, intercept, lam, l1, fit_intercept=True, scale=None) -> float:
    """Largest violation of the optimality conditions, relative to λ (or to ``scale``)."""
    coef = np.asarray(coef)
    g = np.asarray(X.T @ grad_dev(family, y, intercept + X @ coef)).ravel()
    if l1:
        v = np.where(coef != 0, np.abs(g + lam * np.sign(coef)), np.maximum(np.abs(g) - lam, 0))
    else:
        v = np.abs(g + 2.0 * lam * coef)
    icpt = abs(float(grad_dev(family, y, intercept + X @ coef).sum())) if fit_intercept else 0.0
    return max(float(v.max()), icpt) / (lam if scale is None else scale)


def grad_at_zero(family, X, y, fit_intercept) -> float:
    """‖Xᵀ∂D/∂η‖∞ at β = 0, β₀ at its intercept-only optimum (logit / log of the mean)."""
    eta0 = 0.0
    if fit_intercept:
        m = y.mean()
        eta0 = np.log(m / (1 - m)) if family == "binomial" else np.log(m)
    return float(np.max(np.abs(X.T @ grad_dev(family, y, np.full(len(y), eta0)))))


@pytest.mark.parametrize("family", ["binomial", "poisson"])
@pytest.mark.parametrize("prior", [LAPLACE, GAUSS], ids=["laplace", "gaussian"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_check_equivalence_glm_routes_meet_the_kkt_conditions(family, prior, fit_intercept):
    X, y = make(family)
    g0 = grad_at_zero(family, X, y, fit_intercept)
    if isinstance(prior, br.LaplacePrior):  # λ = 2/b at 0.3·λ_max: some zeros, some not
        prior = br.LaplacePrior(2.0 / (0.3 * g0))
    rep = br.check_equivalence(X, y, prior, fit_intercept=fit_intercept, family=family)
    assert rep.agree, rep
    assert rep.family == family and rep.noise_sigma == 1.0
    l1 = isinstance(prior, br.LaplacePrior)
    lam = 2.0 / prior.scale if l1 else 1.0 / prior.scale**2  # λ = 2φ/b, φ/σ′², φ = 1
    assert rep.lam == pytest.approx(lam, rel=1e-15)
    for name, route in rep.routes.items():
        viol = kkt(family, X, y, route.coef, route.intercept, lam, l1, fit_intercept)
        assert viol < (1e-5 if l1 else 1e-7), (name, viol)
        # the reported residual: the same violation relative to the gradient at β = 0
        expect = kkt(family, X, y, route.coef, route.intercept, lam, l1, fit_intercept, g0)
        assert route.residual == pytest.approx(expect, rel=1e-6, abs=1e-14)
        if not fit_intercept:
            assert route.intercept == 0.0
    if l1:
        assert 0 < rep.routes["analytic"].n_zero < X.shape[1]
    text = str(rep)
    assert f"D_{family}" in text and "dispersion φ = 1" in text


@pytest.mark.parametrize("prior", [LAPLACE, GAUSS], ids=["C=b (l1)", "C=σ′² (l2)"])
def test_the_map_is_sklearns_logistic_regression_at_c_equal_to_the_prior_scale(prior):
    X, y = make("binomial", n=300)
    rep = br.check_equivalence(X, y, prior, family="binomial", routes=["analytic", "scipy"])
    l1 = isinstance(prior, br.LaplacePrior)
    C = prior.scale if l1 else prior.scale**2
    kw = {"solver": "saga", "max_iter": 200_000} if l1 else {"solver": "lbfgs", "max_iter": 10_000}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = LogisticRegression(l1_ratio=1.0 if l1 else 0.0, C=C, tol=1e-12, **kw).fit(X, y)
    ref = rep.routes["scipy"]
    np.testing.assert_allclose(ref.coef, sk.coef_.ravel(), atol=1e-5 if l1 else 1e-7)
    assert ref.intercept == pytest.approx(float(sk.intercept_[0]), abs=1e-5 if l1 else 1e-7)
    if l1:
        assert (np.array(ref.coef) == 0).tolist() == (np.abs(sk.coef_.ravel()) < 1e-8).tolist()


def test_labels_are_mapped_in_sorted_order_and_reported():
    X, y = make("binomial")
    labels = np.where(y == 1, "spam", "ham")
    rep = br.check_equivalence(X, labels, LAPLACE, family="binomial", routes=["analytic"])
    ref = br.check_equivalence(X, y, LAPLACE, family="binomial", routes=["analytic"])
    assert rep.classes == ["ham", "spam"] and ref.classes is None
    assert rep.routes["analytic"].coef == ref.routes["analytic"].coef
    assert "'ham' → 0, 'spam' → 1" in str(rep)
    assert json.loads(rep.to_json())["classes"] == ["ham", "spam"]


def test_sparse_x_glm_check_matches_dense():
    X, y = make("binomial", shift=0.0)
    X[np.abs(X) < 0.8] = 0.0
    rs = br.check_equivalence(sp.csc_array(X), y, LAPLACE, family="binomial")
    rd = br.check_equivalence(X, y, LAPLACE, family="binomial")
    assert rs.agree
    for r in ("analytic", "find_map", "scipy"):
        np.testing.assert_allclose(rs.routes[r].coef, rd.routes[r].coef, atol=1e-6)


def test_separable_data_have_a_finite_map_under_a_prior():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 3))
    y = (X[:, 0] > 0).astype(float)  # perfectly separable by x0
    rep = br.check_equivalence(X, y, br.LaplacePrior(2.0), family="binomial")
    assert rep.agree
    coef = np.array(rep.routes["analytic"].coef)
    assert np.all(np.isfinite(coef)) and coef[0] > 1.0


@pytest.mark.parametrize(
    ("family", "y", "match"),
    [
        ("binomial", [0, 1, 2] * 10, "two classes; got 3"),
        ("poisson", [1.0, -1.0, 2.0] * 10, "non-negative"),
        ("poisson", [1.5, 1.0, 2.0] * 10, "integer counts"),
    ],
)
def test_bad_responses_are_named(family, y, match):
    X = np.random.default_rng(0).standard_normal((30, 2))
    with pytest.raises(ValueError, match=match):
        br.check_equivalence(X, y, LAPLACE, family=family)


def test_options_without_meaning_for_a_glm_are_refused():
    X, y = make("poisson")
    with pytest.raises(ValueError, match="no noise sigma"):
        br.check_equivalence(X, y, LAPLACE, 2.0, family="poisson")
    with pytest.raises(ValueError, match="suffstats"):
        build_model(X, y, LAPLACE, likelihood="suffstats", family="poisson")
    with pytest.raises(ValueError, match="noise='unknown'"):
        br.sample(X, y, LAPLACE, family="poisson", noise="unknown", draws=5, tune=5)
    with pytest.raises(ValueError, match="family must be one of"):
        br.check_equivalence(X, y, LAPLACE, family="gamma")


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_model_log_density_is_the_glm_written_out(family):
    X, y = make(family, n=50, p=3)
    prior = br.LaplacePrior(0.4)
    model = build_model(X, y, prior, family=family, formulation="naive")
    logp = model.compile_logp()
    rng = np.random.default_rng(2)
    for _ in range(4):
        beta, b0 = rng.standard_normal(3), float(rng.standard_normal())
        eta = b0 + X @ beta
        if family == "binomial":
            loglik = np.sum(y * eta - np.logaddexp(0.0, eta))
        else:
            loglik = np.sum(y * eta - np.exp(eta) - ss.gammaln(y + 1))
        logprior = np.sum(-np.log(2 * 0.4) - np.abs(beta) / 0.4)
        assert logp({"beta": beta, "intercept": b0}) == pytest.approx(loglik + logprior, rel=1e-12)


def test_sample_binomial_is_labelled_and_centred_on_the_mode():
    X, y = make("binomial", n=400, p=3)
    labels = np.where(y == 1, "yes", "no")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        idata = br.sample(
            X, labels, GAUSS, family="binomial", draws=400, tune=400, chains=2,
            random_seed=3, progressbar=False,
        )  # fmt: skip
    a = idata.attrs
    assert a["family"] == "binomial" and a["classes"] == ["no", "yes"]
    assert a["likelihood"] == "rows" and "Bernoulli" in a["model"]
    assert a["lam"] == pytest.approx(1.0 / 0.6**2)
    fit = br.glm_cd(X, y, 1.0 / 0.6**2, family="binomial", penalty="l2", tol=1e-12)
    np.testing.assert_allclose(idata["map"]["beta"].values, fit.coef, rtol=1e-9)
    post = idata.posterior["beta"]
    # n = 400: the posterior is close to Gaussian around its mode
    z = (post.mean(("chain", "draw")).values - fit.coef) / post.std(("chain", "draw")).values
    assert np.max(np.abs(z)) < 0.3
    text = br.format_summary(br.summarize(idata), br.diagnose(idata), idata)
    assert "dispersion φ = 1" in text and "'no' → 0, 'yes' → 1" in text
    assert "noise σ =" not in text


def test_glm_plots_are_on_the_probability_and_rate_scales():
    import matplotlib

    matplotlib.use("Agg")
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, 150)
    X = x[:, None]
    y = (rng.random(150) < ss.expit(0.3 + 1.2 * x)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        idata = br.sample(
            X, y, LAPLACE, family="binomial", draws=200, tune=200, chains=1,
            random_seed=1, progressbar=False,
        )  # fmt: skip
    fig = br.plot_posterior_predictive(idata, x, X, y)
    curve = fig.axes[0].lines[0].get_ydata()
    beta = idata.posterior["beta"].values.reshape(-1, 1)
    b0 = idata.posterior["intercept"].values.reshape(-1)
    expect = ss.expit(b0[:, None] + beta @ np.sort(x)[None, :]).mean(axis=0)
    np.testing.assert_allclose(curve, expect, rtol=1e-12)
    assert fig.axes[0].get_ylabel() == "P(y = 1)"
    with pytest.raises(ValueError, match="whole \\[0, 1\\]"):
        br.plot_posterior_predictive(idata, x, X, y, predictive=True)
    fig = br.plot_calibration(idata, X, y, n_bins=5)
    pts = fig.axes[0].lines[1].get_xydata()  # the error-bar markers
    mu = ss.expit(b0[:, None] + beta @ x[None, :]).mean(axis=0)
    bins = np.array_split(np.argsort(mu, kind="stable"), 5)
    np.testing.assert_allclose(pts[:, 0], [mu[b].mean() for b in bins], rtol=1e-12)
    np.testing.assert_allclose(pts[:, 1], [y[b].mean() for b in bins], rtol=1e-12)


def test_cli_family(tmp_path):
    X, y = make("binomial", n=120, p=3)
    path = tmp_path / "d.csv"
    lines = ["a,b,c,label"] + [
        f"{r[0]},{r[1]},{r[2]},{'spam' if t else 'ham'}" for r, t in zip(X, y, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    base = ["check", "--data", str(path), "--target", "label", "--prior", "laplace"]
    res = run_cli(*base, "--scale", "0.3", "--family", "binomial", "--json")
    assert res.returncode == 0, res.stderr
    assert "'ham' → 0, 'spam' → 1" in res.stderr
    report = json.loads(res.stdout)
    assert report["family"] == "binomial" and report["classes"] == ["ham", "spam"]
    res = run_cli(*base, "--scale", "0.3")  # gaussian on labels
    assert res.returncode == 2 and "not numeric" in res.stderr
    res = run_cli(*base, "--scale", "0.3", "--family", "binomial", "--noise-sigma", "1.5")
    assert res.returncode == 2 and "--noise-sigma does not apply" in res.stderr
    res = run_cli(
        "sample", *base[1:], "--scale", "0.3", "--family", "binomial", "--stream"
    )
    assert res.returncode == 2 and "no sufficient statistics" in res.stderr


@pytest.mark.parametrize("family", ["gaussian", "binomial", "poisson"])
def test_deviance_change_is_the_difference_of_deviances_and_resolves_tiny_steps(family):
    fam = br.get_family(family)
    rng = np.random.default_rng(5)
    eta = 2.0 * rng.standard_normal(100)
    y = {"gaussian": rng.standard_normal(100), "binomial": (rng.random(100) < 0.4) * 1.0,
         "poisson": rng.poisson(2.0, 100) * 1.0}[family]  # fmt: skip
    d = rng.standard_normal(100)
    whole = fam.deviance(y, eta + d) - fam.deviance(y, eta)
    assert fam.deviance_change(y, eta, d) == pytest.approx(whole, rel=1e-10)
    # a step of 1e-9: the change is first order, Σ ∂D/∂η·Δ (written out), to 1e-6 relative,
    # which the difference of two deviances of size ~n cannot resolve
    tiny = 1e-9 * d
    g = {"gaussian": -2.0 * (y - eta), "binomial": 2.0 * (ss.expit(eta) - y),
         "poisson": 2.0 * (np.exp(eta) - y)}[family]  # fmt: skip
    assert fam.deviance_change(y, eta, tiny) == pytest.approx(float(g @ tiny), rel=1e-6)
