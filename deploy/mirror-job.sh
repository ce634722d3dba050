#!/usr/bin/env bash
# The hourly job of a mirror, for every schedule (CI, systemd timer, cron):
#
#   mirror-job.sh REMOTE_URL WORK_DIR [run options...]
#
# gets the mirror from REMOTE_URL into WORK_DIR/mirror with as little transfer
# as works (the newest commit only; by default without the blobs of files the
# run does not read, and with only state/, lists/, feeds/ and the top-level
# files checked out), runs `newsmirror run --commit` on it, and pushes the
# commit. WORK_DIR may be empty (a fresh CI runner) or kept from the last job
# (a server): a kept checkout is brought up to date with the remote; commits
# an earlier job could not push, or a run it left unfinished, are kept, the
# run goes on top of them and all are pushed together.
#
# When the push is rejected because another job pushed first, the job fetches
# the new tip and replays its work on it, then pushes again (at most
# MIRROR_JOB_RETRIES times; never a force push):
#   - the other job changed other outlets (another shard, an `add` job): the
#     job's commits are cherry-picked onto the new tip, as they are;
#   - the other job changed an outlet this job changed too (two unsharded
#     runs), or the cherry-pick conflicts (README.md, feeds/all.xml): the run
#     is done again on the new tip, so newsmirror itself decides what is still
#     new. The commits it replaces stay under refs/mirror-job/superseded.
#
# Run options go to `newsmirror run` (--config, --shard K/N, --source, -q, -v,
# --json, --jobs, --dry-run); --out, --commit and --push are the job's own.
# Without --config the job uses newsmirror.toml at the mirror's root, else the
# configuration installed beside this script (the package's
# /usr/share/newsmirror/newsmirror.toml), else config/newsmirror.toml of the
# source tree it sits in. -q makes the job print failures only (for cron),
# -v every step with its duration; with --json each run prints its summary on
# standard output (a run done again after a rejected push prints a second).
#
# Environment:
#   NEWSMIRROR_BIN       the newsmirror binary (default: newsmirror on PATH)
#   MIRROR_JOB_BRANCH    the branch to mirror (default: the remote's default
#                        branch; "main" for an empty remote)
#   MIRROR_JOB_RETRIES   replays after a rejected push (default 5)
#   MIRROR_JOB_CHECKOUT  shape of a new checkout: sparse (default: newest
#                        commit, blob-less, sparse), shallow (newest commit,
#                        every file) or full (the whole history)
#   MIRROR_JOB_ROLLOVER  auto (default): when the run finds the mirror over its
#                        [rollover] budget (it leaves .newsmirror/rollover-due),
#                        `newsmirror rollover --push-archives` moves the years
#                        before this one to their archive repositories, pushes
#                        those first, and commits the mirror's side, which the
#                        job then pushes; off: never
#   NEWSMIRROR_GIT_TOKEN, GITHUB_TOKEN, GH_TOKEN
#                        a token for HTTPS remotes (user x-access-token unless
#                        the URL names one); read from the environment at each
#                        request, never written to WORK_DIR
#   GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL
#                        the commits' identity (default: git's user.name and
#                        user.email, else newsmirror <newsmirror@localhost>)
#
# Exit status:
#   0  the run's work is on the remote (or there was nothing new)
#   1  usage or configuration error
#   2  some sources failed; the others were archived and pushed
#   3  the run could not be carried out (newsmirror's own status 3)
#   4  the mirror could not be fetched (network, credentials, not a
#      repository), or WORK_DIR/mirror is not a clean clone of REMOTE_URL
#   5  the push failed (refused, network, credentials, or still rejected after
#      MIRROR_JOB_RETRIES replays); the commits stay in WORK_DIR/mirror, and
#      the next job on a kept WORK_DIR pushes them
#   6  another job holds WORK_DIR's lock (WORK_DIR/job.lock); nothing was done
set -uo pipefail

readonly EX_USAGE=1 EX_RUN=3 EX_FETCH=4 EX_PUSH=5 EX_LOCKED=6
readonly EMPTY_TREE=4b825dc642cb6eb9a060e54bf8d69288fbee4904
# What a run reads: every top-level file (README.md, .gitignore,
# newsmirror.toml) and these folders. Articles and assets are not checked out.
readonly SPARSE_DIRS=(state lists feeds)

usage() {
  sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit "$EX_USAGE"
}

