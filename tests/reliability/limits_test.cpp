// Hostile sizes: a decompression bomb, a header, frame or container claiming
// gigabytes, absurd nesting, a gigantic string. Each input is built with the
// container's own format functions, so every hash in it is valid and the limit
// (or the structural check docs/format.md names) is what refuses it; and the
// process's peak resident memory must not grow by more than a few MiB around
// the failing load, so the refusal comes before any allocation.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <array>
#include <boost/archive/basic_archive.hpp>
#include <cstdint>
#include <cstring>
#include <deque>
#include <forward_list>
#include <fstream>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "format/container.hpp"
#include "respawn/respawn.hpp"

namespace respawn {
inline void PrintTo(errc code, std::ostream* out) { *out << to_string(code); }
}  // namespace respawn

namespace limits_test {

struct Item {
  std::int32_t value = 0;
};

struct Wide {
  std::array<std::uint64_t, 32> words{};  // 256 bytes in memory
};

struct Record {
  std::string text;
  std::vector<std::uint32_t> numbers;
  std::vector<std::string> list;
  std::vector<Wide> wides;
  std::vector<std::unique_ptr<Item>> owned;
};

// Stand-ins for a system that cannot reserve what a claim asks for: one
// allocator refuses any block above 1 MiB (std::bad_alloc), the other's
// max_size() is 1000 elements (std::length_error from reserve).
template <class T>
struct refusing_allocator {
  using value_type = T;
  refusing_allocator() = default;
  template <class U>
  refusing_allocator(const refusing_allocator<U>&) {}  // NOLINT(google-explicit-constructor): rebinding
  T* allocate(std::size_t n) {
    if (n > (1u << 20) / sizeof(T)) throw std::bad_alloc();
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) { std::allocator<T>().deallocate(p, n); }
  friend bool operator==(const refusing_allocator&, const refusing_allocator&) { return true; }
};

template <class T>
struct small_allocator : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = small_allocator<U>;
  };
  small_allocator() = default;
  template <class U>
  small_allocator(const small_allocator<U>&) {}  // NOLINT(google-explicit-constructor): rebinding
  std::size_t max_size() const { return 1000; }
};

struct Capped {
  std::vector<std::unique_ptr<Item>, refusing_allocator<std::unique_ptr<Item>>> refused;
  std::vector<Item, small_allocator<Item>> small;
};

// 64 KiB in memory, nothing in the payload: the scratch space is not written.
struct Heavy {
  std::array<char, 64 * 1024> scratch{};
  friend bool operator<(const Heavy&, const Heavy&) { return false; }  // all equivalent in a multiset
};

struct Heaps {
  std::list<Heavy> list;
  std::forward_list<Heavy> forward;
  std::deque<Heavy> deque;
  std::multiset<Heavy> set;
  std::multimap<int, Heavy> map;
  std::vector<Heavy> vector;
};

// Recursion by value: each level is 16 bytes of payload (an empty label and a
// one-element kids vector), so a million levels fit in 16 MB.
struct Tree {
  std::string label;
  std::vector<Tree> kids;
};

}  // namespace limits_test

namespace lt = limits_test;

template <>
struct respawn::policy<lt::Item> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&lt::Item::value, "value"));
};
template <>
struct respawn::policy<lt::Wide> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&lt::Wide::words, "words"));
};
template <>
struct respawn::policy<lt::Record> {
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&lt::Record::text, "text"), respawn::serialize(&lt::Record::numbers, "numbers"),
      respawn::serialize(&lt::Record::list, "list"), respawn::serialize(&lt::Record::wides, "wides"),
      respawn::serialize(&lt::Record::owned, "owned"));
};
template <>
struct respawn::policy<lt::Capped> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&lt::Capped::refused, "refused"),
                                                 respawn::serialize(&lt::Capped::small, "small"));
};
template <>
struct respawn::policy<lt::Heavy> {
  static constexpr auto fields = respawn::fields(respawn::exclude(&lt::Heavy::scratch, "scratch"));
};
template <>
struct respawn::policy<lt::Heaps> {
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&lt::Heaps::list, "list"), respawn::serialize(&lt::Heaps::forward, "forward"),
      respawn::serialize(&lt::Heaps::deque, "deque"), respawn::serialize(&lt::Heaps::set, "set"),
      respawn::serialize(&lt::Heaps::map, "map"), respawn::serialize(&lt::Heaps::vector, "vector"));
};
template <>
struct respawn::policy<lt::Tree> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&lt::Tree::label, "label"),
                                                 respawn::serialize(&lt::Tree::kids, "kids"));
};

