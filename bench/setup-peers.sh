#!/usr/bin/env bash
# Installs what the benchmark compares Ferry with, idempotently: vsftpd from apt, ProFTPD unpacked
# (apt-get download + dpkg -x) into bench/work/proftpd because the two packages conflict, the tools
# the bench drives (curl, openssl) and the system user `ferrybench` the peers log in as.
# Usage: FERRYBENCH_PASSWORD=... bench/setup-peers.sh DATA_DIR   (DATA_DIR becomes the user's home folder)
set -uo pipefail

DATA_DIR=${1:?usage: FERRYBENCH_PASSWORD=... setup-peers.sh DATA_DIR}
PASSWORD=${FERRYBENCH_PASSWORD:?set FERRYBENCH_PASSWORD (kept off the command line)}
WORK_DIR="$(cd "$(dirname "$0")" && pwd)/work"
PROFTPD_DIR="$WORK_DIR/proftpd"
USER_NAME=ferrybench
export DEBIAN_FRONTEND=noninteractive

log() { echo "setup-peers: $*" >&2; }

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    timeout 300 apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed (continuing with the cached lists)"
    apt_updated=1
  fi
}

# Packages never start a service on install here: a bench server must only run while measured.
install_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update_once
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  log "installing ${missing[*]}"
  timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || log "could not install ${missing[*]}"
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

install_packages curl openssl procps passwd

# vsftpd: a real install (it needs its PAM service file).
command -v vsftpd >/dev/null 2>&1 || [ -x /usr/sbin/vsftpd ] || install_packages vsftpd
# ProFTPD: unpacked, with the libraries it links against installed from apt (none conflict).
if [ ! -x "$PROFTPD_DIR/usr/sbin/proftpd" ] || [ ! -f "$PROFTPD_DIR/usr/lib/proftpd/mod_tls.so" ]; then
  install_packages libhiredis0.14 libmemcached11 libmemcachedutil2 libsodium23 libpcre2-posix3 libidn2-0 libacl1 libcap2 libncursesw6
  apt_update_once
  mkdir -p "$PROFTPD_DIR/debs"
  (cd "$PROFTPD_DIR/debs" && rm -f ./*.deb && timeout 300 apt-get download -qq proftpd-core proftpd-mod-crypto >/dev/null 2>&1) || log "could not download ProFTPD"
  for deb in "$PROFTPD_DIR"/debs/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" "$PROFTPD_DIR"; done
fi

# The system user the peers authenticate (PAM / /etc/shadow); Ferry gets the same name and password.
if ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --home-dir "$DATA_DIR" --no-create-home --shell /bin/bash "$USER_NAME" || log "useradd failed"
fi
if [ "$(getent passwd "$USER_NAME" | cut -d: -f6)" != "$DATA_DIR" ]; then usermod --home "$DATA_DIR" "$USER_NAME"; fi
echo "$USER_NAME:$PASSWORD" | chpasswd || log "chpasswd failed"
mkdir -p "$DATA_DIR"
chown "$USER_NAME:" "$DATA_DIR"
exit 0
