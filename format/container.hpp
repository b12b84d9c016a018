// The snapshot container (docs/format.md): a checksummed header, the payload as
// independent, individually hashed frames, and a trailer holding the payload's
// size and XXH3-128 content hash. Writer and reader share this one definition.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "respawn/detail/schema.hpp"
#include "respawn/options.hpp"

namespace respawn::format {

// "\x89RSPAWN\n": the high first byte marks binary data (and is no UTF-8 lead
// byte); the final newline changes under text-mode line-ending conversion.
inline constexpr std::array<unsigned char, 8> magic = {0x89, 'R', 'S', 'P', 'A', 'W', 'N', '\n'};
inline constexpr std::uint32_t format_version = 2;

// What the header records besides the schema.
struct header {
  std::uint32_t boost_archive_version = 0;
  detail::snapshot_schema schema;
  bool operator==(const header&) const = default;
};

// The platform tag: what the payload's native-endian, native-sized primitives
// depend on. A reader refuses a tag that differs from its own in any byte.
inline constexpr std::size_t platform_tag_bytes = 14;
using platform_tag = std::array<std::uint8_t, platform_tag_bytes>;
platform_tag native_platform_tag();
// "little-endian; short 2, int 4, ...": for messages about a foreign file.
std::string describe_platform(const platform_tag& tag);

// The header, encoded and decoded byte-exactly as docs/format.md says; the
// frame and trailer layouts live beside these in format/.
std::string encode_header(const header& file_header);

// Reads exactly the header from fd and checks it: magic (not_a_snapshot),
// format version and platform (unsupported_version), its length against
// options.max_header_bytes before allocating (limit_exceeded), checksum and
// structure (corrupt), end of input (truncated). Stores the header's encoded
// length in *length.
header read_header(int fd, const std::string& name, const load_options& options, std::uint32_t* length);

// A frame record is [kind][raw size][stored size][stored bytes][hash]; the end
// of the frames is a record of kind `end`, which starts the trailer.
enum class frame_kind : std::uint8_t { stored = 0, zstd = 1, end = 0xff };
inline constexpr std::size_t frame_header_bytes = 9;
inline constexpr std::size_t frame_hash_bytes = 8;
// Raw and stored sizes are 32-bit fields.
inline constexpr std::uint64_t max_frame_size = 0xffffffffu;

struct frame_header {
  frame_kind kind = frame_kind::stored;
  std::uint32_t raw_size = 0;
  std::uint32_t stored_size = 0;
};

// Writes frame_header_bytes at `out`.
void encode_frame_header(const frame_header& frame, char* out);
// Reads frame_header_bytes at `in`. The kind byte is not checked here.
frame_header decode_frame_header(const char* in);

// XXH3-64 of a frame's header and stored bytes, seeded with the frame's index
// so that a frame moved or repeated within a file fails its own check.
std::uint64_t frame_hash(const char* record, std::size_t size, std::uint64_t index);

struct content_hash {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const content_hash&) const = default;
};
// 32 lowercase hex digits, high half first (XXH128_canonicalFromHash order).
std::string to_hex(const content_hash& hash);
// "0x" and 16 hex digits, for checksums in messages.
std::string to_hex(std::uint64_t checksum);

// XXH3-128 over the payload's raw bytes, fed in order.
class content_hasher {
 public:
  content_hasher();
  ~content_hasher();
  content_hasher(const content_hasher&) = delete;
  content_hasher& operator=(const content_hasher&) = delete;

  void update(const char* data, std::size_t size);
  content_hash digest() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// The trailer: the end-of-frames record followed by the payload totals.
inline constexpr std::size_t trailer_bytes = 41;
struct trailer {
  std::uint64_t raw_bytes = 0;
  std::uint64_t frame_count = 0;
  content_hash hash;
};
std::array<char, trailer_bytes> encode_trailer(const trailer& totals);
// Checks the trailer's checksum (corrupt); the caller has seen its first byte.
trailer decode_trailer(const std::array<char, trailer_bytes>& bytes, const std::string& name);

// Little-endian integers, one byte at a time, independent of the host.
void put_u32(char* out, std::uint32_t value);
void put_u64(char* out, std::uint64_t value);
std::uint32_t get_u32(const char* in);
std::uint64_t get_u64(const char* in);

}  // namespace respawn::format
