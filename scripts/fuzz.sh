#!/usr/bin/env bash
# `make fuzz` and the fuzz smoke in `make test`: runs each libFuzzer target of `veil-fuzz` (the
# sanitizer build) for a fixed time on its seed corpus in Fuzz/corpus/<target>, then prints one
# line per target (runs, execs/s, coverage, verdict). Exits 1 if any target found a crash, a
# leak, a timeout or an out-of-memory input; the input is saved under WORK/<target>/ and the
# command to replay it is printed.
#
#   scripts/fuzz.sh FUZZER SECONDS WORK [--seed N] TARGET...
#
# New interesting inputs go to WORK/<target>/corpus, never into the repository's seeds (copy
# good ones into Fuzz/corpus by hand, keeping each a few KB).
set -uo pipefail
FUZZER="$1"
SECONDS_EACH="$2"
WORK="$3"
shift 3
SEED=()
if [ "${1:-}" = "--seed" ]; then
  SEED=("-seed=$2")
  shift 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Sanitizer settings shared with the sanitized test run (see the Makefile).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:suppressions=$ROOT/Fuzz/asan.supp}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/Fuzz/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Swift's own crash backtracer reads the stack in ways ASan reports as an error of its own;
# libFuzzer prints the stack of a Swift trap instead.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

# Each target runs single-threaded for SECONDS: as many run at once as there are cores, so the
# fuzzing each target gets is the same and the wall time is divided.
parallel=$(nproc 2>/dev/null || echo 1)
fuzz_one() {
  local target=$1 dir="$WORK/$1"
  mkdir -p "$dir/corpus"
  local log="$dir/fuzz.log"
  local dict=()
  [ -f "$ROOT/Fuzz/$target.dict" ] && dict=("-dict=$ROOT/Fuzz/$target.dict")
  # -timeout: one input taking 20 s is a hang worth reporting; -rss_limit_mb: a file that makes
  # a decoder allocate gigabytes is a finding too (a decompression bomb), not noise.
  "$FUZZER" "$target" "$dir/corpus" "$ROOT/Fuzz/corpus/$target" "${dict[@]}" "${SEED[@]}" \
    -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$dir/" >"$log" 2>&1
  local status=$?
  local runs speed cov ft verdict=ok
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$status" != 0 ]; then
    local artifact reason
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    reason=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*|Fatal error: .*' "$log")
    verdict="FAILED (${reason:-exit $status}); input: ${artifact:-none}; log: $log"
  fi
  printf '%-9s %9s %9s %6s %6s  %s\n' "$target" "${runs:--}" "${speed:--}" "${cov:--}" "${ft:--}" "$verdict" \
    >"$dir/verdict"
}

for target in "$@"; do
  rm -f "$WORK/$target/verdict"
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
  fuzz_one "$target" &
done
wait

failed=0
printf '%-9s %9s %9s %6s %6s  %s\n' target runs "execs/s" cov ft verdict
for target in "$@"; do
  line=$(cat "$WORK/$target/verdict" 2>/dev/null || printf '%-9s  FAILED (no verdict)' "$target")
  printf '%s\n' "$line"
  case "$line" in *FAILED*) failed=1 ;; esac
done
if [ "$failed" = 1 ]; then
  echo "replay a saved input: $FUZZER TARGET INPUT   (or .build/debug/veil-fuzz TARGET INPUT without sanitizers)"
fi
exit "$failed"