namespace {

namespace format = respawn::format;
using respawn::errc;

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

// ---- Building containers with the format's own functions.

// A payload primitive, native-endian.
std::string u32(std::uint32_t value) {
  std::string bytes(4, '\0');
  std::memcpy(bytes.data(), &value, 4);
  return bytes;
}

std::string u64(std::uint64_t value) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

// Collects what a byte_sink is given.
class string_sink final : public respawn::detail::byte_sink {
 public:
  string_sink() { set_buffer(buffer_, buffer_ + sizeof buffer_); }
  std::string bytes() const { return written_ + std::string(buffer_begin(), buffered()); }

 private:
  void flush_buffer() override {
    written_.append(buffer_begin(), buffered());
    set_buffer(buffer_, buffer_ + sizeof buffer_);
  }
  char buffer_[64];
  std::string written_;
};

// A size or object reference as the archive writes it: with the byte
// stream's own variable-length encoding where it has one, else 8 bytes.
template <class Sink = string_sink>
std::string size_bytes(std::uint64_t value) {
  if constexpr (requires(Sink & sink) { sink.write_varint(value); }) {
    Sink sink;
    sink.write_varint(value);
    return sink.bytes();
  } else {
    return u64(value);
  }
}

std::string header_bytes(const respawn::detail::snapshot_schema& schema) {
  return format::encode_header({static_cast<std::uint32_t>(boost::archive::BOOST_ARCHIVE_VERSION()), schema});
}

template <class T>
std::string header_of() {
  return header_bytes(respawn::detail::schema_of<T>());
}

struct frame {
  format::frame_kind kind = format::frame_kind::stored;
  std::uint32_t raw_size = 0;  // as declared in the frame header
  std::string stored;
  std::string raw;  // what the content hash covers
};

frame stored_frame(std::string raw) {
  frame result{format::frame_kind::stored, static_cast<std::uint32_t>(raw.size()), raw, raw};
  return result;
}

std::string frame_record(const frame& f, std::uint64_t index) {
  std::string record(format::frame_header_bytes, '\0');
  format::encode_frame_header({f.kind, f.raw_size, static_cast<std::uint32_t>(f.stored.size())},
                              record.data());
  record += f.stored;
  record += std::string(format::frame_hash_bytes, '\0');
  format::put_u64(record.data() + record.size() - format::frame_hash_bytes,
                  format::frame_hash(record.data(), record.size() - format::frame_hash_bytes, index));
  return record;
}

// Header, frames and a trailer that agrees with them: every hash valid.
std::string container(const std::string& header, const std::vector<frame>& frames) {
  std::string bytes = header;
  format::content_hasher content;
  std::uint64_t raw_total = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    bytes += frame_record(frames[i], i);
    content.update(frames[i].raw.data(), frames[i].raw.size());
    raw_total += frames[i].raw_size;
  }
  const auto trailer = format::encode_trailer({raw_total, frames.size(), content.digest()});
  bytes.append(trailer.data(), trailer.size());
  return bytes;
}

// The payload cut into stored frames of `frame_size` bytes.
template <class T>
std::string stored_container(const std::string& payload, std::size_t frame_size = 1 * MiB) {
  std::vector<frame> frames;
  for (std::size_t at = 0; at < payload.size(); at += frame_size)
    frames.push_back(stored_frame(payload.substr(at, frame_size)));
  return container(header_of<T>(), frames);
}

