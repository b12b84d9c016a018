#!/usr/bin/env bash
# respawn's full check, run by CI (.ci/run):
#   1. dependencies (scripts/install-deps.sh)
#   2. preset "default": RelWithDebInfo build in build/, every test
#   3. preset "asan": AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#      (assertions on, benchmarks off), every test but the consumer (packaging) tests
#   4. preset "tsan": ThreadSanitizer build in build-tsan/ of the executables that hold the
#      concurrency tests, and those tests
#   5. preset "fuzz": each libFuzzer target for a fixed time from a fixed seed (clang; skipped
#      when clang++ cannot link libFuzzer)
# Stops at the first failure with a non-zero exit. Environment:
#   RESPAWN_SKIP_ASAN=1     skip step 3 (a quick local run; CI does not set it)
#   RESPAWN_FUZZ_SECONDS=N  run each fuzz target N seconds (default 30)
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

# Steps 4 and 5.
concurrency_and_fuzz_checks() {
  # ThreadSanitizer (preset "tsan"): only the concurrency tests, and only the
  # executables that hold them: lazy fields, the threaded frame writer and
  # reader, pipes, the background sync of a file, and tests/reliability's
  # concurrency test.
  local tsan_targets=(lazy_test format_frame_stream_test format_fd_io_test snapshot_test background_sync_test
    reliability_concurrency_test)
  local tsan_tests='^(LazyTest\.|Threads/|SizesLevelsThreads/|Pipe\.|FrameStream\.|SnapshotTest\..*(Pipe|Thread)|BackgroundSync\.|FrameWriterSync\.|SaveSync\.|ConcurrencyTest\.)'
  step "tsan: configure"
  cmake --preset tsan
  step "tsan: build ${tsan_targets[*]} ($jobs jobs)"
  cmake --build --preset tsan --parallel "$jobs" --target "${tsan_targets[@]}"
  step "tsan: concurrency tests"
  ctest --preset tsan --output-on-failure -j2 --no-tests=error -R "$tsan_tests"

  # libFuzzer (preset "fuzz", clang with AddressSanitizer + UBSan): each target
  # of tests/fuzz/ for RESPAWN_FUZZ_SECONDS (default 30) from a fixed seed, over
  # the generated seed corpora, the committed seeds and every past regression.
  # A crash, leak, timeout (10 s) or sanitizer report fails the script.
  if ! command -v clang++ >/dev/null 2>&1 ||
    ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then
    step "fuzz: skipped (no clang++ with libFuzzer)"
    return 0
  fi
  step "fuzz: configure"
  cmake --preset fuzz
  step "fuzz: build the targets and the seed corpora ($jobs jobs)"
  cmake --build --preset fuzz --parallel "$jobs"
  local fuzz_dir=build-fuzz/tests/fuzz
  local work=build-fuzz/fuzz-run
  local seconds=${RESPAWN_FUZZ_SECONDS:-30}
  local extra=() failed=() target seeds
  for seeds in tests/data/fuzz-seeds tests/data/fuzz-regressions; do
    if [[ -d $seeds ]]; then extra+=("$seeds"); fi
  done
  rm -rf "$work"
  mkdir -p "$work"
  for target in load_from_path load_from_fd verify_input load_resealed load_payload; do
    seeds=$fuzz_dir/seeds/container
    if [[ $target == load_payload ]]; then seeds=$fuzz_dir/seeds/payload; fi
    step "fuzz: $target for $seconds s, seed 1"
    mkdir -p "$work/corpus-$target"
    if UBSAN_OPTIONS=print_stacktrace=1 "$fuzz_dir/fuzz_$target" -seed=1 -max_total_time="$seconds" -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$work/$target-" "$work/corpus-$target" "$seeds" "${extra[@]}" \
      >"$work/$target.log" 2>&1; then
      grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/$target.log" || true
    else
      tail -n 60 "$work/$target.log"
      failed+=("$target")
    fi
  done
  if ((${#failed[@]} > 0)); then
    echo "fuzzing failed in: ${failed[*]}; the inputs are in $work/ (minimize them with -minimize_crash=1," \
      "add them to tests/data/fuzz-regressions/)"
    return 1
  fi
}

step "dependencies"
scripts/install-deps.sh

configure_build_test default

if [[ "${RESPAWN_SKIP_ASAN:-0}" != "1" ]]; then
  configure_build_test asan
else
  step "asan: skipped (RESPAWN_SKIP_ASAN=1)"
fi

concurrency_and_fuzz_checks

step "all checks passed"
