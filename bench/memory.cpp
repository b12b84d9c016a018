#include "memory.hpp"

#include <malloc.h>

#include <fstream>
#include <string>

namespace bench {

namespace {

std::uint64_t status_field(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  }
  return 0;
}

}  // namespace

std::uint64_t resident_bytes() { return status_field("VmRSS"); }

std::uint64_t peak_resident_bytes() { return status_field("VmHWM"); }

void reset_peak() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace bench
