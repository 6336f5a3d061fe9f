#!/usr/bin/env bash
# Installs what Virtdeck needs and is missing, then checks that it is all there.
#
#   scripts/install-deps.sh run    what ./virtdeck run needs (JDK 17, Maven, Node.js + npm, libvirt0, qemu-img)
#   scripts/install-deps.sh test   the above plus what ./virtdeck test needs (libvirtd and virsh for the
#                                  test driver, Chromium + chromedriver, docker-compose, isoinfo)
#   scripts/install-deps.sh image  only what scripts/build-debian-guest.sh needs (debootstrap, extlinux, sfdisk,
#                                  mke2fs, qemu-img; qemu-system-x86 and python3 for its --check)
#   scripts/install-deps.sh bench  what ./virtdeck run needs plus the benchmarks' peers: websockify, which
#                                  scripts/bench-console.sh measures beside Virtdeck's console proxy (the
#                                  benchmark skips it where it is absent; no test needs it)
#
# Debian/Ubuntu: missing packages are installed with apt-get (as root, or through sudo). java, mvn, node and
# npm already on PATH are used as they are, wherever they came from. Anything else: prints what to install by
# hand and succeeds only if it is already there.
set -euo pipefail

MODE="${1:-run}"
case "$MODE" in
  run|test|image|bench) ;;
  -h|--help|help)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  *)
    echo "usage: $0 [run|test|image|bench]" >&2
    exit 2 ;;
esac

say() { echo "install-deps: $*"; }
warn() { echo "install-deps: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

# Major version of the java on PATH (8 for "1.8.0_x", 17 for "17.0.15"), empty when there is none.
java_major() {
  have java || return 0
  local version
  version="$(java -version 2>&1 | awk -F'"' '/version/ && !done { print $2; done = 1 }')"
  case "$version" in
    1.*) version="${version#1.}" ;;
  esac
  echo "${version%%[.+-]*}"
}

java_ok() {
  local major
  major="$(java_major)"
  [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 17 ))
}

libvirt_ok() {
  local ldconfig=ldconfig
  have ldconfig || ldconfig=/sbin/ldconfig
  "$ldconfig" -p 2>/dev/null | grep libvirt.so.0 >/dev/null
}

chromium_ok() { have chromium || have chromium-browser; }

# The Debian guest image's builder: packages and the commands they bring.
IMAGE_PACKAGES=(debootstrap extlinux syslinux-common fdisk e2fsprogs qemu-utils qemu-system-x86 python3)
IMAGE_COMMANDS=(debootstrap extlinux sfdisk mke2fs qemu-img qemu-system-x86_64 python3)