// One zstd frame of `size` zero bytes, compressed as it streams (the zeros are
// never all in memory), with its content size recorded.
std::string compress_zeros(std::uint64_t size, bool record_size) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, record_size ? 1 : 0);
  if (record_size) ZSTD_CCtx_setPledgedSrcSize(context.get(), size);
  const std::string zeros(1 * MiB, '\0');
  std::string out;
  std::string buffer(ZSTD_CStreamOutSize(), '\0');
  for (std::uint64_t done = 0;;) {
    const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), size - done));
    done += chunk;
    const ZSTD_EndDirective mode = done == size ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer in{zeros.data(), chunk, 0};
    for (;;) {
      ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
      const std::size_t left = ZSTD_compressStream2(context.get(), &output, &in, mode);
      EXPECT_FALSE(ZSTD_isError(left)) << ZSTD_getErrorName(left);
      out.append(buffer.data(), output.pos);
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
    }
    if (mode == ZSTD_e_end) return out;
  }
}

// The same, kept for the next test that asks for it (a gigabyte takes a moment).
const std::string& zstd_zeros(std::uint64_t size, bool record_size = true) {
  static std::map<std::pair<std::uint64_t, bool>, std::string> made;
  auto [position, inserted] = made.try_emplace({size, record_size});
  if (inserted) position->second = compress_zeros(size, record_size);
  return position->second;
}

// Rewrites the Frame_Content_Size field of a zstd frame (RFC 8878, 3.1.1.1)
// whose field is 4 bytes long.
void set_zstd_content_size(std::string& zstd_frame, std::uint32_t size) {
  const auto descriptor = static_cast<unsigned char>(zstd_frame.at(4));
  ASSERT_EQ(descriptor >> 6, 2) << "expected a 4-byte Frame_Content_Size field";
  const bool single_segment = (descriptor & 0x20) != 0;
  const std::size_t dictionary_id_bytes[] = {0, 1, 2, 4};
  const std::size_t at = 5 + (single_segment ? 0 : 1) + dictionary_id_bytes[descriptor & 3];
  format::put_u32(zstd_frame.data() + at, size);
}

// ---- Memory and loading.

// A field of /proc/self/status, in KiB.
std::uint64_t status_kib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1));
  }
  ADD_FAILURE() << "no " << key << " in /proc/self/status";
  return 0;
}

// Runs `action` and returns by how much the peak resident set grew above the
// resident set before it, in bytes (writing 5 to clear_refs resets the peak).
std::uint64_t peak_growth(const std::function<void()>& action) {
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const std::uint64_t before = status_kib("VmRSS");
  action();
  const std::uint64_t peak = status_kib("VmHWM");
  return peak > before ? (peak - before) * KiB : 0;
}

constexpr std::uint64_t allowed_growth = 8 * MiB;

#if defined(__SANITIZE_ADDRESS__)  // GCC
constexpr bool under_address_sanitizer = true;
#elif defined(__has_feature)  // Clang
constexpr bool under_address_sanitizer = __has_feature(address_sanitizer);
#else
constexpr bool under_address_sanitizer = false;
#endif

// The resident memory AddressSanitizer itself spends on a heap block of
// `bytes`: one shadow byte for every 8, written when the block is freed. A
// load that reserves address space it never touches pays this under ASan only.
constexpr std::uint64_t sanitizer_shadow_of(std::uint64_t bytes) {
  return under_address_sanitizer ? bytes / 8 : 0;
}

// Loads T from an in-memory file holding `bytes` (and verifies it when
// `also_verify`), expecting `code`, without the peak memory growing by more
// than `allowance` (a few MiB).
// (Messages are cut to 300 characters: a path 4096 levels deep is long.)
template <class T>
void expect_refused(const std::string& bytes, errc code, const respawn::load_options& options = {},
                    bool also_verify = true, bool check_memory = true,
                    std::uint64_t allowance = allowed_growth) {
  const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  ASSERT_NE(fd, -1);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  auto run = [&](const char* what, const std::function<void()>& action) {
    ::lseek(fd, 0, SEEK_SET);
    std::string message = "nothing was thrown";
    std::optional<errc> got;
    const std::uint64_t growth = peak_growth([&] {
      try {
        action();
      } catch (const respawn::error& e) {
        got = e.code();
        message = std::string(e.what()).substr(0, 300);
      }
    });
    EXPECT_EQ(got, code) << what << ": " << message;
    if (check_memory)
      EXPECT_LE(growth, allowance) << what << ": the peak resident set grew by " << growth / KiB
                                   << " KiB before the input was refused (" << message << ")";
  };
  run("load", [&] { respawn::load<T>(fd, options); });
  if (also_verify) run("verify", [&] { respawn::verify(fd, options); });
  ::close(fd);
}

