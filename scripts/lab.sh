#!/usr/bin/env bash
# A two-host libvirt lab on this one machine, for trying Virtdeck against real libvirtd + QEMU (TCG).
#
#   scripts/lab.sh up       start (or repair) the lab; does nothing more when it already runs
#   scripts/lab.sh debian   `up`, then build the Debian guest once (scripts/build-debian-guest.sh: minutes) and define
#                           `debian12` on lab1 (shut off, 512 MiB, 1 vCPU, boots its own disk debian12.qcow2 in
#                           `images`, NIC on `default`, a serial console, a qemu-guest-agent channel)
#   scripts/lab.sh down     stop exactly what `up` started (guests, dnsmasq, virtlogd, libvirtd); twice is fine
#   scripts/lab.sh status   say what runs, with each host's networks, pools and domains
#   scripts/lab.sh clean    `down`, then delete the hosts' state and the images (keeps the built tiny and Debian guests)
#
# Hosts (root only, each a libvirtd + virtlogd + virtlockd + HA heartbeat in its own mount namespace, own host_uuid,
# TCP on 127.0.0.1 only, no authentication):
#   lab1  qemu+tcp://127.0.0.1:16601/system   network `default` NAT on virbr-lab1 192.168.150.0/24
#   lab2  qemu+tcp://127.0.0.1:16602/system   network `default` NAT on virbr-lab2 192.168.151.0/24
# Each libvirtd also serves LXC system containers: lxc+tcp://127.0.0.1:16601/system and :16602 (same daemon, same
# networks and pools, its own domains). `up` builds a busybox root file system for them in $LAB_DIR/lxc-rootfs
# (scripts/build-busybox-rootfs.sh; it writes only to tmpfs, so containers can share it read-only); it defines no
# container. Details and measurements: docs/lxc-probe.md.
# Both have a dir pool `images` over the same directory (migrated guests find their disks). Disk leases: each host's
# virtlockd takes a lease for every disk a QEMU opens, in the lockspace $LAB_DIR/locks both hosts share, so QEMU on
# one host cannot open a disk a running QEMU on the other holds (the fencing high availability relies on). Heartbeat:
# each host runs scripts/virtdeck-heartbeat.sh, rewriting virtdeck-heartbeat-<host> every second in the dir pool
# `heartbeat` both hosts have over $LAB_DIR/heartbeat (Virtdeck's virtdeck.ha.heartbeat-pool=heartbeat); it dies with
# its host (`down`, or killing the host's processes). `up` defines guest
# `tiny1` on lab1 (shut off; 128 MiB, 1 fixed vCPU, direct kernel boot from scripts/build-tiny-guest.sh's output,
# tiny1.qcow2 in `images`, NIC on `default`, VNC on 127.0.0.1) unless it has it; a tiny1 an earlier run left on lab2
# goes home to lab1. `up` converges from whatever the directory holds (empty, an earlier run's, a killed run's: stale
# pid files, a half-copied image, firewall rules) and ends with every host's pools refreshed.
#
# State: ${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}/{lab1,lab2,images,locks,heartbeat,tiny,lxc-rootfs}. Per host: etc/ (bound over
# /etc/libvirt), lib/ (/var/lib/libvirt), cache/ (/var/cache/libvirt), log/ (/var/log/libvirt: libvirtd.log,
# virtlogd.log, virtlockd.log, qemu/<guest>.log, lxc/<container>.log), sock/ (libvirtd's unix sockets), *.pid, mntns (the namespace's id);
# /run/libvirt is a tmpfs of the namespace. Defined guests, containers, networks and pools survive down/up; `down`
# stops the running ones.
# Installs missing Debian packages with apt-get. NAT turns on net.ipv4.ip_forward; `down` of the last host puts
# back the value it found.
#
# Exit codes: 0 done (status: both hosts run); 1 failed (the message says what; status: not both run); 2 usage;
# 3 this machine cannot run the lab (not root, no unshare, libvirtd missing after install).
set -euo pipefail

LAB_DIR="${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOSTS=(lab1 lab2)
PACKAGES=(libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils dnsmasq-base iptables ovmf
  libvirt-daemon-driver-lxc)
READY_LIMIT=30   # seconds a libvirtd gets to answer
LIBVIRTD=/usr/sbin/libvirtd
VIRTLOGD=/usr/sbin/virtlogd

say() { echo "lab: $*"; }
warn() { echo "lab: $*" >&2; }
die() { echo "lab: $*" >&2; exit 1; }
refuse() { echo "lab: cannot run the lab on this machine: $*" >&2; exit 3; }

