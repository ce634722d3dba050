#!/usr/bin/env bash
# Scores newsmirror's extractor, Readability.js and readability-lxml on the
# shared extraction corpus, each driven the same way (one process per page,
# run_extraction.py --bin). Run bench/setup.sh once first. Prints, per tool,
# the scorer's last line for each of RUNS runs (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
for tool in build/newsmirror bench/readability-js bench/readability-lxml; do
  for ((i = 1; i <= runs; i++)); do
    echo "$tool run $i: $(python3 ../shared/tools/run_extraction.py --bin "$tool" | tail -1)"
  done
done
