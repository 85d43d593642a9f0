#!/usr/bin/env bash
# The benchmark (not a test): the whole Spark job against its own forward pass and against the strong Python peer,
# in one run, on image sets the benchmark makes itself, with the CPU model and flags printed. Figures: docs/bench/
# bench.json, and the table at the end (docs/PERFORMANCE.md quotes it).
#
#   1. the machine: CPU model, flags, cores, Java
#   2. weights: the hash fixture's Keras xception (full-size .h5, BatchNorm-calibrated, written in Java from
#      src/test/data/fixtures/hash), used by the job and by the peer
#   3. image sets: web-size JPEGs (400-900 px, from sample-data) and phone-size JPEGs (4032x3024, quality 0.92,
#      every other one with EXIF orientation 6)
#   4. the forward pass on ready tensors, float32 and bfloat16, 2 concurrent single-thread streams (as the job runs
#      on 2 cores), alternating rounds (PrecisionBenchmark)
#   5. the job (scripts/xception-spark score, local[*], --mode both), its run summary's images/s and time by stage,
#      resident memory sampled every second; each job compared with the peer is right followed by the peer on the
#      same images and precision (6), for N_PAIRS rounds, and its ratio is the median of the rounds' pairs: this
#      machine's speed drifts by tens of per cent within minutes. Each job's steady pace too (informative: the
#      later half of its tasks, launch to finish in Spark's event log, i.e. without the run's fixed costs).
#      Compared: web-size bfloat16 and float32 at 8 images per task, phone-size bfloat16 (exact and
#      preprocess.jpeg-draft = auto) and float32. Then, once each:
#      the web set at 48 per task in both precisions, and the web bfloat16 job with scoring.optimizing-compiler =
#      per-image right followed by = all
#   6. the strong Python peer (../shared/bench/python_peer_strong.py: PIL + the network traced, frozen and
#      optimised for inference, channels-last, 2 processes x 1 thread), when ../shared is beside the repository;
#      skipped, saying so, when it is not
#   7. memory over a long run: the bfloat16 job over N_LONG web images, RSS after warm-up; with the web run right
#      before it, the marginal rate (what each further image costs, per-run costs left out) against the forward
# Run it on an otherwise idle machine. Knobs: N_WEB (288), N_PHONE (96), N_LONG (2000, 0 skips part 7),
# SECONDS_PER_POINT (5), N_PAIRS (2: rounds of each job right followed by the peer, see part 5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N_WEB=${N_WEB:-288}
N_PHONE=${N_PHONE:-96}
N_LONG=${N_LONG:-2000}
N_PAIRS=${N_PAIRS:-2}
WORK=$ROOT/target/bench
mkdir -p "$WORK" docs/bench
PEER_PY=$ROOT/../shared/bench/python_peer_strong.py

echo "== machine"
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
CPU_FLAGS=$(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2- | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni|avx512_bf16|amx_bf16|amx_tile)$' | tr '\n' ' ')
echo "CPU: $CPU_MODEL; $(nproc) cores; flags: $CPU_FLAGS"
java -version 2>&1 | head -1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== build"
mvn -B -ntp -q -DskipTests package
echo "== JPEG decoder: Debian's libturbojpeg-java (TurboJPEG), as scripts/test.sh installs it"
scripts/install-turbojpeg.sh || echo "WARNING: libturbojpeg-java is missing and could not be installed: the jobs decode" \
  "JPEGs with ImageIO (slower) and jpeg-draft = auto falls back to the exact path"
# the benchmark classes (and HashFixtures) are test code: the build above compiled them (-DskipTests compiles the
# tests, runs none)
CP="$(cat target/classpath.txt):$ROOT/target/xception-spark.jar:$ROOT/target/test-classes"
source scripts/lib/native-memory.sh
xs_export_malloc_tunables conf
JAVA=(java -Xms1g -Xmx2g -Dai.djl.offline=true --add-modules=jdk.incubator.vector -cp "$CP")

