#!/usr/bin/env bash
# The project's test command (README): builds and runs the whole JUnit 5 suite with Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp verify "$@"
