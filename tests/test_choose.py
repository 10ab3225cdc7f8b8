"""choose_penalty, loo_curve and `bayesreg choose` against independent computations.

* LOO: for the Gaussian prior with σ fixed and a flat intercept the exact leave-one-out
  predictive density is Normal, written out here by refitting without each row:
  yᵢ | y₋ᵢ ~ N(x̃ᵢᵀm₋ᵢ, σ²(1 + x̃ᵢᵀ(Ã₋ᵢᵀÃ₋ᵢ + λD)⁻¹x̃ᵢ)), x̃ = (1, x), D = diag(0, 1, …, 1);
  PSIS-LOO of the exact posterior draws must reproduce its sum to Monte Carlo accuracy.
* Every method's row of the report is the direct call of that method, read back as a prior
  scale with Prior.from_penalty at the report's σ, and its support the Lasso's at that λ.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import scipy.stats
from helpers import run_cli

import bayesreg as br
from bayesreg.choose import loo_curve
from bayesreg.cv import cross_validate, information_criteria
from bayesreg.evidence import empirical_bayes


def make(n=80, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.r_[1.0, -0.5, np.zeros(p - 2)] + 1.0 + 0.8 * rng.standard_normal(n)
    return X, y


def exact_loo(X, y, lam, sigma):
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    D = np.diag([0.0] + [1.0] * p)
    total = 0.0
    for i in range(n):
        keep = np.arange(n) != i
        M = A[keep].T @ A[keep] + lam * D
        m = np.linalg.solve(M, A[keep].T @ y[keep])
        var = sigma**2 * (1.0 + A[i] @ np.linalg.solve(M, A[i]))
        total += scipy.stats.norm.logpdf(y[i], A[i] @ m, np.sqrt(var))
    return total


def test_loo_curve_is_the_exact_leave_one_out_density_for_the_gaussian_prior():
    X, y = make()
    sigma = 0.8
    lams = [0.5, 5.0, 50.0]
    res = loo_curve(X, y, "gaussian", lams=lams, noise_sigma=sigma, draws=4000, random_seed=1)
    for lam, elpd in zip(res.lams, res.elpd, strict=True):
        assert elpd == pytest.approx(exact_loo(X, y, lam, sigma), abs=0.05)
    assert res.lam_best == res.lams[int(np.argmax(res.elpd))]
    assert np.all(res.pareto_k_max < 0.7)
    np.testing.assert_allclose(res.scales, sigma / np.sqrt(res.lams))  # σ′ = σ/√λ


def test_choose_penalty_rows_are_the_methods_themselves():
    X, y = make(n=120, p=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", br.SamplingWarning)
        rep = br.choose_penalty(
            X, y, "laplace", methods=("cv", "evidence", "hyperprior", "bic"), draws=400,
            tune=400, random_seed=2,
        )  # fmt: skip
    sigma = br.estimate_noise_sigma(X, y).value
    assert rep.noise_sigma == pytest.approx(sigma, rel=1e-12) and rep.noise_sigma_estimated
    cv = cross_validate(X, y, "laplace", cv=5, noise_sigma=sigma, random_state=2)
    assert rep.choices["cv"].lam == cv.lam_min
    assert (rep.choices["cv"].lam_low, rep.choices["cv"].lam_high) == tuple(
        sorted((cv.lam_min, cv.lam_1se))
    )
    eb = empirical_bayes(X, y, "laplace", random_seed=2)
    assert rep.choices["evidence"].lam == pytest.approx(eb.prior.penalty(sigma), rel=1e-12)
    ic = information_criteria(X, y, criterion="bic", noise_sigma=sigma)
    assert rep.choices["bic"].lam == ic.lam_best
    for c in rep.choices.values():
        assert c.scale == pytest.approx(2 * sigma**2 / c.lam, rel=1e-12)  # b = 2σ²/λ
        fit = br.lasso_cd(X, y, c.lam)
        assert c.support == [f"x{j}" for j in np.flatnonzero(fit.coef)]
        if c.lam_low is not None:
            assert c.lam_low <= c.lam_high
    hp = rep.choices["hyperprior"]
    assert hp.lam_low < hp.lam < hp.lam_high
    d = json.loads(rep.to_json())
    assert set(d["choices"]) == {"cv", "evidence", "hyperprior", "bic"}
    text = str(rep)
    for m in ("cv", "evidence", "hyperprior", "bic"):
        assert f"\n  {m} " in text
    import matplotlib

    matplotlib.use("Agg")
    ax = rep.plot().axes[0]
    xs = sorted(float(ln.get_xdata()[0]) for ln in ax.lines if ln.get_label().startswith(
        ("cv:", "evidence:", "hyperprior:", "bic:")))  # fmt: skip
    assert xs == pytest.approx(sorted(c.lam for c in rep.choices.values()))


def test_choose_penalty_bad_input():
    X, y = make()
    with pytest.raises(ValueError, match="methods must be"):
        br.choose_penalty(X, y, "laplace", methods=("cv", "aic2"))
    with pytest.raises(ValueError, match="bic is for the Lasso"):
        br.choose_penalty(X, y, "gaussian", methods=("bic",))


def test_cli_choose(tmp_path):
    X, y = make(n=100, p=3)
    path = tmp_path / "d.csv"
    rows = (",".join(map(str, [*r, t])) for r, t in zip(X, y, strict=True))
    path.write_text("a,b,c,y\n" + "\n".join(rows))
    base = ["choose", "--data", str(path), "--target", "y", "--prior", "laplace"]
    res = run_cli(*base, "--methods", "cv,evidence,bic", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert set(d["choices"]) == {"cv", "evidence", "bic"}
    out = tmp_path / "c.png"
    res = run_cli(*base, "--methods", "cv,bic", "--plot", str(out))
    assert res.returncode == 0 and out.stat().st_size > 0 and "cv " in res.stdout
    res = run_cli(*base, "--methods", "cv,magic")
    assert res.returncode == 2 and "unknown ['magic']" in res.stderr
    res = run_cli(*base[:-1], "gaussian", "--methods", "bic")
    assert res.returncode == 2 and "laplace" in res.stderr


def test_gaussian_evidence_is_read_back_at_the_common_sigma():
    """The evidence estimates σ jointly; the report reads its σ′ back at the report's σ."""
    X, y = make(n=100, p=4, seed=3)
    rep = br.choose_penalty(X, y, "gaussian", methods=("evidence",))
    eb = empirical_bayes(X, y, "gaussian")
    sigma = br.estimate_noise_sigma(X, y).value
    assert eb.noise_sigma != pytest.approx(sigma, rel=1e-9)  # a different σ...
    c = rep.choices["evidence"]
    assert c.scale == pytest.approx(eb.prior.scale, rel=1e-12)  # ...the same prior,
    assert c.lam == pytest.approx(sigma**2 / eb.prior.scale**2, rel=1e-12)  # λ = σ²/σ′²
