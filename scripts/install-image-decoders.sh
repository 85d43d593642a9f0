#!/usr/bin/env bash
# Installs the decoder of HEIC/HEIF, AVIF and JPEG XL images (libvips' command-line tool `vips`, Debian package
# libvips-tools, which brings libheif with its HEVC/AV1 decoders and libjxl) with apt-get if it is missing, and prints
# its path. Executors need it on their PATH to decode those formats (docs/IMAGES.md); without it such files are
# UNSUPPORTED_FORMAT rows. The tests of those formats (HeifFixtureTest, ...) need it too. Needs root and Debian apt;
# does nothing when vips is already there.
set -euo pipefail
if ! command -v vips >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: vips is missing and cannot be installed here (installing Debian's libvips-tools needs root and" \
      "apt-get); without it HeifFixtureTest and HeifFormatsJobTest fail, saying so" >&2
    exit 1
  fi
  echo "installing Debian's libvips-tools with apt-get (the HEIC/AVIF/JPEG XL decoder)..." >&2
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends libvips-tools >&2
  echo "apt-get install took $(( $(date +%s) - start )) s" >&2
fi
command -v vips >/dev/null 2>&1 || { echo "error: vips is not on the PATH after installing libvips-tools" >&2; exit 1; }
command -v vips
