// Saves the sample graph to the file named on the command line and prints the
// content hash: tests run it in fresh processes to check that the hash does
// not depend on the process (addresses, allocation order, thread timing).
#include <cstdio>

#include "sample_graph.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const auto plan = sample::make_plan(500);
  std::printf("%s\n", respawn::save(*plan, std::filesystem::path(argv[1])).hash.c_str());
  return 0;
}
