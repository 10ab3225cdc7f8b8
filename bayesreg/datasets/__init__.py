"""Datasets shipped with bayesreg."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bayesreg.io import read_table
from bayesreg.standardize import standardize as z_score

DIABETES_DESCRIPTION = """\
Diabetes data of Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression", Annals of
Statistics 32(2), 2004: 442 patients, 10 baseline variables (age, sex, body-mass index, mean
blood pressure, six blood serum measurements s1..s6) in their original units, and the target
"progression", a quantitative measure of disease progression one year after baseline. The
classic benchmark of the Lasso."""


@dataclass(frozen=True)
class Dataset:
    """A regression dataset: ``X`` (n, p), ``y`` (n,), names and a description."""

    X: NDArray[np.float64]
    y: NDArray[np.float64]
    feature_names: tuple[str, ...]
    target_name: str
    description: str


def diabetes_path() -> Path:
    """Path of the shipped ``diabetes.csv`` (10 features and the target ``progression``)."""
    return Path(str(resources.files("bayesreg.datasets").joinpath("diabetes.csv")))


def load_diabetes(*, standardize: bool = False) -> Dataset:
    """Load the diabetes data (442 × 10).

    Parameters
    ----------
    standardize : bool, default False
        Scale each feature to mean 0 and standard deviation 1 (population sd), so that one
        prior scale means the same for every coefficient. The target is left in its units.
    """
    table = read_table(diabetes_path(), "progression")
    X = table.X
    if standardize:
        X, _ = z_score(X, table.feature_names)
    return Dataset(X, table.y, table.feature_names, table.target_name, DIABETES_DESCRIPTION)
