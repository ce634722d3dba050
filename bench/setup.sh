#!/usr/bin/env bash
# Installs the tools newsmirror is compared with (benchmarks only, never needed
# to build or run newsmirror): the extractors readability-lxml (Debian) and
# Readability.js with jsdom (npm), and the feed parsers Python feedparser
# (Debian) and rss-parser (npm); npm packages go into bench/node_modules
# (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
missing=()
for p in python3-readability python3-feedparser; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v npm >/dev/null || { echo "bench/setup.sh: needs node and npm (nodejs >= 18)" >&2; exit 1; }
npm install --no-audit --no-fund --silent
