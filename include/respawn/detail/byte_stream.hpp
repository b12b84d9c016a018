// The buffered byte streams the archives write to and read from. The fast path
// (a copy into or out of the current buffer) is inline; a subclass supplies
// what happens when a buffer fills or empties: frames, compression, hashing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace respawn::detail {

class byte_sink {
 public:
  virtual ~byte_sink() = default;

  void write(const void* data, std::size_t size) {
    if (size <= static_cast<std::size_t>(end_ - cursor_)) {
      copy(cursor_, static_cast<const char*>(data), size);
      cursor_ += size;
      return;
    }
    write_slow(static_cast<const char*>(data), size);
  }

  // An unsigned LEB128 number: seven bits a byte, low bits first, the high bit
  // set on every byte but the last. Sizes and object references are mostly
  // small, and one byte instead of eight shrinks the payload by a third.
  void write_varint(std::uint64_t value) {
    if (static_cast<std::size_t>(end_ - cursor_) >= max_varint_bytes) {
      cursor_ = encode_varint(value, cursor_);
      return;
    }
    // Near the buffer's end: encoded aside, then copied across the boundary.
    char bytes[max_varint_bytes];
    write_slow(bytes, static_cast<std::size_t>(encode_varint(value, bytes) - bytes));
  }

  static constexpr std::size_t max_varint_bytes = 10;

  // Uncompressed bytes accepted so far.
  std::uint64_t bytes_written() const { return flushed_ + static_cast<std::uint64_t>(cursor_ - begin_); }

 protected:
  // Consumes [begin_, cursor_) and points begin_/cursor_/end_ at a buffer with room.
  virtual void flush_buffer() = 0;
  void set_buffer(char* begin, char* end) { begin_ = cursor_ = begin, end_ = end; }
  std::size_t buffered() const { return static_cast<std::size_t>(cursor_ - begin_); }
  const char* buffer_begin() const { return begin_; }

 private:
  void write_slow(const char* data, std::size_t size);

  // Most of a payload's bytes come in strings of a few dozen characters, for
  // which a call to memcpy costs more than the copy: up to 64 bytes are copied
  // inline, as two fixed-size copies that overlap, reading no byte outside
  // the source.
  static void copy(char* out, const char* data, std::size_t size) {
    if (size > 32 && size <= 64) {
      copy_two<32>(out, data, size);
    } else if (size >= 16 && size <= 32) {
      copy_two<16>(out, data, size);
    } else if (size >= 8 && size < 16) {
      copy_two<8>(out, data, size);
    } else if (size >= 4 && size < 8) {
      copy_two<4>(out, data, size);
    } else if (size != 0) {  // data may be null when size is 0
      std::memcpy(out, data, size);
    }
  }
  template <std::size_t chunk>
  static void copy_two(char* out, const char* data, std::size_t size) {
    char head[chunk];
    char tail[chunk];
    std::memcpy(head, data, chunk);
    std::memcpy(tail, data + size - chunk, chunk);
    std::memcpy(out, head, chunk);
    std::memcpy(out + size - chunk, tail, chunk);
  }

  static char* encode_varint(std::uint64_t value, char* out) {
    while (value >= 0x80) {
      *out++ = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    *out++ = static_cast<char>(value);
    return out;
  }

  char* begin_ = nullptr;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  std::uint64_t flushed_ = 0;
};

class byte_source {
 public:
  virtual ~byte_source() = default;

  // Reads exactly `size` bytes or throws respawn::error (truncated, corrupt, ...).
  void read(void* data, std::size_t size) {
    if (size <= static_cast<std::size_t>(end_ - cursor_)) {
      if (size != 0) std::memcpy(data, cursor_, size);  // data may be null when size is 0
      cursor_ += size;
      return;
    }
    read_slow(static_cast<char*>(data), size);
  }

  // An unsigned LEB128 number (see byte_sink::write_varint). Throws corrupt for
  // an encoding longer than ten bytes or above 64 bits.
  std::uint64_t read_varint() {
    if (cursor_ != end_ && static_cast<unsigned char>(*cursor_) < 0x80) {  // one byte: the common case
      return static_cast<unsigned char>(*cursor_++);
    }
    return read_varint_slow();
  }

  // The next `size` bytes, consumed, when the current buffer holds them all;
  // otherwise null and nothing is consumed.
  const char* read_in_place(std::size_t size) {
    if (size > static_cast<std::size_t>(end_ - cursor_)) return nullptr;
    const char* data = cursor_;
    cursor_ += size;
    return data;
  }

  // Bytes ready in the current buffer; lets a reader bound an allocation by
  // what the input really holds instead of by a size it claims.
  std::size_t available() const { return static_cast<std::size_t>(end_ - cursor_); }

  // Uncompressed bytes delivered so far.
  std::uint64_t bytes_read() const { return consumed_ + static_cast<std::uint64_t>(cursor_ - begin_); }

  // The name used in error messages: a path, or "fd 3".
  virtual const std::string& name() const = 0;

 protected:
  // Makes the next buffer current; returns false at the end of the payload.
  virtual bool refill() = 0;
  void set_buffer(const char* begin, const char* end) { begin_ = cursor_ = begin, end_ = end; }
  bool at_buffer_end() const { return cursor_ == end_; }

 private:
  void read_slow(char* data, std::size_t size);
  std::uint64_t read_varint_slow();

  const char* begin_ = nullptr;
  const char* cursor_ = nullptr;
  const char* end_ = nullptr;
  std::uint64_t consumed_ = 0;
};

}  // namespace respawn::detail
