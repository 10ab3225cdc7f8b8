"""The elastic-net prior: p(βⱼ) ∝ exp(−|βⱼ|/b − βⱼ²/(2σ′²)), whose MAP is the elastic net.

Written against references the package does not use: scikit-learn's ``ElasticNet``,
``ElasticNetCV`` and ``LogisticRegression`` (after converting their scalings, derived below),
the KKT conditions and the duality gap written out here with NumPy, and numerical quadrature
for the normalizing constant.

Conversions. scikit-learn's ``ElasticNet`` minimizes (1/2n)·RSS + α·r‖β‖₁ + ½α(1−r)‖β‖²;
times 2n: RSS + 2nαr‖β‖₁ + nα(1−r)‖β‖², so λ₁ = 2nαr and λ₂ = nα(1−r).
``LogisticRegression(l1_ratio=r, C)`` minimizes C·L + r‖β‖₁ + ½(1−r)‖β‖² with L = D/2, i.e.
D + (2r/C)‖β‖₁ + ((1−r)/C)‖β‖²: λ₁ = 2r/C and λ₂ = (1−r)/C.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import integrate

import bayesreg as br
import bayesreg.cli
from bayesreg import ElasticNetPenalty, ElasticNetPrior
from bayesreg.priors import _elastic_net_draws, elastic_net_log_normalizer
from bayesreg.solvers import duality_gap

sklearn = pytest.importorskip("sklearn")
from sklearn.linear_model import ElasticNet, ElasticNetCV, LogisticRegression  # noqa: E402

#: Agreement with the scikit-learn references (relative to max|β|).
RTOL = 1e-8


def correlated(n: int, p: int, rho: float = 0.9, seed: int = 0, k: int = 5):
    """Equicorrelated Gaussian columns (pairwise correlation ρ), k true effects, unit noise."""
    rng = np.random.default_rng(seed)
    X = math.sqrt(rho) * rng.standard_normal((n, 1)) + math.sqrt(1 - rho) * rng.standard_normal(
        (n, p)
    )
    beta = np.zeros(p)
    k = min(k, p)
    beta[:k] = [3.0, -2.0, 1.5, 1.0, -1.0][:k]
    return X, X @ beta + rng.standard_normal(n)


def sk_lams(n: int, alpha: float, l1_ratio: float) -> tuple[float, float]:
    """(λ₁, λ₂) of RSS + λ₁‖β‖₁ + λ₂‖β‖² for scikit-learn's ElasticNet(alpha, l1_ratio)."""
    return 2.0 * n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)


def en_objective(X, y, coef, intercept, lam1, lam2):
    r = y - intercept - X @ coef
    return float(r @ r + lam1 * np.abs(coef).sum() + lam2 * coef @ coef)


def assert_close_support(got, ref, rtol=RTOL):
    scale = float(np.max(np.abs(ref)))
    diff = float(np.max(np.abs(got - ref)))
    assert diff <= rtol * scale, f"max|Δβ| = {diff:.2e} > {rtol:.0e}·{scale:.3g}"
    np.testing.assert_array_equal(got != 0.0, ref != 0.0)


