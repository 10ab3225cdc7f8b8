"""What a new user sees from the ``bayesreg`` command: honest, labelled, one-line errors.

Each test names the defect of issue 9 it guards (numbers in brackets). Subprocess runs go two
at a time; sampling runs are short (their diagnostics are expected to fail, exit code 1).
"""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import REPORT_ROUTE_KEYS, REPORT_TOP_KEYS, run_cli

from bayesreg import __version__, lasso_cd, ridge_closed_form
from bayesreg.datasets import diabetes_path

SHORT = ["--draws", "40", "--tune", "40", "--chains", "2", "--seed", "5"]


run = run_cli


def run_many(calls: dict[str, list[str]], timeout: float = 300) -> dict:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(run, *v, timeout=timeout) for k, v in calls.items()}
        return {k: f.result() for k, f in futures.items()}


def assert_clean_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bayesreg: error:"), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
    return lines[0]


def assert_no_python_noise(proc: subprocess.CompletedProcess) -> None:
    text = proc.stdout + proc.stderr
    for bad in ("Traceback", "Warning:", "RuntimeWarning", "UserWarning", "FutureWarning"):
        assert bad not in text, (bad, proc.stderr)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("outputs")
    rng = np.random.default_rng(11)
    n = 120
    X = rng.standard_normal((n, 3))
    X[:, 1] += 0.4 * X[:, 0]
    y = 1.0 + X @ np.array([1.5, 0.0, -0.8]) + 0.7 * rng.standard_normal(n)
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y})
    out = {"dir": d}
    out["good"] = d / "good.csv"
    frame.to_csv(out["good"], index=False, float_format="%.10g")
    out["semi"] = d / "semi.csv"
    frame.to_csv(out["semi"], index=False, sep=";", float_format="%.10g")
    out["tab"] = d / "tab.tsv"
    frame.to_csv(out["tab"], index=False, sep="\t", float_format="%.10g")
    out["comma_decimal"] = d / "comma_decimal.csv"
    frame.to_csv(out["comma_decimal"], index=False, sep=";", decimal=",", float_format="%.10g")
    out["index"] = d / "index.csv"
    frame.to_csv(out["index"], float_format="%.10g")  # pandas writes the index unnamed
    bad_index = frame.copy()
    bad_index.index = bad_index.index * 3 + 7
    out["bad_index"] = d / "bad_index.csv"
    bad_index.to_csv(out["bad_index"], float_format="%.10g")
    out["dup"] = d / "dup.csv"
    out["dup"].write_text(frame.to_csv(index=False, header=["a", "b", "a", "y"]))
    const = frame.assign(k=3.25)[["a", "b", "k", "c", "y"]]
    out["const"] = d / "const.csv"
    const.to_csv(out["const"], index=False)
    out["huge"] = d / "huge.csv"
    frame.assign(y=frame["y"] * 1e300).to_csv(out["huge"], index=False)
    labels = frame.assign(name=[f"id{i}" for i in range(n)])
    out["labels"] = d / "labels.csv"
    labels.to_csv(out["labels"], index=False)
    out["parquet"] = d / "good.parquet"
    frame.to_parquet(out["parquet"])
    return out


def common(files, key: str = "good", prior: str = "laplace", scale: str = "0.2") -> list[str]:
    return ["--data", str(files[key]), "--target", "y", "--prior", prior, "--scale", scale]


# --------------------------------------------------------------------------- input rules