host_index() { case "$1" in lab1) echo 1 ;; lab2) echo 2 ;; esac; }
host_port() { echo "1660$(host_index "$1")"; }
host_uri() { echo "qemu+tcp://127.0.0.1:$(host_port "$1")/system"; }
host_lxc_uri() { echo "lxc+tcp://127.0.0.1:$(host_port "$1")/system"; }
host_uuid() { echo "7d1e0c5a-1ab0-4e5d-9c1a-00000000a00$(host_index "$1")"; }
host_bridge() { echo "virbr-$1"; }
host_net() { echo "192.168.$((149 + $(host_index "$1")))"; }   # lab1 192.168.150, lab2 192.168.151
host_dir() { echo "$LAB_DIR/$1"; }

v() { local h="$1"; shift; virsh -q -c "$(host_uri "$h")" "$@"; }
vl() { local h="$1"; shift; virsh -q -c "$(host_lxc_uri "$h")" "$@"; }

# --- checks and packages -------------------------------------------------------------------------------------

check_machine() {
  [[ "$(uname -s)" == Linux ]] || refuse "it needs Linux (mount namespaces)"
  [[ "$(id -u)" == 0 ]] || refuse "it needs root (mount namespaces, bridges, iptables); run it as root"
  command -v unshare >/dev/null || refuse "unshare is missing (Debian package util-linux)"
  command -v setsid >/dev/null || refuse "setsid is missing (Debian package util-linux)"
  command -v flock >/dev/null || refuse "flock is missing (Debian package util-linux)"
  case "$LAB_DIR" in
    /*) ;;
    *) refuse "VIRTDECK_LAB_DIR must be an absolute path, not '$LAB_DIR'" ;;
  esac
  case "$LAB_DIR/" in
    /run/libvirt/*|/var/run/libvirt/*|/var/lib/libvirt/*|/var/cache/libvirt/*|/etc/libvirt/*|/var/log/libvirt/*)
      refuse "VIRTDECK_LAB_DIR ($LAB_DIR) lies in a directory each lab host hides behind its own" ;;
  esac
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null || refuse "packages missing (${missing[*]}) and no apt-get to install them"
    say "installing ${missing[*]}"
    local log="/tmp/virtdeck-lab-apt.$$.log"
    if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
        "${missing[@]}"; } >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "apt-get could not install ${missing[*]} (log: $log)"
    fi
    rm -f "$log"
  fi
  [[ -x "$LIBVIRTD" ]] || refuse "$LIBVIRTD is missing after installing libvirt-daemon"
  [[ -x "$VIRTLOGD" ]] || refuse "$VIRTLOGD is missing after installing libvirt-daemon"
  command -v qemu-system-x86_64 >/dev/null || refuse "qemu-system-x86_64 is missing after installing qemu-system-x86"
  command -v dnsmasq >/dev/null || [[ -x /usr/sbin/dnsmasq ]] || refuse "dnsmasq is missing after installing dnsmasq-base"
  # Debian's QEMU driver looks its default user and group up at start and exits when they do not exist; they come
  # with libvirt-daemon-system, which would pull in systemd as init. Make them by hand (guests run as root anyway).
  getent group kvm >/dev/null || groupadd -r kvm
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd -r -g kvm -G libvirt-qemu -d /var/lib/libvirt -M \
    -s /usr/sbin/nologin libvirt-qemu
}

# --- processes ---------------------------------------------------------------------------------------------------

# A process that exists and is not a zombie (PID 1 here may reap late).
alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}
read_pid() { [[ -f "$1" ]] && tr -dc 0-9 <"$1" || true; }
mntns_of() { readlink "/proc/$1/ns/mnt" 2>/dev/null || true; }

# The host's libvirtd pid when it is alive, runs /usr/sbin/libvirtd and sits in the namespace recorded at start.
host_libvirtd_pid() {
  local d pid ns
  d="$(host_dir "$1")"
  pid="$(read_pid "$d/libvirtd.pid")"
  alive "$pid" || return 0
  ns="$(cat "$d/mntns" 2>/dev/null || true)"
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$LIBVIRTD" ]] || return 0
  [[ -n "$ns" && "$(mntns_of "$pid")" == "$ns" ]] || return 0
  [[ "$(cat "/proc/$pid/root/run/libvirt/virtdeck-lab-host" 2>/dev/null)" == "$d" ]] || return 0
  echo "$pid"
}

# Every process in the host's mount namespace (libvirtd, virtlogd, dnsmasq, qemu): only the lab puts anything
# there. A namespace id can be reused once its namespace is gone, so a process must also see the marker file the
# host's wrapper left in its private /run/libvirt. Never the namespace this script runs in.
ns_pids() {
  local d ns p
  d="$(host_dir "$1")"
  ns="$(cat "$d/mntns" 2>/dev/null || true)"
  [[ -n "$ns" && "$ns" != "$(mntns_of $$)" && "$ns" != "$(mntns_of 1)" ]] || return 0
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/mnt" 2>/dev/null)" == "$ns" ]] || continue
    [[ "$(cat "$p/root/run/libvirt/virtdeck-lab-host" 2>/dev/null)" == "$d" ]] || continue
    echo "${p#/proc/}"
  done
  return 0
}

answers() { timeout 10 virsh -q -c "$(host_uri "$1")" version >/dev/null 2>&1; }

# --- one host -----------------------------------------------------------------------------------------------------

write_host_files() {
  local h="$1" d
  d="$(host_dir "$h")"
  mkdir -p "$d"/{etc,lib,cache,log,sock} "$d/etc/qemu" "$d/lib/qemu" "$d/lib/dnsmasq" "$d/log/qemu"
  cat >"$d/etc/libvirtd.conf" <<EOF
# Written by scripts/lab.sh for lab host $h (seen as /etc/libvirt/libvirtd.conf inside its namespace)
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$(host_port "$h")"
auth_tcp = "none"
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_dir = "$d/sock"
host_uuid = "$(host_uuid "$h")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
  cat >"$d/etc/qemu.conf" <<EOF
# Written by scripts/lab.sh for lab host $h
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
vnc_listen = "127.0.0.1"
# VNC asks for a password, so only Virtdeck's one-time passwords (set per console session) open a guest's screen
vnc_password = "$(head -c 18 /dev/urandom | base64)"
spice_listen = "127.0.0.1"
stdio_handler = "logd"
lock_manager = "lockd"
EOF
  cat >"$d/etc/qemu-lockd.conf" <<EOF
# Written by scripts/lab.sh for lab host $h: a lease per disk, in the lockspace both lab hosts share
auto_disk_leases = 1
require_lease_for_disks = 1
file_lockspace_dir = "$LAB_DIR/locks"
EOF
  cat >"$d/etc/virtlockd.conf" <<EOF
# Written by scripts/lab.sh for lab host $h
log_outputs = "3:file:/var/log/libvirt/virtlockd.log"
EOF
  cat >"$d/etc/virtlogd.conf" <<EOF
# Written by scripts/lab.sh for lab host $h
log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
EOF
  : >"$d/etc/libvirt.conf"
  cat >"$d/run-host.sh" <<'EOF'
#!/bin/sh
# Written by scripts/lab.sh. Runs inside `unshare --mount --propagation private`: hides the machine's libvirt
# directories behind this lab host's own, starts its virtlogd, then becomes its libvirtd (same pid as unshare).
set -eu
d="$1"
heartbeat="$2"   # the heartbeat script, then its directory, host name and interval
shift 2
mount -t tmpfs -o size=32m,mode=0755 lab-run /run/libvirt
mount --bind "$d/etc" /etc/libvirt
mount --bind "$d/lib" /var/lib/libvirt
mount --bind "$d/cache" /var/cache/libvirt
mount --bind "$d/log" /var/log/libvirt
echo "$d" >/run/libvirt/virtdeck-lab-host   # marks this namespace as the lab host's (see ns_pids)
# On a hybrid cgroup layout (v1 hierarchies plus cgroup2 on /sys/fs/cgroup/unified) libvirt's LXC driver tries to
# make /sys/fs/cgroup/unified inside each new container and fails to start it; hidden here, libvirt uses v1 alone.
if grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/mounts; then umount /sys/fs/cgroup/unified; fi
readlink /proc/self/ns/mnt >"$d/mntns"
/usr/sbin/virtlogd --config /etc/libvirt/virtlogd.conf --pid-file "$d/virtlogd.pid" </dev/null \
  >>"$d/log/virtlogd.out" 2>&1 &
/usr/sbin/virtlockd --config /etc/libvirt/virtlockd.conf --pid-file "$d/virtlockd.pid" </dev/null \
  >>"$d/log/virtlockd.out" 2>&1 &
# the host's HA heartbeat (scripts/virtdeck-heartbeat.sh DIR NAME INTERVAL): lives and dies with this host
sh "$heartbeat" "$@" </dev/null >>"$d/log/heartbeat.out" 2>&1 &
echo $! >"$d/virtdeck-heartbeat.pid"
i=0
while { [ ! -S /run/libvirt/virtlogd-sock ] || [ ! -S /run/libvirt/virtlockd-sock ]; } && [ $i -lt 100 ]; do
  sleep 0.1; i=$((i + 1))
done
exec /usr/sbin/libvirtd --listen --config /etc/libvirt/libvirtd.conf --pid-file "$d/libvirtd.pid"
EOF
  chmod 700 "$d/run-host.sh"
}

# Kill whatever of the host is left (after its libvirtd died or was stopped), undo its bridge and firewall rules.
sweep_host() {
  local h="$1" d pids p i br net t
  d="$(host_dir "$h")"
  pids="$(ns_pids "$h")"
  if [[ -n "$pids" ]]; then
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pids="$(for p in $pids; do alive "$p" && echo "$p"; done || true)"
      [[ -z "$pids" ]] && break
      sleep 0.1
    done
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
  fi
  # a virtlogd or virtlockd started before the namespace id was written (wrapper died half-way)
  for daemon in virtlogd virtlockd; do
    p="$(read_pid "$d/$daemon.pid")"
    if alive "$p" && [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == "/usr/sbin/$daemon" ]] \
        && [[ "$(mntns_of "$p")" != "$(mntns_of $$)" ]]; then
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  br="$(host_bridge "$h")"
  net="$(host_net "$h").0/24"
  ip link show "$br" >/dev/null 2>&1 && ip link del "$br" 2>/dev/null || true
  if command -v iptables-save >/dev/null; then
    for t in filter nat mangle; do
      iptables -w -t "$t" -S 2>/dev/null | grep -E -- "(^| )(${br}|${net//./\\.})( |$)" | grep '^-A ' \
        | while read -r rule; do eval "iptables -w -t $t -D ${rule#-A }" 2>/dev/null || true; done || true
    done
  fi
  rm -f "$d/libvirtd.pid" "$d/virtlogd.pid" "$d/virtlockd.pid" "$d/virtdeck-heartbeat.pid" "$d/mntns" "$d/launcher.pid"
}

start_host() {
  local h="$1" d pid i
  d="$(host_dir "$h")"
  pid="$(host_libvirtd_pid "$h")"
  if [[ -n "$pid" ]] && answers "$h"; then
    return 0
  fi
  if [[ -n "$pid" ]]; then
    warn "$h: libvirtd (pid $pid) does not answer on $(host_uri "$h"): restarting it"
    kill -TERM "$pid" 2>/dev/null || true
    sleep 1
  elif [[ -e "$d/libvirtd.pid" || -e "$d/mntns" ]]; then
    say "$h: clearing a stale pid file"
  fi
  sweep_host "$h"
  if ss -Hltn "sport = :$(host_port "$h")" 2>/dev/null | grep -q .; then
    local holder owner
    holder="$(ss -Hltnp "sport = :$(host_port "$h")" | grep -o 'pid=[0-9]*' | head -1 | tr -dc 0-9)"
    owner="$(cat "/proc/$holder/root/run/libvirt/virtdeck-lab-host" 2>/dev/null || true)"
    if [[ -n "$owner" ]]; then
      die "$h: port $(host_port "$h") is held by the lab in ${owner%/*}: stop it first" \
        "(VIRTDECK_LAB_DIR=${owner%/*} $0 down)"
    fi
    die "$h: port $(host_port "$h") is taken by another program: $(ss -Hltnp "sport = :$(host_port "$h")" | head -1)"
  fi
  write_host_files "$h"
  # QEMU's capabilities, probed by the first host to start (~8 s under TCG), hold for the other host too
  local other
  for other in "${HOSTS[@]}"; do
    if [[ "$other" != "$h" && -z "$(ls -A "$d/cache/qemu/capabilities" 2>/dev/null)" \
        && -n "$(ls -A "$(host_dir "$other")/cache/qemu/capabilities" 2>/dev/null)" ]]; then
      mkdir -p "$d/cache/qemu"
      cp -a "$(host_dir "$other")/cache/qemu/capabilities" "$d/cache/qemu/"
    fi
  done
  : >"$d/log/libvirtd.out"
  # the host's daemons outlive this script: they must not keep any file it inherited open, such as the lock of a
  # caller's `flock FILE scripts/lab.sh up`, which every later caller would then wait for until the lab stops
  (
    for fd in /proc/self/fd/*; do
      n="${fd##*/}"
      if ((n > 2)); then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec setsid unshare --mount --propagation private "$d/run-host.sh" "$d" \
      "$SCRIPT_DIR/virtdeck-heartbeat.sh" "$LAB_DIR/heartbeat" "$h" 1
  ) </dev/null >>"$d/log/libvirtd.out" 2>&1 &
  echo $! >"$d/launcher.pid"
  for ((i = 0; i < READY_LIMIT * 5; i++)); do
    pid="$(host_libvirtd_pid "$h")"
    if [[ -n "$pid" ]] && answers "$h"; then
      say "$h: libvirtd $pid, virtlogd $(read_pid "$d/virtlogd.pid") on $(host_uri "$h")"
      return 0
    fi
    if ! alive "$(read_pid "$d/launcher.pid")"; then
      warn "$h: libvirtd exited at start:"
      tail -n 15 "$d/log/libvirtd.out" "$d/log/libvirtd.log" 2>/dev/null | grep -v '^$' >&2 || true
      sweep_host "$h"
      return 1
    fi
    sleep 0.2
  done
  warn "$h: libvirtd did not answer on $(host_uri "$h") within ${READY_LIMIT} s (logs in $d/log)"
  sweep_host "$h"
  return 1
}

