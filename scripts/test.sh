#!/usr/bin/env bash
# The project's test command (README): the whole JUnit 5 suite with Maven (mvn verify). It needs nothing beside
# the repository: the tests read src/test/data and sample-data/, and the parity tests write their full-size weights
# files (Keras .h5, timm model.safetensors) in Java from the hash fixtures. Installs Debian's chromium where it is
# missing, for the HTML report's browser test, Debian's libturbojpeg-java, for the TurboJPEG decoding tests
# (JpegFastPathTest, PreprocessCropFixtureTest: they fail without it), and libvips-tools (the HEIC/AVIF/JPEG XL decoder,
# scripts/install-image-decoders.sh), whose tests fail without it (where it cannot be installed, loudly, and the run
# goes on). Ends with the 10 slowest test classes. Extra arguments go to Maven.
#
# scripts/test.sh crash [MAVEN ARGS]: only the tests tagged "crash" (kill -9 of a child driver JVM mid-write or
# mid-stream: KillDuringWriteTest, CrashDuringCommitTest, StreamKillTest), which mvn verify leaves out (pom.xml, test.excludedGroups); .ci/run runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
started=target/.test-started
touch "$started"
status=0
if [ "${1:-}" = crash ]; then
  shift
  mvn -B -ntp test -Dgroups=crash -Dtest.excludedGroups=none "$@" || status=$?
else
  scripts/install-turbojpeg.sh || echo "WARNING: could not install libturbojpeg-java; the TurboJPEG tests" \
    "(JpegFastPathTest, PreprocessCropFixtureTest) will FAIL, each saying what to install." >&2
  scripts/install-image-decoders.sh >/dev/null || echo "WARNING: could not install libvips-tools; the HEIC/AVIF/JPEG XL" \
    "tests (HeifFixtureTest, HeifFormatsJobTest) will FAIL, each saying what to install." >&2
  mvn -B -ntp verify "-Dchromium.path=$(scripts/install-chromium.sh)" "$@" || status=$?
fi
scripts/lib/slowest-tests.sh target/surefire-reports "$started" 10 || true
exit "$status"
