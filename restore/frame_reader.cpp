#include "restore/frame_reader.hpp"

#include <zstd.h>

#include <array>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "format/fd_io.hpp"
#include "respawn/error.hpp"

namespace respawn::format {

// The raw bytes of one frame, ready for the archive.
struct frame_bytes {
  const char* begin;
  const char* end;
  std::size_t size() const { return static_cast<std::size_t>(end - begin); }
};

namespace {

struct dctx_deleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// The buffer before the first frame: empty, but not null (memcpy's arguments
// must be valid pointers even for a zero-byte read).
constexpr char no_bytes[1] = {};

// Where one frame is read and decompressed; the read-ahead keeps a few.
struct frame_buffers {
  std::vector<char> record;  // the frame record as stored
  std::vector<char> raw;     // the zstd frame, decompressed
};

}  // namespace

struct frame_reader::impl {
  impl(int fd_in, std::string name_in, const load_options& options_in)
      : fd(fd_in), name(std::move(name_in)), options(options_in) {
    std::uint32_t header_length = 0;
    file_header = read_header(fd, name, options, &header_length);
    stored_bytes = header_length;
    if (!decompressor) throw std::bad_alloc();
  }

  [[noreturn]] void fail(errc code, const std::string& what) const { throw error(code, name + ": " + what); }

  // "frame 3 (byte offset 1234)": where the next frame record starts.
  std::string where() const {
    return "frame " + std::to_string(frames) + " (byte offset " + std::to_string(stored_bytes) + ")";
  }

  // Reads, checks and decodes the next frame; nullopt at the end of the frames.
  std::optional<frame_bytes> next_frame(frame_buffers& buffers) {
    if (ended) return std::nullopt;
    char head[frame_header_bytes];
    read_exact(fd, head, sizeof head, name, "the header of " + where());
    const frame_header frame = decode_frame_header(head);
    if (frame.kind == frame_kind::end) {
      ended = true;
      std::memcpy(trailer_record.data(), head, sizeof head);
      return std::nullopt;
    }
    check_kind(frame);
    check_limits(frame);

    // Header, stored bytes and hash in one buffer: the hash covers them all.
    const std::size_t hashed = frame_header_bytes + frame.stored_size;
    std::vector<char>& record = buffers.record;
    if (record.size() < hashed + frame_hash_bytes) record.resize(hashed + frame_hash_bytes);
    std::memcpy(record.data(), head, sizeof head);
    read_exact(fd, record.data() + sizeof head, frame.stored_size + frame_hash_bytes, name, where());
    check_hash(record, hashed);
    const frame_bytes bytes = decode(buffers, frame);

    content.update(bytes.begin, bytes.size());
    raw_bytes += frame.raw_size;
    stored_bytes += hashed + frame_hash_bytes;
    ++frames;
    return bytes;
  }

  void check_kind(const frame_header& frame) const {
    if (frame.kind != frame_kind::stored && frame.kind != frame_kind::zstd) {
      fail(errc::corrupt, where() + " has kind " + std::to_string(static_cast<int>(frame.kind)) +
                              ", none of 0 (stored), 1 (zstd) or 255 (end of frames)");
    }
  }

  // Before anything is allocated or read for the frame.
  void check_limits(const frame_header& frame) const {
    if (frame.raw_size > options.max_frame_bytes || frame.stored_size > options.max_frame_bytes) {
      fail(errc::limit_exceeded, where() + " claims " + std::to_string(frame.raw_size) + " raw and " +
                                     std::to_string(frame.stored_size) +
                                     " stored bytes, above load_options::max_frame_bytes (" +
                                     std::to_string(options.max_frame_bytes) + ")");
    }
    if (frame.raw_size > options.max_raw_bytes - raw_bytes) {
      fail(errc::limit_exceeded,
           where() + " takes the payload to " + std::to_string(raw_bytes + frame.raw_size) +
               " bytes, above load_options::max_raw_bytes (" + std::to_string(options.max_raw_bytes) + ")");
    }
  }