// ---- The inputs are what they claim to be.

TEST(LimitsInputsTest, HandBuiltPayloadsMatchWhatSaveWrites) {
  lt::Record record;
  record.text = "ab";
  record.numbers = {7};
  record.list = {"x"};
  respawn::save_options options;
  options.compression_level = 0;
  const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  respawn::save(record, fd, options);
  ::lseek(fd, 0, SEEK_SET);
  const std::string expected_payload = size_bytes(2) + "ab" + size_bytes(1) + u32(7) + size_bytes(1) +
                                       size_bytes(1) + "x" + size_bytes(0) + size_bytes(0);
  std::string saved(static_cast<std::size_t>(::lseek(fd, 0, SEEK_END)), '\0');
  ASSERT_EQ(::pread(fd, saved.data(), saved.size(), 0), static_cast<ssize_t>(saved.size()));
  ::close(fd);
  EXPECT_EQ(saved, stored_container<lt::Record>(expected_payload));

  lt::Tree tree;
  tree.kids.resize(1);
  tree.kids[0].kids.resize(1);
  const int tree_fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  respawn::save(tree, tree_fd, options);
  std::string tree_saved(static_cast<std::size_t>(::lseek(tree_fd, 0, SEEK_END)), '\0');
  ASSERT_EQ(::pread(tree_fd, tree_saved.data(), tree_saved.size(), 0),
            static_cast<ssize_t>(tree_saved.size()));
  ::close(tree_fd);
  EXPECT_EQ(tree_saved, stored_container<lt::Tree>(size_bytes(0) + size_bytes(1) + size_bytes(0) +
                                                   size_bytes(1) + size_bytes(0) + size_bytes(0)));
}

TEST(LimitsInputsTest, PeakGrowthSeesAnAllocation) {
  std::unique_ptr<char[]> block;
  const std::uint64_t growth = peak_growth([&] {
    block = std::make_unique<char[]>(64 * MiB);
    std::memset(block.get(), 1, 64 * MiB);
  });
  EXPECT_GE(growth, 60 * MiB);
}

// ---- Header and frames.

TEST(LimitsTest, HeaderClaimingGigabytesIsRefused) {
  std::string bytes = header_of<lt::Record>();
  format::put_u32(bytes.data() + 12, 0xffffffffu);
  expect_refused<lt::Record>(bytes, errc::limit_exceeded);
  format::put_u32(bytes.data() + 12, static_cast<std::uint32_t>(16 * MiB + 1));
  expect_refused<lt::Record>(bytes, errc::limit_exceeded);
}

TEST(LimitsTest, SchemaCountClaimingBillionsIsCorrupt) {
  // The type count follows the root type name; docs/format.md checks counts
  // against the bytes left in the header: corrupt, before allocating.
  const auto& schema = respawn::detail::schema_of<lt::Record>();
  std::string bytes = header_of<lt::Record>();
  const std::size_t count_at = 34 + 4 + schema.root_type.size();
  ASSERT_EQ(format::get_u32(bytes.data() + count_at), schema.types.size());
  format::put_u32(bytes.data() + count_at, 0xffffffffu);
  format::put_u64(bytes.data() + bytes.size() - 8, XXH3_64bits(bytes.data(), bytes.size() - 8));
  expect_refused<lt::Record>(bytes, errc::corrupt);
}

