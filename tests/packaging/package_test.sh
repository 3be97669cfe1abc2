#!/usr/bin/env bash
# The Debian package as a CI machine gets it (issue 13): made by scripts/package.sh from this
# build, unpacked with dpkg -x into an empty root, and run there with the checkout out of reach
# (a private mount namespace covers it with an empty tmpfs, a clean environment, another working
# folder) under strace, which must see no access to the checkout or the build folder. The
# installed kmsconf runs every case against its embedded server (exit 0, none skipped); --version
# works on run, serve and bench; the binary is stripped and holds no path of the build machine;
# without its data folder it exits 2 naming where it looked.
# usage: package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd -P)
build=$(cd "$2" && pwd -P)
work=$(mktemp -d /tmp/kmsconf-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "scripts/package.sh"
deb=$(KMSCONF_BUILD_DIR="$build" "$src/scripts/package.sh" --no-build --output-dir "$work/out")
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "kmsconf_${version}_${arch}.deb" ] || fail "package named $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Version: $version"
echo "Depends: $depends"
# dpkg-shlibdeps' view of what the binary links (Debian 12 package names).
for lib in libboost-program-options1.74.0 libssl3 libxml2 libbenchmark1debian libstdc++6 libc6; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

step "dpkg -x into an empty root"
root=$work/root
mkdir "$root"
dpkg -x "$deb" "$root"
bin=$root/usr/bin/kmsconf
for f in usr/bin/kmsconf usr/share/kmsconf/schemas/suite.schema.json usr/share/kmsconf/schemas/2026-03-31/contract.json \
         usr/share/kmsconf/suites/valid.json usr/share/man/man1/kmsconf.1.gz usr/share/man/man1/kmsconf-serve.1.gz \
         usr/share/man/man1/kmsconf-bench.1.gz usr/share/man/man1/kmsconf-judge.1.gz usr/share/man/man1/kmsconf-proxy.1.gz \
         usr/share/bash-completion/completions/kmsconf \
         usr/share/doc/kmsconf/README.md usr/share/doc/kmsconf/docs/contract.md usr/share/doc/kmsconf/docs/flags.md; do
  [ -e "$root/$f" ] || fail "the package has no /$f"
done
grep -q ', stripped' <<<"$(file "$bin")" || fail "not stripped: $(file "$bin")"
man_page=$(zcat "$root/usr/share/man/man1/kmsconf.1.gz")
grep -q '^\.TH KMSCONF "1"' <<<"$man_page" || fail "kmsconf.1 is no man page"
grep -q 'base\\-url' <<<"$man_page" || fail "kmsconf.1 does not document --base-url"
bash -c "source '$root/usr/share/bash-completion/completions/kmsconf' && complete -p kmsconf" >/dev/null ||
  fail "the completion does not register for kmsconf"

step "no path of the build machine in the binary"
paths=("$src" "$build")
top=/$(cut -d/ -f2 <<<"$src")/  # the checkout's top folder (/work/), unless a system one
case $top in /usr/ | /lib/ | /etc/ | /tmp/ | /var/ | /opt/ | /home/ | /root/) ;; *) paths+=("$top") ;; esac
# Into a file first: `strings | grep -q` fails the pipeline (pipefail) when grep stops early.
strings -a "$bin" >"$work/strings"
for p in "${paths[@]}"; do
  if grep -qF "$p" "$work/strings"; then
    fail "strings finds $p in the installed binary: $(grep -F "$p" "$work/strings" | head -3 | tr '\n' ' ')"
  fi
done

step "--version on run, serve, bench, judge, proxy"
for command in "" run serve bench judge proxy; do
  got=$("$bin" $command --version)
  [ "$got" = "kmsconf $version" ] || fail "kmsconf $command --version: '$got', the package is $version"
done

# LeakSanitizer cannot run under ptrace (it stops the process's threads the way strace does and
# aborts), so a sanitized build (the asan preset's ctest) runs its traced steps with leak checks
# off; ASan's other checks stay on. A build without ASan ignores the variable.
traced_asan_options=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# strace must see what it is asked about: a run told to read the checkout's suites is caught.
step "strace sees an access to the checkout"
ASAN_OPTIONS=$traced_asan_options strace -f -qq -e trace=%file -o "$work/probe.trace" "$bin" --list --generated 0 --suites "$src/suites/auth.json" >/dev/null
grep -qF "$src/suites" "$work/probe.trace" || fail "strace did not record the read of $src/suites"

