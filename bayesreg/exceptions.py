"""Warnings and errors raised by bayesreg."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class SamplingWarning(UserWarning):
    """MCMC diagnostics flag a problem: R-hat too large, too few effective draws, divergences."""
