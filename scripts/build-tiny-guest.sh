#!/usr/bin/env bash
# Builds, once, a tiny bootable Linux guest for the Virtdeck lab, from Debian packages only.
#
#   scripts/build-tiny-guest.sh [OUTPUT_DIR]          build (a no-op printing "up to date" when nothing changed)
#   scripts/build-tiny-guest.sh --check [OUTPUT_DIR]  build if needed, then boot it once under QEMU (TCG) and
#                                                    fail unless it prints its banner, gets a DHCP lease and
#                                                    powers off on an ACPI power-button press
#
# OUTPUT_DIR defaults to ${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}/tiny. Never point it inside the repository:
# the images are build outputs, not sources. It receives:
#   vmlinuz      Debian's cloud kernel (linux-image-<ver>-cloud-amd64, the one linux-image-cloud-amd64 points at;
#                VIRTDECK_TINY_KERNEL=<ver>, e.g. 6.1.0-56-cloud-amd64, picks another one)
#   initrd.img   a gzip'd cpio initramfs: busybox-static, the few virtio/ACPI modules the kernel has as modules,
#                and an /init that prints a banner, runs DHCP on every NIC and powers off on the ACPI power button
#   disk.qcow2   an empty 64 MiB qcow2 the guest never touches; the lab attaches it (copy it per guest) so that
#                snapshots and migration have a disk to work with
#   VERSION      hash of this script + kernel version; when it matches, the build is skipped
#
# Boot it by direct kernel boot (libvirt: <os><type>hvm</type><kernel>…/vmlinuz</kernel>
# <initrd>…/initrd.img</initrd><cmdline>console=ttyS0 console=tty0 quiet</cmdline></os>, with
# <features><acpi/></features> so the power button exists). Kernel command line:
#
#   console=ttyS0 console=tty0 quiet [hostname=NAME]
#
# console=ttyS0 sends kernel messages to the serial console, console=tty0 makes the VGA screen the main console,
# quiet keeps the kernel's boot chatter out of both. hostname=NAME (optional, default virtdeck-tiny) sets the
# guest's hostname, which it also sends with its DHCP request.
#
# In the guest: a root shell on ttyS0 (serial console) and on tty1 (VGA screen), no login. Console lines the lab
# can wait for (on serial and screen alike):
#   *** Virtdeck tiny guest: booted ***
#   *** Virtdeck tiny guest: eth0 has address 10.0.2.15 ***
#   *** Virtdeck tiny guest: ACPI power button pressed, powering off ***
#
# Needs root (it installs busybox-static, cpio, kmod, qemu-utils with apt-get and downloads the kernel package);
# --check also needs qemu-system-x86 (installed when missing).
set -euo pipefail

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
CMDLINE="console=ttyS0 console=tty0 quiet"
DISK_SIZE="64M"
# Modules loaded in the guest, in this order, with their dependencies (worked out with the host's modprobe).
# Everything else the guest needs (ACPI, PCI and PCIe hotplug, 8250 serial, devtmpfs, packet sockets) is built
# into Debian's cloud kernel. evdev gives busybox acpid the /dev/input/event* device the power button reports to.
REQUIRED_MODULES="virtio_pci virtio_net virtio_blk button evdev"
OPTIONAL_MODULES="virtio_console virtio_balloon virtio_rng"

say() { echo "build-tiny-guest: $*"; }
die() { echo "build-tiny-guest: error: $*" >&2; exit 1; }

usage() { sed -n '2,38p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//'; }

CHECK=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) CHECK=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) [ -z "$OUT" ] || { usage >&2; exit 2; }; OUT="$1" ;;
  esac
  shift
done
OUT="${OUT:-${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}/tiny}"

is_root() { [ "$(id -u)" -eq 0 ]; }
need_root() {
  is_root || die "$1 needs root (apt-get install / apt-get download); run it as root, e.g. sudo $0"
}

# --- tools ---------------------------------------------------------------------------------------------------

APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
}

