#!/usr/bin/env bash
# Configures and builds newsmirror into build/ (build/newsmirror, build/newsmirror_tests).
# Extra arguments go to CMake's configure step, e.g. -DNEWSMIRROR_SANITIZE=ON;
# -DNEWSMIRROR_TESTS=OFF builds the binary alone (scripts/run.sh). Each call
# says whether the tests are built, so a folder configured without them by
# run.sh builds them again for test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${NEWSMIRROR_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" -DNEWSMIRROR_TESTS=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
