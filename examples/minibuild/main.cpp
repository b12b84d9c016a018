// minibuild: saves the reference state to a snapshot and checks
// that a restore gives back exactly what a fresh build from the same seed does.
//   minibuild snapshot --elements N [--seed S] [--level L] [--threads T] FILE
//   minibuild restore [--seed S] FILE
//   minibuild build --elements N --workers W [--cost C] [--seed S]   (build_command.hpp)
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <respawn/respawn.hpp>
#include <string>
#include <utility>

#include "build_command.hpp"
#include "state.hpp"

namespace {

constexpr std::uint64_t kDefaultSeed = 1;

struct SnapshotArgs {
  std::size_t elements = 0;
  std::uint64_t seed = kDefaultSeed;
  int level = respawn::save_options{}.compression_level;
  unsigned threads = respawn::save_options{}.threads;
  std::filesystem::path file;
};

struct RestoreArgs {
  std::optional<std::uint64_t> seed;  // default: the seed the project records
  std::filesystem::path file;
};

// Runs `work` and returns its result with the seconds it took.
template <class Work>
auto timed(Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  auto result = work();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return std::pair(std::move(result), elapsed.count());
}

void print_line(const char* label, const std::string& value) {
  std::printf("%-13s %s\n", label, value.c_str());
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", seconds);
  return text;
}

void print_sizes(const respawn::snapshot_info& info) {
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.2f",
                info.stored_bytes == 0
                    ? 0.0
                    : static_cast<double>(info.raw_bytes) / static_cast<double>(info.stored_bytes));
  print_line("raw bytes", std::to_string(info.raw_bytes));
  print_line("stored bytes", std::to_string(info.stored_bytes));
  print_line("ratio", ratio);
  print_line("hash", info.hash);
}

int run_snapshot(const SnapshotArgs& args) {
  auto [state, build_seconds] = timed([&] { return minibuild::build_state(args.elements, args.seed); });
  respawn::save_options options;
  options.compression_level = args.level;
  options.threads = args.threads;
  auto [info, save_seconds] = timed([&] { return respawn::save(*state, args.file, options); });
  print_line("elements", std::to_string(state->project->elements.size()));
  print_line("build", format_seconds(build_seconds));
  print_line("save", format_seconds(save_seconds));
  print_sizes(info);
  return 0;
}

// The element count and seed the restored project was generated with.
std::optional<std::pair<std::size_t, std::uint64_t>> generation_of(const minibuild::Scheduler& state,
                                                                   const RestoreArgs& args) {
  if (state.project == nullptr) return std::nullopt;
  const auto elements = minibuild::numeric_option(*state.project, minibuild::kElementsOption);
  const auto seed = args.seed ? args.seed : minibuild::numeric_option(*state.project, minibuild::kSeedOption);
  if (!elements || !seed) return std::nullopt;
  return std::pair(static_cast<std::size_t>(*elements), *seed);
}

int fail(const std::string& message) {
  std::cerr << "minibuild: " << message << "\n";
  return 1;
}

int run_restore(const RestoreArgs& args) {
  auto [info, verify_seconds] = timed([&] { return respawn::verify(args.file); });
  auto [restored, load_seconds] = timed([&] { return respawn::load<minibuild::Scheduler>(args.file); });
  const auto generation = generation_of(*restored, args);
  if (!generation)
    return fail(args.file.string() + ": the project does not record its element count and seed");
  auto [fresh, build_seconds] =
      timed([&] { return minibuild::build_state(generation->first, generation->second); });
  print_line("elements", std::to_string(restored->project->elements.size()));
  print_sizes(info);
  print_line("verify", format_seconds(verify_seconds));
  print_line("load", format_seconds(load_seconds));
  print_line("rebuild", format_seconds(build_seconds) + " (seed " + std::to_string(generation->second) + ")");
  auto [difference, compare_seconds] = timed([&] { return minibuild::first_difference(*restored, *fresh); });
  if (difference) return fail("the restored state differs from a fresh build: " + *difference);
  print_line("compare", "equal, " + format_seconds(compare_seconds));
  auto [lazy_difference, lazy_seconds] =
      timed([&] { return minibuild::first_lazy_difference(*restored, *fresh); });
  if (lazy_difference) return fail("a recomputed field differs from the original: " + *lazy_difference);
  print_line("recompute", "equal, " + format_seconds(lazy_seconds) + " (cache_key, reverse_deps)");
  return 0;
}

void add_snapshot_command(CLI::App& app, SnapshotArgs& args) {
  CLI::App* command = app.add_subcommand("snapshot", "Build the reference state and save it to FILE");
  command->add_option("--elements", args.elements, "Number of elements")->required();
  command->add_option("--seed", args.seed, "Generator seed")->capture_default_str();
  command->add_option("--level", args.level, "zstd level (0 stores uncompressed)")->capture_default_str();
  command->add_option("--threads", args.threads, "Compression threads")->capture_default_str();
  command->add_option("FILE", args.file, "Snapshot file to write")->required();
}

void add_restore_command(CLI::App& app, RestoreArgs& args) {
  CLI::App* command = app.add_subcommand("restore", "Load FILE and compare it with a fresh build");
  command->add_option("--seed", args.seed, "Generator seed (default: the one the snapshot records)");
  command->add_option("FILE", args.file, "Snapshot file to read")->required()->check(CLI::ExistingFile);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"minibuild: snapshot and restore respawn's reference build-scheduler state"};
  app.require_subcommand(1);
  SnapshotArgs snapshot;
  RestoreArgs restore;
  add_snapshot_command(app, snapshot);
  add_restore_command(app, restore);
  minibuild::BuildArgs build;
  minibuild::BackendArgs backend;
  minibuild::add_build_commands(app, build, backend);
  CLI11_PARSE(app, argc, argv);
  try {
    if (app.got_subcommand("build")) return minibuild::run_build(build);
    if (app.got_subcommand("backend")) return minibuild::run_backend(backend);
    return app.got_subcommand("snapshot") ? run_snapshot(snapshot) : run_restore(restore);
  } catch (const respawn::error& e) {
    return fail(std::string(respawn::to_string(e.code())) + ": " + e.what());
  }
}
