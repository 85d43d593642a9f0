#!/usr/bin/env bash
# Integration test on a real multi-JVM Spark standalone cluster (scripts/local-cluster.sh: a master and two
# 1-core workers on 127.0.0.1), submitting with scripts/submit.sh exactly as to any cluster:
#
#   1. the sample job (jobs/sample.conf, unchanged), started by the launcher (scripts/xception-spark score
#      --master spark://..., which ships its own jar): one row per input file, and every executor's log says
#      it loaded the model exactly once ("model load #1 in this JVM", never #2), with the allocator settings
#      of conf/spark-defaults.conf (spark.executorEnv.GLIBC_TUNABLES) in its environment;
#   2. throughput: the same 585 images (sample-data x 45) scored on the cluster (warm executors:
#      scoring.preload, on by default for cluster masters; a C1-only driver) and in local[2], same settings, weights read
#      through a Hadoop URI (viewfs:// over src/test/data, SHA-256 checked) on every node; per executor, the model
#      load, warm-up and first-task times; with --write-bench also a cluster run with scoring.preload=false
#      (the "before" figures);
#   3. a wrong model.weights-sha256 fails the submission at once with exit code 3 and a clear message;
#   4. fault: 104 of the images with the weights shipped by --files (spark-files:NAME); once the first task's
#      output is committed, one executor JVM is killed with kill -9; the job must still finish with one row
#      per input file and no duplicate paths (Spark reruns the lost tasks on a replacement executor).
#
# Always stops the cluster it started (trap). Exit code 0 only when every check passed. Results and logs go
# to target/cluster-test/ (report.txt, bench.json, one directory per run); with --write-bench the throughput
# figures are also written to docs/bench/cluster.json. Takes ~6 minutes on 2 cores (~8 with --write-bench).
# Environment: LOCAL_CLUSTER_MASTER_PORT (default: the first free port from 7077).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/native-memory.sh"
cd "$XS_ROOT"

WRITE_BENCH=0
[[ "${1:-}" == "--write-bench" ]] && WRITE_BENCH=1
# the keras-formula test fixture: a full-size Xception weights file (same cost as ImageNet's), in the repository
FORMULA="$XS_ROOT/src/test/data/fixtures/keras-formula/xception_formula.h5"
FORMULA_SHA256=1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e
FORMULA_MODEL="xception/keras-h5:sha256=${FORMULA_SHA256:0:12}"
TEST_DIR="$XS_ROOT/target/cluster-test"
CLUSTER_DIR="$XS_ROOT/target/local-cluster"
# The master's port: LOCAL_CLUSTER_MASTER_PORT, else the first free one from 7077 (CI machines may run Spark).
if [[ -z "${LOCAL_CLUSTER_MASTER_PORT:-}" ]]; then
  LOCAL_CLUSTER_MASTER_PORT=7077
  while (exec 3<>"/dev/tcp/127.0.0.1/$LOCAL_CLUSTER_MASTER_PORT") 2>/dev/null; do
    LOCAL_CLUSTER_MASTER_PORT=$((LOCAL_CLUSTER_MASTER_PORT + 1))
  done
fi
export LOCAL_CLUSTER_MASTER_PORT
MASTER="spark://127.0.0.1:$LOCAL_CLUSTER_MASTER_PORT"
COPIES=45
FAULT_COPIES=8
BENCH_IMAGES_PER_PARTITION=9
FAULT_IMAGES_PER_PARTITION=4
REPORT="$TEST_DIR/report.txt"
START=$SECONDS
FAILURES=0
JOB_PID=""
SAMPLER_PID=""
STEADY=null
PEAK_RSS_MB=null

log() { echo "[cluster-test $((SECONDS - START))s] $*" | tee -a "$REPORT"; }
fail() { log "FAIL: $*"; FAILURES=$((FAILURES + 1)); }

