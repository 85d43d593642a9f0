# Sourced (not run) by the scripts that start a driver JVM: scripts/xception-spark and scripts/submit.sh.
#
# xs_driver_jit_opts ARGS...
#   prints -XX:TieredStopAtLevel=1 when ARGS pass a cluster master (--master URL or --master=URL, any URL but
#   local / local[...]), nothing otherwise. Such a driver plans, schedules and commits but scores nothing, so
#   HotSpot's C2 compiler buys it nothing while its compiles (~9 CPU-s of a 585-image run) compete with the
#   executors for cores wherever they share a machine; the executors run C1 only for the same reason
#   (conf/spark-defaults.conf, docs/PERFORMANCE.md). A driver that scores (local masters) keeps C2. Flags in
#   XCEPTION_SPARK_JAVA_OPTS come later on the java command line and win (e.g. -XX:TieredStopAtLevel=4).
xs_driver_jit_opts() {
  local master=""
  while (($#)); do
    case "$1" in
      --master) master="${2:-}"; shift ;;
      --master=*) master="${1#--master=}" ;;
    esac
    shift
  done
  if [[ -n "$master" && "$master" != local && "$master" != local\[* ]]; then
    echo "-XX:TieredStopAtLevel=1"
  fi
}
