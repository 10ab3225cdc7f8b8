"""Benchmark: time to accuracy of bayesreg's Lasso, Lasso path and Ridge against every peer.

Run it on a quiet machine (``uptime`` load below 0.5, nothing else running)::

    python benchmarks/bench_solvers.py                    # every problem, medians of 3
    python benchmarks/bench_solvers.py --repeats 5 --only tall
    python benchmarks/bench_solvers.py --small            # tiny shapes: tests the script (< 1 min)

Problems (``--small``: tiny versions of each; names as ``--only`` matches them):

* lasso 5000x500, 20 non-zeros, 0.05·λmax ("problem 1"); lasso 1000x5000 Toeplitz ρ=0.5
  (AR(1) columns), 20 non-zeros, 0.01·λmax ("problem 2");
* path: 100 λ log-spaced from λmax to 1e-3·λmax on problem 1;
* ridge λ=10 on problems 1 and 2;
* tall 20000x200 equicorrelated ρ=0.3, 50 non-zeros, 1e-3·λmax; tall 50000x100, 60
  non-zeros, 5e-4·λmax (the draws of the former ``bench_tall.py``, problem 1 too);
* wide 1000x6000 equicorrelated ρ=0.7, 20 non-zeros, 0.05·λmax (chosen: ≈ 20 actives);
* sparse 20000x10000 at density 0.2 %, 0.035·λmax, and 5000x50000 at 0.1 %, 0.1·λmax, N(0, 1)
  entries, 50 true non-zeros (the shapes of the former ``bench_sparse.py``; a few hundred
  actives);
* path tall: 100 λ, λmax → 1e-3·λmax, on the 20000x200 design; path sparse: 100 λ,
  λmax → 0.035·λmax (the single fit's λ, to keep the actives at a few hundred), on the
  20000x10000 design.

Method. The libraries' tolerances mean different things (a gap relative to the primal, to
‖y‖², a KKT violation, a change of coordinates), so none is compared at "the same tol".
Every library is run over a sweep of its own tolerance parameter, the accuracy of each answer
is recomputed from the data by ONE function of this script (:func:`accuracy`), and the time
reported is the fastest run whose accuracy is ≤ ``--target`` (default 1e-8):

* Lasso ``‖y − β₀ − Xβ‖² + λ‖β‖₁``: the relative duality gap (P − D)/P of
  ½‖r‖² + (λ/2)‖β‖₁ at the dual point θ = r·min(1, (λ/2)/‖X_cᵀr‖∞), r = y_c − X_cβ
  (:func:`lasso_rel_gap`). With an intercept it is centred implicitly (r = y − Xβ, then
  r −= mean(r), and X_cᵀr = Xᵀr since Σr = 0), so sparse X is never densified; the
  intercept is taken at its optimum for the given β, so only β is judged.
* Lasso path: the largest relative gap over the grid.
* Ridge ``‖y − β₀ − Xβ‖² + λ‖β‖²``: the gradient ‖X_cᵀ(y_c − X_cβ) − λβ‖∞ relative to its
  value at β = 0, ‖X_cᵀy_c‖∞ (:func:`ridge_rel_grad`).

Sweeps: bayesreg ``tol``, scikit-learn / skglm / celer ``tol`` over 1e-2 … 1e-14; glmnet
``thresh`` over 1e-2 … 1e-30 (it stops on the change of its coordinates, not on a gap);
scikit-learn ``Ridge`` over its solvers (``auto``, ``cholesky``, ``svd``; ``lsqr`` and
``sparse_cg`` with a tol sweep each). A sweep stops once the accuracy is ≤ target·1e-3
(tighter tolerances can only cost more); it does not stop on a plateau, since glmnet's gap
falls in steps, flat over up to four thresh values. Each setting is run once; only one that
reaches the target is run ``--repeats`` times in all, and the time is the median.

Same problem for everyone. Dense problems: X and y are centred once beforehand and every
library fits without an intercept (the centred problem has the same β as the one with an
unpenalized intercept). Sparse problems: every library fits the intercept itself
(``fit_intercept=True``; glmnet ``intercept=TRUE``; the path functions of scikit-learn and
celer, which fit none, get the column means as ``X_offset`` and a centred y, as their
estimators do internally), so nobody densifies X. λ is converted with
``bayesreg.to_sklearn_alpha`` (scikit-learn, skglm, celer and glmnet's Lasso all minimize
(1/2n)·RSS + α‖β‖₁).

Peers: scikit-learn; skglm and celer where importable (``pip install 'bayesreg[bench]'``);
R glmnet where ``Rscript`` and the glmnet package are installed (Debian:
``apt-get install r-base-core r-cran-glmnet``; ``--no-r`` skips it). glmnet runs in one R
process per problem that loads the data once (a ``dgCMatrix`` for sparse X, from binary i/p/x
files) and times only the ``glmnet`` call, with ``Sys.time`` (µs resolution; ``system.time``
rounds to 1 ms), ``standardize=FALSE``, ``maxit=1e7`` and ``glmnet.control(fdev=0,
devmax=1)`` so that it never ends a path early. Its Ridge (``alpha=0``) is not the documented
(1/2n)·RSS + (λ_g/2)‖β‖²: for the Gaussian family glmnet scales y to unit variance and λ_g
with it, so the effective RSS-scaling λ is n·λ_g/sd(y) (population sd; checked on a small
problem against the closed form) and we pass λ_g = λ·sd(y)/n. Paths: scikit-learn
``lasso_path``, skglm ``Lasso.path``, celer ``celer_path`` (each warm-starts from the
previous λ), bayesreg ``lasso_path``, glmnet with the λ vector, all on the same grid.

Warm-up outside the timing, right before each library's own sweep: it first fits a tiny
problem of the same kind, format and intercept setting (Numba compilation of bayesreg and
skglm, imports), then the real problem once at its loosest setting (first touch of the data);
glmnet does one untimed fit on the real data when its R session starts (it then waits on its
input, idle, while the Python libraries run).

The ratio is bayesreg's time over the fastest peer's; its target is ≤ 0.5 for Lasso fits and
paths and ≤ 1.0 for Ridge. The header gives the machine, the load average at the start and
the end (a load above 0.5 makes the figures unreliable) and every version.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy
import scipy.sparse as sp

import bayesreg
from bayesreg import (
    lambda_max,
    lasso_cd,
    lasso_path,
    ridge_closed_form,
    to_half_rss,
    to_sklearn_alpha,
)

Matrix = np.ndarray | sp.csc_array
Kind = Literal["lasso", "path", "ridge"]
Setting = Any  # one value of a library's tolerance parameter (or a solver choice)
#: (setting, repeats) → (wall-clock seconds of each run, coefficients of shape (n_lams, p))
RunFn = Callable[[Setting, int], tuple[list[float], np.ndarray]]
#: (kind, X, y, λ grid, fit_intercept, setting) → coefficients of shape (n_lams, p)
FitFn = Callable[[Kind, Matrix, np.ndarray, np.ndarray, bool, Setting], np.ndarray]

TOLS = [10.0**-k for k in range(2, 15)]
GLMNET_THRESHS = [10.0**-k for k in range(2, 31)]
RIDGE_SOLVER_SWEEPS: list[list[Setting]] = [
    [("auto", None)],
    [("cholesky", None)],
    [("svd", None)],
    [("lsqr", t) for t in TOLS],
    [("sparse_cg", t) for t in TOLS],
]
RATIO_TARGET: dict[Kind, float] = {"lasso": 0.5, "path": 0.5, "ridge": 1.0}
ACCURACY_NAME: dict[Kind, str] = {"lasso": "gap", "path": "max gap", "ridge": "rel grad"}
MAX_ITER_CD = 10**6  # scikit-learn's coordinate sweeps
MAX_ITER_WS = 1000  # skglm's and celer's outer (working-set) iterations


# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Task:
    """One problem: the data, its kind, the λ grid (decreasing; one λ for a single fit)."""

    kind: Kind
    X: Matrix
    y: np.ndarray
    lams: np.ndarray
    intercept: bool


@dataclass(frozen=True)
class Spec:
    """A named problem, built only when it is run (``--only``)."""

    name: str
    build: Callable[[], Task]


def sparse_coef(p: int, k: int, rng: np.random.Generator, low: float = 0.5, high: float = 2.0):
    """β with k non-zeros of random sign and magnitude in [low, high]."""
    beta = np.zeros(p)
    beta[rng.choice(p, k, replace=False)] = rng.choice([-1.0, 1.0], k) * rng.uniform(low, high, k)
    return beta


def toeplitz(n: int, p: int, k: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """AR(1) across columns: corr(x_j, x_l) = ρ^|j−l|."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    innov = math.sqrt(1 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + innov * rng.standard_normal(n)
    return X, X @ sparse_coef(p, k, rng) + rng.standard_normal(n)