cleanup() {
  local rc=$?
  if [[ -n "$SAMPLER_PID" ]]; then
    kill "$SAMPLER_PID" 2>/dev/null || true
  fi
  if [[ -n "$JOB_PID" ]] && kill -0 "$JOB_PID" 2>/dev/null; then
    kill -TERM "$JOB_PID" 2>/dev/null || true
    wait "$JOB_PID" 2>/dev/null || true
  fi
  LOCAL_CLUSTER_DIR="$CLUSTER_DIR" scripts/local-cluster.sh stop >> "$REPORT" 2>&1 || true
  log "cluster stopped; total $((SECONDS - START)) s; report: $REPORT"
  exit "$rc"
}

[[ -f "$FORMULA" ]] || { echo "cluster-test: $FORMULA not found (run it from a complete checkout)" >&2; exit 2; }
rm -rf "$TEST_DIR"
mkdir -p "$TEST_DIR"
: > "$REPORT"

# ---- build: the shaded jar, the test classes (the Parquet checker), Spark's jars -----------------------
xs_ensure_jar
CHECKER_CLASS="$XS_ROOT/target/test-classes/io/xceptionspark/testing/ParquetOutputCheck.class"
if [[ ! -f "$CHECKER_CLASS" || -n "$(find "$XS_ROOT/src/test" -newer "$CHECKER_CLASS" -name '*.java' -print -quit)" ]]; then
  (mvn -B -ntp -q -DskipTests package) >&2
fi
xs_ensure_spark_home
CHECK_CP="$XS_ROOT/target/test-classes:$XS_ROOT/target/classes:$(cat "$XS_ROOT/target/classpath.txt")"
check_output() { # OUTPUT_DIR EXPECTED_ROWS MODEL_PREFIX
  "$XS_JAVA" -cp "$CHECK_CP" -Dlog4j2.level=error io.xceptionspark.testing.ParquetOutputCheck "$@" 2>/dev/null
}

# ---- inputs: sample-data's photos, COPIES times under different names ---------------------------------
IMAGES="$TEST_DIR/images"
FAULT_IMAGES="$TEST_DIR/fault-images"
mkdir -p "$IMAGES" "$FAULT_IMAGES"
for ((c = 1; c <= COPIES; c++)); do
  for f in sample-data/*.jpg sample-data/*.jpeg sample-data/*.png; do
    [[ -f "$f" ]] || continue
    cp "$f" "$IMAGES/c${c}_$(basename "$f")"
    if (( c <= FAULT_COPIES )); then cp "$f" "$FAULT_IMAGES/c${c}_$(basename "$f")"; fi
  done
done
N_IMAGES=$(find "$IMAGES" -type f | wc -l)
N_FAULT=$(find "$FAULT_IMAGES" -type f | wc -l)
N_SAMPLE=$(find sample-data -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.jpeg' -o -name '*.png' \) | wc -l)
log "inputs: $N_IMAGES images in $IMAGES; sample job: $N_SAMPLE images"

# ---- the cluster ---------------------------------------------------------------------------------------
trap cleanup EXIT
LOCAL_CLUSTER_DIR="$CLUSTER_DIR" scripts/local-cluster.sh stop > /dev/null 2>&1 || true
rm -rf "$CLUSTER_DIR"
t0=$SECONDS
LOCAL_CLUSTER_DIR="$CLUSTER_DIR" scripts/local-cluster.sh start | tee -a "$REPORT"
log "cluster started in $((SECONDS - t0)) s"

# Loopback only; no driver UI; a fresh DJL cache both executors extract libtorch into at the same moment.
export SPARK_LOCAL_IP=127.0.0.1
LOOPBACK=(--conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false)
CLUSTER=(--master "$MASTER" "${LOOPBACK[@]}" --conf spark.executorEnv.DJL_CACHE_DIR="$TEST_DIR/djl-cache"
         --conf spark.scheduler.minRegisteredResourcesRatio=1.0)
VIEWFS=(--conf "spark.hadoop.fs.viewfs.mounttable.xs.link./weights=file://$(dirname "$FORMULA")")
# Remote weights in the default cache dir (<java.io.tmpdir>/xception-spark-weights): the driver's JVM and the
# executors get different temp dirs, so both executors find an empty cache and copy into it at the same time.
REMOTE_WEIGHTS=(--set model.weights=viewfs://xs/weights/xception_formula.h5 --set "model.weights-sha256=$FORMULA_SHA256")
mkdir -p "$TEST_DIR/driver-tmp" "$TEST_DIR/executor-tmp"
export XCEPTION_SPARK_JAVA_OPTS="-Djava.io.tmpdir=$TEST_DIR/driver-tmp"
# conf/spark-defaults.conf's executor JVM options, plus a temp dir of the test's own (the --conf replaces the file's value)
EXECUTOR_JAVA_OPTS="$(xs_spark_default conf/spark-defaults.conf spark.executor.extraJavaOptions)"
EXECUTOR_TMP=(--conf "spark.executor.extraJavaOptions=$EXECUTOR_JAVA_OPTS -Djava.io.tmpdir=$TEST_DIR/executor-tmp")

apps() {
  local d
  for d in "$CLUSTER_DIR"/worker-*/app-*; do
    if [[ -d "$d" ]]; then basename "$d"; fi
  done | sort -u
}

