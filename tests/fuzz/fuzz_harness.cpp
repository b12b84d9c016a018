#include "fuzz/fuzz_harness.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <boost/archive/basic_archive.hpp>
#include <cerrno>
#include <concepts>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include "format/container.hpp"
#include "fuzz/fuzz_types.hpp"
#include "respawn/respawn.hpp"
#include "snapshot/frame_writer.hpp"

namespace respawn_fuzz {

namespace {

// A descriptor closed on destruction.
class descriptor {
 public:
  explicit descriptor(int fd) : fd_(fd) {
    if (fd_ == -1)
      throw std::runtime_error(std::string("fuzz harness: cannot open a descriptor: ") + strerror(errno));
  }
  ~descriptor() { close(); }
  descriptor(descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  int get() const { return fd_; }
  void close() {
    if (fd_ != -1) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

void write_whole(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw std::runtime_error(std::string("fuzz harness: write failed: ") + strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

descriptor memfd_holding(std::string_view bytes) {
  descriptor fd(::memfd_create("respawn-fuzz", MFD_CLOEXEC));
  write_whole(fd.get(), bytes);
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

std::string contents_of(int fd) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (::pread(fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    throw std::runtime_error("fuzz harness: cannot read back a memfd");
  }
  return bytes;
}

std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Calls f.template operator()<T>(index) for each root type T.
template <class F>
void for_each_root(F&& f) {
  f.template operator()<Graph>(0);
  f.template operator()<Bag>(1);
  f.template operator()<Tree>(2);
  f.template operator()<sample::Plan>(3);
}

template <class F>
void with_root(std::size_t index, F&& f) {
  for_each_root([&]<class T>(std::size_t i) {
    if (i == index) f.template operator()<T>();
  });
}

template <class T>
std::string save_bytes(const T& root) {
  descriptor fd(::memfd_create("respawn-fuzz-save", MFD_CLOEXEC));
  respawn::save_options options;
  options.compression_level = 0;
  options.threads = 0;
  respawn::save(root, fd.get(), options);
  return contents_of(fd.get());
}

template <class T>
std::unique_ptr<T> load_bytes(std::string_view bytes, const respawn::load_options& options) {
  descriptor fd = memfd_holding(bytes);
  return respawn::load<T>(fd.get(), options);
}

// A state the library accepted must save, and load back to an equal state:
// compared with == where the type has it, else by the payload it saves to
// (these types save deterministically: no unordered containers).
template <class T>
void check_round_trip(const T& first) {
  const std::string type = respawn::detail::schema_of<T>().root_type;
  std::string saved;
  try {
    saved = save_bytes(first);
  } catch (const respawn::error& e) {
    throw harness_failure("a " + type + " that load accepted does not save: " + e.what());
  }
  respawn::load_options options;
  options.threads = 0;
  std::unique_ptr<T> second;
  try {
    second = load_bytes<T>(saved, options);
  } catch (const respawn::error& e) {
    throw harness_failure("a " + type + " that load accepted does not load back after a save: " + e.what());
  }
  if constexpr (std::equality_comparable<T>) {
    if (!(first == *second)) throw harness_failure("a " + type + " that load accepted loads back different");
  } else {
    if (payload_of(saved) != payload_of(save_bytes(*second))) {
      throw harness_failure("a " + type + " that load accepted loads back different");
    }
  }
}

// Root types that a snapshot's header does not name fail with type_mismatch
// right after the header; at most one type gets further, and when the header
// itself is bad every type fails alike. So the entries below stop at the first
// type whose load ends otherwise. Returns whether the load of T did.
bool got_past_the_root_type(const std::optional<respawn::errc>& code) {
  return code != respawn::errc::type_mismatch;
}

// load<T> from the descriptor; on success, the reader must stand right after
// the snapshot (verify() of the same bytes says where it ends), and the state
// must round-trip. Returns the load's error code, nullopt on success.
template <class T>
std::optional<respawn::errc> load_and_check(int fd, std::string_view bytes, unsigned threads) {
  std::unique_ptr<T> loaded;
  try {
    loaded = respawn::load<T>(fd, fuzz_limits(threads));
  } catch (const respawn::error& e) {
    return e.code();
  }
  const off_t position = ::lseek(fd, 0, SEEK_CUR);
  if (position >= 0) {
    descriptor again = memfd_holding(bytes);
    respawn::snapshot_info info;
    try {
      info = respawn::verify(again.get(), fuzz_limits(0));
    } catch (const respawn::error& e) {
      throw harness_failure(std::string("load accepted a snapshot that verify refuses: ") + e.what());
    }
    if (info.stored_bytes != static_cast<std::uint64_t>(position)) {
      throw harness_failure("load stopped at byte " + std::to_string(position) + " of a snapshot of " +
                            std::to_string(info.stored_bytes) + " bytes");
    }
  }
  check_round_trip(*loaded);
  return std::nullopt;
}

// Loads `bytes` from a memfd as each root type in turn, up to the first that
// gets past the root type check; returns that type's index.
std::size_t load_roots_from_memfd(std::string_view bytes, unsigned threads) {
  descriptor fd = memfd_holding(bytes);
  std::size_t reached = root_type_count;
  for_each_root([&]<class T>(std::size_t index) {
    if (reached != root_type_count) return;
    ::lseek(fd.get(), 0, SEEK_SET);
    if (got_past_the_root_type(load_and_check<T>(fd.get(), bytes, threads))) reached = index;
  });
  return reached;
}

void verify_memfd(std::string_view bytes) {
  descriptor fd = memfd_holding(bytes);
  respawn::snapshot_info info;
  try {
    info = respawn::verify(fd.get(), fuzz_limits(0));
  } catch (const respawn::error&) {
    return;
  }
  const off_t position = ::lseek(fd.get(), 0, SEEK_CUR);
  if (info.stored_bytes != static_cast<std::uint64_t>(position) || info.stored_bytes > bytes.size()) {
    throw harness_failure("verify stopped at byte " + std::to_string(position) + " but reports " +
                          std::to_string(info.stored_bytes) + " stored bytes");
  }
}

std::filesystem::path scratch_file() {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("respawn-fuzz-" + std::to_string(::getpid()) + ".snap");
  return file;
}

std::uint64_t header_length(std::string_view container) {
  return container.size() >= 16 ? respawn::format::get_u32(container.data() + 12) : 0;
}

}  // namespace

respawn::load_options fuzz_limits(unsigned threads) {
  respawn::load_options options;
  options.threads = threads;
  options.max_raw_bytes = std::uint64_t{1} << 20;
  options.max_frame_bytes = std::uint64_t{256} << 10;
  options.max_header_bytes = std::uint64_t{64} << 10;
  options.max_container_elements = 4096;
  options.max_depth = 64;
  return options;
}

void load_from_path(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = as_view(data, size);
  {
    descriptor fd(::open(scratch_file().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    write_whole(fd.get(), bytes);
  }
  const unsigned threads = size % 2;
  bool reached = false;
  for_each_root([&]<class T>(std::size_t) {
    if (reached) return;
    std::unique_ptr<T> loaded;
    try {
      loaded = respawn::load<T>(scratch_file(), fuzz_limits(threads));
    } catch (const respawn::error& e) {
      reached = got_past_the_root_type(e.code());
      return;
    }
    reached = true;
    check_round_trip(*loaded);
  });
}

void load_from_fd(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = as_view(data, size);
  const std::size_t reached = load_roots_from_memfd(bytes, 0);
  // The type that got furthest again, through a pipe and with read-ahead: the
  // whole input fits in the pipe, so it is written and the write end closed
  // before the load starts.
  with_root(reached == root_type_count ? 0 : reached, [&]<class T>() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) == -1) throw std::runtime_error("fuzz harness: pipe2 failed");
    descriptor read_end(ends[0]);
    descriptor write_end(ends[1]);
    if (::fcntl(write_end.get(), F_SETPIPE_SZ, 1 << 20) < static_cast<int>(size)) return;
    write_whole(write_end.get(), bytes);
    write_end.close();
    std::unique_ptr<T> loaded;
    try {
      loaded = respawn::load<T>(read_end.get(), fuzz_limits(1));
    } catch (const respawn::error&) {
      return;
    }
    check_round_trip(*loaded);
  });
}

void verify_input(const std::uint8_t* data, std::size_t size) { verify_memfd(as_view(data, size)); }

void load_payload(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string container = wrap_payload(data[0], as_view(data + 1, size - 1));
  const unsigned threads = (data[0] >> 5) & 1;
  with_root(data[0] % root_type_count, [&]<class T>() {
    descriptor fd = memfd_holding(container);
    load_and_check<T>(fd.get(), container, threads);
  });
}

void load_resealed(const std::uint8_t* data, std::size_t size) {
  const std::string container = reseal(std::string(as_view(data, size)));
  load_roots_from_memfd(container, size % 2);
  verify_memfd(container);
}

int loaded_root(std::string_view container) {
  int loaded = -1;
  descriptor fd = memfd_holding(container);
  for_each_root([&]<class T>(std::size_t index) {
    ::lseek(fd.get(), 0, SEEK_SET);
    std::unique_ptr<T> root;
    try {
      root = respawn::load<T>(fd.get(), fuzz_limits(0));
    } catch (const respawn::error&) {
      return;
    }
    check_round_trip(*root);
    loaded = static_cast<int>(index);
  });
  return loaded;
}

const std::vector<entry>& entries() {
  static const std::vector<entry> all = {{"load_path", &load_from_path},
                                         {"load_fd", &load_from_fd},
                                         {"verify", &verify_input},
                                         {"payload", &load_payload},
                                         {"resealed", &load_resealed}};
  return all;
}

const char* root_type_name(std::size_t index) {
  static const char* const names[] = {"graph", "bag", "tree", "plan"};
  return names[index % root_type_count];
}

std::string wrap_payload(std::uint8_t selector, std::string_view payload) {
  static constexpr std::size_t frame_sizes[] = {4096, 1, 7, 64};
  respawn::save_options options;
  options.frame_bytes = frame_sizes[(selector >> 2) % 4];
  options.compression_level = (selector >> 4) & 1;
  options.threads = 0;
  descriptor fd(::memfd_create("respawn-fuzz-wrap", MFD_CLOEXEC));
  with_root(selector % root_type_count, [&]<class T>() {
    const respawn::format::header header{static_cast<std::uint32_t>(boost::archive::BOOST_ARCHIVE_VERSION()),
                                         respawn::detail::schema_of<T>()};
    respawn::format::frame_writer writer(fd.get(), "fuzz payload", header, options);
    writer.write(payload.data(), payload.size());
    writer.finish();
  });
  return contents_of(fd.get());
}

std::string reseal(std::string container) {
  namespace format = respawn::format;
  const std::uint64_t length = header_length(container);
  if (length < 16 || length > container.size()) return container;
  format::put_u64(container.data() + length - 8, XXH3_64bits(container.data(), length - 8));
  format::content_hasher content;
  std::uint64_t raw_total = 0;
  std::uint64_t frames = 0;
  std::string raw;
  for (std::size_t at = length; at + format::frame_header_bytes <= container.size();) {
    const format::frame_header frame = format::decode_frame_header(container.data() + at);
    if (frame.kind == format::frame_kind::end) {
      if (at + format::trailer_bytes > container.size()) break;
      const auto trailer = format::encode_trailer({raw_total, frames, content.digest()});
      std::copy(trailer.begin(), trailer.end(), container.begin() + static_cast<std::ptrdiff_t>(at));
      break;
    }
    const std::size_t hashed = format::frame_header_bytes + frame.stored_size;
    if (frame.kind > format::frame_kind::zstd || at + hashed + format::frame_hash_bytes > container.size())
      break;
    const char* stored = container.data() + at + format::frame_header_bytes;
    if (frame.kind == format::frame_kind::stored) {
      content.update(stored, std::min(frame.raw_size, frame.stored_size));
    } else if (frame.raw_size <= (std::uint32_t{1} << 20)) {
      raw.resize(frame.raw_size);
      const std::size_t size = ZSTD_decompress(raw.data(), raw.size(), stored, frame.stored_size);
      if (!ZSTD_isError(size)) content.update(raw.data(), size);
    }
    raw_total += frame.raw_size;
    format::put_u64(container.data() + at + hashed,
                    format::frame_hash(container.data() + at, hashed, frames));
    ++frames;
    at += hashed + format::frame_hash_bytes;
  }
  return container;
}

std::string payload_of(std::string_view container) {
  namespace format = respawn::format;
  std::string payload;
  for (std::size_t at = header_length(container); at + format::frame_header_bytes <= container.size();) {
    const format::frame_header frame = format::decode_frame_header(container.data() + at);
    if (frame.kind != format::frame_kind::stored) break;
    payload.append(container.substr(at + format::frame_header_bytes, frame.stored_size));
    at += format::frame_header_bytes + frame.stored_size + format::frame_hash_bytes;
  }
  return payload;
}

namespace {

template <class T>
void add_seeds(std::vector<seed>& seeds, const std::string& name, const T& root) {
  for (const int level : {0, 1}) {
    respawn::save_options options;
    options.compression_level = level;
    options.threads = 0;
    options.frame_bytes = 512;
    descriptor fd(::memfd_create("respawn-fuzz-seed", MFD_CLOEXEC));
    respawn::save(root, fd.get(), options);
    seeds.push_back({name + (level == 0 ? "-stored" : "-zstd"), contents_of(fd.get())});
  }
}

}  // namespace

std::vector<seed> container_seeds() {
  std::vector<seed> seeds;
  add_seeds(seeds, "graph-small", *make_graph(2, 0));
  add_seeds(seeds, "graph-large", *make_graph(30, 1));
  add_seeds(seeds, "bag-empty", Bag{});
  add_seeds(seeds, "bag-small", *make_bag(5, 2));
  add_seeds(seeds, "tree-deep", *make_tree(40, 2));
  add_seeds(seeds, "tree-wide", *make_tree(3, 20));
  add_seeds(seeds, "plan-small", *sample::make_plan(3));
  add_seeds(seeds, "plan-large", *sample::make_plan(40));
  return seeds;
}

std::vector<seed> payload_seeds() {
  std::vector<seed> seeds;
  for (const seed& container : container_seeds()) {
    if (container.name.ends_with("-zstd")) continue;
    const std::string name = container.name.substr(0, container.name.find('-'));
    std::size_t type = 0;
    while (type < root_type_count && name != root_type_name(type)) ++type;
    const std::string payload = payload_of(container.bytes);
    // Two framings per payload: one frame, and 7-byte frames compressed with read-ahead.
    seeds.push_back({"payload-" + container.name, static_cast<char>(type) + payload});
    seeds.push_back(
        {"payload-" + container.name + "-framed", static_cast<char>(type | 0x08 | 0x10 | 0x20) + payload});
  }
  return seeds;
}

}  // namespace respawn_fuzz
