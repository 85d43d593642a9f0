#!/usr/bin/env bash
# The README's first command: builds the project if needed (Maven), then scores sample-data/ in an
# embedded local[*] Spark with jobs/sample.conf (labels and embeddings from one forward pass), prints the
# run summary and a few rows, and leaves the Parquet output in output/sample.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/xception-spark score --job jobs/sample.conf --show 8 "$@"
