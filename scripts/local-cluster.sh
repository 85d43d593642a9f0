#!/usr/bin/env bash
# A real multi-JVM Spark standalone cluster on this machine, on loopback only, built with Maven alone:
#
#   scripts/local-cluster.sh start     # a Master and 2 Workers (separate JVMs), waits until both registered
#   scripts/local-cluster.sh status    # which of them run, the master URL and web UIs, running executors
#   scripts/local-cluster.sh stop      # ends exactly the processes start launched (PID files), and executors
#                                      # left behind by them (found by their work directory), nothing else
#
# Spark comes from target/spark-home (Spark's own runtime jars, see scripts/lib/spark-home.sh); the job is
# submitted to it with scripts/submit.sh, exactly as to a real cluster (docs/CLUSTER.md):
#
#   SPARK_LOCAL_IP=127.0.0.1 scripts/submit.sh --master spark://127.0.0.1:7077 \
#       --conf spark.driver.host=127.0.0.1 score --job jobs/sample.conf --output output/sample-cluster
#
# Everything binds to 127.0.0.1 (SPARK_LOCAL_IP and --host); the REST submission server is off; web UIs
# use free ports chosen by the JVMs. State lives in target/local-cluster: pids/, logs/, and worker-N/ (each
# Worker's work dir, where every executor writes <app-id>/<executor-id>/stderr).
# Environment: LOCAL_CLUSTER_DIR (instead of target/local-cluster), LOCAL_CLUSTER_MASTER_PORT (7077),
# LOCAL_CLUSTER_WORKERS (2), LOCAL_CLUSTER_WORKER_CORES (1), LOCAL_CLUSTER_WORKER_MEMORY (2g: what the
# executors of one Worker may use in total), JAVA_HOME.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark-home.sh"

CLUSTER_DIR="${LOCAL_CLUSTER_DIR:-$XS_ROOT/target/local-cluster}"
MASTER_PORT="${LOCAL_CLUSTER_MASTER_PORT:-7077}"
WORKERS="${LOCAL_CLUSTER_WORKERS:-2}"
WORKER_CORES="${LOCAL_CLUSTER_WORKER_CORES:-1}"
WORKER_MEMORY="${LOCAL_CLUSTER_WORKER_MEMORY:-2g}"
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"
PIDS="$CLUSTER_DIR/pids"
LOGS="$CLUSTER_DIR/logs"
# Put on every daemon's command line, so that stop and status recognise our processes by more than a PID.
MARKER="-Dxception-spark.local-cluster=$CLUSTER_DIR"

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

