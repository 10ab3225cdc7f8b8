#!/usr/bin/env bash
# Install R and its glmnet package when they are missing, for the tests that compare with
# glmnet (they skip without them). Called by scripts/test.sh; never fails the run: when it
# cannot install, it says why in one line and the glmnet tests skip.
#   BAYESREG_NO_R=1       do nothing
#   BAYESREG_R_LOG=FILE   where apt-get's output goes (default: $TMPDIR/bayesreg-r-install.log)
set -uo pipefail

[ "${BAYESREG_NO_R:-0}" = "1" ] && exit 0

glmnet_loads() {
  command -v Rscript >/dev/null 2>&1 &&
    Rscript -e 'suppressMessages(library(glmnet))' >/dev/null 2>&1
}

glmnet_loads && exit 0

reason=""
sudo=()
if ! command -v apt-get >/dev/null 2>&1; then
  reason="no apt-get on this machine"
elif [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    reason="not root and no passwordless sudo"
  fi
fi

if [ -z "$reason" ]; then
  log="${BAYESREG_R_LOG:-${TMPDIR:-/tmp}/bayesreg-r-install.log}"
  packages=(r-base-core r-cran-glmnet)
  echo "installing R and glmnet for the glmnet tests (apt-get; log: $log)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # the package lists may be missing or stale: update once, then install
  if ! { "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" \
           >"$log" 2>&1 ||
         { "${sudo[@]}" apt-get update -q >>"$log" 2>&1 &&
           "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" \
             >>"$log" 2>&1; }; }; then
    reason="apt-get install failed, see $log"
  elif ! glmnet_loads; then
    reason="installed, but Rscript cannot load glmnet, see $log"
  fi
fi

if [ -n "$reason" ]; then
  echo "R/glmnet not installed ($reason); its tests will skip" >&2
fi
exit 0