# submit NAME ARGS...: runs scripts/submit.sh, output in TEST_DIR/NAME.{out,err}; sets RC, WALL, APP and
# DRIVER_CMDLINE (the driver JVM's command line: submit.sh execs it, so it is the same process).
submit() {
  local name="$1" before t pid
  shift
  before="$(apps)"
  LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
  t=$SECONDS
  set +e
  XCEPTION_SPARK_DRIVER_MEMORY=3g scripts/submit.sh "$@" > "$TEST_DIR/$name.out" 2> "$TEST_DIR/$name.err" &
  pid=$!
  DRIVER_CMDLINE=""
  while kill -0 "$pid" 2>/dev/null && [[ "$DRIVER_CMDLINE" != *SparkSubmit* ]]; do
    sleep 0.2
    DRIVER_CMDLINE="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
  done
  wait "$pid"
  RC=$?
  set -e
  WALL=$((SECONDS - t))
  APP="$(comm -13 <(echo "$before") <(apps) | tail -1)"
}

# Peak resident memory (VmHWM) of any executor JVM of the cluster, sampled every 2 s into FILE (KiB). Cheap on
# purpose (bash builtins only, one readlink per executor): it runs beside the timed cluster run, and a loop
# forking a few commands per process every second took ~15% of a core from it.
sample_executor_rss() { # FILE
  local max=0 d key value rest args
  while true; do
    for d in /proc/[0-9]*; do
      { mapfile -d '' args < "$d/cmdline"; } 2>/dev/null || continue
      [[ " ${args[*]} " == *" org.apache.spark.executor.CoarseGrainedExecutorBackend "* ]] || continue
      [[ "$(readlink "$d/cwd" 2>/dev/null)" == "$CLUSTER_DIR"/worker-* ]] || continue
      { while read -r key value rest; do
          if [[ "$key" == VmHWM: ]] && (( value > max )); then
            max=$value
            echo "$max" > "$1"
          fi
        done < "$d/status"; } 2>/dev/null
    done
    sleep 2
  done
}

# Steady-state images/s of APP's executors, from their logs: for each executor, the images of the scoring
# tasks after its first one (without warm executors it pays for DJL's start, the model load and JIT warm-up) over the time from
# the end of that first task to the end of its last (log timestamps: 1 s resolution), summed. All scoring
# tasks hold IMAGES_PER_TASK images (the benchmark's image count is a multiple of it).
steady_state_rate() { # APP IMAGES_PER_TASK
  local f
  for f in "$CLUSTER_DIR"/worker-*/"$1"/*/stderr; do
    awk '
      function secs(t,  a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
      /Running task .* in stage / { match($0, /in stage [0-9.]+/); cur = substr($0, RSTART + 9, RLENGTH - 9) }
      /xception-spark: scoring task / { scoring = cur }
      /Finished task .* in stage / {
        match($0, /in stage [0-9.]+/); s = substr($0, RSTART + 9, RLENGTH - 9); fin[s] = fin[s] " " secs($2)
      }
      END { n = split(fin[scoring], t, " "); if (n >= 2 && t[n] > t[1]) print (n - 1) / (t[n] - t[1]); else print 0 }
    ' "$f"
  done | awk -v per="$2" '{ sum += $1 * per } END { printf "%.2f", sum }'
}

# Per executor of APP, from its log: "EXECUTOR MODEL_LOAD_S WARMUP_S FIRST_TASK_S" (null when absent): the model
# load (ModelCache), the plugin's load + warm-up pass (scoring.preload), and the first scoring task's duration.
executor_timings() { # APP
  local f load warm first
  for f in "$CLUSTER_DIR"/worker-*/"$1"/*/stderr; do
    [[ -f "$f" ]] || continue
    load="$(sed -n 's/.*loaded model .* in \([0-9.]*\) s (model load #1 .*/\1/p' "$f" | head -1)"
    warm="$(sed -n 's/.*preloaded and warmed up the model in \([0-9.]*\) s.*/\1/p' "$f" | head -1)"
    first="$(sed -n 's/.*took \([0-9.]*\) s (scoring task #1 in this JVM).*/\1/p' "$f" | head -1)"
    echo "$(basename "$(dirname "$f")") ${load:-null} ${warm:-null} ${first:-null}"
  done
}

