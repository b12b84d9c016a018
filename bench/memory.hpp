// Resident memory and CPU time of this process, for the benchmarks' counters.
// Linux only: reads /proc/self/status and resets the peak through clear_refs.
#pragma once

#include <cstdint>

namespace bench {

std::uint64_t resident_bytes();
std::uint64_t peak_resident_bytes();
// Returns freed heap to the system and makes the peak equal to the current size.
void reset_peak();

// CPU time of the whole process (every thread) and its minor page faults. The
// kernel's share of a load is mostly faulting in the pages the new state
// occupies, which a load cannot avoid and the machine decides the cost of.
struct cpu_usage {
  double user_s = 0;
  double kernel_s = 0;
  std::uint64_t page_faults = 0;
};
cpu_usage process_cpu();
cpu_usage operator-(const cpu_usage& later, const cpu_usage& earlier);
cpu_usage& operator+=(cpu_usage& total, const cpu_usage& more);

}  // namespace bench
