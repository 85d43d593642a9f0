# Sourced (not run) by every script that starts a JVM running libtorch: scripts/xception-spark,
# scripts/submit.sh, scripts/bench.sh, scripts/cluster-test.sh.
#
# xs_export_malloc_tunables CONF_DIR
#   exports GLIBC_TUNABLES with the value of spark.executorEnv.GLIBC_TUNABLES in CONF_DIR/spark-defaults.conf,
#   so the local JVM (driver and, in local[*], executor) allocates like cluster executors do. A value already
#   in the environment wins; an empty one in the file turns the tuning off.
#
# Why (docs/PERFORMANCE.md): libtorch allocates every activation map fresh (up to 11 MB each at 299x299) and
# frees it a few operations later. With glibc's defaults many of those blocks go back to the kernel on free
# and come back as zero-filled page faults on the next allocation: ~10,000 faults per forward pass, about a
# tenth of its time. A high mmap threshold and trim threshold keep freed blocks in the process for reuse.
xs_export_malloc_tunables() {
  local conf="$1/spark-defaults.conf" value
  [[ -n "${GLIBC_TUNABLES+set}" || ! -f "$conf" ]] && return 0
  value="$(xs_spark_default "$conf" spark.executorEnv.GLIBC_TUNABLES)"
  [[ -n "$value" ]] && export GLIBC_TUNABLES="$value"
  return 0
}

# xs_spark_default FILE KEY: KEY's value in the properties file FILE (the last one; empty when absent). A
# properties file separates key and value by whitespace, '=' or ':' and the value is the rest of the line
# (Spark reads it as java.util.Properties); trailing whitespace is dropped.
xs_spark_default() {
  local key="${2//./\\.}"
  sed -n "s/^[[:space:]]*$key[[:space:]]*[[:space:]=:][[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$/\\1/p" "$1" | tail -1
}
