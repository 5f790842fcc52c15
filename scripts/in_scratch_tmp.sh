#!/usr/bin/env bash
# Runs a command with TMPDIR pointing at a fresh folder that is removed afterwards, whatever the
# command's outcome, and exits with the command's status. `make test` runs its test commands
# through it: the suites make a temporary folder per test (and SwiftPM, the veil processes the
# CLI tests start, and the browser test make more), so a run used to leave a few hundred folders
# and ~60 MB in /tmp behind. Now none outlives the run, even a test that fails or crashes.
#
#   scripts/in_scratch_tmp.sh COMMAND [ARGUMENT...]
set -uo pipefail
scratch=$(mktemp -d "${TMPDIR:-/tmp}/veil-test.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
TMPDIR="$scratch" "$@"
