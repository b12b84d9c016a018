#include "snapshot/frame_writer.hpp"

#include <fcntl.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "format/fd_io.hpp"
#include "respawn/error.hpp"
#include "snapshot/background_sync.hpp"

namespace respawn::format {
namespace {

struct cctx_deleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
using cctx_ptr = std::unique_ptr<ZSTD_CCtx, cctx_deleter>;

cctx_ptr make_cctx() {
  cctx_ptr context(ZSTD_createCCtx());
  if (!context) throw std::bad_alloc();
  return context;
}

// One frame on its way from the caller's buffer to the file. Each slab has
// room for the frame header before and the hash after the bytes, so a whole
// frame record is one contiguous write: `raw` for a stored frame, `packed` for
// a zstd frame.
struct slot {
  enum class state { free, busy, sealed };  // busy: being filled, queued or compressed

  std::unique_ptr<char[]> raw;
  std::unique_ptr<char[]> packed;  // only when compressing
  std::size_t raw_size = 0;
  std::uint64_t index = 0;
  const char* record = nullptr;  // set by seal()
  std::size_t record_size = 0;
  state status = state::free;

  char* raw_bytes() { return raw.get() + frame_header_bytes; }
};

}  // namespace

// The pipeline, with threads > 0: the caller fills slot (i % slots.size()) with
// frame i and queues it; workers compress and hash queued frames in any order;
// whichever thread seals the next frame in file order becomes the writer and
// writes every sealed frame from there on, in order, feeding the content hash.
// Frames are written and freed in order, so the caller's next slot is free
// once the frame that used it last is on the file.
//
// The caller compresses queued frames too, whenever the workers are behind:
// instead of waiting for a free slot or for the last frames, and whenever two
// frames wait in the queue (the next free worker still finds one). So the
// caller's thread never waits while a frame waits for a worker (decision 9).
struct frame_writer::impl {
  impl(int fd_in, std::string name_in, const save_options& options_in, destination where)
      : fd(fd_in), name(std::move(name_in)), options(options_in) {
    if (options.frame_bytes == 0 || options.frame_bytes > max_frame_size) {
      throw error(errc::limit_exceeded, name + ": save_options::frame_bytes is " +
                                            std::to_string(options.frame_bytes) + ", it must be 1 to " +
                                            std::to_string(max_frame_size));
    }
    slots.resize(options.threads == 0 ? 1 : 2 * std::size_t{options.threads} + 2);
    // One per worker, and the caller's own (the last), with which it also
    // compresses inline when there are no workers.
    for (unsigned i = 0; i <= options.threads; ++i) contexts.push_back(make_cctx());
    if (where == destination::file_to_sync) sync.emplace(fd, name);
  }

  // Joins the workers without throwing, also while an exception unwinds a save
  // or a constructor that started only some of them. A worker blocked writing
  // to a pipe nobody reads keeps this waiting, as the caller's own write would.
  ~impl() { stop_workers(); }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  bool compressing() const { return options.compression_level != 0; }
  slot& slot_for(std::uint64_t index) { return slots[index % slots.size()]; }

  // Slabs are allocated on first use, so a small payload costs one slot.
  void allocate(slot& s) {
    if (s.raw) return;
    const std::size_t slab = frame_header_bytes + options.frame_bytes + frame_hash_bytes;
    s.raw = std::make_unique_for_overwrite<char[]>(slab);
    if (compressing()) s.packed = std::make_unique_for_overwrite<char[]>(slab);
  }

  // Compresses (or stores) and hashes a slot's frame; callable on any thread.
  void seal(slot& s, ZSTD_CCtx* context) const {
    // A zstd frame is kept only when smaller than the raw bytes: a capacity
    // of raw_size - 1 makes zstd report dstSize_tooSmall otherwise.
    if (compressing() && s.raw_size > 1) {
      char* packed = s.packed.get() + frame_header_bytes;
      const std::size_t size = ZSTD_compressCCtx(context, packed, s.raw_size - 1, s.raw_bytes(), s.raw_size,
                                                 options.compression_level);
      if (!ZSTD_isError(size)) {
        finish_record(s, s.packed.get(), frame_kind::zstd, size);
        return;
      }
      if (ZSTD_getErrorCode(size) != ZSTD_error_dstSize_tooSmall) {
        throw error(errc::io_error, name + ": zstd could not compress frame " + std::to_string(s.index) +
                                        ": " + ZSTD_getErrorName(size));
      }
    }
    finish_record(s, s.raw.get(), frame_kind::stored, s.raw_size);
  }

