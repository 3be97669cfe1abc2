#!/usr/bin/env bash
# README command 1, the main job: builds kmsconf and runs the conformance suites. With no
# --base-url it tests the embedded reference server; reports land in reports/. Every argument
# is passed to kmsconf (see `scripts/run.sh --help`). Exit code: kmsconf's (0/1/2/3).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh >&2
exec ./build/harness/kmsconf "$@"