# executor_timings as a JSON array
timings_json() { # APP
  executor_timings "$1" | awk 'BEGIN { printf "[" } { printf "%s{\"executor\": \"%s\", \"model_load_seconds\": %s, \"preload_and_warmup_seconds\": %s, \"first_task_seconds\": %s}", (NR > 1 ? ", " : ""), $1, $2, $3, $4 } END { printf "]" }'
}

json_number() { # FILE KEY
  sed -n "s/.*\"$2\" *: *\([0-9.eE+-]*\).*/\1/p" "$1" | head -1
}

# every executor of APP logged exactly one model load, and there were at least MIN executors
check_model_loads() { # APP MIN
  local app="$1" min="$2" n=0 f loads
  for f in "$CLUSTER_DIR"/worker-*/"$app"/*/stderr; do
    [[ -f "$f" ]] || continue
    n=$((n + 1))
    loads="$(grep -c 'model load #' "$f" || true)"
    if [[ "$loads" != 1 ]] || ! grep -q 'model load #1 in this JVM' "$f"; then
      fail "$app executor $(basename "$(dirname "$f")"): $loads model loads in its log (expected exactly 1)"
    fi
    # conf/spark-defaults.conf's spark.executorEnv.GLIBC_TUNABLES reached the executor's environment
    grep -q 'GLIBC_TUNABLES=glibc\.malloc' "$f" \
      || fail "$app executor $(basename "$(dirname "$f")"): GLIBC_TUNABLES from spark-defaults.conf not in its environment"
    # the job's scoring.optimizing-compiler (default per-image) reached the executor and was installed
    grep -q 'scoring.optimizing-compiler = per-image: C2 compiles only' "$f" \
      || fail "$app executor $(basename "$(dirname "$f")"): scoring.optimizing-compiler = per-image not applied"
    log "  $app executor $(basename "$(dirname "$f")"): $(grep -o 'loaded model .*' "$f" | head -1)"
  done
  (( n >= min )) || fail "$app: $n executor logs, expected at least $min"
}

# ---- 1. the sample job, from the launcher -------------------------------------------------------------
log "1. sample job on the cluster from the launcher: scripts/xception-spark score --master $MASTER --job jobs/sample.conf"
before="$(apps)"
t=$SECONDS
set +e
XCEPTION_SPARK_DRIVER_MEMORY=3g scripts/xception-spark score --master "$MASTER" --job jobs/sample.conf \
  --output "$TEST_DIR/sample" --set spark.conf.spark.driver.host=127.0.0.1 \
  --set spark.conf.spark.driver.bindAddress=127.0.0.1 --set spark.conf.spark.ui.enabled=false \
  --set "spark.conf.spark.executorEnv.DJL_CACHE_DIR=$TEST_DIR/djl-cache" \
  --set spark.conf.spark.scheduler.minRegisteredResourcesRatio=1.0 > "$TEST_DIR/sample.out" 2> "$TEST_DIR/sample.err"
RC=$?
set -e
WALL=$((SECONDS - t))
APP="$(comm -13 <(echo "$before") <(apps) | tail -1)"
log "  exit $RC in $WALL s, app $APP"
[[ "$RC" == 0 ]] || fail "sample job exit code $RC (see $TEST_DIR/sample.err)"
result="$(check_output "$TEST_DIR/sample" "$N_SAMPLE" "xception/")" || fail "sample output: $result"
log "  output: $result"
check_model_loads "$APP" 2
if [[ -n "$(ls "$TEST_DIR"/djl-cache/pytorch/*/libtorch*.so* 2>/dev/null)" ]]; then
  extractors="$(grep -l 'Extracting .*libtorch_cpu.so' "$CLUSTER_DIR"/worker-*/"$APP"/*/stderr 2>/dev/null | wc -l)"
  log "  libtorch in the shared DJL cache $(ls -d "$TEST_DIR"/djl-cache/pytorch/*/ | xargs -n1 basename | tr '\n' ' ')(extracted by $extractors executor(s) at once; both loaded)"
