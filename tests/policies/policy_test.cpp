#include "respawn/policy.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>

#include "respawn/respawn.hpp"
#include "test_util.hpp"

namespace {

// Cannot travel: marked, and kept out of snapshots by an exclude policy.
struct Stream {
  FILE* file = nullptr;
};

struct Job {
  std::string name;
  int retries = 3;
  std::mutex lock;
  FILE* log = nullptr;
  std::function<void()> on_done;
  Stream* output = nullptr;
  std::vector<int> scratch = {1, 2, 3};
};

// A non-aggregate: completeness cannot be counted, duplicates still are.
class Counter {
 public:
  Counter() = default;
  explicit Counter(int start) : value_(start) {}
  int value() const { return value_; }

 private:
  friend struct respawn::policy<Counter>;
  int value_ = 0;
};

}  // namespace

template <>
inline constexpr bool respawn::never_snapshot<Stream> = true;

template <>
struct respawn::policy<Job> {
  static constexpr const char* name = "test.Job";
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&Job::name, "name"), respawn::exclude(&Job::retries, "retries"),
                      respawn::exclude(&Job::lock, "lock"), respawn::exclude(&Job::log, "log"),
                      respawn::exclude(&Job::on_done, "on_done"), respawn::exclude(&Job::output, "output"),
                      respawn::exclude(&Job::scratch, "scratch"));
};

template <>
struct respawn::policy<Counter> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Counter::value_, "value"));
};

namespace {

using respawn::testing::temp_dir;

// Members that cannot be copied or moved are still counted.
static_assert(respawn::detail::aggregate_member_count<Job>() == 7);
static_assert(respawn::detail::policy_is_complete<Job>());
static_assert(respawn::detail::policy_is_complete<Counter>());

TEST(PolicyTest, ExcludedFieldsComeBackAsTheirDefaults) {
  temp_dir dir;
  Job job;
  job.name = "compile";
  job.retries = 9;
  job.log = stdout;
  job.on_done = [] {};
  Stream stream;
  job.output = &stream;
  job.scratch = {7};
  std::lock_guard held(job.lock);
  respawn::save(job, dir / "job.snap");

  auto restored = respawn::load<Job>(dir / "job.snap");
  EXPECT_EQ(restored->name, "compile");
  EXPECT_EQ(restored->retries, 3);
  EXPECT_EQ(restored->log, nullptr);
  EXPECT_FALSE(restored->on_done);
  EXPECT_EQ(restored->output, nullptr);
  EXPECT_EQ(restored->scratch, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(restored->lock.try_lock());
  restored->lock.unlock();
}

TEST(PolicyTest, PrivateMembersOfANonAggregateTravel) {
  temp_dir dir;
  respawn::save(Counter(41), dir / "counter.snap");
  EXPECT_EQ(respawn::load<Counter>(dir / "counter.snap")->value(), 41);
}

TEST(PolicyTest, SchemaNamesTypesFieldsAndPolicies) {
  const auto& schema = respawn::detail::schema_of<Job>();
  EXPECT_EQ(schema.root_type, "test.Job");
  const auto* job = schema.find("test.Job");
  ASSERT_NE(job, nullptr);
  ASSERT_EQ(job->fields.size(), 7u);
  EXPECT_EQ(job->fields[0].name, "name");
  EXPECT_EQ(job->fields[0].policy, respawn::detail::field_policy::serialize);
  EXPECT_EQ(job->fields[2].name, "lock");
  EXPECT_EQ(job->fields[2].policy, respawn::detail::field_policy::exclude);
}

TEST(PolicyTest, SaveReportsTheRootType) {
  temp_dir dir;
  const auto info = respawn::save(Job{}, dir / "job.snap");
  EXPECT_EQ(info.root_type, "test.Job");
  EXPECT_EQ(info.hash.size(), 32u);
  EXPECT_EQ(info.hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace

namespace {

// An aggregate with a public base: the base takes one initializer.
struct Point2 {
  int x = 0;
  int y = 0;
};
struct Point3 : Point2 {
  int z = 0;
};

}  // namespace

template <>
struct respawn::policy<Point2> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&Point2::x, "x"), respawn::serialize(&Point2::y, "y"));
};

template <>
struct respawn::policy<Point3> {
  static constexpr auto fields =
      respawn::fields(respawn::base<Point2>(), respawn::serialize(&Point3::z, "z"));
};

namespace {

static_assert(respawn::detail::policy_is_complete<Point3>());

TEST(PolicyTest, AggregateWithABaseSavesTheBaseFields) {
  respawn::testing::temp_dir dir;
  Point3 point;
  point.x = 1;
  point.y = 2;
  point.z = 3;
  respawn::save(point, dir / "point.snap");
  const auto restored = respawn::load<Point3>(dir / "point.snap");
  EXPECT_EQ(restored->x, 1);
  EXPECT_EQ(restored->y, 2);
  EXPECT_EQ(restored->z, 3);
}

}  // namespace
