#!/usr/bin/env bash
# newsmirror beside xmllint, whole processes, interleaved (docs/BENCHMARKS.md,
# "newsmirror beside xmllint"):
#
#   bench/side_by_side.sh parse          A: newsmirror parse --bench 1 FEEDS
#                                        B: xmllint --noout --stream FEEDS
#   bench/side_by_side.sh run [SIZE]     A: newsmirror run -q --commit on a mirror of SIZE
#                                           articles (default 100000), 1% new and unchanged,
#                                           every feed downloaded and parsed (run_bench.sh's)
#                                        B: xmllint --noout --stream over the same 50 feeds
#
# FEEDS are ../shared/tools/gen_feeds.py's 50 feeds x 200 items (60.7 MB, seed
# 1), the corpus bench/run_bench.sh serves. Every figure is a whole process
# timed from outside (wall clock from `date +%s%N` around it, user+sys CPU from
# /usr/bin/time), never a program's own clock. Each of REPS rounds (default 7)
# runs A and B in turn (A B A B …), so that the machine's changing load falls
# on both alike; one untimed round first brings the feeds into the page cache.
# Prints every round, then the medians and the ratios A/B (wall and CPU) with
# the goals: parse ≥ 0.8x xmllint's bytes per second (A/B time ≤ 1.25), the
# unchanged run ≤ 2x and the 1% run ≤ 3x xmllint's time.
# Environment: REPS, NEWSMIRROR_BIN (default build/newsmirror),
# NEWSMIRROR_BENCH_DIR (default /tmp/newsmirror-bench, shared with run_bench.sh),
# FILES (parse only: other files, separated by spaces, instead of FEEDS).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NEWSMIRROR_BIN:-$PWD/build/newsmirror}
W=${NEWSMIRROR_BENCH_DIR:-/tmp/newsmirror-bench}
REPS=${REPS:-7}
mode=${1:-parse}
size=${2:-100000}
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$W"
[ -d "$W/feeds" ] || python3 ../shared/tools/gen_feeds.py --out "$W/feeds" >/dev/null
if [ -n "${FILES:-}" ]; then read -r -a feeds <<<"$FILES"; else mapfile -t feeds < <(find "$W/feeds" -type f | sort); fi
bytes=$(cat "${feeds[@]}" | wc -c)
results=$(mktemp)
trap 'rm -f "$results" "$results.time"; [ -z "${server:-}" ] || kill "$server"' EXIT

# timed LABEL COMMAND…: runs it once; appends "LABEL WALL CPU" to the results.
timed() {
  local label=$1 t0 t1
  shift
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$results.time" "$@" >/dev/null ||
    { echo "side_by_side: $label failed: $*" >&2; exit 1; }
  t1=$(date +%s%N)
  local wall cpu
  wall=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)
  cpu=$(awk '{printf "%.2f", $1 + $2}' "$results.time")
  echo "$label $wall $cpu" >>"$results"
  printf '  %-12s %7.3f s wall %6.2f s CPU\n' "$label" "$wall" "$cpu"
}

xmllint_feeds() { xmllint --noout --stream "${feeds[@]}"; }

if [ "$mode" = parse ]; then
  echo "parse: ${#feeds[@]} files, $bytes bytes; $REPS rounds; binary $BIN"
  "$BIN" parse --bench 1 "${feeds[@]}" >/dev/null  # page cache, untimed
  xmllint_feeds
  for ((r = 1; r <= REPS; r++)); do
    echo "round $r"
    timed newsmirror "$BIN" parse --bench 1 "${feeds[@]}"
    timed xmllint xmllint --noout --stream "${feeds[@]}"
  done
elif [ "$mode" = run ]; then
  nfeeds=${#feeds[@]}
  rm -f "$W/port"
  python3 bench/serve_feeds.py "$W/feeds" "$nfeeds" >"$W/port" &
  server=$!
  while [ ! -s "$W/port" ]; do sleep 0.1; done
  port=$(cat "$W/port")
  : >"$W/side-run.toml"
  i=0
  for f in $(ls "$W/feeds" | sort); do
    printf '[[source]]\nname = "outlet-%03d"\nurl = "http://127.0.0.%d:%s/n/%s"\n' $i $((i + 1)) "$port" "$f" >>"$W/side-run.toml"
    i=$((i + 1))
  done
  base=$W/m$size
  [ -d "$base" ] || python3 bench/gen_mirror.py --articles "$size" --out "$base" --newsmirror "$BIN"
  work=$W/side-work$size
  echo "run: mirror of $size articles, ${#feeds[@]} feeds, $bytes bytes; $REPS rounds; binary $BIN"
  rm -rf "$work" && cp -al "$base" "$work"
  "$BIN" run -q --config "$W/side-run.toml" --out "$work" --commit  # page cache, key cache; untimed
  xmllint_feeds
  for ((r = 1; r <= REPS; r++)); do
    echo "round $r"
    # Hard links are enough: newsmirror and git replace files by rename.
    rm -rf "$work" && cp -al "$base" "$work"
    timed run-1%-new "$BIN" run -q --config "$W/side-run.toml" --out "$work" --commit
    timed xmllint xmllint --noout --stream "${feeds[@]}"
    timed run-unchanged "$BIN" run -q --config "$W/side-run.toml" --out "$work" --commit
    timed xmllint xmllint --noout --stream "${feeds[@]}"
  done
else
  echo "usage: bench/side_by_side.sh parse | run [SIZE]" >&2
  exit 1
fi

python3 - "$results" "$bytes" "$mode" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu = line.split()
    rows.setdefault(label, ([], []))
    rows[label][0].append(float(wall))
    rows[label][1].append(float(cpu))
nbytes, mode = int(sys.argv[2]), sys.argv[3]
bw, bc = (statistics.median(v) for v in rows["xmllint"])
goal = {"newsmirror": 1.25, "run-unchanged": 2.0, "run-1%-new": 3.0}
print("| process | wall (median) | CPU (median) | MB/s (wall) | wall vs xmllint | CPU vs xmllint | goal (time vs xmllint) | every wall (s) |")
print("|---|---|---|---|---|---|---|---|")
for label, (wall, cpu) in rows.items():
    w, c = statistics.median(wall), statistics.median(cpu)
    g = goal.get(label)
    verdict = "" if g is None else f"≤ {g:.2f}x: {'met' if w / bw <= g else 'NOT met'}"
    print(f"| {label} | {w:.3f} s | {c:.2f} s | {nbytes / w / 1e6:.1f} | {w / bw:.2f}x | {c / bc:.2f}x | {verdict} | "
          f"{', '.join(f'{x:.3f}' for x in wall)} |")
PY
