"""The teaching notebooks: they run top to bottom, assert their claims, stay stripped, and
import only what they may.

* ``test_notebook_runs`` (slow) executes every ``notebooks/*.ipynb`` on a fresh kernel with
  short sampling runs (``BAYESREG_NB_DRAWS=200``, ``BAYESREG_NB_CHAINS=2``) and a
  non-interactive Matplotlib backend; any cell that raises fails the test. Each notebook
  asserts the claims its text makes about computed results (the MAP routes agree with
  the penalized fit to the stated tolerance and with the same zeros, the naive ``find_MAP``
  misses the zeros, coordinate descent by hand equals ``lasso_cd``, the KKT conditions hold,
  the posterior mean is not sparse, ...), mostly against an independent computation (a
  closed form, the KKT conditions written out, ``numpy.linalg``), so a package change that
  breaks a claim fails this test, not just one that raises.
* ``test_no_outputs`` keeps the committed notebooks free of outputs and execution counts.
* ``test_allowed_imports`` parses every code cell: the notebooks teach with bayesreg's public
  API, NumPy, SciPy, Matplotlib and ArviZ (plus a few standard-library modules), and use
  scikit-learn only in cells marked as a side-by-side comparison.
"""

from __future__ import annotations

import ast
import gc
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]

EXPECTED = {
    "01_why_regularize.ipynb",
    "02_lasso_coordinate_descent.ipynb",
    "03_ridge_closed_form.ipynb",
    "04_map_laplace_gaussian.ipynb",
    "05_posterior_uncertainty.ipynb",
    "06_logistic_laplace_l1.ipynb",
    "07_choosing_lambda.ipynb",
    "08_sparse_posteriors.ipynb",
}

ALLOWED_MODULES = frozenset(
    {"bayesreg", "numpy", "scipy", "matplotlib", "arviz", "os", "time", "math", "warnings"}
)
SKLEARN_MARKER = "# side-by-side comparison with scikit-learn"

#: Environment of the executing kernel (it inherits os.environ when it starts).
KERNEL_ENV = {
    "BAYESREG_NB_DRAWS": "200",
    "BAYESREG_NB_CHAINS": "2",
    "MPLBACKEND": "Agg",
}


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in _read(path).cells if c.cell_type == "code"]


def _imported_modules(source: str) -> list[str]:
    """Top-level names of every module imported by a cell (``.x`` for relative imports)."""
    # IPython magics and shell escapes are not Python; the notebooks should not need them.
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." + (node.module or ""))
            else:
                found.append((node.module or "").split(".")[0])
    return found


def test_the_expected_notebooks_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_outputs(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; strip them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_allowed_imports(path: Path) -> None:
    bad: list[str] = []
    for i, cell in enumerate(_code_cells(path)):
        allowed = ALLOWED_MODULES | ({"sklearn"} if SKLEARN_MARKER in cell.source else set())
        bad += [f"code cell {i}: {m}" for m in _imported_modules(cell.source) if m not in allowed]
    assert not bad, f"{path.name} imports modules outside the allowed set: {bad}"


def test_import_parser() -> None:
    src = "import numpy as np\nfrom scipy.linalg import cho_solve\nimport os, sklearn.svm\n"
    assert _imported_modules(src) == ["numpy", "scipy", "os", "sklearn"]
    assert _imported_modules("from . import x") == ["."]


def _kernel_manager():
    """A manager for the ``python3`` kernel, checked to run this very interpreter.

    jupyter_client finds the ``python3`` kernelspec that ipykernel installs into
    ``sys.prefix/share/jupyter/kernels`` (or ipykernel's built-in one) and replaces its
    ``python`` command with ``sys.executable``; a kernelspec of the same name elsewhere on
    the Jupyter path could point to another Python without bayesreg, hence the check.
    """
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    executable = km.format_kernel_cmd()[0]
    assert Path(executable).resolve() == Path(sys.executable).resolve(), (
        f"the 'python3' kernelspec runs {executable}, not this interpreter ({sys.executable}); "
        "check `jupyter kernelspec list`"
    )
    return km


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    for key, value in KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    nb = _read(path)
    km = _kernel_manager()
    client = NotebookClient(
        nb,
        km=km,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    start = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError if any cell fails
    finally:
        if getattr(client, "kc", None) is not None:
            client.kc.stop_channels()
        if km.has_kernel:  # a manager passed in is not shut down by the client
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
        with warnings.catch_warnings():  # free the kernel's zmq sockets here, not in a later test
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
