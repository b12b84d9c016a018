#include "respawn/restore_context.hpp"

#include <gtest/gtest.h>

#include <string>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace {

struct Logger {
  std::vector<std::string> lines;
};

struct Child {
  std::string name;
};

struct Root {
  std::vector<Child> children;
  int restored_hooks = 0;  // excluded: counted by the hooks in the restoring process
};

}  // namespace

template <>
struct respawn::policy<Child> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Child::name, "name"));
  // Runs after the whole graph is restored: the root is complete by then.
  static void after_restore(Child& child, respawn::restore_context& context) {
    Root& root = context.root<Root>();
    context.get<Logger>().lines.push_back(child.name + "/" + std::to_string(root.children.size()));
    ++root.restored_hooks;
  }
};

template <>
struct respawn::policy<Root> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Root::children, "children"),
                                                 respawn::exclude(&Root::restored_hooks, "restored_hooks"));
};

namespace {

using respawn::testing::expect_error;
using respawn::testing::temp_dir;

TEST(RestoreContextTest, ProvidesServicesByType) {
  respawn::restore_context context;
  Logger logger;
  context.provide(logger);
  EXPECT_EQ(&context.get<Logger>(), &logger);
  expect_error(respawn::errc::policy_violation, [&] { context.get<std::string>(); }, {"std::"});
}

TEST(RestoreContextTest, RootBeforeRestoreAndOfTheWrongTypeAreErrors) {
  respawn::restore_context context;
  expect_error(respawn::errc::policy_violation, [&] { context.root<Root>(); });
  Root root;
  context.set_root(&root, typeid(Root));
  EXPECT_EQ(&context.root<Root>(), &root);
  expect_error(respawn::errc::type_mismatch, [&] { context.root<Child>(); }, {"Child"});
}

TEST(RestoreContextTest, AfterRestoreRunsOncePerObjectAfterTheWholeGraph) {
  temp_dir dir;
  Root original;
  original.children = {{"a"}, {"b"}, {"c"}};
  original.restored_hooks = 42;
  respawn::save(original, dir / "root.snap");

  respawn::restore_context context;
  Logger logger;
  context.provide(logger);
  respawn::load_options options;
  options.context = &context;
  auto restored = respawn::load<Root>(dir / "root.snap", options);

  EXPECT_EQ(restored->restored_hooks, 3);  // excluded, so it started from its default of 0
  EXPECT_EQ(logger.lines, (std::vector<std::string>{"a/3", "b/3", "c/3"}));
  EXPECT_EQ(&context.root<Root>(), restored.get());
}

TEST(RestoreContextTest, HookFailureFailsTheLoad) {
  temp_dir dir;
  Root original;
  original.children = {{"a"}};
  respawn::save(original, dir / "root.snap");
  // No Logger provided: the hook's get<Logger>() throws, and load reports it.
  expect_error(respawn::errc::policy_violation, [&] { respawn::load<Root>(dir / "root.snap"); }, {"Logger"});
}

}  // namespace
