#!/usr/bin/env bash
# The console proxy benchmark (issue 6): throughput against direct TCP, added latency per message, and 200 consoles
# open at once. Prints the figures (lines starting "[bench]"); the full Maven output goes to app/target/bench-console.log.
# Figures and how to read them: docs/benchmarks/console-proxy.md.
#
# usage: scripts/bench-console.sh [maven args...]     e.g. scripts/bench-console.sh -o   (offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# the app module's tests need the db and frontend-assets jars installed; build them once
if ! ls "${HOME}/.m2/repository/io/virtdeck/virtdeck-db/0.1.0-SNAPSHOT/"*.jar >/dev/null 2>&1 \
    || ! ls "${HOME}/.m2/repository/io/virtdeck/virtdeck-frontend-assets/0.1.0-SNAPSHOT/"*.jar >/dev/null 2>&1; then
  echo "bench-console: installing the modules first (mvn -B -pl app -am install -DskipTests -q)"
  mvn -B -pl app -am install -DskipTests -q "$@"
fi

mkdir -p app/target
log=app/target/bench-console.log
echo "bench-console: mvn -B -pl app test -Pbenchmark $* (takes about 2 minutes)"
status=0
mvn -B -pl app test -Pbenchmark "$@" >"$log" 2>&1 || status=$?
grep -E '^\[bench\]|Tests run:|FAIL' "$log" || true
if (( status != 0 )); then
  echo "bench-console: Maven failed ($status); see $log" >&2
fi
exit "$status"