step "every case against the embedded server, the checkout hidden"
cwd=$work/cwd
mkdir "$cwd"
hide=()
for d in "$src" "$build"; do
  [[ $d == "$src"/* ]] || hide+=("$d")  # a build folder inside the checkout goes with it
done
run_script='
  set -e
  for d in '"${hide[*]}"'; do mount -t tmpfs -o ro,size=1m kmsconf-hidden "$d"; done
  [ ! -e '"$src"'/CMakeLists.txt ] || { echo "the checkout is still visible" >&2; exit 90; }
  cd '"$cwd"'
  exec env -i PATH=/usr/bin:/bin HOME='"$cwd"' LANG=C.UTF-8 ASAN_OPTIONS='"$traced_asan_options"' \
    strace -f -qq -e trace=%file -o '"$work"'/run.trace '"$bin"' --report-dir reports --quiet'
if unshare --mount --propagation private true 2>/dev/null; then
  namespace=(unshare --mount --propagation private)
elif unshare --map-root-user --mount true 2>/dev/null; then
  namespace=(unshare --map-root-user --mount)
else
  fail "no mount namespace (unshare) to hide the checkout in"
fi
set +e
"${namespace[@]}" sh -c "$run_script" >"$work/run.out" 2>&1
code=$?
set -e
cat "$work/run.out"
[ $code -eq 0 ] || fail "the installed kmsconf exited $code"
if grep -F -e "$src" -e "$build" "$work/run.trace" >"$work/leaks"; then
  fail "the installed kmsconf looked into the checkout or the build: $(head -5 "$work/leaks")"
fi
grep -qF "\"$root/usr/share/kmsconf/suites" "$work/run.trace" || fail "the run did not read the package's suites"
grep -qF "\"$root/usr/share/kmsconf/schemas" "$work/run.trace" || fail "the run did not read the package's schemas"
"$bin" --list | sed -n 's/^\([^ ]*\)  \[.*/\1/p' >"$work/listed"
python3 - "$cwd/reports/summary.json" "$version" "$work/listed" <<'PY' || fail "summary.json: see above"
import json, sys
summary = json.load(open(sys.argv[1]))
listed = set(open(sys.argv[3]).read().split())
result = summary["result"]
ran = {f'{c["suite"]}.{c["id"]}': c["verdict"] for c in summary["cases"]}
problems = []
if result["skipped"] or result["failed"] or result["passed"] != result["tests"]:
    problems.append(f"result {result}")
missing = sorted(listed - ran.keys())
if not listed or missing:
    problems.append(f"{len(missing)} listed cases did not run: {missing[:5]}")
skipped = sorted(k for k, v in ran.items() if v == "skipped")
if skipped:
    problems.append(f"skipped: {skipped[:5]}")
if summary.get("tool") != "kmsconf " + sys.argv[2]:
    problems.append(f"tool {summary.get('tool')}")
for p in problems:
    print("summary.json:", p)
print(f"summary.json: {result['tests']} cases, {result['passed']} passed ({len(listed)} listed, the rest the run's own)")
sys.exit(1 if problems else 0)
PY

step "no data folder: exit 2 naming where it looked"
mv "$root/usr/share/kmsconf" "$root/usr/share/kmsconf.away"
set +e
out=$(env -u KMSCONF_SCHEMAS_DIR -u KMSCONF_SUITES_DIR "$bin" --list 2>&1)
code=$?
set -e
[ $code -eq 2 ] || fail "without its data: exit $code ($out)"
want="no schemas folder; looked at: --schemas-dir (not given); \$KMSCONF_SCHEMAS_DIR (not set); $root/usr/share/kmsconf/schemas beside the binary $bin (no such directory)"
[[ $out == *"$want"* ]] || fail "without its data: '$out'"
KMSCONF_SCHEMAS_DIR=$root/usr/share/kmsconf.away/schemas KMSCONF_SUITES_DIR=$root/usr/share/kmsconf.away/suites \
  "$bin" --list >/dev/null || fail "the environment variables do not find the moved data"
echo "ok: the package installs, runs every case from an empty root with the checkout hidden, and names its version"
