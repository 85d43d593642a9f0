#!/usr/bin/env bash
# Remakes the bfloat16 networks' TorchScript programs (code, no weights) in
# src/main/resources/io/xceptionspark/model/: xception_bf16.pt (Keras' xception) from scripts/xception_bf16.py
# and aligned_xception_bf16.pt (timm's xception41/65/71) from scripts/aligned_xception_bf16.py. Needed only
# after editing those files; the .pt files are committed, and nothing runs Python at run time. Installs Debian's python3-torch if it is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "installing python3-torch with apt-get (needs root and Debian apt)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-torch
  PY=/usr/bin/python3
fi
OUT="$ROOT/src/main/resources/io/xceptionspark/model"
"$PY" "$ROOT/scripts/xception_bf16.py" "$OUT/xception_bf16.pt"
"$PY" "$ROOT/scripts/aligned_xception_bf16.py" "$OUT/aligned_xception_bf16.pt"
