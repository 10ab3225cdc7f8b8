"""Command-line interface: ``bayesreg demo``, ``check``, ``choose``, ``sample``, ``translate``.

Exit codes (also in ``bayesreg --help``): 0 success; 1 the computation finished but failed
its own check (``check``/``demo``: a MAP route disagrees with the penalized fit; ``sample``:
the convergence diagnostics flag problems; the results are still printed and written);
2 unusable input, reported in one line on stderr before any long computation starts.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import numpy as np

if TYPE_CHECKING:
    from bayesreg.check import EquivalenceReport

EXIT_OK, EXIT_FAILED_CHECK, EXIT_INPUT = 0, 1, 2

DEMO_SCALES = {"laplace": 0.5, "gaussian": 5.0}

EXIT_CODES_HELP = """\
exit codes:
  0  success (check: every MAP route agrees with the penalized fit; sample: the
     convergence diagnostics passed)
  1  the computation finished but failed its own check (check/demo: a route disagrees;
     sample: R-hat, ESS or divergences flag problems; the output is still written)
  2  unusable input (missing file, unknown column, NaN, constant column, bad option, ...),
     reported in one line on stderr before any long computation starts"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"bayesreg: error: {message}\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Meaningful defaults shown in the help (not None / False / empty), epilogs as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default in (None, False, [], argparse.SUPPRESS)
            or action.option_strings == []
        ):
            return text
        return f"{text} (default: {default})"


class InputError(Exception):
    """Unusable input: reported in one line, exit code 2."""


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive finite number; got {text}")
    return v


def _probability(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 < v < 1.0:
        raise argparse.ArgumentTypeError(f"must be strictly between 0 and 1; got {text}")
    return v


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text}")
    return v


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0; got {text}")
    return v


def _nonneg_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not np.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0; got {text}")
    return v


def _ratio(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1; got {text}")
    return v


def _column_list(text: str) -> list[str]:
    cols = [c.strip() for c in text.split(",") if c.strip()]
    if not cols:
        raise argparse.ArgumentTypeError("expected comma-separated column names")
    return cols


#: Priors with a penalty equivalent (check, sample) and shrinkage priors (sample only).
PENALTY_PRIORS = ("laplace", "gaussian", "elasticnet")
SHRINKAGE_PRIORS = ("horseshoe", "regularized-horseshoe", "r2d2")


def _add_shrinkage_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "shrinkage priors (sample --prior horseshoe|regularized-horseshoe|r2d2)"
    )
    g.add_argument(
        "--global-scale",
        type=_positive_float,
        default=None,
        help="horseshoe: τ ~ C⁺(0, global_scale·σ) (default 1, Carvalho et al. 2010)",
    )
    g.add_argument(
        "--expected-nonzero",
        type=_positive_float,
        default=None,
        help="regularized-horseshoe (required): the prior guess p₀ of how many coefficients "
        "matter; τ₀ = p₀/(p − p₀)·σ/√n (Piironen & Vehtari 2017)",
    )
    g.add_argument(
        "--slab-scale", type=_positive_float, default=2.0, help="regularized-horseshoe slab s"
    )
    g.add_argument(
        "--slab-df", type=_positive_float, default=4.0, help="regularized-horseshoe slab ν"
    )
    g.add_argument(
        "--mean-r2",
        type=_probability,
        default=None,
        help="r2d2: prior mean of R² (default 0.5; with --r2-precision 2: R² uniform)",
    )
    g.add_argument(
        "--r2-precision", type=_positive_float, default=2.0, help="r2d2: precision of R²'s Beta"
    )
    g.add_argument(
        "--concentration",
        type=_positive_float,
        default=0.5,
        help="r2d2: Dirichlet concentration of the variance split (default 0.5)",
    )


