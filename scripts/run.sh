#!/usr/bin/env bash
# README command 1, the main job: builds kmsconf (that target alone: the tests are command 2's)
# and runs the conformance suites. With no --base-url it tests the embedded reference server;
# reports land in reports/. Every argument is passed to kmsconf (see `scripts/run.sh --help`).
# Exit code: kmsconf's (0/1/2/3).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >&2
./scripts/build.sh kmsconf >&2
exec ./build/harness/kmsconf "$@"
