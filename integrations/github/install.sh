#!/usr/bin/env bash
# Install shieldwall for the action: a released version, or the action's own source.
set -euo pipefail
if [[ -n "${INPUT_VERSION:-}" ]]; then
  python -m pip install --quiet "shieldwall==${INPUT_VERSION}"
else
  python -m pip install --quiet "${GITHUB_ACTION_PATH:?}"
fi
shieldwall --version
