"""Sparse Lasso: bayesreg vs scikit-learn, time to the same duality gap.

Both solvers get the same CSC matrix (scikit-learn centers sparse X implicitly too). Their
answers are judged by one independent function, :func:`relative_gap`, not by either solver's
own stopping rule: bayesreg runs at ``--tol``; scikit-learn is run with tolerances 1e-2, 1e-3,
... until its relative gap is at most the target, max(bayesreg's gap, ``--tol``) (bayesreg's
solve on the sign pattern often lands far below ``--tol``), and the time of that run is
reported.

    python benchmarks/bench_sparse.py            # both problems
    python benchmarks/bench_sparse.py --small    # a quick check of the script

Run it on a quiet machine (``uptime`` load < 0.5): the figures are wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from bayesreg import lambda_max, lasso_cd, to_sklearn_alpha

#: name: (n, p, density, λ/λ_max chosen for a few hundred active coefficients)
PROBLEMS = {
    "20000x10000 @ 0.2%": (20_000, 10_000, 0.002, 0.035),
    "5000x50000 @ 0.1%": (5_000, 50_000, 0.001, 0.1),
}
SMALL = {"2000x1000 @ 1%": (2_000, 1_000, 0.01, 0.05)}


def make_problem(n: int, p: int, density: float, seed: int = 0):
    """CSC X with N(0, 1) entries, 50 non-zero true coefficients, y with noise and offset."""
    rng = np.random.default_rng(seed)
    X = sp.random(
        n, p, density=density, format="csc", random_state=seed, data_rvs=rng.standard_normal
    )
    X = sp.csc_array(X)
    beta = np.zeros(p)
    beta[rng.choice(p, 50, replace=False)] = rng.choice([-1.0, 1.0], 50) * rng.uniform(1, 3, 50)
    y = X @ beta + 2.0 + 0.5 * rng.standard_normal(n)
    return X, y


def relative_gap(X, y, coef: np.ndarray, lam: float) -> float:
    """Relative duality gap of ‖y − β₀ − Xβ‖² + λ‖β‖₁ at β (β₀ at its optimum), from scratch.

    r = y_c − X_cβ (centering by subtracting the mean of y − Xβ); dual point θ = s·r with
    s = min(1, (λ/2)/‖X_cᵀr‖∞); gap = P − D with P = ‖r‖² + λ‖β‖₁ and
    D = ‖y_c‖² − ‖y_c − θ‖² (= 2× the ½-scaled dual objective).
    """
    r = y - X @ coef
    r = r - r.mean()
    yc = y - y.mean()
    corr = X.T @ r  # = X_cᵀr since Σr = 0
    s = min(1.0, 0.5 * lam / float(np.max(np.abs(corr))))
    theta = s * r
    primal = float(r @ r) + lam * float(np.abs(coef).sum())
    dual = float(yc @ yc) - float((yc - theta) @ (yc - theta))
    return max(primal - dual, 0.0) / primal


def bench(name: str, n: int, p: int, density: float, frac: float, tol: float) -> None:
    X, y = make_problem(n, p, density)
    lam = frac * lambda_max(X, y)
    t0 = time.perf_counter()
    res = lasso_cd(X, y, lam, tol=tol)
    t_br = time.perf_counter() - t0
    gap_br = relative_gap(X, y, res.coef, lam)
    alpha = to_sklearn_alpha(lam, n, "l1")
    t_sk, gap_sk, sk_tol = np.nan, np.inf, None
    for k in range(2, 16):
        sk_tol = 10.0**-k
        model = Lasso(alpha=alpha, tol=sk_tol, max_iter=1_000_000, selection="cyclic")
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        t_sk = time.perf_counter() - t0
        gap_sk = relative_gap(X, y, model.coef_, lam)
        if gap_sk <= max(gap_br, tol):
            break
    print(
        f"{name}: nnz={X.nnz}, λ={frac}·λ_max, actives bayesreg={res.support.size} "
        f"sklearn={np.count_nonzero(model.coef_)}\n"
        f"  bayesreg  tol={tol:.0e}: {t_br:8.3f} s  relative gap {gap_br:.2e}\n"
        f"  sklearn   tol={sk_tol:.0e}: {t_sk:8.3f} s  relative gap {gap_sk:.2e}\n"
        f"  ratio sklearn/bayesreg: {t_sk / t_br:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="one small problem only")
    parser.add_argument("--frac", type=float, default=None, help="λ / λ_max (all problems)")
    parser.add_argument("--tol", type=float, default=1e-8, help="bayesreg's relative gap")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    Xw, yw = make_problem(200, 100, 0.05)
    lasso_cd(Xw, yw, 0.1 * lambda_max(Xw, yw))  # compile / load the kernels
    for name, (n, p, density, frac) in (SMALL if args.small else PROBLEMS).items():
        bench(name, n, p, density, frac if args.frac is None else args.frac, args.tol)
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
