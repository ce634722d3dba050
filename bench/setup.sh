#!/usr/bin/env bash
# Installs the extractors newsmirror's extractor is compared with (benchmarks
# only, never needed to build or run newsmirror): readability-lxml from Debian
# and Readability.js with jsdom from npm into bench/node_modules (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
if ! dpkg-query -W -f='${Status}' python3-readability 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends python3-readability
fi
command -v npm >/dev/null || { echo "bench/setup.sh: needs node and npm (nodejs >= 18)" >&2; exit 1; }
npm install --no-audit --no-fund --silent
