#!/usr/bin/env bash
# Prints the N slowest test classes of a run from surefire's XML reports: REPORTS_DIR, only the reports written
# after the file SINCE (so classes of earlier runs are left out), N (default 10).
set -euo pipefail
dir=$1 since=$2 n=${3:-10}
[ -d "$dir" ] || exit 0
mapfile -t reports < <(find "$dir" -maxdepth 1 -name 'TEST-*.xml' -newer "$since")
[ "${#reports[@]}" -gt 0 ] || exit 0
echo
echo "The $n slowest test classes (seconds, tests; surefire's reports in $dir):"
for f in "${reports[@]}"; do
  # the <testsuite ...> element's name, time and tests attributes
  grep -m1 -o '<testsuite [^>]*>' "$f" | awk '{
    name = $0; sub(/.* name="/, "", name); sub(/".*/, "", name)
    time = $0; sub(/.* time="/, "", time); sub(/".*/, "", time)
    tests = $0; sub(/.* tests="/, "", tests); sub(/".*/, "", tests)
    gsub(/,/, "", time)
    printf "%10.1f %5d  %s\n", time, tests, name }'
done | sort -rn | head -n "$n"