stop_host() {
  local h="$1" d pid dom net i
  d="$(host_dir "$h")"
  pid="$(host_libvirtd_pid "$h")"
  if [[ -n "$pid" ]] && answers "$h"; then
    # let libvirt undo what it did: guests and containers, then networks (dnsmasq, bridge, iptables rules)
    for dom in $(v "$h" list --name 2>/dev/null); do
      timeout 20 virsh -q -c "$(host_uri "$h")" destroy "$dom" >/dev/null 2>&1 || true
    done
    for dom in $(vl "$h" list --name 2>/dev/null); do
      timeout 20 virsh -q -c "$(host_lxc_uri "$h")" destroy "$dom" >/dev/null 2>&1 || true
    done
    for net in $(v "$h" net-list --name 2>/dev/null); do
      timeout 20 virsh -q -c "$(host_uri "$h")" net-destroy "$net" >/dev/null 2>&1 || true
    done
  fi
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  local was=""
  [[ -n "$pid" || -e "$d/mntns" || -e "$d/virtlogd.pid" ]] && was=1
  sweep_host "$h"
  [[ -n "$was" ]] && say "$h: stopped" || say "$h: was not running"
}

# --- what each host holds -------------------------------------------------------------------------------------------

ensure_network() {
  local h="$1" n br
  n="$(host_net "$h")"
  br="$(host_bridge "$h")"
  if ! v "$h" net-info default >/dev/null 2>&1; then
    local xml="$LAB_DIR/$h/network-default.xml"
    cat >"$xml" <<EOF
<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='$br' stp='on' delay='0'/>
  <mac address='52:54:00:1a:b0:0$(host_index "$h")'/>
  <ip address='$n.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='$n.2' end='$n.254'/>
    </dhcp>
  </ip>
</network>
EOF
    v "$h" net-define "$xml" >/dev/null
  fi
  v "$h" net-autostart default >/dev/null
  if [[ "$(v "$h" net-info default | awk '/^Active:/ {print $2}')" != yes ]]; then
    v "$h" net-start default >/dev/null || die "$h: cannot start network default (see $LAB_DIR/$h/log/libvirtd.log)"
  fi
}