echo "== weights: the hash fixture's Keras xception (.h5, written in Java)"
WEIGHTS=$WORK/xception_hash.h5
[ -s "$WEIGHTS" ] || java -cp "$CP" io.xceptionspark.testing.HashFixtures "$WEIGHTS"

echo "== image sets"
make_set() { # DIR COUNT [--phone]
  local dir=$1 n=$2
  [ -d "$dir" ] && [ "$(ls "$dir" | wc -l)" -eq "$n" ] && return
  rm -rf "$dir"
  "${JAVA[@]}" io.xceptionspark.bench.BenchImages sample-data "$dir" "$n" 1 ${3:-}
}
WEB=$WORK/web-$N_WEB
PHONE=$WORK/phone-$N_PHONE
make_set "$WEB" "$N_WEB"
make_set "$PHONE" "$N_PHONE" --phone

echo "== forward pass on ready tensors, float32 and bfloat16, 2 streams"
"${JAVA[@]}" io.xceptionspark.bench.PrecisionBenchmark "$WEIGHTS" "${SECONDS_PER_POINT:-5}" 50 "$WORK/forward.json"

# run_job NAME DIR PRECISION IMAGES_PER_TASK [--set KEY=VALUE...]: the job's summary JSON and peak RSS (KB) in $WORK
run_job() {
  local name=$1 dir=$2 precision=$3 per_task=$4
  shift 4
  local out=$WORK/out-$name rss=$WORK/rss-$name.txt events=$WORK/events-$name pid
  echo "-- job $name: $(ls "$dir" | wc -l) images, $precision, $per_task per task $*"
  # Spark's event log: each task's launch and finish time, for the steady pace
  rm -rf "$events"; mkdir -p "$events"
  XCEPTION_SPARK_DRIVER_MEMORY=3g scripts/xception-spark score --input "$dir" --output "$out" --mode both \
    --weights "$WEIGHTS" --precision "$precision" --set output.save-mode=overwrite \
    --set input.images-per-partition="$per_task" --set input.tasks-per-core=1 \
    --set spark.conf.spark.eventLog.enabled=true --set spark.conf.spark.eventLog.dir="file://$events" \
    --set spark.conf.spark.eventLog.compress=false "$@" > "$WORK/job-$name.log" 2>&1 &
  pid=$!
  : > "$rss"
  while kill -0 "$pid" 2>/dev/null; do
    # the launcher execs the JVM: the pid is the JVM's
    awk -v t="$(date +%s)" '/VmRSS/ {print t, $2}' "/proc/$pid/status" >> "$rss" 2>/dev/null || true
    sleep 1
  done
  wait "$pid" || { tail -20 "$WORK/job-$name.log"; exit 1; }
  cp "$out/_xception_spark_summary.json" "$WORK/summary-$name.json"
  grep -E '^  (images/s|duration)|^    ' "$WORK/job-$name.log" || true
}

# the strong Python peer, when ../shared is beside the repository: set up once, run by peer_run
PEER=""
if [ -f "$PEER_PY" ]; then
  PEER=/usr/bin/python3
  if ! "$PEER" -c 'import torch, PIL, numpy, h5py' 2>/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-pil python3-numpy \
      python3-torch python3-h5py
  fi
  # the same weights; the peer's reader wants the (empty) weight_names attribute Keras writes on weightless layers,
  # which the Java HDF5 writer cannot write
  PEER_WEIGHTS=$WORK/xception_hash_peer.h5
  cp "$WEIGHTS" "$PEER_WEIGHTS"
  "$PEER" - "$PEER_WEIGHTS" <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    for name in f.attrs["layer_names"]:
        group = f.require_group(name.decode() if isinstance(name, bytes) else name)
        if "weight_names" not in group.attrs:
            group.attrs.create("weight_names", np.array([], dtype="S1"))