# ------------------------------------------------------------------ messages
verbosity=1        # 0: failures only (-q), 1: a line per push, 2: every step (-v)
started=${EPOCHREALTIME/[.,]/}
say() { [ "$verbosity" -ge 1 ] && printf 'mirror-job: %s\n' "$*" >&2; return 0; }
step() {
  [ "$verbosity" -ge 2 ] || return 0
  local ms=$(((${EPOCHREALTIME/[.,]/} - started) / 1000))
  printf 'mirror-job: [%d.%03d s] %s\n' $((ms / 1000)) $((ms % 1000)) "$*" >&2
}
fail() {
  local status=$1
  shift
  printf 'mirror-job: %s\n' "$*" >&2
  exit "$status"
}
# The URL with a password or token replaced by *** (an HTTP(S) user name
# without a password too, since hosts take a bare token there), for messages.
redact() {
  if [[ $1 =~ ^([a-z+]+://)([^/@:]*):[^/@]*@(.*)$ ]]; then
    printf '%s%s:***@%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
  elif [[ $1 =~ ^(https?://)[^/@]*@(.*)$ ]]; then
    printf '%s***@%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    printf '%s' "$1"
  fi
}

# ------------------------------------------------------------------ arguments
[ $# -ge 2 ] || usage
case $1 in -h | --help) usage ;; esac
remote=$1
work=$2
shift 2
run_args=()
have_config=0
dry_run=0
while [ $# -gt 0 ]; do
  case $1 in
    -o | --out | --out=* | --push)
      fail "$EX_USAGE" "$1: the job chooses the mirror folder and pushes itself" ;;
    --commit) ;;
    -c | --config) have_config=1; run_args+=("$1") ;;
    --config=*) have_config=1; run_args+=("$1") ;;
    -q | --quiet) verbosity=0; run_args+=("$1") ;;
    -v | --verbose) verbosity=2; run_args+=("$1") ;;
    -n | --dry-run) dry_run=1; run_args+=("$1") ;;
    -h | --help) usage ;;
    *) run_args+=("$1") ;;
  esac
  shift
done
[ -n "$remote" ] || fail "$EX_USAGE" "REMOTE_URL is empty"
[ -n "$work" ] || fail "$EX_USAGE" "WORK_DIR is empty"
retries=${MIRROR_JOB_RETRIES:-5}
[[ $retries =~ ^[0-9]+$ ]] || fail "$EX_USAGE" "MIRROR_JOB_RETRIES must be a number, not '$retries'"
shape=${MIRROR_JOB_CHECKOUT:-sparse}
case $shape in sparse | shallow | full) ;; *)
  fail "$EX_USAGE" "MIRROR_JOB_CHECKOUT must be sparse, shallow or full, not '$shape'" ;;
