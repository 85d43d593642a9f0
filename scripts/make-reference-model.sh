#!/usr/bin/env bash
# Makes the reference Xception files (xception_ref.h5, xception_ref_notop.h5, xception_ref.pt) in OUTDIR
# with ../shared/bench/xception_ref.py: full-size, uncompressed, contiguous Keras-layout weights with all
# 134 layer names, as the official Keras files are, and the same network traced to TorchScript. Optional, for
# manual measurements beside ../shared (scripts/bench-search.sh uses target/reference-model/xception_ref.h5 when
# it exists); no test and no other script needs it:
#   scripts/make-reference-model.sh target/reference-model 7
# Installs Debian's python3-torch/python3-h5py/python3-numpy with apt-get only if they are missing
# (PyPI is not reachable here). Idempotent: does nothing if OUTDIR already holds the three files.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUTDIR [SEED]" >&2
  exit 2
fi
OUTDIR=$1
SEED=${2:-7}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REF=${XCEPTION_REF_PY:-$ROOT/../shared/bench/xception_ref.py}
# Debian's interpreter: apt installs its modules there (a pyenv/venv python3 on PATH would not see them).
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

if [ -s "$OUTDIR/xception_ref.h5" ] && [ -s "$OUTDIR/xception_ref_notop.h5" ] && [ -s "$OUTDIR/xception_ref.pt" ]; then
  echo "reference model already in $OUTDIR: nothing to do"
  exit 0
fi
[ -f "$REF" ] || { echo "error: $REF not found (set XCEPTION_REF_PY to xception_ref.py)" >&2; exit 1; }

if ! "$PY" -c 'import torch, h5py, numpy' 2>/dev/null; then
  echo "installing python3-torch python3-h5py python3-numpy with apt-get (needs root and Debian apt)..."
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-torch python3-h5py python3-numpy
  echo "apt-get install took $(( $(date +%s) - start )) s"
  PY=/usr/bin/python3
fi

mkdir -p "$OUTDIR"
start=$(date +%s)
"$PY" "$REF" make "$OUTDIR" "$SEED"
echo "made reference model in $OUTDIR (seed $SEED) in $(( $(date +%s) - start )) s"
