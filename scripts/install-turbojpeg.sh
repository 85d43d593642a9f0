#!/usr/bin/env bash
# Installs Debian's libturbojpeg-java (libjpeg-turbo's TurboJPEG Java API: /usr/share/java/turbojpeg.jar and
# the JNI library libturbojpeg.so.0) with apt-get if it is missing. The product finds it at run time and
# decodes JPEGs with it (faster; preprocess.jpeg-draft = auto needs it); JpegFastPathTest needs it.
# Needs root and Debian apt; does nothing when it is already there.
set -euo pipefail
JAR=/usr/share/java/turbojpeg.jar
if [ ! -f "$JAR" ]; then
  echo "installing Debian's libturbojpeg-java with apt-get (TurboJPEG JPEG decoding)..." >&2
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends libturbojpeg-java >&2
  echo "apt-get install took $(( $(date +%s) - start )) s" >&2
fi
[ -f "$JAR" ] || { echo "error: $JAR is missing after installing libturbojpeg-java" >&2; exit 1; }