# ============================================================ (1) scikit-learn ElasticNet
@pytest.mark.parametrize("shape", [(80, 30), (40, 120)], ids=["n>p", "p>n"])
@pytest.mark.parametrize("alpha,l1_ratio", [(0.05, 0.5), (0.2, 0.8)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_matches_sklearn_elastic_net(shape, alpha, l1_ratio, fit_intercept, sparse):
    n, p = shape
    X, y = correlated(n, p)
    sk = ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-12, max_iter=10**6
    ).fit(X, y)
    lam1, lam2 = sk_lams(n, alpha, l1_ratio)
    Xin = sp.csc_array(X) if sparse else X
    res = br.lasso_cd(Xin, y, lam1, l2=lam2, fit_intercept=fit_intercept, tol=1e-13)
    assert res.converged and res.l2 == lam2
    assert_close_support(res.coef, sk.coef_)
    assert abs(res.intercept - sk.intercept_) <= RTOL * max(1.0, abs(sk.intercept_))


def test_matches_sklearn_on_a_sparse_design_and_its_small_penalty():
    """A genuinely sparse X (30 % stored), and a small penalty on the dense p > n design."""
    rng = np.random.default_rng(5)
    X = sp.random(120, 60, density=0.3, random_state=5, data_rvs=rng.standard_normal).tocsc()
    y = X[:, :4] @ np.array([2.0, -1.0, 1.0, 0.5]) + 0.5 * rng.standard_normal(120)
    sk = ElasticNet(alpha=0.02, l1_ratio=0.4, tol=1e-12, max_iter=10**6).fit(X, y)
    res = br.lasso_cd(X, y, *sk_lams(120, 0.02, 0.4)[:1], l2=sk_lams(120, 0.02, 0.4)[1], tol=1e-13)
    assert_close_support(res.coef, sk.coef_)
    Xd, yd = correlated(40, 120)
    sk = ElasticNet(alpha=0.01, l1_ratio=0.3, tol=1e-12, max_iter=10**6).fit(Xd, yd)
    lam1, lam2 = sk_lams(40, 0.01, 0.3)
    res = br.lasso_cd(Xd, yd, lam1, l2=lam2, tol=1e-13)
    assert np.count_nonzero(res.coef) > 40  # the elastic net keeps more than n features
    assert_close_support(res.coef, sk.coef_)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gram_route_and_cd_route_agree(fit_intercept):
    """Tall design: the Gram route (X_cᵀX_c + λ₂I) and sweeps on the data give one answer."""
    X, y = correlated(400, 40, seed=2)
    lam1 = 0.05 * br.lambda_max(X, y, fit_intercept=fit_intercept)
    fits = {
        r: br.lasso_cd(X, y, lam1, l2=3.0, fit_intercept=fit_intercept, route=r, tol=1e-13)
        for r in ("cd", "gram", "auto")
    }
    assert fits["gram"].route == "gram"
    for r in ("gram", "auto"):
        assert_close_support(fits[r].coef, fits["cd"].coef, 1e-10)


def test_prior_solve_is_the_elastic_net_at_its_lambdas():
    """ElasticNetPrior(b, σ′).solve at λ = 2σ²/b is the fit with λ₁ = 2σ²/b, λ₂ = σ²/σ′²."""
    X, y = correlated(80, 30, seed=1)
    sigma, b, s = 1.3, 0.2, 0.4
    prior = ElasticNetPrior(b, s)
    lam = prior.penalty(sigma)
    assert lam == pytest.approx(2 * sigma**2 / b, rel=1e-15)
    assert prior.l2_penalty(sigma) == pytest.approx(sigma**2 / s**2, rel=1e-15)
    assert prior.gamma == pytest.approx(b / (2 * s**2), rel=1e-15)
    assert prior.regularizer.l2_weight(lam) == pytest.approx(prior.l2_penalty(sigma), rel=1e-14)
    # scikit-learn at the same (λ₁, λ₂): α·r = λ₁/(2n), α(1 − r) = λ₂/n
    n = X.shape[0]
    a1, a2 = lam / (2 * n), prior.l2_penalty(sigma) / n
    sk = ElasticNet(alpha=a1 + a2, l1_ratio=a1 / (a1 + a2), tol=1e-12, max_iter=10**6).fit(X, y)
    fit = prior.solve(X, y, lam, tol=1e-13)
    assert_close_support(fit.coef, sk.coef_)
    assert "elastic net" in fit.solver


# ============================================================ (2) KKT, written out
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_kkt_conditions_hold(fit_intercept, sparse):
    """g = 2Xᵀ(Xβ + β₀ − y) + 2λ₂β: g + λ₁·sign(β) = 0 on the support, |g| ≤ λ₁ off it."""
    X, y = correlated(40, 120, seed=3)
    lam1 = 0.1 * br.lambda_max(X, y, fit_intercept=fit_intercept)
    lam2 = 2.5
    Xin = sp.csc_array(X) if sparse else X
    res = br.lasso_cd(Xin, y, lam1, l2=lam2, fit_intercept=fit_intercept)
    beta, b0 = res.coef, res.intercept
    resid = X @ beta + b0 - y
    g = 2.0 * X.T @ resid + 2.0 * lam2 * beta
    on = beta != 0.0
    assert on.any() and (~on).any()
    assert np.max(np.abs(g[on] + lam1 * np.sign(beta[on]))) <= 1e-8 * lam1
    assert np.max(np.abs(g[~on])) <= lam1 * (1.0 + 1e-8)
    if fit_intercept:
        assert abs(resid.sum()) <= 1e-8 * lam1
    else:
        assert b0 == 0.0


# ============================================================ (3) duality gap
def written_out_gap(X, y, beta, lam1, lam2, fit_intercept=True):
    """The augmented-Lasso gap in the RSS scaling, from its formula (module docstring of
    bayesreg.solvers._cd_kernels): F(β) − (2s·rᵀy_c − s²(‖r‖² + λ₂‖β‖²)),
    c = X_cᵀr − λ₂β, s = min(1, λ₁/(2‖c‖∞))."""
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    r = yc - Xc @ beta
    c = Xc.T @ r - lam2 * beta
    s = min(1.0, lam1 / (2.0 * np.max(np.abs(c))))
    primal = r @ r + lam1 * np.abs(beta).sum() + lam2 * beta @ beta
    dual = 2.0 * s * (r @ yc) - s**2 * (r @ r + lam2 * beta @ beta)
    return primal - dual, primal


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_duality_gap_is_nonnegative_bounds_suboptimality_and_vanishes(fit_intercept):
    X, y = correlated(50, 80, seed=4)
    lam1 = 0.2 * br.lambda_max(X, y, fit_intercept=fit_intercept)
    lam2 = 4.0
    best = br.lasso_cd(X, y, lam1, l2=lam2, fit_intercept=fit_intercept, tol=1e-14)
    f_best = written_out_gap(X, y, best.coef, lam1, lam2, fit_intercept)[1]
    rng = np.random.default_rng(0)
    points = [np.zeros(80), best.coef + 0.01 * rng.standard_normal(80)]
    points += [rng.standard_normal(80) * (rng.random(80) < 0.2) for _ in range(20)]
    for beta in points:
        gap = duality_gap(X, y, beta, lam1, l2=lam2, fit_intercept=fit_intercept)
        expect, primal = written_out_gap(X, y, beta, lam1, lam2, fit_intercept)
        assert gap == pytest.approx(expect, rel=1e-10, abs=1e-10 * primal)
        assert gap >= 0.0
        assert gap >= (primal - f_best) * (1 - 1e-10)  # weak duality: gap ≥ F(β) − min F
    at_best = duality_gap(X, y, best.coef, lam1, l2=lam2, fit_intercept=fit_intercept)
    assert 0.0 <= at_best <= 1e-12 * f_best
    assert best.gap <= 1e-12  # lasso_cd's certificate: the same gap, relative to F(β)


def test_duality_gap_without_ridge_is_the_lasso_gap():
    X, y = correlated(50, 20, seed=6)
    lam = 0.3 * br.lambda_max(X, y)
    beta = np.random.default_rng(1).standard_normal(20)
    assert duality_gap(X, y, beta, lam) == pytest.approx(
        written_out_gap(X, y, beta, lam, 0.0)[0], rel=1e-12
    )


# ============================================================ (4) density and normalizer
def quad_log_normalizer(b: float, s: float) -> float:
    """log ∫ exp(−|β|/b − β²/(2s²)) dβ by quadrature, in units of m = min(b, s)."""
    m = min(b, s)
    val, err = integrate.quad(
        lambda t: math.exp(-t * (m / b) - 0.5 * (t * m / s) ** 2),
        0.0,
        np.inf,
        epsabs=0.0,
        epsrel=1e-13,
        limit=200,
    )
    assert err <= 1e-10 * val
    return math.log(2.0 * m) + math.log(val)


@pytest.mark.parametrize(
    "b,s",
    [(0.5, 2.0), (1.0, 1.0), (2.0, 0.3), (1.0, 1e-3), (1e-3, 1.0), (1.0, 1e-8), (1e-8, 1.0),
     (3.0, 1e4), (1e-10, 1e10), (1e10, 1e-10), (1e-200, 1e-100), (1e150, 1e100)],
)  # fmt: skip
def test_log_normalizer_matches_quadrature(b, s):
    got = elastic_net_log_normalizer(b, s)
    assert math.isfinite(got)
    assert got == pytest.approx(quad_log_normalizer(b, s), rel=1e-12, abs=1e-12)


def test_log_normalizer_limits_are_the_laplace_and_gaussian_constants():
    assert elastic_net_log_normalizer(0.7, 1e30) == pytest.approx(math.log(2 * 0.7), abs=1e-14)
    assert elastic_net_log_normalizer(1e30, 0.7) == pytest.approx(
        0.5 * math.log(2 * math.pi * 0.49), abs=1e-14
    )


def test_logpdf_is_normalized_and_sums_coordinates():
    prior = ElasticNetPrior(0.4, 0.9)
    total, _ = integrate.quad(lambda t: math.exp(prior.logpdf(t)), -np.inf, np.inf, epsrel=1e-13)
    assert total == pytest.approx(1.0, rel=1e-12)
    beta = np.array([0.3, -1.2, 0.0, 2.5])
    expect = sum(-abs(t) / 0.4 - t * t / (2 * 0.81) for t in beta) - 4 * quad_log_normalizer(
        0.4, 0.9
    )
    assert prior.logpdf(beta) == pytest.approx(expect, rel=1e-13)
    # gradient of −log p where it exists
    h = 1e-6
    for t in (0.3, -1.2, 2.5):
        fd = -(prior.logpdf(t + h) - prior.logpdf(t - h)) / (2 * h)
        assert prior.grad_neg_logpdf(np.array([t]))[0] == pytest.approx(fd, rel=1e-7)


def test_prior_draws_have_the_density():
    """The exact sampler (sign × truncated normal) against quadrature moments."""
    for b, s in ((0.5, 2.0), (1.0, 0.05), (0.02, 1.0)):
        x = _elastic_net_draws(b, s, np.random.default_rng(0), (200_000,))
        z = math.exp(quad_log_normalizer(b, s)) / 2
        mean_abs = integrate.quad(
            lambda t, b=b, s=s: t * math.exp(-t / b - t * t / (2 * s * s)), 0, np.inf
        )
        expect = mean_abs[0] / z
        se = np.abs(x).std() / math.sqrt(x.size)
        assert abs(np.abs(x).mean() - expect) < 5 * se
        assert abs((x > 0).mean() - 0.5) < 0.01


# ============================================================ the prior's API
def test_prior_representation():
    p = ElasticNetPrior(0.5, 2.0)
    assert (p.scale, p.scale2, p.b, p.sigma) == (0.5, 2.0, 0.5, 2.0)
    assert (p.scale_name, p.scale2_name, p.name) == ("b", "sigma", "elasticnet")
    assert repr(p) == "ElasticNetPrior(b=0.5, sigma=2)"
    assert p == ElasticNetPrior(0.5, 2.0) and p != ElasticNetPrior(0.5, 2.1)
    assert p != br.LaplacePrior(0.5)
    assert len({p, ElasticNetPrior(0.5, 2.0), ElasticNetPrior(0.5, 3.0)}) == 2
    assert p.describe() == "Elastic-net prior (b = 0.5, σ′ = 2)"
    assert p.regularizer == ElasticNetPenalty(0.5 / 8.0)
    assert br.make_prior("elasticnet", 0.5, scale2=2.0) == p
    q = ElasticNetPrior.from_penalty(4.0, 1.5, gamma=0.25)
    assert q.penalty(1.5) == pytest.approx(4.0, rel=1e-15)
    assert q.l2_penalty(1.5) == pytest.approx(1.0, rel=1e-14)
    r = p.at_penalty(3.0, 1.2)
    assert r.gamma == pytest.approx(p.gamma, rel=1e-15) and r.penalty(1.2) == pytest.approx(3.0)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: ElasticNetPrior(0.0, 1.0), "ElasticNetPrior scale b must be positive"),
        (lambda: ElasticNetPrior(1.0, -1.0), "ElasticNetPrior scale sigma must be positive"),
        (lambda: ElasticNetPrior(1e300, 1e-300), "gamma = b/"),
        (lambda: br.make_prior("elasticnet", 1.0), "needs scale2"),
        (lambda: br.make_prior("laplace", 1.0, scale2=2.0), "one scale; scale2 is for"),
        (lambda: ElasticNetPrior.from_penalty(1.0, 1.0), "needs gamma"),
        (lambda: ElasticNetPenalty(-1.0), "gamma must be a finite number >= 0"),
        (lambda: ElasticNetPenalty("x"), "gamma must be a number"),
        (lambda: ElasticNetPrior(1e-100, 1.0).penalty(1e30), "lambda = 2σ²/b above 1e150"),
    ],
)
def test_prior_errors_are_one_line(make, match):
    with pytest.raises(ValueError, match=match) as exc:
        make()
    assert "\n" not in str(exc.value)


