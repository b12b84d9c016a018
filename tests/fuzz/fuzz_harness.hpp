// The fuzz entry points, shared by the libFuzzer targets (fuzz_target.cpp) and
// the regression test that replays saved inputs (tests/reliability/).
//
// Each entry takes arbitrary bytes and runs them through the library. It returns
// normally when the library loaded the input or refused it with a
// respawn::error; it throws harness_failure when the library accepted the
// input but broke a promise (a loaded state that does not save and load back
// to itself, a reader that went past the end of the snapshot); any other
// exception leaves it, and libFuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "respawn/options.hpp"

namespace respawn_fuzz {

class harness_failure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Small limits, so that no input can make one run slow or large.
respawn::load_options fuzz_limits(unsigned threads);

// The container as it arrives: load<T> for every root type, from a file path.
void load_from_path(const std::uint8_t* data, std::size_t size);
// The container as it arrives: load<T> for every root type, from a memfd
// (without read-ahead) and from a pipe (with it).
void load_from_fd(const std::uint8_t* data, std::size_t size);
// The container as it arrives: verify() from a memfd.
void verify_input(const std::uint8_t* data, std::size_t size);
// Behind the hashes: byte 0 selects a root type and the framing (see
// wrap_payload), the rest is the payload, wrapped into a valid container.
void load_payload(const std::uint8_t* data, std::size_t size);
// Behind the hashes: the input is a container whose hashes are recomputed
// (reseal) before load<T> for every root type and verify().
void load_resealed(const std::uint8_t* data, std::size_t size);

// The index of the root type `container` loads as (its state checked to save
// and load back to itself), or -1 when it loads as none of them.
int loaded_root(std::string_view container);

struct entry {
  const char* name;
  void (*run)(const std::uint8_t* data, std::size_t size);
};
// Every entry above, by name.
const std::vector<entry>& entries();

// The root types, in selector order: Graph, Bag, Tree, sample::Plan.
inline constexpr std::size_t root_type_count = 4;
const char* root_type_name(std::size_t index);

// A valid container whose payload is `payload`, for the root type selector % 4,
// cut into frames of {4096, 1, 7, 64}[(selector >> 2) % 4] bytes, compressed
// when bit 4 is set: what load_payload reads.
std::string wrap_payload(std::uint8_t selector, std::string_view payload);

// The container with every hash recomputed as far as its structure can be
// followed: the header checksum, each frame hash, and the trailer's totals,
// content hash and checksum.
std::string reseal(std::string container);

// The payload of a container whose frames are all stored (compression level 0).
std::string payload_of(std::string_view container);

struct seed {
  std::string name;
  std::string bytes;
};
// Valid snapshots of every root type, at several sizes and compressions, and
// the inputs of load_payload made from them.
std::vector<seed> container_seeds();
std::vector<seed> payload_seeds();

}  // namespace respawn_fuzz
