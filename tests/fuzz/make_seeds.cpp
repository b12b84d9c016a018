// Writes the fuzz seed corpora: valid snapshots of every root type (for the
// load, verify and resealed targets) and payloads with their selector byte
// (for the payload target). Usage: respawn_make_fuzz_seeds <container dir> <payload dir>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fuzz/fuzz_harness.hpp"

namespace {

void write_all(const std::filesystem::path& folder, const std::vector<respawn_fuzz::seed>& seeds) {
  std::filesystem::create_directories(folder);
  for (const respawn_fuzz::seed& seed : seeds) {
    std::ofstream out(folder / seed.name, std::ios::binary | std::ios::trunc);
    out.write(seed.bytes.data(), static_cast<std::streamsize>(seed.bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + (folder / seed.name).string());
  }
  std::cout << seeds.size() << " seeds in " << folder.string() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <container seed dir> <payload seed dir>\n";
    return 2;
  }
  try {
    write_all(argv[1], respawn_fuzz::container_seeds());
    write_all(argv[2], respawn_fuzz::payload_seeds());
  } catch (const std::exception& e) {
    std::cerr << argv[0] << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
