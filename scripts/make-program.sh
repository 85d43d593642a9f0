#!/usr/bin/env bash
# Remakes the network program (TorchScript code, no weights) src/main/resources/io/xceptionspark/model/xception_program.pt
# from scripts/xception_program.py. Needed only after editing that file; the .pt file is committed, and nothing runs
# Python at run time. Installs Debian's python3-torch if it is missing.
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
"$PY" "$ROOT/scripts/xception_program.py" "$ROOT/src/main/resources/io/xceptionspark/model/xception_program.pt"
