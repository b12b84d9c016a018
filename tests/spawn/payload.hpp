// The state the spawn tests hand to their children: a label, a seed and blocks
// of bytes generated from the seed, so that a child can check every byte it
// restored against what the seed gives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <respawn/respawn.hpp>
#include <string>
#include <vector>

namespace spawn_test {

struct Payload {
  std::string label;
  std::uint64_t seed = 0;
  std::vector<std::string> blocks;
};

// A root type no parent sends: a child restoring it fails with type_mismatch.
struct OtherRoot {
  std::uint64_t value = 0;
};

// A root whose raw pointer may point outside the graph: saving it then
// breaks a policy (policy_violation) in the parent.
struct PointerRoot {
  OtherRoot* target = nullptr;
};

inline constexpr std::size_t kBlockBytes = 4096;
// 2048 blocks of 4 KiB: 8 MiB, far above the 1 MiB pipe, so a parent writing
// it is still writing when a child stops reading half way.
inline constexpr std::size_t kLargeBlocks = 2048;

Payload make_payload(const std::string& label, std::uint64_t seed, std::size_t blocks);

// The first difference between `restored` and make_payload(label, seed, blocks), if any.
std::optional<std::string> payload_difference(const Payload& restored, const std::string& label,
                                              std::uint64_t seed, std::size_t blocks);

// The spawned side of the tests: argv[1] names what to do (see child_modes.cpp).
// Returns the exit code.
int child_main(int argc, char** argv);

// Whether `mode` is one of child_main's modes.
bool is_child_mode(const std::string& mode);

}  // namespace spawn_test

template <>
struct respawn::policy<spawn_test::Payload> {
  static constexpr const char* name = "SpawnTestPayload";
  static constexpr auto fields = respawn::fields(respawn::serialize(&spawn_test::Payload::label, "label"),
                                                 respawn::serialize(&spawn_test::Payload::seed, "seed"),
                                                 respawn::serialize(&spawn_test::Payload::blocks, "blocks"));
};

template <>
struct respawn::policy<spawn_test::OtherRoot> {
  static constexpr const char* name = "SpawnTestOtherRoot";
  static constexpr auto fields = respawn::fields(respawn::serialize(&spawn_test::OtherRoot::value, "value"));
};

template <>
struct respawn::policy<spawn_test::PointerRoot> {
  static constexpr const char* name = "SpawnTestPointerRoot";
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&spawn_test::PointerRoot::target, "target"));
};