else
  fail "no libtorch in $TEST_DIR/djl-cache (spark.executorEnv.DJL_CACHE_DIR ignored?)"
fi

# ---- 2. throughput: cluster vs local[2], same images and settings ------------------------------------
BENCH_ARGS=(score --input "$IMAGES" --mode both --set "input.images-per-partition=$BENCH_IMAGES_PER_PARTITION" "${REMOTE_WEIGHTS[@]}")
declare -A IPS DUR SCORING WALLS LOADS TIMINGS
TARGETS=(cluster local2)
# the "before" figures: the same cluster run without warm executors (only when writing the benchmark: +2 min)
(( WRITE_BENCH == 1 )) && TARGETS=(cluster-cold cluster local2)
for target in "${TARGETS[@]}"; do
  if [[ "$target" == cluster* ]]; then
    preload=true
    [[ "$target" == cluster-cold ]] && preload=false
    log "2. throughput on the cluster (2 workers x 1 core), scoring.preload=$preload: $N_IMAGES images"
    # each run's executors start with an empty weights cache of their own, so that both pay the same copy
    mkdir -p "$TEST_DIR/executor-tmp-$target"
    EXECUTOR_TMP=(--conf "spark.executor.extraJavaOptions=$EXECUTOR_JAVA_OPTS -Djava.io.tmpdir=$TEST_DIR/executor-tmp-$target")
    sample_executor_rss "$TEST_DIR/executor-peak-rss-kb-$target" &
    SAMPLER_PID=$!
    submit "bench-$target" "${CLUSTER[@]}" "${EXECUTOR_TMP[@]}" "${VIEWFS[@]}" "${BENCH_ARGS[@]}" \
      --set "scoring.preload=$preload" --output "$TEST_DIR/bench-$target"
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
    rss=$(( $(cat "$TEST_DIR/executor-peak-rss-kb-$target" 2>/dev/null || echo 0) / 1024 ))
    [[ "$target" == cluster ]] && PEAK_RSS_MB=$rss
    log "  peak resident memory of an executor JVM (heap -Xmx1g + libtorch + model): $rss MiB"
  else
    log "2. throughput in local[2] (one JVM, 2 task threads): $N_IMAGES images"
    submit bench-local2 --master 'local[2]' "${LOOPBACK[@]}" "${VIEWFS[@]}" "${BENCH_ARGS[@]}" --output "$TEST_DIR/bench-local2"
  fi
  out="$TEST_DIR/bench-$target"
  [[ "$RC" == 0 ]] || fail "$target benchmark exit code $RC (see $out.err)"
  # a driver that does not score runs C1 only (scripts/lib/driver-jvm.sh); local[2]'s scores and keeps C2
  if [[ "$target" == cluster* ]]; then
    [[ "$DRIVER_CMDLINE" == *-XX:TieredStopAtLevel=1* ]] || fail "$target: the driver JVM lacks -XX:TieredStopAtLevel=1: $DRIVER_CMDLINE"
  else
    [[ "$DRIVER_CMDLINE" == *SparkSubmit* && "$DRIVER_CMDLINE" != *TieredStopAtLevel* ]] \
      || fail "$target: the driver JVM should keep C2: $DRIVER_CMDLINE"
  fi
  result="$(check_output "$out" "$N_IMAGES" "$FORMULA_MODEL")" || fail "$target benchmark output: $result"
  log "  output: $result"
  if [[ "$target" == cluster* ]]; then
    check_model_loads "$APP" 2
    if [[ "$target" == cluster ]]; then
      preloaded="$(grep -l 'preloaded and warmed up the model' "$CLUSTER_DIR"/worker-*/"$APP"/*/stderr 2>/dev/null | wc -l)"
      (( preloaded >= 2 )) || fail "$APP: $preloaded executor(s) logged a preload (scoring.preload = true), expected 2"
    fi
    while read -r exec load warm first; do
      log "  executor $exec: model load ${load} s, preload + warm-up ${warm} s, first scoring task ${first} s"
    done < <(executor_timings "$APP")
    TIMINGS[$target]="$(timings_json "$APP")"
    copies="$(cat "$CLUSTER_DIR"/worker-*/"$APP"/*/stderr | grep -c 'copied weights' || true)"
    reuses="$(cat "$CLUSTER_DIR"/worker-*/"$APP"/*/stderr | grep -c 'from the local cache' || true)"
    cached="$(find "$TEST_DIR/executor-tmp-$target/xception-spark-weights" -type f 2>/dev/null)"
    if [[ "$(echo "$cached" | grep -c .)" == 1 && "$cached" == *-xception_formula.h5 ]] \
       && [[ "$(sha256sum "$cached" | cut -d' ' -f1)" == "$FORMULA_SHA256" ]]; then
      log "  executors' shared weights cache: one verified copy ($copies executor(s) copied, $reuses reused), no partial files"
    else
      fail "executors' weights cache $TEST_DIR/executor-tmp-$target/xception-spark-weights holds: ${cached:-nothing}"
    fi
    steady="$(steady_state_rate "$APP" "$BENCH_IMAGES_PER_PARTITION")"
    [[ "$target" == cluster ]] && STEADY=$steady
    log "  cluster steady state (after each executor's first task): ~$steady images/s"
  fi
  IPS[$target]="$(json_number "$out/_xception_spark_summary.json" imagesPerSecond)"
  SCORING[$target]="$(json_number "$out/_xception_spark_summary.json" scoringSeconds)"
  DUR[$target]="$(json_number "$out/_xception_spark_summary.json" durationSeconds)"
  WALLS[$target]="$WALL"
  LOADS[$target]="$LOAD_BEFORE"
  log "  $target: $(printf '%.2f' "${IPS[$target]:-0}") images/s (scoring ${SCORING[$target]} s, job ${DUR[$target]} s, submit wall $WALL s; 1-min load average before: $LOAD_BEFORE)"
