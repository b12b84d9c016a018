#include "format/container.hpp"

#include <xxhash.h>
#ifdef RESPAWN_XXH_DISPATCH
// Renames the XXH3 calls below to their runtime-dispatched versions: AVX2 or
// AVX-512 where the CPU has them. The content hash of a 100,000-element
// payload (86 MB) took 10.3 ms instead of 14.5 ms on the build machine.
#include <xxh_x86dispatch.h>
#endif

#include <bit>
#include <cfloat>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>

#include "format/fd_io.hpp"
#include "respawn/error.hpp"

namespace respawn::format {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "the platform tag records only little- and big-endian byte orders");

// Offsets of the fixed part of the header (docs/format.md, "Header").
constexpr std::size_t version_offset = 8;
constexpr std::size_t length_offset = 12;
constexpr std::size_t prefix_bytes = 16;  // magic, format version, header length
constexpr std::size_t platform_offset = prefix_bytes;
constexpr std::size_t checksum_bytes = 8;
// Prefix, platform tag, Boost archive version, empty root name, zero types, checksum.
constexpr std::size_t min_header_bytes = prefix_bytes + platform_tag_bytes + 4 + 4 + 4 + checksum_bytes;
// Smallest encodings of a type (empty name, version, field count) and a field
// (empty name, policy, since): they bound a count by the bytes left.
constexpr std::size_t min_type_bytes = 4 + 4 + 4;  // format version 1; version 2 adds a byte
constexpr std::size_t min_field_bytes = 4 + 1 + 4;
constexpr std::uint8_t max_policy = static_cast<std::uint8_t>(detail::field_policy::base);
// Each schema type's flags byte, from format version 2; bit 0 is the only flag.
constexpr std::uint32_t first_version_with_type_flags = 2;
constexpr std::uint8_t referenceable_flag = 0x01;

constexpr std::size_t trailer_checksum_offset = trailer_bytes - checksum_bytes;

std::string hex_bytes(const unsigned char* bytes, std::size_t size) {
  std::string text;
  for (std::size_t i = 0; i < size; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, i == 0 ? "%02x" : " %02x", bytes[i]);
    text += byte;
  }
  return text;
}

[[noreturn]] void fail(errc code, const std::string& name, const std::string& what) {
  throw error(code, name + ": " + what);
}

// Appends the header's fields in order.
class header_encoder {
 public:
  void bytes(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  void u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u32(std::uint32_t value) {
    char bytes[4];
    put_u32(bytes, value);
    out_.append(bytes, sizeof bytes);
  }
  void u64(std::uint64_t value) {
    char bytes[8];
    put_u64(bytes, value);
    out_.append(bytes, sizeof bytes);
  }
  void count(std::size_t value) { u32(checked_u32(value)); }
  void string(const std::string& text) {
    count(text.size());
    out_ += text;
  }
  std::string& result() { return out_; }

  static std::uint32_t checked_u32(std::uint64_t value) {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      throw error(errc::limit_exceeded, "snapshot header: a size of " + std::to_string(value) +
                                            " does not fit the format's 32-bit size fields");
    }
    return static_cast<std::uint32_t>(value);
  }

 private:
  std::string out_;
};

// Reads the header's variable part, never past `end`: every string and count
// is checked against the bytes left before anything is allocated for it.
class header_parser {
 public:
  header_parser(const char* begin, const char* end, const std::string& name)
      : next_(begin), end_(end), name_(name) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - next_); }

  std::uint8_t u8(const std::string& what) {
    need(1, what);
    return static_cast<std::uint8_t>(*next_++);
  }
  std::uint32_t u32(const std::string& what) {
    need(4, what);
    const std::uint32_t value = get_u32(next_);
    next_ += 4;
    return value;
  }
  std::string string(const std::string& what) {
    const std::uint32_t size = u32(what + "'s length");
    need(size, what);
    std::string text(next_, size);
    next_ += size;
    return text;
  }
  // A count of items of at least `min_item_bytes` each.
  std::uint32_t count(const std::string& what, std::size_t min_item_bytes) {
    const std::uint32_t value = u32(what);
    if (value > remaining() / min_item_bytes) {
      fail(errc::corrupt, name_,
           "the header claims " + std::to_string(value) + " " + what + " but has only " +
               std::to_string(remaining()) + " bytes left");
    }
    return value;
  }

 private:
  void need(std::size_t size, const std::string& what) {
    if (size > remaining()) {
      fail(errc::corrupt, name_,
           "the header ends inside " + what + " (" + std::to_string(size) + " bytes needed, " +
               std::to_string(remaining()) + " left)");
    }
  }

  const char* next_;
  const char* end_;
  const std::string& name_;
};

