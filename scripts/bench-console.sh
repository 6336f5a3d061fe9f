#!/usr/bin/env bash
# The console proxy benchmark (issues 6 and 22): throughput against direct TCP and against websockify, CPU per GiB,
# added latency per message, and 200 consoles open at once; websockify is measured where it is installed
# (scripts/install-deps.sh bench) and skipped, with a line saying so, where it is not. Prints the figures (lines
# starting "[bench]"); the full Maven output goes to app/target/bench-console.log, the test's own output to
# app/target/surefire-reports/*-output.txt.
# Figures and how to read them: docs/benchmarks/console-proxy.md.
#
# usage: scripts/bench-console.sh [maven args...]     e.g. scripts/bench-console.sh -o   (offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p app/target
log=app/target/bench-console.log
# this benchmark alone (the profile runs every *Benchmark class, some of them against the lab), with the modules it
# uses built from this checkout (-am): ~/.m2's copies may be another branch's, e.g. without the newest migrations
only=(-Dtest=ConsoleProxyBenchmark -Dsurefire.failIfNoSpecifiedTests=false)
echo "bench-console: mvn -B -pl app -am test -Pbenchmark ${only[*]} $* (takes about 5 minutes)"
rm -f app/target/surefire-reports/*ConsoleProxyBenchmark-output.txt # no figures of an earlier run
status=0
mvn -B -pl app -am test -Pbenchmark "${only[@]}" "$@" >"$log" 2>&1 || status=$?
# surefire writes each test class's output to a file of its own (app/pom.xml: redirectTestOutputToFile)
grep -hE '^\[bench\]' app/target/surefire-reports/*ConsoleProxyBenchmark-output.txt 2>/dev/null || true
grep -E 'Tests run:|FAIL' "$log" || true
if (( status != 0 )); then
  echo "bench-console: Maven failed ($status); see $log" >&2
fi
exit "$status"