done

# ---- 3. a wrong checksum -------------------------------------------------------------------------------
log "3. wrong model.weights-sha256: must fail at once with exit code 3"
submit bad-sha "${CLUSTER[@]}" "${VIEWFS[@]}" score --input "$IMAGES" --output "$TEST_DIR/bad-sha" \
  --set model.weights=viewfs://xs/weights/xception_formula.h5 --set "model.weights-sha256=$(printf '0%.0s' {1..64})"
if [[ "$RC" == 3 ]] && grep -q "checksum mismatch" "$TEST_DIR/bad-sha.err" && [[ ! -e "$TEST_DIR/bad-sha" ]]; then
  log "  exit 3 in $WALL s: $(grep -o 'error: .*' "$TEST_DIR/bad-sha.err" | cut -c1-160)..."
else
  fail "wrong checksum: exit $RC, expected 3 with 'checksum mismatch' and no output (see $TEST_DIR/bad-sha.err)"
fi

# ---- 4. fault: kill -9 one executor JVM mid-job -------------------------------------------------------
log "4. fault: weights shipped with --files; kill -9 one executor after the first task output is committed"
FAULT_OUT="$TEST_DIR/fault"
before="$(apps)"
t=$SECONDS
XCEPTION_SPARK_DRIVER_MEMORY=3g scripts/submit.sh "${CLUSTER[@]}" --files "$FORMULA" score --input "$FAULT_IMAGES" \
  --output "$FAULT_OUT" --mode both --set "input.images-per-partition=$FAULT_IMAGES_PER_PARTITION" \
  --set model.weights=spark-files:xception_formula.h5 --set "model.weights-sha256=$FORMULA_SHA256" \
  > "$TEST_DIR/fault.out" 2> "$TEST_DIR/fault.err" &
