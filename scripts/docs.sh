#!/usr/bin/env bash
# Set up (once, with the docs extra) and build the documentation site into docs/_build/html.
# Warnings are errors (-W, reported all at once with --keep-going); nitpicky mode makes
# every internal cross-reference an error when it does not resolve; -E re-reads every page,
# so every notebook and example is executed against the current code. Extra arguments go to
# sphinx-build (e.g. -q for a quiet build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" "docs"
cd "$ROOT"
start=$SECONDS
python -m sphinx -b html -E -W --keep-going -n docs docs/_build/html "$@"
echo "docs built in $((SECONDS - start)) s: open docs/_build/html/index.html" >&2
