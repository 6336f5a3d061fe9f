#!/usr/bin/env bash
# The fleet simulator (issue 10): writes N libvirt test-driver host files with M guests each (mixed running, paused
# and shut-off guests, a NAT network on every host and an isolated one on two hosts in three, a storage pool with a
# volume per disk; unique names, UUIDs and MACs) and registers them with a running Virtdeck through its REST API.
# The files must stay readable by the server at the same path (same machine).
#
# usage: scripts/simulate-fleet.sh HOSTS GUESTS_PER_HOST [DIR]
#   VIRTDECK_URL (default http://127.0.0.1:8080), VIRTDECK_USER (default admin), VIRTDECK_PASSWORD (required)
#   DIR defaults to ~/.virtdeck/simulated-fleet; same numbers, same files (seeded).
# The demo does the same at start with VIRTDECK_DEMO=simulated VIRTDECK_DEMO_HOSTS=N VIRTDECK_DEMO_GUESTS_PER_HOST=M.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if (( $# < 2 )); then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
hosts=$1 guests=$2 dir=${3:-${HOME}/.virtdeck/simulated-fleet}
url=${VIRTDECK_URL:-http://127.0.0.1:8080}
user=${VIRTDECK_USER:-admin}
: "${VIRTDECK_PASSWORD:?set VIRTDECK_PASSWORD to the password of ${user}}"

classes=app/target/classes
if [[ ! -f ${classes}/io/virtdeck/hypervisor/testdriver/SimulatedFleet.class ]]; then
  echo "simulate-fleet: compiling the app module first (mvn -B -q -pl app -am compile)" >&2
  mvn -B -q -pl app -am compile
fi

registered=0 known=0
while read -r name uri; do
  body=$(printf '{"name":"%s","uri":"%s"}' "${name}" "${uri}")
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "${user}:${VIRTDECK_PASSWORD}" -H 'Content-Type: application/json' \
    -d "${body}" "${url}/api/v1/hosts")
  case ${code} in
    201) registered=$((registered + 1)) ;;
    409) known=$((known + 1)) ;;   # registered before: its file was rewritten the same
    *) echo "simulate-fleet: registering ${name} answered HTTP ${code}" >&2; exit 1 ;;
  esac
done < <(java -cp "${classes}" io.virtdeck.hypervisor.testdriver.SimulatedFleet "${dir}" "${hosts}" "${guests}")
echo "simulate-fleet: ${registered} hosts registered, ${known} already known; files in ${dir}"