void encode_schema(const detail::snapshot_schema& schema, header_encoder& out) {
  out.string(schema.root_type);
  out.count(schema.types.size());
  for (const detail::type_schema& type : schema.types) {
    out.string(type.name);
    out.u32(type.version);
    out.u8(type.referenceable ? referenceable_flag : 0);
    out.count(type.fields.size());
    for (const detail::field_schema& field : type.fields) {
      out.string(field.name);
      out.u8(static_cast<std::uint8_t>(field.policy));
      out.u32(field.since);
    }
  }
}

detail::field_schema parse_field(header_parser& in, const std::string& type_name, const std::string& name) {
  detail::field_schema field;
  const std::string where = "a field of type '" + type_name + "'";
  field.name = in.string(where);
  const std::uint8_t policy = in.u8(where);
  if (policy > max_policy) {
    fail(errc::corrupt, name,
         "field '" + field.name + "' of type '" + type_name + "' has policy " + std::to_string(policy) +
             ", which is none of 0 to " + std::to_string(max_policy));
  }
  field.policy = static_cast<detail::field_policy>(policy);
  field.since = in.u32(where);
  return field;
}

detail::type_schema parse_type(header_parser& in, std::uint32_t version, const std::string& name) {
  detail::type_schema type;
  type.name = in.string("a type name");
  const std::string where = "type '" + type.name + "'";
  type.version = in.u32(where);
  if (version >= first_version_with_type_flags) {
    const std::uint8_t flags = in.u8(where);
    if ((flags & ~referenceable_flag) != 0) {
      fail(errc::corrupt, name,
           where + " has flags " + std::to_string(flags) + "; only bit 0 (referenceable) is defined");
    }
    type.referenceable = (flags & referenceable_flag) != 0;
  }  // in version 1 every type's by-value objects took ids: referenceable, the default
  const std::uint32_t fields = in.count("fields of " + where, min_field_bytes);
  type.fields.reserve(fields);
  for (std::uint32_t i = 0; i < fields; ++i) type.fields.push_back(parse_field(in, type.name, name));
  return type;
}

detail::snapshot_schema parse_schema(header_parser& in, std::uint32_t version, const std::string& name) {
  detail::snapshot_schema schema;
  schema.root_type = in.string("the root type name");
  const std::uint32_t types = in.count("types", min_type_bytes);
  schema.types.reserve(types);
  for (std::uint32_t i = 0; i < types; ++i) schema.types.push_back(parse_type(in, version, name));
  return schema;
}

// Reads the magic number. Input that ends while it still agrees with the magic
// is truncated; input that disagrees is something else.
void read_magic(int fd, const std::string& name, unsigned char* out) {
  const std::size_t got = read_up_to(fd, out, magic.size(), name);
  if (std::memcmp(out, magic.data(), got) != 0) {
    fail(errc::not_a_snapshot, name,
         "not a respawn snapshot: it starts with bytes " + hex_bytes(out, got) + ", a snapshot with " +
             hex_bytes(magic.data(), magic.size()));
  }
  if (got == 0) fail(errc::truncated, name, "the input is empty, expected a respawn snapshot");
  if (got < magic.size()) {
    fail(errc::truncated, name,
         "the input ends inside the magic number (" + std::to_string(got) + " of " +
             std::to_string(magic.size()) + " bytes)");
  }
}