def _add_data_args(p: argparse.ArgumentParser, *, scale: bool = True) -> None:
    p.add_argument(
        "--data",
        required=True,
        help="CSV file with a header row (comma, semicolon, tab or pipe separated: detected), "
        "or .parquet",
    )
    p.add_argument("--target", required=True, help="name of the response column")
    cols = p.add_mutually_exclusive_group()
    cols.add_argument(
        "--features",
        type=_column_list,
        help="comma-separated feature columns (default: all other columns)",
    )
    cols.add_argument(
        "--exclude",
        type=_column_list,
        default=[],
        help="comma-separated columns to leave out of the default feature list",
    )
    p.add_argument(
        "--prior",
        required=True,
        choices=[*PENALTY_PRIORS, *SHRINKAGE_PRIORS] if scale else ["laplace", "gaussian"],
        help="prior on the coefficients"
        + (
            " (elasticnet: exp(-|β|/b - β²/(2σ′²)), the elastic net; horseshoe, "
            "regularized-horseshoe, r2d2: shrinkage priors for sample only, they have no "
            "penalty equivalent)"
            if scale
            else ""
        ),
    )
    if scale:
        p.add_argument(
            "--scale",
            type=_positive_float,
            default=None,
            help="prior scale: b for laplace and elasticnet, σ′ for gaussian (required with "
            "them; the shrinkage priors take the options below instead)",
        )
        p.add_argument(
            "--scale2",
            type=_positive_float,
            default=None,
            help="second prior scale σ′ of elasticnet (required with it, refused otherwise); "
            "λ₁ = 2σ²/b on ‖β‖₁ and λ₂ = σ²/σ′² on ‖β‖²",
        )
    p.add_argument(
        "--noise-sigma",
        type=_positive_float,
        default=None,
        help="noise standard deviation σ (default: estimated by least squares, n - p - 1 dof, "
        "then held fixed)",
    )
    p.add_argument(
        "--family",
        choices=["gaussian", "binomial", "poisson"],
        default="gaussian",
        help="likelihood: gaussian (linear regression), binomial (logistic; target 0/1 or two "
        "labels) or poisson (counts); binomial and poisson have no noise sigma",
    )
    p.add_argument("--no-intercept", action="store_true", help="do not fit an intercept")
    p.add_argument(
        "--standardize",
        action="store_true",
        help="z-score the features first (one prior scale then fits every coefficient); the "
        "output is on the z-scale and also gives the coefficients on the original scale",
    )


def build_parser() -> argparse.ArgumentParser:
    from bayesreg import __version__

    parser = _Parser(
        prog="bayesreg",
        description="MAP estimation under Laplace / Gaussian priors = Lasso / Ridge, proven.",
        epilog=EXIT_CODES_HELP,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"bayesreg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = {"formatter_class": _Formatter, "epilog": EXIT_CODES_HELP}
    demo = sub.add_parser(
        "demo", help="equivalence check for both priors on the diabetes data", **common
    )
    demo.add_argument("--json", action="store_true", help="print the two JSON reports")

    check = sub.add_parser(
        "check", help="show that the MAP estimate equals the penalized fit", **common
    )
    _add_data_args(check)
    check.add_argument(
        "--tolerance",
        type=_positive_float,
        default=None,
        help="agreement tolerance relative to max(1, ‖β‖∞) (default: 1e-6 laplace, 1e-8 gaussian)",
    )
    check.add_argument(
        "--formulation",
        choices=["exact", "naive"],
        default="exact",
        help="parametrization of the MAP routes: the exact u - v split, or the plain Laplace "
        "density (which a smooth optimizer cannot solve: shown disagreeing)",
    )
    check.add_argument("--json", action="store_true", help="print only the JSON report")

    choose = sub.add_parser(
        "choose",
        help="which λ? cross-validation, evidence, hyperprior, LOO and BIC side by side",
        **common,
    )
    _add_data_args(choose, scale=False)
    choose.add_argument(
        "--methods",
        type=_column_list,
        default=["cv", "evidence", "hyperprior", "loo", "bic"],
        help="comma-separated subset of cv,evidence,hyperprior,loo,bic (bic: laplace only)",
    )
    choose.add_argument("--folds", type=_positive_int, default=5, help="cross-validation folds")
    choose.add_argument("--seed", type=_nonneg_int, default=0, help="random seed (reproducible)")
    choose.add_argument(
        "--draws", type=_positive_int, default=1000, help="posterior draws per chain (NUTS, LOO)"
    )
    choose.add_argument(
        "--tune", type=_nonneg_int, default=1000, help="NUTS tuning steps per chain"
    )
    choose.add_argument("--chains", type=_positive_int, default=2, help="chains")
    choose.add_argument("--plot", help="draw every choice over the CV curve to this image file")
    choose.add_argument("--json", action="store_true", help="print only the JSON report")

    _add_translate(sub, common)

    samp = sub.add_parser("sample", help="NUTS posterior sampling with a summary table", **common)
    _add_data_args(samp)
    _add_shrinkage_args(samp)
    samp.add_argument(
        "--select",
        choices=["dss", "ci", "probability"],
        default=None,
        help="after sampling, select variables from the posterior and print the set: dss "
        "(decoupled shrinkage and selection), ci (90%% interval excludes 0), probability "
        "(P(|β| > --select-threshold) ≥ 0.5)",
    )
    samp.add_argument(
        "--select-threshold",
        type=_positive_float,
        default=None,
        help="the smallest |β| that matters, for --select probability (required there)",
    )
    samp.add_argument("--draws", type=_positive_int, default=1000, help="draws kept per chain")
    samp.add_argument(
        "--tune", type=_nonneg_int, default=1000, help="tuning steps per chain (discarded)"
    )
    samp.add_argument("--chains", type=_positive_int, default=4, help="independent chains")
    samp.add_argument(
        "--cores",
        type=_positive_int,
        default=None,
        help="chains run in parallel (default: PyMC's choice, the number of CPUs up to 4)",
    )
    samp.add_argument(
        "--target-accept",
        type=_probability,
        default=None,
        help="NUTS target acceptance rate in (0, 1); higher means smaller steps and fewer "
        "divergences (default: the model's, 0.9 unless stated in the output)",
    )
    samp.add_argument("--seed", type=_nonneg_int, default=None, help="random seed (reproducible)")
    samp.add_argument("--out", help="write the posterior to this NetCDF file")
    samp.add_argument(
        "--plot",
        help="write a forest plot of the coefficients to this image file (format from the "
        "suffix: png, pdf, svg, ...; no suffix: .png is added)",
    )
    samp.add_argument(
        "--sampler",
        default="pymc",
        choices=["pymc", "nutpie", "numpyro", "blackjax"],
        help="NUTS implementation (external ones need their extra installed)",
    )
    samp.add_argument(
        "--stream",
        action="store_true",
        help="read the file in chunks into sufficient statistics (data larger than memory)",
    )
    samp.add_argument("--chunksize", type=_positive_int, default=100_000, help="rows per chunk")
    samp.add_argument(
        "--full-bayes",
        action="store_true",
        help="sample the noise σ and the prior scale too, with hyperpriors (Park-Casella for "
        "laplace), instead of holding them fixed (binomial / poisson: the prior scale only)",
    )
    progress = samp.add_mutually_exclusive_group()
    progress.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no sampler log on stderr",
    )
    progress.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar on stderr even when it is not a terminal",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bayesreg`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "scale2"):
            _check_prior_args(args)
        with warnings.catch_warnings():
            # No Python warning reaches the user as a warning: the CLI reports in its words.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            if args.command == "demo":
                return _run_demo(args)
            if args.command == "check":
                return _run_check(args)
            if args.command == "choose":
                return _run_choose(args)
            if args.command == "translate":
                return _run_translate(args)
            return _run_sample(args)
    except (InputError, ValueError, ImportError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):  # e.g. `bayesreg check ... | head`
            _silence_stdout()
            return EXIT_OK
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"bayesreg: error: {msg}", file=sys.stderr)
        return EXIT_INPUT


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter exits quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _note(text: str) -> None:
    print(f"bayesreg: note: {text}", file=sys.stderr)


