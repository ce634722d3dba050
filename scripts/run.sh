#!/usr/bin/env bash
# Builds newsmirror and runs the main job: every outlet in config/newsmirror.toml
# into the mirror folder (default ./mirror), committed. Arguments are passed to
# `newsmirror run` (e.g. --push, --out DIR, --source NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec build/newsmirror run --config config/newsmirror.toml --out mirror --commit "$@"