ensure_pool() {
  local h="$1" pool="$2"
  if ! v "$h" pool-info "$pool" >/dev/null 2>&1; then
    v "$h" pool-define-as "$pool" dir --target "$LAB_DIR/$pool" >/dev/null
  fi
  v "$h" pool-autostart "$pool" >/dev/null
  if [[ "$(v "$h" pool-info "$pool" | awk '/^State:/ {print $2}')" != running ]]; then
    v "$h" pool-start "$pool" >/dev/null
  fi
}

# Every host's pools look at the shared directory again: a pool lists only the files it saw at its last start or
# refresh, so a volume put there through one host (or by this script) is unknown to the others until then, and libvirt
# there cannot resolve a disk given as <source pool='images' volume='...'/>.
refresh_pools() {
  local h pool
  for h in "${HOSTS[@]}"; do
    for pool in $(v "$h" pool-list --name); do
      v "$h" pool-refresh "$pool" >/dev/null || die "$h: cannot refresh pool $pool"
    done
  done
}

# The tiny guest's kernel, initrd and disk (scripts/build-tiny-guest.sh makes them in $LAB_DIR/tiny).
TINY_BUILD_FAILED=""
ensure_tiny_files() {
  local tiny="$LAB_DIR/tiny"
  # the build script keeps what it built while its own text and the kernel are unchanged (tiny/VERSION)
  if [[ -x "$SCRIPT_DIR/build-tiny-guest.sh" ]]; then
    say "checking the tiny guest (scripts/build-tiny-guest.sh, log: $LAB_DIR/build-tiny-guest.log)"
    if ! VIRTDECK_LAB_DIR="$LAB_DIR" "$SCRIPT_DIR/build-tiny-guest.sh" </dev/null >"$LAB_DIR/build-tiny-guest.log" 2>&1 \
        || [[ ! -f "$tiny/vmlinuz" || ! -f "$tiny/initrd.img" ]]; then
      tail -n 10 "$LAB_DIR/build-tiny-guest.log" >&2 || true
      TINY_BUILD_FAILED=1
      warn "scripts/build-tiny-guest.sh failed: tiny1 cannot start (log: $LAB_DIR/build-tiny-guest.log)"
    fi
  else
    warn "no tiny guest in $tiny and no scripts/build-tiny-guest.sh: tiny1 is defined but cannot start"
  fi
}

