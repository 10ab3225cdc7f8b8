"""scripts/install_r.sh: R and glmnet installed for the glmnet tests when missing and possible.

Run with a PATH of stand-ins (``Rscript``, ``apt-get``, ``sudo``, ``id``) so that nothing is
installed: each stand-in records its call, and ``apt-get install`` "installs" a working
``Rscript``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install_r.sh"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="bash not installed")


def _tool(d: Path, name: str, body: str) -> None:
    path = d / name
    path.write_text("#!" + BASH + "\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _run(tmp_path, *, rscript="missing", apt=None, uid=0, sudo=None, env=None):
    """Run the script with stand-ins; returns (completed process, calls log text)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    calls = tmp_path / "calls.log"
    log = f'echo "$(basename "$0") $*" >> {calls}'
    good_r = f"{log}\nexit 0"
    if rscript == "works":
        _tool(bin_, "Rscript", good_r)
    elif rscript == "broken":
        _tool(bin_, "Rscript", f"{log}\nexit 1")
    if apt is not None:
        installs = (
            f'if [ "$1" = install ]; then printf "%s\\n" "#!{BASH}" {good_r!r} > {bin_}/Rscript; '
            f"chmod +x {bin_}/Rscript; fi"
        )
        body = {
            "works": f"{log}\n{installs}\nexit 0",
            "fails": f"{log}\nexit 100",
            "needs-update": (
                f"{log}\nif [ \"$1\" = update ]; then touch {tmp_path}/updated; exit 0; fi\n"
                f"[ -e {tmp_path}/updated ] || exit 100\n{installs}\nexit 0"
            ),
        }[apt]
        _tool(bin_, "apt-get", body)
    _tool(bin_, "id", f'[ "$1" = -u ] && echo {uid}')
    if sudo is not None:
        _tool(bin_, "sudo", f'{log}\n[ "$1" = -n ] && shift\n{"exec \"$@\"" if sudo else "exit 1"}')
    for name in ("basename", "touch", "chmod", "printf", "true"):
        found = shutil.which(name)
        if found and not (bin_ / name).exists():
            (bin_ / name).symlink_to(found)
    full_env = {"PATH": str(bin_), "TMPDIR": str(tmp_path), **(env or {})}
    proc = subprocess.run(
        [BASH, str(SCRIPT)], capture_output=True, text=True, env=full_env, check=False,
        timeout=60,
    )  # fmt: skip
    return proc, calls.read_text() if calls.exists() else ""


def test_nothing_to_do_when_glmnet_loads(tmp_path):
    proc, calls = _run(tmp_path, rscript="works", apt="works")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "apt-get" not in calls


def test_opt_out(tmp_path):
    proc, calls = _run(tmp_path, apt="works", env={"BAYESREG_NO_R": "1"})
    assert proc.returncode == 0 and proc.stderr == "" and calls == ""


def test_installs_as_root(tmp_path):
    proc, calls = _run(tmp_path, apt="works")
    assert proc.returncode == 0
    assert "apt-get install -y -q --no-install-recommends r-base-core r-cran-glmnet" in calls
    assert "installing R and glmnet" in proc.stderr and "will skip" not in proc.stderr
    assert (tmp_path / "bayesreg-r-install.log").exists()


def test_updates_the_lists_when_install_fails_first(tmp_path):
    proc, calls = _run(tmp_path, rscript="broken", apt="needs-update")
    assert proc.returncode == 0 and "will skip" not in proc.stderr
    lines = [c for c in calls.splitlines() if c.startswith("apt-get")]
    assert [c.split()[1] for c in lines] == ["install", "update", "install"]


def test_uses_passwordless_sudo_when_not_root(tmp_path):
    proc, calls = _run(tmp_path, apt="works", uid=1000, sudo=True)
    assert proc.returncode == 0 and "will skip" not in proc.stderr
    assert "sudo -n apt-get install" in calls


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({}, "no apt-get on this machine"),
        ({"apt": "works", "uid": 1000}, "not root and no passwordless sudo"),
        ({"apt": "works", "uid": 1000, "sudo": False}, "not root and no passwordless sudo"),
        ({"apt": "fails"}, "apt-get install failed, see "),
    ],
)
def test_one_line_and_success_when_it_cannot_install(tmp_path, kwargs, reason):
    proc, _ = _run(tmp_path, **kwargs)
    assert proc.returncode == 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("R/glmnet not installed (") and reason in last
    assert last.endswith("; its tests will skip")


def test_test_sh_calls_it_and_both_parse():
    for script in (SCRIPT, SCRIPT.with_name("test.sh")):
        assert subprocess.run([BASH, "-n", str(script)], check=False).returncode == 0
    assert "scripts/install_r.sh" in SCRIPT.with_name("test.sh").read_text()
    assert os.access(SCRIPT, os.X_OK)
