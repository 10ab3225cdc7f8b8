"""Shared test helpers (imported by the test modules; pytest puts tests/ on sys.path)."""

import os
import subprocess
import sys

import numpy as np
import pytest


def bad_Xy_cases(X: np.ndarray, y: np.ndarray) -> list:
    """(X, y, message regex) cases that every entry point taking (X, y) must reject."""
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    y_inf = y.copy()
    y_inf[0] = np.inf
    X_inf = X.copy()
    X_inf[0, 0] = -np.inf
    y_nan = y.copy()
    y_nan[5] = np.nan
    return [
        pytest.param(X_nan, y, r"X contains 1 NaN", id="nan-in-X"),
        pytest.param(X_inf, y, r"X contains 1 infinite", id="inf-in-X"),
        pytest.param(X, y_inf, r"y contains 1 infinite", id="inf-in-y"),
        pytest.param(X, y_nan, r"y contains 1 NaN", id="nan-in-y"),
        pytest.param(X[:, 0], y, r"X must be a 2-D array.*got 1-D", id="1d-X"),
        pytest.param(X[:, :, None], y, r"X must be a 2-D array.*got 3-D", id="3d-X"),
        pytest.param(X, y[:-1], r"mismatched lengths", id="short-y"),
        pytest.param(X[:-2], y, r"mismatched lengths", id="short-X"),
        pytest.param(X, np.column_stack([y, y]), r"y must be 1-D", id="2d-y"),
        pytest.param(np.empty((0, 4)), np.empty(0), r"X is empty", id="zero-rows"),
        pytest.param(np.empty((20, 0)), y, r"X is empty", id="zero-columns"),
        pytest.param(X, np.empty(0), r"y is empty|mismatched", id="empty-y"),
        pytest.param(X.astype(str), y, r"X must be numeric", id="string-X"),
        pytest.param(X.astype(object), y, r"X must be numeric", id="object-X"),
        pytest.param(X, y.astype(str), r"y must be numeric", id="string-y"),
        pytest.param(X, y.astype(object), r"y must be numeric", id="object-y"),
        pytest.param(X + 1j, y, r"X must be real-valued", id="complex-X"),
        pytest.param(None, y, r"X is missing", id="none-X"),
        pytest.param(X, None, r"y is missing", id="none-y"),
    ]


#: Agreement asked of coefficients and intercepts against a reference (issue 2: 1e-8).
COEF_RTOL = 1e-8


def assert_coef_close(got, expected, rtol=COEF_RTOL):
    """max |Δβ| ≤ rtol · max(1, ‖β_ref‖∞)."""
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 0.0)
    diff = float(np.max(np.abs(got - expected))) if expected.size else 0.0
    assert diff <= rtol * scale, f"max |Δcoef| = {diff:.3e} > {rtol:.0e}·{scale:.3g}"


def assert_intercept_close(got, expected, coef, rtol=COEF_RTOL):
    """|Δβ₀| ≤ rtol · max(1, |β₀_ref|, ‖β‖∞)."""
    scale = max(1.0, abs(float(expected)), float(np.max(np.abs(coef))) if coef.size else 0.0)
    assert abs(float(got) - float(expected)) <= rtol * scale, f"intercept {got!r} vs {expected!r}"


#: Keys every equivalence report's JSON has (API ``to_json`` and ``bayesreg check --json``).
REPORT_TOP_KEYS = {
    "prior",
    "scale",
    "noise_sigma",
    "noise_sigma_estimated",
    "lam",
    "tolerance",
    "agree",
    "routes",
}
REPORT_ROUTE_KEYS = {"coef", "intercept", "max_abs_diff", "residual", "seconds"}


def run_cli(
    *args: str, timeout: float = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """``python -m bayesreg.cli ARGS`` in a subprocess (``env`` adds to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "bayesreg.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )


# --------------------------------------------------------------------------------------------
# R glmnet, where installed (scripts/test.sh installs it when it can)


def glmnet_available() -> bool:
    """``Rscript`` is on the PATH and loads the glmnet package."""
    import shutil

    if shutil.which("Rscript") is None:
        return False
    ok = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(glmnet))"], capture_output=True, check=False
    )
    return ok.returncode == 0


#: Why glmnet tests skip, for ``pytest.mark.skipif(not glmnet_available(), reason=...)``.
GLMNET_SKIP_REASON = (
    "Rscript with the glmnet package not installed (Debian: apt-get install r-base-core "
    "r-cran-glmnet; scripts/test.sh does it when it runs as root)"
)

_R_GLMNET = r"""
suppressMessages(library(glmnet))
a <- commandArgs(trailingOnly = TRUE)
n <- as.integer(a[3]); p <- as.integer(a[4])
X <- matrix(readBin(a[1], "double", n * p), n, p)
y <- readBin(a[2], "double", n)
cfg <- read.table(a[6], header = FALSE, colClasses = c("numeric", "numeric", "logical", "logical"))
for (k in seq_len(nrow(cfg))) {
  f <- glmnet(X, y, family = a[5], alpha = cfg[k, 2], lambda = cfg[k, 1],
              standardize = cfg[k, 3], intercept = cfg[k, 4], thresh = as.numeric(a[7]),
              maxit = 1e7)
  cat(sprintf("%.17g", as.numeric(coef(f))), "\n")
}
"""


def glmnet_fits(
    tmp_path,
    X: np.ndarray,
    y: np.ndarray,
    family: str,
    configs: list[tuple[float, float, bool, bool]],
    *,
    thresh: float = 1e-25,
) -> list[tuple[float, np.ndarray]]:
    """(intercept, coef) of R's ``glmnet(X, y, family, lambda, alpha, standardize, intercept)``.

    One R session fits every ``(lambda, alpha, standardize, intercept)`` of ``configs``
    (R's start-up is most of the time). The data go to R as raw float64 files in
    ``tmp_path`` (no rounding on the way), the coefficients come back with 17 digits.
    """
    n, p = X.shape
    np.asarray(X, dtype=np.float64).ravel(order="F").tofile(tmp_path / "X.bin")
    np.asarray(y, dtype=np.float64).tofile(tmp_path / "y.bin")
    (tmp_path / "fit.R").write_text(_R_GLMNET)
    (tmp_path / "configs.txt").write_text(
        "".join(
            f"{float(lam)!r} {float(alpha)!r} {'TRUE' if std else 'FALSE'} "
            f"{'TRUE' if icpt else 'FALSE'}\n"
            for lam, alpha, std, icpt in configs
        )
    )
    out = subprocess.run(
        ["Rscript", str(tmp_path / "fit.R"), str(tmp_path / "X.bin"), str(tmp_path / "y.bin"),
         str(n), str(p), family, str(tmp_path / "configs.txt"), repr(thresh)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    fits = []
    for line in out.stdout.strip().splitlines():
        c = np.array(line.split(), dtype=float)
        fits.append((float(c[0]), c[1:]))
    assert len(fits) == len(configs), out.stderr
    return fits


def glmnet_fit(
    tmp_path,
    X: np.ndarray,
    y: np.ndarray,
    lam_g: float,
    alpha: float,
    family: str = "gaussian",
    *,
    standardize: bool = False,
    intercept: bool = True,
    thresh: float = 1e-25,
) -> tuple[float, np.ndarray]:
    """One fit of :func:`glmnet_fits`."""
    return glmnet_fits(
        tmp_path, X, y, family, [(lam_g, alpha, standardize, intercept)], thresh=thresh
    )[0]