  void check_hash(const std::vector<char>& record, std::size_t hashed) const {
    const std::uint64_t stored = get_u64(record.data() + hashed);
    const std::uint64_t computed = frame_hash(record.data(), hashed, frames);
    if (stored != computed) {
      fail(errc::corrupt, where() + " fails its hash check: the file says " + to_hex(stored) +
                              ", the bytes give " + to_hex(computed));
    }
  }

  frame_bytes decode(frame_buffers& buffers, const frame_header& frame) {
    if (frame.raw_size == 0) fail(errc::corrupt, where() + " declares no raw bytes");
    const char* stored = buffers.record.data() + frame_header_bytes;
    if (frame.kind == frame_kind::stored) {
      if (frame.stored_size != frame.raw_size) {
        fail(errc::corrupt, where() + " is stored uncompressed but declares " +
                                std::to_string(frame.raw_size) + " raw and " +
                                std::to_string(frame.stored_size) + " stored bytes");
      }
      return {stored, stored + frame.raw_size};
    }
    return decompress(buffers.raw, stored, frame);
  }

  // Decompresses exactly one zstd frame whose declared size matches the frame header.
  frame_bytes decompress(std::vector<char>& raw, const char* stored, const frame_header& frame) {
    const std::size_t frame_size = ZSTD_findFrameCompressedSize(stored, frame.stored_size);
    if (ZSTD_isError(frame_size) || frame_size != frame.stored_size) {
      fail(errc::corrupt, where() + ": its " + std::to_string(frame.stored_size) +
                              " stored bytes are not exactly one zstd frame");
    }
    const unsigned long long content_size = ZSTD_getFrameContentSize(stored, frame.stored_size);
    if (content_size != frame.raw_size) {
      const std::string found = content_size == ZSTD_CONTENTSIZE_UNKNOWN ? "no size"
                                : content_size == ZSTD_CONTENTSIZE_ERROR
                                    ? "an invalid header"
                                    : std::to_string(content_size) + " bytes";
      fail(errc::corrupt,
           where() + " declares " + std::to_string(frame.raw_size) + " raw bytes, its zstd frame " + found);
    }
    if (raw.size() < frame.raw_size) raw.resize(frame.raw_size);
    const std::size_t size =
        ZSTD_decompressDCtx(decompressor.get(), raw.data(), frame.raw_size, stored, frame.stored_size);
    if (ZSTD_isError(size)) fail(errc::corrupt, where() + ": zstd: " + ZSTD_getErrorName(size));
    if (size != frame.raw_size) {
      fail(errc::corrupt, where() + " decompresses to " + std::to_string(size) + " bytes, not " +
                              std::to_string(frame.raw_size));
    }
    return {raw.data(), raw.data() + size};
  }

  // Reads the rest of the trailer (its first bytes ended the frames) and
  // checks it against what the frames held.
  snapshot_info read_trailer() {
    const std::string what = "the trailer (byte offset " + std::to_string(stored_bytes) + ")";
    read_exact(fd, trailer_record.data() + frame_header_bytes, trailer_bytes - frame_header_bytes, name,
               what);
    const trailer totals = decode_trailer(trailer_record, name);
    if (totals.raw_bytes != raw_bytes) {
      fail(errc::corrupt, "the trailer says the payload has " + std::to_string(totals.raw_bytes) +
                              " bytes, the frames hold " + std::to_string(raw_bytes));
    }
    if (totals.frame_count != frames) {
      fail(errc::corrupt, "the trailer says " + std::to_string(totals.frame_count) +
                              " frames, the file has " + std::to_string(frames));
    }
    const content_hash computed = content.digest();
    if (totals.hash != computed) {
      fail(errc::corrupt, "content hash mismatch: the trailer says " + to_hex(totals.hash) +
                              ", the payload gives " + to_hex(computed));
    }
    stored_bytes += trailer_bytes;
    return {to_hex(computed), raw_bytes, stored_bytes, file_header.schema.root_type};
  }

