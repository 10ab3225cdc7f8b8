"""The ``bayesreg`` command end to end, in subprocesses (plus exit code 1 in-process)."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from helpers import REPORT_ROUTE_KEYS, REPORT_TOP_KEYS, run_cli

import bayesreg.cli
from bayesreg import lasso_cd
from bayesreg.datasets import diabetes_path

ROUTES = {"analytic", "find_map", "scipy"}


run = run_cli


def write_csv(path: Path, header: list[str], rows: np.ndarray | list[list[object]]) -> Path:
    lines = [",".join(header)]
    lines += [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """CSV files for the CLI: a good one (target in the middle) and broken variants."""
    d = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    n = 60
    a, b, c, e = rng.standard_normal((4, n))
    b = b + 0.5 * a  # correlated
    y = 2.0 + 1.5 * a - 1.0 * c + 0.3 * rng.standard_normal(n)
    good = np.column_stack([a, b, y, c, e])
    write_csv(d / "good.csv", ["a", "b", "y", "c", "e"], good)
    rows = [[f"{v:.6f}" for v in r] for r in good[:10]]
    bad = [r.copy() for r in rows]
    bad[3][1] = "hello"
    write_csv(d / "text.csv", ["a", "b", "y", "c", "e"], bad)
    nan = [r.copy() for r in rows]
    nan[4][3] = ""
    write_csv(d / "nan.csv", ["a", "b", "y", "c", "e"], nan)
    inf = [r.copy() for r in rows]
    inf[2][4] = "inf"
    write_csv(d / "inf.csv", ["a", "b", "y", "c", "e"], inf)
    const = [[*r[:3], "7.0", r[4]] for r in rows]
    write_csv(d / "const.csv", ["a", "b", "y", "c", "e"], const)
    write_csv(d / "small.csv", ["a", "b", "y", "c", "e"], rows[:5])  # n = 5 = p + 1
    (d / "empty.csv").write_text("")
    (d / "header.csv").write_text("a,b,y,c,e\n")
    return d


def assert_clean_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    msg = lines[0]
    assert msg.startswith("bayesreg: error:"), msg
    for needle in needles:
        assert needle in msg, (needle, msg)
    assert proc.stdout == ""
    return msg


# --------------------------------------------------------------------------- check


def test_check_prints_table(data_dir):
    proc = run(
        "check", "--data", str(data_dir / "good.csv"), "--target", "y",
        "--prior", "laplace", "--scale", "0.05",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "MAP = penalized fit" in out
    assert "λ = 2σ²/b" in out
    for name in ("a", "b", "c", "e", "(intercept)", "analytic", "find_map", "scipy"):
        assert name in out
    assert "estimated from least-squares residuals" in out
    assert "verdict: AGREE" in out


def test_check_diabetes_json(data_dir):
    proc = run(
        "check", "--data", str(diabetes_path()), "--target", "progression",
        "--prior", "gaussian", "--scale", "5", "--standardize", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)  # only JSON on stdout
    assert REPORT_TOP_KEYS <= set(d)
    assert set(d["routes"]) == ROUTES
    for r in d["routes"].values():
        assert REPORT_ROUTE_KEYS <= set(r)
        assert len(r["coef"]) == 10
    assert d["prior"] == "gaussian" and d["scale"] == 5.0
    assert d["agree"] is True
    assert d["noise_sigma_estimated"] is True
    assert d["lam"] == pytest.approx(d["noise_sigma"] ** 2 / 25.0, rel=1e-14)
    header = diabetes_path().read_text().splitlines()[0].split(",")
    assert d["feature_names"] == [h for h in header if h != "progression"]


def test_check_diabetes_table():
    proc = run(
        "check", "--data", str(diabetes_path()), "--target", "progression",
        "--prior", "laplace", "--scale", "0.5", "--standardize",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "442 samples × 10 features" in proc.stdout
    assert "verdict: AGREE" in proc.stdout


def test_check_features_select_and_order(data_dir):
    path = data_dir / "good.csv"
    proc = run(
        "check", "--data", str(path), "--target", "y", "--features", "c,a",
        "--prior", "laplace", "--scale", "0.05", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["feature_names"] == ["c", "a"]
    for r in d["routes"].values():
        assert len(r["coef"]) == 2
    # coef is in the order of --features: compare with an independent in-process fit
    Z = np.loadtxt(path, delimiter=",", skiprows=1)
    X, y = Z[:, [3, 0]], Z[:, 2]
    ref = lasso_cd(X, y, d["lam"], tol=1e-12)
    np.testing.assert_allclose(d["routes"]["analytic"]["coef"], ref.coef, rtol=1e-9, atol=1e-12)
    assert d["routes"]["analytic"]["coef"][0] < 0 < d["routes"]["analytic"]["coef"][1]


def test_check_no_intercept_and_noise_sigma(data_dir):
    proc = run(
        "check", "--data", str(data_dir / "good.csv"), "--target", "y", "--no-intercept",
        "--noise-sigma", "0.7", "--prior", "laplace", "--scale", "0.05", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["fit_intercept"] is False
    assert d["noise_sigma"] == 0.7
    assert d["noise_sigma_estimated"] is False
    assert d["lam"] == pytest.approx(2 * 0.49 / 0.05, rel=1e-14)
    assert d["feature_names"] == ["a", "b", "c", "e"]
    for r in d["routes"].values():
        assert r["intercept"] == 0.0
        assert len(r["coef"]) == 4
    assert d["agree"] is True


def test_console_script_help():
    exe = Path(sys.executable).with_name("bayesreg")
    if not exe.exists():
        pytest.skip("console script not installed next to the interpreter")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for cmd in ("demo", "check", "sample"):
        assert cmd in proc.stdout


# --------------------------------------------------------------------------- bad input

BASE = ["--target", "y", "--prior", "laplace", "--scale", "1"]
ERROR_CASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "missing_file": (["--data", "{d}/nope.csv", *BASE], ("not found", "nope.csv")),
    "unknown_target": (
        ["--data", "{d}/good.csv", "--target", "zz", "--prior", "laplace", "--scale", "1"],
        ("target", "'zz'"),
    ),
    "unknown_feature": (
        ["--data", "{d}/good.csv", "--features", "a,zz", *BASE],
        ("feature", "'zz'"),
    ),
    "non_numeric_feature": (["--data", "{d}/text.csv", *BASE], ("'b'", "not numeric")),
    "nan_value": (["--data", "{d}/nan.csv", *BASE], ("'c'", "NaN")),
    "inf_value": (["--data", "{d}/inf.csv", *BASE], ("'e'", "infinite")),
    "scale_zero": (
        ["--data", "{d}/good.csv", "--target", "y", "--prior", "laplace", "--scale", "0"],
        ("--scale",),
    ),
    "scale_negative": (
        ["--data", "{d}/good.csv", "--target", "y", "--prior", "laplace", "--scale", "-1"],
        ("--scale",),
    ),
    "scale_not_a_number": (
        ["--data", "{d}/good.csv", "--target", "y", "--prior", "laplace", "--scale", "abc"],
        ("--scale", "abc"),
    ),
    "noise_sigma_negative": (
        ["--data", "{d}/good.csv", *BASE, "--noise-sigma", "-0.5"],
        ("--noise-sigma",),
    ),
    "unknown_prior": (
        ["--data", "{d}/good.csv", "--target", "y", "--prior", "cauchy", "--scale", "1"],
        ("--prior", "cauchy"),
    ),
    "constant_feature": (["--data", "{d}/const.csv", *BASE], ("constant", "c")),
    "constant_feature_standardize": (
        ["--data", "{d}/const.csv", *BASE, "--standardize"],
        ("constant", "c"),
    ),
    "no_dof_without_sigma": (["--data", "{d}/small.csv", *BASE], ("--noise-sigma",)),
    "empty_csv": (["--data", "{d}/empty.csv", *BASE], ("empty",)),
    "header_only_csv": (["--data", "{d}/header.csv", *BASE], ("no data rows",)),
}


@pytest.fixture(scope="module")
def error_runs(data_dir) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every bad-input invocation, run two at a time (each is a ~1 s interpreter start)."""

    def one(item):
        name, (args, _) = item
        return name, run("check", *[a.format(d=data_dir) for a in args], timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, ERROR_CASES.items()))


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_bad_input_exits_2_with_one_line(case, error_runs):
    msg = assert_clean_error(error_runs[case], *ERROR_CASES[case][1])
    if case == "constant_feature":
        assert msg.rstrip().endswith(": c")


