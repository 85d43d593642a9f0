#!/usr/bin/env bash
# The project's test command (README): the whole JUnit 5 suite with Maven.
# First makes the full-size reference Xception files (Keras .h5 + TorchScript, ~1-2 min the first time,
# installing Debian's python3-torch/python3-h5py if missing) and the timm xception41/65/71 safetensors fixtures
# (~2-3 min the first time) so the parity tests against official-layout files run too; where that is impossible
# (no root, no Debian apt) those tests are skipped, loudly.
# Installs Debian's chromium where it is missing, for the HTML report's browser test (which fails without it), and
# libvips-tools (the HEIC/AVIF/JPEG XL decoder, scripts/install-image-decoders.sh), whose tests fail without it (where
# it cannot be installed, loudly, and the run goes on).
set -euo pipefail
cd "$(dirname "$0")/.."
REF_DIR="$PWD/target/reference-model"
EXTRA=()
if scripts/make-reference-model.sh "$REF_DIR" 7; then
  EXTRA+=("-Dreference.model.dir=$REF_DIR")
else
  echo "WARNING: could not make the reference model files; the full-size reference parity tests will be SKIPPED." >&2
fi
TIMM_DIR="$PWD/target/timm-fixtures"
if scripts/make-timm-fixtures.sh "$TIMM_DIR"; then
  EXTRA+=("-Dtimm.fixtures.dir=$TIMM_DIR")
else
  echo "WARNING: could not make the timm fixtures; the xception41/65/71 parity tests will be SKIPPED." >&2
fi
EXTRA+=("-Dchromium.path=$(scripts/install-chromium.sh)")
scripts/install-image-decoders.sh >/dev/null || echo "WARNING: could not install libvips-tools; the HEIC/AVIF/JPEG XL" \
  "tests (HeifFixtureTest, HeifFormatsJobTest) will FAIL, each saying what to install." >&2
exec mvn -B -ntp verify "${EXTRA[@]}" "$@"