esac
bin=${NEWSMIRROR_BIN:-newsmirror}
command -v "$bin" >/dev/null || fail "$EX_USAGE" "newsmirror not found (looked for '$bin'; set NEWSMIRROR_BIN or PATH)"
command -v git >/dev/null || fail "$EX_USAGE" "git not found on PATH"
script_dir=$PWD
[[ $0 == */* ]] && script_dir=$(cd "${0%/*}" && pwd)
shown_remote=$(redact "$remote")

# ------------------------------------------------------------------ the lock
mkdir -p "$work" || fail "$EX_FETCH" "cannot create $work"
work=$(cd "$work" && pwd)
mirror=$work/mirror
exec 9>>"$work/job.lock" || fail "$EX_FETCH" "cannot write $work/job.lock"
flock -n 9 || fail "$EX_LOCKED" "another job is running on $work (it holds $work/job.lock)"

# ------------------------------------------------------------------ git
export GIT_TERMINAL_PROMPT=0     # never wait for a password in cron or CI
git_opts=(-c core.quotePath=false -c advice.detachedHead=false -c gc.autoDetach=false)
# The token is read from the environment when git asks for it, so it is never
# stored in the checkout's configuration.
if [[ $remote == https://* ]] && [ -n "${NEWSMIRROR_GIT_TOKEN:-${GITHUB_TOKEN:-${GH_TOKEN:-}}}" ]; then
  # shellcheck disable=SC2016  # expanded by the helper's shell, at each request
  git_opts+=(-c credential.helper=
    -c 'credential.helper=!f() { [ "$1" = get ] || exit 0; grep -q ^username= || echo username=x-access-token; echo "password=${NEWSMIRROR_GIT_TOKEN:-${GITHUB_TOKEN:-$GH_TOKEN}}"; }; f')
fi
# newsmirror's identity rule, for the commits git writes (cherry-picks).
identity=$(git config --get-regexp '^user\.(name|email)$' 2>/dev/null)
if [[ $identity != *user.name\ * ]]; then
  export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-newsmirror} GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-newsmirror}
fi
if [[ $identity != *user.email\ * ]]; then
  export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-newsmirror@localhost}
  export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-newsmirror@localhost}
fi

g() { git -C "$mirror" "${git_opts[@]}" "$@"; }
git_log=$work/git.log
# Runs git quietly; on failure the job stops with STATUS and git's own words.
must() {
  local status=$1 what=$2
  shift 2
  g "$@" >"$git_log" 2>&1 || fail "$status" "$what failed: $(tail -n 5 "$git_log")"
}

# ------------------------------------------------------------------ the checkout
branch=${MIRROR_JOB_BRANCH:-}

# The remote's tip of $branch into refs/remotes/origin/$branch; empty output
# when the remote has no such branch yet (a new mirror). Only the newest
# commit is fetched (unless the checkout is full); a partial checkout keeps
# its filter.
fetch_tip() {
  local depth=(--depth=1)
  [ "$shape" = full ] && depth=()
  if ! g fetch -q --no-tags "${depth[@]}" origin "+refs/heads/$branch:refs/remotes/origin/$branch" >"$git_log" 2>&1; then
    # Tell a remote without the branch from one that cannot be reached.
    if g ls-remote --exit-code origin "refs/heads/$branch" >/dev/null 2>&1 ||
      ! g ls-remote origin >/dev/null 2>>"$git_log"; then
      fail "$EX_FETCH" "cannot fetch $branch from $shown_remote: $(tail -n 5 "$git_log")"
    fi
    g update-ref -d "refs/remotes/origin/$branch"
    return 0
  fi
  local tip
  read -r tip _ <"$mirror/.git/FETCH_HEAD" && printf '%s\n' "$tip"
}

# The one place that decides how a new checkout looks. sparse: the newest
# commit, its trees, and the blobs of the top-level files and SPARSE_DIRS only
# (git fetches any other blob when something asks for it). The index is
# sparse too (index.sparse): articles/ and assets/ are one entry each in it,
# so neither git nor newsmirror's commit reads an entry per archived file. The
# sparse patterns are set in .git/config and .git/info/sparse-checkout, not by
# `git sparse-checkout init`, which needs git's per-worktree configuration
# (newsmirror reads either). An empty remote gives an empty checkout on its default branch (or on
# MIRROR_JOB_BRANCH); the first push creates the branch.
new_checkout() {
  local args=(clone -q --no-checkout --no-tags)
  case $shape in
    sparse) args+=(--depth=1 --filter=blob:none --config core.sparseCheckout=true
      --config core.sparseCheckoutCone=true --config index.sparse=true) ;;
    shallow) args+=(--depth=1) ;;
  esac
  [ -n "$branch" ] && args+=(--branch "$branch")
  if ! git "${git_opts[@]}" "${args[@]}" "$remote" "$mirror" >"$git_log" 2>&1; then
    grep -q "Remote branch .* not found" "$git_log" ||
      fail "$EX_FETCH" "cannot clone $shown_remote: $(tail -n 5 "$git_log")"
    # The remote exists but has no such branch yet.
    rm -rf "$mirror" && mkdir -p "$mirror"
    must "$EX_FETCH" "git init" init -q -b "$branch"
    must "$EX_FETCH" "git remote add" remote add -t "$branch" origin "$remote"
    if [ "$shape" = sparse ]; then
      printf '[core]\n\tsparseCheckout = true\n\tsparseCheckoutCone = true\n[index]\n\tsparse = true\n[remote "origin"]\n\tpromisor = true\n\tpartialclonefilter = blob:none\n' \
        >>"$mirror/.git/config"
    fi
  fi
  [ "$shape" = sparse ] &&
    { printf '/*\n!/*/\n'; printf '/%s/\n' "${SPARSE_DIRS[@]}"; } >"$mirror/.git/info/sparse-checkout"
  branch=$(g symbolic-ref -q --short HEAD) || fail "$EX_FETCH" "the clone of $shown_remote is not on a branch"
  if base=$(g rev-parse -q --verify HEAD); then
    must "$EX_FETCH" "checkout of $branch" read-tree -mu HEAD
  else
    # So that the first push records the remote's new branch.
    g config remote.origin.fetch "+refs/heads/$branch:refs/remotes/origin/$branch"
  fi
  if [ -n "$base" ]; then
    step "fetched ${base:0:12} ($shape checkout of $branch)"
  else
    step "$shown_remote has no branch $branch yet: the first push creates it"
  fi
}

# A kept checkout: up to date with the remote, without losing anything an
# earlier job left (unpushed commits, a run's journal).
update_checkout() {
  local url
  url=$(g config remote.origin.url) || fail "$EX_FETCH" "$mirror is not a clone made by this job"
  [ "$url" = "$remote" ] || fail "$EX_FETCH" "$mirror is a clone of $(redact "$url"), not of $shown_remote"
  branch=$(g symbolic-ref -q --short HEAD) || fail "$EX_FETCH" "$mirror is not on a branch"
  [ -z "${MIRROR_JOB_BRANCH:-}" ] || [ "$MIRROR_JOB_BRANCH" = "$branch" ] ||
    fail "$EX_FETCH" "$mirror is on branch $branch, not $MIRROR_JOB_BRANCH"
  local name oid pending='' last='' head=''
  while read -r name oid; do
    case $name in
      refs/mirror-job/pending) pending=$oid ;;
      "refs/remotes/origin/$branch") last=$oid ;;
      "refs/heads/$branch") head=$oid ;;
    esac
  done < <(g for-each-ref --format='%(refname) %(objectname)' refs/mirror-job/ refs/remotes/origin/ refs/heads/)
  # A job stopped while cherry-picking: back to its own commits.
  if [ -n "$pending" ]; then
    g cherry-pick --abort >/dev/null 2>&1
    must "$EX_FETCH" "restoring the unpushed commits" reset -q --hard "$pending"
    g update-ref -d refs/mirror-job/pending
    head=$pending
  fi
  [ "$shape" = full ] || [ -f "$mirror/.git/shallow" ] || shape=full
  local tip
  tip=$(fetch_tip) || exit
  if [ -e "$mirror/.newsmirror/journal" ] || [ -s "$mirror/.newsmirror/uncommitted" ]; then
    # newsmirror completes the interrupted run first; the result is replayed
    # on the tip like any unpushed commit.
    step "an earlier run was interrupted; completing it on ${head:0:12}"
  elif [ -n "$head" ] && [ "$head" != "$last" ]; then
    step "commits an earlier job could not push: ${last:0:12}..${head:0:12}"
  elif [ -n "$(g status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    fail "$EX_FETCH" "$mirror has changes no job made ($(g status --porcelain --untracked-files=no | head -n 3 | tr '\n' ' ')); commit or discard them"
  else
    if [ -n "$tip" ] && [ "$tip" != "$head" ]; then
      must "$EX_FETCH" "update to ${tip:0:12}" reset -q --hard "$tip"
      step "updated to ${tip:0:12}"
    fi
    last=$tip
  fi
  # The remote's commit the checkout's own commits (if any) stand on.
  base=$last
}