def test_missing_subcommand_and_required_args():
    assert_clean_error(run())
    assert_clean_error(run("check", "--target", "y"), "--data")


# --------------------------------------------------------------------------- demo


@pytest.mark.slow
def test_demo():
    proc = run("demo")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "MAP = penalized fit: Laplace prior" in out
    assert "MAP = penalized fit: Gaussian prior" in out
    assert "⇔ Lasso" in out and "⇔ Ridge" in out
    assert out.count("verdict: AGREE") == 2
    assert "Why the exact formulation" in out


# --------------------------------------------------------------------------- exit code 1


def test_exit_1_when_a_route_disagrees(data_dir, capsys):
    """In-process, no monkeypatching: at a tolerance of 1e-15 the MAP routes really differ."""
    args = ["check", "--data", str(data_dir / "good.csv"), "--target", "y"]
    args += ["--prior", "laplace", "--scale", "0.05", "--tolerance", "1e-15"]
    assert bayesreg.cli.main(args) == 1
    out = capsys.readouterr().out
    assert "DISAGREE" in out and "DIFFERS" in out
    assert bayesreg.cli.main([*args, "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["agree"] is False
    size = max(1.0, *map(abs, d["routes"]["analytic"]["coef"]))
    assert any(r["max_abs_diff"] > 1e-15 * size for r in d["routes"].values())


def test_main_in_process_error(capsys):
    assert bayesreg.cli.main(["check", "--data", "/no/such.csv", *BASE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err


# --------------------------------------------------------------------------- sample


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--plot", "{d}/no_such_dir/forest.png", "does not exist"),
        ("--out", "{d}/no_such_dir/post.nc", "does not exist"),
        ("--out", "{d}", "is a directory"),
    ],
)
def test_sample_rejects_unwritable_outputs_before_sampling(data_dir, option, value, needle):
    proc = run(
        "sample",
        "--data",
        f"{data_dir}/good.csv",
        *BASE,
        "--draws",
        "5",
        "--tune",
        "5",
        option,
        value.format(d=data_dir),
        timeout=120,
    )
    assert_clean_error(proc, option, needle)
    assert "Sampling" not in proc.stdout + proc.stderr  # failed before any NUTS work


@pytest.mark.slow
def test_sample_end_to_end(data_dir, tmp_path):
    out, png = tmp_path / "post.nc", tmp_path / "forest.png"
    proc = run(
        "sample",
        "--data",
        f"{data_dir}/good.csv",
        *BASE,
        "--draws",
        "200",
        "--tune",
        "200",
        "--chains",
        "2",
        "--seed",
        "3",
        "--out",
        str(out),
        "--plot",
        str(png),
        timeout=600,
    )
    # exit 1 exactly when the (short run's) diagnostics flag problems
    assert proc.returncode == (1 if "PROBLEMS" in proc.stdout else 0), proc.stderr
    assert "Traceback" not in proc.stderr
    for col in ("mean", "median", "sd", "hdi_3%", "hdi_97%", "map", "r_hat", "ess_bulk"):
        assert col in proc.stdout
    assert png.stat().st_size > 1000
    from bayesreg.sampling import load_posterior

    idata = load_posterior(out)
    assert idata["posterior"]["beta"].shape[:2] == (2, 200)


def test_sample_stream_rejects_standardize(data_dir):
    proc = run(
        "sample",
        "--data",
        f"{data_dir}/good.csv",
        *BASE,
        "--stream",
        "--standardize",
        timeout=120,
    )
    assert_clean_error(proc, "--standardize", "--stream")


@pytest.mark.slow
def test_sample_stream_matches_in_memory_map(data_dir):
    """--stream samples from chunked sufficient statistics; its MAP column is the same fit."""
    common = [
        "sample",
        "--data",
        f"{data_dir}/good.csv",
        *BASE,
        "--noise-sigma",
        "1",
        "--draws",
        "50",
        "--tune",
        "50",
        "--chains",
        "1",
        "--seed",
        "1",
    ]
    rows = run(*common, timeout=600)
    streamed = run(*common, "--stream", "--chunksize", "7", timeout=600)
    assert rows.returncode == streamed.returncode == 1, rows.stderr + streamed.stderr  # 50 draws

    def map_column(out: str) -> list[float]:
        lines = [ln.split() for ln in out.splitlines()]
        header = next(ln for ln in lines if ln and ln[0] == "mean")
        k = header.index("map") + 1  # data rows start with the parameter name
        return [float(ln[k]) for ln in lines if ln and ln[0] in ("a", "b", "c")]

    np.testing.assert_allclose(map_column(streamed.stdout), map_column(rows.stdout), atol=1e-4)
