// An error raised deep in a load names the object path where it happened,
// including map keys, and reading that path never touches freed memory: the
// objects a failed load built are freed only after the error was composed.
// (The suite runs under AddressSanitizer, which turns a path that reads a
// freed key into a crash; the fuzzers found the first of these.)
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "respawn/respawn.hpp"
#include "sample_graph.hpp"
#include "test_util.hpp"

namespace error_path_test {

struct Groups {
  std::set<std::map<std::string, std::string>> groups;
};

}  // namespace error_path_test

template <>
struct respawn::policy<error_path_test::Groups> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&error_path_test::Groups::groups, "groups"));
};

namespace {

using respawn::errc;

TEST(ErrorPathTest, FailureInsideAMapValueNamesItsKey) {
  respawn::testing::temp_dir dir;
  const auto file = dir / "plan.snap";
  auto plan = sample::make_plan(3);
  plan->title = "t";
  plan->settings = {{"a", "x"}, {"b", "longer than five"}};
  for (auto& task : plan->tasks) task->name = "n";
  respawn::save(*plan, file);
  respawn::load_options options;
  options.max_container_elements = 5;  // only settings["b"] is longer
  respawn::testing::expect_error(errc::limit_exceeded, [&] { respawn::load<sample::Plan>(file, options); },
                                 {"plan.snap", "settings[\"b\"]"});
}

TEST(ErrorPathTest, FailureInsideAMapThatIsASetElementNamesItsKey) {
  // The set element is loaded into a temporary before it moves into the set.
  error_path_test::Groups groups;
  groups.groups.insert(std::map<std::string, std::string>{{"k", "a value longer than five"}});
  respawn::testing::temp_dir dir;
  const auto file = dir / "groups.snap";
  respawn::save(groups, file);
  respawn::load_options options;
  options.max_container_elements = 5;
  respawn::testing::expect_error(errc::limit_exceeded,
                                 [&] { respawn::load<error_path_test::Groups>(file, options); },
                                 {"groups.snap", "groups[0][\"k\"]"});
}

}  // namespace