def equicorrelated(n: int, p: int, k: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """corr(x_j, x_l) = ρ for every pair (one shared factor)."""
    rng = np.random.default_rng(seed)
    X = math.sqrt(1 - rho) * rng.standard_normal((n, p))
    X += math.sqrt(rho) * rng.standard_normal((n, 1))
    return X, X @ sparse_coef(p, k, rng) + rng.standard_normal(n)


def sparse_design(
    n: int, p: int, density: float, seed: int, k: int = 50
) -> tuple[sp.csc_array, np.ndarray]:
    """CSC X with N(0, 1) entries, k true non-zeros, y with noise and an offset."""
    rng = np.random.default_rng(seed)
    X = sp.csc_array(
        sp.random(
            n, p, density=density, format="csc", random_state=seed, data_rvs=rng.standard_normal
        )
    )
    return X, X @ sparse_coef(p, k, rng, 1.0, 3.0) + 2.0 + 0.5 * rng.standard_normal(n)


def centred(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred once, Fortran order (what coordinate descent reads without a copy)."""
    return np.asfortranarray(X - X.mean(axis=0)), y - y.mean()


def lasso_task(data: tuple[Matrix, np.ndarray], frac: float) -> Task:
    X, y = data
    intercept = sp.issparse(X)
    lam = frac * lambda_max(X, y, fit_intercept=intercept)
    return Task("lasso", X, y, np.array([lam]), intercept)


def path_task(data: tuple[Matrix, np.ndarray], n_lams: int, eps: float) -> Task:
    X, y = data
    intercept = sp.issparse(X)
    lams = lambda_max(X, y, fit_intercept=intercept) * np.geomspace(1.0, eps, n_lams)
    return Task("path", X, y, lams, intercept)


def ridge_task(data: tuple[Matrix, np.ndarray], lam: float) -> Task:
    X, y = data
    return Task("ridge", X, y, np.array([lam]), sp.issparse(X))


def problem_specs(small: bool) -> list[Spec]:
    """The benchmark's problems (``small``: tiny versions of the same shapes)."""

    def pick(full, tiny):
        return tiny if small else full

    n1, p1, k1 = pick((5000, 500, 20), (500, 50, 5))
    n2, p2, k2 = pick((1000, 5000, 20), (100, 500, 5))
    n3, p3, k3 = pick((20_000, 200, 50), (2000, 20, 5))
    n4, p4, k4 = pick((50_000, 100, 60), (5000, 10, 6))
    n5, p5, k5 = pick((1000, 6000, 20), (100, 600, 5))
    n6, p6, d6 = pick((20_000, 10_000, 0.002), (2000, 1000, 0.01))
    n7, p7, d7 = pick((5000, 50_000, 0.001), (500, 5000, 0.01))
    n_lams = pick(100, 20)

    def prob1():  # the same draw as the old bench_tall.py's "problem 1"
        return centred(*equicorrelated(n1, p1, k1, 0.0, seed=3))

    def prob2():
        return centred(*toeplitz(n2, p2, k2, 0.5, seed=2))

    def tall1():  # seeds 1 and 2: the same draws as the old bench_tall.py
        return centred(*equicorrelated(n3, p3, k3, 0.3, seed=1))

    def sparse1():
        return sparse_design(n6, p6, d6, seed=6)

    return [
        Spec(f"lasso {n1}x{p1}, {k1} nz, 0.05·λmax", lambda: lasso_task(prob1(), 0.05)),
        Spec(
            f"lasso {n2}x{p2} Toeplitz ρ=0.5, {k2} nz, 0.01·λmax",
            lambda: lasso_task(prob2(), 0.01),
        ),
        Spec(
            f"path {n_lams} λ → 1e-3·λmax, lasso {n1}x{p1}",
            lambda: path_task(prob1(), n_lams, 1e-3),
        ),
        Spec(f"ridge {n1}x{p1}, λ=10", lambda: ridge_task(prob1(), 10.0)),
        Spec(f"ridge {n2}x{p2} Toeplitz, λ=10", lambda: ridge_task(prob2(), 10.0)),
        Spec(f"tall {n3}x{p3} ρ=0.3, {k3} nz, 1e-3·λmax", lambda: lasso_task(tall1(), 1e-3)),
        Spec(
            f"tall {n4}x{p4}, {k4} nz, 5e-4·λmax",
            lambda: lasso_task(centred(*equicorrelated(n4, p4, k4, 0.0, seed=2)), 5e-4),
        ),
        Spec(
            f"wide {n5}x{p5} ρ=0.7, {k5} nz, 0.05·λmax",
            lambda: lasso_task(centred(*equicorrelated(n5, p5, k5, 0.7, seed=5)), 0.05),
        ),
        Spec(
            f"sparse {n6}x{p6} @{100 * d6:g}%, 50 nz, 0.035·λmax",
            lambda: lasso_task(sparse1(), 0.035),
        ),
        Spec(
            f"sparse {n7}x{p7} @{100 * d7:g}%, 50 nz, 0.1·λmax",
            lambda: lasso_task(sparse_design(n7, p7, d7, seed=7), 0.1),
        ),
        Spec(
            f"path tall {n_lams} λ → 1e-3·λmax, {n3}x{p3} ρ=0.3",
            lambda: path_task(tall1(), n_lams, 1e-3),
        ),
        Spec(
            f"path sparse {n_lams} λ → 0.035·λmax, {n6}x{p6} @{100 * d6:g}%",
            lambda: path_task(sparse1(), n_lams, 0.035),
        ),
    ]


def tiny_like(task: Task) -> Task:
    """A tiny problem of the same kind, format and intercept setting (for the warm-up)."""
    if sp.issparse(task.X):
        data = sparse_design(60, 40, 0.3, seed=99, k=5)
    else:
        data = centred(*equicorrelated(60, 40, 5, 0.0, seed=99))
    if task.kind == "lasso":
        return lasso_task(data, 0.1)
    if task.kind == "path":
        return path_task(data, 5, 0.1)
    return ridge_task(data, 10.0)


# ----------------------------------------------------------------------------- accuracy


def centred_residual(
    X: Matrix, y: np.ndarray, coef: np.ndarray, intercept: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(r, y_c): r = y_c − X_cβ, centred implicitly when there is an intercept."""
    r = y - X @ coef
    if not intercept:
        return r, y
    return r - r.mean(), y - y.mean()


def lasso_rel_gap(X: Matrix, y: np.ndarray, coef: np.ndarray, lam: float, intercept: bool) -> float:
    """Relative duality gap of ½‖y_c − X_cβ‖² + (λ/2)‖β‖₁ (λ in bayesreg's RSS scaling)."""
    lam_h = to_half_rss(lam)
    r, yc = centred_residual(X, y, coef, intercept)
    corr = X.T @ r  # = X_cᵀr since Σr = 0 (or no intercept)
    primal = 0.5 * float(r @ r) + lam_h * float(np.abs(coef).sum())
    theta = r * min(1.0, lam_h / float(np.max(np.abs(corr))))
    dual = 0.5 * float(yc @ yc) - 0.5 * float((yc - theta) @ (yc - theta))
    return max(primal - dual, 0.0) / primal


def ridge_rel_grad(
    X: Matrix, y: np.ndarray, coef: np.ndarray, lam: float, intercept: bool
) -> float:
    """‖X_cᵀ(y_c − X_cβ) − λβ‖∞ / ‖X_cᵀy_c‖∞: the gradient of the Ridge objective, relative."""
    r, yc = centred_residual(X, y, coef, intercept)
    grad = X.T @ r - lam * coef
    return float(np.max(np.abs(grad)) / np.max(np.abs(X.T @ yc)))


def accuracy(task: Task, coefs: np.ndarray) -> float:
    """The one accuracy criterion of the benchmark (worst over the λ grid), inf if unusable."""
    if coefs.shape != (task.lams.size, task.X.shape[1]) or not np.all(np.isfinite(coefs)):
        return math.inf
    measure = ridge_rel_grad if task.kind == "ridge" else lasso_rel_gap
    return max(
        measure(task.X, task.y, coef, float(lam), task.intercept)
        for lam, coef in zip(task.lams, coefs)
    )


# ----------------------------------------------------------------------------- libraries


@dataclass
class Library:
    """A peer as the sweep sees it: sweeps of settings, a timed run, a label per setting."""

    name: str
    sweeps: list[list[Setting]]
    run: RunFn
    describe: Callable[[Setting], str]
    warm_up: Callable[[], None] = lambda: None
    close: Callable[[], None] = lambda: None


def column_means(X: Matrix) -> np.ndarray:
    return np.asarray(X.mean(axis=0)).ravel()


def sk_alphas(lams: np.ndarray, n: int) -> np.ndarray:
    return np.array([to_sklearn_alpha(float(lam), n, "l1") for lam in lams])


def uncentred_path_inputs(
    X: Matrix, y: np.ndarray, intercept: bool
) -> tuple[Matrix, np.ndarray, dict]:
    """For path functions that fit no intercept: implicit centring of sparse X via X_offset."""
    if not intercept:
        return X, y, {}
    if sp.issparse(X):
        return X, y - y.mean(), {"X_offset": column_means(X), "X_scale": np.ones(X.shape[1])}
    return np.asfortranarray(X - X.mean(axis=0)), y - y.mean(), {}


def fit_bayesreg(kind: Kind, X, y, lams, intercept: bool, setting: Setting) -> np.ndarray:
    if kind == "ridge":
        return ridge_closed_form(X, y, float(lams[0]), fit_intercept=intercept).coef[None, :]
    if kind == "path":
        return lasso_path(X, y, lams, fit_intercept=intercept, tol=setting).coefs
    return lasso_cd(X, y, float(lams[0]), fit_intercept=intercept, tol=setting).coef[None, :]


def fit_sklearn(kind: Kind, X, y, lams, intercept: bool, setting: Setting) -> np.ndarray:
    from sklearn.linear_model import Lasso, Ridge
    from sklearn.linear_model import lasso_path as sk_lasso_path

    n = X.shape[0]
    if kind == "ridge":
        solver, tol = setting
        model = Ridge(
            alpha=to_sklearn_alpha(float(lams[0]), n, "l2"),
            solver=solver,
            fit_intercept=intercept,
            **({} if tol is None else {"tol": tol}),
        )
        return model.fit(X, y).coef_[None, :]
    if kind == "path":
        Xp, yp, offsets = uncentred_path_inputs(X, y, intercept)
        _, coefs, _ = sk_lasso_path(
            Xp, yp, alphas=sk_alphas(lams, n), tol=setting, max_iter=MAX_ITER_CD, **offsets
        )
        return coefs.T
    model = Lasso(
        alpha=sk_alphas(lams, n)[0], tol=setting, max_iter=MAX_ITER_CD, fit_intercept=intercept
    )
    return model.fit(X, y).coef_[None, :]


def fit_skglm(kind: Kind, X, y, lams, intercept: bool, setting: Setting) -> np.ndarray:
    from skglm import Lasso

    alphas = sk_alphas(lams, X.shape[0])
    model = Lasso(alpha=alphas[0], tol=setting, max_iter=MAX_ITER_WS, fit_intercept=intercept)
    if kind == "path":
        _, coefs, _, _ = model.path(X, y, alphas)
        return coefs[: X.shape[1]].T
    return model.fit(X, y).coef_[None, :]


def fit_celer(kind: Kind, X, y, lams, intercept: bool, setting: Setting) -> np.ndarray:
    from celer import Lasso, celer_path

    alphas = sk_alphas(lams, X.shape[0])
    if kind == "path":
        Xp, yp, offsets = uncentred_path_inputs(X, y, intercept)
        _, coefs, _ = celer_path(
            Xp, yp, "lasso", alphas=alphas, tol=setting, max_iter=MAX_ITER_WS, prune=1, **offsets
        )
        return coefs.T
    model = Lasso(alpha=alphas[0], tol=setting, max_iter=MAX_ITER_WS, fit_intercept=intercept)
    return model.fit(X, y).coef_[None, :]


#: name → (module that must import, fit function)
PYTHON_LIBS: dict[str, tuple[str, FitFn]] = {
    "bayesreg": ("bayesreg", fit_bayesreg),
    "scikit-learn": ("sklearn", fit_sklearn),
    "skglm": ("skglm", fit_skglm),
    "celer": ("celer", fit_celer),
}


def python_sweeps(name: str, kind: Kind) -> list[list[Setting]] | None:
    """The settings a library is swept over for a kind of problem (None: does not solve it)."""
    if kind != "ridge":
        return [TOLS]
    if name == "bayesreg":
        return [[None]]  # closed form, no tolerance
    if name == "scikit-learn":
        return RIDGE_SOLVER_SWEEPS
    return None  # skglm and celer have no plain Ridge estimator


def describe_python(setting: Setting) -> str:
    if setting is None:
        return "closed form"
    if isinstance(setting, tuple):
        solver, tol = setting
        return f"solver={solver}" + ("" if tol is None else f", tol {tol:.0e}")
    return f"tol {setting:.0e}"


def timed(fn: Callable[[], np.ndarray], repeats: int) -> tuple[list[float], np.ndarray]:
    """Wall-clock seconds of each of ``repeats`` calls, and the last answer."""
    times: list[float] = []
    out = np.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings at loose tolerances
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
    return times, out


def python_library(name: str, fit: FitFn, task: Task, sweeps: list[list[Setting]]) -> Library:
    """Wrap a fit function as a :class:`Library` of the task."""

    def warm_up() -> None:
        """JIT and imports on a tiny problem of the same sort, then the task itself once at its
        loosest setting (first touch of the data), all untimed."""
        tiny = tiny_like(task)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for settings in sweeps:
                fit(tiny.kind, tiny.X, tiny.y, tiny.lams, tiny.intercept, settings[0])
            fit(task.kind, task.X, task.y, task.lams, task.intercept, sweeps[0][0])

    def run(setting: Setting, repeats: int) -> tuple[list[float], np.ndarray]:
        return timed(
            lambda: fit(task.kind, task.X, task.y, task.lams, task.intercept, setting), repeats
        )

    return Library(name, sweeps, run, describe_python, warm_up=warm_up)


# ----------------------------------------------------------------------------- glmnet (R)

_R_SESSION = r"""
suppressMessages({library(glmnet); library(Matrix)})
a <- commandArgs(trailingOnly = TRUE)
d <- a[1]; n <- as.integer(a[2]); p <- as.integer(a[3]); nnz <- as.numeric(a[4])
intercept <- a[5] == "1"; alpha <- as.numeric(a[6]); n_lams <- as.integer(a[7])
glmnet.control(fdev = 0, devmax = 1)  # never end a path early
y <- readBin(file.path(d, "y.bin"), "double", n)
lam <- readBin(file.path(d, "lam.bin"), "double", n_lams)
if (nnz >= 0) {
  X <- sparseMatrix(i = readBin(file.path(d, "i.bin"), "integer", nnz),
                    p = readBin(file.path(d, "p.bin"), "integer", p + 1),
                    x = readBin(file.path(d, "x.bin"), "double", nnz),
                    dims = c(n, p), index1 = FALSE)
} else {
  X <- matrix(readBin(file.path(d, "X.bin"), "double", n * p), n, p)
}
fit <- function(th) glmnet(X, y, family = "gaussian", alpha = alpha, lambda = lam,
                           standardize = FALSE, intercept = intercept, thresh = th, maxit = 1e7)
invisible(fit(1e-4))  # warm-up, untimed
cat("ready\n"); flush(stdout())
con <- file("stdin", "r")
repeat {
  cmd <- readLines(con, n = 1)
  if (length(cmd) == 0 || cmd == "quit") break
  v <- as.numeric(strsplit(cmd, " ")[[1]])
  ts <- numeric(v[2])
  for (r in seq_len(v[2])) {
    t0 <- Sys.time()
    f <- suppressWarnings(fit(v[1]))
    ts[r] <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  }
  b <- as.matrix(f$beta)
  writeBin(as.vector(b), file.path(d, "coef.bin"))
  cat(ncol(b), sprintf("%.9g", ts), "\n"); flush(stdout())
}
"""


def glmnet_version(no_r: bool) -> tuple[str | None, str]:
    """(glmnet's version, "") when R glmnet can run, else (None, the reason)."""
    if no_r:
        return None, "--no-r"
    if shutil.which("Rscript") is None:
        return None, "Rscript not found (apt-get install r-base-core r-cran-glmnet)"
    proc = subprocess.run(
        ["Rscript", "-e", 'cat(as.character(packageVersion("glmnet")), R.version$version.string)'],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return None, "R package glmnet not installed (apt-get install r-cran-glmnet)"
    return proc.stdout.strip(), ""


def glmnet_lambdas(task: Task) -> np.ndarray:
    """bayesreg's λ → glmnet's: α = λ/(2n) for the Lasso, λ·sd(y)/n for Ridge (module doc)."""
    n = task.X.shape[0]
    if task.kind == "ridge":
        yc = task.y - task.y.mean() if task.intercept else task.y
        return task.lams * math.sqrt(float(yc @ yc) / n) / n
    return sk_alphas(task.lams, n)


def write_glmnet_inputs(task: Task, d: Path) -> int:
    """Binary files for R; returns nnz (−1 for dense X)."""
    task.y.astype(np.float64).tofile(d / "y.bin")
    glmnet_lambdas(task).astype(np.float64).tofile(d / "lam.bin")
    if sp.issparse(task.X):
        X = sp.csc_array(task.X)
        X.sort_indices()
        X.indices.astype(np.int32).tofile(d / "i.bin")
        X.indptr.astype(np.int32).tofile(d / "p.bin")
        X.data.astype(np.float64).tofile(d / "x.bin")
        return int(X.nnz)
    np.asarray(task.X, dtype=np.float64).ravel(order="F").tofile(d / "X.bin")
    return -1


class GlmnetSession:
    """One R process holding the data; each request fits at one ``thresh``, timed inside R."""

    def __init__(self, task: Task) -> None:
        self.p = task.X.shape[1]
        self._dir = tempfile.TemporaryDirectory()
        d = Path(self._dir.name)
        nnz = write_glmnet_inputs(task, d)
        (d / "session.R").write_text(_R_SESSION)
        n = task.X.shape[0]
        args = [str(d), str(n), str(self.p), str(nnz), str(int(task.intercept))]
        args += ["0" if task.kind == "ridge" else "1", str(task.lams.size)]
        self._stderr = open(d / "stderr.txt", "w")  # a file: R's messages never block a pipe
        self._proc = subprocess.Popen(
            ["Rscript", str(d / "session.R"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        if self._readline() != "ready":
            raise RuntimeError(self._errors())

    def _errors(self) -> str:
        self._stderr.flush()
        return (Path(self._dir.name) / "stderr.txt").read_text().strip()[-500:]

    def _readline(self) -> str:
        assert self._proc.stdout is not None
        return self._proc.stdout.readline().strip()

    def run(self, thresh: float, repeats: int) -> tuple[list[float], np.ndarray]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"{thresh!r} {repeats}\n")
        self._proc.stdin.flush()
        line = self._readline().split()
        if not line:
            raise RuntimeError(f"R glmnet session ended: {self._errors()}")
        n_cols, times = int(line[0]), [float(t) for t in line[1:]]
        coefs = np.fromfile(Path(self._dir.name) / "coef.bin").reshape(n_cols, self.p)
        return times, coefs  # fewer columns than λ (path cut short) → accuracy inf

    def close(self) -> None:
        if self._proc.poll() is None and self._proc.stdin is not None:
            self._proc.stdin.write("quit\n")
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
        self._stderr.close()
        self._dir.cleanup()


def glmnet_library(task: Task) -> Library:
    session = GlmnetSession(task)
    return Library(
        "glmnet (R)",
        [GLMNET_THRESHS],
        session.run,
        lambda th: f"thresh {th:.0e}",
        close=session.close,
    )


# ----------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Outcome:
    """The fastest run that met the target, or (time inf) the most accurate one seen."""

    time: float
    setting: str
    accuracy: float
    value: Setting = None
    nnz: int = 0

    @property
    def reached(self) -> bool:
        return math.isfinite(self.time)


def sweep(lib: Library, task: Task, target: float, repeats: int) -> Outcome:
    """Fastest median time over the library's settings whose accuracy is ≤ target."""
    best: Outcome | None = None
    closest = Outcome(math.inf, "no run", math.inf)
    for settings in lib.sweeps:
        for setting in settings:
            times, coefs = lib.run(setting, 1)
            acc = accuracy(task, coefs)
            nnz = int(np.count_nonzero(coefs[-1])) if coefs.size else 0
            if acc < closest.accuracy:
                closest = Outcome(math.inf, lib.describe(setting), acc, setting, nnz)
            if acc <= target:
                if repeats > 1:
                    times += lib.run(setting, repeats - 1)[0]
                t = statistics.median(times)
                if best is None or t < best.time:
                    best = Outcome(t, lib.describe(setting), acc, setting, nnz)
                if acc <= target * 1e-3:  # tighter settings can only cost more
                    break
    return best if best is not None else closest


# ----------------------------------------------------------------------------- reporting


@dataclass(frozen=True)
class Row:
    name: str
    kind: Kind
    ours: Outcome
    peer: str | None
    peer_outcome: Outcome | None

    @property
    def ratio(self) -> float:
        if self.peer_outcome is None or not self.ours.reached:
            return math.nan
        return self.ours.time / self.peer_outcome.time


def format_outcome(out: Outcome, kind: Kind, target: float) -> str:
    acc = ACCURACY_NAME[kind]
    if out.reached:
        return f"{out.time:>10.4f} s  at {out.setting:<26} {acc} {out.accuracy:8.1e}"
    return (
        f"did not reach {target:g}: best {acc} {out.accuracy:8.1e} at {out.setting}"
        if math.isfinite(out.accuracy)
        else f"no usable answer ({out.setting})"
    )


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> tuple[str, dict[str, str]]:
    """The version line, and the reason each unimportable Python peer is skipped."""
    import sklearn

    parts = [
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
        f"scipy {scipy.__version__}",
        f"bayesreg {bayesreg.__version__}",
        f"scikit-learn {sklearn.__version__}",
    ]
    skipped: dict[str, str] = {}
    for name in ("skglm", "celer"):
        try:
            parts.append(f"{name} {importlib.import_module(name).__version__}")
        except ImportError as exc:
            skipped[name] = f"not importable ({exc}); pip install 'bayesreg[bench]'"
    return ", ".join(parts), skipped


_JIT_PROBE = (
    "import time; from bayesreg.solvers._cd_kernels import warmup; "
    "t = time.perf_counter(); warmup(); print(time.perf_counter() - t)"
)


def jit_times() -> tuple[float, float]:
    """bayesreg's kernel compile time with an empty Numba cache, and its load time from cache."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
        cold = float(subprocess.check_output([sys.executable, "-c", _JIT_PROBE], env=env))
    subprocess.check_output([sys.executable, "-c", _JIT_PROBE])  # make sure the cache exists
    warm = float(subprocess.check_output([sys.executable, "-c", _JIT_PROBE]))
    return cold, warm


def describe_task(task: Task) -> str:
    n, p = task.X.shape
    fmt = f"CSC, nnz {task.X.nnz}" if sp.issparse(task.X) else "dense, centred"
    grid = f"{task.lams.size} λ" if task.kind == "path" else f"λ = {task.lams[0]:.4g}"
    return f"n={n}, p={p}, {fmt}, intercept {'fitted' if task.intercept else 'none'}, {grid}"


def print_summary(rows: Sequence[Row], target: float) -> None:
    head = (
        f"{'problem':<52} {'bayesreg s':>10}  {'fastest peer':<13} {'peer s':>9} "
        f"{'ratio':>6} {'target':>7}  result"
    )
    print(f"\nSummary (time to relative accuracy ≤ {target:g}; ratio = bayesreg / fastest peer)")
    print(head)
    print("-" * len(head))
    for row in rows:
        goal = RATIO_TARGET[row.kind]
        ours = f"{row.ours.time:10.4f}" if row.ours.reached else f"{'not met':>10}"
        if row.peer_outcome is None:
            peer, t_peer, verdict = "none reached", f"{'-':>9}", "no peer reached the accuracy"
            if not row.ours.reached:
                verdict = "bayesreg did not reach the accuracy"
        else:
            peer, t_peer = row.peer or "", f"{row.peer_outcome.time:9.4f}"
            if not row.ours.reached:
                verdict = "not met (bayesreg did not reach the accuracy)"
            else:
                verdict = "met" if row.ratio <= goal else "not met"
        ratio = f"{row.ratio:6.2f}" if math.isfinite(row.ratio) else f"{'-':>6}"
        goal_txt = f"≤{goal:.1f}"
        print(f"{row.name:<52} {ours}  {peer:<13} {t_peer} {ratio} {goal_txt:>7}  {verdict}")


# ----------------------------------------------------------------------------- driver


def libraries_for(task: Task, skipped: dict[str, str], glmnet_ok: bool) -> list[Library]:
    """Every library that can solve the task; prints why any other is left out."""
    libs: list[Library] = []
    for name, (_, fit) in PYTHON_LIBS.items():
        sweeps = python_sweeps(name, task.kind)
        if name in skipped:
            print(f"  {name:<13} skipped: {skipped[name]}")
        elif sweeps is None:
            print(f"  {name:<13} skipped: no {task.kind} solver")
        else:
            libs.append(python_library(name, fit, task, sweeps))
    if glmnet_ok:
        try:
            libs.append(glmnet_library(task))
        except (RuntimeError, OSError) as exc:
            print(f"  glmnet (R)    skipped: the R session failed: {exc}")
    return libs


def run_problem(
    spec: Spec, args: argparse.Namespace, skipped: dict[str, str], glmnet_ok: bool
) -> Row:
    task = spec.build()
    print(f"\n{spec.name}\n  ({describe_task(task)})")
    libs = libraries_for(task, skipped, glmnet_ok)
    results: dict[str, Outcome] = {}
    try:
        for lib in libs:
            try:
                lib.warm_up()  # right before its own sweep, not all at once beforehand
                results[lib.name] = sweep(lib, task, args.target, args.repeats)
            except (RuntimeError, OSError) as exc:  # the R session died
                results[lib.name] = Outcome(math.inf, f"failed: {exc}", math.inf)
    finally:
        for lib in libs:
            lib.close()
    for name, out in results.items():
        extra = ""
        if name == "bayesreg" and task.kind == "lasso" and out.value is not None:
            extra = f"  route {bayes_route(task, out.value)}, {out.nnz} actives"
        print(f"  {name:<13} {format_outcome(out, task.kind, args.target)}{extra}")
    peers = {k: v for k, v in results.items() if k != "bayesreg" and v.reached}
    fastest = min(peers, key=lambda k: peers[k].time) if peers else None
    row = Row(spec.name, task.kind, results["bayesreg"], fastest, peers.get(fastest or ""))
    if fastest is None:
        print("  ratio: no peer reached the accuracy")
    elif not row.ours.reached:
        print(f"  ratio: bayesreg did not reach the accuracy (fastest peer {fastest})")
    else:
        print(f"  ratio bayesreg / fastest peer ({fastest}): {row.ratio:.2f}")
    return row


def bayes_route(task: Task, tol: float) -> str:
    res = lasso_cd(task.X, task.y, float(task.lams[0]), fit_intercept=task.intercept, tol=tol)
    return res.route


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="runs per timed setting (median)")
    ap.add_argument("--target", type=float, default=1e-8, help="accuracy to reach (default 1e-8)")
    ap.add_argument("--only", default=None, help="run only problems whose name contains this")
    ap.add_argument("--small", action="store_true", help="tiny shapes: checks the script")
    ap.add_argument("--no-r", action="store_true", help="leave out R glmnet")
    ap.add_argument("--jit", action="store_true", help="also time bayesreg's Numba compilation")
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    version_line, skipped = versions()
    glmnet, why_not = glmnet_version(args.no_r)
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores, {platform.system()}")
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"versions: {version_line}, R glmnet {glmnet or 'not run: ' + why_not}")
    print(
        f"target relative accuracy {args.target:g}; medians of {args.repeats}; "
        f"{'SMALL shapes (script check, not a benchmark)' if args.small else 'full shapes'}"
    )
    if args.jit:
        cold, warm = jit_times()
        print(f"bayesreg kernels: compile {cold:.2f} s (empty cache), load {warm:.2f} s (cache)")
    from bayesreg.solvers._cd_kernels import warmup

    warmup()
    specs = [
        s for s in problem_specs(args.small) if not args.only or args.only.lower() in s.name.lower()
    ]
    if not specs:
        sys.exit(f"no problem matches --only {args.only!r}")
    rows = [run_problem(spec, args, skipped, glmnet is not None) for spec in specs]
    print_summary(rows, args.target)
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