TEST(LimitsTest, FrameClaimingGigabytesIsRefused) {
  std::string bytes = header_of<lt::Record>();
  char head[format::frame_header_bytes];
  format::encode_frame_header({format::frame_kind::stored, 0xffffffffu, 0xffffffffu}, head);
  bytes.append(head, sizeof head);
  expect_refused<lt::Record>(bytes, errc::limit_exceeded);
  format::encode_frame_header({format::frame_kind::zstd, 0xffffffffu, 1000}, head);
  bytes.replace(bytes.size() - sizeof head, sizeof head, head, sizeof head);
  expect_refused<lt::Record>(bytes, errc::limit_exceeded);
}

TEST(LimitsTest, PayloadBeyondMaxRawBytesIsRefused) {
  // A 3 MiB string in 64 KiB frames, read with max_raw_bytes = 1 MiB.
  const std::string payload = size_bytes(3 * MiB) + std::string(3 * MiB, 's') + size_bytes(0) +
                              size_bytes(0) + size_bytes(0) + size_bytes(0);
  const std::string bytes = stored_container<lt::Record>(payload, 64 * KiB);
  respawn::load_options options;
  options.max_raw_bytes = 1 * MiB;
  expect_refused<lt::Record>(bytes, errc::limit_exceeded, options);
  // Within the defaults, the same bytes load.
  const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::lseek(fd, 0, SEEK_SET);
  EXPECT_EQ(respawn::load<lt::Record>(fd)->text.size(), 3 * MiB);
  ::close(fd);
}

// ---- Decompression bombs.

TEST(LimitsTest, DecompressionBombDeclaringItsSizeIsRefused) {
  // A gigabyte of zeros in a few tens of KiB, declared honestly: above max_frame_bytes.
  frame bomb{format::frame_kind::zstd, static_cast<std::uint32_t>(1 * GiB), zstd_zeros(1 * GiB), ""};
  EXPECT_LT(bomb.stored.size(), 64 * KiB);
  expect_refused<lt::Record>(container(header_of<lt::Record>(), {bomb}), errc::limit_exceeded);
}

TEST(LimitsTest, DecompressionBombBelowTheFrameLimitIsRefusedByALowerLimit) {
  // 48 MiB: allowed by the default max_frame_bytes (64 MiB), not by 1 MiB.
  frame bomb{format::frame_kind::zstd, static_cast<std::uint32_t>(48 * MiB), zstd_zeros(48 * MiB), ""};
  respawn::load_options options;
  options.max_frame_bytes = 1 * MiB;
  expect_refused<lt::Record>(container(header_of<lt::Record>(), {bomb}), errc::limit_exceeded, options);
  options = {};
  options.max_raw_bytes = 1 * MiB;
  expect_refused<lt::Record>(container(header_of<lt::Record>(), {bomb}), errc::limit_exceeded, options);
}

TEST(LimitsTest, DecompressionBombLyingAboutItsSizeIsCorrupt) {
  // The zstd frame and the frame header both say 1000 bytes; the data expands
  // to a gigabyte. docs/format.md: decoding to other than R bytes is corrupt.
  std::string lying = zstd_zeros(1 * GiB);
  set_zstd_content_size(lying, 1000);
  ASSERT_EQ(ZSTD_getFrameContentSize(lying.data(), lying.size()), 1000u);
  const frame bomb{format::frame_kind::zstd, 1000, lying, std::string(1000, '\0')};
  expect_refused<lt::Record>(container(header_of<lt::Record>(), {bomb}), errc::corrupt);
}