# ensure_tools PACKAGE:COMMAND ... installs the packages whose command is missing (apt-get update only on failure).
ensure_tools() {
  local spec missing=()
  for spec in "$@"; do
    command -v "${spec#*:}" >/dev/null 2>&1 || [ -x "${spec#*:}" ] || missing+=("${spec%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "installing ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    apt_update_once
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The kernel version (e.g. 6.1.0-56-cloud-amd64): VIRTDECK_TINY_KERNEL, else what the linux-image-cloud-amd64
# meta-package depends on, else the newest linux-image-*-cloud-amd64 apt knows.
kernel_version() {
  if [ -n "${VIRTDECK_TINY_KERNEL:-}" ]; then
    echo "$VIRTDECK_TINY_KERNEL"
    return
  fi
  local v
  v="$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
        | sed -n 's/^ *Depends: linux-image-\(.*-cloud-amd64\)$/\1/p' | head -n1)"
  if [ -z "$v" ]; then
    v="$(apt-cache pkgnames linux-image- 2>/dev/null \
          | sed -n 's/^linux-image-\([0-9][^ ]*-cloud-amd64\)$/\1/p' | sort -V | tail -n1)"
  fi
  echo "$v"
}

KVER="$(kernel_version)"
if [ -z "$KVER" ] && is_root; then
  apt_update_once
  KVER="$(kernel_version)"
fi
[ -n "$KVER" ] || die "apt knows no linux-image-*-cloud-amd64 package (Debian amd64 only); set VIRTDECK_TINY_KERNEL"

VERSION="$( { sha256sum <"$SCRIPT_PATH"; echo "$KVER"; } | sha256sum | cut -c1-16) $KVER"

up_to_date() {
  [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$VERSION" ] \
    && [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ] && [ -s "$OUT/disk.qcow2" ]
}

# --- the guest's files -------------------------------------------------------------------------------------

# /init: PID 1 of the guest. Sets up, then hands over to busybox init (which reaps, respawns the shells and
# keeps PID 1 alive).
write_init() {
  cat >"$1/init" <<'EOF'
#!/bin/sh
# Virtdeck tiny guest: PID 1 setup, then busybox init (see /etc/inittab).
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /run /tmp /var/log
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
echo 0 >/proc/sys/kernel/printk_ratelimit 2>/dev/null

# say MESSAGE: to the serial console and the screen, whichever of them exist.
say() {
  for c in /dev/ttyS0 /dev/tty0; do echo "*** Virtdeck tiny guest: $* ***" >"$c" 2>/dev/null; done
}

# Modules, in dependency order (the list was made at build time with modprobe --show-depends).
while read -r ko; do
  insmod "/lib/modules/$ko" 2>/dev/null || echo "insmod $ko failed" >/dev/ttyS0 2>/dev/null
done </etc/modules.order

# hostname=NAME from the kernel command line, else virtdeck-tiny.
HOST=virtdeck-tiny
for arg in $(cat /proc/cmdline); do
  case "$arg" in hostname=?*) HOST="${arg#hostname=}" ;; esac
done
hostname "$HOST"
echo "$HOST" >/etc/hostname
ip link set lo up

# ACPI power button -> /etc/acpi/PWRF/00000080 -> poweroff -f. acpid reads /dev/input/event* (button + evdev).
acpid -c /etc/acpi -l /var/log/acpid.log

say "booted"
say "hostname $HOST, kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"

# DHCP on every NIC (eth*), also on NICs hot-plugged later: /sbin/netwatch checks every 2 s.
netwatch &

exec /bin/busybox init
EOF
  chmod 755 "$1/init"

  cat >"$1/etc/inittab" <<'EOF'
# Root shells, no login: serial console and the VGA screen.
ttyS0::respawn:/sbin/getty -n -l /bin/sh -L 115200 ttyS0 vt100
tty1::respawn:/sbin/getty -n -l /bin/sh 38400 tty1 linux
::ctrlaltdel:/sbin/ctrl-alt-del
EOF

  # Ctrl-Alt-Del says so and the guest keeps running: the console test proves the keys reached the guest.
  cat >"$1/sbin/ctrl-alt-del" <<'EOF'
#!/bin/sh
for c in /dev/ttyS0 /dev/tty0; do echo "*** Virtdeck tiny guest: Ctrl-Alt-Del pressed ***" >"$c" 2>/dev/null; done
EOF
  chmod 755 "$1/sbin/ctrl-alt-del"

  # netwatch: starts udhcpc on every eth* that has none, stops it when the NIC is unplugged. A client belongs to one
  # NIC by name and ifindex: a NIC plugged within 2 s of an unplug may reuse the name (eth1), not the index, and the
  # old client, bound to the gone NIC, must not count as the new one's.
  cat >"$1/sbin/netwatch" <<'EOF'
#!/bin/sh
while :; do
  for pidfile in /run/udhcpc.*.pid; do
    [ -f "$pidfile" ] || continue
    id="${pidfile#/run/udhcpc.}"; id="${id%.pid}"; nic="${id%.*}"; index="${id##*.}"
    if [ "$(cat "/sys/class/net/$nic/ifindex" 2>/dev/null)" != "$index" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"
    fi
  done
  for dev in /sys/class/net/eth*; do
    [ -e "$dev" ] || continue
    nic="${dev##*/}"
    pidfile="/run/udhcpc.$nic.$(cat "$dev/ifindex").pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
    ip link set "$nic" up
    # -t 5 -T 2 -A 3: 5 discovers 2 s apart, then wait 3 s and start again; runs forever, renews the lease.
    udhcpc -i "$nic" -s /etc/udhcpc.script -p "$pidfile" -x "hostname:$(hostname)" -t 5 -T 2 -A 3 -S \
      >/dev/null 2>&1 &
  done
  sleep 2
done
EOF
  chmod 755 "$1/sbin/netwatch"

  # udhcpc calls this with $1 = deconfig|bound|renew|leasefail|nak and the lease in the environment.
  cat >"$1/etc/udhcpc.script" <<'EOF'
#!/bin/sh
say() {
  for c in /dev/ttyS0 /dev/tty0; do echo "*** Virtdeck tiny guest: $* ***" >"$c" 2>/dev/null; done
}
case "$1" in
  deconfig)
    ip addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    old="$(cat "/run/net.$interface" 2>/dev/null)"
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    if [ -n "$router" ]; then
      while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
      for r in $router; do route add default gw "$r" dev "$interface" && break; done
    fi
    : >/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    echo "$ip" >"/run/net.$interface"
    [ "$old" = "$ip" ] || say "$interface has address $ip"
    ;;
esac
exit 0
EOF
  chmod 755 "$1/etc/udhcpc.script"

  # busybox acpid maps the power button (event "PWRF") to the action file PWRF/00000080 under -c /etc/acpi.
  mkdir -p "$1/etc/acpi/PWRF"
  cat >"$1/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
for c in /dev/ttyS0 /dev/tty0; do
  echo "*** Virtdeck tiny guest: ACPI power button pressed, powering off ***" >"$c" 2>/dev/null
done
sync
poweroff -f
EOF
  chmod 755 "$1/etc/acpi/PWRF/00000080"
}

# --- build -------------------------------------------------------------------------------------------------

build() {
  need_root "building the tiny guest"
  ensure_tools busybox-static:/bin/busybox cpio:cpio kmod:depmod qemu-utils:qemu-img
  # Only the statically linked busybox works alone in an initramfs.
  file_is_static=1
  if command -v ldd >/dev/null 2>&1 && ldd /bin/busybox >/dev/null 2>&1; then file_is_static=0; fi
  if [ "$file_is_static" -eq 0 ]; then
    say "/bin/busybox is dynamically linked; installing busybox-static"
    apt-get install -y -q --no-install-recommends busybox-static >/dev/null
  fi

  local parent work
  mkdir -p "$OUT"
  parent="$(dirname "$(readlink -f "$OUT")")"
  work="$(mktemp -d "$parent/.tiny-build.XXXXXX")"
  # shellcheck disable=SC2064  # expand $work now
  trap "rm -rf '$work'" EXIT

  # 1. The kernel package, unpacked (no installation).
  say "downloading linux-image-$KVER"
  mkdir -p "$work/deb" "$work/kernel"
  chmod 777 "$work/deb"   # so apt's _apt sandbox user may write there
  if ! (cd "$work/deb" && apt-get download -q "linux-image-$KVER" >/dev/null 2>&1); then
    apt_update_once
    (cd "$work/deb" && apt-get download -q "linux-image-$KVER" >/dev/null) \
      || die "cannot download linux-image-$KVER"
  fi
  dpkg-deb -x "$work"/deb/linux-image-*.deb "$work/kernel"
  local kroot=""
  for d in "$work/kernel" "$work/kernel/usr"; do
    [ -d "$d/lib/modules/$KVER" ] && kroot="$d"
  done
  [ -n "$kroot" ] || die "no lib/modules/$KVER in linux-image-$KVER"
  [ -f "$work/kernel/boot/vmlinuz-$KVER" ] || die "no boot/vmlinuz-$KVER in linux-image-$KVER"
  depmod -b "$kroot" "$KVER"   # the package ships no modules.dep: make one to resolve dependencies

  # 2. The initramfs tree.
  local root="$work/root" m line ko
  mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,root,var/log,usr/bin,usr/sbin,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  # One link per applet (sh, mount, insmod, udhcpc, acpid, getty, poweroff, ...), where busybox expects them.
  for m in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$m" ] || [ -L "$root/$m" ] || ln -s /bin/busybox "$root/$m"
  done
  rm -f "$root/linuxrc"
  # /dev/console must exist before devtmpfs is mounted: the kernel opens it for /init's stdin/stdout.
  mknod -m 600 "$root/dev/console" c 5 1
  mknod -m 666 "$root/dev/null" c 1 3

  : >"$root/etc/modules.order"
  for m in $REQUIRED_MODULES $OPTIONAL_MODULES; do
    if ! out="$(modprobe -d "$kroot" -S "$KVER" --show-depends "$m" 2>/dev/null)"; then
      case " $REQUIRED_MODULES " in
        *" $m "*) die "module $m is missing from linux-image-$KVER" ;;
        *) say "warning: optional module $m not found, skipped"; continue ;;
      esac
    fi
    while read -r line; do
      case "$line" in
        insmod\ *)
          ko="${line#insmod }"; ko="${ko%% *}"; ko="${ko#"$kroot/lib/modules/"}"
          grep -qxF "$ko" "$root/etc/modules.order" && continue
          mkdir -p "$root/lib/modules/$(dirname "$ko")"
          cp "$kroot/lib/modules/$ko" "$root/lib/modules/$ko"
          echo "$ko" >>"$root/etc/modules.order"
          ;;
        # "builtin X": part of the kernel image, nothing to load.
      esac
    done <<<"$out"
  done
  say "modules: $(sed 's#.*/##; s#\.ko.*##' "$root/etc/modules.order" | tr '\n' ' ')"

  echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
  echo "root:x:0:" >"$root/etc/group"
  write_init "$root"

  (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) | gzip -9n >"$work/initrd.img"
  cp "$work/kernel/boot/vmlinuz-$KVER" "$work/vmlinuz"
  qemu-img create -q -f qcow2 "$work/disk.qcow2" "$DISK_SIZE"

  # 3. Into place; VERSION last, so an interrupted build is redone.
  rm -f "$OUT/VERSION"
  mv -f "$work/vmlinuz" "$work/initrd.img" "$work/disk.qcow2" "$OUT/"
  echo "$VERSION" >"$OUT/VERSION"
  rm -rf "$work"
  trap - EXIT
  say "built $OUT: vmlinuz ($KVER) $(du -h "$OUT/vmlinuz" | cut -f1), initrd.img $(du -h "$OUT/initrd.img" | cut -f1), disk.qcow2 ($DISK_SIZE)"
}

