// The hash behind cache keys. It must give the same key for the same inputs on
// every platform and in every process (a restored process recomputes keys and
// they must equal the ones of the process that built the state), so it reads
// bytes explicitly little-endian and uses no std::hash. It is a fast
// non-cryptographic hash in the style of xxHash: four 64-bit lanes, each taking
// every fourth 8-byte word of the input through a multiply-rotate round, then a
// final mix in which every output word depends on every lane. 256 bits of state
// make accidental collisions negligible; it offers no protection against
// someone crafting them.
#include "cache_key.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace minibuild {

namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;

std::uint64_t rotl(std::uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }

std::uint64_t lane_round(std::uint64_t lane, std::uint64_t word) {
  return rotl(lane ^ (word * kPrime2), 31) * kPrime1;
}

// splitmix64's finalizer: every input bit affects every output bit.
std::uint64_t avalanche(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t load_le(std::string_view bytes, std::size_t at) {
  std::uint64_t word = 0;
  if (std::endian::native == std::endian::little && at + 8 <= bytes.size()) {
    std::memcpy(&word, bytes.data() + at, 8);
    return word;
  }
  for (std::size_t i = 0; i < 8 && at + i < bytes.size(); ++i) {
    word |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  }
  return word;
}

std::array<std::uint64_t, 4> hash256(std::string_view bytes) {
  std::array<std::uint64_t, 4> lanes = {kPrime1, kPrime2, ~kPrime1, ~kPrime2};
  for (std::size_t at = 0, word = 0; at < bytes.size(); at += 8, ++word) {
    lanes[word % 4] = lane_round(lanes[word % 4], load_le(bytes, at));
  }
  std::uint64_t all = bytes.size() * kPrime1;
  for (std::size_t i = 0; i < 4; ++i) all ^= rotl(lanes[i], static_cast<int>(7 + 13 * i));
  for (std::size_t i = 0; i < 4; ++i) lanes[i] = avalanche(lanes[i] ^ all ^ (kPrime2 * (i + 1)));
  return lanes;
}

// Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently.
void append_field(std::string& input, std::string_view field) {
  const std::uint64_t size = field.size();
  for (int i = 0; i < 8; ++i) input.push_back(static_cast<char>(size >> (8 * i)));
  input.append(field);
}

std::string to_hex(const std::array<std::uint64_t, 4>& words) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (std::uint64_t word : words) {
    for (int shift = 60; shift >= 0; shift -= 4) hex.push_back(kDigits[(word >> shift) & 0xF]);
  }
  return hex;
}

}  // namespace

std::string compute_cache_key(const Element& element) {
  std::string input;
  input.reserve(512);
  for (const Source& source : element.sources) {
    append_field(input, source.kind);
    append_field(input, source.url);
    append_field(input, source.ref);
  }
  append_field(input, "build-deps");  // separates sources from dependency keys
  for (const Element* dep : element.build_deps) append_field(input, dep->cache_key.get());
  return to_hex(hash256(input));
}

}  // namespace minibuild
