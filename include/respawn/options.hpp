// Options and results of the snapshot operations (save, load, verify).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace respawn {

class restore_context;

// The bytes one field of a type took in a snapshot, summed over its objects,
// including everything written inside it (elements of a container, objects
// first reached through a pointer in it).
struct field_cost {
  std::string field;
  std::uint64_t bytes = 0;
};

// What the objects of one policy type took in a snapshot.
struct type_cost {
  std::string type;                // schema name
  std::uint64_t objects = 0;       // objects written
  std::uint64_t bytes = 0;         // uncompressed payload bytes of those objects, nested ones included
  std::vector<field_cost> fields;  // serialize fields and bases, in policy order
};

// What a save (or verify) reports about a snapshot.
struct snapshot_info {
  std::string hash;                // XXH3-128 of the uncompressed payload, 32 lowercase hex digits
  std::uint64_t raw_bytes = 0;     // uncompressed payload size
  std::uint64_t stored_bytes = 0;  // size of the whole container: header, frames and trailer
  std::string root_type;           // the root type's schema name
  // Per policy type, in the order the save first met them; filled only when
  // save_options::measure_costs is set.
  std::vector<type_cost> costs;
};

struct save_options {
  // zstd level; 0 stores frames uncompressed. Level 1 is the fastest level that
  // still reaches zstd's usual ratio on serialized object graphs.
  int compression_level = 1;
  // Compression workers running beside the serializing thread, which also
  // compresses queued frames whenever the workers fall behind; 0 compresses
  // inline on the caller's thread. Two by default: zstd at level 1 needs more
  // CPU than the serializer, and with two workers the compression fills both
  // cores of a small machine between the serializer's turns (decision 9).
  unsigned threads = 2;
  // Uncompressed bytes per frame. Bounds the memory of a save (frames in flight
  // times this) and is the unit of parallel compression.
  std::size_t frame_bytes = std::size_t{1} << 20;
  // Deepest nesting of objects (through fields, containers and pointers) a save
  // walks before it fails with policy_violation instead of exhausting the stack.
  std::size_t max_depth = 4096;
  // Count objects and uncompressed bytes per type and per field into
  // snapshot_info::costs, to see which fields dominate a snapshot and which are
  // worth recomputing instead. Costs a counter update per field when set.
  bool measure_costs = false;
};

struct load_options {
  // Services for after_restore hooks and recompute functions. When null, load
  // makes a context of its own and keeps it alive with the restored objects.
  restore_context* context = nullptr;

  // Read-ahead: with 1 (or more), a worker reads, checks and decompresses the
  // next frames while the caller's thread builds objects from the current one;
  // 0 does everything on the caller's thread.
  unsigned threads = 1;

  // Limits: any size read from the input is checked against these before
  // anything is allocated for it; exceeding one throws limit_exceeded.
  std::uint64_t max_raw_bytes = std::uint64_t{64} << 30;          // whole uncompressed payload
  std::uint64_t max_frame_bytes = std::uint64_t{64} << 20;        // one frame, stored or raw
  std::uint64_t max_header_bytes = std::uint64_t{16} << 20;       // header with its schema
  std::uint64_t max_container_elements = std::uint64_t{1} << 32;  // one container, string or array
  std::size_t max_depth = 4096;                                   // object nesting
};

}  // namespace respawn
