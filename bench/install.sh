#!/usr/bin/env bash
# Installs the parsers newsmirror is compared with (docs/BENCHMARKS.md):
# Python's feedparser from Debian, npm rss-parser into bench/node_modules (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
if ! dpkg-query -W -f='${Status}' python3-feedparser 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-feedparser nodejs npm
fi
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --no-audit --no-fund --silent rss-parser@3.13.0