@pytest.fixture(scope="module")
def input_runs(files) -> dict:
    """The bad-input and layout runs, all at once (none of them samples)."""
    c = lambda key="good", *extra: common(files, key) + list(extra)  # noqa: E731
    return run_many(
        {
            # [1] constant column: the same rule for check, sample and sample --stream
            "const_check": ["check", *c("const")],
            "const_sample": ["sample", *c("const"), *SHORT],
            "const_stream": ["sample", *c("const"), *SHORT, "--stream", "--chunksize", "50"],
            # [2] duplicated names
            "dup_check": ["check", *c("dup")],
            "dup_stream": ["sample", *c("dup"), "--stream"],
            # [3] a directory
            "dir": ["check", "--data", str(files["dir"]), *c()[2:]],
            # [4] separators, decimal comma, target not found lists the columns
            "good_json": ["check", *c(), "--json"],
            "semi_json": ["check", *c("semi"), "--json"],
            "tab_json": ["check", *c("tab"), "--json"],
            "comma_decimal_json": ["check", *c("comma_decimal"), "--json"],
            "no_target": ["check", "--data", str(files["good"]), "--target", "Y", *c()[4:]],
            # [5] extreme values and scales
            "huge_y": ["check", *c("huge")],
            "huge_stream": ["sample", *c("huge"), "--stream"],
            "scale_tiny": ["check", *common(files, scale="1e-300")],
            "scale_huge": ["check", *common(files, prior="gaussian", scale="1e300")],
            "sigma_tiny": ["check", *c(), "--noise-sigma", "1e-300"],
            "scale_far": ["check", *common(files, scale="1e-30")],
            # [6] plot path checked before sampling
            "plot_xyz": [
                "sample", *c(), *SHORT, "--out", str(files["dir"] / "p.nc"),
                "--plot", str(files["dir"] / "p.xyz"),
            ],
            # [13] --exclude, index column, numeric options
            "exclude_json": ["check", *c("labels"), "--exclude", "name,b", "--json"],
            "exclude_missing": ["check", *c(), "--exclude", "zz"],
            "exclude_and_features": ["check", *c(), "--exclude", "a", "--features", "b"],
            "labels": ["check", *c("labels")],
            "index_json": ["check", *c("index"), "--json"],
            "bad_index": ["check", *c("bad_index")],
            "draws_0": ["sample", *c(), "--draws", "0"],
            "tune_neg": ["sample", *c(), "--tune", "-1"],
            "chains_x": ["sample", *c(), "--chains", "x"],
            "target_accept_1": ["sample", *c(), "--target-accept", "1"],
            "cores_0": ["sample", *c(), "--cores", "0"],
            "standardize_no_icpt": ["check", *c(), "--standardize", "--no-intercept"],
            # [11] version
            "version": ["--version"],
            "help_sample": ["sample", "--help"],
            "help": ["--help"],
        }
    )


def test_constant_column_rejected_by_every_command(input_runs):
    for key in ("const_check", "const_sample", "const_stream"):
        assert_clean_error(input_runs[key], "constant", "k")


def test_duplicate_column_names_rejected(input_runs):
    for key in ("dup_check", "dup_stream"):
        assert_clean_error(input_runs[key], "duplicate column name 'a'", "columns 1 and 3")


def test_directory_is_named_as_such(input_runs):
    assert_clean_error(input_runs["dir"], "is a directory")


def test_separators_and_decimal_comma_are_detected_and_said(input_runs):
    ref = json.loads(input_runs["good_json"].stdout)
    for key, words in (
        ("semi_json", ["semicolon-separated"]),
        ("tab_json", ["tab-separated"]),
        ("comma_decimal_json", ["semicolon-separated", "decimal comma"]),
    ):
        proc = input_runs[key]
        assert proc.returncode == 0, proc.stderr
        for w in words:
            assert w in proc.stderr, (key, proc.stderr)
        assert all(ln.startswith("bayesreg: note:") for ln in proc.stderr.splitlines())
        got = json.loads(proc.stdout)
        assert got["feature_names"] == ref["feature_names"] == ["a", "b", "c"]
        np.testing.assert_allclose(
            got["routes"]["analytic"]["coef"], ref["routes"]["analytic"]["coef"], rtol=1e-8
        )
    assert input_runs["good_json"].stderr == ""


def test_missing_target_lists_the_columns_found(input_runs):
    assert_clean_error(input_runs["no_target"], "'Y' not found", "'a', 'b', 'c', 'y'")


def test_extreme_values_and_scales_give_the_true_reason(input_runs):
    msg = assert_clean_error(input_runs["huge_y"], "y has values too large", "overflows")
    assert "exactly" not in msg
    msg = assert_clean_error(input_runs["huge_stream"], "'y'", "too large")
    assert "mean_lo" not in msg
    for key in ("scale_tiny", "scale_huge", "sigma_tiny"):
        msg = assert_clean_error(input_runs[key], "lambda")
        assert "ridge_closed_form" not in msg
    assert "b = 1e-300" in input_runs["scale_tiny"].stderr
    assert "σ′ = 1e+300" in input_runs["scale_huge"].stderr
    assert "noise sigma 1e-300" in input_runs["sigma_tiny"].stderr
    # finite but far beyond λ_max: the allowed range of b is stated
    assert_clean_error(input_runs["scale_far"], "lambda", "b ≥", "b ≤")


def test_bad_plot_format_fails_before_anything_is_written(input_runs, files):
    assert_clean_error(input_runs["plot_xyz"], "--plot", "'.xyz'", ".png")
    assert not (files["dir"] / "p.nc").exists()