# PID from a pid file, if that process is alive and is ours (its command line carries the marker).
live_pid() {
  local file="$1" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$MARKER" || return 1
  echo "$pid"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# launch NAME MAIN-CLASS ARGS...: one daemon JVM in the background, its PID in pids/NAME.pid.
launch() {
  local name="$1" main="$2"
  shift 2
  (
    cd "$CLUSTER_DIR"
    export SPARK_HOME="$XS_SPARK_HOME" SPARK_SCALA_VERSION="$(xs_pom_property scala.binary.version)"
    export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
    exec nohup "$XS_JAVA" -Xmx512m "${XS_JAVA_OPENS[@]}" -Djdk.reflect.useDirectMethodHandle=false \
      -Dio.netty.tryReflectionSetAccessible=true "$MARKER" -Dspark.master.rest.enabled=false \
      -cp "$XS_SPARK_HOME/jars/*" "$main" "$@" > "$LOGS/$name.log" 2>&1 < /dev/null
  ) &
  echo $! > "$PIDS/$name.pid"
}

# wait_for_log NAME PATTERN SECONDS: until the daemon's log shows PATTERN; fails if it died or timed out.
wait_for_log() {
  local name="$1" pattern="$2" deadline=$((SECONDS + $3))
  while ! grep -q -- "$pattern" "$LOGS/$name.log" 2>/dev/null; do
    if ! kill -0 "$(cat "$PIDS/$name.pid")" 2>/dev/null; then
      echo "local-cluster: $name exited; the end of $LOGS/$name.log:" >&2
      tail -20 "$LOGS/$name.log" >&2 || true
      return 1
    fi
    if (( SECONDS >= deadline )); then
      echo "local-cluster: $name did not log '$pattern' within $3 s; see $LOGS/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

start() {
  mkdir -p "$PIDS" "$LOGS"
  local f
  for f in "$PIDS"/*.pid; do
    if [[ -e "$f" ]] && live_pid "$f" >/dev/null; then
      echo "local-cluster: already running ($(basename "$f" .pid) has PID $(cat "$f")); stop it first" >&2
      return 1
    fi
  done
  rm -f "$PIDS"/*.pid
  if port_in_use "$MASTER_PORT"; then
    echo "local-cluster: 127.0.0.1:$MASTER_PORT is in use; set LOCAL_CLUSTER_MASTER_PORT to a free port" >&2
    return 1
  fi
  xs_ensure_spark_home
  launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" --webui-port 0
  # Workers start at once: they retry until the master is up.
  local i
  for ((i = 1; i <= WORKERS; i++)); do
    mkdir -p "$CLUSTER_DIR/worker-$i"
    launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --work-dir "$CLUSTER_DIR/worker-$i" "$MASTER_URL"
  done
  if ! wait_for_log master "I have been elected leader" 60; then
    stop
    return 1
  fi
  for ((i = 1; i <= WORKERS; i++)); do
    if ! wait_for_log "worker-$i" "Successfully registered with master" 60; then
      stop
      return 1
    fi
  done
  echo "local-cluster: master $MASTER_URL with $WORKERS workers ($WORKER_CORES core(s), $WORKER_MEMORY each)"
  status
}

# Executor JVMs launched by our Workers: CoarseGrainedExecutorBackend processes running in our work dirs.
executor_pids() {
  local d pid cwd
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    cwd="$(readlink "$d/cwd" 2>/dev/null)" || continue
    [[ "$cwd" == "$CLUSTER_DIR"/worker-* ]] || continue
    tr '\0' ' ' < "$d/cmdline" 2>/dev/null | grep -q 'org.apache.spark.executor.CoarseGrainedExecutorBackend' \
      && echo "$pid"
  done
  return 0
}

stop_pid() {
  local name="$1" pid="$2" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "local-cluster: stopped $name (PID $pid)"; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  echo "local-cluster: killed $name (PID $pid) after 20 s"
}

stop() {
  local name pid f
  # Workers first (a Worker ends its executors when it stops), then the master.
  for f in "$PIDS"/worker-*.pid "$PIDS"/master.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if pid="$(live_pid "$f")"; then
      stop_pid "$name" "$pid"
    fi
    rm -f "$f"
  done
  for pid in $(executor_pids); do
    stop_pid "executor" "$pid"
  done
  return 0
}

ui_url() {
  sed -n 's/.*started at \(http:[^ ]*\).*/\1/p' "$LOGS/$1.log" 2>/dev/null | tail -1
}

status() {
  local any=0 f name pid
  for f in "$PIDS"/master.pid "$PIDS"/worker-*.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if pid="$(live_pid "$f")"; then
      any=1
      echo "  $name: running, PID $pid, web UI $(ui_url "$name")"
    else
      echo "  $name: not running (stale PID file)"
    fi
  done
  if (( any == 0 )); then
    echo "local-cluster: not running"
    return 3
  fi
  echo "  master URL: $MASTER_URL"
  local executors
  executors="$(executor_pids | tr '\n' ' ')"
  echo "  executors: ${executors:-none}"
  echo "  submit: SPARK_LOCAL_IP=127.0.0.1 scripts/submit.sh --master $MASTER_URL --conf spark.driver.host=127.0.0.1 score --job jobs/sample.conf --output output/sample-cluster"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
