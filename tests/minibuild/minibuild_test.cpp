// The reference state: generation, a round trip through a snapshot file, the
// recomputed and excluded fields, and the comparison the minibuild command
// relies on to call a restore good.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <memory>
#include <respawn/respawn.hpp>
#include <set>
#include <string>
#include <vector>

#include "state.hpp"

namespace minibuild {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::StartsWith;

// A file in the temporary directory, removed on destruction.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("minibuild-test-" + std::to_string(::getpid()) + "-" + name + ".snapshot")) {}
  ~ScratchFile() { std::filesystem::remove(path_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string saved_hash(const Scheduler& state, const std::string& name) {
  ScratchFile file(name);
  return respawn::save(state, file.path()).hash;
}

TEST(MinibuildGeneration, SameSeedGivesTheSameSnapshot) {
  const auto a = build_state(500, 7);
  const auto b = build_state(500, 7);
  EXPECT_EQ(first_difference(*a, *b), std::nullopt);
  EXPECT_EQ(saved_hash(*a, "seed-a"), saved_hash(*b, "seed-b"));
}

TEST(MinibuildGeneration, DifferentSeedGivesADifferentSnapshot) {
  const auto a = build_state(500, 7);
  const auto b = build_state(500, 8);
  EXPECT_NE(first_difference(*a, *b), std::nullopt);
  EXPECT_NE(saved_hash(*a, "seed-7"), saved_hash(*b, "seed-8"));
}

TEST(MinibuildGeneration, FollowsTheWorkloadShape) {
  const auto state = build_state(100, 3);
  const Project& project = *state->project;
  ASSERT_EQ(project.elements.size(), 100u);
  EXPECT_EQ(project.options.size(), 20u);
  EXPECT_EQ(numeric_option(project, kElementsOption), std::optional<std::uint64_t>(100));
  EXPECT_EQ(numeric_option(project, kSeedOption), std::optional<std::uint64_t>(3));
  for (const auto& element : project.elements) {
    SCOPED_TRACE(element->name);
    EXPECT_EQ(element->build_deps.size(), std::min<std::size_t>(6, element->id));
    EXPECT_EQ(element->runtime_deps.size(), std::min<std::size_t>(3, element->id));
    for (const Element* dep : element->build_deps) EXPECT_LT(dep->id, element->id);
    EXPECT_EQ(element->variables.size(), 12u);
    EXPECT_EQ(element->environment.size(), 6u);
    EXPECT_GE(element->sources.size(), 1u);
    EXPECT_LE(element->sources.size(), 3u);
    EXPECT_EQ(element->cache_key.get().size(), 64u);
  }
  EXPECT_EQ(project.elements[42]->name, "components/lib-00042.bst");
  EXPECT_EQ(state->fetch.pending.size() + state->build.pending.size() + state->push.pending.size(), 100u);
  EXPECT_EQ(state->build.pending.front(), project.elements[1].get());
}

// One 1000-element state, saved once and restored once for the suite.
class MinibuildRoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    original_ = build_state(kElements, 2024).release();
    ScratchFile file("round-trip");
    saved_ = new respawn::snapshot_info(respawn::save(*original_, file.path()));
    restored_ = respawn::load<Scheduler>(file.path()).release();
  }
  static void TearDownTestSuite() {
    delete restored_;
    delete saved_;
    delete original_;
  }

  static std::unique_ptr<Scheduler> load_copy() {
    ScratchFile file("copy");
    respawn::save(*original_, file.path());
    return respawn::load<Scheduler>(file.path());
  }

  static constexpr std::size_t kElements = 1000;
  static inline Scheduler* original_ = nullptr;
  static inline respawn::snapshot_info* saved_ = nullptr;
  static inline Scheduler* restored_ = nullptr;
};

TEST_F(MinibuildRoundTrip, RestoresEverySerializedField) {
  ASSERT_NE(restored_->project, nullptr);
  EXPECT_EQ(restored_->project->elements.size(), kElements);
  EXPECT_EQ(first_difference(*restored_, *original_), std::nullopt);
}

TEST_F(MinibuildRoundTrip, PointersLeadIntoTheRestoredProject) {
  const auto& elements = restored_->project->elements;
  EXPECT_EQ(elements[500]->build_deps[0], elements[elements[500]->build_deps[0]->id].get());
  EXPECT_EQ(restored_->push.pending.front(), elements[2].get());
}

TEST_F(MinibuildRoundTrip, SavingTheRestoredStateGivesTheSameHash) {
  EXPECT_EQ(saved_hash(*restored_, "resave"), saved_->hash);
}

TEST_F(MinibuildRoundTrip, CacheKeysAreRecomputedEqual) {
  const auto copy = load_copy();
  const auto& elements = copy->project->elements;
  for (const auto& element : elements) EXPECT_FALSE(element->cache_key.has_value());  // not in the snapshot
  // Last first: its recipe recurses through the dependencies' recipes.
  EXPECT_EQ(elements.back()->cache_key.get(), original_->project->elements.back()->cache_key.get());
  for (std::size_t i = 0; i < elements.size(); ++i) {
    ASSERT_EQ(elements[i]->cache_key.get(), original_->project->elements[i]->cache_key.get())
        << "element " << i;
  }
}

TEST_F(MinibuildRoundTrip, CacheKeyDependsOnSourcesAndBuildDeps) {
  const auto copy = load_copy();
  Element& element = *copy->project->elements[10];
  element.sources[0].ref[0] = element.sources[0].ref[0] == '0' ? '1' : '0';
  EXPECT_NE(element.cache_key.get(), original_->project->elements[10]->cache_key.get());
  Element& dependent = *copy->project->elements[700];
  dependent.build_deps[0]->cache_key.set(std::string(64, 'f'));
  EXPECT_NE(dependent.cache_key.get(), original_->project->elements[700]->cache_key.get());
}

TEST_F(MinibuildRoundTrip, ReverseDepsListEveryDependentOnce) {
  const auto& elements = restored_->project->elements;
  std::vector<std::set<const Element*>> expected(elements.size());
  for (const auto& element : elements) {
    for (const Element* dep : element->build_deps) expected[dep->id].insert(element.get());
    for (const Element* dep : element->runtime_deps) expected[dep->id].insert(element.get());
  }
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const std::vector<Element*>& got = elements[i]->reverse_deps.get();
    ASSERT_TRUE(std::is_sorted(got.begin(), got.end(), [](auto* a, auto* b) { return a->id < b->id; }));
    ASSERT_EQ(std::set<const Element*>(got.begin(), got.end()), expected[i]) << "element " << i;
    ASSERT_EQ(got.size(), expected[i].size()) << "element " << i;
  }
}

