#!/usr/bin/env bash
# Builds the Debian package of kmsconf with CPack: build/kmsconf_<version>_<arch>.deb (bin/kmsconf,
# share/kmsconf/{schemas,suites}, the man pages, the bash completion; installed under /usr,
# stripped; Depends from dpkg-shlibdeps). The version is the project's, with git's description of
# the commit in a checkout (packaging/version.cmake): the configure step is re-run first so that
# it is this tree's. Prints the package's path on stdout.
#
# usage: scripts/package.sh [--no-build] [--output-dir DIR]
#   --no-build        package the build as it is (no configure, no build of stale targets is
#                     asked for; CPack still brings `all` up to date, which is then a no-op)
#   --output-dir DIR  where the .deb goes (default: the build folder)
# KMSCONF_BUILD_DIR: the build folder (default build/, the CMake preset's).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KMSCONF_BUILD_DIR:-$repo/build}
build_first=1 out=
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build_first= ;;
    --output-dir) [ $# -ge 2 ] && [ -n "$2" ] || { echo "package: --output-dir needs a folder" >&2; exit 2; }; out=$2; shift ;;
    *) echo "package: unknown argument '$1' (usage: scripts/package.sh [--no-build] [--output-dir DIR])" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$build}

if [ -n "$build_first" ]; then
  "$repo/scripts/setup.sh" --tests
  if [ -f "$build/build.ninja" ]; then
    cmake -S "$repo" -B "$build" >/dev/null  # afresh: the version of this tree (a dirty tree says so)
  else
    (cd "$repo" && cmake --preset default -B "$build" >/dev/null)
  fi
  cmake --build "$build" -j "$(nproc)" >&2
elif [ ! -f "$build/CPackConfig.cmake" ]; then
  echo "package: $build is not configured (run scripts/package.sh without --no-build)" >&2
  exit 2
fi

mkdir -p "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "package: cpack failed" >&2
  exit 1
fi
# CPack names the file it wrote: "CPack: - package: /path/kmsconf_..._amd64.deb generated."
deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$log" | tail -1)
[ -n "$deb" ] && [ -f "$deb" ] || { cat "$log" >&2; echo "package: cpack named no .deb" >&2; exit 1; }
echo "$deb"