# Checks that every needed command and library is present; prints each missing one. Non-zero if any is missing.
verify() {
  local missing=()
  if [[ "$MODE" == image ]]; then
    local c
    for c in "${IMAGE_COMMANDS[@]}"; do
      have "$c" || [[ -x "/usr/sbin/$c" || -x "/sbin/$c" ]] || missing+=("$c")
    done
    [[ -f /usr/lib/syslinux/mbr/mbr.bin ]] || missing+=("/usr/lib/syslinux/mbr/mbr.bin (syslinux-common)")
    if (( ${#missing[@]} > 0 )); then
      warn "still missing:"
      printf '  - %s\n' "${missing[@]}" >&2
      return 1
    fi
    say "everything 'image' needs is present"
    return 0
  fi
  if ! java_ok; then
    local found
    found="$(java_major || true)"
    missing+=("java 17 or newer (found: ${found:-none})")
  fi
  have mvn || missing+=("mvn (Maven 3.8+)")
  have node || missing+=("node (Node.js 18+)")
  have npm || missing+=("npm")
  libvirt_ok || missing+=("libvirt.so.0 (libvirt client library)")
  have qemu-img || missing+=("qemu-img (qemu-utils: image import reads and converts images with it)")
  if [[ "$MODE" == test ]]; then
    have virsh || missing+=("virsh (libvirt clients)")
    have xmllint || missing+=("xmllint (libxml2-utils: virt-xml-validate checks domain XML against libvirt's schema)")
    have libvirtd || [[ -x /usr/sbin/libvirtd ]] || missing+=("libvirtd (libvirt daemon with the test driver)")
    chromium_ok || missing+=("chromium")
    have chromedriver || missing+=("chromedriver")
    have docker-compose || missing+=("docker-compose")
    have nginx || [[ -x /usr/sbin/nginx ]] || missing+=("nginx (the console behind a reverse proxy)")
    [[ -x /usr/sbin/sshd ]] || missing+=("sshd (openssh-server: the SSH host credentials test)")
    have ssh-keygen || missing+=("ssh-keygen (openssh-client)")
    have isoinfo || missing+=("isoinfo (genisoimage: the cloud-init seed image test reads its images back with it)")
  fi
  if [[ "$MODE" == bench ]]; then
    have websockify || missing+=("websockify (the console benchmark's peer proxy)")
  fi
  if (( ${#missing[@]} > 0 )); then
    warn "still missing:"
    printf '  - %s\n' "${missing[@]}" >&2
    return 1
  fi
  if have node; then
    local node_major
    node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    if [[ "$node_major" =~ ^[0-9]+$ ]] && (( node_major < 18 )); then
      warn "node $(node -v) is older than 18; the front-end build may fail"
    fi
  fi
  say "everything '$MODE' needs is present"
}

manual_instructions() {
  cat >&2 <<EOF
install-deps: this is not a Debian/Ubuntu system with apt-get; install these by hand:
  - a Java 17 JDK (java and javac 17 or newer on PATH)
  - Maven 3.8 or newer (mvn)
  - Node.js 18 or newer with npm
  - the libvirt client library (libvirt.so.0; e.g. libvirt-libs on Fedora, libvirt on Arch)
  - qemu-img (qemu-img on Fedora, qemu-img or qemu-base on Arch): image import converts with it
EOF
  if [[ "$MODE" == test ]]; then
    cat >&2 <<EOF
  and for the tests:
  - libvirtd and virsh, with the test driver (test:///default), and xmllint (for virt-xml-validate)
  - Chromium and its chromedriver
  - docker-compose (validates docker-compose.yml; no Docker engine needed)
  - nginx (the console test behind a reverse proxy)
  - sshd and ssh-keygen (OpenSSH: the SSH host credentials test)
  - isoinfo (genisoimage, or cdrkit's or cdrtools' isoinfo: the cloud-init seed image test)
EOF
  fi
  if [[ "$MODE" == bench ]]; then
    cat >&2 <<EOF
  and for the benchmarks:
  - websockify 0.10 or newer (the console benchmark's peer proxy; e.g. python3-websockify, or pip's websockify)
EOF
  fi
}

is_debian() { [[ -f /etc/debian_version ]] && have apt-get; }

if ! is_debian; then
  manual_instructions
  verify
  exit $?
fi

# Debian/Ubuntu: decide what is missing.
installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

wanted=()
if [[ "$MODE" == image ]]; then
  wanted+=("${IMAGE_PACKAGES[@]}")
else
  java_ok || wanted+=(openjdk-17-jdk-headless)
  have mvn || wanted+=(maven)
  have node || wanted+=(nodejs)
  have npm || wanted+=(npm)
  wanted+=(libvirt0 qemu-utils)
  if [[ "$MODE" == test ]]; then
    wanted+=(libvirt-clients libxml2-utils libvirt-daemon chromium chromium-driver docker-compose)
    # the console behind a reverse proxy, with the README's nginx snippet
    wanted+=(nginx-light)
    # sshd for the host credentials test (a qemu+libssh host with a stored key); the test starts its own sshd in a
    # private namespace. On a machine run by systemd, Debian's package also starts the system's sshd on port 22.
    wanted+=(openssh-server)
    # isoinfo, to read back the cloud-init seed images Virtdeck writes itself (CidataImageTest)
    wanted+=(genisoimage)
    # the lab (scripts/lab.sh, build-tiny-guest.sh) for the lab tests: installed here so their timing is the lab's own
    wanted+=(libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils dnsmasq-base iptables ovmf busybox-static cpio kmod)
    # its LXC containers (scripts/build-busybox-rootfs.sh uses busybox-static too)
    wanted+=(libvirt-daemon-driver-lxc)
    wanted+=("${IMAGE_PACKAGES[@]}")
  fi
fi
if [[ "$MODE" == bench ]]; then
  # the proxy of noVNC's own launcher, WebVirtCloud and OpenStack: ConsoleProxyBenchmark runs it as Virtdeck's peer
  wanted+=(websockify)
fi

missing=()
for package in "${wanted[@]}"; do
  installed "$package" || missing+=("$package")
done

if (( ${#missing[@]} > 0 )); then
  if (( EUID == 0 )); then
    as_root=()
  elif have sudo; then
    as_root=(sudo)
  else
    warn "missing packages, and neither root nor sudo to install them. As root, run:"
    warn "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  say "installing: ${missing[*]}"
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  hash -r
  if [[ " ${missing[*]} " == *" openjdk-17-jdk-headless "* ]] && ! java_ok; then
    warn "openjdk-17-jdk-headless is installed but 'java' on PATH is still $(java_major || true);"
    warn "  pick Java 17 with: update-alternatives --config java (or put its bin/ first on PATH)"
  fi
fi

verify
