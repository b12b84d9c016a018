#!/usr/bin/env bash
# Installs the Debian packages respawn needs to build, test, benchmark and demo:
# only the missing ones, with one apt-get call. As root it installs them; as any
# other user it prints the command to run and exits non-zero.
set -euo pipefail

packages=(
  g++ cmake make
  libboost1.81-dev libboost-serialization1.81-dev
  libzstd-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libcereal-dev
  clang libclang-rt-14-dev
  python3
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

command=(apt-get install -y -qq "${missing[@]}")
if [[ "$(id -u)" != "0" ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root:" >&2
  echo "  sudo DEBIAN_FRONTEND=noninteractive ${command[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if "${command[@]}" 2>&1 | tee "$log"; then
  exit 0
fi
# Only a missing or stale package list is worth a retry after an update; any
# other failure is reported as it is.
if grep -qE "Unable to locate package|has no installation candidate|404 +Not Found|Failed to fetch" "$log"; then
  echo "install-deps: package lists missing or stale; running apt-get update"
  apt-get update -qq
  "${command[@]}"
else
  echo "install-deps: apt-get install failed" >&2
  exit 1
fi