def test_penalty_object():
    pen = ElasticNetPenalty(0.3)
    rng = np.random.default_rng(2)
    beta = rng.standard_normal(6) * (rng.random(6) < 0.6)
    assert pen.value(beta) == pytest.approx(np.abs(beta).sum() + 0.3 * beta @ beta)
    z, step = rng.standard_normal(6), 0.4
    x = pen.prox(z, step)  # minimizer of ½‖x − z‖² + step·R(x): check optimality
    g = x - z + step * 2 * 0.3 * x
    on = x != 0
    np.testing.assert_allclose(g[on] + step * np.sign(x[on]), 0.0, atol=1e-14)
    assert np.all(np.abs(g[~on]) <= step + 1e-14)
    grad = rng.standard_normal(6)
    s = pen.min_norm_subgradient(beta, grad, 2.0)
    full = grad + 2 * 2.0 * 0.3 * beta
    np.testing.assert_allclose(s[beta != 0], (full + 2.0 * np.sign(beta))[beta != 0])
    np.testing.assert_allclose(
        s[beta == 0], (np.sign(full) * np.maximum(np.abs(full) - 2.0, 0))[beta == 0]
    )


# ============================================================ (5) both MAP routes
@pytest.mark.parametrize(
    "case", ["p>n", "sparse", "no-intercept", "diabetes"],
)
def test_check_equivalence_agrees(case):
    if case == "diabetes":
        d = br.load_diabetes(standardize=True)
        X, y, prior, sigma, fit = d.X, d.y, ElasticNetPrior(0.5, 5.0), None, True
    else:
        X, y = correlated(40, 60, seed=7)
        prior, sigma, fit = ElasticNetPrior(0.05, 0.5), 1.0, case != "no-intercept"
        if case == "sparse":
            X = sp.csc_array(X * (np.random.default_rng(7).random(X.shape) < 0.5))
    report = br.check_equivalence(X, y, prior, sigma, fit_intercept=fit)
    assert report.agree, str(report)
    for route in report.routes.values():
        assert route.support_matches and route.converged
    ref = np.asarray(report.routes["analytic"].coef)
    assert 0 < np.count_nonzero(ref) < ref.size
    assert report.gamma == pytest.approx(prior.gamma)
    assert report.lam2 == pytest.approx(report.lam * prior.gamma)
    assert report.scale2 == prior.sigma and report.scale2_name == "sigma"
    text = str(report)
    assert "Elastic-net prior (b = " in text and "σ′ = " in text
    assert "λ(‖β‖₁ + γ‖β‖²)" in text and "λ₂ = λγ" in text
    out = json.loads(report.to_json())
    assert out["scale2"] == prior.sigma and out["prior"] == "elasticnet"


