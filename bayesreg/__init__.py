"""bayesreg: penalized regression and Bayesian MAP estimation, proven equal.

A Laplace prior of scale b on the coefficients of a Gaussian linear model with noise σ makes
the MAP estimate the Lasso solution at λ = 2σ²/b; a Gaussian prior of scale σ′ makes it the
Ridge solution at λ = σ²/σ′² (objective ``‖y − β₀ − Xβ‖² + λ·R(β)``).
"""

from bayesreg._config import configure_pytensor

configure_pytensor()

from bayesreg.conventions import (  # noqa: E402
    from_half_rss,
    from_sklearn_alpha,
    to_half_rss,
    to_sklearn_alpha,
)
from bayesreg.exceptions import ConvergenceWarning  # noqa: E402
from bayesreg.optimality import objective, optimality_residual  # noqa: E402
from bayesreg.penalties import L1Penalty, L2Penalty  # noqa: E402
from bayesreg.solvers import (  # noqa: E402
    LassoPathResult,
    LassoResult,
    RidgeResult,
    lambda_max,
    lasso_cd,
    lasso_path,
    ridge_closed_form,
)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "L1Penalty",
    "L2Penalty",
    "LassoPathResult",
    "LassoResult",
    "RidgeResult",
    "__version__",
    "from_half_rss",
    "from_sklearn_alpha",
    "lambda_max",
    "lasso_cd",
    "lasso_path",
    "objective",
    "optimality_residual",
    "ridge_closed_form",
    "to_half_rss",
    "to_sklearn_alpha",
]
