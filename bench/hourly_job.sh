#!/usr/bin/env bash
# The whole hourly job, as today's template does it and as deploy/mirror-job.sh
# does it, side by side on the same remotes (docs/BENCHMARKS.md).
#
#   bench/hourly_job.sh [SCENARIO...]     default: 100k-10k 100k-50k 1m-100
#
# A SCENARIO is ARTICLES-COMMITS (k and m allowed): a remote of ARTICLES
# articles grown over COMMITS hourly commits (bench/gen_remote.py through `git
# fast-import`, then newsmirror archives the older items of the served feeds
# on top in one more commit). The feeds are ../shared/tools/gen_feeds.py's 50 x
# 200 items served on loopback (bench/serve_feeds.py), 2 of each newer than
# the mirror: 1% new entries. The remote is served by `git daemon` through
# bench/git_relay.py, which counts the bytes of every connection. Each
# repetition starts from a fresh copy of the remote and an empty folder, and
# the two sides alternate (today, job, today, job, ...):
#   today  the steps of the template this job replaces: a clone of the whole
#          history (actions/checkout with fetch-depth: 0), optionally the
#          build (BUILD=1), then `newsmirror run --commit --push`
#   job    deploy/mirror-job.sh from an empty WORK_DIR (its steps from -v)
# Neither side installs packages. Wall time per step (median of REPS) and
# the bytes each step moved are printed as Markdown rows.
#
# Environment:
#   NEWSMIRROR_BENCH_DIR  work folder (default /tmp/newsmirror-bench; the feeds
#                         are shared with bench/run_bench.sh)
#   NEWSMIRROR_REMOTES    where generated remotes are kept and reused (default
#                         $NEWSMIRROR_BENCH_DIR/remotes; 1m-100 takes ~3 GB)
#   NEWSMIRROR_BIN        the binary both sides run (default build/newsmirror)
#   REPS                  repetitions of each side (default 3)
#   TODAY=0               only the job; TODAY_MAX=N: today's side only up to N
#                         articles (default 100000: a whole 1M clone is long)
#   REPACK=0              keep a new remote as fast-import packed it (default:
#                         `git repack -a -d -f`, as a git host packs it)
#   BUILD=1               also time today's build step: scripts/build.sh
#                         -DNEWSMIRROR_TESTS=OFF in a fresh clone of this
#                         repository, without ccache (minutes of every core)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
BIN=$(realpath "${NEWSMIRROR_BIN:-build/newsmirror}")
W=${NEWSMIRROR_BENCH_DIR:-/tmp/newsmirror-bench}
REMOTES=${NEWSMIRROR_REMOTES:-$W/remotes}
REPS=${REPS:-3}
TODAY=${TODAY:-1}
TODAY_MAX=${TODAY_MAX:-100000}
BUILD=${BUILD:-0}
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(100k-10k 100k-50k 1m-100)
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
# fast-import frees and grows its heap per object; without these it spends
# most of its time in brk() on a busy machine.
FAST_IMPORT_MALLOC=glibc.malloc.top_pad=268435456:glibc.malloc.trim_threshold=536870912:glibc.malloc.mmap_threshold=268435456
mkdir -p "$W" "$REMOTES"

number() { sed -E 's/k$/000/; s/m$/000000/' <<<"$1"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

# ------------------------------------------------------------------ feeds
[ -d "$W/feeds" ] || python3 ../shared/tools/gen_feeds.py --out "$W/feeds" >/dev/null
if [ ! -d "$W/history-feeds" ]; then
  # The feeds without their newest 2 items: what the mirror already holds.
  python3 -B - "$W/feeds" "$W/history-feeds.tmp" <<'EOF'
import os, sys
sys.path.insert(0, "bench")
from gen_mirror import drop_newest, NEW_PER_FEED
src, dst = sys.argv[1:]
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), "rb") as f:
        data = drop_newest(f.read(), NEW_PER_FEED)
    with open(os.path.join(dst, name), "wb") as f:
        f.write(data)
EOF
  mv "$W/history-feeds.tmp" "$W/history-feeds"
fi
feeds=$(cd "$W/feeds" && ls | sort)
: >"$W/history.toml"
i=0
for f in $feeds; do
  printf '[[source]]\nname = "outlet-%03d"\nurl = "file:%s"\n' $i "$W/history-feeds/$f" >>"$W/history.toml"
  i=$((i + 1))
done

rm -f "$W/feeds.port"
python3 bench/serve_feeds.py "$W/feeds" "$(wc -w <<<"$feeds")" >"$W/feeds.port" &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
while [ ! -s "$W/feeds.port" ]; do sleep 0.1; done
printf '[publish]\nremotes = ["origin"]\n' >"$W/job.toml"
i=0
for f in $feeds; do
  printf '[[source]]\nname = "outlet-%03d"\nurl = "http://127.0.0.%d:%s/n/%s"\n' $i $((i + 1)) "$(cat "$W/feeds.port")" "$f" >>"$W/job.toml"
  i=$((i + 1))
done