EOF
else
  echo "== strong Python peer: SKIPPED ($PEER_PY not found: it is reference material beside the repository)"
fi

# peer_run NAME DIR fp32|bf16: one run of the strong peer, its images/s appended to $WORK/peer.txt as "NAME VALUE"
peer_run() {
  [ -n "$PEER" ] || return 0
  local line
  line=$("$PEER" "$PEER_PY" "$PEER_WEIGHTS" "$2" "$3" 2 2>/dev/null | tail -1)
  echo "   peer: $line"
  echo "$1 $(echo "$line" | grep -oE '= [0-9.]+ img/s' | grep -oE '[0-9.]+')" >> "$WORK/peer.txt"
}

echo "== the job"
# the launcher's class archive (scripts/lib/class-archive.sh) is recorded by the first score run after a build:
# record it here, on the sample job, so that every measured run maps it as users' runs do
scripts/xception-spark score --job jobs/sample.conf --output "$WORK/out-class-archive" \
  --set output.save-mode=overwrite > "$WORK/job-class-archive.log" 2>&1 || { tail -20 "$WORK/job-class-archive.log"; exit 1; }
ls target/class-archive/*.jsa 2>/dev/null | sed 's/^/class archive: /' || echo "class archive: none (XCEPTION_SPARK_CLASS_ARCHIVE=off?)"
# Each comparison with the peer is N_PAIRS rounds of the job right followed by the peer on the same images: this
# machine's speed drifts by tens of per cent within minutes, so a ratio is taken pair by pair (the median of the
# rounds'), never between runs minutes apart.
: > "$WORK/peer.txt"
for round in $(seq 1 "$N_PAIRS"); do
  echo "-- round $round of $N_PAIRS"
  run_job "web-bf16-8-r$round" "$WEB" bfloat16 8; peer_run "web-bf16-8-r$round" "$WEB" bf16
  run_job "phone-bf16-8-r$round" "$PHONE" bfloat16 8; peer_run "phone-bf16-8-r$round" "$PHONE" bf16
  run_job "phone-bf16-8-draft-r$round" "$PHONE" bfloat16 8 --set preprocess.jpeg-draft=auto
  peer_run "phone-bf16-8-draft-r$round" "$PHONE" bf16
  run_job "web-fp32-8-r$round" "$WEB" float32 8; peer_run "web-fp32-8-r$round" "$WEB" fp32
  run_job "phone-fp32-8-r$round" "$PHONE" float32 8; peer_run "phone-fp32-8-r$round" "$PHONE" fp32
done
run_job web-fp32-48 "$WEB" float32 48
run_job web-bf16-48 "$WEB" bfloat16 48
# the web job with HotSpot's default JIT (C2 for whatever gets hot) right after the same job with
# scoring.optimizing-compiler's per-image scope
run_job web-bf16-8-c2-per-image "$WEB" bfloat16 8
run_job web-bf16-8-c2-all "$WEB" bfloat16 8 --set scoring.optimizing-compiler=all
grep -h -m1 -o 'JPEG decoding: [^;]*' "$WORK/job-web-bf16-8-r1.log" || true

if [ "$N_LONG" -gt 0 ]; then
  echo "== memory over a long run: bfloat16 job over $N_LONG web images"
  make_set "$WORK/web-$N_LONG" "$N_LONG"
  run_job long-bf16-8 "$WORK/web-$N_LONG" bfloat16 8
fi

python3 - "$WORK" "$CPU_MODEL" "$CPU_FLAGS" "$N_LONG" "$N_PAIRS" <<'PYEOF'
import json, os, sys, datetime, statistics
work, cpu, flags, n_long, n_pairs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
fwd = json.load(open(os.path.join(work, "forward.json")))
streams = next(k for k in fwd if k.startswith("float32_") and k.endswith("_streams_images_per_s"))
forward = {"float32": fwd[streams], "bfloat16": fwd[streams.replace("float32", "bfloat16")]}
peer = {}  # run name (e.g. web-bf16-8-r1) -> the peer's images/s right after it
for line in open(os.path.join(work, "peer.txt")):
    name, value = (line.split() + [""])[:2]
    if value:
        peer[name] = float(value)

slots = os.cpu_count()  # local[*]: one task slot per core

def steady_images_per_s(name):
    """The later half of the scoring stage's tasks (in the order they finished), launch to finish as Spark's event
    log has them, as images/s on all slots: the pace once the JVM has warmed up, without the run's fixed costs
    (planning, code generation, each slot's first tasks, the tail)."""
    per_task = int(name.split("-")[2])
    tasks = []  # (finish, seconds, stage)
    events = os.path.join(work, f"events-{name}")
    logs = [os.path.join(d, f) for d, _, files in os.walk(events) for f in files if not f.startswith(".")]
    for log in logs:  # Spark 4 writes rolling event logs: a folder of files per application
        for line in open(log):
            if '"SparkListenerTaskEnd"' in line:
                e = json.loads(line)
                info = e["Task Info"]
                tasks.append((info["Finish Time"], (info["Finish Time"] - info["Launch Time"]) / 1000, e["Stage ID"]))
    if not tasks:
        return None
    stage = statistics.mode(t[2] for t in tasks)  # the scoring stage: the run's only stage with many tasks
    scoring = sorted(t for t in tasks if t[2] == stage)
    later = scoring[len(scoring) // 2:]
    return round(slots * per_task / statistics.mean(t[1] for t in later), 2) if later else None

def job(name):
    summary = json.load(open(os.path.join(work, f"summary-{name}.json")))
    rss = [int(l.split()[1]) for l in open(os.path.join(work, f"rss-{name}.txt")) if l.strip()]
    stages = summary.get("stageSeconds", {})
    total = sum(stages.values()) or 1
    return {"images_per_s": round(summary["imagesPerSecond"], 2), "partitions": summary["partitions"],
            "images": summary["scored"] + summary["failed"], "scoring_s": round(summary["scoringSeconds"], 3),
            "steady_images_per_s": steady_images_per_s(name),
            "peak_rss_mb": max(rss) // 1024 if rss else None,
            "rss_mb_after_warmup": [rss[len(rss) // 5] // 1024, max(rss[len(rss) // 5:]) // 1024] if rss else None,
            "stage_share": {k: round(v / total, 3) for k, v in stages.items()}}

def ratio(a, b):
    return round(a / b, 2) if b else None

paired = ["web-bf16-8", "phone-bf16-8", "phone-bf16-8-draft", "web-fp32-8", "phone-fp32-8"]
names = [f"{n}-r{r}" for r in range(1, n_pairs + 1) for n in paired]
names += ["web-fp32-48", "web-bf16-48", "web-bf16-8-c2-per-image", "web-bf16-8-c2-all"]
if n_long:
    names.append("long-bf16-8")
jobs = {n: job(n) for n in names}
for n in jobs:
    if n in peer:
        jobs[n]["peer_images_per_s"] = peer[n]

def median_over_rounds(n):
    return round(statistics.median(jobs[f"{n}-r{r}"]["images_per_s"] for r in range(1, n_pairs + 1)), 2)

rows = []
for n, p, label in [("web-fp32-8", "float32", "web, 8"), ("web-fp32-48", "float32", "web, 48"),
                    ("web-bf16-8", "bfloat16", "web, 8"), ("web-bf16-48", "bfloat16", "web, 48")]:
    value = median_over_rounds(n) if n in paired else jobs[n]["images_per_s"]
    rows.append((f"job / forward (2 streams), {p}, {label} per task (target >= 0.9)", ratio(value, forward[p])))
for n, s, p, target in [("web-bf16-8", "web", "bfloat16", 1.1), ("phone-bf16-8", "phone", "bfloat16", 1.3),
                        ("phone-bf16-8-draft", "phone", "bfloat16", 2.0), ("web-fp32-8", "web", "float32", 1.0),
                        ("phone-fp32-8", "phone", "float32", 1.0)]:
    label = f"job / strong peer, {p}, {s}" + (", jpeg-draft=auto" if "draft" in n else "") + f" (target >= {target})"
    pairs = [ratio(jobs[f"{n}-r{r}"]["images_per_s"], peer[f"{n}-r{r}"]) for r in range(1, n_pairs + 1)
             if f"{n}-r{r}" in peer]
    rows.append((label, {"median": round(statistics.median(pairs), 2), "rounds": pairs} if pairs else "peer skipped"))
# informative, no target: the same comparisons at the steady pace (the later half of each run's tasks)
for n in paired:
    pairs = [ratio(jobs[f"{n}-r{r}"]["steady_images_per_s"], peer[f"{n}-r{r}"]) for r in range(1, n_pairs + 1)
             if f"{n}-r{r}" in peer and jobs[f"{n}-r{r}"]["steady_images_per_s"]]
    if pairs:
        rows.append((f"steady pace: job / strong peer, {n}", round(statistics.median(pairs), 2)))
for n, p in [("web-bf16-8", "bfloat16"), ("web-fp32-8", "float32")]:
    steady = [jobs[f"{n}-r{r}"]["steady_images_per_s"] for r in range(1, n_pairs + 1)]
    if all(steady):
        rows.append((f"steady pace: job / forward (2 streams), {n}", ratio(statistics.median(steady), forward[p])))
if n_long:
    # what each further image costs: the long run against the short one right before it (same precision, 8 per
    # task, per-image C2 scope), so the per-run costs (planning, code generation, each slot's first task, the
    # last tasks' tail) cancel out and the per-task and per-image costs remain
    short, long_ = jobs["web-bf16-8-c2-per-image"], jobs["long-bf16-8"]
    marginal = (long_["images"] - short["images"]) / (long_["scoring_s"] - short["scoring_s"])
    rows.append((f"job / forward (2 streams), bfloat16, web, 8 per task, marginal ({short['images']} -> "
                 f"{long_['images']} images: per-run costs left out)", ratio(marginal, forward["bfloat16"])))
rows.append(("job, bfloat16, web, 8 per task: optimizing-compiler per-image / all (back to back)",
             ratio(jobs["web-bf16-8-c2-per-image"]["images_per_s"], jobs["web-bf16-8-c2-all"]["images_per_s"])))
report = {"date": datetime.date.today().isoformat(), "cpu": cpu, "cpu_flags": flags.split(),
          "forward_2_streams_images_per_s": forward, "rounds": n_pairs, "jobs": jobs, "ratios": dict(rows)}
json.dump(report, open("docs/bench/bench.json", "w"), indent=2)
print(f"\nCPU: {cpu}; flags: {flags}")
print(f"forward, 2 streams x 1 thread: float32 {forward['float32']} img/s, bfloat16 {forward['bfloat16']} img/s")
print(f"\n{'job':26s} {'img/s':>7s} {'steady':>6s} {'peer':>6s} {'tasks':>5s} {'peak RSS MB':>11s}  time by stage (share)")
for n, j in jobs.items():
    shares = " ".join(f"{k} {100 * v:.0f}%" for k, v in j["stage_share"].items() if v >= 0.005)
    print(f"{n:26s} {j['images_per_s']:7.2f} {str(j['steady_images_per_s'] or ''):>6s} "
          f"{str(j.get('peer_images_per_s', '')):>6s} {j['partitions']:5d} {str(j['peak_rss_mb']):>11s}  {shares}")
if n_long:
    print(f"long run RSS after warm-up: {jobs['long-bf16-8']['rss_mb_after_warmup']} MB (first, max)")
print()
for k, v in rows:
    print(f"{k:80s} {v}")
print("\nwritten: docs/bench/bench.json")
PYEOF