void check_version(std::uint32_t version, const std::string& name) {
  if (version == 0) fail(errc::corrupt, name, "container format version 0 does not exist");
  if (version > format_version) {
    fail(errc::unsupported_version, name,
         "container format version " + std::to_string(version) + " is newer than this reader's version " +
             std::to_string(format_version));
  }
}

void check_length(std::uint32_t length, const std::string& name, const load_options& options) {
  if (length < min_header_bytes) {
    fail(errc::corrupt, name,
         "the header claims " + std::to_string(length) + " bytes, less than the smallest header (" +
             std::to_string(min_header_bytes) + ")");
  }
  if (length > options.max_header_bytes) {
    fail(errc::limit_exceeded, name,
         "the header claims " + std::to_string(length) + " bytes, above load_options::max_header_bytes (" +
             std::to_string(options.max_header_bytes) + ")");
  }
}

void check_header_checksum(const std::string& bytes, const std::string& name) {
  const std::size_t covered = bytes.size() - checksum_bytes;
  const std::uint64_t stored = get_u64(bytes.data() + covered);
  const std::uint64_t computed = XXH3_64bits(bytes.data(), covered);
  if (stored != computed) {
    fail(errc::corrupt, name,
         "header checksum mismatch: the file says " + to_hex(stored) + ", its " + std::to_string(covered) +
             " header bytes give " + to_hex(computed));
  }
}

void check_platform(const std::string& bytes, const std::string& name) {
  platform_tag tag;
  std::memcpy(tag.data(), bytes.data() + platform_offset, tag.size());
  const platform_tag native = native_platform_tag();
  if (tag != native) {
    fail(errc::unsupported_version, name,
         "written on a different platform (" + describe_platform(tag) + ") than this one (" +
             describe_platform(native) + ")");
  }
}

}  // namespace

