// Helpers for the container tests: in-memory files, payloads, and a reading of
// the container written from docs/format.md alone (not from format/), so the
// tests check the code against the specification.
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "format/container.hpp"
#include "respawn/error.hpp"
#include "respawn/options.hpp"
#include "restore/frame_reader.hpp"
#include "snapshot/frame_writer.hpp"

namespace respawn {
// Failure messages name error codes instead of printing numbers.
inline void PrintTo(errc code, std::ostream* out) { *out << to_string(code); }
}  // namespace respawn

namespace respawn::format::testing {

// An anonymous in-memory file, closed on destruction.
class memfile {
 public:
  explicit memfile(const std::string& bytes = {}) : fd_(memfd_create("respawn-test", MFD_CLOEXEC)) {
    if (fd_ == -1) throw std::runtime_error("memfd_create failed");
    if (!bytes.empty() && ::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("memfd write failed");
    }
    rewind();
  }
  ~memfile() { ::close(fd_); }
  memfile(const memfile&) = delete;
  memfile& operator=(const memfile&) = delete;

  int fd() const { return fd_; }
  void rewind() const { ::lseek(fd_, 0, SEEK_SET); }
  off_t position() const { return ::lseek(fd_, 0, SEEK_CUR); }
  std::string contents() const {
    std::string bytes(static_cast<std::size_t>(::lseek(fd_, 0, SEEK_END)), '\0');
    if (::pread(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("memfd read failed");
    }
    return bytes;
  }

 private:
  int fd_;
};

// Text-like runs (zstd compresses them) mixed with random runs (it cannot).
inline std::string make_payload(std::size_t size, std::uint32_t seed = 1) {
  std::mt19937 random(seed);
  std::string payload;
  payload.reserve(size);
  while (payload.size() < size) {
    if (random() % 2 == 0) {
      payload += "components/lib-" + std::to_string(random() % 100000) + ".bst;";
    } else {
      for (int i = 0; i < 40; ++i) payload.push_back(static_cast<char>(random()));
    }
  }
  payload.resize(size);
  return payload;
}

inline std::string random_bytes(std::size_t size, std::uint32_t seed = 2) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

inline header sample_header() {
  header h;
  h.boost_archive_version = 19;
  h.schema.root_type = "Scheduler";
  h.schema.types = {
      {"Element",
       2,
       {{"id", detail::field_policy::serialize, 0},
        {"name", detail::field_policy::serialize, 0},
        {"tags", detail::field_policy::serialize, 2},
        {"cache_key", detail::field_policy::recompute, 0},
        {"lock", detail::field_policy::exclude, 0}}},
      {"Scheduler", 0, {{"Base", detail::field_policy::base, 0}}, false},  // not referenceable
      {"Empty", 7, {}},
  };
  return h;
}

// Writes `payload` through a frame_writer, in chunks of cycling sizes (one of
// them larger than any frame the tests use).
inline snapshot_info write_payload(int fd, const std::string& payload, const save_options& options,
                                   const header& file_header = sample_header(),
                                   const std::string& name = "test") {
  static constexpr std::size_t chunks[] = {1, 3, 100, 70000, 17, 4096, 5000};
  frame_writer writer(fd, name, file_header, options);
  std::size_t done = 0;
  for (std::size_t i = 0; done < payload.size(); ++i) {
    const std::size_t size = std::min(chunks[i % std::size(chunks)], payload.size() - done);
    writer.write(payload.data() + done, size);
    done += size;
  }
  EXPECT_EQ(writer.bytes_written(), payload.size());
  return writer.finish();
}

// The container bytes of `payload`.
inline std::string snapshot_bytes(const std::string& payload, const save_options& options = {},
                                  const header& file_header = sample_header()) {
  memfile file;
  write_payload(file.fd(), payload, options, file_header);
  return file.contents();
}

// Reads `size` payload bytes in cycling chunk sizes, then finish().
inline snapshot_info read_payload(int fd, std::size_t size, std::string* payload,
                                  const load_options& options = {}, const std::string& name = "test") {
  static constexpr std::size_t chunks[] = {7, 1, 9000, 2, 65536, 300};
  frame_reader reader(fd, name, options);
  payload->assign(size, '\0');
  std::size_t done = 0;
  for (std::size_t i = 0; done < size; ++i) {
    const std::size_t chunk = std::min(chunks[i % std::size(chunks)], size - done);
    reader.read(payload->data() + done, chunk);
    done += chunk;
  }
  EXPECT_EQ(reader.bytes_read(), size);
  return reader.finish();
}

// --- The layout, read from docs/format.md ---------------------------------

inline std::uint32_t le32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value |= std::uint32_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return value;
}

inline std::uint64_t le64(const std::string& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return value;
}

inline void set_le32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

inline void set_le64(std::string& bytes, std::size_t at, std::uint64_t value) {
  for (std::size_t i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

struct frame_record {
  std::size_t offset;  // of the kind byte
  std::uint8_t kind;
  std::uint32_t raw_size;
  std::uint32_t stored_size;
};

struct layout {
  std::size_t header_length;
  std::vector<frame_record> frames;
  std::size_t trailer_offset;
};

// Walks the file as the specification describes it.
inline layout walk(const std::string& file) {
  layout result{le32(file, 12), {}, 0};
  std::size_t at = result.header_length;
  while (static_cast<unsigned char>(file.at(at)) != 0xff) {
    frame_record frame{at, static_cast<std::uint8_t>(file[at]), le32(file, at + 1), le32(file, at + 5)};
    result.frames.push_back(frame);
    at += 9 + frame.stored_size + 8;
  }
  result.trailer_offset = at;
  return result;
}

// Recomputes the header checksum after a test changed header bytes.
inline void reseal_header(std::string& file) {
  const std::size_t length = le32(file, 12);
  set_le64(file, length - 8, XXH3_64bits(file.data(), length - 8));
}

// Recomputes a frame's hash (seeded with its index) after a test changed it.
inline void reseal_frame(std::string& file, const frame_record& frame, std::uint64_t index) {
  const std::size_t stored = le32(file, frame.offset + 5);
  set_le64(file, frame.offset + 9 + stored,
           XXH3_64bits_withSeed(file.data() + frame.offset, 9 + stored, index));
}

// Recomputes the trailer checksum after a test changed the trailer.
inline void reseal_trailer(std::string& file, std::size_t trailer_offset) {
  set_le64(file, trailer_offset + 33, XXH3_64bits(file.data() + trailer_offset, 33));
}

// Two lowercase hex digits per byte.
inline std::string hex_of(const unsigned char* bytes, std::size_t size) {
  std::string hex;
  for (std::size_t i = 0; i < size; ++i) {
    char digits[3];
    std::snprintf(digits, sizeof digits, "%02x", bytes[i]);
    hex += digits;
  }
  return hex;
}

inline std::string hex_of(const std::string& bytes) {
  return hex_of(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The content hash as snapshot_info spells it, computed independently.
inline std::string xxh128_hex(const std::string& payload) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(payload.data(), payload.size()));
  return hex_of(canonical.digest, sizeof canonical.digest);
}

// The code of the respawn::error `run` throws, nullopt if it throws none;
// other exceptions pass through (and fail the test). `message` gets what().
template <class F>
std::optional<errc> error_code_of(F&& run, std::string* message = nullptr) {
  try {
    run();
  } catch (const error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return std::nullopt;
}

// verify() over bytes held in memory.
inline snapshot_info verify_bytes(const std::string& bytes, const load_options& options = {}) {
  memfile file(bytes);
  return verify(file.fd(), "mem", options);
}

}  // namespace respawn::format::testing
