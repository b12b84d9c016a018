// One libFuzzer target: RESPAWN_FUZZ_ENTRY names the entry of fuzz_harness.hpp
// it runs (CMakeLists.txt builds this file once per entry).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  respawn_fuzz::RESPAWN_FUZZ_ENTRY(data, size);
  return 0;
}
