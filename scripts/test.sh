#!/usr/bin/env bash
# Set up (once) and run the whole test suite (ruff included).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" "test"
cd "$ROOT"
# R with glmnet for the glmnet comparison tests (installed when missing and possible; they
# skip otherwise; BAYESREG_NO_R=1 opts out)
bash "$ROOT/scripts/install_r.sh" || true
ruff check bayesreg tests benchmarks notebooks docs
exec python -m pytest "$@"
