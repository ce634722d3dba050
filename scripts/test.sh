#!/usr/bin/env bash
# Builds newsmirror and runs every test (CTest over the GoogleTest suite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh "$@"
build_dir=${NEWSMIRROR_BUILD_DIR:-build}
cd "$build_dir"
ctest --output-on-failure -j"$(nproc)" --timeout 300
