#!/usr/bin/env bash
# Builds a busybox root file system for a libvirt LXC system container, from the Debian package busybox-static.
#
#   scripts/build-busybox-rootfs.sh DIR     make DIR the container's root (creating it); running it again
#                                           rewrites every file and link it makes, leaving anything else in DIR
#
# DIR must be an absolute path outside the repository (a build output, not a source). The tree is small (~2 MiB:
# the static busybox, one link per applet, a few scripts). Start it with libvirt's LXC driver:
#
#   <domain type='lxc'>
#     <os><type>exe</type><init>/sbin/init</init></os>
#     <devices>
#       <filesystem type='mount'><source dir='DIR'/><target dir='/'/><readonly/></filesystem>
#       <interface type='network'><source network='default'/></interface>
#       <console type='pty'/>
#     </devices>
#   </domain>
#
# <readonly/> is optional: the container writes only to tmpfs (/run, /tmp), so one tree can serve several
# containers at once. Console lines to wait for:
#   virtdeck-lxc-ready hostname=NAME        (booted; NAME is the domain's name, which libvirt makes the hostname)
#   virtdeck-lxc: eth0 has address A.B.C.D  (DHCP lease taken; eth0 is the first <interface>)
#   virtdeck-lxc: stopping                  (virsh shutdown, or poweroff/halt/reboot in the container)
#   virtdeck-lxc: rebooting                 (virsh reboot, or reboot -f in the container)
# Then a root shell on the console, no login. `virsh shutdown` (plain, or --mode initctl|signal) stops the container
# and releases its DHCP lease; `virsh reboot` (plain, or --mode initctl|signal) restarts it. In the container,
# poweroff, halt and plain reboot stop it (busybox's reboot sends init the SIGTERM libvirt uses for shutdown);
# reboot -f restarts it.
#
# Needs root only to install busybox-static when /bin/busybox is missing or dynamically linked.
set -euo pipefail

say() { echo "build-busybox-rootfs: $*"; }
die() { echo "build-busybox-rootfs: error: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ "${1#-}" = "$1" ] || { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ROOT="$1"
case "$ROOT" in
  /) die "refusing to build into /" ;;
  /*) ROOT="${ROOT%/}" ;;
  *) die "DIR must be an absolute path, not '$ROOT'" ;;
esac

# A container runs the binary without any library of the host, so only the static busybox will do.
if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || die "busybox-static is not installed; run as root to install it"
  say "installing busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends busybox-static >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends busybox-static >/dev/null; }
fi

mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,var,usr/share/udhcpc}
# libvirt pivots into the tree and parks the host's mounts on /.oldroot, making it when missing: made here, the tree
# needs no writing at start, so it may also sit on a read-only file system.
mkdir -p "$ROOT/.oldroot"
chmod 1777 "$ROOT/tmp"
ln -sfn /run "$ROOT/var/run"
ln -sfn /tmp "$ROOT/var/tmp"
cp /bin/busybox "$ROOT/bin/busybox.new"
mv -f "$ROOT/bin/busybox.new" "$ROOT/bin/busybox"
# One link per applet where busybox expects it (sh, mount, udhcpc, ip, ...). The list names busybox itself too;
# /sbin/init is ours (below).
for applet in $("$ROOT/bin/busybox" --list-full); do
  case "$applet" in
    bin/busybox|sbin/init|linuxrc) ;;
    *) ln -sfn /bin/busybox "$ROOT/$applet" ;;
  esac
done

echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
echo "root:x:0:" >"$ROOT/etc/group"
# The DHCP script writes the name servers to /run, so the tree itself may be read-only.
ln -sfn /run/resolv.conf "$ROOT/etc/resolv.conf"
cat >"$ROOT/etc/profile" <<'EOF'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\h:\w\$ '
EOF

# PID 1. A shell rather than busybox init: busybox init reboots on SIGTERM, which is what libvirt sends for
# `virsh shutdown --mode signal`, so the container would come back instead of stopping.
cat >"$ROOT/sbin/init" <<'EOF'
#!/bin/sh
# PID 1 of the Virtdeck busybox container (written by scripts/build-busybox-rootfs.sh).
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
say() { echo "$*" >/dev/console; }

# libvirt has mounted /proc, /sys, /dev and /dev/pts; what the tree needs writable is tmpfs.
for d in /run /tmp; do
  grep -q " $d " /proc/mounts || mount -t tmpfs -o mode=1777 tmpfs "$d"
done
ip link set lo up

stop() {
  say "virtdeck-lxc: stopping"
  # udhcpc -R releases the lease as it exits
  [ -f /run/udhcpc.eth0.pid ] && kill "$(cat /run/udhcpc.eth0.pid)" 2>/dev/null
  sleep 0.3
  exit 0
}
# SIGTERM: virsh shutdown --mode signal and busybox reboot; SIGUSR1/SIGUSR2: busybox halt/poweroff. A namespace's
# init gets only the signals it handles, so each one needs its trap.
trap stop TERM INT USR1 USR2 PWR
# SIGHUP: virsh reboot --mode signal. reboot(2) in a container ends its init with SIGHUP, which libvirt takes as a
# reboot (and starts the container again).
trap 'say "virtdeck-lxc: rebooting"; reboot -f' HUP

# libvirt's plain `virsh shutdown` / `virsh reboot` (no --mode) only write a sysvinit request to an initctl FIFO
# and, when the container has none, do nothing at all. So answer them: a request is 384 bytes, magic 0x03091969,
# cmd 1 (runlevel), runlevel '0' (poweroff) or '6' (reboot), little-endian ints.
mkfifo -m 600 /run/initctl
(
  while :; do
    case "$(dd if=/run/initctl bs=384 count=1 2>/dev/null | od -An -tx1 -N12 | tr -d ' \n')" in
      691909030100000030000000) kill -TERM 1 ;;
      691909030100000036000000) kill -HUP 1 ;;
    esac
  done
) &

say "virtdeck-lxc-ready hostname=$(hostname)"

# DHCP on eth0 when the container has one (libvirt names its first interface eth0, already present at start).
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  udhcpc -f -R -i eth0 -s /usr/share/udhcpc/default.script -p /run/udhcpc.eth0.pid \
    -x "hostname:$(hostname)" -t 5 -T 2 -A 3 </dev/null >/dev/null 2>&1 &
else
  say "virtdeck-lxc: no eth0, no DHCP"
fi

# A root shell on the console, again after each exit; -c makes the console its controlling terminal (job control,
# ^C). `wait` is where PID 1 spends its time: it reaps every child, orphans included, and the traps run there.
( while :; do setsid -c sh -l </dev/console >/dev/console 2>&1; sleep 1; done ) &
while :; do wait; done
EOF
chmod 755 "$ROOT/sbin/init"

# udhcpc calls this with $1 = deconfig|bound|renew|leasefail|nak and the lease in the environment.
cat >"$ROOT/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    old="$(cat "/run/address.$interface" 2>/dev/null)"
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip route replace default via "$r" dev "$interface" && break; done
    : >/run/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/run/resolv.conf; done
    echo "$ip" >"/run/address.$interface"
    [ "$old" = "$ip" ] || echo "virtdeck-lxc: $interface has address $ip" >/dev/console
    ;;
esac
exit 0
EOF
chmod 755 "$ROOT/usr/share/udhcpc/default.script"

say "built $ROOT ($(du -sh "$ROOT" | cut -f1), busybox $("$ROOT/bin/busybox" | head -n1 | cut -d' ' -f2))"
