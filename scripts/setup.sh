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

# The UI's packages: reinstalled only when the lockfile changed since the last install.
if [ -f app/package-lock.json ]; then
  stamp=app/node_modules/.mimicom-lock
  if [ ! -f "$stamp" ] || ! cmp -s app/package-lock.json "$stamp"; then
    (cd app && npm ci --no-audit --no-fund --loglevel=error)
    cp app/package-lock.json "$stamp"
  fi
fi
