#!/usr/bin/env bash
# Unpacks (or reuses) a Spark distribution for the spark-submit tests (mvn -Pspark-submit), from PyPI's pyspark
# source package: its deps/ folder is a Spark distribution (bin/spark-submit, jars/), and PyPI is reachable where
# Apache's download mirrors may not be.
#
#   SPARK_HOME="$(bash .ci/setup-spark.sh 3.5.9 | tail -n 1)"
#
# The LAST line of stdout is the Spark home; progress goes to stderr.
#
# Environment:
#   MLOPS_SPARK_DIR   where distributions are kept (default: <repo>/.ci/.spark, which is gitignored)
#
# Idempotent: a distribution whose spark-core jar has the asked version is reused (no network).
set -euo pipefail

VERSION="${1:?usage: setup-spark.sh <spark version, e.g. 3.5.9>}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${MLOPS_SPARK_DIR:-$REPO/.ci/.spark}"
HOME_DIR="$DIR/spark-$VERSION"
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

log() { echo "[setup-spark] $*" >&2; }

if ls "$HOME_DIR"/jars/spark-core_2.1?-"$VERSION".jar >/dev/null 2>&1 && [ -x "$HOME_DIR/bin/spark-submit" ]; then
  log "reusing $HOME_DIR"
else
  mkdir -p "$DIR/download"
  archive="$DIR/download/pyspark-$VERSION.tar.gz"
  if [ ! -s "$archive" ]; then
    log "downloading pyspark $VERSION (the source package holds the Spark distribution, ~300-450 MB)"
    python3 -m pip download --quiet --no-deps --no-binary :all: "pyspark==$VERSION" -d "$DIR/download" >&2
  fi
  [ -s "$archive" ] || { log "ERROR: no $archive after pip download"; exit 1; }
  rm -rf "$HOME_DIR" "$DIR/unpack-$VERSION"
  mkdir -p "$DIR/unpack-$VERSION"
  log "unpacking $archive"
  tar -xzf "$archive" -C "$DIR/unpack-$VERSION" "pyspark-$VERSION/deps/bin" "pyspark-$VERSION/deps/jars" \
    "pyspark-$VERSION/deps/conf" 2>/dev/null \
    || tar -xzf "$archive" -C "$DIR/unpack-$VERSION" "pyspark-$VERSION/deps/bin" "pyspark-$VERSION/deps/jars"
  mv "$DIR/unpack-$VERSION/pyspark-$VERSION/deps" "$HOME_DIR"
  rm -rf "$DIR/unpack-$VERSION"
  chmod +x "$HOME_DIR"/bin/*
  ls "$HOME_DIR"/jars/spark-core_2.1?-"$VERSION".jar >/dev/null || { log "ERROR: no spark-core $VERSION jar"; exit 1; }
fi
echo "$HOME_DIR"
