#!/usr/bin/env bash
# The run's commit, measured: libgit2's tree building against the git command
# (docs/BENCHMARKS.md, "The run's commit").
#
#   bench/commit_bench.sh [SIZE...]          default sizes: 100000 1000000
#
# For each SIZE, bench/gen_git_mirror.py | git fast-import makes a bare
# repository of SIZE articles in OUTLETS outlets (default 7, as shipped) with a
# short history, served for partial clones. Two checkouts of it:
#   sparse  what the hourly job clones: --depth 1 --filter=blob:none --sparse,
#           `sparse-checkout set --cone --sparse-index state lists feeds`
#   full    a depth-1 clone whose index holds every file (the work tree is
#           left empty: no method looks at files other than the run's)
# A run's files are then written into a hard-linked copy of the checkout —
# per outlet two new articles (outside the sparse checkout), the newest state
# chunk, feed.tsv, the list page and the outlet's feed, and feeds/all.xml —
# and one way of committing them is timed as whole processes, /usr/bin/time:
#   newsmirror     nm::Commit, as a run calls it (newsmirror_commit_bench)
#   libgit2-tree   git_tree_create_updated from HEAD's tree, no index; then the
#                  out-of-checkout files removed and `git read-tree -m -i`
#   libgit2-index  libgit2's index: add_bypath, write_tree, write (full only:
#                  libgit2 1.5 cannot read a sparse index)
#   git-plumbing   git update-index, write-tree, commit-tree, update-ref
#   git-add        git add --sparse and git commit (core.untrackedCache)
#   fast-import    git fast-import from HEAD, then as libgit2-tree
# Methods take turns within each repetition (REPS, default 5), the order
# rotating; the table gives medians of wall time and user+sys CPU. Every
# method must give the same tree and leave `git status` clean for the run's
# files, or the script stops.
#
# With KEEP=K the repository is a rolled-over one (newsmirror rollover): its
# last commit leaves each outlet's newest K article files only, all the
# records staying in state/ (gen_git_mirror.py --keep-articles).
#
# Environment: REPS, OUTLETS, KEEP, METHODS and SHAPES (subsets, space-separated),
# NEWSMIRROR_BENCH_DIR (default /tmp/newsmirror-commit-bench; repositories
# are kept and reused), NEWSMIRROR_COMMIT_BENCH (default
# build/newsmirror_commit_bench; `cmake --build build --target newsmirror_commit_bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=$PWD
BIN=${NEWSMIRROR_COMMIT_BENCH:-$HERE/build/newsmirror_commit_bench}
W=${NEWSMIRROR_BENCH_DIR:-/tmp/newsmirror-commit-bench}
REPS=${REPS:-5}
OUTLETS=${OUTLETS:-7}
KEEP=${KEEP:-0}
# A rolled-over repository's checkouts beside, not over, the others.
[ "$KEEP" = 0 ] || [ -n "${NEWSMIRROR_BENCH_DIR:-}" ] || W=$W-k$KEEP
METHODS=${METHODS:-newsmirror libgit2-tree libgit2-index git-plumbing git-add fast-import}
SHAPES=${SHAPES:-sparse full}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)
[ -x "$BIN" ] || { echo "commit_bench: build $BIN first (cmake --build build --target newsmirror_commit_bench)" >&2; exit 1; }
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$W"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# prepare SIZE: the bare repository, both checkouts and the run's files.
prepare() {
  local size=$1 bare=$W/r$1-$OUTLETS.git
  if [ ! -d "$bare" ]; then
    git init -q --bare -b main "$bare.tmp"
    python3 bench/gen_git_mirror.py --articles "$size" --outlets "$OUTLETS" --keep-articles "$KEEP" | git -C "$bare.tmp" fast-import --quiet --done
    git -C "$bare.tmp" config uploadpack.allowFilter true
    mv "$bare.tmp" "$bare"
  fi
  if [ ! -d "$W/sparse$size" ]; then
    git clone -q --depth 1 --filter=blob:none --sparse "file://$bare" "$W/sparse$size.tmp"
    git -C "$W/sparse$size.tmp" sparse-checkout set --cone --sparse-index state lists feeds
    mv "$W/sparse$size.tmp" "$W/sparse$size"
  fi
  if [[ " $SHAPES " == *" full "* ]] && [ ! -d "$W/full$size" ]; then
    git clone -q --depth 1 --no-checkout "file://$bare" "$W/full$size.tmp"
    git -C "$W/full$size.tmp" read-tree HEAD
    mv "$W/full$size.tmp" "$W/full$size"
  fi
  # The run's files, from the sparse checkout's state, lists and feeds.
  local run=$W/run$size.tmp
  if [ ! -f "$W/run$size/.paths" ]; then
    rm -rf "$run" && mkdir -p "$run"
    local src=$W/sparse$size
    : > "$run/.paths"
    put() {  # put PATH TEXT: PATH as in the checkout, TEXT appended
      mkdir -p "$run/$(dirname "$1")"
      { [ -f "$src/$1" ] && cat "$src/$1"; printf '%s\n' "$2"; } > "$run/$1"
      echo "$1" >> "$run/.paths"
    }
    for o in $(git -C "$src" -c core.quotepath=off ls-tree --name-only HEAD:articles); do
      local low
      low=$(git -C "$src" -c core.quotepath=off ls-tree --name-only "HEAD:articles/$o" | sed 's/_.*//; s/\.md$//' | sort -n | awk 'NR == 1')
      for k in 1 2; do
        put "articles/$o/$((low - k))_本小时的新闻第${k}篇.md" "<!--1700000000000-->
[本小时的新闻](https://news.example/$o/$((low - k)))
------

<p>新闻 $k</p>"
      done
      put "state/$o/feed.tsv" "@run"
      put "state/$o/$(git -C "$src" -c core.quotepath=off ls-tree --name-only "HEAD:state/$o" | grep -v feed | sort -n | awk 'NR == 1')" "new records"
      put "lists/$o.md" "new lines"
      put "feeds/$o.xml" "<entry/>"
    done
    put feeds/all.xml "<entry/>"
    mv "$run" "$W/run$size"
  fi
}

# The index brought up to date after a commit built without it, as
# newsmirror does: the committed files outside the checkout leave the work
# tree first (else git expands the sparse index over them).
SYNC='old=$(git rev-parse HEAD^); while read -r p; do case "$p" in state/*|lists/*|feeds/*) ;; *) [ -z "$SPARSE" ] || rm -f "$p";; esac; done < .run-paths; [ -z "$SPARSE" ] || rm -rf articles; git read-tree -m -i "$old" HEAD'

method_cmd() {
  case $1 in
    newsmirror) echo "'$BIN' newsmirror . .run-paths" ;;
    libgit2-tree) echo "'$BIN' libgit2-tree . .run-paths >/dev/null && $SYNC" ;;
    libgit2-index) echo "'$BIN' libgit2-index . .run-paths" ;;
    git-plumbing) echo 'old=$(git rev-parse HEAD); git update-index --add --remove --stdin < .run-paths && t=$(git write-tree) && c=$(git commit-tree "$t" -p "$old" -m run) && git update-ref -m "commit: run" HEAD "$c" "$old"' ;;
    git-add) echo 'git -c core.untrackedCache=true add --sparse --pathspec-from-file=.run-paths && git -c core.untrackedCache=true commit -q --no-verify -m run' ;;
    fast-import) echo "python3 '$HERE/bench/fast_import_commit.py' .run-paths | git fast-import --quiet --done && $SYNC" ;;
  esac
}

