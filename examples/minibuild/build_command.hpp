// `minibuild build`: a simulated build whose scheduler runs in a backend
// process started with respawn::spawn_self. The front end builds the state,
// hands it over and shows the progress the backend reports through a pipe.
//   minibuild build --elements N --workers W [--cost C] [--seed S]
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>

namespace minibuild {

struct BuildArgs {
  std::size_t elements = 0;
  unsigned workers = 2;
  std::uint64_t cost = 1000;  // rounds of hashing an element's sources per job
  std::uint64_t seed = 1;
};

// The hidden `backend` subcommand, which the front end passes to spawn_self.
struct BackendArgs {
  unsigned workers = 2;
  std::uint64_t cost = 1000;
  int progress_fd = -1;
};

void add_build_commands(CLI::App& app, BuildArgs& build, BackendArgs& backend);

// The front end. Returns the exit code.
int run_build(const BuildArgs& args);

// The backend: restores the scheduler from the parent and runs the build.
int run_backend(const BackendArgs& args);

}  // namespace minibuild
