#!/usr/bin/env bash
# Feed parsing speed beside the XML library beneath it (docs/BENCHMARKS.md,
# "Parser speed on generated feeds"). Generates ../shared/tools/gen_feeds.py's
# corpus (50 feeds x 200 items) into a temporary folder, then measures the
# bytes per second of:
#   newsmirror   BIN parse --bench N FILES                  (parsing from memory, its own clock)
#   rss-parser   bench/rss-parser-js parse --bench N FILES  (npm, the old mirror's parser)
#   feedparser   bench/feedparser-py parse --bench 1 FILES  (Debian python3-feedparser; one pass, it is slow)
#   xmllint      xmllint --noout --stream FILES x N         (libxml2's reader alone; the process, reading included)
# RUNS rounds (default 5), each running every tool once, so that a change in
# the machine's load hits all of them alike. Two figures per run: wall-clock
# bytes/s (as above) and bytes per CPU second of the whole process (user +
# system from /usr/bin/time: start-up and file reading included, but not time
# spent waiting for a shared CPU). Prints every run, then the medians and the
# ratios to xmllint. Run bench/setup.sh once first. BIN overrides the binary.
#   bench/parse_speed.sh [RUNS] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
n=${2:-3}
bin=${BIN:-build/newsmirror}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 ../shared/tools/gen_feeds.py --sources 50 --items 200 --out "$dir/feeds" >/dev/null 2>&1
mapfile -t files < <(find "$dir/feeds" -type f | sort)
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus: ${#files[@]} files, $bytes bytes; N=$n passes per run ($runs runs)"

# Runs the command under /usr/bin/time; prints "WALL_BYTES_PER_S CPU_BYTES_PER_S ENTRIES".
# For commands printing {"bytes","entries","seconds"} their own clock gives the
# wall figure; otherwise (xmllint) the process's elapsed time, for `total` bytes.
measure() {
  local total=$1
  shift
  local out times
  out=$(/usr/bin/time -f "%e %U %S" -o "$dir/time" "$@" 2>/dev/null | tail -1)
  times=$(cat "$dir/time")
  python3 - "$total" "$times" "$out" <<'PY'
import json, sys
total, (elapsed, user, system), out = int(sys.argv[1]), map(float, sys.argv[2].split()), sys.argv[3]
cpu = user + system
if out.startswith("{"):
    d = json.loads(out)
    print(d["bytes"] / d["seconds"], d["bytes"] / cpu, d["entries"])
else:
    print(total / elapsed, total / cpu, "-")
PY
}

xmllint_args=()
for ((i = 0; i < n; i++)); do xmllint_args+=("${files[@]}"); done
results="$dir/results"
for ((r = 1; r <= runs; r++)); do
  for tool in xmllint newsmirror rss-parser feedparser; do
    case "$tool" in
      xmllint) line=$(measure $((bytes * n)) xmllint --noout --stream "${xmllint_args[@]}") ;;
      newsmirror) line=$(measure 0 "$bin" parse --bench "$n" "${files[@]}") ;;
      rss-parser) line=$(measure 0 bench/rss-parser-js parse --bench "$n" "${files[@]}") ;;
      feedparser) line=$(measure 0 bench/feedparser-py parse --bench 1 "${files[@]}") ;;
    esac
    echo "run $r $tool: $line (wall bytes/s, CPU bytes/s, entries)"
    echo "$tool $line" >>"$results"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
wall, cpu = {}, {}
for line in open(sys.argv[1]):
    tool, w, c, _ = line.split()
    wall.setdefault(tool, []).append(float(w))
    cpu.setdefault(tool, []).append(float(c))
bw, bc = statistics.median(wall["xmllint"]), statistics.median(cpu["xmllint"])
print("| parser | wall MB/s per run | median | vs xmllint | CPU MB/s per run | median | vs xmllint |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for tool in wall:
    mw, mc = statistics.median(wall[tool]), statistics.median(cpu[tool])
    print(f"| {tool} | {', '.join(f'{x / 1e6:.1f}' for x in wall[tool])} | {mw / 1e6:.1f} | {mw / bw:.2f}x "
          f"| {', '.join(f'{x / 1e6:.1f}' for x in cpu[tool])} | {mc / 1e6:.1f} | {mc / bc:.2f}x |")
PY
