"""Warnings and errors raised by bayesreg."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""
