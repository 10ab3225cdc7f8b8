"""Sphinx configuration of bayesreg's documentation (built by ``bash scripts/docs.sh``).

Every reference page is generated from the code by ``_ext/bayesreg_docs.py`` (API pages,
conventions tables, CLI reference); the notebooks are executed at build time with the short
sampling runs of the test suite (``KERNEL_ENV`` of ``tests/test_notebooks.py``).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
# the notebook kernels (subprocesses) import the same bayesreg as this build
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)


def _kernel_env() -> dict[str, str]:
    """``KERNEL_ENV`` of tests/test_notebooks.py: the test suite's short sampling runs."""
    tree = ast.parse((ROOT / "tests" / "test_notebooks.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == "KERNEL_ENV":
            return ast.literal_eval(node.value)
    raise RuntimeError("KERNEL_ENV not found in tests/test_notebooks.py")


# The draw counts of the test suite; not its MPLBACKEND=Agg: the rendered notebooks need the
# kernel's inline backend to show their figures (the plot directive selects Agg itself).
for _key, _value in _kernel_env().items():
    if _key.startswith("BAYESREG_"):
        os.environ.setdefault(_key, _value)
os.environ.pop("MPLBACKEND", None)

import bayesreg  # noqa: E402

project = "bayesreg"
author = "the bayesreg developers"
copyright = "the bayesreg developers, BSD-3-Clause"
release = version = bayesreg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from _static: the pages render offline
    "numpydoc",
    "myst_nb",
    "sphinx_copybutton",
    "matplotlib.sphinxext.plot_directive",
    "bayesreg_docs",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["bayesreg.css"]

# --- cross-references: every internal one must resolve (-W turns a miss into an error) ----
nitpicky = True
#: Other projects' names: without network there are no intersphinx inventories to check
#: them against, so only bayesreg's own references are checked.
_EXTERNAL = (
    r"(numpy|np|scipy|matplotlib|xarray|xr|arviz|arviz_stats|arviz_base|pymc|pm|pytensor|pt|"
    r"pandas|pd|sklearn|dask|pyarrow|numba|abc|collections|typing|dataclasses|pathlib|"
    r"enum|json|os|io)(\..+)?"
)
nitpick_ignore_regex = [(r"py:.*", _EXTERNAL)]

# --- API reference -------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc docstrings give the types, in words
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
add_module_names = False

# --- notebooks (MyST-NB) ---------------------------------------------------------------------
#: "force" re-executes every notebook on every build; BAYESREG_DOCS_EXECUTE=cache reuses
#: earlier executions of unchanged notebooks (local iteration only: it does not see changes
#: to bayesreg itself).
nb_execution_mode = os.environ.get("BAYESREG_DOCS_EXECUTE", "force")
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
nb_kernel_rgx_aliases = {".*": "python3"}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]


def _power_of_ten(x: float) -> str:
    """1e-06 → $10^{-6}$ (the constants quoted on the concepts page)."""
    mantissa, exponent = f"{x:.0e}".split("e")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa}\\times {power}$"


def _constants() -> dict[str, str]:
    """Numbers the prose quotes, read from the code so that the text cannot drift."""
    from bayesreg import GaussianPrior, LaplacePrior, check, priors

    return {
        "laplace_tol": _power_of_ten(LaplacePrior.map_tolerance),
        "gaussian_tol": _power_of_ten(GaussianPrior.map_tolerance),
        "zero_rtol": _power_of_ten(check.ZERO_RTOL),
        "rounding_floor": _power_of_ten(check.ROUNDING_FLOOR),
        "lasso_reference_tol": _power_of_ten(check._REFERENCE_TOL),
        "glm_reference_tol": _power_of_ten(priors._GLM_TOL),
    }


myst_substitutions = _constants()
myst_heading_anchors = 3
#: $$…$$ inside a paragraph or list item is display math (as Jupyter renders it), not text
myst_dmath_double_inline = True
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# --- gallery (matplotlib's plot directive) -------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": False}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\nimport bayesreg as br\n"

# --- HTML ------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"bayesreg {release}"
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 8,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
#: pages without sub-pages need no section navigation on the left
html_sidebars = {
    page: [] for page in
    ("index", "user-guide", "concepts", "conventions", "coming-from", "gallery", "cli",
     "benchmarks")
}
html_show_sourcelink = False
html_copy_source = False
