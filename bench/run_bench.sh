#!/usr/bin/env bash
# End-to-end benchmark of `newsmirror run` on loopback (docs/BENCHMARKS.md).
#
#   bench/run_bench.sh [SIZE...]          default sizes: 10000 100000
#
# Environment: REPS (default 3), COLD=0 skips the cold run, HOSTS (addresses to
# serve from; default one per feed), NEWSMIRROR_BIN
# (default build/newsmirror) times another build, e.g. main's, on the same mirrors.
#
# Serves ../shared/tools/gen_feeds.py's corpus (50 feeds x 200 items) from
# bench/serve_feeds.py, each feed on a loopback address of its own (127.0.0.1
# to 127.0.0.50: real outlets are separate hosts, and newsmirror fetches one
# feed at a time per host; HOSTS=8 spreads them over eight addresses, as
# before 2026-11-26), and times, REPS times each (median shown):
#   cold        an empty mirror, --commit
#   1% new      a mirror of SIZE articles (bench/gen_mirror.py) that lacks the
#               newest 2 items of each feed (100 of 10,000 entries), --commit
#   unchanged   the same mirror again: every feed downloaded and parsed, nothing new
#   unchanged-304  the same with validators: every feed answers 304 Not Modified
# Wall time, user+sys CPU and peak RSS come from /usr/bin/time -v. Mirrors are kept in
# $NEWSMIRROR_BENCH_DIR (default /tmp/newsmirror-bench) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NEWSMIRROR_BIN:-$PWD/build/newsmirror}
W=${NEWSMIRROR_BENCH_DIR:-/tmp/newsmirror-bench}
REPS=${REPS:-3}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$W"
[ -d "$W/feeds" ] || python3 ../shared/tools/gen_feeds.py --out "$W/feeds"

nfeeds=$(ls "$W/feeds" | wc -l)
HOSTS=${HOSTS:-$nfeeds}
rm -f "$W/port"
python3 bench/serve_feeds.py "$W/feeds" "$HOSTS" > "$W/port" &
server=$!
trap 'kill $server' EXIT
while [ ! -s "$W/port" ]; do sleep 0.1; done
port=$(cat "$W/port")
for kind in v n; do
  : > "$W/$kind.toml"
  i=0
  for f in $(ls "$W/feeds" | sort); do
    printf '[[source]]\nname = "outlet-%03d"\nurl = "http://127.0.0.%d:%s/%s/%s"\n' $i $((i % HOSTS + 1)) "$port" $kind "$f" >> "$W/$kind.toml"
    i=$((i + 1))
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure LABEL PREPARE CONFIG MIRROR: runs PREPARE, then times one run, REPS times.
measure() {
  local label=$1 prepare=$2 config=$3 mirror=$4 times=() cpus=() users=() rss=()
  for r in $(seq "$REPS"); do
    eval "$prepare"
    /usr/bin/time -v -o "$W/time.txt" "$BIN" run -q --config "$config" --out "$mirror" --commit ||
      { echo "run_bench: $label: newsmirror failed" >&2; exit 1; }
    times+=("$(awk -F': ' '/Elapsed/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$W/time.txt")")
    cpus+=("$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$W/time.txt")")
    users+=("$(awk -F': ' '/User time/ {printf "%.2f", $2}' "$W/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident/ {print $2}' "$W/time.txt")")
  done
  local t c u m
  t=$(printf '%s\n' "${times[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  u=$(printf '%s\n' "${users[@]}" | median)
  m=$(printf '%s\n' "${rss[@]}" | median)
  printf '| %s | %s s | %s s | %s s | %d MB | %s |\n' "$label" "$t" "$c" "$u" $((m / 1024)) "${times[*]}" |
    tee -a "$W/results.md"
}

# System time is mostly the file system's (creating the run's files and git
# objects), which varies run to run far more than user time.
echo "| run | wall (median of $REPS) | user+sys CPU (median) | user CPU (median) | peak RSS | all runs, wall (s) |" |
  tee "$W/results.md"
echo "|---|---|---|---|---|---|" | tee -a "$W/results.md"
[ "${COLD:-1}" = 0 ] || measure "cold, empty mirror" 'rm -rf "$W/cold"' "$W/n.toml" "$W/cold"
for size in "${SIZES[@]}"; do
  base=$W/m$size
  [ -d "$base" ] || python3 bench/gen_mirror.py --articles "$size" --out "$base" --newsmirror "$BIN"
  work=$W/work$size
  # Hard links are enough: newsmirror and libgit2 replace files by rename, never in place.
  measure "$size articles, 1% new" 'rm -rf "$work"; cp -al "$base" "$work"' "$W/n.toml" "$work"
  measure "$size articles, unchanged" ':' "$W/n.toml" "$work"
  "$BIN" run -q --config "$W/v.toml" --out "$work" --commit   # stores the validators
  measure "$size articles, unchanged, 304" ':' "$W/v.toml" "$work"
done
