#!/usr/bin/env bash
# Makes the timm aligned-Xception parity fixtures in OUTDIR/<arch>/ for xception41, xception65 and xception71
# with ../shared/bench/timm_aligned_ref.py (an independent PyTorch reference with timm's key names):
#   model.safetensors  random, BatchNorm-calibrated weights (timm's state_dict keys, num_batches_tracked included)
#   config.json        what timm's save_config_for_hf writes for <arch>.tf_in1k (pretrained_cfg)
#   golden.json        logits and 2048-d pre-logits of the reference for the 299x299 images of
#                      ../shared/fixtures/keras-formula/images299
# Used by the parity tests that need them:
#   scripts/make-timm-fixtures.sh /tmp/timm
#   mvn -B -ntp test -Dtimm.fixtures.dir=/tmp/timm
# Installs Debian's python3-torch/python3-numpy/python3-pil with apt-get only if they are missing (PyPI is
# not reachable here). Idempotent: an arch whose three files exist is not made again. ~1 min per arch on 2 cores.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUTDIR [SEED]" >&2
  exit 2
fi
OUTDIR=$1
SEED=${2:-11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REF=${TIMM_REF_PY:-$ROOT/../shared/bench/timm_aligned_ref.py}
IMAGES=${TIMM_FIXTURE_IMAGES:-$ROOT/../shared/fixtures/keras-formula/images299}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

[ -f "$REF" ] || { echo "error: $REF not found (set TIMM_REF_PY to timm_aligned_ref.py)" >&2; exit 1; }
[ -d "$IMAGES" ] || { echo "error: $IMAGES not found (set TIMM_FIXTURE_IMAGES)" >&2; exit 1; }

if ! "$PY" -c 'import torch, numpy, PIL' 2>/dev/null; then
  echo "installing python3-torch python3-numpy python3-pil with apt-get (needs root and Debian apt)..."
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-torch python3-numpy python3-pil
  echo "apt-get install took $(( $(date +%s) - start )) s"
  PY=/usr/bin/python3
fi

for arch in xception41 xception65 xception71; do
  dir="$OUTDIR/$arch"
  if [ -s "$dir/model.safetensors" ] && [ -s "$dir/config.json" ] && [ -s "$dir/golden.json" ]; then
    echo "timm fixtures for $arch already in $dir: nothing to do"
    continue
  fi
  start=$(date +%s)
  mkdir -p "$dir"
  "$PY" "$REF" make "$dir" "$arch" "$SEED" --nbt
  rm -f "$dir/model_ts.pt"   # the TorchScript copy is not used by the tests
  "$PY" "$REF" golden "$dir" "$IMAGES"/*.png > "$dir/golden.json.tmp"
  mv "$dir/golden.json.tmp" "$dir/golden.json"
  echo "made timm fixtures for $arch in $dir (seed $SEED) in $(( $(date +%s) - start )) s"
done
