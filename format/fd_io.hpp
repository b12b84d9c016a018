// Whole reads and writes on file descriptors: retried on EINTR, short transfers
// and EAGAIN (a non-blocking descriptor is waited for with poll), with errors
// turned into respawn::error naming the file or descriptor.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "respawn/error.hpp"

namespace respawn::format {

// io_error "<name>: <action>: <strerror(err)>".
error io_error(std::string_view name, std::string_view action, int err);

// Writes all `size` bytes. A closed pipe or socket is an io_error (EPIPE), not a
// SIGPIPE: the signal is blocked in the calling thread for the write and a
// SIGPIPE the write raised is discarded, so a reader that went away cannot kill
// the writing process.
void write_all(int fd, const void* data, std::size_t size, std::string_view name);

// Reads until `size` bytes arrived or the input ends; returns the bytes read.
std::size_t read_up_to(int fd, void* data, std::size_t size, std::string_view name);

// Reads exactly `size` bytes; if the input ends first, throws truncated
// "<name>: the input ends inside <what> (<got> of <size> bytes)".
void read_exact(int fd, void* data, std::size_t size, std::string_view name, std::string_view what);

}  // namespace respawn::format