# The containers' root file system (the build script rewrites its own files each time, in well under a second).
ensure_lxc_rootfs() {
  "$SCRIPT_DIR/build-busybox-rootfs.sh" "$LAB_DIR/lxc-rootfs" </dev/null \
    >"$LAB_DIR/build-busybox-rootfs.log" 2>&1 \
    || { tail -n 10 "$LAB_DIR/build-busybox-rootfs.log" >&2; die "scripts/build-busybox-rootfs.sh failed"; }
}

# tiny1 lives on lab1. A run killed mid-migration can leave it on lab2: a running one is migrated home, a shut-off one
# is undefined there (its disk stays in the shared directory) and defined again on lab1 below.
tiny1_home() {
  v lab2 dominfo tiny1 >/dev/null 2>&1 || return 0
  if [[ "$(v lab2 domstate tiny1 2>/dev/null)" == running ]] && ! v lab1 dominfo tiny1 >/dev/null 2>&1 \
      && v lab2 migrate tiny1 "$(host_uri lab1)" --live --p2p --persistent --undefinesource --unsafe >/dev/null 2>&1; then
    say "lab2: tiny1 was left there; migrated home to lab1"
    return 0
  fi
  v lab2 destroy tiny1 >/dev/null 2>&1 || true
  v lab2 undefine tiny1 --managed-save --snapshots-metadata >/dev/null 2>&1 || v lab2 undefine tiny1 >/dev/null
  say "lab2: removed tiny1 left there by an earlier run (its disk stays)"
}

