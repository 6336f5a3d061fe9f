#!/usr/bin/env bash
# The fleet-size benchmark (issue 10): 1,000 simulated hosts x 50 guests (libvirt's test driver), registered and
# inventoried, then reconcile, guest list API and page under concurrent load, libvirt event to SSE client, memory,
# and the guest list page in Chromium. Prints the figures (lines starting "[bench]"); the full Maven output goes to
# app/target/bench-scale.log. Figures and how to read them: docs/benchmarks.md.
#
# usage: scripts/bench-scale.sh [maven args...]   e.g. scripts/bench-scale.sh -o -Dscale.hosts=100 -Dscale.guests=20
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# -am builds the db and frontend-assets modules alongside: the migrations are this tree's, not whatever ~/.m2 holds
mkdir -p app/target
log=app/target/bench-scale.log
echo "bench-scale: mvn -B -pl app -am test -Pbenchmark -Dtest=ScaleBenchmark $* (takes 5 to 10 minutes)"
status=0
mvn -B -pl app -am test -Pbenchmark -Dtest=ScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@" >"$log" 2>&1 \
  || status=$?
grep -E '^\[bench\]|Tests run:|FAIL' "$log" || true
if (( status != 0 )); then
  echo "bench-scale: Maven failed ($status); see $log" >&2
fi
exit "$status"