def test_exclude_and_index_column(input_runs):
    d = json.loads(input_runs["exclude_json"].stdout)
    assert d["feature_names"] == ["a", "c"]
    assert_clean_error(input_runs["exclude_missing"], "excluded column 'zz' not found")
    assert_clean_error(input_runs["exclude_and_features"], "not allowed with argument")
    # without --exclude the text column is an error that names it
    assert_clean_error(input_runs["labels"], "'name'", "not numeric")
    proc = input_runs["index_json"]
    assert proc.returncode == 0, proc.stderr
    assert "dropped the unnamed first column" in proc.stderr
    assert json.loads(proc.stdout)["feature_names"] == ["a", "b", "c"]
    assert_clean_error(input_runs["bad_index"], "no name", "not a row index", "--exclude")


def test_numeric_options_are_checked(input_runs):
    assert_clean_error(input_runs["draws_0"], "--draws", "positive integer")
    assert_clean_error(input_runs["tune_neg"], "--tune", ">= 0")
    assert_clean_error(input_runs["chains_x"], "--chains", "not an integer")
    assert_clean_error(input_runs["target_accept_1"], "--target-accept", "between 0 and 1")
    assert_clean_error(input_runs["cores_0"], "--cores")
    assert_clean_error(input_runs["standardize_no_icpt"], "--standardize", "--no-intercept")


def test_version_and_help(input_runs):
    assert input_runs["version"].stdout.strip() == f"bayesreg {__version__}"
    text = input_runs["help_sample"].stdout
    for option in ("--draws", "--tune", "--chains", "--target-accept", "--cores", "--quiet"):
        assert option in text
    flat = " ".join(text.split())
    assert "draws kept per chain (default: 1000)" in flat
    assert "tuning steps per chain (discarded) (default: 1000)" in flat
    assert "independent chains (default: 4)" in flat
    for help_text in (text, input_runs["help"].stdout):
        assert "exit codes:" in help_text
        assert re.search(r"^\s+1\s+the computation finished", help_text, re.M)
        assert re.search(r"^\s+2\s+unusable input", help_text, re.M)


def test_parquet_without_pyarrow_gives_the_install_hint(files, tmp_path):
    block = tmp_path / "block"
    (block / "pyarrow").mkdir(parents=True)
    (block / "pyarrow" / "__init__.py").write_text("raise ImportError('blocked for the test')\n")
    env = {"PYTHONPATH": f"{block}"}
    args = ["--data", str(files["parquet"]), "--target", "y", "--prior", "laplace"]
    check = run("check", *args, "--scale", "0.2", env=env)
    stream = run("sample", *args, "--scale", "0.2", "--stream", env=env)
    for proc in (check, stream):
        assert_clean_error(proc, "pyarrow", "pip install 'bayesreg[parquet]'")


