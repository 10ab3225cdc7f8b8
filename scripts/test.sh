#!/usr/bin/env bash
# Set up (once) and run the whole test suite (ruff included).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" "test"
cd "$ROOT"
ruff check bayesreg tests benchmarks notebooks docs
exec python -m pytest "$@"
