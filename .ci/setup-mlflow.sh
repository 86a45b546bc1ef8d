#!/usr/bin/env bash
# Creates (or reuses) the virtualenv with the pinned MLflow that the interop tests
# (mvn -Pinterop, sdk-tracking/src/test/python/mlflow_interop.py) run against.
#
#   PY="$(bash .ci/setup-mlflow.sh | tail -n 1)"
#
# The LAST line of stdout is the venv's python; everything else goes to stderr, so callers can
# capture stdout without parsing pip's chatter.
#
# Environment:
#   MLOPS_VENV         where the venv lives (default: <repo>/.ci/.venv, which is gitignored)
#   MLOPS_BASE_PYTHON  the python that creates the venv (default: python3)
#
# Idempotent: a venv that already imports exactly the pinned MLflow is reused as is (no network).
# Safe without a TTY and under `set -euo pipefail`.
set -euo pipefail

# The one place the MLflow version is pinned. The file store is in maintenance mode since 3.13
# and needs MLFLOW_ALLOW_FILE_STORE=true, which the tests set.
MLFLOW_VERSION="3.17.2"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MLOPS_VENV:-$REPO/.ci/.venv}"
BASE_PYTHON="${MLOPS_BASE_PYTHON:-python3}"
PY="$VENV/bin/python"

# No prompts, no "new pip available" notices, no bytecode in the source tree.
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
export MLFLOW_ALLOW_FILE_STORE=true

log() { echo "[setup-mlflow] $*" >&2; }

# Prints the MLflow version the venv can actually import (not just what pip metadata claims),
# or nothing. -I: isolated mode, so the caller's cwd or PYTHONPATH cannot shadow modules.
mlflow_version() {
  [ -x "$PY" ] || return 0
  "$PY" -I -c 'import mlflow; print(mlflow.__version__)' 2>/dev/null || true
}

have="$(mlflow_version)"
if [ "$have" = "$MLFLOW_VERSION" ]; then
  log "reusing $VENV (mlflow $have)"
else
  if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ] && [ -n "$(ls -A "$VENV" 2>/dev/null)" ]; then
    # Never delete or write into a directory we did not create as a venv (MLOPS_VENV may point
    # anywhere).
    log "ERROR: $VENV exists and is not a virtualenv; remove it or set MLOPS_VENV elsewhere"
    exit 1
  fi
  command -v "$BASE_PYTHON" >/dev/null 2>&1 || {
    log "ERROR: $BASE_PYTHON not found (set MLOPS_BASE_PYTHON)"
    exit 1
  }
  if [ ! -x "$PY" ] || ! "$PY" -I -c 'import pip' >/dev/null 2>&1; then
    # Missing or broken (e.g. its base python was upgraded away): --clear rebuilds it in place.
    log "creating virtualenv $VENV with $("$BASE_PYTHON" --version 2>&1)"
    "$BASE_PYTHON" -m venv --clear "$VENV" >&2
  else
    log "virtualenv $VENV has mlflow '${have:-none}', installing $MLFLOW_VERSION"
  fi
  # pip resolves an up- or downgrade in place; its stdout goes to stderr to keep ours clean.
  "$PY" -m pip install --disable-pip-version-check -q "mlflow==$MLFLOW_VERSION" >&2
  have="$(mlflow_version)"
  if [ "$have" != "$MLFLOW_VERSION" ]; then
    # pip trusts its metadata, so a venv with damaged files stays damaged: rebuild it once from scratch.
    log "mlflow '${have:-<import failed>}' after install; rebuilding $VENV from scratch"
    "$BASE_PYTHON" -m venv --clear "$VENV" >&2
    "$PY" -m pip install --disable-pip-version-check -q "mlflow==$MLFLOW_VERSION" >&2
    have="$(mlflow_version)"
  fi
  if [ "$have" != "$MLFLOW_VERSION" ]; then
    log "ERROR: after installing, $PY imports mlflow '${have:-<import failed>}', expected $MLFLOW_VERSION"
    "$PY" -I -c 'import mlflow' >&2 || true
    exit 1
  fi
  log "installed mlflow $have into $VENV"
fi

echo "$PY"
