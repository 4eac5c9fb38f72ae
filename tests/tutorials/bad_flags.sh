#!/bin/sh
# Every bad command line a tutorial can get: each must exit with status 2 and
# say what is wrong on stderr, followed by the usage line.
#   bad_flags.sh TUTORIAL
tutorial=$1
failed=0
expect() {
  message=$1
  shift
  "$tutorial" "$@" >/dev/null 2>"${TMPDIR:-/tmp}/bad_flags.$$"
  status=$?
  if [ "$status" != 2 ] || ! grep -qF -- "$message" "${TMPDIR:-/tmp}/bad_flags.$$" ||
     ! grep -q "^usage: " "${TMPDIR:-/tmp}/bad_flags.$$"; then
    echo "FAIL: $tutorial $*: exit $status, wanted 2 and '$message'; stderr:"
    cat "${TMPDIR:-/tmp}/bad_flags.$$"
    failed=1
  fi
}
expect "--threads needs a whole number from 1 to 1024, got 'zero'" --threads zero
expect "--threads needs a whole number from 1 to 1024, got '0'" --threads 0
expect "--threads needs a whole number from 1 to 1024, got '99999'" --threads 99999
expect "--seed needs a non-negative whole number, got '-1'" --seed -1
expect "--seed needs a non-negative whole number, got '1e3'" --seed 1e3
expect "--out needs a value" --out
expect "unknown flag '--bogus'" --bogus
expect "--html and --no-html together" --quick --html --no-html
expect "unknown flag 'extra'" --quick extra
expect "cannot create output folder '/proc/nope'" --quick --out /proc/nope
export ATTO_KERNEL=sse9
expect "ATTO_KERNEL: no kernel named 'sse9'" --quick
unset ATTO_KERNEL
rm -f "${TMPDIR:-/tmp}/bad_flags.$$"
exit $failed
