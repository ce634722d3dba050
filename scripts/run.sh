#!/usr/bin/env bash
# Builds newsmirror (the binary only, not the tests) and runs the main job:
# every outlet in config/newsmirror.toml into the mirror folder (default
# ./mirror), committed. Arguments are passed to `newsmirror run` (e.g. --push,
# --out DIR, --source NAME). Needs scripts/setup.sh (or --for build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DNEWSMIRROR_TESTS=OFF
exec build/newsmirror run --config config/newsmirror.toml --out mirror --commit "$@"