TEST_F(MinibuildRoundTrip, LazyFieldsComputeOnceUnderConcurrentFirstUse) {
  const auto copy = load_copy();
  const Element& element = *copy->project->elements[999];
  std::vector<std::future<const std::string*>> keys;
  for (int i = 0; i < 4; ++i) {
    keys.push_back(std::async(std::launch::async, [&] { return &element.cache_key.get(); }));
  }
  const std::string* first = keys[0].get();
  for (std::size_t i = 1; i < keys.size(); ++i) EXPECT_EQ(keys[i].get(), first);
  EXPECT_EQ(*first, original_->project->elements[999]->cache_key.get());
}

TEST_F(MinibuildRoundTrip, RecomputedFieldsMatchTheOriginal) {
  const auto copy = load_copy();
  EXPECT_EQ(first_lazy_difference(*copy, *original_), std::nullopt);
}

TEST_F(MinibuildRoundTrip, ExcludedFieldsComeBackDefault) {
  ASSERT_EQ(original_->project->elements[0]->log, stderr);  // they did hold something
  ASSERT_TRUE(original_->project->elements[0]->on_done);
  ASSERT_TRUE(original_->event_loop);
  for (const auto& element : restored_->project->elements) {
    EXPECT_EQ(element->log, nullptr);
    EXPECT_FALSE(element->on_done);
    ASSERT_TRUE(element->lock.try_lock()) << element->name;
    element->lock.unlock();
  }
  EXPECT_FALSE(restored_->event_loop);
}

TEST_F(MinibuildRoundTrip, AfterRestoreStartsAWorkerPoolOfThisProcess) {
  ASSERT_NE(restored_->workers, nullptr);
  EXPECT_NE(restored_->workers.get(), original_->workers.get());
  EXPECT_EQ(restored_->workers->size(), kWorkerThreads);
  std::promise<void> ran;
  restored_->workers->submit([&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(MinibuildRoundTrip, FirstDifferenceNamesTheChangedField) {
  const auto copy = load_copy();
  Project& project = *copy->project;
  project.elements[42]->variables["var03"] += "x";
  EXPECT_THAT(first_difference(*copy, *original_),
              Optional(StartsWith("Scheduler.project.elements[42].variables[\"var03\"]: ")));
  project.elements[42]->variables["var03"].pop_back();
  ASSERT_EQ(first_difference(*copy, *original_), std::nullopt);

  Element* saved_dep = project.elements[300]->build_deps[2];
  project.elements[300]->build_deps[2] =
      project.elements[299].get() == saved_dep ? project.elements[298].get() : project.elements[299].get();
  EXPECT_THAT(first_difference(*copy, *original_),
              Optional(StartsWith("Scheduler.project.elements[300].build_deps[2]: ")));
  project.elements[300]->build_deps[2] = saved_dep;

  std::swap(copy->build.pending[5], copy->build.pending[6]);
  EXPECT_THAT(first_difference(*copy, *original_), Optional(StartsWith("Scheduler.build.pending[5]: ")));
  std::swap(copy->build.pending[5], copy->build.pending[6]);

  copy->counters["jobs.done"] = 1;
  EXPECT_THAT(first_difference(*copy, *original_),
              Optional(StartsWith("Scheduler.counters[\"jobs.done\"]: 1 != 0")));
  copy->counters["jobs.done"] = 0;

  project.elements[7]->sources.back().url += "/";
  EXPECT_THAT(first_difference(*copy, *original_), Optional(HasSubstr("elements[7].sources[")));
  project.elements[7]->sources.back().url.pop_back();

  project.elements.pop_back();
  EXPECT_THAT(first_difference(*copy, *original_),
              Optional(StartsWith("Scheduler.project.elements: size 999 != 1000")));
}

TEST_F(MinibuildRoundTrip, FirstDifferenceSeesPointersOutsideTheProject) {
  const auto copy = load_copy();
  Element stray;
  copy->fetch.pending[0] = &stray;
  EXPECT_THAT(first_difference(*copy, *original_), Optional(HasSubstr("outside the project")));
}

TEST_F(MinibuildRoundTrip, FirstLazyDifferenceNamesTheChangedKey) {
  const auto copy = load_copy();
  copy->project->elements[123]->cache_key.set(std::string(64, '0'));
  EXPECT_THAT(first_lazy_difference(*copy, *original_),
              Optional(StartsWith("Scheduler.project.elements[123].cache_key: ")));
}

}  // namespace
}  // namespace minibuild
