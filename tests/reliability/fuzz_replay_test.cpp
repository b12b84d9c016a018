// Every input the fuzzers ever saved (tests/data/fuzz-regressions/: inputs
// that once crashed a target; tests/data/fuzz-seeds/: their seed corpora) goes
// through every fuzz entry again: each run ends in a loaded state or a
// respawn::error, never a crash, a harness_failure or another exception. Also
// checks the harness itself: seeds are valid, wrapping and resealing work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "fuzz/fuzz_harness.hpp"
#include "fuzz/fuzz_types.hpp"
#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace {

std::vector<std::filesystem::path> files_under(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(folder)) return files;
  for (const auto& item : std::filesystem::recursive_directory_iterator(folder)) {
    if (item.is_regular_file() && item.path().filename().string().front() != '.' &&
        item.path().extension() != ".md") {
      files.push_back(item.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs `bytes` through every entry; a failure names the entry and the input.
void replay(const std::string& name, const std::string& bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  for (const respawn_fuzz::entry& entry : respawn_fuzz::entries()) {
    try {
      entry.run(data, bytes.size());
    } catch (const std::exception& e) {
      ADD_FAILURE() << entry.name << " on " << name << ": " << e.what();
    }
  }
}

TEST(FuzzReplayTest, EverySavedInputIsLoadedOrRefused) {
  const std::filesystem::path data = RESPAWN_TEST_DATA;
  const auto regressions = files_under(data / "fuzz-regressions");
  const auto seeds = files_under(data / "fuzz-seeds");
  EXPECT_FALSE(seeds.empty()) << "no seeds under " << (data / "fuzz-seeds").string();
  for (const auto* files : {&regressions, &seeds}) {
    for (const std::filesystem::path& file : *files) replay(file.string(), respawn::testing::read_file(file));
  }
  std::cout << "[ replay ] " << regressions.size() << " regression inputs and " << seeds.size()
            << " seeds, each through " << respawn_fuzz::entries().size() << " entries\n";
}

TEST(FuzzReplayTest, FreshSeedsAreValidSnapshotsOfTheirRootType) {
  const auto seeds = respawn_fuzz::container_seeds();
  ASSERT_GE(seeds.size(), 8u);
  for (const respawn_fuzz::seed& seed : seeds) {
    SCOPED_TRACE(seed.name);
    EXPECT_LT(seed.bytes.size(), 64u * 1024);
    const std::string root = seed.name.substr(0, seed.name.find('-'));
    const int index = respawn_fuzz::loaded_root(seed.bytes);
    ASSERT_GE(index, 0);
    EXPECT_EQ(respawn_fuzz::root_type_name(static_cast<std::size_t>(index)), root);
    replay(seed.name, seed.bytes);
  }
}

TEST(FuzzReplayTest, WrappedPayloadsLoadAsTheirRootType) {
  for (const respawn_fuzz::seed& seed : respawn_fuzz::payload_seeds()) {
    SCOPED_TRACE(seed.name);
    const auto selector = static_cast<std::uint8_t>(seed.bytes.at(0));
    const std::string container = respawn_fuzz::wrap_payload(selector, seed.bytes.substr(1));
    EXPECT_EQ(respawn_fuzz::loaded_root(container),
              static_cast<int>(selector % respawn_fuzz::root_type_count));
    replay(seed.name, seed.bytes);
  }
}

TEST(FuzzReplayTest, ResealMakesAChangedPayloadPassItsHashes) {
  const auto seeds = respawn_fuzz::container_seeds();
  const auto plan =
      std::find_if(seeds.begin(), seeds.end(), [](const auto& s) { return s.name == "plan-small-stored"; });
  ASSERT_NE(plan, seeds.end());
  std::string changed = plan->bytes;
  const std::size_t title = changed.find("sample plan");
  ASSERT_NE(title, std::string::npos);
  changed[title + 10] = 'N';
  EXPECT_EQ(respawn_fuzz::loaded_root(changed), -1);
  const std::string resealed = respawn_fuzz::reseal(changed);
  EXPECT_EQ(resealed.size(), changed.size());
  EXPECT_EQ(respawn_fuzz::loaded_root(resealed), 3);
  EXPECT_EQ(respawn_fuzz::payload_of(resealed).find("sample plaN") != std::string::npos, true);
  EXPECT_EQ(respawn_fuzz::reseal(plan->bytes), plan->bytes);
}

}  // namespace
