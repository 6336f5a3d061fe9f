#!/usr/bin/env bash
# Builds, once, a small Debian 12 (bookworm) guest for the Virtdeck lab, from Debian's own packages (debootstrap).
#
#   scripts/build-debian-guest.sh [OUTPUT_DIR]          build (a no-op printing "up to date" when nothing changed)
#   scripts/build-debian-guest.sh --check [OUTPUT_DIR]  build if needed, then boot it once under QEMU (TCG, writes
#                                                      thrown away) and fail unless qemu-guest-agent answers
#                                                      guest-ping and the serial console shows a login prompt, each
#                                                      within 180 s; prints how long each took
#
# OUTPUT_DIR defaults to ${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}/debian. It receives:
#   disk.qcow2   a self-contained bootable disk (2 GiB virtual, ~200 MiB on disk, compressed): an MBR partition
#                table, one ext4 root partition, extlinux (syslinux) as boot loader; boots with plain
#                <os><type>hvm</type></os> on a virtio disk, so copies and templates work on any host
#   VERSION      hash of this script's commands (which hold the package list; comments do not count); when it
#                matches, the build is skipped
# Downloaded packages stay in OUTPUT_DIR/../debian-debs, so a rebuild after a change of this script downloads little.
#
# In the guest: systemd, Debian's cloud kernel (linux-image-cloud-amd64), qemu-guest-agent (started by udev when
# the org.qemu.guest_agent.0 virtio port exists), cloud-init reading seeds from local disks only (NoCloud `cidata`,
# ConfigDrive; without one it switches itself off at once, nothing waits for the network), openssh-server (host keys made at first boot, so copies differ), DHCP on
# every wired NIC with systemd-networkd (systemd-networkd-wait-online masked: nothing waits for the network), a
# login prompt on the serial console ttyS0, where the kernel console also goes, and on tty1. /etc/machine-id is empty
# (each copy makes its own at first boot). Hostname: virtdeck-debian. root has no password (locked): the lab talks to
# the guest through qemu-guest-agent; cloud-init adds users and keys.
#
# Measured on this machine (2 cores shared with other work, load 4-7; --check: QEMU TCG, 1 vCPU, 512 MiB):
#   build from nothing (empty package cache): 227 s (debootstrap 136 s, then kernel, agent, cloud-init, sshd 64 s,
#   disk 26 s); an earlier run under heavier load took 463 s. Boot from power-on: qemu-guest-agent answers after
#   30 s, the login prompt on ttyS0 after 36 s.
# Boot loader: extlinux in the partition + syslinux's MBR rather than direct kernel boot, so that the disk boots alone
# (copies, templates, another host); Debian's cloud kernel with a small initramfs (virtio and ext4 modules only).
#
# Needs root (debootstrap, chroot, a loop mount for extlinux); its OS packages come from scripts/install-deps.sh image.
set -euo pipefail

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname "$SCRIPT_PATH")"
SUITE=bookworm
DISK_SIZE_MIB=2048
PART_START_MIB=1
HOSTNAME_=virtdeck-debian
# debootstrap's minimal base plus what boots; the rest comes after with apt-get in the new system (debootstrap's
# resolver does not follow virtual packages, which cloud-init's dependencies need; the kernel's initramfs settings
# must be in place before it is installed).
BASE_PACKAGES="systemd,systemd-sysv,udev,dbus,kmod,iproute2,netbase,ca-certificates"
PACKAGES="linux-image-cloud-amd64 qemu-guest-agent cloud-init openssh-server"
# Only what the root file system needs before systemd runs (virtio disk, ext4), and the SCSI CD-ROM driver: cloud-init
# decides whether a NoCloud seed is there (ds-identify, a systemd generator) before udev loads any module, so a seed
# CD-ROM must already be /dev/sr0 by then. A small initramfs loads fast.
INITRAMFS_MODULES="virtio_pci virtio_blk virtio_scsi sd_mod sr_mod ext4 crc32c_generic"
CMDLINE="console=tty0 console=ttyS0,115200n8 quiet"