# ------------------------------------------------------------------ the run
config_args=()
find_config() {
  [ "$have_config" = 1 ] && return 0
  local c
  for c in "$mirror/newsmirror.toml" "$script_dir/newsmirror.toml" "$script_dir/../config/newsmirror.toml"; do
    if [ -f "$c" ]; then
      config_args=(--config "$c")
      return 0
    fi
  done
  fail "$EX_USAGE" "no configuration: pass --config FILE or put newsmirror.toml at the mirror's root"
}

run_status=0
run_mirror() {
  step "running $bin run ${run_args[*]}"
  "$bin" run "${config_args[@]}" --out "$mirror" --commit "${run_args[@]}"
  run_status=$?
  case $run_status in
    0 | 2) step "run finished (status $run_status)" ;;
    1) exit "$EX_USAGE" ;;
    *) fail "$EX_RUN" "newsmirror run failed (status $run_status); nothing was pushed" ;;
  esac
}

# The rollover the run asked for (README, "Rollover"). Its failure leaves both
# repositories consistent: the job still pushes what the run did.
roll_over() {
  [ "${MIRROR_JOB_ROLLOVER:-auto}" = off ] && return 0
  [ -e "$mirror/.newsmirror/rollover-due" ] || return 0
  step "over budget: running $bin rollover"
  "$bin" rollover "${config_args[@]}" --out "$mirror" --push-archives
  local status=$?
  [ "$status" = 0 ] || say "newsmirror rollover failed (status $status); the mirror keeps its articles, the next job tries again"
}

