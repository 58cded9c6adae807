#!/usr/bin/env bash
# Installs what golive's tests need on a fresh Debian machine: the real servers the tests start
# on loopback (DESIGN.md, "Real parts") and the PyPI tools some tests drive.
# Idempotent: anything already present is left alone.
set -euo pipefail

# Debian packages. Each check family that tests against a real server adds its package here.
DEBIAN_PACKAGES=(
  git
  postgresql
  openssl
)

# PyPI packages, as pip requirement strings.
PYPI_PACKAGES=(
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing Debian packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Packaged servers must not start system-wide instances: the tests start their own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

if [ "${#PYPI_PACKAGES[@]}" -gt 0 ]; then
  python3 -m pip install --quiet --disable-pip-version-check "${PYPI_PACKAGES[@]}"
fi

echo "install-test-deps: ready"