JOB_PID=$!
KILLED=""
deadline=$((SECONDS + 240))
# a committed task's files sit in the run's private staging directory (docs/OUTPUTS.md) until the job commits
COMMITTED_TASKS="$FAULT_OUT/_xception_spark/staging/*/_temporary/0/task_*"
while kill -0 "$JOB_PID" 2>/dev/null && (( SECONDS < deadline )); do
  if compgen -G "$COMMITTED_TASKS" > /dev/null; then
    APP="$(comm -13 <(echo "$before") <(apps) | tail -1)"
    victim=""
    for d in /proc/[0-9]*; do
      if [[ "$(readlink "$d/cwd" 2>/dev/null)" == "$CLUSTER_DIR"/worker-*/"$APP"/* ]] \
         && tr '\0' ' ' < "$d/cmdline" 2>/dev/null | grep -q "CoarseGrainedExecutorBackend.*--app-id $APP "; then
        victim="${d#/proc/}"
        break
      fi
    done
    if [[ -n "$victim" ]]; then
      committed="$(compgen -G "$COMMITTED_TASKS" | wc -l)"
      kill -KILL "$victim"
      KILLED="$victim"
      log "  killed executor JVM PID $victim of $APP (kill -9) after $committed committed task(s), $((SECONDS - t)) s into the run"
    fi
    break
  fi
  sleep 0.2
done
set +e
wait "$JOB_PID"
RC=$?
set -e
JOB_PID=""
WALL=$((SECONDS - t))
log "  exit $RC in $WALL s"
[[ -n "$KILLED" ]] || fail "no executor was killed (the job ended, or no committed task output appeared, first)"
[[ "$RC" == 0 ]] || fail "fault run exit code $RC (see $TEST_DIR/fault.err)"
result="$(check_output "$FAULT_OUT" "$N_FAULT" "$FORMULA_MODEL")" || fail "fault output: $result"
log "  output: $result"
grep -h -E "Lost executor|ExecutorLostFailure|exited caused by" "$TEST_DIR/fault.err" | head -3 | sed 's/^/  driver: /' | tee -a "$REPORT" || true
if [[ -n "$APP" ]]; then
  n_exec="$(ls -d "$CLUSTER_DIR"/worker-*/"$APP"/* 2>/dev/null | wc -l)"
  log "  $APP had $n_exec executors (2 + the replacement of the killed one)"
  check_model_loads "$APP" 3
fi

# ---- results ------------------------------------------------------------------------------------------
ratio="$(awk -v c="${IPS[cluster]:-0}" -v l="${IPS[local2]:-0}" 'BEGIN { if (l > 0) printf "%.2f", c / l; else print "null" }')"
# whole runs: images over the submission's wall time (JVM start to exit), so nothing is left out
wall_ratio="$(awk -v c="${WALLS[cluster]:-0}" -v l="${WALLS[local2]:-0}" 'BEGIN { if (c > 0) printf "%.2f", l / c; else print "null" }')"
cold_ratio="$(awk -v c="${IPS[cluster-cold]:-0}" -v l="${IPS[local2]:-0}" 'BEGIN { if (l > 0 && c > 0) printf "%.2f", c / l; else print "null" }')"
cat > "$TEST_DIR/bench.json" <<EOF
{
  "what": "images/s of the xception-spark job: 2-worker standalone cluster (1 core each) vs local[2], same images, same run of scripts/cluster-test.sh",
  "machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(uname -s) $(uname -m), $("$XS_JAVA" -version 2>&1 | head -1 | tr -d '"')",
  "cpu": "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); flags: $(grep -o -w -E 'avx2|avx512f|avx512_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//')",
  "spark": "$(xs_pom_property spark.version)",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "images": $N_IMAGES,
  "inputs": "sample-data's $N_SAMPLE photos x $COPIES (16-800 KB JPEG/PNG)",
  "settings": "scoring.mode=both, 299x299, batch-size $(sed -n "s/^ *batch-size *= *\([0-9]*\).*/\1/p" src/main/resources/io/xceptionspark/config/defaults.conf | head -1) (default), input.images-per-partition=$BENCH_IMAGES_PER_PARTITION, spark.task.cpus=1, weights: keras-formula fixture (full Xception, same cost as ImageNet) via viewfs:// + sha256",
  "images_per_second_definition": "the run summary's imagesPerSecond: rows written / seconds from the start of the scoring stage to the end of the Parquet write. Excluded: JVM start-up, the driver's model preflight, Spark start-up and the listing (on the driver: the scoring stage is the job's first). On the cluster the window also holds whatever of the executors' start (JVM launch, jar fetch, DJL start and model load, the warm-up batch with scoring.preload) is not over when the stage starts; in local[2] the tasks reuse the model the driver's preflight loaded",
  "cluster_2x1": {"scoring_preload": true, "images_per_second": ${IPS[cluster]:-null}, "scoring_seconds": ${SCORING[cluster]:-null}, "job_seconds": ${DUR[cluster]:-null}, "submit_wall_seconds": ${WALLS[cluster]:-null}, "load_average_before": ${LOADS[cluster]:-null}, "steady_state_images_per_second": ${STEADY:-null}, "executors": ${TIMINGS[cluster]:-null}},
  "cluster_2x1_without_preload": {"scoring_preload": false, "images_per_second": ${IPS[cluster-cold]:-null}, "scoring_seconds": ${SCORING[cluster-cold]:-null}, "job_seconds": ${DUR[cluster-cold]:-null}, "submit_wall_seconds": ${WALLS[cluster-cold]:-null}, "load_average_before": ${LOADS[cluster-cold]:-null}, "executors": ${TIMINGS[cluster-cold]:-null}},
  "executors_definition": "per executor, from its log: model_load_seconds = the ModelCache load (DJL start, weights copy and read), preload_and_warmup_seconds = the plugin's load plus one warm-up batch at executor start (null without scoring.preload), first_task_seconds = the first scoring task's duration (its TaskScorers log line)",
  "steady_state_definition": "cluster only, from the executor logs: per executor, images of the scoring tasks after its first one (DJL start, model load, JIT warm-up) / seconds from the end of that first task to the end of its last (1 s log resolution), summed over the executors",
  "local_2": {"images_per_second": ${IPS[local2]:-null}, "scoring_seconds": ${SCORING[local2]:-null}, "job_seconds": ${DUR[local2]:-null}, "submit_wall_seconds": ${WALLS[local2]:-null}, "load_average_before": ${LOADS[local2]:-null}},
  "cluster_over_local": $ratio,
  "cluster_over_local_whole_run_wall": $wall_ratio,
  "cluster_without_preload_over_local": $cold_ratio,
  "executor_peak_rss_mib": $PEAK_RSS_MB,
  "executor_heap": "spark.executor.memory 1g (default)",
  "fault_run": {"executor_killed": $([[ -n "$KILLED" ]] && echo true || echo false), "exit_code": $RC, "wall_seconds": $WALL},
  "failures": $FAILURES
}
EOF
log "throughput: cluster ${IPS[cluster]:-?} images/s, local[2] ${IPS[local2]:-?} images/s (cluster/local = $ratio; whole runs by wall time: $wall_ratio; without preload: $cold_ratio)"
# the target (cluster >= 0.9x local[2]) is reported, not enforced: a shared CI machine's load moves both sides
# (issue #11's is by whole runs: JVM start to exit)
awk -v r="$wall_ratio" 'BEGIN { exit !(r != "null" && r >= 0.9) }' && log "  target cluster >= 0.9x local[2], whole runs: met ($wall_ratio)" \
  || log "  target cluster >= 0.9x local[2], whole runs: NOT met ($wall_ratio)"
if (( WRITE_BENCH == 1 )); then
  mkdir -p docs/bench
  cp "$TEST_DIR/bench.json" docs/bench/cluster.json
  log "wrote docs/bench/cluster.json"
fi
if (( FAILURES > 0 )); then
  log "$FAILURES check(s) FAILED"
  exit 1
fi
log "all checks passed"
