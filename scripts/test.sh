#!/usr/bin/env bash
# respawn's full check, run by CI (.ci/run):
#   1. dependencies (scripts/install-deps.sh)
#   2. preset "default": RelWithDebInfo build in build/, every test
#   3. preset "asan": AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#      (assertions on, benchmarks off), every test but the consumer (packaging) tests
#   4. later_checks: the fuzz and ThreadSanitizer runs, not written yet
# Stops at the first failure with a non-zero exit. Environment:
#   RESPAWN_SKIP_ASAN=1   skip step 3 (a quick local run; CI does not set it)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=$(nproc 2>/dev/null || echo 2)
start=$SECONDS

step() {
  echo
  echo "=== $* ($((SECONDS - start)) s) ==="
}

# configure_build_test <preset> [ctest args...]: configure, build and test with one preset.
configure_build_test() {
  local preset=$1
  shift
  step "$preset: configure"
  cmake --preset "$preset"
  step "$preset: build ($jobs jobs)"
  cmake --build --preset "$preset" --parallel "$jobs"
  step "$preset: test"
  ctest --preset "$preset" --output-on-failure -j2 --no-tests=error "$@"
}

# Fuzzing and ThreadSanitizer: a later session adds them here, e.g. a libFuzzer
# run of the snapshot reader over a seed corpus for a fixed time, and
# configure_build_test tsan (the "tsan" preset already exists in CMakePresets.json).
later_checks() {
  :
}

step "dependencies"
scripts/install-deps.sh

configure_build_test default

if [[ "${RESPAWN_SKIP_ASAN:-0}" != "1" ]]; then
  configure_build_test asan
else
  step "asan: skipped (RESPAWN_SKIP_ASAN=1)"
fi

later_checks

step "all checks passed"