def test_check_equivalence_binomial_and_poisson():
    X, y = correlated(60, 20, seed=8, k=3)
    for family, yy in (("binomial", (y > 0).astype(float)), ("poisson", np.round(np.exp(0.2 * y)))):
        report = br.check_equivalence(X, yy, ElasticNetPrior(0.5, 1.0), family=family)
        assert report.agree, str(report)
        assert report.lam2 == pytest.approx(1.0)  # λ₂ = φ/σ′² with φ = 1
        assert "φ/σ′²" in str(report)


def test_exact_formulation_is_the_density_on_its_face():
    """The u − v model's prior log-density at min(u, v) = 0 is the elastic-net density up to a
    constant (−2 log b + log Z), and its naive model's is the density itself."""
    import pymc as pm

    prior = ElasticNetPrior(0.3, 0.7)
    with pm.Model(coords={"f": ["a", "b", "c"]}) as naive:
        prior.pymc_coefficients("beta", "f", "naive")
    with pm.Model(coords={"f": ["a", "b", "c"]}) as exact:
        prior.pymc_coefficients("beta", "f", "exact")
    lp_naive, lp_exact = naive.compile_logp(), exact.compile_logp()
    const = -3 * 2 * math.log(0.3) + 3 * prior.log_normalizer
    for beta in (np.array([0.3, -1.2, 0.0]), np.array([2.0, 0.0, -0.01])):
        assert lp_naive({"beta": beta}) == pytest.approx(prior.logpdf(beta), rel=1e-13)
        u, v = np.maximum(beta, 0), np.maximum(-beta, 0)
        got = lp_exact({"beta_pos": u, "beta_neg": v})
        assert got == pytest.approx(prior.logpdf(beta) + const, rel=1e-13)