def _is_parquet(path: str) -> bool:
    return str(path).lower().endswith((".parquet", ".pq"))


def _load(args: argparse.Namespace):
    from bayesreg.io import read_table

    table = read_table(
        args.data,
        args.target,
        args.features,
        exclude=args.exclude,
        target_labels=args.family == "binomial",
    )
    for note in table.notes:
        _note(note)
    if args.family != "gaussian":
        # validate the response now, before any long work, in the family's words
        from bayesreg.families import get_family
        from bayesreg.model import binomial_classes

        fam = get_family(args.family)
        if fam.name == "binomial":
            classes = binomial_classes(table.y, fam)  # validates y
            if classes is not None:
                _note(f"binomial target {args.target!r}: {classes[0]!r} → 0, {classes[1]!r} → 1")
        else:
            fam.validate_y(table.y)
    return table.X, table.y, list(table.feature_names)


def _check_family(args: argparse.Namespace) -> None:
    """Options that a binomial or Poisson model does not take: exit 2 before any work."""
    if args.family == "gaussian":
        return
    if args.noise_sigma is not None:
        raise InputError(
            f"--noise-sigma does not apply to --family {args.family} (dispersion fixed at 1)"
        )
    if getattr(args, "stream", False):
        raise InputError(
            f"--stream needs --family gaussian: the {args.family} likelihood has no "
            "sufficient statistics"
        )



def _load_stats(args: argparse.Namespace):
    """Sufficient statistics of the file, read in chunks (never whole in memory)."""
    from bayesreg.io import sniff_csv
    from bayesreg.suffstats import from_csv, from_parquet

    if args.standardize:
        raise InputError("--standardize cannot be combined with --stream")
    if _is_parquet(args.data):
        if args.exclude:
            raise InputError("--exclude is not supported with --stream on Parquet; use --features")
        return from_parquet(args.data, args.target, args.features, batch_size=args.chunksize)
    layout = sniff_csv(args.data)
    for note in layout.notes:
        _note(note)
    stats = from_csv(
        args.data, args.target, args.features, chunksize=args.chunksize, exclude=args.exclude
    )
    if layout.index_column is not None and args.features is None and (
        layout.index_column not in args.exclude
    ):
        _note(f"dropped the unnamed first column of {args.data} (a row index 0..n-1)")
    return stats


