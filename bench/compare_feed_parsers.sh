#!/usr/bin/env bash
# Scores newsmirror's feed parser, Python's feedparser and npm rss-parser on the
# shared feedparser conformance corpus, each driven the same way (one process
# per case, score_feeds.py --bin; one run at a time, the scorer serves its HTTP
# cases on 127.0.0.1:8097), then times the parsing alone: every corpus file
# parsed N times (default 5) from memory in one process, RUNS times (default 3).
# Run bench/setup.sh once first. BIN overrides the newsmirror binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-build/newsmirror}
runs=${RUNS:-3}
n=${N:-5}
files=$(mktemp)
trap 'rm -f "$files"' EXIT
python3 - "$files" <<'PY'
import json, os, sys
root = os.path.join("..", "shared", "corpora", "feedparser")
cases = json.load(open(os.path.join(root, "cases.json"), encoding="utf-8"))
cases = cases["cases"] if isinstance(cases, dict) else cases
with open(sys.argv[1], "w") as out:
    for c in cases:
        out.write(os.path.join(root, "cases", c["file"]) + "\n")
PY
for tool in "$bin" bench/feedparser-py bench/rss-parser-js; do
  echo "$tool: $(python3 ../shared/tools/score_feeds.py --bin "$tool" --show 0 | tail -1)"
done
for tool in "$bin" bench/feedparser-py bench/rss-parser-js; do
  for ((i = 1; i <= runs; i++)); do
    echo "$tool speed run $i: $(xargs "$tool" parse --bench "$n" < "$files" 2>/dev/null | tail -1)"
  done
done
