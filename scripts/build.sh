#!/usr/bin/env bash
# Configures (once) and builds everything with the default CMake preset (Ninja, build/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -f build/build.ninja ] || cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"