void put_u32(char* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

void put_u64(char* out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

std::uint32_t get_u32(const char* in) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

std::uint64_t get_u64(const char* in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

platform_tag native_platform_tag() {
  const bool ieee = std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559;
  return {
      std::endian::native == std::endian::little ? std::uint8_t{1} : std::uint8_t{2},
      sizeof(short),
      sizeof(int),
      sizeof(long),
      sizeof(long long),
      sizeof(void*),
      sizeof(std::size_t),
      sizeof(wchar_t),
      sizeof(bool),
      sizeof(float),
      sizeof(double),
      sizeof(long double),
      LDBL_MANT_DIG,
      ieee ? std::uint8_t{1} : std::uint8_t{0},
  };
}

std::string describe_platform(const platform_tag& tag) {
  std::string text = tag[0] == 1   ? "little-endian"
                     : tag[0] == 2 ? "big-endian"
                                   : "byte order " + std::to_string(tag[0]);
  static constexpr const char* names[] = {"short",   "int",  "long",  "long long", "void*",      "size_t",
                                          "wchar_t", "bool", "float", "double",    "long double"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    text += i == 0 ? "; " : ", ";
    text += names[i];
    text += ' ';
    text += std::to_string(tag[i + 1]);
  }
  text += " (" + std::to_string(tag[12]) + "-bit significand)";
  text += tag[13] == 1 ? "; IEEE 754 float and double" : "; floating point flags " + std::to_string(tag[13]);
  return text;
}

std::string encode_header(const header& file_header) {
  header_encoder out;
  out.bytes(magic.data(), magic.size());
  out.u32(format_version);
  out.u32(0);  // the header length, patched below
  const platform_tag tag = native_platform_tag();
  out.bytes(tag.data(), tag.size());
  out.u32(file_header.boost_archive_version);
  encode_schema(file_header.schema, out);

  std::string& bytes = out.result();
  put_u32(bytes.data() + length_offset, header_encoder::checked_u32(bytes.size() + checksum_bytes));
  out.u64(XXH3_64bits(bytes.data(), bytes.size()));
  return std::move(bytes);
}

header read_header(int fd, const std::string& name, const load_options& options, std::uint32_t* length) {
  unsigned char prefix[prefix_bytes];
  read_magic(fd, name, prefix);
  read_exact(fd, prefix + magic.size(), prefix_bytes - magic.size(), name, "the header");
  const char* fixed = reinterpret_cast<const char*>(prefix);
  const std::uint32_t version = get_u32(fixed + version_offset);
  check_version(version, name);
  *length = get_u32(fixed + length_offset);
  check_length(*length, name, options);

  std::string bytes(*length, '\0');
  std::memcpy(bytes.data(), prefix, prefix_bytes);
  read_exact(fd, bytes.data() + prefix_bytes, *length - prefix_bytes, name, "the header");
  check_header_checksum(bytes, name);
  check_platform(bytes, name);

  header_parser in(bytes.data() + platform_offset + platform_tag_bytes,
                   bytes.data() + *length - checksum_bytes, name);
  header result;
  result.boost_archive_version = in.u32("the Boost archive version");
  result.schema = parse_schema(in, version, name);
  if (in.remaining() != 0) {
    fail(errc::corrupt, name, "the header has " + std::to_string(in.remaining()) + " bytes after its schema");
  }
  return result;
}

void encode_frame_header(const frame_header& frame, char* out) {
  out[0] = static_cast<char>(frame.kind);
  put_u32(out + 1, frame.raw_size);
  put_u32(out + 5, frame.stored_size);
}

frame_header decode_frame_header(const char* in) {
  return {static_cast<frame_kind>(static_cast<unsigned char>(in[0])), get_u32(in + 1), get_u32(in + 5)};
}

std::uint64_t frame_hash(const char* record, std::size_t size, std::uint64_t index) {
  return XXH3_64bits_withSeed(record, size, index);
}

std::string to_hex(const content_hash& hash) {
  char text[33];
  std::snprintf(text, sizeof text, "%016" PRIx64 "%016" PRIx64, hash.high, hash.low);
  return text;
}

std::string to_hex(std::uint64_t checksum) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016" PRIx64, checksum);
  return text;
}

struct content_hasher::state {
  struct deleter {
    void operator()(XXH3_state_t* hash_state) const { XXH3_freeState(hash_state); }
  };
  std::unique_ptr<XXH3_state_t, deleter> xxh3{XXH3_createState()};
};

content_hasher::content_hasher() : state_(std::make_unique<state>()) {
  if (!state_->xxh3) throw std::bad_alloc();
  XXH3_128bits_reset(state_->xxh3.get());
}

content_hasher::~content_hasher() = default;

void content_hasher::update(const char* data, std::size_t size) {
  XXH3_128bits_update(state_->xxh3.get(), data, size);
}

content_hash content_hasher::digest() const {
  const XXH128_hash_t hash = XXH3_128bits_digest(state_->xxh3.get());
  return {hash.high64, hash.low64};
}

std::array<char, trailer_bytes> encode_trailer(const trailer& totals) {
  std::array<char, trailer_bytes> bytes;
  bytes[0] = static_cast<char>(frame_kind::end);
  put_u64(&bytes[1], totals.raw_bytes);
  put_u64(&bytes[9], totals.frame_count);
  put_u64(&bytes[17], totals.hash.high);
  put_u64(&bytes[25], totals.hash.low);
  put_u64(&bytes[trailer_checksum_offset], XXH3_64bits(bytes.data(), trailer_checksum_offset));
  return bytes;
}

trailer decode_trailer(const std::array<char, trailer_bytes>& bytes, const std::string& name) {
  const std::uint64_t stored = get_u64(&bytes[trailer_checksum_offset]);
  const std::uint64_t computed = XXH3_64bits(bytes.data(), trailer_checksum_offset);
  if (stored != computed) {
    fail(errc::corrupt, name,
         "trailer checksum mismatch: the file says " + to_hex(stored) + ", the trailer bytes give " +
             to_hex(computed));
  }
  return {get_u64(&bytes[1]), get_u64(&bytes[9]), {get_u64(&bytes[17]), get_u64(&bytes[25])}};
}

}  // namespace respawn::format
