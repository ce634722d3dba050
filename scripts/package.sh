#!/usr/bin/env bash
# Builds the Debian package of newsmirror: build-package/newsmirror_VERSION_amd64.deb
# (CPack, from CMakeLists.txt; without the test suite). It holds the binary
# (/usr/bin/newsmirror), its man page, the default configuration, the examples
# and the hourly job with its schedules (/usr/share/newsmirror/). It depends
# on the libraries the binary links (dpkg-shlibdeps), git and ca-certificates
# only: the script fails if a build or test package of scripts/setup.sh, or
# any -dev package, is among its dependencies, or if a dependency is missing
# from setup.sh's run role.
#
#   scripts/package.sh            build the package; prints its path last
#   scripts/package.sh --check    then install it into a fresh Debian 12 chroot
#                                 (debootstrap, cached in $NEWSMIRROR_CHROOT_CACHE,
#                                 default /var/cache/newsmirror-chroot) and run the
#                                 offline example and deploy/mirror-job.sh there
#
# Needs scripts/setup.sh --for package (and root for --check).
# NEWSMIRROR_PACKAGE_DIR: the build folder (default build-package).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case ${1:-} in
  --check) check=1 ;;
  "") ;;
  *) echo "package.sh: unknown argument '$1' (use --check or nothing)" >&2; exit 1 ;;
esac
build_dir=${NEWSMIRROR_PACKAGE_DIR:-build-package}

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSMIRROR_TESTS=OFF -DNEWSMIRROR_MANPAGE=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
rm -f "$build_dir"/newsmirror_*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)
debs=("$build_dir"/newsmirror_*_amd64.deb)
deb=${debs[0]}
[ -f "$deb" ] || { echo "package.sh: cpack made no newsmirror_*_amd64.deb in $build_dir" >&2; exit 1; }

# The dependencies: runtime packages only.
depends=$(dpkg-deb -f "$deb" Depends)
export LC_ALL=C
names=$(tr ',|' '\n' <<<"$depends" | sed -E 's/\(.*\)//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
run=$(scripts/setup.sh --for run --list | sort -u)
not_runtime=$(comm -23 <({ scripts/setup.sh --for test --list; scripts/setup.sh --for package --list; } | sort -u) - <<<"$run")
bad=$(grep -E -- '-dev$' <<<"$names" || true)
bad+=$(comm -12 <(echo "$not_runtime") <(echo "$names") | sed 's/^/ /')
if [ -n "${bad// /}" ]; then
  echo "package.sh: $deb depends on build or test packages: ${bad//$'\n'/ }" >&2
  exit 1
fi
# Everything but the C and C++ runtimes (present on every Debian) must be in setup's run role.
unlisted=$(comm -23 <(echo "$names") <(echo "$run") | grep -vE '^(libc6|libgcc-s1|libstdc\+\+6)$' || true)
if [ -n "$unlisted" ]; then
  echo "package.sh: $deb depends on packages scripts/setup.sh --for run does not install: ${unlisted//$'\n'/ }" >&2
  exit 1
fi

# --check: a fresh Debian 12 (minbase, with the usual bookworm, -updates and
# -security sources), the package installed by apt-get as a user would, then
# the offline example and two hourly jobs against a bare remote in the chroot.
check_in_chroot() {
  local cache=${NEWSMIRROR_CHROOT_CACHE:-/var/cache/newsmirror-chroot}
  command -v debootstrap >/dev/null || { echo "package.sh: --check needs debootstrap (scripts/setup.sh --for package)" >&2; exit 1; }
  [ "$(id -u)" -eq 0 ] || { echo "package.sh: --check needs root (chroot)" >&2; exit 1; }
  if [ ! -x "$cache/bookworm/usr/bin/apt-get" ]; then
    echo "package.sh: debootstrap of Debian 12 into $cache/bookworm (once)"
    umount "$cache/bookworm.tmp/proc" 2>/dev/null || true
    rm -rf --one-file-system "$cache/bookworm.tmp"
    mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$cache/bookworm.tmp" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 ||
      { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    mv "$cache/bookworm.tmp" "$cache/bookworm"
  fi
  # Global: the EXIT trap removes it after this function has returned.
  root=$(mktemp -d /var/tmp/newsmirror-check.XXXXXX)
  trap 'umount "$root/proc" 2>/dev/null; rm -rf --one-file-system "$root"' EXIT
  cp -a "$cache/bookworm/." "$root/"
  cat >"$root/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc" 2>/dev/null || true
  cp "$deb" "$root/tmp/"
  local in=(chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
  echo "== apt-get install ./$(basename "$deb") in a fresh Debian 12 chroot"
  "${in[@]}" apt-get update -qq
  "${in[@]}" sh -c "cd /tmp && apt-get install -y -qq --no-install-recommends ./$(basename "$deb")" >"$root/tmp/install.log" 2>&1 ||
    { tail -n 20 "$root/tmp/install.log" >&2; exit 1; }
  local installed
  # shellcheck disable=SC2016  # dpkg-query's format
  installed=$("${in[@]}" dpkg-query -W -f='${Package}\n')
  # shellcheck disable=SC2016
  echo "packages in the chroot: $(wc -l <<<"$installed") ($(comm -13 <(chroot "$cache/bookworm" dpkg-query -W -f='${Package}\n' | sort) <(sort <<<"$installed") | wc -l) added by the install)"
  if grep -E -- '-dev$|^(gcc|g\+\+|cpp|clang|cmake|chromium|python3)(-[0-9.]+)?$' <<<"$installed"; then
    echo "package.sh: the install brought build or test packages into the chroot (above)" >&2
    exit 1
  fi
  "${in[@]}" newsmirror --version
  "${in[@]}" test -s /usr/share/man/man1/newsmirror.1.gz && echo "man page: /usr/share/man/man1/newsmirror.1.gz"
  echo "== the offline example"
  "${in[@]}" newsmirror run --config /usr/share/newsmirror/examples/offline.toml --out /tmp/example --commit
  "${in[@]}" git -C /tmp/example log --oneline
  echo "== deploy/mirror-job.sh against a bare remote: from an empty folder, then from the kept one"
  "${in[@]}" git init -q --bare -b main /tmp/remote.git
  local job=(/usr/share/newsmirror/mirror-job.sh file:///tmp/remote.git /tmp/work
    --config /usr/share/newsmirror/examples/offline.toml -v)
  "${in[@]}" "${job[@]}"
  "${in[@]}" "${job[@]}"
  echo "remote: $("${in[@]}" git -C /tmp/remote.git rev-list --count main) commit(s)," \
    "$("${in[@]}" git -C /tmp/remote.git ls-tree -r --name-only main -- articles | wc -l) articles"
  echo "package.sh: --check passed"
}

[ "$check" = 1 ] && check_in_chroot
echo "$deb"
