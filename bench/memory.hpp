// Resident memory of this process, for the benchmarks' peak-memory counters.
// Linux only: reads /proc/self/status and resets the peak through clear_refs.
#pragma once

#include <cstdint>

namespace bench {

std::uint64_t resident_bytes();
std::uint64_t peak_resident_bytes();
// Returns freed heap to the system and makes the peak equal to the current size.
void reset_peak();

}  // namespace bench
