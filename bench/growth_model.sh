#!/usr/bin/env bash
# The growth model: what a mirror's history weighs per year, measured by
# simulated hourly runs of the real binary (docs/BENCHMARKS.md, "What a mirror
# weighs").
#
#   bench/growth_model.sh [CHECKPOINTS]     default 2,4,7 (days)
#
# Simulates CHECKPOINTS' last number of days of hourly `newsmirror run --commit`
# at the shipped outlets' volume (bench/growth_model.py: ~350 articles a day
# over the seven outlets of config/newsmirror.toml, text from
# ../shared/corpora/extraction, 1-2 photographs of 100-400 KB each), once per
# images mode into a mirror of its own, and measures every mirror at each
# checkpoint. Prints the Markdown table of docs/BENCHMARKS.md; the rows are in
# $NEWSMIRROR_GROWTH_DIR/growth.tsv (default /tmp/newsmirror-growth, emptied
# first).
#
# Environment: MODES (default proxy,local,original), PER_DAY (350),
# NEWSMIRROR_BIN (default build/newsmirror). Builds build/newsmirror_image_gen.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NEWSMIRROR_BIN:-$PWD/build/newsmirror}
W=${NEWSMIRROR_GROWTH_DIR:-/tmp/newsmirror-growth}
[ -x "$BIN" ] || { echo "growth_model: no $BIN (scripts/build.sh)" >&2; exit 1; }
cmake --build build --target newsmirror_image_gen >/dev/null
exec python3 bench/growth_model.py --bin "$BIN" --gen "$PWD/build/newsmirror_image_gen" --work "$W" \
  --config config/newsmirror.toml --corpus ../shared/corpora/extraction/ground-truth.json \
  --checkpoints "${1:-2,4,7}" --modes "${MODES:-proxy,local,original}" --per-day "${PER_DAY:-350}"
