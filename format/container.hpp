// The snapshot container (docs/format.md): a checksummed header, the payload as
// independent, individually hashed frames, and a trailer holding the payload's
// size and XXH3-128 content hash. Writer and reader share this one definition.
#pragma once

#include <cstdint>
#include <string>

#include "respawn/detail/schema.hpp"
#include "respawn/options.hpp"

namespace respawn::format {

// What the header records besides the schema.
struct header {
  std::uint32_t boost_archive_version = 0;
  detail::snapshot_schema schema;
};

// The header, encoded and decoded byte-exactly as docs/format.md says; the
// frame and trailer layouts live beside these in format/.
std::string encode_header(const header& file_header);

}  // namespace respawn::format
