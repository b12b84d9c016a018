// A program outside respawn's tree: saves a small object, loads it back, and
// exits 0 when the loaded copy equals the original. Built by the consumer tests
// against an installed respawn (find_package) and against its source tree
// (add_subdirectory), with warnings as errors: respawn's headers must compile
// cleanly in a user's build.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <respawn/respawn.hpp>
#include <string>
#include <system_error>

struct Point {
  int x = 0;
  std::string label;
  std::optional<int> weight;  // a member whose policy check once warned under GCC
};

template <>
struct respawn::policy<Point> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&Point::x, "x"), respawn::serialize(&Point::label, "label"),
                      respawn::serialize(&Point::weight, "weight"));
};

namespace {

int run() {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("respawn-consumer-" + std::to_string(::getpid()) + ".snap");
  struct remove_at_exit {
    std::filesystem::path path;
    ~remove_at_exit() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } cleanup{path};

  const Point p{42, "forty-two", 7};
  const respawn::snapshot_info info = respawn::save(p, path);
  std::cout << "saved " << path << ": hash " << info.hash << ", " << info.raw_bytes << " raw bytes, "
            << info.stored_bytes << " stored bytes\n";
  if (info.hash.size() != 32) {
    std::cerr << "FAIL: the content hash is not 32 hex digits: '" << info.hash << "'\n";
    return 1;
  }

  const std::unique_ptr<Point> q = respawn::load<Point>(path);
  if (!q) {
    std::cerr << "FAIL: load returned null\n";
    return 1;
  }
  if (q->x != p.x || q->label != p.label || q->weight != p.weight) {
    std::cerr << "FAIL: loaded {" << q->x << ", '" << q->label << "', " << q->weight.value_or(-1)
              << "}, saved {" << p.x << ", '" << p.label << "', " << p.weight.value_or(-1) << "}\n";
    return 1;
  }
  std::cout << "loaded {" << q->x << ", '" << q->label << "', " << *q->weight << "}: equal\n";
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "FAIL: " << e.what() << '\n';
    return 1;
  }
}
