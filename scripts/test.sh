#!/usr/bin/env bash
# README command 2: builds everything and runs the project's own tests with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
ctest --preset default -j "$(nproc)" "$@"