# The shared directory as a killed run may leave it: a copy cut short (*.part), or a tiny1 disk that is no qcow2.
sweep_images() {
  local part
  for part in "$LAB_DIR"/images/*.part; do
    [[ -e "$part" ]] || continue
    rm -f "$part"
    say "removed $part, a copy an earlier run did not finish"
  done
  if [[ -f "$LAB_DIR/images/tiny1.qcow2" ]] && [[ "$(v lab1 domstate tiny1 2>/dev/null)" != running ]] \
      && ! qemu-img check -q -f qcow2 "$LAB_DIR/images/tiny1.qcow2" >/dev/null 2>&1; then
    rm -f "$LAB_DIR/images/tiny1.qcow2"
    say "removed a damaged tiny1.qcow2; it is made again"
  fi
}

ensure_tiny1() {
  local h=lab1 tiny="$LAB_DIR/tiny" other
  tiny1_home
  sweep_images
  if [[ ! -f "$LAB_DIR/images/tiny1.qcow2" ]]; then
    if [[ -f "$tiny/disk.qcow2" ]]; then
      cp --sparse=always "$tiny/disk.qcow2" "$LAB_DIR/images/tiny1.qcow2.part"
      mv "$LAB_DIR/images/tiny1.qcow2.part" "$LAB_DIR/images/tiny1.qcow2"
    else
      qemu-img create -q -f qcow2 "$LAB_DIR/images/tiny1.qcow2" 64M
    fi
  fi
  local xml="$LAB_DIR/lab1/tiny1.xml"
  cat >"$xml.new" <<EOF
<domain type='qemu'>
  <name>tiny1</name>
  <uuid>7d1e0c5a-71e1-4b1d-8e55-0000000a1b01</uuid>
  <memory unit='MiB'>128</memory>
  <currentMemory unit='MiB'>128</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$tiny/vmlinuz</kernel>
    <initrd>$tiny/initrd.img</initrd>
    <cmdline>console=ttyS0 console=tty0 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='images' volume='tiny1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:1a:b1:01'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <log file='$LAB_DIR/tiny1-console.log' append='off'/>
    </serial>
    <console type='pty'/>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>
EOF
  define_on_lab1 tiny1
}

# define_on_lab1 NAME: defines the guest written to $LAB_DIR/lab1/NAME.xml.new on lab1, unless it has it; a shut-off one
# whose template changed is redefined (its disk volume stays).
define_on_lab1() {
  local name="$1" xml="$LAB_DIR/lab1/$1.xml"
  if v lab1 dominfo "$name" >/dev/null 2>&1; then
    if ! cmp -s "$xml.new" "$xml" && [[ "$(v lab1 domstate "$name" 2>/dev/null)" == "shut off" ]]; then
      mv "$xml.new" "$xml"
      v lab1 undefine "$name" >/dev/null
      v lab1 define "$xml" >/dev/null
      say "lab1: $name redefined (its template changed)"
    fi
    rm -f "$xml.new"
    return 0
  fi
  mv "$xml.new" "$xml"
  v lab1 define "$xml" >/dev/null
  say "lab1: defined $name"
}

# The Debian guest (scripts/build-debian-guest.sh, cached in $LAB_DIR/debian): built on demand only, the build takes
# minutes. debian12.qcow2 is a copy of the built disk, made once per build (a guest's disk is its own from then on,
# until the image itself changes: then the copy is made anew, so that no lab keeps testing an older image).
ensure_debian12() {
  local debian="$LAB_DIR/debian"
  say "checking the Debian guest (scripts/build-debian-guest.sh, log: $LAB_DIR/build-debian-guest.log)"
  if ! VIRTDECK_LAB_DIR="$LAB_DIR" "$SCRIPT_DIR/build-debian-guest.sh" </dev/null >"$LAB_DIR/build-debian-guest.log" 2>&1; then
    tail -n 20 "$LAB_DIR/build-debian-guest.log" >&2 || true
    die "scripts/build-debian-guest.sh failed (log: $LAB_DIR/build-debian-guest.log)"
  fi
  if [[ ! -f "$LAB_DIR/images/debian12.qcow2" ]] \
      || ! cmp -s "$debian/VERSION" "$LAB_DIR/debian12.version"; then
    v lab1 destroy debian12 >/dev/null 2>&1 || true
    cp --sparse=always "$debian/disk.qcow2" "$LAB_DIR/images/debian12.qcow2.part"
    mv "$LAB_DIR/images/debian12.qcow2.part" "$LAB_DIR/images/debian12.qcow2"
    cp "$debian/VERSION" "$LAB_DIR/debian12.version"
    refresh_pools
  fi
  cat >"$LAB_DIR/lab1/debian12.xml.new" <<EOF
<domain type='qemu'>
  <name>debian12</name>
  <uuid>7d1e0c5a-71e1-4b1d-8e55-0000000d1b12</uuid>
  <memory unit='MiB'>512</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='images' volume='debian12.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:1a:d1:12'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <log file='$LAB_DIR/debian12-console.log' append='off'/>
    </serial>
    <console type='pty'/>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>
EOF
  define_on_lab1 debian12
}

# --- commands -------------------------------------------------------------------------------------------------------

cmd_up() {
  check_machine
  install_packages
  mkdir -p "$LAB_DIR/images" "$LAB_DIR/locks" "$LAB_DIR/heartbeat" "$LAB_DIR/tiny"
  local d
  for d in /run/libvirt /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    mkdir -p "$d"   # mount points; each lab host mounts its own over them
  done
  [[ -f "$LAB_DIR/ip_forward.orig" ]] || cat /proc/sys/net/ipv4/ip_forward >"$LAB_DIR/ip_forward.orig"
  local h failed=0
  for h in "${HOSTS[@]}"; do
    start_host "$h" || failed=1
  done
  ((failed == 0)) || die "the lab did not come up (logs in $LAB_DIR/lab*/log)"
  for h in "${HOSTS[@]}"; do
    ensure_network "$h"
    ensure_pool "$h" images
    ensure_pool "$h" heartbeat
  done
  refresh_pools
  ensure_tiny_files
  ensure_tiny1
  ensure_lxc_rootfs
  refresh_pools
  [[ -z "$TINY_BUILD_FAILED" ]] || die "the lab runs, but the tiny guest could not be built"
  say "up: lab1 $(host_uri lab1), lab2 $(host_uri lab2)"
}

