#!/usr/bin/env bash
# Writes the bash completion of kmsconf from the commands' own --help (and `serve --fault list`,
# and the revisions under schemas/), so that it cannot drift from the flags: a flag added to a
# command's options is completed at the next build.
# usage: bash_completion.sh KMSCONF SCHEMAS_DIR OUT
set -euo pipefail
kmsconf=$1 schemas=$2 out=$3

# One line per option of a command's --help, as Boost.Program_options prints them
# ("  -c [ --connections ] arg (=1)   ..."): "--connections -c arg" (short and arg when present).
options_of() {
  "$kmsconf" "$1" --help |
    sed -nE 's/^  (-([[:alnum:]]) \[ )?(--[[:alnum:]-]+)( \])?( arg)?.*/\3 -\2\5/p' | sed -E 's/ -( |$)/\1/'
}

# Shell-safe: the words are flag names, revision dates and fault names.
check_word() { [[ $1 =~ ^[[:alnum:]._-]+$ ]] || { echo "bash_completion.sh: unexpected word '$1'" >&2; exit 1; }; }

revisions=
for d in "$schemas"/*/; do
  [ -f "$d/contract.json" ] && revisions+=" $(basename "$d")"
done
revisions=${revisions# }
[ -n "$revisions" ] || { echo "bash_completion.sh: no revision under $schemas" >&2; exit 1; }
faults=$("$kmsconf" serve --fault list | tr '\n' ' ')
faults=${faults% }
modes="closed closed-new-conn open"
# The modes are the one list written here: each must still be one that bench's --help explains.
bench_help=$("$kmsconf" bench --help)
for m in $modes; do
  grep -q "$m:" <<<"$bench_help" || { echo "bash_completion.sh: bench --help no longer explains --mode $m" >&2; exit 1; }
done

{
  echo "# bash completion for kmsconf (run, serve, bench, judge, proxy). Generated at build time from the"
  echo "# commands' --help by packaging/bash_completion.sh: do not edit."
  for command in run serve bench judge proxy; do
    flags= valued=
    while read -r long rest; do
      check_word "$long"
      flags+=" $long"
      short= arg=
      for w in $rest; do
        case $w in arg) arg=1 ;; *) check_word "$w"; short=$w ;; esac
      done
      if [ -n "$arg" ]; then valued+=" $long${short:+ $short}"; fi
    done < <(options_of "$command")
    [ -n "$flags" ] || { echo "bash_completion.sh: no flag in kmsconf $command --help" >&2; exit 1; }
    echo "_kmsconf_flags_$command='${flags# }'"
    echo "_kmsconf_valued_$command='${valued# }'"
  done
  echo "_kmsconf_values_run_contract='$revisions auto'"
  echo "_kmsconf_values_judge_contract='$revisions auto'"
  echo "_kmsconf_values_proxy_contract='$revisions auto'"
  echo "_kmsconf_values_serve_contract='$revisions'"
  echo "_kmsconf_values_serve_fault='$faults list'"
  echo "_kmsconf_values_bench_mode='$modes'"
  cat <<'FUNCTION'

_kmsconf() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= command=run
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    case ${COMP_WORDS[1]-} in run | serve | bench | judge | proxy) command=${COMP_WORDS[1]} ;; esac
    COMPREPLY=()
    # The first word: a command, or one of run's flags (run is the default command).
    if ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W 'run serve bench judge proxy' -- "$cur")
        return
    fi
    local valued=_kmsconf_valued_$command
    if [[ -n $prev && " ${!valued} " == *" $prev "* ]]; then
        local values=_kmsconf_values_${command}_${prev#--}
        values=${values//-/_}
        if [[ -n ${!values-} ]]; then
            mapfile -t COMPREPLY < <(compgen -W "${!values}" -- "$cur")
        else
            case $prev in
            *-dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
            --suites | *-file | --tls-cert | --tls-key) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
            esac
        fi
        return
    fi
    # judge's words are its HAR files.
    if [[ $command == judge && $cur != -* ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
    fi
    local flags=_kmsconf_flags_$command
    mapfile -t COMPREPLY < <(compgen -W "${!flags}" -- "$cur")
}
complete -F _kmsconf kmsconf
FUNCTION
} >"$out.tmp"
bash -n "$out.tmp"
mv "$out.tmp" "$out"
