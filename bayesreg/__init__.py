"""bayesreg: penalized regression and Bayesian MAP estimation, proven equal.

A Laplace prior of scale b on the coefficients of a Gaussian linear model with noise σ makes
the MAP estimate the Lasso solution at λ = 2σ²/b; a Gaussian prior of scale σ′ makes it the
Ridge solution at λ = σ²/σ′² (objective ``‖y − β₀ − Xβ‖² + λ·R(β)``); the elastic-net prior
∝ exp(−|β|/b − β²/(2σ′²)) makes it the elastic net, λ₁ = 2σ²/b and λ₂ = σ²/σ′².
"""

from importlib.util import find_spec as _find_spec

from bayesreg._config import configure_pytensor

configure_pytensor()

from bayesreg.check import EquivalenceReport, check_equivalence  # noqa: E402
from bayesreg.conventions import (  # noqa: E402
    ConventionsTable,
    conventions_table,
    from_bayesian_ridge,
    from_glmnet,
    from_glmnet_lambda,
    from_half_rss,
    from_sklearn_alpha,
    from_sklearn_C,
    from_sklearn_elasticnet,
    from_sklearn_logistic,
    from_sklearn_poisson,
    from_statsmodels,
    glmnet_coef_from_scaled,
    glmnet_scaled_design,
    glmnet_x_scales,
    glmnet_y_scale,
    to_glmnet,
    to_glmnet_lambda,
    to_half_rss,
    to_sklearn_alpha,
    to_sklearn_C,
    to_sklearn_elasticnet,
    to_sklearn_logistic,
    to_sklearn_poisson,
    to_statsmodels,
)
from bayesreg.cv import CVResult, ICResult, cross_validate, information_criteria  # noqa: E402
from bayesreg.datasets import load_diabetes  # noqa: E402
from bayesreg.evidence import EvidenceResult, empirical_bayes  # noqa: E402
from bayesreg.exceptions import ConvergenceWarning, SamplingWarning  # noqa: E402
from bayesreg.families import Binomial, Gaussian, Poisson, get_family  # noqa: E402
from bayesreg.fitted import check_fitted  # noqa: E402
from bayesreg.map import MapEstimate, map_find_map, map_scipy  # noqa: E402
from bayesreg.model import (  # noqa: E402
    NoiseSigma,
    build_model,
    build_model_from_stats,
    estimate_noise_sigma,
)
from bayesreg.optimality import objective, optimality_residual  # noqa: E402
from bayesreg.penalties import ElasticNetPenalty, L1Penalty, L2Penalty  # noqa: E402
from bayesreg.priors import (  # noqa: E402
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
    make_prior,
)
from bayesreg.solvers import (  # noqa: E402
    GLMPathResult,
    GLMResult,
    LassoPathResult,
    LassoResult,
    RidgeResult,
    glm_cd,
    glm_path,
    lambda_max,
    lasso_cd,
    lasso_path,
    ridge_closed_form,
)
from bayesreg.suffstats import SufficientStats  # noqa: E402

__version__ = "0.1.0"

#: Names served lazily from the sampling and plotting modules (they import PyMC/Matplotlib).
_LAZY = {
    "sample": "bayesreg.sampling",
    "sample_from_stats": "bayesreg.sampling",
    "diagnose": "bayesreg.sampling",
    "summarize": "bayesreg.sampling",
    "format_summary": "bayesreg.sampling",
    "save_posterior": "bayesreg.sampling",
    "load_posterior": "bayesreg.sampling",
    "Diagnostics": "bayesreg.sampling",
    "plot_calibration": "bayesreg.plots",
    "plot_forest": "bayesreg.plots",
    "plot_path": "bayesreg.plots",
    "plot_choices": "bayesreg.plots",
    "choose_penalty": "bayesreg.choose",
    "loo_curve": "bayesreg.choose",
    "PenaltyChoice": "bayesreg.choose",
    "posterior_path": "bayesreg.bayes_path",
    "PosteriorPath": "bayesreg.bayes_path",
    "select_variables": "bayesreg.selection",
    "HorseshoePrior": "bayesreg.shrinkage",
    "RegularizedHorseshoePrior": "bayesreg.shrinkage",
    "R2D2Prior": "bayesreg.shrinkage",
    "Selection": "bayesreg.selection",
    "selection_table": "bayesreg.selection",
    "plot_prior_posterior": "bayesreg.plots",
    "plot_posterior_predictive": "bayesreg.plots",
}

#: The scikit-learn estimators, served lazily too: scikit-learn is the optional extra
#: ``bayesreg[sklearn]``, and importing it costs about a second.
_SKLEARN = {
    name: "bayesreg.sklearn"
    for name in (
        "LaplacePriorRegressor",
        "GaussianPriorRegressor",
        "LaplacePriorClassifier",
        "GaussianPriorClassifier",
    )
}
_LAZY.update(_SKLEARN)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Binomial",
    "CVResult",
    "ConventionsTable",
    "ConvergenceWarning",
    "ElasticNetPenalty",
    "ElasticNetPrior",
    "EquivalenceReport",
    "EvidenceResult",
    "GLMPathResult",
    "GLMResult",
    "Gaussian",
    "GaussianPrior",
    "ICResult",
    "L1Penalty",
    "L2Penalty",
    "LaplacePrior",
    "LassoPathResult",
    "LassoResult",
    "MapEstimate",
    "NoiseSigma",
    "Poisson",
    "Prior",
    "RidgeResult",
    "SamplingWarning",
    "SufficientStats",
    "__version__",
    "build_model",
    "build_model_from_stats",
    "check_equivalence",
    "check_fitted",
    "conventions_table",
    "cross_validate",
    "empirical_bayes",
    "estimate_noise_sigma",
    "from_bayesian_ridge",
    "from_glmnet",
    "from_glmnet_lambda",
    "from_half_rss",
    "from_sklearn_C",
    "from_sklearn_alpha",
    "from_sklearn_elasticnet",
    "from_sklearn_logistic",
    "from_sklearn_poisson",
    "from_statsmodels",
    "get_family",
    "glm_cd",
    "glm_path",
    "glmnet_coef_from_scaled",
    "glmnet_scaled_design",
    "glmnet_x_scales",
    "glmnet_y_scale",
    "information_criteria",
    "lambda_max",
    "lasso_cd",
    "lasso_path",
    "load_diabetes",
    "make_prior",
    "map_find_map",
    "map_scipy",
    "objective",
    "optimality_residual",
    "ridge_closed_form",
    "to_glmnet",
    "to_glmnet_lambda",
    "to_half_rss",
    "to_sklearn_C",
    "to_sklearn_alpha",
    "to_sklearn_elasticnet",
    "to_sklearn_logistic",
    "to_sklearn_poisson",
    "to_statsmodels",
    *(name for name in _LAZY if name not in _SKLEARN),
]
# ``from bayesreg import *`` imports every name of __all__: the estimators only where
# scikit-learn is installed (otherwise ``bayesreg.LaplacePriorRegressor`` says what to install)
if _find_spec("sklearn") is not None:
    __all__ += list(_SKLEARN)
