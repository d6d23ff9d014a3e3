#!/usr/bin/env bash
# Installs what MimiCom needs to build, run and test on Debian 12: Debian packages (as
# root, idempotent: nothing is installed twice) and the UI's npm packages from the lockfile.
# Usage: scripts/setup.sh [--bench]   (--bench adds the peers the benchmarks compare with)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git curl
  libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libsodium-dev libphonenumber-dev libspdlog-dev libfmt-dev libcli11-dev
  libssl-dev zlib1g-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libfaiss-dev libopenblas0-openmp
  nodejs npm chromium unzip python3 python3-openpyxl
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk python3-fastapi python3-uvicorn python3-pandas python3-xlsxwriter python3-sklearn time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node and npm may come from elsewhere than Debian on a developer machine: accept any.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# k-means (FAISS) runs its distance products through whatever libblas.so.3 the alternatives
# system points at: the reference BLAS is ~6x slower and the pthread OpenBLAS oversubscribes
# the cores beside FAISS's own OpenMP threads, so the OpenMP OpenBLAS must be the active one.
# Checked every run: --set is only called when the link points elsewhere.
for lib in libblas.so.3 liblapack.so.3; do
  name=$lib-x86_64-linux-gnu
  want=/usr/lib/x86_64-linux-gnu/openblas-openmp/$lib
  if [ "$(update-alternatives --query "$name" 2>/dev/null | awk '/^Value:/ {print $2}')" != "$want" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO update-alternatives --set "$name" "$want"
  fi
done

# SQLite, compiled into MimiCom (CMakeLists.txt says why): the official amalgamation tarball
# of SQLite 3.52.0, as the npm registry serves it inside node-sqlite3 6.0.1 (its deps/), both
# checked against pinned hashes. Fetched once; extracted whole before it is moved into place.
sqlite_version=3520000
sqlite_dir=third_party/sqlite/sqlite-autoconf-$sqlite_version
if [ ! -f "$sqlite_dir/sqlite3.c" ]; then
  echo "setup: fetching the SQLite $sqlite_version amalgamation (npm: sqlite3@6.0.1)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack sqlite3@6.0.1 --loglevel=error --no-audit --no-fund >/dev/null)
  echo "ab8d044a93e05bd031d7ea75547c7fa60387cdc259d27f93c0e3e2832c4b1df9  $tmp/sqlite3-6.0.1.tgz" | sha256sum -c --quiet
  tar -xzf "$tmp/sqlite3-6.0.1.tgz" -C "$tmp" "package/deps/sqlite-autoconf-$sqlite_version.tar.gz"
  echo "f6b50b0c103392af32a8be15b2b9d25959de9a00a70c3979128aafeaa5338b3f  $tmp/package/deps/sqlite-autoconf-$sqlite_version.tar.gz" |
    sha256sum -c --quiet
  tar -xzf "$tmp/package/deps/sqlite-autoconf-$sqlite_version.tar.gz" -C "$tmp" --no-same-owner \
    "sqlite-autoconf-$sqlite_version/sqlite3.c" "sqlite-autoconf-$sqlite_version/sqlite3.h" \
    "sqlite-autoconf-$sqlite_version/sqlite3ext.h"
  mkdir -p third_party/sqlite
  rm -rf "$sqlite_dir"
  mv "$tmp/sqlite-autoconf-$sqlite_version" "$sqlite_dir"
  rm -rf "$tmp"
fi

# The UI's packages: reinstalled only when the lockfile changed since the last install.
if [ -f app/package-lock.json ]; then
  stamp=app/node_modules/.mimicom-lock
  if [ ! -f "$stamp" ] || ! cmp -s app/package-lock.json "$stamp"; then
    (cd app && npm ci --no-audit --no-fund --loglevel=error)
    cp app/package-lock.json "$stamp"
  fi
fi
