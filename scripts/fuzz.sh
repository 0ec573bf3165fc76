#!/usr/bin/env bash
# Runs every fuzz harness of a build for SECONDS each (corpus replay, then mutations) and prints one
# result line per harness: how many inputs ran, or what failed and where the input was saved.
# Usage: scripts/fuzz.sh [BUILD_DIR (build-asan)] [SECONDS (60)]. Exit status 1 if any harness failed.
set -uo pipefail
build=${1:-build-asan}
seconds=${2:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
shopt -s nullglob
harnesses=("$build"/tests/fuzz/fuzz_*)
if ((${#harnesses[@]} == 0)); then
  echo "fuzz: no harnesses in $build/tests/fuzz (build the 'fuzzers' target)" >&2
  exit 1
fi
for exe in "${harnesses[@]}"; do
  [[ -f $exe && -x $exe ]] || continue
  name=${exe##*/fuzz_}
  log=$build/fuzz-artifacts/$name.log
  mkdir -p "$build/fuzz-artifacts/$name"
  args=(--seconds "$seconds" --artifacts "$build/fuzz-artifacts/$name")
  [[ -f $src/tests/fuzz/$name.dict ]] && args+=(--dict "$src/tests/fuzz/$name.dict")
  [[ -d $src/tests/fuzz/corpus/$name ]] && args+=("$src/tests/fuzz/corpus/$name")
  if "$exe" "${args[@]}" >"$log" 2>&1; then
    grep '^fuzz: .* ran ' "$log"
  else
    failed=1
    echo "fuzz: $name FAILED (log: $log)"
    grep '^fuzz: ' "$log" | grep -v ' ran ' | sed 's/^/  /'
    grep -m1 -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log" | sed 's/^/  /'
  fi
done
exit $failed