  const int fd;
  const std::string name;
  const load_options options;
  header file_header;
  std::unique_ptr<ZSTD_DCtx, dctx_deleter> decompressor{ZSTD_createDCtx()};
  content_hasher content;
  std::uint64_t raw_bytes = 0;     // payload bytes in the frames read so far
  std::uint64_t stored_bytes = 0;  // container bytes read so far
  std::uint64_t frames = 0;
  bool ended = false;  // the end-of-frames record was read
  bool finished = false;
  std::array<char, trailer_bytes> trailer_record{};
  frame_buffers inline_buffers;  // without read-ahead
};

// Reads, checks and decompresses frames on a worker thread, a few frames ahead
// of the archive, so that parsing one frame overlaps decoding the next. The
// worker stops at the end of the frames: the trailer is read by the caller.
class frame_reader::read_ahead {
 public:
  read_ahead(impl& source, std::size_t frames_ahead)
      : source_(source), slots_(frames_ahead + 1), worker_([this] { run(); }) {}

  ~read_ahead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  // The next frame, in order; nullopt at the end; the worker's error, if it failed.
  std::optional<frame_bytes> next() {
    std::unique_lock lock(mutex_);
    slot& current = slots_[handed_out_ % slots_.size()];
    changed_.wait(lock, [&] { return current.ready; });
    current.ready = false;
    ++handed_out_;
    lock.unlock();
    changed_.notify_all();
    if (current.error) std::rethrow_exception(current.error);
    return current.bytes;
  }

 private:
  struct slot {
    frame_buffers buffers;
    std::optional<frame_bytes> bytes;
    std::exception_ptr error;
    bool ready = false;
  };

  void run() {
    for (std::size_t produced = 0;; ++produced) {
      slot* next_slot = nullptr;
      {
        std::unique_lock lock(mutex_);
        // One slot stays with the archive, which still reads the frame it was handed.
        changed_.wait(lock, [&] { return stop_ || produced + 1 < handed_out_ + slots_.size(); });
        if (stop_) return;
        next_slot = &slots_[produced % slots_.size()];
      }
      bool last = false;
      try {
        next_slot->bytes = source_.next_frame(next_slot->buffers);
        last = !next_slot->bytes;
      } catch (...) {
        next_slot->error = std::current_exception();
        last = true;
      }
      {
        std::lock_guard lock(mutex_);
        next_slot->ready = true;
      }
      changed_.notify_all();
      if (last) return;
    }
  }

  impl& source_;
  std::vector<slot> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t handed_out_ = 0;  // frames given to the archive
  bool stop_ = false;
  std::thread worker_;  // last: starts once the rest is ready
};

frame_reader::frame_reader(int fd, std::string name, const load_options& options)
    : impl_(std::make_unique<impl>(fd, std::move(name), options)) {
  set_buffer(no_bytes, no_bytes);
}

frame_reader::~frame_reader() = default;

std::optional<frame_bytes> frame_reader::next_frame() {
  if (impl_->options.threads == 0) return impl_->next_frame(impl_->inline_buffers);
  if (!read_ahead_) read_ahead_ = std::make_unique<read_ahead>(*impl_, 2 * impl_->options.threads);
  return read_ahead_->next();
}

const header& frame_reader::file_header() const { return impl_->file_header; }

const std::string& frame_reader::name() const { return impl_->name; }

bool frame_reader::refill() {
  const std::optional<frame_bytes> frame = next_frame();
  if (!frame) return false;
  set_buffer(frame->begin, frame->end);
  return true;
}

snapshot_info frame_reader::finish() {
  if (impl_->finished) throw std::logic_error("frame_reader: finish() called twice");
  impl_->finished = true;
  // Count what the archive left, reading (and checking) the frames it did not reach.
  std::uint64_t unread = available();
  while (const std::optional<frame_bytes> frame = next_frame()) unread += frame->size();
  read_ahead_.reset();  // its worker has stopped at the end of the frames
  if (unread != 0) {
    impl_->fail(errc::corrupt,
                "the payload has " + std::to_string(unread) + " bytes the archive did not read");
  }
  return impl_->read_trailer();
}

snapshot_info verify(int fd, const std::string& name, const load_options& options) {
  frame_reader reader(fd, name, options);
  frame_buffers buffers;
  while (reader.impl_->next_frame(buffers)) {
  }
  return reader.impl_->read_trailer();
}

}  // namespace respawn::format