TEST(LimitsTest, DecompressionBombWithoutAContentSizeIsCorrupt) {
  const frame bomb{format::frame_kind::zstd, 1000, zstd_zeros(1 * GiB, false), std::string(1000, '\0')};
  ASSERT_EQ(ZSTD_getFrameContentSize(bomb.stored.data(), bomb.stored.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  expect_refused<lt::Record>(container(header_of<lt::Record>(), {bomb}), errc::corrupt);
}

// ---- Containers and strings. Payload of a Record: text, numbers, list, wides, owned.

TEST(LimitsTest, GiganticStringIsRefused) {
  const std::string payload = size_bytes(std::uint64_t{1} << 33) + std::string(100, 'g');
  expect_refused<lt::Record>(stored_container<lt::Record>(payload), errc::limit_exceeded, {}, false);
  respawn::load_options options;
  options.max_container_elements = 1000;
  const std::string smaller = size_bytes(1001) + std::string(1001, 'g') + size_bytes(0) + size_bytes(0) +
                              size_bytes(0) + size_bytes(0);
  expect_refused<lt::Record>(stored_container<lt::Record>(smaller), errc::limit_exceeded, options, false);
}

TEST(LimitsTest, StringClaimingMoreThanItHoldsGrowsOnlyWithItsBytes) {
  // Within the limits (2 GiB of 4 Gi elements), but the payload ends after 100 bytes.
  const std::string payload = size_bytes(std::uint64_t{1} << 31) + std::string(100, 'g');
  expect_refused<lt::Record>(stored_container<lt::Record>(payload), errc::truncated, {}, false);
}

TEST(LimitsTest, ContainerClaimingBillionsOfElementsIsRefused) {
  const std::string list =
      size_bytes(0) + size_bytes(0) + size_bytes(std::uint64_t{1} << 40) + size_bytes(1) + "x";
  expect_refused<lt::Record>(stored_container<lt::Record>(list), errc::limit_exceeded, {}, false);
  // 2^31 elements of 256 bytes: 512 GiB, above max_raw_bytes (64 GiB).
  const std::string wides = size_bytes(0) + size_bytes(0) + size_bytes(0) +
                            size_bytes(std::uint64_t{1} << 31) + std::string(256, 'w');
  expect_refused<lt::Record>(stored_container<lt::Record>(wides), errc::limit_exceeded, {}, false);
}

TEST(LimitsTest, NumbersClaimingMoreThanTheyHoldGrowOnlyWithTheirBytes) {
  const std::string payload = size_bytes(0) + size_bytes(std::uint64_t{1} << 31) + std::string(400, 'n');
  expect_refused<lt::Record>(stored_container<lt::Record>(payload), errc::truncated, {}, false);
}

// A vector of objects reserves room for the count it claims (so that its
// elements keep their addresses while they load) but builds each element only
// as it is read: the reservation is address space, and the resident memory
// grows with the payload, not with the claim. (It used to be resized to the
// claim first: this input made load allocate and zero 256 MiB before it found
// the payload truncated.)
TEST(LimitsTest, PointersClaimingMoreThanTheyHoldGrowOnlyWithTheirElements) {
  // 2^25 owning pointers (256 MiB of vector) backed by 2 bytes of payload: a
  // null pointer, then the end of the payload.
  const std::uint64_t allowance = allowed_growth + sanitizer_shadow_of(256 * MiB);
  const std::string payload = size_bytes(0) + size_bytes(0) + size_bytes(0) + size_bytes(0) +
                              size_bytes(std::uint64_t{1} << 25) + size_bytes(0);
  expect_refused<lt::Record>(stored_container<lt::Record>(payload), errc::truncated, {}, false, true,
                             allowance);
  // The same for elements held by value: 2^20 Wides (256 MiB) backed by one.
  const std::string wides = size_bytes(0) + size_bytes(0) + size_bytes(0) +
                            size_bytes(std::uint64_t{1} << 20) + std::string(256, 'w');
  expect_refused<lt::Record>(stored_container<lt::Record>(wides), errc::truncated, {}, false, true,
                             allowance);
}

TEST(LimitsTest, AReservationTheSystemRefusesIsALimitWithItsPath) {
  // 2^20 pointers (8 MiB): within the limits, refused by the allocator.
  std::string message;
  auto load_failure = [&](const std::string& payload) -> std::optional<errc> {
    const std::string bytes = stored_container<lt::Capped>(payload);
    const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::lseek(fd, 0, SEEK_SET);
    std::optional<errc> got;
    try {
      (void)respawn::load<lt::Capped>(fd);
      message = "nothing was thrown";
    } catch (const respawn::error& e) {
      got = e.code();
      message = e.what();
    }
    ::close(fd);
    return got;
  };
  EXPECT_EQ(load_failure(size_bytes(std::uint64_t{1} << 20) + size_bytes(0)), errc::limit_exceeded)
      << message;
  EXPECT_NE(message.find("Capped.refused"), std::string::npos) << message;
  // 1001 Items, more than the vector's max_size().
  EXPECT_EQ(load_failure(size_bytes(0) + size_bytes(1001) + std::string(4 * 1001, 'i')), errc::limit_exceeded)
      << message;
  EXPECT_NE(message.find("Capped.small"), std::string::npos) << message;
  // Claims the allocators can serve load.
  EXPECT_EQ(load_failure(size_bytes(1) + size_bytes(0) + size_bytes(1000) + std::string(4 * 1000, 'i')),
            std::nullopt)
      << message;
}

TEST(LimitsTest, ElementsWithoutPayloadAreHeldToMaxRawBytes) {
  // A Heavy takes 64 KiB of memory and no payload, so a claim of 1024 of them
  // is 64 MiB built from a few bytes: above max_raw_bytes (16 MiB here) in
  // every kind of container, refused before the first is built.
  respawn::load_options options;
  options.max_raw_bytes = 16 * MiB;
  const std::string none = size_bytes(0);
  const std::string many = size_bytes(1024);
  for (int which = 0; which < 6; ++which) {
    SCOPED_TRACE("container " + std::to_string(which));
    std::string payload;
    for (int field = 0; field < 6; ++field) payload += field == which ? many : none;
    if (which == 4) payload += std::string(4 * 1024, '\0');  // the multimap's int keys
    expect_refused<lt::Heaps>(stored_container<lt::Heaps>(payload), errc::limit_exceeded, options, false);
  }
  // Within the limit, they load.
  std::string fits = size_bytes(2);
  for (int field = 1; field < 6; ++field) fits += none;
  const std::string bytes = stored_container<lt::Heaps>(fits);
  const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::lseek(fd, 0, SEEK_SET);
  EXPECT_EQ(respawn::load<lt::Heaps>(fd, options)->list.size(), 2u);
  ::close(fd);
}

// ---- Nesting.

std::string nested_tree_payload(std::size_t depth) {
  const std::string level = size_bytes(0) + size_bytes(1);  // an empty label, one kid
  std::string payload;
  payload.reserve(depth * level.size() + 16);
  for (std::size_t i = 0; i < depth; ++i) payload += level;
  return payload + size_bytes(0) + size_bytes(0);
}

TEST(LimitsTest, AbsurdNestingIsRefused) {
  // A million levels: the default max_depth (4096) stops it long before the
  // stack ends. (4096 levels of recursion take a few MiB of stack under
  // AddressSanitizer, so memory is checked with a lower limit.)
  const std::string bytes = stored_container<lt::Tree>(nested_tree_payload(1000000));
  expect_refused<lt::Tree>(bytes, errc::limit_exceeded, {}, false, false);
  respawn::load_options options;
  options.max_depth = 512;
  expect_refused<lt::Tree>(bytes, errc::limit_exceeded, options, false);
  options.max_depth = 64;
  expect_refused<lt::Tree>(stored_container<lt::Tree>(nested_tree_payload(100)), errc::limit_exceeded,
                           options, false);
  // ... and within the limit it loads.
  const std::string fine = stored_container<lt::Tree>(nested_tree_payload(60));
  const int fd = ::memfd_create("respawn-limits", MFD_CLOEXEC);
  ASSERT_EQ(::write(fd, fine.data(), fine.size()), static_cast<ssize_t>(fine.size()));
  ::lseek(fd, 0, SEEK_SET);
  std::unique_ptr<lt::Tree> tree = respawn::load<lt::Tree>(fd, options);
  ::close(fd);
  std::size_t depth = 0;
  for (const lt::Tree* level = tree.get(); !level->kids.empty(); level = &level->kids.front()) ++depth;
  EXPECT_EQ(depth, 60u);
}

}  // namespace