def _prior(args: argparse.Namespace):
    if args.prior in SHRINKAGE_PRIORS:
        from bayesreg import shrinkage

        def opt(name: str, default: float) -> float:
            value = getattr(args, name, None)  # check has no shrinkage options
            return default if value is None else value

        if args.prior == "horseshoe":
            return shrinkage.HorseshoePrior(opt("global_scale", 1.0))
        if args.prior == "regularized-horseshoe":
            return shrinkage.RegularizedHorseshoePrior(
                opt("expected_nonzero", 1.0),
                slab_scale=opt("slab_scale", 2.0),
                slab_df=opt("slab_df", 4.0),
            )
        return shrinkage.R2D2Prior(
            opt("mean_r2", 0.5),
            precision=opt("r2_precision", 2.0),
            concentration=opt("concentration", 0.5),
        )
    from bayesreg.priors import make_prior

    return make_prior(args.prior, args.scale, args.scale2)


#: The options of each shrinkage prior (the others are refused with it).
_SHRINKAGE_OPTIONS = {
    "horseshoe": ("global_scale",),
    "regularized-horseshoe": ("expected_nonzero",),
    "r2d2": ("mean_r2",),
}


def _check_shrinkage_args(args: argparse.Namespace) -> None:
    given = {
        k
        for opts in _SHRINKAGE_OPTIONS.values()
        for k in opts
        if getattr(args, k, None) is not None
    }
    if args.prior in SHRINKAGE_PRIORS:
        if args.command != "sample":
            raise InputError(_prior(args).no_penalty_message())
        if args.scale is not None:
            raise InputError(
                f"--scale is not an option of --prior {args.prior} (see its own options in "
                "bayesreg sample --help)"
            )
        if args.prior == "regularized-horseshoe" and args.expected_nonzero is None:
            raise InputError(
                "--prior regularized-horseshoe needs --expected-nonzero (its p₀, the prior "
                "guess of how many coefficients matter)"
            )
        other = given - set(_SHRINKAGE_OPTIONS[args.prior])
    else:
        if args.scale is None:
            raise InputError(f"--prior {args.prior} needs --scale")
        other = given
    if other:
        opt = "--" + sorted(other)[0].replace("_", "-")
        raise InputError(f"{opt} is not an option of --prior {args.prior}")


def _check_select_args(args: argparse.Namespace) -> None:
    if getattr(args, "select", None) is None:
        if getattr(args, "select_threshold", None) is not None:
            raise InputError("--select-threshold is for --select probability")
        return
    if args.select == "probability" and args.select_threshold is None:
        raise InputError("--select probability needs --select-threshold (the |β| that matters)")
    if args.select != "probability" and args.select_threshold is not None:
        raise InputError("--select-threshold is for --select probability")
    if args.select == "dss" and args.family != "gaussian":
        raise InputError("--select dss is for --family gaussian (use ci or probability)")


def _check_prior_args(args: argparse.Namespace) -> None:
    """--scale2 belongs to --prior elasticnet (required there); the scales make a prior."""
    _check_shrinkage_args(args)  # also --scale, required by the priors with a penalty
    _check_select_args(args)
    if args.prior == "elasticnet" and args.scale2 is None:
        raise InputError("--prior elasticnet needs --scale2 (its σ′; --scale is its b)")
    if args.prior != "elasticnet" and args.scale2 is not None:
        raise InputError(f"--scale2 is for --prior elasticnet; --prior {args.prior} has one scale")
    if args.prior == "elasticnet" and getattr(args, "full_bayes", False):
        raise InputError(
            "--full-bayes is not available for --prior elasticnet (no hyperprior for its two "
            "scales); drop it or use --prior laplace / gaussian"
        )
    _prior(args)  # out-of-range scales fail here, before the data are read


def _check_standardize(args: argparse.Namespace) -> None:
    if args.standardize and args.no_intercept:
        raise InputError(
            "--standardize centres the features, which needs an intercept: drop --no-intercept"
        )


def _run_check(args: argparse.Namespace) -> int:
    from bayesreg.check import check_equivalence

    _check_standardize(args)
    _check_family(args)
    X, y, names = _load(args)
    report = check_equivalence(
        X,
        y,
        _prior(args),
        args.noise_sigma,
        fit_intercept=not args.no_intercept,
        feature_names=names,
        tolerance=args.tolerance,
        formulation=args.formulation,
        standardize=args.standardize,
        family=args.family,
    )
    print(report.to_json() if args.json else str(report))
    return EXIT_OK if report.agree else EXIT_FAILED_CHECK