  static void finish_record(slot& s, char* record, frame_kind kind, std::size_t stored_size) {
    encode_frame_header(
        {kind, static_cast<std::uint32_t>(s.raw_size), static_cast<std::uint32_t>(stored_size)}, record);
    const std::size_t hashed = frame_header_bytes + stored_size;
    put_u64(record + hashed, frame_hash(record, hashed, s.index));
    s.record = record;
    s.record_size = hashed + frame_hash_bytes;
  }

  // Only one thread at a time writes frames (the caller, or the worker that
  // holds `writing`), so the content hash sees the raw bytes in order.
  void write_record(slot& s) {
    write_all(fd, s.record, s.record_size, name);
    content.update(s.raw_bytes(), s.raw_size);
    stored_bytes += s.record_size;
    if (sync && stored_bytes - sync_requested >= sync_step_bytes) {
      sync->request();
      sync_requested = stored_bytes;
    }
  }

  void write_header(const header& file_header) {
    const std::string bytes = encode_header(file_header);
    write_all(fd, bytes.data(), bytes.size(), name);
    stored_bytes += bytes.size();
  }

  void rethrow_failure() const {
    if (failure) std::rethrow_exception(failure);
  }

  // Records the first failure and wakes the caller if it waits for progress.
  // With workers running, the caller holds the mutex.
  void fail(std::exception_ptr cause) {
    if (!failure) failure = std::move(cause);
    progress.notify_all();
  }

  // threads == 0: seals and writes the frame on the caller's thread.
  void submit_inline(slot& s) {
    rethrow_failure();
    try {
      seal(s, contexts.back().get());
      write_record(s);
    } catch (...) {
      fail(std::current_exception());
      throw;
    }
    s.status = slot::state::free;
    ++frames_written;
    ++caller_sealed;
  }

  // Queues the frame for the workers, and compresses the oldest queued one if
  // the workers are behind by more than the frame the next of them will take.
  void submit_queued(slot& s) {
    std::unique_lock lock(mutex);
    rethrow_failure();
    queue.push_back(&s);
    work_ready.notify_one();
    if (queue.size() >= 2) help(lock);
  }

  // Claims the slot of the next frame; while the pipeline is full, compresses
  // queued frames, and waits only when none is left to take.
  slot& claim_next_slot() {
    slot& next = slot_for(frames_queued);
    {
      std::unique_lock lock(mutex);
      wait_helping(lock, [&] { return next.status == slot::state::free; });
      next.status = slot::state::busy;
    }
    allocate(next);
    return next;
  }

  // Waits until `done` or a failure, compressing queued frames meanwhile;
  // throws the failure. Caller's thread only, holding the mutex.
  template <class Done>
  void wait_helping(std::unique_lock<std::mutex>& lock, Done done) {
    while (!failure && !done()) {
      if (queue.empty()) {
        progress.wait(lock);
      } else {
        help(lock);
      }
    }
    rethrow_failure();
  }

  // The caller's share of the workers' work, with its own context.
  void help(std::unique_lock<std::mutex>& lock) {
    ++caller_sealed;
    seal_oldest_queued(lock, contexts.back().get());
    rethrow_failure();
  }

  // Takes the oldest queued frame, seals it outside the lock, and writes what
  // is ready if no one else is writing; a failure is recorded, not thrown.
  // Called by workers and by the caller, holding the mutex.
  void seal_oldest_queued(std::unique_lock<std::mutex>& lock, ZSTD_CCtx* context) {
    slot& s = *queue.front();
    queue.pop_front();
    lock.unlock();
    try {
      seal(s, context);
    } catch (...) {
      lock.lock();
      fail(std::current_exception());
      return;
    }
    lock.lock();
    s.status = slot::state::sealed;
    write_sealed_frames(lock);
  }

  void submit(slot& s, std::size_t raw_size) {
    if (finished) throw std::logic_error("frame_writer: write after finish()");
    s.raw_size = raw_size;
    s.index = frames_queued;
    if (workers.empty()) {
      submit_inline(s);
    } else {
      submit_queued(s);
    }
    ++frames_queued;
  }

  void wait_until_written() {
    std::unique_lock lock(mutex);
    wait_helping(lock, [&] { return frames_written == frames_queued; });
  }

