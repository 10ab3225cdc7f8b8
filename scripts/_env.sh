# Shared by scripts/demo.sh and scripts/test.sh: find Python 3.12+, create .venv once,
# (re)install the package when pyproject.toml changed. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BAYESREG_VENV:-$ROOT/.venv}"
EXTRAS="${1:-}"

find_python() {
  local cand
  for cand in "${PYTHON:-}" python3.12 python3.13 python3.14 python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 &&
      "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      command -v "$cand"; return 0
    fi
  done
  # pyenv installs that are not on the global version list
  for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$cand" ]; then echo "$cand"; return 0; fi
  done
  echo "error: Python 3.12 or newer is required (set PYTHON=/path/to/python3.12)" >&2
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  PY="$(find_python)"
  echo "creating virtual environment $VENV with $("$PY" --version)" >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip \
    > "$VENV/install.log" 2>&1 || true
fi
STAMP="$VENV/.bayesreg-install-${EXTRAS:-base}"
HASH="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
  echo "installing bayesreg${EXTRAS:+[$EXTRAS]} into $VENV (log: $VENV/install.log)" >&2
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -e \
      "$ROOT${EXTRAS:+[$EXTRAS]}" >> "$VENV/install.log" 2>&1; then
    tail -n 30 "$VENV/install.log" >&2
    echo "error: installation failed (full log: $VENV/install.log)" >&2
    exit 1
  fi
  echo "$HASH" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
