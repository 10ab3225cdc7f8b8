"""check_fitted: a fitted scikit-learn model read as a prior, and ``bayesreg translate``.

λ is converted only through :mod:`bayesreg.conventions` here (its formulas are tested in
``test_conventions.py``).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import run_cli
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.linear_model import (
    BayesianRidge,
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    LogisticRegression,
    PoissonRegressor,
    Ridge,
    RidgeCV,
)

import bayesreg
from bayesreg import (
    GaussianPrior,
    LaplacePrior,
    check_fitted,
    estimate_noise_sigma,
    from_bayesian_ridge,
    from_sklearn_alpha,
    from_sklearn_elasticnet,
    from_sklearn_logistic,
    from_sklearn_poisson,
    to_sklearn_alpha,
)
from bayesreg.check import format_report
from bayesreg.cli import main
from bayesreg.fitted import READERS, logistic_penalty, prior_for

TIGHT = {"tol": 1e-12, "max_iter": 1_000_000}
ANALYTIC = ("analytic",)


@pytest.fixture(scope="module")
def diabetes():
    d = bayesreg.load_diabetes(standardize=True)
    return d.X, d.y, list(d.feature_names)


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 5))
    y = rng.poisson(np.exp(0.4 + X @ np.array([0.3, -0.2, 0.0, 0.25, 0.1]))).astype(float)
    return X, y


def _gaussian_cases():
    return {
        "Lasso": (Lasso(alpha=0.5, **TIGHT), "laplace"),
        "Lasso-no-intercept": (Lasso(alpha=0.5, fit_intercept=False, **TIGHT), "laplace"),
        "LassoCV": (LassoCV(cv=3, **TIGHT), "laplace"),
        "Ridge": (Ridge(alpha=10.0), "gaussian"),
        "Ridge-svd-no-intercept": (Ridge(alpha=3.0, solver="svd", fit_intercept=False), "gaussian"),
        "RidgeCV-gcv": (RidgeCV(alphas=[0.1, 1.0, 10.0, 100.0]), "gaussian"),
        "RidgeCV-3fold": (RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3), "gaussian"),
        "ElasticNet-l1_ratio-1": (ElasticNet(alpha=0.5, l1_ratio=1.0, **TIGHT), "laplace"),
        "ElasticNetCV-l1_ratio-1": (ElasticNetCV(l1_ratio=[1.0], cv=3, **TIGHT), "laplace"),
        "BayesianRidge": (BayesianRidge(tol=1e-10, max_iter=10_000), "gaussian"),
    }


@pytest.mark.parametrize("case", list(_gaussian_cases()))
def test_tight_gaussian_fits_agree(diabetes, case):
    X, y, names = diabetes
    est, prior = _gaussian_cases()[case]
    est.fit(X, y)
    rep = check_fitted(est, X, y, feature_names=names, routes=ANALYTIC)
    route = f"sklearn {type(est).__name__}" if case != "BayesianRidge" else "sklearn BayesRidge"
    assert list(rep.routes) == ["analytic", route]
    r = rep.routes[route]
    assert rep.agree, format_report(rep)
    assert r.agrees and r.support_matches and r.residual < 1e-7
    assert rep.prior == prior and rep.family == "gaussian"
    assert rep.fit_intercept == est.fit_intercept
    np.testing.assert_array_equal(r.coef, est.coef_)
    assert type(est).__name__ in rep.source
    text = format_report(rep)
    assert route in text and "read from" in text and "agrees" in text


def test_tight_logistic_fits_agree(diabetes):
    X, y, _ = diabetes
    above = y > 140.5
    for est, prior in (
        (LogisticRegression(C=0.5, l1_ratio=1.0, solver="saga", **TIGHT), "laplace"),
        # lbfgs stops on its gradient tolerance ~1e-7 away; Newton reaches the 1e-8 asked
        (LogisticRegression(C=0.5, l1_ratio=0.0, solver="newton-cholesky", **TIGHT), "gaussian"),
        # liblinear without an intercept penalizes nothing else (its l2 stops ~1e-6 away)
        (LogisticRegression(C=0.5, l1_ratio=1.0, solver="liblinear", fit_intercept=False,
                            **TIGHT), "laplace"),
    ):
        est.fit(X, above)
        rep = check_fitted(est, X, above, routes=ANALYTIC)
        assert rep.agree, format_report(rep)
        assert rep.family == "binomial" and rep.prior == prior
        assert rep.routes["sklearn Logistic"].residual < 1e-7
        # C is the prior scale: b = C (l1), σ′² = C (l2)
        assert rep.scale == pytest.approx(0.5 if prior == "laplace" else math.sqrt(0.5), rel=1e-12)


def test_logistic_with_string_labels(diabetes):
    X, y, _ = diabetes
    labels = np.where(y > 140.5, "high", "low")  # sorted: "high" → 0, "low" → 1, as sklearn
    est = LogisticRegression(C=1.0, solver="newton-cholesky", **TIGHT).fit(X, labels)
    rep = check_fitted(est, X, labels, routes=ANALYTIC)
    assert rep.agree and rep.classes == ["high", "low"]
    assert list(est.classes_) == rep.classes


def test_poisson_regressor_agrees(counts):
    X, y = counts
    est = PoissonRegressor(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    rep = check_fitted(est, X, y, routes=ANALYTIC)
    assert rep.agree and rep.family == "poisson" and rep.prior == "gaussian"
    assert rep.lam == pytest.approx(from_sklearn_poisson(0.05, len(y)), rel=1e-12)


def test_every_route_and_the_printed_table(diabetes):
    X, y, names = diabetes
    est = Lasso(alpha=0.5, **TIGHT).fit(X, y)
    rep = check_fitted(est, X, y, feature_names=names)
    assert list(rep.routes) == ["analytic", "find_map", "scipy", "sklearn Lasso"]
    assert rep.agree
    text = str(rep)
    header = next(line for line in text.splitlines() if line.strip().startswith("coefficient"))
    assert header.split()[-2:] == ["sklearn", "Lasso"]
    row = next(line for line in text.splitlines() if line.strip().startswith("sklearn Lasso"))
    assert row.rstrip().endswith("agrees") and " n/a " in row
    assert "AGREE" in text
    data = json.loads(rep.to_json())
    assert data["agree"] is True and data["source"].startswith("Lasso(alpha=0.5)")
    assert data["routes"]["sklearn Lasso"]["coef"] == list(est.coef_)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Lasso(alpha=0.5, tol=1e-1, max_iter=3),
        lambda: ElasticNet(alpha=0.5, l1_ratio=1.0, tol=1e-1, max_iter=2),
        lambda: Ridge(alpha=10.0, solver="sag", tol=1e-1, max_iter=1, random_state=0),
    ],
    ids=["Lasso", "ElasticNet", "Ridge-sag"],
)
def test_early_stopped_fit_does_not_agree(diabetes, make):
    X, y, _ = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        est = make().fit(X, y)
    rep = check_fitted(est, X, y, routes=ANALYTIC)
    r = next(v for k, v in rep.routes.items() if k.startswith("sklearn"))
    assert not rep.agree and not r.agrees
    assert r.residual > 1e-6 and r.max_abs_diff > rep.tolerance_abs
    text = str(rep)
    assert "DIFFERS" in text and "DISAGREE" in text
    assert f"{r.residual:.1e}" in text  # its residual is shown


def test_early_stopped_logistic_does_not_agree(diabetes):
    X, y, _ = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        est = LogisticRegression(C=0.5, l1_ratio=1.0, solver="saga", max_iter=1).fit(X, y > 140.5)
    rep = check_fitted(est, X, y > 140.5, routes=ANALYTIC)
    r = rep.routes["sklearn Logistic"]
    assert not rep.agree and not r.converged and r.residual > 1e-4


def test_lassocv_prior_is_the_conventions_applied_to_alpha_(diabetes):
    X, y, _ = diabetes
    n = len(y)
    est = LassoCV(cv=5, **TIGHT).fit(X, y)
    rep = check_fitted(est, X, y, routes=ANALYTIC)
    lam = from_sklearn_alpha(est.alpha_, n, "l1")
    sigma = estimate_noise_sigma(X, y)
    assert rep.lam == pytest.approx(lam, rel=1e-12)
    assert rep.noise_sigma == sigma.value
    assert rep.noise_sigma_estimated and rep.noise_sigma_dof == sigma.dof == n - X.shape[1] - 1
    assert rep.scale == pytest.approx(LaplacePrior.from_penalty(lam, sigma.value).b, rel=1e-12)
    assert to_sklearn_alpha(rep.lam, n, "l1") == pytest.approx(est.alpha_, rel=1e-12)
    assert "estimated from least-squares residuals" in str(rep)
    assert "σ sets the prior scale only" in rep.source


def test_given_noise_sigma_sets_the_scale_not_the_verdict(diabetes):
    X, y, _ = diabetes
    est = Ridge(alpha=10.0).fit(X, y)
    a = check_fitted(est, X, y, noise_sigma=30.0, routes=ANALYTIC)
    b = check_fitted(est, X, y, noise_sigma=60.0, routes=ANALYTIC)
    assert not a.noise_sigma_estimated and a.noise_sigma == 30.0
    assert a.scale == pytest.approx(GaussianPrior.from_penalty(10.0, 30.0).scale, rel=1e-14)
    assert b.scale == pytest.approx(2 * a.scale, rel=1e-14)
    assert a.lam == pytest.approx(b.lam, rel=1e-14) and a.agree and b.agree
    assert "(given)" in str(a)


def test_bayesian_ridge_uses_its_own_sigma(diabetes):
    X, y, _ = diabetes
    est = BayesianRidge(tol=1e-10, max_iter=10_000).fit(X, y)
    rep = check_fitted(est, X, y, routes=ANALYTIC)
    noise, prior_sigma, lam = from_bayesian_ridge(est.alpha_, est.lambda_)
    assert rep.noise_sigma == pytest.approx(noise, rel=1e-14)
    assert rep.scale == pytest.approx(prior_sigma, rel=1e-12)
    assert rep.lam == pytest.approx(lam, rel=1e-12)
    with pytest.raises(ValueError, match="has its own noise sigma"):
        check_fitted(est, X, y, noise_sigma=3.0)


def test_dataframe_feature_names(diabetes):
    X, y, names = diabetes
    df = pd.DataFrame(X, columns=names)
    est = Lasso(alpha=1.0, **TIGHT).fit(df, y)
    rep = check_fitted(est, df, y, routes=ANALYTIC)
    assert rep.feature_names == names and rep.agree


def _refusals():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = X @ np.array([1.0, 0.0, -1.0, 0.5]) + rng.normal(size=60)
    y2 = np.column_stack([y, -y])
    y3 = np.digitize(y, [-1.0, 1.0])  # three classes
    yb = (y > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [
            (Lasso(alpha=0.1, positive=True).fit(X, y), X, y, r"positive=True"),
            (Ridge(alpha=1.0, positive=True).fit(X, y), X, y, r"positive=True"),
            (Lasso(alpha=0.1).fit(X, y2), X, y2, r"fitted on 2 targets"),
            (Ridge(alpha=[1.0, 2.0]).fit(X, y2), X, y2, r"one alpha per target"),
            (RidgeCV(alpha_per_target=True).fit(X, y2), X, y2, r"alpha_per_target"),
            (LogisticRegression().fit(X, y3), X, y3, r"fitted on 3 classes"),
            (LogisticRegression(C=np.inf).fit(X, yb), X, yb, r"without a penalty"),
            (LogisticRegression(solver="liblinear").fit(X, yb), X, yb, r"penalizes the intercept"),
            (LogisticRegression(class_weight="balanced").fit(X, yb), X, yb, r"class_weight"),
            (Lasso(alpha=0.0).fit(X, y), X, y, r"without a penalty"),
            (LinearRegression().fit(X, y), X, y, r"does not know LinearRegression"),
            (Lasso(alpha=0.1), X, y, r"not fitted"),
            (Lasso(alpha=0.1).fit(X, y), X[:, :3], y, r"4 coefficients but X has 3 columns"),
            (LogisticRegression().fit(X, yb), X, yb, r"binomial family has no noise sigma"),
        ]


@pytest.mark.parametrize("i", range(14))
def test_unsupported_estimators_raise_one_line(i):
    est, X, y, match = _refusals()[i]
    kwargs = {"noise_sigma": 1.0} if "noise sigma" in match else {}
    with pytest.raises(ValueError, match=match) as info:
        check_fitted(est, X, y, routes=ANALYTIC, **kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ElasticNet(alpha=0.5, l1_ratio=0.5, **TIGHT),
        lambda: ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, **TIGHT),
        lambda: LogisticRegression(C=0.5, l1_ratio=0.5, solver="saga", **TIGHT),
    ],
    ids=["ElasticNet", "ElasticNetCV", "Logistic-elasticnet"],
)
def test_elastic_net_fits_are_the_elastic_net_prior_map(diabetes, make):
    X, y, _ = diabetes
    est = make()
    target = y > 140.5 if isinstance(est, LogisticRegression) else y
    est.fit(X, target)
    rep = check_fitted(est, X, target, routes=ANALYTIC)
    assert rep.prior == "elasticnet" and rep.agree, format_report(rep)
    (r,) = [v for k, v in rep.routes.items() if k.startswith("sklearn")]
    assert r.agrees and r.support_matches
    # the prior's two scales give back the estimator's λ₁, λ₂ (γ = λ₂/λ₁)
    if isinstance(est, LogisticRegression):
        lam1, lam2 = from_sklearn_logistic(est.C, 0.5)
    else:
        lam1, lam2 = from_sklearn_elasticnet(est.alpha_ if hasattr(est, "alpha_") else est.alpha,
                                             getattr(est, "l1_ratio_", est.l1_ratio), len(y))
    assert rep.lam == pytest.approx(lam1, rel=1e-12)
    assert rep.lam2 == pytest.approx(lam2, rel=1e-12)


def test_elastic_net_row_builds_the_prior_from_both_lambdas():
    """b = 2σ²/λ₁, σ′ = σ/√λ₂, so that the prior's λ is λ₁ and its λ₂ = λ₁γ."""
    lam1, lam2 = from_sklearn_elasticnet(0.5, 0.3, 442)
    prior = prior_for(lam1, lam2, 50.0)
    assert isinstance(prior, bayesreg.ElasticNetPrior)
    assert prior.scale == pytest.approx(LaplacePrior.from_penalty(lam1, 50.0).b, rel=1e-15)
    assert prior.scale2 == pytest.approx(GaussianPrior.from_penalty(lam2, 50.0).scale, rel=1e-15)
    assert prior.penalty(50.0) == pytest.approx(lam1, rel=1e-12)
    assert prior.l2_penalty(50.0) == pytest.approx(lam2, rel=1e-12)
    assert isinstance(prior_for(lam1, 0.0, 50.0), LaplacePrior)
    assert isinstance(prior_for(0.0, lam2, 50.0), GaussianPrior)