# libvirt's shared LIBVIRT_* chains (made by the first network start), once empty and no libvirtd runs at all.
remove_empty_chains() {
  command -v iptables >/dev/null || return 0
  local p
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/exe" 2>/dev/null)" == "$LIBVIRTD" ]] && return 0
  done
  local t chain parent
  for t in filter nat mangle; do
    for chain in LIBVIRT_INP:INPUT LIBVIRT_OUT:OUTPUT LIBVIRT_FWX:FORWARD LIBVIRT_FWI:FORWARD LIBVIRT_FWO:FORWARD \
        LIBVIRT_PRT:POSTROUTING; do
      parent="${chain#*:}"
      chain="${chain%%:*}"
      iptables -w -t "$t" -S "$chain" >/dev/null 2>&1 || continue
      [[ "$(iptables -w -t "$t" -S "$chain" | grep -c '^-A ')" == 0 ]] || continue
      while iptables -w -t "$t" -D "$parent" -j "$chain" 2>/dev/null; do :; done
      iptables -w -t "$t" -X "$chain" 2>/dev/null || true
    done
  done
}

cmd_debian() {
  cmd_up
  ensure_debian12
  say "debian12 on lab1 $(host_uri lab1)"
}

cmd_down() {
  check_machine
  local h
  for h in "${HOSTS[@]}"; do
    stop_host "$h"
  done
  remove_empty_chains
  if [[ -f "$LAB_DIR/ip_forward.orig" ]]; then
    cat "$LAB_DIR/ip_forward.orig" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
    rm -f "$LAB_DIR/ip_forward.orig"
  fi
}