# ------------------------------------------------------------------ remotes
# make_remote NAME ARTICLES COMMITS: the cached remote $REMOTES/NAME.git.
make_remote() {
  local name=$1 articles=$2 commits=$3 r=$REMOTES/$1.git start
  [ -d "$r" ] && return 0
  start=$(now)
  echo "hourly_job: generating $name ($articles articles, $commits commits) in $r" >&2
  rm -rf "$r.tmp" "$W/normalize"
  git init -q --bare -b main "$r.tmp"
  git -C "$r.tmp" config uploadpack.allowFilter true
  # The feeds' older items (198 of each) are archived by newsmirror itself on
  # top of the generated history, in the hour's last commit.
  local items=$((50 * 198))
  python3 bench/gen_remote.py --articles $((articles - items)) --commits $((commits - 1)) |
    GLIBC_TUNABLES=$FAST_IMPORT_MALLOC git -C "$r.tmp" fast-import --quiet
  NEWSMIRROR_BIN=$BIN deploy/mirror-job.sh "file://$r.tmp" "$W/normalize" --config "$W/history.toml" -q
  rm -rf "$W/normalize"
  # fast-import deltas each blob against the blob written just before it (another file): a
  # server's repack finds the real deltas (each list page against its previous version).
  [ "${REPACK:-1}" = 0 ] || git -C "$r.tmp" repack -q -a -d -f
  mv "$r.tmp" "$r"
  echo "hourly_job: $name ready in $(since "$start") s: $(git -C "$r" rev-list --count main) commits," \
    "$(git -C "$r" ls-tree -r --name-only main articles | wc -l) articles, $(du -sm "$r" | cut -f1) MB" >&2
}

# ------------------------------------------------------------------ serving
mkdir -p "$W/serve"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$W/serve" --export-all \
  --enable=receive-pack --informative-errors "$W/serve" 2>"$W/daemon.log" &
pids+=($!)
rm -f "$W/relay.port"
: >"$W/relay.log"
python3 bench/git_relay.py "$port" "$W/relay.log" >"$W/relay.port" &
pids+=($!)
while [ ! -s "$W/relay.port" ]; do sleep 0.1; done
url="git://127.0.0.1:$(cat "$W/relay.port")/r.git"

fresh_remote() {
  rm -rf "$W/serve/r.git"
  cp -al "$1" "$W/serve/r.git"
  : >"$W/relay.log"
}
# Bytes received by clones and fetches, and sent by pushes, since fresh_remote.
fetched() { awk '$1 == "git-upload-pack" {s += $3} END {print s + 0}' "$W/relay.log"; }
pushed() { awk '$1 == "git-receive-pack" {s += $2} END {print s + 0}' "$W/relay.log"; }

today() {
  local start t_clone t_build=- t_run clone_bytes
  rm -rf "$W/today" "$W/today-src"
  start=$(now)
  git clone -q --no-tags "$url" "$W/today"
  t_clone=$(since "$start")
  clone_bytes=$(fetched)
  local bin=$BIN
  if [ "$BUILD" = 1 ]; then
    start=$(now)
    git clone -q "$src" "$W/today-src"
    (cd "$W/today-src" && CCACHE_DISABLE=1 scripts/build.sh -DNEWSMIRROR_TESTS=OFF >/dev/null)
    t_build=$(since "$start")
    bin=$W/today-src/build/newsmirror
  fi
  start=$(now)
  "$bin" run -q --config "$W/job.toml" --out "$W/today" --commit --push
  t_run=$(since "$start")
  echo "$t_clone $clone_bytes $t_build $t_run $(pushed)"
}

job() {
  local start t_total out
  rm -rf "$W/job"
  start=$(now)
  out=$(NEWSMIRROR_BIN=$BIN deploy/mirror-job.sh "$url" "$W/job" --config "$W/job.toml" -v 2>&1 >/dev/null) ||
    { echo "$out" >&2; echo "hourly_job: the job failed" >&2; exit 1; }
  t_total=$(since "$start")
  # Step times from the job's own clock (-v): fetched, run started/finished, pushed.
  awk -v total="$t_total" -v fb="$(fetched)" -v pb="$(pushed)" '
    /\] fetched/ {f = substr($2, 2)}
    /\] running/ {r = substr($2, 2)}
    /\] run finished/ {e = substr($2, 2)}
    /\] pushed/ {p = substr($2, 2)}
    END {printf "%.2f %d %.2f %.2f %d %s\n", f, fb, e - r, p - e, pb, total}' <<<"$out"
}

echo "| remote | side | rep | fetch s | fetch MB | build s | run s | push s | push KB | whole job s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for scenario in "${SCENARIOS[@]}"; do
  articles=$(number "${scenario%-*}")
  commits=$(number "${scenario#*-}")
  make_remote "$scenario" "$articles" "$commits"
  remote=$REMOTES/$scenario.git
  size=$(du -sb "$remote" | cut -f1)
  for rep in $(seq "$REPS"); do
    if [ "$TODAY" = 1 ] && [ "$articles" -le "$TODAY_MAX" ]; then
      fresh_remote "$remote"
      read -r tc cb tb tr pb <<<"$(today)"
      total=$(awk -v a="$tc" -v b="$tb" -v c="$tr" 'BEGIN {printf "%.2f", a + (b == "-" ? 0 : b) + c}')
      echo "| $scenario ($(mb "$size") MB) | today | $rep | $tc | $(mb "$cb") | $tb | $tr (with push) | - | $((pb / 1024)) | $total |"
    fi
    fresh_remote "$remote"
    read -r tf fb trun tp pb total <<<"$(job)"
    echo "| $scenario ($(mb "$size") MB) | job | $rep | $tf | $(mb "$fb") ($(awk -v a="$fb" -v b="$size" 'BEGIN {printf "%.1f", 100 * a / b}')% of the remote) | - | $trun | $tp | $((pb / 1024)) | $total |"
  done
done