# --- check: boot it once under QEMU (TCG) ------------------------------------------------------------------

now_ms() { date +%s%3N; }

# wait_for PATTERN SECONDS: until the serial log holds PATTERN (fixed string); prints the elapsed ms.
wait_for() {
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    grep -qF "$1" "$LOG" 2>/dev/null && return 0
    kill -0 "$QEMU_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

check() {
  ensure_tools qemu-system-x86:qemu-system-x86_64
  local tmp; tmp="$(mktemp -d /tmp/tiny-check.XXXXXX)"
  LOG="$tmp/serial.log"
  mkfifo "$tmp/mon.in" "$tmp/mon.out"
  # The monitor on a pair of FIFOs (QEMU opens both read-write, so nothing blocks): no socat/nc needed.
  local t0 t_banner t_lease t_off rc=0
  t0="$(now_ms)"
  qemu-system-x86_64 -machine q35,accel=tcg -m 128 -smp 1 \
    -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.img" -append "$CMDLINE hostname=tiny-check" \
    -drive file="$OUT/disk.qcow2",if=virtio,format=qcow2,snapshot=on \
    -nic user,model=virtio-net-pci \
    -display none -serial "file:$LOG" -monitor "pipe:$tmp/mon" -no-reboot \
    </dev/null >"$tmp/qemu.out" 2>&1 &
  QEMU_PID=$!
  # shellcheck disable=SC2064
  trap "kill $QEMU_PID 2>/dev/null; rm -rf '$tmp'" EXIT
  # Drain the monitor's output so it never fills the FIFO.
  cat "$tmp/mon.out" >/dev/null &

  if wait_for "Virtdeck tiny guest: booted" 120; then
    t_banner=$(( $(now_ms) - t0 ))
    say "check: banner after $t_banner ms"
  else
    say "check: FAILED: no banner within 120 s"; rc=1
  fi
  if [ "$rc" -eq 0 ]; then
    if wait_for "eth0 has address 10.0.2.15" 60; then
      t_lease=$(( $(now_ms) - t0 ))
      say "check: DHCP lease 10.0.2.15 on eth0 after $t_lease ms"
    else
      say "check: FAILED: no DHCP lease within 60 s"; rc=1
    fi
  fi
  if [ "$rc" -eq 0 ]; then
    local t1; t1="$(now_ms)"
    echo system_powerdown >"$tmp/mon.in"
    local deadline=$(( t1 + 15000 ))
    while kill -0 "$QEMU_PID" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$QEMU_PID" 2>/dev/null; then
      say "check: FAILED: QEMU still running 15 s after system_powerdown (ACPI shutdown ignored)"; rc=1
    else
      t_off=$(( $(now_ms) - t1 ))
      say "check: ACPI power button -> QEMU exited after $t_off ms"
    fi
  fi
  if [ "$rc" -ne 0 ]; then
    say "check: serial console output:"
    sed 's/^/  | /' "$LOG" >&2 || true
    sed 's/^/  qemu: /' "$tmp/qemu.out" >&2 || true
  else
    say "check: OK (serial console: $(grep -c 'Virtdeck tiny guest' "$LOG") banner lines)"
  fi
  kill "$QEMU_PID" 2>/dev/null || true
  wait "$QEMU_PID" 2>/dev/null || true
  rm -rf "$tmp"
  trap - EXIT
  return "$rc"
}

# --- main --------------------------------------------------------------------------------------------------

# Built images never go into the repository, except into a git-ignored directory such as target/.
REPO="$(readlink -f "$(dirname "$SCRIPT_PATH")/..")"
case "$(readlink -m "$OUT")/" in
  "$REPO"/*)
    git -C "$REPO" check-ignore -q "$(readlink -m "$OUT")/VERSION" 2>/dev/null \
      || die "OUTPUT_DIR $OUT is inside the repository and not git-ignored; use a cache dir (or target/)" ;;
esac

mkdir -p "$OUT" 2>/dev/null || need_root "creating $OUT"
# One build at a time per OUTPUT_DIR (the lab may run this from several places).
# (A reader without write access to OUTPUT_DIR goes without the lock: it can only find it up to date.)
if { exec 9>>"$OUT/.lock"; } 2>/dev/null; then flock 9; fi

if up_to_date; then
  say "up to date ($OUT, kernel $KVER)"
else
  start="$(now_ms)"
  build
  say "build took $(( ($(now_ms) - start) / 1000 )) s"
fi
say "kernel command line: $CMDLINE"
say "files: $OUT/vmlinuz $OUT/initrd.img $OUT/disk.qcow2"

if [ "$CHECK" -eq 1 ]; then
  check
fi
