"""The examples in bayesreg's docstrings run and print what they show (doctest).

Every module of the package is searched (``doctest.DocTestFinder``: the docstrings of the
module and of the functions and classes it defines), so an example added anywhere is tested
without editing this file. Output is compared with ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import bayesreg

MODULES = [
    "bayesreg",
    *sorted(info.name for info in pkgutil.walk_packages(bayesreg.__path__, prefix="bayesreg.")),
]

#: The main public entry points carry an example (the site's API pages show them).
WITH_EXAMPLES = ("check_equivalence", "LaplacePrior", "lasso_cd", "to_sklearn_alpha")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, name)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, report.getvalue()


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_main_entry_points_have_examples(name: str) -> None:
    doc = getattr(bayesreg, name).__doc__ or ""
    assert "Examples\n" in doc and ">>> " in doc, f"{name} has no docstring example"
