// Writes the snapshot container of docs/format.md to a file descriptor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "format/container.hpp"
#include "respawn/detail/byte_stream.hpp"
#include "respawn/options.hpp"

namespace respawn::format {

// How the bytes written are to reach their destination.
enum class destination {
  stream,        // a pipe, socket or descriptor the caller handles
  file_to_sync,  // a file that fsync() will make durable once the trailer is written
};

// Streams a payload into frames on a file descriptor. The constructor writes the
// header; finish() writes the last frame and the trailer. Frames are compressed
// by save_options::threads workers while the caller keeps writing.
class frame_writer final : public detail::byte_sink {
 public:
  frame_writer(int fd, std::string name, const header& file_header, const save_options& options,
               destination where = destination::stream);
  ~frame_writer() override;
  frame_writer(const frame_writer&) = delete;
  frame_writer& operator=(const frame_writer&) = delete;

  snapshot_info finish();

  // Frames the caller's thread compressed (or stored) itself: all of them
  // with no workers, else those it took while the workers were behind.
  std::uint64_t frames_sealed_by_caller() const;

 private:
  void flush_buffer() override;
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace respawn::format
