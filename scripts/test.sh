#!/usr/bin/env bash
# Builds newsmirror and runs every test (CTest over the GoogleTest suite), then
# builds it again with AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/) and runs the whole suite under them: any finding stops the
# process that made it and fails its test; the one leak suppressed
# (tests/lsan.supp) is libgit2's own, with its cause. Last, it builds
# the libFuzzer targets (clang, build-fuzz/) and runs each of fuzz/*_fuzz.cc for
# NEWSMIRROR_FUZZ_SECONDS (default 15) from its seeds on one core: a finding
# fails the script (scripts/fuzz.sh runs the long ones).
# NEWSMIRROR_SKIP_SANITIZE=1 skips the second pass, NEWSMIRROR_SKIP_FUZZ=1 the
# third (quick local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/build.sh "$@"
(cd "${NEWSMIRROR_BUILD_DIR:-build}" && ctest --output-on-failure -j"$jobs" --timeout 300)

if [ "${NEWSMIRROR_SKIP_SANITIZE:-0}" != 1 ]; then
  NEWSMIRROR_BUILD_DIR=build-asan CMAKE_BUILD_TYPE=Debug scripts/build.sh -DNEWSMIRROR_SANITIZE=ON "$@"
  export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
  (cd build-asan && ctest --output-on-failure -j"$jobs" --timeout 600)
fi

if [ "${NEWSMIRROR_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz_start=$SECONDS
  fuzz_out=$(mktemp -d)
  trap 'rm -rf "$fuzz_out"' EXIT
  for src in fuzz/*_fuzz.cc; do
    target=$(basename "$src" _fuzz.cc)
    echo "fuzz: $target for ${NEWSMIRROR_FUZZ_SECONDS:-15} s"
    # A saved input (crash-, leak-, timeout-, oom-…) counts even if libFuzzer's
    # job runner were to exit with 0.
    if ! FUZZ_OUT="$fuzz_out" scripts/fuzz.sh "$target" "${NEWSMIRROR_FUZZ_SECONDS:-15}" ||
      ls "$fuzz_out/findings/$target" | grep -qv '^fuzz-'; then
      echo "fuzz: $target found a failure; its log:" >&2
      tail -n 60 "$fuzz_out/findings/$target/fuzz-0.log" >&2
      exit 1
    fi
  done
  echo "fuzz: every target ran without a finding ($((SECONDS - fuzz_start)) s with the build)"
fi
