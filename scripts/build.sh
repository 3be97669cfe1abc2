#!/usr/bin/env bash
# Configures (once) and builds with the default CMake preset (Ninja, build/): the targets given,
# or everything. Installs nothing: scripts/setup.sh does (run.sh and test.sh call it).
#   scripts/build.sh [TARGET...]      e.g. scripts/build.sh kmsconf
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || cmake --preset default >/dev/null
targets=()
[ $# -eq 0 ] || targets=(--target "$@")
cmake --build --preset default -j "$(nproc)" "${targets[@]}"
