#!/usr/bin/env bash
# The run's own commit against the one an operator would otherwise make,
# side by side and interleaved (docs/BENCHMARKS.md):
#
#   bench/commit_side_by_side.sh [SIZE]       default 10000
#
# On a mirror of SIZE articles (bench/gen_mirror.py) served the feeds of
# run_bench.sh (2 new items in each of 50 feeds, 100 new articles), each round
# times two whole jobs on fresh copies of the mirror, in turn:
#   A  newsmirror run --commit          (commits the run's paths only)
#   B  newsmirror run, then git add -A && git commit   (what else there is)
# REPS rounds (default 5), A B A B …; medians and the ratio B/A are printed.
# Environment: REPS, NEWSMIRROR_BIN (default build/newsmirror),
# NEWSMIRROR_BENCH_DIR (default /tmp/newsmirror-bench, shared with run_bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NEWSMIRROR_BIN:-$PWD/build/newsmirror}
W=${NEWSMIRROR_BENCH_DIR:-/tmp/newsmirror-bench}
REPS=${REPS:-5}
size=${1:-10000}
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$W"
[ -d "$W/feeds" ] || python3 ../shared/tools/gen_feeds.py --out "$W/feeds"

rm -f "$W/port"
python3 bench/serve_feeds.py "$W/feeds" 50 > "$W/port" &
server=$!
trap 'kill $server' EXIT
while [ ! -s "$W/port" ]; do sleep 0.1; done
port=$(cat "$W/port")
: > "$W/side.toml"
i=0
for f in $(ls "$W/feeds" | sort); do
  printf '[[source]]\nname = "outlet-%03d"\nurl = "http://127.0.0.%d:%s/n/%s"\n' $i $((i % 50 + 1)) "$port" "$f" >> "$W/side.toml"
  i=$((i + 1))
done
base=$W/m$size
[ -d "$base" ] || python3 bench/gen_mirror.py --articles "$size" --out "$base" --newsmirror "$BIN"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
a=() b=()
for ((r = 1; r <= REPS; r++)); do
  for job in A B; do
    work=$W/side-$job
    rm -rf "$work"
    # Hard links are enough: newsmirror and git replace files by rename.
    cp -al "$base" "$work"
    sync
    t0=$(now)
    if [ $job = A ]; then
      "$BIN" run -q --config "$W/side.toml" --out "$work" --commit
    else
      "$BIN" run -q --config "$W/side.toml" --out "$work"
      git -C "$work" add -A && git -C "$work" commit -qm "Mirror update"
    fi
    t=$(echo "$(now) - $t0" | bc)
    [ "$(git -C "$work" rev-list --count HEAD)" -gt "$(git -C "$base" rev-list --count HEAD)" ] ||
      { echo "job $job made no commit" >&2; exit 1; }
    if [ $job = A ]; then a+=("$t"); else b+=("$t"); fi
    echo "round $r $job ${t:0:6} s"
  done
done
ma=$(printf '%s\n' "${a[@]}" | median)
mb=$(printf '%s\n' "${b[@]}" | median)
echo "size $size, $REPS rounds: A run --commit ${ma:0:6} s; B run + git add -A + git commit ${mb:0:6} s; B/A $(echo "scale=2; $mb / $ma" | bc)"
