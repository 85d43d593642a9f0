#!/usr/bin/env bash
# Installs Debian's chromium (for the HTML report's browser test, ReportBrowserTest) with apt-get if it is
# missing, and prints its path. Needs root and Debian apt; does nothing when chromium is already there.
set -euo pipefail
BIN="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$BIN" ]; then
  echo "installing Debian's chromium with apt-get (for the report's browser test)..." >&2
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium >&2
  echo "apt-get install took $(( $(date +%s) - start )) s" >&2
fi
[ -x "$BIN" ] || { echo "error: chromium is not at $BIN after installing it" >&2; exit 1; }
echo "$BIN"
