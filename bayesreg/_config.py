"""Process-wide configuration applied once, before PyTensor is imported.

PyTensor's C backend looks for a system BLAS (``libblas``, ``libopenblas``, MKL) to link its
``Gemv``/``Gemm`` ops against. A pip-installed environment usually has none (NumPy and SciPy
ship their BLAS with prefixed symbols that PyTensor cannot link), and PyTensor then emits a
long ``UserWarning`` on every process start. In that case it falls back to calling BLAS
through NumPy's C-API, which is what we want anyway: the models here are dominated by p×p
matrix-vector products. So, when the user has not configured ``blas__ldflags`` and no system
BLAS library can be found, we select that fallback explicitly by setting ``blas__ldflags`` to
the empty string. Users who have a system BLAS keep PyTensor's own detection, and an explicit
``PYTENSOR_FLAGS=blas__ldflags=...`` or ``.pytensorrc`` always wins.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path


def _user_configured_blas() -> bool:
    if "blas__ldflags" in os.environ.get("PYTENSOR_FLAGS", ""):
        return True
    rc_paths = os.environ.get("PYTENSORRC", str(Path.home() / ".pytensorrc")).split(os.pathsep)
    for rc in rc_paths:
        try:
            text = Path(rc).read_text()
        except OSError:
            continue
        if "ldflags" in text:
            return True
    return False


def _system_blas_available() -> bool:
    return any(ctypes.util.find_library(name) for name in ("openblas", "blas", "mkl_rt"))


def configure_pytensor() -> None:
    """Select PyTensor's NumPy-BLAS fallback deliberately when no system BLAS exists."""
    if _user_configured_blas() or _system_blas_available():
        return
    if "pytensor" in sys.modules:  # too late for the environment variable
        import pytensor

        try:
            pytensor.config.blas__ldflags = ""
        except Exception:  # pragma: no cover - read-only in some PyTensor versions
            pass
        return
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = f"{flags},blas__ldflags=" if flags else "blas__ldflags="
