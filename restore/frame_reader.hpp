// Reads and checks the snapshot container of docs/format.md.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "format/container.hpp"
#include "respawn/detail/byte_stream.hpp"
#include "respawn/options.hpp"

namespace respawn::format {

struct frame_bytes;  // the raw bytes of one frame

// Reads a container from a file descriptor, checking each frame's hash before
// handing out a byte of it. Never reads past the trailer, so a pipe or socket
// may carry more data after the snapshot.
class frame_reader final : public detail::byte_source {
 public:
  // Reads and checks the header.
  frame_reader(int fd, std::string name, const load_options& options);
  ~frame_reader() override;
  frame_reader(const frame_reader&) = delete;
  frame_reader& operator=(const frame_reader&) = delete;

  const header& file_header() const;
  const std::string& name() const override;

  // Call once the archive has read the root: checks that no payload is left,
  // reads the trailer, and checks the payload size and content hash.
  snapshot_info finish();

 private:
  class read_ahead;
  struct impl;

  bool refill() override;
  std::optional<frame_bytes> next_frame();
  friend snapshot_info verify(int fd, const std::string& name, const load_options& options);

  std::unique_ptr<impl> impl_;
  std::unique_ptr<read_ahead> read_ahead_;  // destroyed first: its worker uses impl_
};

// Reads a whole container, checking every hash and size, and builds nothing.
snapshot_info verify(int fd, const std::string& name, const load_options& options);

}  // namespace respawn::format