say() { echo "build-debian-guest: $*"; }
die() { echo "build-debian-guest: error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$SCRIPT_PATH" | sed '$d; s/^# \{0,1\}//'; }

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
OUT="${OUT:-${VIRTDECK_LAB_DIR:-/var/tmp/virtdeck-lab}/debian}"
[ "$(id -u)" -eq 0 ] || die "it needs root (debootstrap, chroot, loop mount); run it as root"

VERSION="$(grep -v '^ *#' "$SCRIPT_PATH" | sha256sum | cut -c1-16) $SUITE"
up_to_date() { [ -f "$OUT/VERSION" ] && [ "$(cat "$OUT/VERSION")" = "$VERSION" ] && [ -s "$OUT/disk.qcow2" ]; }

# The mirror the host's apt uses for Debian (deb.debian.org when none is found); VIRTDECK_DEBIAN_MIRROR overrides.
mirror() {
  if [ -n "${VIRTDECK_DEBIAN_MIRROR:-}" ]; then echo "$VIRTDECK_DEBIAN_MIRROR"; return; fi
  local m
  m="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1)"
  [ -n "$m" ] || m="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1)"
  echo "${m:-http://deb.debian.org/debian}"
}

# --- the guest's configuration ---------------------------------------------------------------------------------

configure() {
  local root="$1" uuid="$2"
  echo "$HOSTNAME_" >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' "$HOSTNAME_" >"$root/etc/hosts"
  echo "UUID=$uuid / ext4 errors=remount-ro,noatime 0 1" >"$root/etc/fstab"
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"

  # No docs, man pages or translations in what apt installs from now on.
  cat >"$root/etc/dpkg/dpkg.cfg.d/01-virtdeck-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/01-virtdeck-norecommends"

  # DHCP on every wired NIC, sending the hostname (libvirt's lease list shows it).
  cat >"$root/etc/systemd/network/20-wired.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=yes
EOF

  # cloud-init: seeds from local disks only, nothing waits for a metadata service on the network. ConfigDrive is listed
  # beside NoCloud (a `cidata` disk) so that ds-identify looks: with one data source listed it enables cloud-init
  # without looking, and cloud-init then spends half a minute of a TCG boot finding no seed. With none, it is off.
  cat >"$root/etc/cloud/cloud.cfg.d/90-virtdeck-datasource.cfg" <<'EOF'
datasource_list: [ NoCloud, ConfigDrive ]
EOF

  # SSH host keys per machine: made at first boot (and by cloud-init on a new instance).
  rm -f "$root"/etc/ssh/ssh_host_*
  cat >"$root/etc/systemd/system/ssh-host-keys.service" <<'EOF'
[Unit]
Description=Make missing SSH host keys
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
EOF

  # extlinux: serial and screen, no menu, no wait.
  mkdir -p "$root/boot/extlinux"
  local kver
  kver="$(basename "$(ls -d "$root"/lib/modules/*-cloud-amd64 | sort -V | tail -n1)")"
  cat >"$root/boot/extlinux/extlinux.conf" <<EOF
SERIAL 0 115200
DEFAULT debian
PROMPT 0
TIMEOUT 0
LABEL debian
  LINUX /boot/vmlinuz-$kver
  INITRD /boot/initrd.img-$kver
  APPEND root=UUID=$uuid ro $CMDLINE
EOF
}

# in_chroot ROOT COMMAND...: runs COMMAND in the guest's tree with /proc, /sys and /dev, in a private mount namespace
# (the mounts vanish with it, also when the build is killed).
in_chroot() {
  local root="$1"; shift
  unshare -m --propagation private -- bash -c '
    set -e
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount --bind /dev "$root/dev"
    mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 || true
    mount --bind "$DEBS" "$root/var/cache/apt/archives"
    exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
  ' in_chroot "$root" "$@"
}

# --- build -------------------------------------------------------------------------------------------------------

build() {
  "$SCRIPT_DIR/install-deps.sh" image >/dev/null
  local t0 parent work root uuid mirror_url
  t0="$(date +%s)"
  mkdir -p "$OUT"
  parent="$(dirname "$(readlink -f "$OUT")")"
  DEBS="$parent/debian-debs"
  mkdir -p "$DEBS/partial"
  export DEBS
  work="$(mktemp -d "$parent/.debian-build.XXXXXX")"
  # shellcheck disable=SC2064  # expand $work now
  trap "umount -l '$work/mnt' 2>/dev/null; rm -rf '$work'" EXIT
  root="$work/root"
  mirror_url="$(mirror)"

  say "debootstrap $SUITE from $mirror_url (log: $work/debootstrap.log)"
  if ! debootstrap --variant=minbase --include="$BASE_PACKAGES" --cache-dir="$DEBS" \
      "$SUITE" "$root" "$mirror_url" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    tail -n 20 "$root/debootstrap/debootstrap.log" >&2 2>/dev/null || true
    die "debootstrap failed"
  fi
  say "base system after $(( $(date +%s) - t0 )) s"
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror_url" "$SUITE" "$mirror_url" "$SUITE" \
    >"$root/etc/apt/sources.list"
  uuid="$(cat /proc/sys/kernel/random/uuid)"
  # Services must not start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  configure_initramfs "$root"
  in_chroot "$root" sh -c "apt-get update -q && apt-get install -y -q -o Dpkg::Options::=--force-confold \
      $PACKAGES" >"$work/packages.log" 2>&1 \
    || { tail -n 20 "$work/packages.log" >&2; die "installing $PACKAGES failed"; }
  say "kernel, agent, cloud-init and sshd after $(( $(date +%s) - t0 )) s"
  configure "$root" "$uuid"
  in_chroot "$root" sh -c '
    set -e
    systemctl enable systemd-networkd.service ssh-host-keys.service >/dev/null 2>&1
    systemctl mask systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer \
      e2scrub_all.timer e2scrub_reap.service fstrim.timer >/dev/null 2>&1
    passwd -l root >/dev/null
  ' >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; die "configuring the guest failed"; }
  rm -f "$root/usr/sbin/policy-rc.d"
  # trim: what dpkg installed before the exclusions, apt's lists, logs, caches
  find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* \
    "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/var/cache/debconf/*-old "$root/debootstrap"
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  say "guest tree $(du -sh "$root" | cut -f1) after $(( $(date +%s) - t0 )) s"

  # The disk: MBR + one bootable ext4 partition made straight from the tree (mke2fs -d), then extlinux into it.
  # ext4 without 64bit/orphan_file: syslinux 6.04 reads neither.
  local disk="$work/disk.raw" part_bytes=$(( (DISK_SIZE_MIB - PART_START_MIB) * 1024 * 1024 ))
  truncate -s "${DISK_SIZE_MIB}M" "$disk"
  echo "start=${PART_START_MIB}MiB, type=83, bootable" | sfdisk -q "$disk" >/dev/null
  mke2fs -q -t ext4 -O ^64bit,^orphan_file,^metadata_csum_seed -L root -U "$uuid" -d "$root" \
    -E offset=$(( PART_START_MIB * 1024 * 1024 )) "$disk" "$(( part_bytes / 1024 ))k" \
    || die "mke2fs failed"
  mkdir -p "$work/mnt"
  mount -o loop,offset=$(( PART_START_MIB * 1024 * 1024 )),sizelimit=$part_bytes "$disk" "$work/mnt"
  extlinux --install "$work/mnt/boot/extlinux" >/dev/null 2>&1 || { umount "$work/mnt"; die "extlinux failed"; }
  umount "$work/mnt"
  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" bs=440 count=1 conv=notrunc status=none
  qemu-img convert -c -O qcow2 "$disk" "$work/disk.qcow2"

  rm -f "$OUT/VERSION"
  mv -f "$work/disk.qcow2" "$OUT/disk.qcow2"
  echo "$VERSION" >"$OUT/VERSION"
  rm -rf "$work"
  trap - EXIT
  say "built $OUT/disk.qcow2 ($(du -h "$OUT/disk.qcow2" | cut -f1) on disk, ${DISK_SIZE_MIB} MiB virtual) in $(( $(date +%s) - t0 )) s"
}

# initramfs settings, read when the kernel is installed: only the listed modules, no resume device to wait for.
configure_initramfs() {
  local root="$1"
  mkdir -p "$root/etc/initramfs-tools/conf.d"
  printf 'MODULES=list\nCOMPRESS=gzip\n' >"$root/etc/initramfs-tools/conf.d/virtdeck.conf"
  echo "RESUME=none" >"$root/etc/initramfs-tools/conf.d/resume"
  printf '%s\n' $INITRAMFS_MODULES >>"$root/etc/initramfs-tools/modules"
}

# --- check: boot it once under QEMU (TCG) --------------------------------------------------------------------------

now_ms() { date +%s%3N; }

# agent_pings SOCKET: true when qemu-guest-agent answers guest-ping on the chardev socket within a second.
agent_pings() {
  python3 - "$1" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
try:
    s.connect(sys.argv[1])
    s.sendall(b'{"execute":"guest-ping"}\n')
    sys.exit(0 if json.loads(s.makefile().readline()).get("return") == {} else 1)
except Exception:
    sys.exit(1)
EOF
}

check() {
  local tmp t0 t_agent="" t_login="" deadline pid rc=0
  tmp="$(mktemp -d /tmp/debian-check.XXXXXX)"
  t0="$(now_ms)"
  qemu-system-x86_64 -machine q35,accel=tcg -m 512 -smp 1 \
    -drive file="$OUT/disk.qcow2",if=virtio,format=qcow2,snapshot=on \
    -nic user,model=virtio-net-pci -device virtio-rng-pci \
    -chardev socket,path="$tmp/qga.sock",server=on,wait=off,id=qga0 \
    -device virtio-serial -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 \
    -display none -serial "file:$tmp/serial.log" -no-reboot </dev/null >"$tmp/qemu.out" 2>&1 &
  pid=$!
  # shellcheck disable=SC2064
  trap "kill $pid 2>/dev/null; rm -rf '$tmp'" EXIT
  deadline=$(( t0 + 180000 ))
  while [ "$(now_ms)" -lt "$deadline" ] && { [ -z "$t_agent" ] || [ -z "$t_login" ]; }; do
    kill -0 "$pid" 2>/dev/null || break
    if [ -z "$t_login" ] && grep -q "login:" "$tmp/serial.log" 2>/dev/null; then
      t_login=$(( $(now_ms) - t0 )); say "check: login prompt on the serial console after $t_login ms"
    fi
    if [ -z "$t_agent" ] && [ -S "$tmp/qga.sock" ] && agent_pings "$tmp/qga.sock"; then
      t_agent=$(( $(now_ms) - t0 )); say "check: qemu-guest-agent answered guest-ping after $t_agent ms"
    fi
    sleep 0.5
  done
  if [ -z "$t_agent" ] || [ -z "$t_login" ]; then
    rc=1
    say "check: FAILED (agent: ${t_agent:-no answer}, login prompt: ${t_login:-none}); serial console:"
    tail -n 40 "$tmp/serial.log" | sed 's/^/  | /' >&2 || true
    sed 's/^/  qemu: /' "$tmp/qemu.out" >&2 || true
  else
    say "check: OK"
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
  trap - EXIT
  return "$rc"
}

if up_to_date; then
  say "up to date ($OUT)"
else
  build
fi
if [ "$CHECK" -eq 1 ]; then
  check
fi
