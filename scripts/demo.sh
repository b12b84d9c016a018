#!/usr/bin/env bash
# The main job, end to end: build minibuild (Release, build-release/), snapshot
# its state with 100,000 elements into a temporary file, restore it in a second
# process, and print what each side reports; then run a simulated build whose
# scheduler runs in a backend process that respawn spawns and hands the state.
#
#   scripts/demo.sh [snapshot options...]
# Extra arguments go to `minibuild snapshot`; --elements N there replaces the
# default count (also settable as ELEMENTS=N, which the build uses too).
# BUILD_COST=N sets the rounds of hashing per job of the build (default 100).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=$(nproc 2>/dev/null || echo 2)

scripts/install-deps.sh

cmake --preset release
cmake --build --preset release --parallel "$jobs" --target minibuild

minibuild=build-release/examples/minibuild/minibuild
if [[ ! -x "$minibuild" ]]; then
  echo "demo: $minibuild was not built" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/respawn-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
snapshot="$tmp/state.snap"

elements=(--elements "${ELEMENTS:-100000}")
for arg in "$@"; do
  if [[ "$arg" == --elements || "$arg" == --elements=* ]]; then
    elements=()
  fi
done

echo
echo "=== minibuild snapshot ${elements[*]} $* $snapshot"
"$minibuild" snapshot "${elements[@]}" "$@" "$snapshot"
echo
echo "=== minibuild restore $snapshot"
"$minibuild" restore "$snapshot"
if [[ -f "$snapshot" ]]; then
  echo
  echo "snapshot file: $(stat -c %s "$snapshot") bytes"
fi

build=(build --elements "${ELEMENTS:-100000}" --workers 2 --cost "${BUILD_COST:-100}")
echo
echo "=== minibuild ${build[*]}"
"$minibuild" "${build[@]}"