def _run_choose(args: argparse.Namespace) -> int:
    from bayesreg.choose import METHODS, choose_penalty

    if args.family != "gaussian":
        raise InputError("choose is for --family gaussian (evidence, hyperprior and LOO are)")
    if args.standardize:
        raise InputError("--standardize is not supported by choose; standardize the file first")
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown or not args.methods:
        raise InputError(f"--methods: unknown {unknown}; choose from {','.join(METHODS)}")
    if "bic" in args.methods and args.prior == "gaussian":
        raise InputError("--methods bic is for --prior laplace (the Lasso's df is its support)")
    plot_path = _plot_path(args.plot)
    X, y, names = _load(args)
    from bayesreg.priors import make_prior

    with warnings.catch_warnings(record=True) as caught, _progress_to_stderr(False):
        warnings.simplefilter("always")
        report = choose_penalty(
            X,
            y,
            make_prior(args.prior, 1.0),
            methods=args.methods,
            noise_sigma=args.noise_sigma,
            fit_intercept=not args.no_intercept,
            feature_names=names,
            cv=args.folds,
            random_seed=args.seed,
            draws=args.draws,
            tune=args.tune,
            chains=args.chains,
        )
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        print(f"bayesreg: warning: {str(w.message).strip().splitlines()[0]}", file=sys.stderr)
    print(report.to_json() if args.json else str(report))
    if plot_path is not None:
        import matplotlib

        matplotlib.use("Agg")
        report.plot().savefig(plot_path, dpi=120, bbox_inches="tight")
        if not args.json:
            print(f"choices plot written to {plot_path}")
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    from bayesreg.check import check_equivalence
    from bayesreg.datasets import DIABETES_DESCRIPTION, load_diabetes
    from bayesreg.priors import make_prior

    data = load_diabetes(standardize=True)
    reports = []
    if not args.json:
        print("bayesreg demo: the MAP of a Bayesian linear model is the penalized fit.\n")
        print(DIABETES_DESCRIPTION)
        print("Features standardized (mean 0, sd 1); target in its own units.\n")
    for name, scale in DEMO_SCALES.items():
        report = check_equivalence(
            data.X, data.y, make_prior(name, scale), feature_names=data.feature_names
        )
        reports.append(report)
        if not args.json:
            print(report)
            print()
    if args.json:
        import json

        print(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        print(_naive_demo(data.X, data.y, reports[0]))
    return EXIT_OK if all(r.agree for r in reports) else EXIT_FAILED_CHECK


def _naive_demo(X: np.ndarray, y: np.ndarray, report: EquivalenceReport) -> str:
    """One paragraph: L-BFGS-B on the plain (non-smooth) Laplace density.

    It runs the scipy route (NumPy arithmetic): on the kinks the optimizer's stopping point
    is sensitive to rounding, and PyTensor's compiled graph rounds differently from one
    compilation to the next, which made the numbers of a find_MAP run change between runs.
    """
    from bayesreg.map import map_scipy
    from bayesreg.optimality import optimality_residual
    from bayesreg.priors import make_prior

    prior = make_prior("laplace", report.scale)
    est = map_scipy(X, y, prior, report.noise_sigma, formulation="naive")
    ref = np.asarray(report.routes["analytic"].coef)
    zeros = ref == 0.0
    resid = optimality_residual(X, y, est.coef, est.intercept, report.lam, prior.regularizer, True)
    n_exact = int(np.count_nonzero(est.coef[zeros] == 0.0))
    return "\n".join(
        [
            "Why the exact formulation: L-BFGS-B (the optimizer behind pm.find_MAP) on the "
            "plain Laplace density",
            f"  max|Δβ| to the Lasso = {np.max(np.abs(est.coef - ref)):.1e}, "
            f"KKT residual {resid:.1e}; of the {int(zeros.sum())} coefficients the Lasso sets "
            f"to exactly 0 it returns {n_exact} exact zeros"
            + (" (the others are small non-zeros)." if n_exact < int(zeros.sum()) else "."),
            "  The kink of |β| at 0 stalls a smooth optimizer; β = u − v with u, v ≥ 0 "
            "(the exact route above) removes it.",
        ]
    )


#: ``translate --from``: what each source is, its options (required ones first) and family.
TRANSLATE_SOURCES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str | None]] = {
    # name: (description, required options, optional options, the family it implies)
    "bayesreg": ("bayesreg: RSS (or D) + λ₁‖β‖₁ + λ₂‖β‖²", (), ("lam", "penalty", "lam1", "lam2"),
                 None),
    "sklearn-lasso": ("scikit-learn Lasso: (1/2n)RSS + α‖β‖₁", ("alpha",), (), "gaussian"),
    "sklearn-ridge": ("scikit-learn Ridge: RSS + α‖β‖²", ("alpha",), (), "gaussian"),
    "sklearn-elasticnet": ("scikit-learn ElasticNet: (1/2n)RSS + αr‖β‖₁ + ½α(1−r)‖β‖²",
                           ("alpha", "l1_ratio"), (), "gaussian"),
    "sklearn-logistic": ("scikit-learn LogisticRegression: C·L + r‖β‖₁ + ½(1−r)‖β‖²", ("C",),
                         ("penalty", "l1_ratio"), "binomial"),
    "sklearn-poisson": ("scikit-learn PoissonRegressor: (1/2n)D + ½α‖β‖²", ("alpha",), (),
                        "poisson"),
    "glmnet": ("glmnet: (1/n)L + λ(α‖β‖₁ + ½(1−α)‖β‖²)", ("lambda_",), ("alpha",), None),
    "statsmodels": ("statsmodels fit_regularized: (1/2n)D + α(w‖β‖₁ + ½(1−w)‖β‖²)",
                    ("alpha",), ("L1_wt",), None),
}  # fmt: skip