echo "| articles | checkout | method | wall (median of $REPS) | user+sys (median) | all runs, wall (s) |" | tee "$W/results.md"
echo "|---|---|---|---|---|---|" | tee -a "$W/results.md"
for size in "${SIZES[@]}"; do
  prepare "$size"
  for shape in $SHAPES; do
    declare -A walls=() cpus=()
    expected=""
    methods=()
    for m in $METHODS; do
      [ "$m" = libgit2-index ] && [ "$shape" = sparse ] && continue
      methods+=("$m")
    done
    for r in $(seq "$REPS"); do
      n=${#methods[@]}
      for i in $(seq 0 $((n - 1))); do
        m=${methods[$(((i + r) % n))]}
        work=$W/work
        rm -rf "$work" && cp -al "$W/$shape$size" "$work"
        # The run's files replace the linked ones (never written in place).
        (cd "$W/run$size" && cp -r --remove-destination --parents $(cat .paths) "$work"/)
        cp "$W/run$size/.paths" "$work/.run-paths"
        echo ".run-paths" >> "$work/.git/info/exclude"
        cmd=$(method_cmd "$m")
        ( cd "$work" && SPARSE=$([ "$shape" = sparse ] && echo 1 || true) \
            /usr/bin/time -f "%e %U %S" -o "$W/time.txt" bash -c "$cmd" >/dev/null ) ||
          { echo "commit_bench: $m failed on $shape$size" >&2; exit 1; }
        read -r wall user sys < "$W/time.txt"
        walls[$m]+="$wall "
        cpus[$m]+="$(echo "$user + $sys" | bc) "
        tree=$(git -C "$work" rev-parse 'HEAD^{tree}')
        [ -n "$expected" ] || expected=$tree
        [ "$tree" = "$expected" ] || { echo "commit_bench: $m made tree $tree, not $expected" >&2; exit 1; }
        dirty=$(cd "$work" && git status --porcelain --untracked-files=no -- $(cat .run-paths) | awk 'NR <= 3')
        [ -z "$dirty" ] || { echo "commit_bench: $m left the run's files unclean: $dirty" >&2; exit 1; }
      done
    done
    for m in "${methods[@]}"; do
      w=$(echo "${walls[$m]}" | tr ' ' '\n' | grep . | median)
      c=$(echo "${cpus[$m]}" | tr ' ' '\n' | grep . | median)
      printf '| %s | %s | %s | %s s | %s s | %s|\n' "$size" "$shape" "$m" "$w" "$c" "${walls[$m]}" | tee -a "$W/results.md"
    done
    unset walls cpus
  done
done
rm -rf "$W/work"
