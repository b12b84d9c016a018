// minibuild_policy_cost: what the recompute policies of the reference state
// save, measured. It writes the state as its policies say, then again with the
// values of the lazy fields written as ordinary serialized data (the cost of
// choosing serialize instead of recompute), and times recomputing them in a
// restored state. docs/policies.md quotes its output.
//   minibuild_policy_cost [--elements N] [--seed S] [--level L] [--threads T]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <respawn/respawn.hpp>
#include <string>
#include <vector>

#include "state.hpp"

namespace {

// The state plus copies of its lazy fields' values, all serialized.
struct StateWithCaches {
  std::unique_ptr<minibuild::Scheduler> state;
  std::vector<std::string> cache_keys;                         // by element id
  std::vector<std::vector<minibuild::Element*>> reverse_deps;  // by element id
};

}  // namespace

template <>
struct respawn::policy<StateWithCaches> {
  static constexpr const char* name = "StateWithCaches";
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&StateWithCaches::state, "state"),
                      respawn::serialize(&StateWithCaches::cache_keys, "cache_keys"),
                      respawn::serialize(&StateWithCaches::reverse_deps, "reverse_deps"));
};

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Saves `root`, loads it back, and prints sizes and times.
template <class Root>
void report_round_trip(const char* what, const Root& root, const std::filesystem::path& file,
                       const respawn::save_options& options) {
  auto start = std::chrono::steady_clock::now();
  const respawn::snapshot_info info = respawn::save(root, file, options);
  const double save_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  respawn::load<Root>(file);
  const double load_seconds = seconds_since(start);  // includes freeing what was loaded
  std::printf("%-38s raw %11llu  stored %10llu  save %.3f s  load+free %.3f s\n", what,
              static_cast<unsigned long long>(info.raw_bytes),
              static_cast<unsigned long long>(info.stored_bytes), save_seconds, load_seconds);
}

void report_recompute(const std::filesystem::path& file) {
  auto start = std::chrono::steady_clock::now();
  const auto restored = respawn::load<minibuild::Scheduler>(file);
  std::printf("%-38s %.3f s\n", "load (as the policies say)", seconds_since(start));
  start = std::chrono::steady_clock::now();
  for (const auto& element : restored->project->elements)
    element->cache_key.get();  // id order: no deep recursion
  std::printf("%-38s %.3f s\n", "recompute every cache_key", seconds_since(start));
  start = std::chrono::steady_clock::now();
  for (const auto& element : restored->project->elements) element->reverse_deps.get();
  std::printf("%-38s %.3f s\n", "recompute every reverse_deps", seconds_since(start));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t elements = 100000;
  std::uint64_t seed = 1;
  respawn::save_options options;
  CLI::App app{"Measures the snapshot cost of serializing the reference state's lazy fields"};
  app.add_option("--elements", elements)->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  app.add_option("--level", options.compression_level)->capture_default_str();
  app.add_option("--threads", options.threads)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("minibuild-policy-cost-" + std::to_string(::getpid()) + ".snapshot");
  try {
    StateWithCaches root{minibuild::build_state(elements, seed), {}, {}};
    const auto& all = root.state->project->elements;
    report_round_trip("as the policies say", *root.state, file, options);
    for (const auto& element : all) root.cache_keys.push_back(element->cache_key.get());
    report_round_trip("+ cache_key serialized", root, file, options);
    for (const auto& element : all) root.reverse_deps.push_back(element->reverse_deps.get());
    report_round_trip("+ cache_key, reverse_deps serialized", root, file, options);
    report_round_trip("as the policies say (again)", *root.state, file, options);  // and leaves it in `file`
    report_recompute(file);
  } catch (const respawn::error& e) {
    std::fprintf(stderr, "minibuild_policy_cost: %s: %s\n", respawn::to_string(e.code()), e.what());
    std::filesystem::remove(file);
    return 1;
  }
  std::filesystem::remove(file);
  return 0;
}
