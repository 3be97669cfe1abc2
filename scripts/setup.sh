#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages a step needs. Idempotent: packages already
# present are not touched, so a second run costs one dpkg query. A fresh Debian 12 machine needs
# nothing else.
#   scripts/setup.sh          what building and running kmsconf need (README command 1)
#   scripts/setup.sh --tests  that, and what the tests, the man pages, the package, the fuzzers
#                             and the benchmark comparisons need (README command 2)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev libboost-program-options-dev
  libssl-dev rapidjson-dev libvalijson-dev libxml2-dev
  libgtest-dev libgmock-dev libbenchmark-dev  # the project's tests (configured with the tool); bench on Google Benchmark
)
case ${1:-} in
  "") ;;
  --tests)
    packages+=(
      libbenchmark-tools python3-scipy
      curl wrk nginx-light openssl libxml2-utils python3
      valgrind  # scripts/bench/per-request-costs.sh: instructions per request (callgrind)
      chromium  # headless, for the HTML reports' browser test (tests/cli/report_browser_test.cpp)
      help2man dpkg-dev file strace python3-yaml  # man pages, the .deb and its test
      clang-14 libclang-rt-14-dev  # the asan preset and scripts/fuzz.sh: libFuzzer, the sanitizers' clang runtime
      haproxy apache2 varnish  # real front ends of tests/stacks/ (ctest -L stacks), each run on a loopback port
      nodejs  # Playwright (npm playwright-core) drives chromium to record a HAR for kmsconf judge (tests/cli/playwright/)
    )
    # Debian ships npm apart from nodejs; a nodejs from elsewhere (NodeSource) bundles its own,
    # which Debian's npm package would collide with: only when there is no npm at all.
    command -v npm >/dev/null || packages+=(npm) ;;
  *) echo "usage: scripts/setup.sh [--tests]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# The server packages (nginx-light, haproxy, apache2, varnish) start a system service from their
# maintainer scripts, on ports 80 and 6081: apache2 and nginx would fight over port 80 and the
# install can fail. This project only ever runs its own instances, on ephemeral loopback ports
# (the benchmark comparison, tests/stacks/), so no service is started during the install:
# invoke-rc.d asks /usr/sbin/policy-rc.d, and exit 101 is "action forbidden" (Debian policy,
# /usr/share/doc/init-system-helpers/README.policy-rc.d.gz). One already there (Docker images ship
# one) is left as it is; ours is removed on any exit.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '$SUDO rm -f "$policy"' EXIT
  printf '#!/bin/sh\n# scripts/setup.sh: no service starts while it installs packages\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# A system instance started all the same (systemd's preset, an earlier install) is stopped.
declare -A services=([nginx-light]=nginx [haproxy]=haproxy [apache2]="apache2 apache-htcacheclean"
                     [varnish]="varnish varnishncsa")
for p in "${missing[@]}"; do
  for service in ${services[$p]:-}; do
    $SUDO systemctl stop "$service" >/dev/null 2>&1 || $SUDO service "$service" stop >/dev/null 2>&1 || true
  done
done
