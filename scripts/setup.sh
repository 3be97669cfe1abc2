#!/usr/bin/env bash
# Installs, with apt-get, every Debian 12 package the build, the tests and the benchmark
# comparison need. Idempotent: packages already present are not touched, so a second run costs
# one dpkg query. Both README commands call it; a fresh Debian 12 machine needs nothing else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev libboost-program-options-dev
  libssl-dev rapidjson-dev libvalijson-dev libxml2-dev
  libgtest-dev libgmock-dev libbenchmark-dev libbenchmark-tools python3-scipy
  curl wrk nginx-light openssl libxml2-utils python3
  chromium  # headless, for the HTML reports' browser test (tests/cli/report_browser_test.cpp)
  help2man dpkg-dev file strace python3-yaml
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and the sanitizers' clang runtime
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light's package starts a system nginx on port 80; this project only ever runs its own
# nginx on an ephemeral loopback port for the benchmark comparison, so stop the system one.
if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
  $SUDO systemctl stop nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
fi
