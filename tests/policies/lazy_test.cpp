#include "respawn/lazy.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace {

std::atomic<int> recipe_calls{0};

struct Document {
  std::string text;
  respawn::lazy<std::size_t> length;
  respawn::lazy<std::string> shout;
};

std::size_t slow_length(const Document& d) {
  ++recipe_calls;
  std::this_thread::sleep_for(
      std::chrono::milliseconds(20));  // widens the race window, asserts nothing about time
  return d.text.size();
}

std::string shout(const Document& d, respawn::restore_context& context) {
  return d.text + context.get<std::string>();
}

// A recipe that needs its own result.
struct Loop {
  int seed = 0;
  respawn::lazy<int> value;
};
int loop_value(const Loop& l) { return l.value.get() + l.seed; }

}  // namespace

template <>
struct respawn::policy<Document> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&Document::text, "text"),
                      respawn::recompute(&Document::length, "length", &slow_length),
                      respawn::recompute(&Document::shout, "shout", &shout));
};

template <>
struct respawn::policy<Loop> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Loop::seed, "seed"),
                                                 respawn::recompute(&Loop::value, "value", &loop_value));
};

namespace {

using respawn::testing::expect_error;
using respawn::testing::temp_dir;

std::unique_ptr<Document> restored_document(const temp_dir& dir,
                                            respawn::restore_context* context = nullptr) {
  Document original;
  original.text = "hello";
  original.length = 99;  // a value set in the building process is not written
  respawn::save(original, dir / "doc.snap");
  respawn::load_options options;
  options.context = context;
  return respawn::load<Document>(dir / "doc.snap", options);
}

TEST(LazyTest, SetGetAndResetInTheBuildingProcess) {
  respawn::lazy<int> value;
  EXPECT_FALSE(value.has_value());
  value.set(7);
  EXPECT_TRUE(value.has_value());
  EXPECT_EQ(value.get(), 7);
  value = 8;
  EXPECT_EQ(value.get(), 8);
  value.reset();
  EXPECT_FALSE(value.has_value());
}

TEST(LazyTest, GetWithoutValueOrRecipeThrows) {
  respawn::lazy<int> value;
  expect_error(respawn::errc::policy_violation, [&] { value.get(); }, {"no recipe"});
}

TEST(LazyTest, RestoredLazyIsNotWrittenAndComputesOnFirstGet) {
  temp_dir dir;
  const int before = recipe_calls;
  auto document = restored_document(dir);
  EXPECT_FALSE(document->length.has_value());
  EXPECT_EQ(recipe_calls, before);  // nothing computed during load
  EXPECT_EQ(document->length.get(), 5u);
  EXPECT_EQ(document->length.get(), 5u);
  EXPECT_EQ(recipe_calls, before + 1);
}

TEST(LazyTest, ComputesOnceUnderConcurrentFirstUse) {
  temp_dir dir;
  auto document = restored_document(dir);
  const int before = recipe_calls;
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<std::size_t> seen(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      seen[i] = document->length.get();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(recipe_calls, before + 1);
  for (std::size_t length : seen) EXPECT_EQ(length, 5u);
}

TEST(LazyTest, ResetRecomputes) {
  temp_dir dir;
  auto document = restored_document(dir);
  const int before = recipe_calls;
  document->length.get();
  document->text = "hello, world";
  document->length.reset();
  EXPECT_EQ(document->length.get(), 12u);
  EXPECT_EQ(recipe_calls, before + 2);
}

TEST(LazyTest, RecipeSurvivesMovingTheOwner) {
  temp_dir dir;
  auto document = restored_document(dir);
  Document moved = std::move(*document);
  document.reset();
  EXPECT_EQ(moved.length.get(), 5u);
  std::vector<Document> copies(3, moved);
  copies[1].text = "ab";
  copies[1].length.reset();
  EXPECT_EQ(copies[1].length.get(), 2u);
}

TEST(LazyTest, RecipeReachesContextServices) {
  temp_dir dir;
  std::string suffix = "!";
  respawn::restore_context context;
  context.provide(suffix);
  auto document = restored_document(dir, &context);
  EXPECT_EQ(document->shout.get(), "hello!");
}

TEST(LazyTest, MissingServiceIsAnErrorAndLeavesTheLazyEmpty) {
  temp_dir dir;
  auto document = restored_document(dir);
  expect_error(respawn::errc::policy_violation, [&] { document->shout.get(); }, {"no service"});
  EXPECT_FALSE(document->shout.has_value());
}

TEST(LazyTest, ContextOutlivesLoadWithTheRestoredObjects) {
  temp_dir dir;
  std::unique_ptr<Document> document;
  { document = restored_document(dir); }  // load's own context is kept alive by the lazy fields
  EXPECT_EQ(document->length.get(), 5u);
}

TEST(LazyTest, RecipeThatNeedsItselfIsAnErrorNotADeadlock) {
  temp_dir dir;
  respawn::save(Loop{3, {}}, dir / "loop.snap");
  auto loop = respawn::load<Loop>(dir / "loop.snap");
  expect_error(respawn::errc::policy_violation, [&] { loop->value.get(); }, {"value", "cycle"});
}

}  // namespace