  void start_workers() {
    for (unsigned i = 0; i < options.threads; ++i) {
      workers.emplace_back([this, context = contexts[i].get()] { work(context); });
    }
  }

  void stop_workers() noexcept {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    work_ready.notify_all();
    for (std::thread& worker : workers) worker.join();
    workers.clear();
  }

  void work(ZSTD_CCtx* context) {
    std::unique_lock lock(mutex);
    for (;;) {
      work_ready.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      if (failure) {  // the save has failed: drop the work
        queue.pop_front();
        continue;
      }
      seal_oldest_queued(lock, context);
    }
  }

  void write_sealed_frames(std::unique_lock<std::mutex>& lock) {
    if (writing) return;  // the current writer picks this frame up when it gets to it
    writing = true;
    for (;;) {
      slot& s = slot_for(frames_written);
      if (failure || s.status != slot::state::sealed) break;
      lock.unlock();
      try {
        write_record(s);
      } catch (...) {
        lock.lock();
        fail(std::current_exception());
        break;
      }
      lock.lock();
      s.status = slot::state::free;
      ++frames_written;
      progress.notify_all();
    }
    writing = false;
  }

  const int fd;
  const std::string name;
  const save_options options;
  std::string root_type;
  std::vector<slot> slots;
  std::vector<cctx_ptr> contexts;   // one per worker, then the caller's
  slot* current = nullptr;          // the slot the caller fills
  std::uint64_t frames_queued = 0;  // caller thread only
  std::uint64_t caller_sealed = 0;  // caller thread only
  bool finished = false;

  // Updated by one writer at a time; read by the caller once the workers are idle.
  content_hasher content;
  std::uint64_t stored_bytes = 0;
  // The fsync() that commits a file waits until the device holds every byte
  // written since the last sync, which took 15-18 ms for a 25 MB snapshot;
  // syncing every few MiB on a thread of its own while the save goes on
  // leaves that fsync 2-4 ms (decision 15).
  std::optional<background_sync> sync;  // when the file is to be synced
  std::uint64_t sync_requested = 0;     // stored_bytes at the last request
  static constexpr std::uint64_t sync_step_bytes = std::uint64_t{4} << 20;
  std::uint64_t frames_written = 0;  // guarded by the mutex while workers run

  std::mutex mutex;
  std::condition_variable work_ready;  // workers: queue filled or stopping
  std::condition_variable progress;    // caller: a frame was written, or a failure
  std::deque<slot*> queue;
  bool writing = false;
  bool stopping = false;
  std::exception_ptr failure;
  std::vector<std::thread> workers;
};

frame_writer::frame_writer(int fd, std::string name, const header& file_header, const save_options& options,
                           destination where)
    : impl_(std::make_unique<impl>(fd, std::move(name), options, where)) {
  impl_->root_type = file_header.schema.root_type;
  impl_->write_header(file_header);
  impl_->current = &impl_->claim_next_slot();
  set_buffer(impl_->current->raw_bytes(), impl_->current->raw_bytes() + options.frame_bytes);
  impl_->start_workers();
}

frame_writer::~frame_writer() = default;

void frame_writer::flush_buffer() {
  impl& self = *impl_;
  self.submit(*self.current, buffered());
  self.current = &self.claim_next_slot();
  set_buffer(self.current->raw_bytes(), self.current->raw_bytes() + self.options.frame_bytes);
}

std::uint64_t frame_writer::frames_sealed_by_caller() const { return impl_->caller_sealed; }

snapshot_info frame_writer::finish() {
  impl& self = *impl_;
  const std::uint64_t raw_bytes = bytes_written();
  if (buffered() != 0) {
    self.submit(*self.current, buffered());
  } else if (self.finished) {
    throw std::logic_error("frame_writer: finish() called twice");
  }
  if (self.workers.empty()) {
    self.rethrow_failure();
  } else {
    self.wait_until_written();
  }
  self.stop_workers();
  self.finished = true;

  const content_hash hash = self.content.digest();
  const auto bytes = encode_trailer({raw_bytes, self.frames_written, hash});
  write_all(self.fd, bytes.data(), bytes.size(), self.name);
  self.stored_bytes += bytes.size();
  if (self.sync) self.sync->finish();
  return {to_hex(hash), raw_bytes, self.stored_bytes, self.root_type};
}

}  // namespace respawn::format