def test_logistic_penalty_reading():
    cases = [
        (LogisticRegression(C=2.0), ("l2", 0.0)),
        (LogisticRegression(l1_ratio=1.0), ("l1", 1.0)),
        (LogisticRegression(l1_ratio=0.4), ("elasticnet", 0.4)),
        (LogisticRegression(C=np.inf), (None, 0.0)),
        (LogisticRegression(penalty="l1"), ("l1", 1.0)),
        (LogisticRegression(penalty="elasticnet", l1_ratio=0.2), ("elasticnet", 0.2)),
        (LogisticRegression(penalty=None), (None, 0.0)),
    ]
    for est, want in cases:
        assert logistic_penalty(est) == want
    lam1, lam2 = from_sklearn_logistic(2.0, 0.0)
    assert (lam1, lam2) == (0.0, pytest.approx(0.5))


def test_the_dispatch_table_lists_the_supported_estimators():
    assert {"Lasso", "LassoCV", "Ridge", "RidgeCV", "ElasticNet", "ElasticNetCV",
            "LogisticRegression", "PoissonRegressor", "BayesianRidge"} == set(READERS)  # fmt: skip
    assert "check_fitted" in bayesreg.__all__


# --------------------------------------------------------------------------------------------
# bayesreg translate


def _translate(capsys, *args):
    code = main(["translate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_translate_sklearn_lasso(capsys):
    code, out, _ = _translate(capsys, "--from", "sklearn-lasso", "--alpha", "0.1", "--n", "442")
    assert code == 0
    lam = from_sklearn_alpha(0.1, 442, "l1")
    assert f"λ₁ = {lam:.6g}" in out and "Lasso(alpha=0.1)" in out
    assert "glmnet(lambda=0.1, alpha=1" in out and "OLS.fit_regularized(alpha=0.1, L1_wt=1)" in out
    b_per_sigma2 = LaplacePrior.from_penalty(lam, 1.0).b
    assert f"b = 2σ²/λ₁ = {b_per_sigma2:.6g}·σ²" in out and "needs the noise σ" in out


def test_translate_with_noise_sigma_gives_the_prior_scale(capsys):
    code, out, _ = _translate(
        capsys, "--from", "sklearn-lasso", "--alpha", "0.1", "--n", "442", "--noise-sigma", "50"
    )
    b = LaplacePrior.from_penalty(from_sklearn_alpha(0.1, 442, "l1"), 50.0).b
    assert code == 0 and f"b = 2σ²/λ₁ = {b:.6g}" in out


@pytest.mark.parametrize(
    ("args", "lam1", "lam2", "family"),
    [
        (["--from", "sklearn-ridge", "--alpha", "3"], 0.0, 3.0, "gaussian"),
        (["--from", "sklearn-elasticnet", "--alpha", "0.2", "--l1-ratio", "0.3"],
         *from_sklearn_elasticnet(0.2, 0.3, 100), "gaussian"),
        (["--from", "sklearn-logistic", "--C", "2", "--penalty", "l1"], 1.0, 0.0, "binomial"),
        (["--from", "sklearn-logistic", "--C", "2"], 0.0, 0.5, "binomial"),
        (["--from", "sklearn-logistic", "--C", "2", "--penalty", "elasticnet", "--l1-ratio",
          "0.5"], 0.5, 0.25, "binomial"),
        (["--from", "sklearn-poisson", "--alpha", "0.01"], 0.0, 1.0, "poisson"),
        (["--from", "glmnet", "--lambda", "0.5", "--alpha", "1", "--family", "binomial"],
         100.0, 0.0, "binomial"),
        (["--from", "glmnet", "--lambda", "0.5", "--alpha", "0", "--y-sd", "5"], 0.0, 10.0,
         "gaussian"),
        (["--from", "statsmodels", "--alpha", "0.1", "--L1-wt", "0.5", "--family", "poisson"],
         10.0, 5.0, "poisson"),
        (["--from", "bayesreg", "--lam", "3", "--penalty", "l2"], 0.0, 3.0, "gaussian"),
        (["--from", "bayesreg", "--lam1", "3", "--lam2", "1"], 3.0, 1.0, "gaussian"),
    ],
)  # fmt: skip
def test_translate_json(capsys, args, lam1, lam2, family):
    code, out, _ = _translate(capsys, *args, "--n", "100", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["lam1"] == pytest.approx(lam1, rel=1e-12, abs=1e-15)
    assert data["lam2"] == pytest.approx(lam2, rel=1e-12, abs=1e-15)
    assert data["family"] == family and data["n_samples"] == 100
    assert data["from"]["convention"] == args[1]
    libraries = {r["library"] for r in data["rows"]}
    assert {"bayesreg", "glmnet", "glum"} <= libraries
    assert data["prior"]["scales"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--from", "sklearn-lasso", "--n", "10"], "needs --alpha"),
        (["--from", "sklearn-lasso", "--alpha", "0.1", "--C", "2", "--n", "10"],
         "--C does not apply to --from sklearn-lasso"),
        (["--from", "sklearn-lasso", "--alpha", "0", "--n", "10"], "both 0"),
        (["--from", "sklearn-logistic", "--C", "1", "--n", "10", "--family", "poisson"],
         "is the binomial family"),
        (["--from", "sklearn-logistic", "--C", "1", "--penalty", "elasticnet", "--n", "10"],
         "needs --l1-ratio"),
        (["--from", "glmnet", "--lambda", "0.5", "--alpha", "0.5", "--n", "10"], "needs --y-sd"),
        (["--from", "glmnet", "--lambda", "0.5", "--alpha", "2", "--n", "10"], "mixing in"),
        (["--from", "glmnet", "--lambda", "0.5", "--n", "10", "--family", "binomial",
          "--noise-sigma", "2"], "--noise-sigma does not apply"),
        (["--from", "bayesreg", "--n", "10"], "needs --lam"),
        (["--from", "bayesreg", "--lam", "1", "--lam1", "2", "--n", "10"], "not both"),
    ],
)  # fmt: skip
def test_translate_bad_options_exit_2_in_one_line(capsys, args, match):
    code, out, err = _translate(capsys, *args)
    assert code == 2 and out == ""
    assert match in err and err.count("\n") == 1 and err.startswith("bayesreg: error:")


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "sklearn-lasso", "--alpha", "0.1"],  # --n missing
        ["--from", "nowhere", "--alpha", "0.1", "--n", "4"],
        ["--from", "sklearn-lasso", "--alpha", "-1", "--n", "4"],
        ["--from", "sklearn-elasticnet", "--alpha", "1", "--l1-ratio", "1.5", "--n", "4"],
        ["--from", "sklearn-lasso", "--alpha", "0.1", "--n", "0"],
    ],
)
def test_translate_argparse_errors_exit_2(capsys, args):
    with pytest.raises(SystemExit) as info:
        main(["translate", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bayesreg: error:")


def test_translate_as_a_command():
    out = run_cli("translate", "--from", "sklearn-lasso", "--alpha", "0.1", "--n", "442", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["lam1"] == pytest.approx(from_sklearn_alpha(0.1, 442, "l1"))
    bad = run_cli("translate", "--from", "glmnet", "--lambda", "1", "--alpha", "0.2", "--n", "9")
    assert bad.returncode == 2 and bad.stdout == "" and "--y-sd" in bad.stderr