#: The option spelling of each ``translate`` parameter, for messages.
_TRANSLATE_FLAGS = {
    "alpha": "--alpha", "l1_ratio": "--l1-ratio", "C": "--C", "penalty": "--penalty",
    "lambda_": "--lambda", "L1_wt": "--L1-wt", "lam": "--lam", "lam1": "--lam1",
    "lam2": "--lam2",
}  # fmt: skip


def _add_translate(sub: argparse._SubParsersAction, common: dict) -> None:
    tr = sub.add_parser(
        "translate",
        help="one penalty in every library's convention (scikit-learn, glmnet, statsmodels, "
        "glum) and the prior scale it means",
        description="Convert a regularization parameter from one library's convention to "
        "bayesreg's λ₁ (L1), λ₂ (L2), every other library's, and the prior scale(s) whose MAP "
        "the fit is (b = 2σ²/λ₁, σ′ = σ/√λ₂; σ = 1 for binomial and Poisson).\n\nexamples:\n"
        "  bayesreg translate --from sklearn-lasso --alpha 0.1 --n 442 --noise-sigma 50\n"
        "  bayesreg translate --from glmnet --lambda 0.5 --alpha 1 --n 442 --family binomial\n"
        "  bayesreg translate --from sklearn-logistic --C 2 --penalty l1 --n 200\n"
        "  bayesreg translate --from statsmodels --alpha 0.1 --L1-wt 0.5 --n 100\n"
        "  bayesreg translate --from bayesreg --lam 88.4 --n 442",
        **common,
    )
    tr.add_argument("--from", dest="source", required=True, choices=list(TRANSLATE_SOURCES),
                    help="the convention the numbers are in")  # fmt: skip
    tr.add_argument("--n", type=_positive_int, required=True,
                    help="number of samples n the model is fitted on")  # fmt: skip
    tr.add_argument("--alpha", type=_nonneg_float,
                    help="scikit-learn / statsmodels: the penalty strength α; glmnet: the mixing "
                    "α in [0, 1] (default 1, the lasso)")  # fmt: skip
    tr.add_argument("--l1-ratio", dest="l1_ratio", type=_ratio,
                    help="scikit-learn ElasticNet / LogisticRegression l1_ratio in [0, 1]")
    tr.add_argument("--C", dest="C", type=_positive_float,
                    help="LogisticRegression's inverse regularization strength C")
    tr.add_argument("--penalty", choices=["l1", "l2", "elasticnet"],
                    help="LogisticRegression's penalty (default l2; elasticnet needs --l1-ratio); "
                    "bayesreg: which penalty --lam is (default l1)")  # fmt: skip
    tr.add_argument("--lambda", dest="lambda_", type=_nonneg_float, help="glmnet's lambda")
    tr.add_argument("--L1-wt", dest="L1_wt", type=_ratio,
                    help="statsmodels' L1_wt in [0, 1] (default 1, the lasso)")
    tr.add_argument("--lam", type=_nonneg_float, help="bayesreg's λ of the --penalty")
    tr.add_argument("--lam1", type=_nonneg_float, help="bayesreg's λ₁ (L1 part)")
    tr.add_argument("--lam2", type=_nonneg_float, help="bayesreg's λ₂ (L2 part)")
    tr.add_argument("--family", choices=["gaussian", "binomial", "poisson"], default=None,
                    help="likelihood (default gaussian; sklearn-logistic is binomial, "
                    "sklearn-poisson poisson)")  # fmt: skip
    tr.add_argument("--noise-sigma", type=_positive_float, default=None,
                    help="noise σ of the gaussian family, for the prior scale (without it the "
                    "scale is given as a multiple of σ² or σ)")  # fmt: skip
    tr.add_argument("--y-sd", dest="y_sd", type=_positive_float, default=None,
                    help="glmnet gaussian with alpha < 1: s_y, the population sd of y (1/n; "
                    "root mean square with intercept=FALSE), by which glmnet scales y")
    tr.add_argument("--json", action="store_true", help="print only the JSON object")