# ============================================================ (6) binomial vs scikit-learn
def _logistic_en(C: float, l1_ratio: float) -> LogisticRegression:
    kw = {"C": C, "l1_ratio": l1_ratio, "solver": "saga", "tol": 1e-14, "max_iter": 200_000}
    major, minor = (int(v) for v in sklearn.__version__.split(".")[:2])
    if (major, minor) < (1, 8):  # penalty="elasticnet" is implied by l1_ratio from 1.8 on
        kw["penalty"] = "elasticnet"
    return LogisticRegression(**kw)


@pytest.mark.parametrize("C,l1_ratio", [(1.0, 0.5), (0.2, 0.8), (5.0, 0.3)])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_binomial_matches_sklearn_logistic_regression(C, l1_ratio, sparse):
    X, y = correlated(200, 20, seed=9, k=3)
    yb = (y + np.random.default_rng(9).standard_normal(200) > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = _logistic_en(C, l1_ratio).fit(X, yb)
    lam1, lam2 = 2 * l1_ratio / C, (1 - l1_ratio) / C
    res = br.glm_cd(
        sp.csc_array(X) if sparse else X, yb, lam1, penalty=ElasticNetPenalty(lam2 / lam1),
        tol=1e-12,
    )  # fmt: skip
    assert res.converged and res.penalty == "elasticnet"
    assert_close_support(res.coef, sk.coef_[0], 1e-7)  # saga's own accuracy is ~1e-11
    assert abs(res.intercept - sk.intercept_[0]) <= 1e-7
    # the same fit from the prior: λ₁ = 2/b, λ₂ = 1/σ′²
    prior = ElasticNetPrior(2.0 / lam1, 1.0 / math.sqrt(lam2))
    fit = prior.solve(X, yb, prior.penalty(1.0), family="binomial")
    np.testing.assert_allclose(fit.coef, res.coef, rtol=0, atol=1e-10)


def test_glm_kkt_written_out():
    """Binomial: ∂D/∂η = 2(μ − y); g = Xᵀ∂D/∂η + 2λ₂β satisfies the L1 KKT conditions."""
    X, y = correlated(100, 30, seed=10, k=3)
    yb = (y > 0).astype(float)
    lam1, lam2 = 3.0, 2.0
    res = br.glm_cd(X, yb, lam1, penalty=ElasticNetPenalty(lam2 / lam1), tol=1e-12)
    mu = 1.0 / (1.0 + np.exp(-(res.intercept + X @ res.coef)))
    g = X.T @ (2.0 * (mu - yb)) + 2.0 * lam2 * res.coef
    on = res.coef != 0
    assert np.max(np.abs(g[on] + lam1 * np.sign(res.coef[on]))) <= 1e-9 * lam1
    assert np.max(np.abs(g[~on])) <= lam1 * (1 + 1e-9)
    assert abs(np.sum(mu - yb)) <= 1e-9


def test_glm_penalty_name_needs_gamma():
    X, y = correlated(30, 5, seed=11)
    with pytest.raises(ValueError, match="needs its ratio γ"):
        br.glm_cd(X, (y > 0).astype(float), 1.0, penalty="elasticnet")


# ============================================================ (7) NUTS
def test_nuts_posterior_has_its_mode_at_the_map():
    """Short NUTS run: the MAP (the elastic-net fit) has a higher log posterior than every
    draw and lies inside each 94 % interval; the report names both scales and λ₂."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 3))
    y = X @ np.array([1.0, 0.0, -0.5]) + rng.standard_normal(60)
    prior = ElasticNetPrior(0.3, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = br.sample(
            X, y, prior, 1.0, draws=400, tune=400, chains=2, cores=1, random_seed=1,
            progressbar=False,
        )  # fmt: skip
    a = idata.attrs
    assert (a["prior"], a["scale"], a["scale2"]) == ("elasticnet", 0.3, 0.5)
    assert a["scale2_name"] == "sigma"
    assert a["gamma"] == pytest.approx(0.6) and a["lam2"] == pytest.approx(4.0)
    mp = idata["map"]["beta"].values
    fit = br.lasso_cd(X, y, prior.penalty(1.0), l2=prior.l2_penalty(1.0), tol=1e-13)
    np.testing.assert_allclose(mp, fit.coef, atol=1e-9)
    post = idata["posterior"]["beta"].transpose("chain", "draw", "feature").values.reshape(-1, 3)
    icpt = idata["posterior"]["intercept"].values.ravel()
    logp = br.build_model(X, y, prior, 1.0, formulation="naive").compile_logp()
    at_map = logp({"beta": mp, "intercept": float(idata["map"]["intercept"])})
    assert all(logp({"beta": post[i], "intercept": icpt[i]}) <= at_map for i in range(0, 800, 4))
    lo, hi = np.quantile(post, [0.03, 0.97], axis=0)
    assert np.all((lo <= mp) & (mp <= hi))
    text = br.format_summary(br.summarize(idata), br.diagnose(idata), idata)
    assert "Elastic-net prior (b = 0.3, σ′ = 0.5)" in text and "λ₂ = λγ = 4" in text
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = br.plot_forest(idata)
    assert "Elastic-net prior (b = 0.3, σ′ = 0.5)" in fig.axes[0].get_title()
    fig2 = br.plot_prior_posterior(idata, prior)
    plt.close(fig)
    plt.close(fig2)


def test_nuts_with_sampled_noise_and_saved_posterior(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 2))
    y = X @ np.array([0.8, -0.3]) + rng.standard_normal(50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = br.sample(
            X, y, ElasticNetPrior(0.4, 0.6), draws=200, tune=300, chains=2, cores=1,
            random_seed=2, progressbar=False, noise="unknown",
        )  # fmt: skip
    lam = idata["posterior"]["lam"].values
    sig = idata["posterior"]["noise_sigma"].values
    np.testing.assert_allclose(lam, 2 * sig**2 / 0.4, rtol=1e-12)
    back = br.load_posterior(br.save_posterior(idata, tmp_path / "en.nc"))
    assert back.attrs["scale2"] == 0.6 and back.attrs["prior"] == "elasticnet"


def test_full_bayes_is_refused_before_sampling():
    X, y = correlated(30, 3, seed=12)
    with pytest.raises(ValueError, match="not available for the Elastic-net prior"):
        br.sample(X, y, ElasticNetPrior(0.5, 1.0), 1.0, scale="unknown", draws=5, tune=5)
    with pytest.raises(ValueError, match="not available for the Elastic-net prior"):
        br.build_model(X, y, ElasticNetPrior(0.5, 1.0), 1.0, scale="unknown")


# ============================================================ cross-validation, refusals
def test_cross_validate_matches_sklearn_elastic_net_cv():
    """At fixed γ the fold path is ElasticNetCV's at l1_ratio r = 1/(1 + 2γ)."""
    X, y = correlated(90, 25, seed=13)
    n, r = X.shape[0], 0.5
    gamma = (1 - r) / (2 * r)
    prior = ElasticNetPrior(1.0, math.sqrt(1.0 / (2 * gamma)))
    assert prior.gamma == pytest.approx(gamma)
    lmax = br.lambda_max(X, y)
    lams = lmax * np.logspace(0, -2, 8)
    res = br.cross_validate(X, y, prior, lams=lams, cv=4, random_state=0)
    assert res.penalty == "elasticnet"
    assert isinstance(res.prior_min, ElasticNetPrior)
    assert res.prior_min.gamma == pytest.approx(gamma)
    sk = ElasticNetCV(
        l1_ratio=r, alphas=lams / (2 * n * r), cv=list(res.folds), tol=1e-12, max_iter=10**6
    ).fit(X, y)
    np.testing.assert_allclose(res.cv_mean, sk.mse_path_.mean(axis=1), rtol=1e-7)
    fit = br.lasso_cd(X, y, res.lam_min, l2=gamma * res.lam_min)
    np.testing.assert_allclose(res.coef_min, fit.coef, atol=1e-9)
    with pytest.raises(ValueError, match="needs an ElasticNetPrior instance"):
        br.cross_validate(X, y, "elasticnet")


@pytest.mark.parametrize(
    "call",
    [
        lambda X, y: br.empirical_bayes(X, y, ElasticNetPrior(0.5, 1.0)),
        lambda X, y: br.empirical_bayes(X, y, "elasticnet"),
        lambda X, y: br.posterior_path(X, y, ElasticNetPrior(0.5, 1.0)),
        lambda X, y: br.choose_penalty(X, y, ElasticNetPrior(0.5, 1.0)),
        lambda X, y: br.loo_curve(X, y, "elasticnet"),
    ],
    ids=["evidence", "evidence-name", "posterior_path", "choose", "loo"],
)
def test_one_scale_methods_refuse_the_elastic_net(call):
    X, y = correlated(40, 4, seed=14)
    with pytest.raises(ValueError, match="elastic-net prior") as exc:
        call(X, y)
    assert "\n" not in str(exc.value)


# ============================================================ (8) command line
def run_main(argv: list[str]) -> int:
    """``bayesreg.cli.main``'s exit code, also when argparse exits (bad option values)."""
    try:
        return bayesreg.cli.main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    X, y = correlated(50, 4, seed=15, k=3)
    path = tmp_path_factory.mktemp("en") / "d.csv"
    rows = ["a,b,c,d,y"]
    rows += [",".join(f"{v:.10g}" for v in (*x, t)) for x, t in zip(X, y, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_cli_check_happy_path(csv_file, capsys):
    base = ["check", "--data", str(csv_file), "--target", "y", "--noise-sigma", "1"]
    code = bayesreg.cli.main([*base, "--prior", "elasticnet", "--scale", "0.1", "--scale2", "0.4"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Elastic-net prior (b = 0.1, σ′ = 0.4) ⇔ Elastic net" in out and "AGREE" in out
    code = bayesreg.cli.main(
        [*base, "--prior", "elasticnet", "--scale", "0.1", "--scale2", "0.4", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["agree"] and out["scale2"] == 0.4 and out["gamma"] == pytest.approx(
        0.1 / (2 * 0.16)
    )


@pytest.mark.parametrize(
    "extra,match",
    [
        (["--prior", "elasticnet", "--scale", "0.5"], "--prior elasticnet needs --scale2"),
        (["--prior", "laplace", "--scale", "0.5", "--scale2", "1"], "--scale2 is for --prior"),
        (["--prior", "elasticnet", "--scale", "0.5", "--scale2", "-1"], "must be a positive"),
        (["--prior", "elasticnet", "--scale", "0.5", "--scale2", "nan"], "positive finite"),
        (["--prior", "elasticnet", "--scale", "1e300", "--scale2", "1e-300"], "gamma = b/"),
    ],
)
def test_cli_bad_prior_options_exit_2_before_reading_data(extra, match, capsys):
    """The data file does not exist: the prior options are refused before it is read."""
    code = run_main(["check", "--data", "/nonexistent.csv", "--target", "y", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert match in err and len(err.strip().splitlines()) == 1


def test_cli_full_bayes_and_choose_refuse_the_elastic_net(capsys):
    code = run_main(
        ["sample", "--data", "/nonexistent.csv", "--target", "y", "--prior", "elasticnet",
         "--scale", "0.5", "--scale2", "1", "--full-bayes"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "--full-bayes is not available for --prior elasticnet" in err
    code = run_main(["choose", "--data", "x.csv", "--target", "y", "--prior", "elasticnet"])
    assert code == 2 and "invalid choice: 'elasticnet'" in capsys.readouterr().err


def test_cli_sample_happy_path(csv_file, capsys):
    code = bayesreg.cli.main(
        ["sample", "--data", str(csv_file), "--target", "y", "--prior", "elasticnet",
         "--scale", "0.2", "--scale2", "0.5", "--noise-sigma", "1", "--draws", "300",
         "--tune", "300", "--chains", "2", "--cores", "1", "--seed", "3", "--quiet"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert "prior: Elastic-net prior (b = 0.2, σ′ = 0.5)" in out and "ridge term" in out


# ============================================================ (9) the Lasso is unchanged
def test_zero_ridge_weight_is_the_lasso_bit_for_bit():
    X, y = correlated(40, 60, seed=16)
    lam = 0.1 * br.lambda_max(X, y)
    for Xin in (X, np.asfortranarray(X), sp.csc_array(X)):
        a, b = br.lasso_cd(Xin, y, lam), br.lasso_cd(Xin, y, lam, l2=0.0)
        assert np.array_equal(a.coef, b.coef) and a.gap == b.gap and a.n_iter == b.n_iter
    Xt, yt = correlated(300, 20, seed=17)
    yb = (yt > 0).astype(float)
    for Xin in (Xt, sp.csc_array(Xt)):
        a = br.glm_cd(Xin, yb, 2.0, penalty="l1")
        b = br.glm_cd(Xin, yb, 2.0, penalty=ElasticNetPenalty(0.0))
        assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept
        assert a.kkt == b.kkt and a.n_iter == b.n_iter
    lasso_prior = br.LaplacePrior(0.3)
    assert lasso_prior.regularizer.name == "l1" and br.lasso_cd(X, y, lam).l2 == 0.0
    pen0 = ElasticNetPenalty(0.0)
    beta = np.array([0.5, 0.0, -2.0])
    grad = np.array([0.1, -3.0, 1.0])
    assert pen0.value(beta) == br.L1Penalty().value(beta)
    np.testing.assert_array_equal(pen0.prox(grad, 0.5), br.L1Penalty().prox(grad, 0.5))
    np.testing.assert_array_equal(
        pen0.min_norm_subgradient(beta, grad, 1.0),
        br.L1Penalty().min_norm_subgradient(beta, grad, 1.0),
    )