# The outlets whose files changed from commit (or tree) $1 to $2, one per
# line: articles/{o}/, assets/{o}/, state/{o}/, state/{o}.tsv,
# state/{o}.complete.txt, lists/{o}.md, lists/{o}/, feeds/{o}.xml.
changed_outlets() {
  local path
  local -A seen=()
  while IFS= read -r -d '' path; do
    if [[ $path =~ ^(articles|assets|state|lists)/([^/]+)/ ]]; then
      seen[${BASH_REMATCH[2]}]=1
    elif [[ $path =~ ^state/(.+)\.complete\.txt$ || $path =~ ^state/(.+)\.tsv$ ||
      $path =~ ^lists/(.+)\.md$ || ($path =~ ^feeds/(.+)\.xml$ && $path != feeds/all.xml) ]]; then
      seen[${BASH_REMATCH[1]}]=1
    fi
  done < <(g diff --no-renames --name-only -z "$1" "$2")
  [ ${#seen[@]} -eq 0 ] || printf '%s\n' "${!seen[@]}"
}

# Replays the commits $base..HEAD on $tip (see the top of this file). Sets
# base to the new tip.
replay() {
  local tip=$1 ours from shared
  ours=$(g rev-parse HEAD)
  from=${base:-$EMPTY_TREE}
  local -A theirs=()
  local o
  while IFS= read -r o; do theirs[$o]=1; done < <(changed_outlets "$from" "$tip")
  shared=
  while IFS= read -r o; do
    [ -n "${theirs[$o]:-}" ] && shared+="$o "
  done < <(changed_outlets "$from" "$ours")
  if [ -z "$shared" ]; then
    g update-ref refs/mirror-job/pending "$ours"
    must "$EX_PUSH" "moving to ${tip:0:12}" reset -q --hard "$tip"
    local commits
    mapfile -t commits < <(g rev-list --reverse "$ours" ${base:+"^$base"})
    if g cherry-pick --allow-empty --keep-redundant-commits "${commits[@]}" >"$git_log" 2>&1; then
      g update-ref -d refs/mirror-job/pending
      step "replayed ${#commits[@]} commit(s) on ${tip:0:12} (the other job changed other outlets)"
      # The other job had done the same work: nothing is left to push.
      [ "$(g rev-parse 'HEAD^{tree}')" = "$(g rev-parse "$tip^{tree}")" ] && g reset -q --hard "$tip"
      base=$tip
      return 0
    fi
    g cherry-pick --abort >/dev/null 2>&1
    must "$EX_PUSH" "moving to ${tip:0:12}" reset -q --hard "$tip"
    g update-ref -d refs/mirror-job/pending
    step "the cherry-pick on ${tip:0:12} conflicts ($(grep -m1 CONFLICT "$git_log")); running again"
  else
    step "the other job changed the same outlets (${shared% }); running again on ${tip:0:12}"
    must "$EX_PUSH" "moving to ${tip:0:12}" reset -q --hard "$tip"
  fi
  g update-ref refs/mirror-job/superseded "$ours"
  base=$tip
  run_mirror
}

# Pushes HEAD, replaying on a newer tip when another job pushed first.
publish() {
  local attempt=0 head out tip
  while :; do
    head=$(g rev-parse -q --verify HEAD)
    if [ -z "$head" ] || [ "$head" = "$base" ]; then
      step "nothing to push"
      return 0
    fi
    if out=$(g push --porcelain origin "HEAD:refs/heads/$branch" 2>&1); then
      step "pushed ${head:0:12}"
      say "pushed ${head:0:12} to $shown_remote $branch$([ "$attempt" -gt 0 ] && echo " after $attempt replays")"
      return 0
    fi
    # Another job pushed first: git saw it ([rejected]), or the remote did
    # while both pushes were arriving (a ref it could not update).
    if ! grep -qE '^!.*(\[rejected\] \((fetch first|non-fast-forward)\)|\[remote rejected\] \((failed to update ref|cannot lock ref|incorrect old value))' <<<"$out"; then
      fail "$EX_PUSH" "push to $shown_remote failed; ${head:0:12} is kept in $mirror: $(grep -v '^To \|^Done' <<<"$out" | tail -n 5)"
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -gt "$retries" ]; then
      fail "$EX_PUSH" "push to $shown_remote still rejected after $retries replays (other jobs keep pushing); ${head:0:12} is kept in $mirror"
    fi
    step "push rejected: another job pushed first (attempt $attempt of $retries)"
    # A short random pause, so that jobs rejected together do not retry in step.
    sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
    tip=$(fetch_tip) || exit
    [ -n "$tip" ] || fail "$EX_PUSH" "$branch disappeared from $shown_remote while pushing"
    replay "$tip"
  done
}

# ------------------------------------------------------------------ the job
base=
if [ -d "$mirror/.git" ]; then
  update_checkout
elif [ -e "$mirror" ] && [ -n "$(ls -A "$mirror")" ]; then
  fail "$EX_FETCH" "$mirror exists and is not a git checkout"
else
  new_checkout
fi
find_config
run_mirror
[ "$dry_run" = 1 ] && exit "$run_status"
roll_over
publish
exit "$run_status"
