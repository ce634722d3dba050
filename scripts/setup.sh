#!/usr/bin/env bash
# Installs every Debian package newsmirror needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates python3
  libcurl4-openssl-dev libxml2-dev libxml2-utils libgumbo-dev libicu-dev libuchardet-dev
  liburiparser-dev libidn2-dev libsqlite3-dev libgit2-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libsimdjson-dev
  zlib1g-dev libbrotli-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev    # GitHub's Markdown renderer: tests and fuzz targets only
  clang-14 libclang-rt-14-dev    # libFuzzer and the sanitizers for scripts/fuzz.sh
  chromium fonts-wqy-microhei python3-feedparser sqlite3    # browser test, feed test, CJK screenshots, sqlite3 CLI
)

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
