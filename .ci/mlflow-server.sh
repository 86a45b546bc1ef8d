#!/usr/bin/env bash
# Starts/stops a local MLflow tracking server for the REST integration tests (mvn -Pmlflow-server,
# the *ServerIT classes; see MlflowServer.java in sdk-core's test sources).
#
#   bash .ci/mlflow-server.sh start|stop|restart|status
#
# The server listens on 127.0.0.1 only, keeps its runs in SQLite and proxies artifacts
# (mlflow-artifacts:/ URIs) into a local directory:
#   <dir>/mlflow.db      backend store (sqlite:///<dir>/mlflow.db)
#   <dir>/artifacts/     --artifacts-destination
#   <dir>/server.pid     pid of the server, which is also its process group (it forks workers)
#   <dir>/server.log     server output (appended across restarts)
# `restart` keeps the database and the artifacts; nothing here ever deletes them (remove <dir>
# yourself for a clean slate).
#
# Environment:
#   MLFLOW_SERVER_PORT           port (default 5123)
#   MLFLOW_SERVER_DIR            state directory (default <repo>/.ci/.mlflow-server)
#   MLFLOW_SERVER_WORKERS        server worker processes (default 1)
#   MLFLOW_SERVER_START_TIMEOUT  seconds `start` waits for GET /health (default 90)
#   MLOPS_VENV                   virtualenv with mlflow (default <repo>/.ci/.venv); when it has
#                                no bin/mlflow, .ci/setup-mlflow.sh creates it
#
# Exit status: 0 on success; `status` exits 1 when the server is not running and healthy.
# Safe without a TTY and under `set -euo pipefail`.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST="127.0.0.1"
PORT="${MLFLOW_SERVER_PORT:-5123}"
WORKERS="${MLFLOW_SERVER_WORKERS:-1}"
START_TIMEOUT="${MLFLOW_SERVER_START_TIMEOUT:-90}"
STOP_TIMEOUT=20
DIR="${MLFLOW_SERVER_DIR:-$REPO/.ci/.mlflow-server}"
URL="http://$HOST:$PORT"

log() { echo "[mlflow-server] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$PORT" in '' | *[!0-9]*) die "MLFLOW_SERVER_PORT must be a number (got '$PORT')" ;; esac
case "$WORKERS" in '' | *[!0-9]* | 0) die "MLFLOW_SERVER_WORKERS must be a positive number (got '$WORKERS')" ;; esac
case "$START_TIMEOUT" in '' | *[!0-9]*) die "MLFLOW_SERVER_START_TIMEOUT must be a number (got '$START_TIMEOUT')" ;; esac

# Absolute, so the server's URIs do not depend on its cwd; created by `start` only.
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
PID_FILE="$DIR/server.pid"
LOG_FILE="$DIR/server.log"

# No telemetry calls from CI, no bytecode written into the venv at run time. Job execution
# (GenAI judges/scorers) is off: it forks ~8 huey consumer processes (~1.5 GB RSS on top of the
# server) and leaves a temp dir in /dev/shm behind on every start; the tracking API needs none of it.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true PYTHONDONTWRITEBYTECODE=1
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false

command -v curl >/dev/null 2>&1 || die "curl is required"

healthy() { curl -fsS -o /dev/null --max-time 3 "$URL/health" 2>/dev/null; }

# Prints the recorded pid if that process group is alive and still an mlflow server, else nothing.
# (The command-line check keeps a stale pid file, e.g. after a reboot, from killing a stranger.)
running_pid() {
  local pid args
  [ -f "$PID_FILE" ] || return 0
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [ -n "$pid" ] || return 0
  kill -0 -- "-$pid" 2>/dev/null || return 0
  # Captured first: `ps | grep -q` could fail under pipefail when grep exits early (SIGPIPE).
  args="$(ps -o args= -g "$pid" 2>/dev/null || true)"
  case "$args" in *mlflow*) echo "$pid" ;; esac
}

log_tail() {
  if [ -f "$LOG_FILE" ]; then
    log "last lines of $LOG_FILE:"
    tail -n 60 "$LOG_FILE" >&2 || true
  fi
}

find_mlflow() {
  local venv="${MLOPS_VENV:-$REPO/.ci/.venv}" py
  if [ -x "$venv/bin/mlflow" ]; then
    echo "$venv/bin/mlflow"
    return
  fi
  log "no $venv/bin/mlflow, running .ci/setup-mlflow.sh"
  py="$(bash "$REPO/.ci/setup-mlflow.sh" | tail -n 1)"
  [ -x "$(dirname "$py")/mlflow" ] || die "setup-mlflow.sh did not produce an mlflow executable (python: '$py')"
  echo "$(dirname "$py")/mlflow"
}

do_stop() {
  local pid waited=0
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping server (process group $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || true
  while kill -0 -- "-$pid" 2>/dev/null; do
    if [ "$waited" -ge $((STOP_TIMEOUT * 5)) ]; then
      log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  log "stopped"
}

do_start() {
  local pid mlflow deadline
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    if healthy; then
      log "already running (pid $pid) at $URL"
      return 0
    fi
    die "a server (pid $pid) is recorded in $PID_FILE but $URL/health does not answer; run '$0 restart'"
  fi
  rm -f "$PID_FILE"
  if healthy; then
    die "something not started by this script already answers on $URL (port $PORT); stop it or set MLFLOW_SERVER_PORT"
  fi
  command -v setsid >/dev/null 2>&1 || die "setsid (util-linux) is required"
  mlflow="$(find_mlflow)"
  mkdir -p "$DIR/artifacts"
  DIR="$(cd "$DIR" && pwd -P)"
  PID_FILE="$DIR/server.pid"
  LOG_FILE="$DIR/server.log"

  printf '\n===== %s: starting mlflow server on %s =====\n' "$(date '+%F %T')" "$URL" >>"$LOG_FILE"
  # setsid: the server gets its own session and process group (pgid = its pid), so `stop` can
  # signal it together with the workers it forks. Scripts run without job control, so setsid
  # execs in place and $! is the server itself. The Host-header middleware admits 127.0.0.1 and
  # localhost by default; they are listed explicitly so the check never depends on that default.
  setsid "$mlflow" server \
    --host "$HOST" --port "$PORT" --workers "$WORKERS" \
    --backend-store-uri "sqlite:///$DIR/mlflow.db" \
    --serve-artifacts --artifacts-destination "$DIR/artifacts" \
    --allowed-hosts "$HOST:$PORT,localhost:$PORT,$HOST,localhost" \
    </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started pid $pid, waiting up to ${START_TIMEOUT}s for $URL/health (log: $LOG_FILE)"

  deadline=$((SECONDS + START_TIMEOUT))
  until healthy; do
    if ! kill -0 -- "-$pid" 2>/dev/null; then
      log_tail
      rm -f "$PID_FILE"
      die "server exited during startup"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log_tail
      do_stop || true
      die "no answer from $URL/health within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "ready at $URL (pid $pid)"
}

do_status() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ] && healthy; then
    echo "running (pid $pid) at $URL, state in $DIR"
  elif [ -n "$pid" ]; then
    echo "process $pid is alive but $URL/health does not answer (log: $LOG_FILE)"
    return 1
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac
