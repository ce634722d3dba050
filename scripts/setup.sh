#!/usr/bin/env bash
# Installs the Debian 12 packages newsmirror needs, for one role:
#
#   scripts/setup.sh [--for ROLE] [--list]
#
#   run      what the built binary and deploy/mirror-job.sh need at run time
#            (the libraries it links, git, certificates); the Debian package
#            depends on the same
#   build    compiler, CMake and the -dev packages: scripts/build.sh
#            -DNEWSMIRROR_TESTS=OFF and scripts/run.sh
#   test     build, plus the test suite's packages (Google Test, clang and its
#            sanitizer runtimes for the fuzzers, Chromium, feedparser, …):
#            scripts/test.sh
#   package  build, plus what scripts/package.sh needs (dpkg-shlibdeps,
#            help2man, and debootstrap for --check)
#
# Without --for, the test role: everything the README's two commands need.
# --list prints the role's packages instead of installing them.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

run_packages=(
  git ca-certificates
  libcurl4 libxml2 libgumbo1 libicu72 libuchardet0 liburiparser1 libidn2-0 libsqlite3-0 libgit2-1.5
  libtomlplusplus3 libsimdjson14 libcpp-httplib0.11 libzip4
  libssl3    # libcrypto: SHA-256 of feeds (pipeline/unchanged_feed.h)
  libvips42 libglib2.0-0    # images stored in the mirror are fitted by libvips
)
build_packages=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev libxml2-dev libgumbo-dev libicu-dev libuchardet-dev
  liburiparser-dev libidn2-dev libsqlite3-dev libgit2-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libsimdjson-dev libssl-dev libzip-dev
  libvips-dev
)
test_packages=(
  "${build_packages[@]}"
  python3 libxml2-utils zlib1g-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev    # GitHub's Markdown renderer: tests and fuzz targets only
  clang-14 libclang-rt-14-dev    # libFuzzer and the sanitizers for scripts/fuzz.sh
  chromium fonts-wqy-microhei python3-feedparser sqlite3    # browser test, feed test, CJK screenshots, sqlite3 CLI
  epubcheck    # the offline bundles' EPUB check (tests run it with java -jar)
  python3-aiosmtpd openssl    # the mail test's SMTP server on loopback and its certificate
)
package_packages=(
  "${build_packages[@]}"
  dpkg-dev help2man debootstrap
)

role="test"
list=0
while [ $# -gt 0 ]; do
  case $1 in
    --for) role=${2:-}; shift ;;
    --for=*) role=${1#--for=} ;;
    --list) list=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
  shift
done
case $role in
  run) packages=("${run_packages[@]}") ;;
  build) packages=("${build_packages[@]}") ;;
  test) packages=("${test_packages[@]}") ;;
  package) packages=("${package_packages[@]}") ;;
  *) echo "setup.sh: --for takes run, build, test or package, not '$role'" >&2; exit 1 ;;
esac
if [ "$list" = 1 ]; then
  printf '%s\n' "${packages[@]}" | awk '!seen[$0]++'
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
