#include "memory.hpp"

#include <malloc.h>
#include <sys/resource.h>

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

cpu_usage process_cpu() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime), static_cast<std::uint64_t>(usage.ru_minflt)};
}

cpu_usage operator-(const cpu_usage& later, const cpu_usage& earlier) {
  return {later.user_s - earlier.user_s, later.kernel_s - earlier.kernel_s,
          later.page_faults - earlier.page_faults};
}

cpu_usage& operator+=(cpu_usage& total, const cpu_usage& more) {
  total.user_s += more.user_s;
  total.kernel_s += more.kernel_s;
  total.page_faults += more.page_faults;
  return total;
}

}  // namespace bench
