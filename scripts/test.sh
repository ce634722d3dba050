#!/usr/bin/env bash
# Builds newsmirror and runs every test (CTest over the GoogleTest suite), then
# builds it again with AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/) and runs the whole suite under them: any finding stops the
# process that made it and fails its test. No suppressions.
# NEWSMIRROR_SKIP_SANITIZE=1 skips the second pass (quick local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/build.sh "$@"
(cd "${NEWSMIRROR_BUILD_DIR:-build}" && ctest --output-on-failure -j"$jobs" --timeout 300)

if [ "${NEWSMIRROR_SKIP_SANITIZE:-0}" != 1 ]; then
  NEWSMIRROR_BUILD_DIR=build-asan CMAKE_BUILD_TYPE=Debug scripts/build.sh -DNEWSMIRROR_SANITIZE=ON "$@"
  export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  (cd build-asan && ctest --output-on-failure -j"$jobs" --timeout 600)
fi
