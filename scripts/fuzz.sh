#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs one of them.
#   scripts/fuzz.sh parse|date|html|archive|markdown|layout SECONDS [extra libFuzzer flags]
# New inputs are kept in build-fuzz/corpus/TARGET; the log (fuzz-0.log) and any crash in
# build-fuzz/findings/TARGET. FUZZ_OUT=DIR puts corpus/ and findings/ there instead
# (scripts/test.sh starts each short run from the seeds alone that way).
# Exits non-zero on a finding.
# The seed corpora are read in place: ../shared/corpora/feedparser (parse, date),
# fuzz/seeds/TARGET and ../shared/seed (html, archive), fuzz/seeds/markdown (markdown),
# fuzz/seeds/layout (layout).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh parse|date|html|archive|markdown|layout SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh parse|date|html|archive|markdown|layout SECONDS}"
shift 2
target="${target%_fuzz}"
shared_root="$(cd .. && pwd)/shared"
shared="$shared_root/corpora/feedparser"
build="$PWD/build-fuzz"

cmake -S . -B "$build" -DNEWSMIRROR_FUZZ=ON -DNEWSMIRROR_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$build" -j2 --target "${target}_fuzz"

out="${FUZZ_OUT:-$build}"
corpus="$out/corpus/$target"
findings="$out/findings/$target"
mkdir -p "$corpus" "$findings"
seeds=()
case "$target" in
  parse) seeds=("$shared/cases") ;;
  date)
    # One seed file per date string of dates.json.
    seeds=("$build/seeds/date")
    mkdir -p "${seeds[0]}"
    python3 - "$shared/dates.json" "${seeds[0]}" <<'PY'
import hashlib, json, os, sys
raw = json.load(open(sys.argv[1], encoding="utf-8"))
for d in (raw["dates"] if isinstance(raw, dict) else raw):
    b = d["input"].encode("utf-8")
    open(os.path.join(sys.argv[2], hashlib.sha1(b).hexdigest()), "wb").write(b)
PY
    ;;
  html|archive) seeds=("$PWD/fuzz/seeds/$target" "$shared_root/seed") ;;
  markdown) seeds=("$PWD/fuzz/seeds/markdown") ;;
  layout) seeds=("$PWD/fuzz/seeds/layout") ;;
  *) echo "unknown target: $target (parse, date, html, archive, markdown or layout)" >&2; exit 1 ;;
esac

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The first corpus folder receives new inputs; the seeds are only read. With
# -jobs the run's log is fuzz-0.log in the current folder: keep it with the findings.
cd "$findings"
exec "$build/fuzz/${target}_fuzz" -max_total_time="$seconds" -jobs=1 -workers=1 \
  -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$findings/" "$@" "$corpus" "${seeds[@]}"
