#include "respawn/detail/byte_stream.hpp"

#include <algorithm>

#include "respawn/error.hpp"

namespace respawn::detail {

void byte_sink::write_slow(const char* data, std::size_t size) {
  for (;;) {
    const std::size_t chunk = std::min(size, static_cast<std::size_t>(end_ - cursor_));
    if (chunk != 0) {  // memcpy needs valid pointers even for 0 bytes
      std::memcpy(cursor_, data, chunk);
      cursor_ += chunk;
      data += chunk;
      size -= chunk;
    }
    if (size == 0) return;
    // Count the handed-off bytes only once flush_buffer() succeeded: if it
    // throws, they are still in the buffer and still counted there.
    const std::size_t handed_off = buffered();
    flush_buffer();
    flushed_ += handed_off;
  }
}

void byte_source::read_slow(char* data, std::size_t size) {
  const std::size_t requested = size;
  for (;;) {
    const std::size_t chunk = std::min(size, available());
    if (chunk != 0) {
      std::memcpy(data, cursor_, chunk);
      cursor_ += chunk;
      data += chunk;
      size -= chunk;
    }
    if (size == 0) return;
    // The buffer is used up: account for it before refill() replaces it, and
    // leave an empty buffer behind in case refill() throws or finds the end.
    consumed_ += static_cast<std::uint64_t>(end_ - begin_);
    begin_ = cursor_ = end_;
    if (!refill()) {
      throw error(errc::truncated, name() + ": the payload ends after " + std::to_string(bytes_read()) +
                                       " bytes, inside a read of " + std::to_string(requested) + " bytes (" +
                                       std::to_string(size) + " missing)");
    }
  }
}

std::uint64_t byte_source::read_varint_slow() {
  std::uint64_t value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    unsigned char byte = 0;
    read(&byte, 1);
    const std::uint64_t bits = byte & 0x7f;
    if (shift == 63 && bits > 1) break;  // more than 64 bits
    value |= bits << shift;
    if (byte < 0x80) return value;
  }
  throw error(errc::corrupt, name() + ": a number at payload byte " + std::to_string(bytes_read()) +
                                 " is longer than 64 bits");
}

}  // namespace respawn::detail