cmd_status() {
  local h pid d running=0 p extra
  for h in "${HOSTS[@]}"; do
    d="$(host_dir "$h")"
    pid=""
    [[ "$(id -u)" == 0 ]] && pid="$(host_libvirtd_pid "$h")"
    if [[ "$(id -u)" != 0 ]] && answers "$h"; then
      running=$((running + 1))
      echo "$h: answering  $(host_uri "$h")  (run as root for pids)"
    elif [[ -n "$pid" ]] && answers "$h"; then
      running=$((running + 1))
      extra=""
      for p in $(ns_pids "$h"); do
        [[ "$p" == "$pid" ]] && continue
        extra+=" $(basename "$(readlink "/proc/$p/exe" 2>/dev/null || echo "?")") $p,"
      done
      echo "$h: running  $(host_uri "$h")  libvirtd $pid,${extra%,}"
      echo "  networks: $(v "$h" net-list --all | awk '{printf "%s%s(%s)", sep, $1, $2; sep=" "}')"
      echo "  pools:    $(v "$h" pool-list --all | awk '{printf "%s%s(%s)", sep, $1, $2; sep=" "}')"
      echo "  domains:  $(v "$h" list --all | awk '{s=$3; for (i=4;i<=NF;i++) s=s" "$i; printf "%s%s(%s)", sep, $2, s; sep=" "}')"
      echo "  containers: $(vl "$h" list --all | awk '{s=$3; for (i=4;i<=NF;i++) s=s" "$i; printf "%s%s(%s)", sep, $2, s; sep=" "}')  $(host_lxc_uri "$h")"
    elif [[ -n "$pid" ]]; then
      echo "$h: NOT ANSWERING  $(host_uri "$h")  libvirtd $pid"
    else
      echo "$h: stopped  $(host_uri "$h")"
    fi
  done
  ((running == ${#HOSTS[@]}))
}

# One `up`/`down`/`clean` at a time (test JVMs may call it in parallel). The daemons must not inherit fd 9.
lock() {
  check_machine
  mkdir -p "$LAB_DIR"
  exec 9>"$LAB_DIR/.lock"
  flock -w 600 9 || die "another scripts/lab.sh holds $LAB_DIR/.lock"
}

case "${1:-}" in
  up) lock; cmd_up ;;
  debian) lock; cmd_debian ;;
  down) lock; cmd_down ;;
  status) cmd_status ;;
  clean)
    lock
    cmd_down
    rm -rf "$LAB_DIR/lab1" "$LAB_DIR/lab2" "$LAB_DIR/images" "$LAB_DIR/heartbeat" "$LAB_DIR/build-tiny-guest.log" \
      "$LAB_DIR/build-debian-guest.log" "$LAB_DIR/build-busybox-rootfs.log"
    say "removed the lab hosts' state and images in $LAB_DIR (kept the built guests in $LAB_DIR/tiny and $LAB_DIR/debian)" ;;
  -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
  *) echo "usage: $0 up|debian|down|status|clean" >&2; exit 2 ;;
esac