def _translate_lams(args: argparse.Namespace, family: str) -> tuple[float, float, dict]:
    """(λ₁, λ₂) from the options of ``--from``, and the given parameters by name."""
    from bayesreg import conventions as conv

    _, required, optional, _ = TRANSLATE_SOURCES[args.source]
    given = {k: getattr(args, k) for k in _TRANSLATE_FLAGS if getattr(args, k) is not None}
    stray = [k for k in given if k not in required + optional]
    if stray:
        raise InputError(
            f"{_TRANSLATE_FLAGS[stray[0]]} does not apply to --from {args.source} "
            f"(it takes {', '.join(_TRANSLATE_FLAGS[k] for k in required + optional)})"
        )
    missing = [k for k in required if k not in given]
    if missing:
        raise InputError(f"--from {args.source} needs {_TRANSLATE_FLAGS[missing[0]]}")
    n, src = args.n, args.source
    if src == "bayesreg":
        if "lam" in given and ("lam1" in given or "lam2" in given):
            raise InputError("give --lam (with --penalty) or --lam1/--lam2, not both")
        if "lam" in given:
            pen = given.get("penalty", "l1")
            if pen == "elasticnet":
                raise InputError("--penalty for --lam is l1 or l2; use --lam1 and --lam2")
            lam = given["lam"]
            return (lam, 0.0, given) if pen == "l1" else (0.0, lam, given)
        if "penalty" in given:
            raise InputError("--penalty goes with --lam (not --lam1/--lam2)")
        if "lam1" not in given and "lam2" not in given:
            raise InputError("--from bayesreg needs --lam (and --penalty) or --lam1/--lam2")
        return given.get("lam1", 0.0), given.get("lam2", 0.0), given
    if src == "sklearn-lasso":
        return conv.from_sklearn_alpha(args.alpha, n, "l1"), 0.0, given
    if src == "sklearn-ridge":
        return 0.0, conv.from_sklearn_alpha(args.alpha, n, "l2"), given
    if src == "sklearn-elasticnet":
        return (*conv.from_sklearn_elasticnet(args.alpha, args.l1_ratio, n), given)
    if src == "sklearn-logistic":
        pen = given.get("penalty")
        if pen == "elasticnet" and "l1_ratio" not in given:
            raise InputError("--penalty elasticnet needs --l1-ratio")
        if pen in ("l1", "l2") and "l1_ratio" in given:
            raise InputError(f"--l1-ratio goes with --penalty elasticnet, not {pen}")
        ratio = given.get("l1_ratio", 1.0 if pen == "l1" else 0.0)
        return (*conv.from_sklearn_logistic(args.C, ratio), given)
    if src == "sklearn-poisson":
        return 0.0, conv.from_sklearn_poisson(args.alpha, n), given
    if src == "glmnet":
        alpha = given.get("alpha", 1.0)
        if alpha > 1.0:
            raise InputError(f"--alpha of glmnet is the mixing in [0, 1]; got {alpha:g}")
        if family == "gaussian" and alpha < 1.0 and args.y_sd is None:
            raise InputError(
                "--from glmnet with --alpha < 1 (gaussian) needs --y-sd: glmnet scales y by its "
                "population sd, which scales the ridge part by 1/s_y"
            )
        return (*conv.from_glmnet(args.lambda_, alpha, n, family=family, y_scale=args.y_sd),
                given)  # fmt: skip
    return (*conv.from_statsmodels(args.alpha, given.get("L1_wt", 1.0), n), given)


def _run_translate(args: argparse.Namespace) -> int:
    from bayesreg.conventions import conventions_table

    desc, _, _, implied = TRANSLATE_SOURCES[args.source]
    family = args.family or implied or "gaussian"
    if implied is not None and args.family not in (None, implied):
        raise InputError(
            f"--from {args.source} is the {implied} family, not --family {args.family}"
        )
    if family != "gaussian" and args.noise_sigma is not None:
        raise InputError(
            f"--noise-sigma does not apply to --family {family} (dispersion fixed at 1)"
        )
    if family != "gaussian" and args.y_sd is not None:
        raise InputError(f"--y-sd is glmnet's gaussian y-scaling; not for --family {family}")
    lam1, lam2, given = _translate_lams(args, family)
    table = conventions_table(
        lam1, lam2, args.n, family, noise_sigma=args.noise_sigma, y_scale=args.y_sd
    )
    if args.json:
        import json

        out = {"from": {"convention": args.source, "objective": desc, **given}, **table.to_dict()}
        print(json.dumps(out, indent=2))
    else:
        params = ", ".join(f"{_TRANSLATE_FLAGS[k]} {v:g}" if isinstance(v, float) else
                           f"{_TRANSLATE_FLAGS[k]} {v}" for k, v in given.items())  # fmt: skip
        print(f"from {desc}   ({params})\n")
        print(table)
    return EXIT_OK


