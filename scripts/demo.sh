#!/usr/bin/env bash
# Set up (once) and run the main job: `bayesreg demo` on the shipped diabetes data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" ""
exec bayesreg demo "$@"
