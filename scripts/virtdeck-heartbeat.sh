#!/bin/sh
# The host's heartbeat for Virtdeck's high availability: rewrites DIR/virtdeck-heartbeat-NAME every INTERVAL seconds,
# for as long as the host runs.
#
#   scripts/virtdeck-heartbeat.sh DIR [NAME] [INTERVAL]
#
# DIR is the directory of a storage pool every host shares (an NFS or cluster file system pool), the pool named by
# Virtdeck's VIRTDECK_HA_HEARTBEAT_POOL; NAME is the host's name in Virtdeck (default: `hostname -s`); INTERVAL is 5 s
# by default and must stay well below VIRTDECK_HA_GRACE. Virtdeck reads the file's modification time through another
# host's libvirt: a host whose libvirtd or management network died but which still runs (and may still run guests)
# keeps writing it, so its guests are not started a second time elsewhere. Run it beside libvirtd, not by it: it must
# live exactly as long as the host does (scripts/virtdeck-heartbeat.service is a systemd unit for it).
#
# Exit codes: 0 stopped by a signal; 2 usage; 1 the directory cannot be written at start.
set -eu

dir="${1:-}"
name="${2:-$(hostname -s)}"
interval="${3:-5}"
if [ -z "$dir" ] || [ "$dir" = -h ] || [ "$dir" = --help ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
fi
case "$name" in
  */*|.*|'') echo "virtdeck-heartbeat: '$name' cannot be part of a file name" >&2; exit 2 ;;
esac
case "$interval" in
  ''|*[!0-9.]*) echo "virtdeck-heartbeat: the interval is a number of seconds, not '$interval'" >&2; exit 2 ;;
esac

file="$dir/virtdeck-heartbeat-$name"
# Virtdeck reads only the file's time; the text is for people. Written in place: a temporary file beside it would
# show up as a volume of the pool.
beat() {
  date -u +"%Y-%m-%dT%H:%M:%SZ $name" >"$file"
}
beat || { echo "virtdeck-heartbeat: cannot write $file" >&2; exit 1; }
trap 'exit 0' TERM INT
while :; do
  sleep "$interval"
  # a storage hiccup skips a beat; a long one makes the heartbeat stale, as it should
  beat 2>/dev/null || true
done
