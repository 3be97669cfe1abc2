#!/usr/bin/env bash
# Writes one man page of kmsconf, gzipped as Debian policy wants them, from the command's own
# --help and --version (help2man), so that the page cannot drift from the flags.
# usage: man_page.sh KMSCONF COMMAND NAME_LINE INCLUDE OUT.1.gz
#   COMMAND  run, serve, bench, judge or proxy (run's page is kmsconf.1: run is the default command)
#   INCLUDE  help2man include file: the sections --help does not hold (files, environment, ...)
set -euo pipefail
kmsconf=$1 command=$2 name_line=$3 include=$4 out=$5
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# help2man runs "$kmsconf $option" through the shell; run's flags are also kmsconf's own.
word=$command
[ "$command" = run ] && word=
LC_ALL=C.UTF-8 help2man --no-info --no-discard-stderr --name="$name_line" --include="$include" \
  --help-option="$word --help" --version-option="$word --version" --output="$tmp" "$kmsconf"
if [ -n "$word" ]; then
  # help2man names the page after the program; the subcommand's page is kmsconf-COMMAND.
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$word")
  sed -i -e "s/^\.TH KMSCONF /.TH KMSCONF-$upper /" -e "s/^kmsconf \\\\- /kmsconf-$word \\\\- /" "$tmp"
fi
grep -q '^\.TH ' "$tmp" || { echo "man_page.sh: help2man wrote no page for $command" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
gzip -9n <"$tmp" >"$out.tmp"
mv "$out.tmp" "$out"