def test_parquet_with_features_streams_and_checks(files, tmp_path):
    out = tmp_path / "pq.nc"
    proc = run(
        "sample", *common(files, "parquet"), "--features", "c,a", "--stream", *SHORT,
        "--noise-sigma", "0.7", "--quiet", "--out", str(out),
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert_no_python_noise(proc)
    from bayesreg import load_posterior

    idata = load_posterior(out)
    assert list(idata["posterior"]["feature"].values) == ["c", "a"]
    X = pd.read_parquet(files["parquet"])
    fit = lasso_cd(X[["c", "a"]].to_numpy(), X["y"].to_numpy(), idata.attrs["lam"], tol=1e-12)
    np.testing.assert_allclose(idata["map"]["beta"].values, fit.coef, rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------- check output


def test_exit_1_on_a_real_disagreement(files):
    """No monkeypatching: the naive Laplace formulation really misses the Lasso zeros."""
    procs = run_many(
        {
            "naive": [
                "check", "--data", str(diabetes_path()), "--target", "progression",
                "--standardize", "--prior", "laplace", "--scale", "0.5", "--formulation", "naive",
            ],
            "tight": ["check", *common(files, scale="0.05"), "--tolerance", "1e-15", "--json"],
        }
    )
    naive = procs["naive"]
    assert naive.returncode == 1, naive.stderr
    assert "verdict: DISAGREE" in naive.stdout and "DIFF" in naive.stdout
    tight = procs["tight"]
    assert tight.returncode == 1
    d = json.loads(tight.stdout)
    assert d["agree"] is False and d["tolerance"] == 1e-15
    # the verdict is what the numbers say: recomputed here
    ref = d["routes"]["analytic"]
    size = max(1.0, max(abs(c) for c in ref["coef"]))
    for name, r in d["routes"].items():
        diff = max(abs(a - b) for a, b in zip(r["coef"], ref["coef"], strict=True))
        assert r["max_abs_diff"] == pytest.approx(diff, abs=1e-300)
        agrees = diff <= 1e-15 * size and r["support_matches"] and (
            r["intercept_abs_diff"] <= 1e-15 * max(size, abs(ref["intercept"]))
        )
        assert r["agrees"] is agrees, name
    assert d["agree"] is all(r["agrees"] for r in d["routes"].values())


def test_every_json_key_the_cli_page_lists(input_runs):
    """The key table of docs/cli.md (its section "The JSON report") is the report's keys."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text()
    assert page.count("`bayesreg check --json` prints") == 1
    section = page.split("`bayesreg check --json` prints")[1]
    section = re.split(r"\n#+ ", section)[0]  # up to the next heading
    listed_top, listed_route = set(), set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        keys = re.findall(r"`([a-z_][a-z0-9_]*)`", line.split("|")[1])
        listed_top.update(keys)
        if keys == ["routes"]:
            listed_route.update(re.findall(r"`([a-z_]+)`", line.split("|")[2]))
    listed_route -= {"analytic", "find_map", "scipy", "null"}
    d = json.loads(input_runs["good_json"].stdout)
    assert listed_top == set(d), (listed_top ^ set(d))
    assert REPORT_TOP_KEYS <= listed_top
    for r in d["routes"].values():
        assert listed_route == set(r), (listed_route ^ set(r))
        assert REPORT_ROUTE_KEYS <= listed_route


def test_standardize_is_recorded_with_the_original_scale(files):
    proc = run("check", *common(files), "--standardize", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["standardized"] is True
    frame = pd.read_csv(files["good"])
    X, y = frame[["a", "b", "c"]].to_numpy(), frame["y"].to_numpy()
    np.testing.assert_allclose(d["feature_means"], X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(d["feature_scales"], X.std(axis=0), rtol=1e-12)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    fit = lasso_cd(Z, y, d["lam"], tol=1e-12)
    a = d["routes"]["analytic"]
    np.testing.assert_allclose(a["coef"], fit.coef, rtol=1e-8, atol=1e-12)
    # the original-scale fit predicts exactly what the z-scale fit predicts
    pred_z = fit.intercept + Z @ fit.coef
    pred_o = a["intercept_original"] + X @ np.array(a["coef_original"])
    np.testing.assert_allclose(pred_o, pred_z, rtol=1e-10, atol=1e-10)
    text = run("check", *common(files), "--standardize").stdout
    assert "features standardized" in text and "original scale" in text
    plain = json.loads(run("check", *common(files), "--json").stdout)
    assert plain["standardized"] is False and plain["feature_means"] is None


def test_gaussian_check_against_closed_form_on_detected_layout(input_runs, files):
    proc = run("check", *common(files, "tab", prior="gaussian", scale="0.5"), "--json")
    d = json.loads(proc.stdout)
    frame = pd.read_csv(files["good"])
    fit = ridge_closed_form(frame[["a", "b", "c"]].to_numpy(), frame["y"].to_numpy(), d["lam"])
    np.testing.assert_allclose(d["routes"]["scipy"]["coef"], fit.coef, rtol=1e-8)


@pytest.mark.slow
def test_demo_json_and_determinism(tmp_path):
    """[16] the demo on shipped data prints the same numbers on a cold and a warm cache."""
    cold = {"PYTENSOR_FLAGS": f"base_compiledir={tmp_path / 'cold'}"}
    first = run("demo", env=cold)
    second = run("demo")
    js = run("demo", "--json")
    assert first.returncode == second.returncode == js.returncode == 0
    strip = lambda s: re.sub(r"\s+\d+\.\d{3}  (agrees|reference|DIFFERS)", r" \1", s)  # noqa: E731
    assert strip(first.stdout) == strip(second.stdout)
    assert "Why the exact formulation" in first.stdout
    reports = json.loads(js.stdout)
    assert [r["prior"] for r in reports] == ["laplace", "gaussian"]
    assert all(r["agree"] for r in reports)
    assert all(REPORT_TOP_KEYS <= set(r) for r in reports)
    assert first.stderr == "" and second.stderr == ""


def test_sample_speaks_the_check_vocabulary_and_labels_fixed_sigma(files):
    """[15] sample names the prior as check does; [12] no progress bar on a pipe."""
    procs = run_many(
        {
            "check": ["check", *common(files, prior="gaussian", scale="1")],
            "sample": ["sample", *common(files, prior="gaussian", scale="1"), *SHORT],
        }
    )
    assert "Gaussian prior (σ′ = 1)" in procs["check"].stdout
    s = procs["sample"]
    assert s.returncode == 1  # 2 x 40 draws: the diagnostics fail, and the exit code says so
    assert "prior: Gaussian prior (σ′ = 1)" in s.stdout
    assert "sigma = 1" not in s.stdout
    assert "held fixed" in s.stdout
    assert "━" not in s.stdout + s.stderr  # piped: no progress bar
    assert "Sampling" not in s.stderr  # nor PyMC's progress log
    assert_no_python_noise(s)
    # [14] the diagnostics are reported once: in the footer
    assert s.stdout.count("PROBLEMS") == 1
    assert "NUTS diagnostics flag problems" not in s.stderr
    assert "divergence" not in s.stderr.lower() and "rhat" not in s.stderr.lower()


def test_progress_goes_to_stderr_when_asked_and_quiet_silences(files):
    procs = run_many(
        {
            "progress": ["sample", *common(files), *SHORT, "--progress"],
            "quiet": ["sample", *common(files), *SHORT, "--quiet"],
        }
    )
    p = procs["progress"]
    assert "━" in p.stderr or "Sampling" in p.stderr
    assert "━" not in p.stdout and "Sampling" not in p.stdout
    assert p.stdout.lstrip().startswith("prior:")
    q = procs["quiet"]
    assert q.stderr == ""
    assert q.stdout.lstrip().startswith("prior:")


def test_one_chain_is_not_a_problem_for_rhat(files):
    """[9] one healthy chain: R-hat is not computed, which is said, not flagged."""
    proc = run(
        "sample", *common(files), "--draws", "1500", "--tune", "700", "--chains", "1",
        "--seed", "2", "--noise-sigma", "0.7",
    )  # fmt: skip
    assert "R-hat compares chains: with 1 chain it is not computed" in proc.stdout
    assert "undefined" not in proc.stdout
    assert "R-hat max n/a" in proc.stdout
    assert proc.returncode == 0, proc.stdout
    assert "PROBLEMS" not in proc.stdout


@pytest.mark.slow
def test_full_bayes_is_labelled_as_sampled(files, tmp_path):
    """[7] what is sampled is called sampled; the fixed fit is only a reference."""
    png = tmp_path / "fb"
    proc = run(
        "sample", *common(files, scale="0.5"), *SHORT, "--full-bayes", "--target-accept",
        "0.95", "--cores", "1", "--plot", str(png), "--out", str(tmp_path / "fb.nc"),
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout
    assert "prior: Laplace prior (b sampled, hyperprior centred at 0.5)" in out
    assert "noise σ: sampled" in out
    assert "penalty λ = 2σ²/b: sampled with them, posterior median" in out
    assert "target_accept 0.95" in out
    assert "fixed_scale_fit" in out and " map " not in out
    assert (proc.returncode == 1) == ("PROBLEMS" in out)
    # [6] the real file name is reported and written
    assert f"forest plot written to {png}.png" in out
    assert (tmp_path / "fb.png").stat().st_size > 1000
    from bayesreg import load_posterior

    idata = load_posterior(tmp_path / "fb.nc")
    post = idata["posterior"]
    lam = 2 * post["noise_sigma"].values ** 2 / post["beta_b"].values
    np.testing.assert_allclose(post["lam"].values, lam, rtol=1e-12)
    assert idata["map"].attrs["is_mode"] is False


@pytest.mark.slow
def test_stream_and_in_memory_give_identical_draws(files, tmp_path):
    """[17] the same model and seed: the same draws, --stream or not (one chunk)."""
    a, b = tmp_path / "mem.nc", tmp_path / "stream.nc"
    procs = run_many(
        {
            "mem": ["sample", *common(files), *SHORT, "--out", str(a)],
            "stream": ["sample", *common(files), *SHORT, "--stream", "--out", str(b)],
        }
    )
    assert procs["mem"].returncode == procs["stream"].returncode
    from bayesreg import load_posterior

    pa, pb = load_posterior(a)["posterior"], load_posterior(b)["posterior"]
    np.testing.assert_array_equal(pa["beta"].values, pb["beta"].values)
    np.testing.assert_array_equal(pa["intercept"].values, pb["intercept"].values)


def test_diabetes_names_reach_the_summary():
    """[18] the sampling examples (README, user guide) show the diabetes feature names."""
    root = Path(__file__).resolve().parents[1]
    for doc in (root / "README.md", root / "docs" / "user-guide.md"):
        line = next(ln for ln in doc.read_text().splitlines() if "br.sample(" in ln)
        assert "feature_names=data.feature_names" in line, doc.name
    header = diabetes_path().read_text().splitlines()[0]
    assert "bmi" in header
