# Shared by scripts/local-cluster.sh, scripts/submit.sh and scripts/cluster-test.sh (sourced, not run).
#
# xs_ensure_jar         builds target/xception-spark.jar (the shaded jar spark-submit runs) when it is
#                       missing or older than the sources
# xs_ensure_spark_home  makes target/spark-home: a Spark installation built with Maven alone, whose jars/
#                       holds symlinks to Spark's runtime jars (scripts/spark-home/pom.xml, same Spark and
#                       Scala versions as the project's pom.xml) and none of the project's own dependencies
# XS_JAVA_OPENS         the --add-opens flags Spark 4 needs on Java 17 (same list as scripts/xception-spark)
XS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
XS_JAR="$XS_ROOT/target/xception-spark.jar"
XS_SPARK_HOME="$XS_ROOT/target/spark-home"
XS_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
XS_JAVA_OPENS=()
for _p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
          java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  XS_JAVA_OPENS+=("--add-opens=java.base/$_p=ALL-UNNAMED")
done
unset _p

# The value of <NAME>...</NAME> in the project's pom.xml (a property).
xs_pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$XS_ROOT/pom.xml" | head -1
}

xs_ensure_jar() {
  if [[ -f "$XS_JAR" && -f "$XS_ROOT/target/classpath.txt" \
        && -z "$(find "$XS_ROOT/src/main" "$XS_ROOT/pom.xml" -newer "$XS_JAR" -print -quit 2>/dev/null)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "Maven (mvn) is needed to build target/xception-spark.jar" >&2; return 1; }
  echo "building target/xception-spark.jar (mvn -DskipTests package) ..." >&2
  (cd "$XS_ROOT" && mvn -B -ntp -q -DskipTests package) >&2
}

xs_ensure_spark_home() {
  local spark scala stamp jars cp
  spark="$(xs_pom_property spark.version)"
  scala="$(xs_pom_property scala.binary.version)"
  stamp="spark $spark scala $scala"
  jars="$XS_SPARK_HOME/jars"
  if [[ -f "$XS_SPARK_HOME/VERSION" && "$(cat "$XS_SPARK_HOME/VERSION")" == "$stamp" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "Maven (mvn) is needed to build target/spark-home" >&2; return 1; }
  echo "building target/spark-home ($stamp: Spark's runtime jars from Maven, as symlinks) ..." >&2
  rm -rf "$XS_SPARK_HOME"
  mkdir -p "$jars"
  cp="$XS_SPARK_HOME/classpath.txt"
  (cd "$XS_ROOT" && mvn -B -ntp -q -f scripts/spark-home/pom.xml dependency:build-classpath -DincludeScope=runtime \
      "-Dspark.version=$spark" "-Dscala.binary.version=$scala" "-Dmdep.outputFile=$cp") >&2
  tr ':' '\n' < "$cp" | while read -r jar; do
    [[ -n "$jar" ]] && ln -s "$jar" "$jars/$(basename "$jar")"
  done
  [[ -n "$(ls "$jars"/spark-core_"$scala"-*.jar 2>/dev/null)" ]] \
    || { echo "target/spark-home: spark-core is missing from $jars" >&2; return 1; }
  echo "$stamp" > "$XS_SPARK_HOME/VERSION"
}
