# Sourced (not run) by scripts/xception-spark: the launcher's class-data sharing archive (AppCDS).
#
# Why (docs/PERFORMANCE.md, "Start-up"): a score run loads ~21,000 classes (Spark, Spark SQL, Parquet, Hadoop,
# Delta, DJL), most of them while the first query is planned, i.e. inside the scoring window; parsing and verifying
# them costs 8-10 CPU-seconds per run on 2 cores. A dynamic CDS archive (JDK 13+) holds them parsed and verified; the
# JVM maps it at start.
#
# The first `score` after a build records the archive (-XX:ArchiveClassesAtExit: the JVM writes it at exit, a few
# seconds); later runs map it (-XX:SharedArchiveFile). Its name is a hash of the JDK (the java binary's resolved path,
# and its and the JDK's module image's size and time: no `java -version`, which costs a JVM start, ~50 ms, per run),
# the resolved classpath and the jar's size and time, so a rebuild or another (or updated) JDK makes a new one and the
# old one is deleted. An archive that does not match is ignored by the JVM (-Xshare:auto), never an error.
# XCEPTION_SPARK_CLASS_ARCHIVE=off turns it off; =DIR keeps archives in DIR (default: target/class-archive).

# xs_class_archive JAVA ROOT CLASSPATH_FILE JAR: prints the archive's path
xs_class_archive() {
  local java=$1 root=$2 cp_file=$3 jar=$4 dir key bin
  dir="${XCEPTION_SPARK_CLASS_ARCHIVE:-$root/target/class-archive}"
  bin="$(readlink -f "$(command -v "$java")" || echo "$java")"
  key="$({ echo "$bin"; stat -c '%s %Y' "$bin" "${bin%/bin/java}/lib/modules" 2>/dev/null || true; cat "$cp_file"
           stat -c '%s %Y' "$jar"; } | sha1sum | cut -c1-16)"
  echo "$dir/xception-spark-$key.jsa"
}

# xs_class_archive_opts ARCHIVE: the JVM flags that map ARCHIVE (empty when it does not exist yet)
xs_class_archive_opts() {
  [[ -f "$1" ]] && echo "-XX:SharedArchiveFile=$1 -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  return 0
}

# xs_record_class_archive ARCHIVE JAVA ARGS...: runs JAVA ARGS... (a score run) as a child that writes ARCHIVE at
# exit; the archive is moved into place only when the run succeeded, so a killed or failed run leaves none.
# Returns the run's exit code. Signals to this shell are passed on to the JVM.
xs_record_class_archive() {
  local archive=$1 partial status
  shift
  mkdir -p "$(dirname "$archive")"
  partial="$archive.partial-$$"
  echo "xception-spark: recording the class archive for faster start-up (once per build): $archive" >&2
  "$1" "-XX:ArchiveClassesAtExit=$partial" -Xlog:cds=off -Xlog:cds+dynamic=off "${@:2}" &
  local pid=$!
  trap 'kill -TERM $pid 2>/dev/null' TERM INT HUP
  status=0
  wait "$pid" || status=$?
  # wait returns early (>128) when a trapped signal arrives: wait for the JVM itself
  while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
  trap - TERM INT HUP
  if [[ $status -eq 0 && -s "$partial" ]]; then
    find "$(dirname "$archive")" -maxdepth 1 -name 'xception-spark-*.jsa' ! -name "$(basename "$archive")" -delete
    mv -f "$partial" "$archive"
  else
    rm -f "$partial"
  fi
  return "$status"
}