def _check_output(path: str | None, option: str) -> Path | None:
    """Fail before the (long) sampling run if an output file cannot be written."""
    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{option} {path} is a directory, not a file")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{option}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"{option}: cannot write {path}")
    return target


def _plot_path(path: str | None) -> Path | None:
    """The file the forest plot will really be written to (format checked before sampling)."""
    if path is None:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    supported = FigureCanvasAgg(Figure()).get_supported_filetypes()
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if not suffix:
        target = target.with_name(target.name + ".png")
    elif suffix not in supported:
        raise InputError(
            f"--plot {path}: unknown image format '.{suffix}'; use one of "
            + ", ".join(f".{s}" for s in sorted(supported))
        )
    return _check_output(str(target), "--plot")


class _DropWarnings(logging.Filter):
    """PyMC's warnings during a run are about convergence, which the summary reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno != logging.WARNING


@contextlib.contextmanager
def _progress_to_stderr(show: bool) -> Iterator[None]:
    """PyMC's progress bar and log on stderr when shown, silenced otherwise.

    The diagnostics are reported once, by bayesreg's summary: PyMC's own warnings about
    them (short chains, R-hat, divergences) are dropped either way.
    """
    import pymc  # noqa: F401  (its import sets the level of the "pymc" logger)

    log = logging.getLogger("pymc")
    level, drop = log.level, _DropWarnings()
    log.setLevel(logging.INFO if show else logging.ERROR)
    for handler in log.handlers:
        handler.addFilter(drop)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        log.setLevel(level)
        for handler in log.handlers:
            handler.removeFilter(drop)


def _run_sample(args: argparse.Namespace) -> int:
    from bayesreg.sampling import (
        diagnose,
        format_summary,
        sample,
        sample_from_stats,
        save_posterior,
        summarize,
    )

    _check_standardize(args)
    _check_family(args)
    out_path = _check_output(args.out, "--out")
    plot_path = _plot_path(args.plot)
    if out_path is not None and plot_path is not None and out_path.resolve() == plot_path.resolve():
        raise InputError("--out and --plot name the same file")
    full = args.full_bayes
    show_progress = not args.quiet and (args.progress or sys.stderr.isatty())
    options: dict[str, object] = {
        "fit_intercept": not args.no_intercept,
        "draws": args.draws,
        "tune": args.tune,
        "chains": args.chains,
        "cores": args.cores,
        "random_seed": args.seed,
        "sampler": args.sampler,
        # binomial / Poisson: no σ to sample, only the prior scale
        "noise": "unknown" if full and args.family == "gaussian" else "fixed",
        # the shrinkage priors sample their scales always: --full-bayes adds σ only
        "scale": "unknown" if full and args.prior not in SHRINKAGE_PRIORS else "fixed",
        "progressbar": show_progress,
    }
    if args.target_accept is not None:
        options["target_accept"] = args.target_accept
    prior = _prior(args)
    if args.stream:
        stats = _load_stats(args)
        options["feature_names"] = stats.feature_names
    else:
        X, y, names = _load(args)
        options["feature_names"] = names
        options["standardize"] = args.standardize
        options["family"] = args.family
    from bayesreg.exceptions import SamplingWarning

    with warnings.catch_warnings(record=True) as caught, _progress_to_stderr(show_progress):
        warnings.simplefilter("always")
        if args.stream:
            idata = sample_from_stats(stats, prior, args.noise_sigma, **options)
        else:
            idata = sample(X, y, prior, args.noise_sigma, **options)
    diagnostics = diagnose(idata)
    print(format_summary(summarize(idata), diagnostics, idata))
    if args.select is not None:
        from bayesreg.selection import select_variables

        kw = {"threshold": args.select_threshold} if args.select == "probability" else {}
        if args.select == "dss" and args.stream:
            raise InputError("--select dss needs the design, which --stream does not keep")
        print()
        print(select_variables(idata, args.select, **kw).format())
    for w in caught:
        # The diagnostics are reported once, in the summary's footer.
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, SamplingWarning)):
            continue
        print(f"bayesreg: warning: {str(w.message).strip().splitlines()[0]}", file=sys.stderr)
    if out_path is not None:
        save_posterior(idata, out_path)
        print(f"posterior written to {out_path} (NetCDF; reload with bayesreg.load_posterior)")
    if plot_path is not None:
        import matplotlib

        matplotlib.use("Agg")
        from bayesreg.plots import plot_forest

        fig = plot_forest(idata)
        fig.savefig(plot_path, dpi=120, bbox_inches="tight")
        print(f"forest plot written to {plot_path}")
    return EXIT_OK if diagnostics.ok else EXIT_FAILED_CHECK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
