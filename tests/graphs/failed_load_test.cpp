// A load that fails part way frees everything it built: truncated and
// corrupted files, and limits hit in the middle of a graph of unique_ptrs,
// shared_ptrs, raw pointers and polymorphic objects. Objects count themselves;
// the suite also runs under AddressSanitizer/LeakSanitizer.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphs/graph_test_util.hpp"
#include "respawn/respawn.hpp"

namespace respawn_test {

struct Part {
  virtual ~Part() = default;
  int id = 0;
  std::string label;
  Part* link = nullptr;
  LiveCounter live;
};

struct Gear : Part {
  std::vector<int> teeth;
  std::unique_ptr<Part> inner;
};

struct Machine {
  std::string name;
  std::vector<std::unique_ptr<Part>> parts;   // some are Gears
  std::vector<std::shared_ptr<Part>> shared;  // shared among themselves
  std::map<int, std::shared_ptr<Part>> by_id;
  std::vector<Part*> raw;   // into parts and shared
  Part* forward = nullptr;  // introduces the object `late` owns
  std::unique_ptr<Part> late;
  std::vector<Part> by_value;
  LiveCounter live;
};

}  // namespace respawn_test

namespace rt = respawn_test;

template <>
struct respawn::policy<rt::Part> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&rt::Part::id, "id"), respawn::serialize(&rt::Part::label, "label"),
                      respawn::serialize(&rt::Part::link, "link"), respawn::exclude(&rt::Part::live, "live"));
};
template <>
struct respawn::policy<rt::Gear> {
  static constexpr auto fields =
      respawn::fields(respawn::base<rt::Part>(), respawn::serialize(&rt::Gear::teeth, "teeth"),
                      respawn::serialize(&rt::Gear::inner, "inner"));
};
template <>
struct respawn::policy<rt::Machine> {
  using T = rt::Machine;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&T::name, "name"), respawn::serialize(&T::parts, "parts"),
                      respawn::serialize(&T::shared, "shared"), respawn::serialize(&T::by_id, "by_id"),
                      respawn::serialize(&T::raw, "raw"), respawn::serialize(&T::forward, "forward"),
                      respawn::serialize(&T::late, "late"), respawn::serialize(&T::by_value, "by_value"),
                      respawn::exclude(&T::live, "live"));
};

RESPAWN_REGISTER(respawn_test::Gear, "test.failed_load.gear")

namespace respawn_test {
namespace {

std::unique_ptr<Part> MakePart(int id) {
  auto part = std::make_unique<Part>();
  part->id = id;
  part->label = "part " + std::to_string(id) + std::string(static_cast<std::size_t>(id % 7) * 10, '.');
  return part;
}

std::unique_ptr<Gear> MakeGear(int id) {
  auto gear = std::make_unique<Gear>();
  gear->id = id;
  gear->label = "gear " + std::to_string(id);
  gear->teeth = {id, id + 1, id + 2};
  gear->inner = MakePart(id * 100);
  gear->inner->link = gear.get();
  return gear;
}

std::unique_ptr<Machine> MakeMachine() {
  auto m = std::make_unique<Machine>();
  m->name = "machine";
  for (int i = 0; i < 40; ++i) {
    if (i % 3 == 0) {
      m->parts.push_back(MakeGear(i));
    } else {
      m->parts.push_back(MakePart(i));
    }
  }
  for (std::size_t i = 1; i < m->parts.size(); ++i) m->parts[i]->link = m->parts[i - 1].get();
  for (int i = 0; i < 10; ++i) m->shared.push_back(std::shared_ptr<Part>(MakePart(1000 + i)));
  for (int i = 0; i < 10; ++i) m->shared.push_back(m->shared[static_cast<std::size_t>(i * 3 % 10)]);
  for (int i = 0; i < 10; ++i) m->by_id[i] = m->shared[static_cast<std::size_t>(i)];
  for (std::size_t i = 0; i < m->parts.size(); i += 2) m->raw.push_back(m->parts[i].get());
  for (std::size_t i = 0; i < 10; ++i) m->raw.push_back(m->shared[i].get());
  m->late = MakeGear(5000);
  m->forward = m->late.get();
  m->by_value.resize(5);
  for (int i = 0; i < 5; ++i) {
    m->by_value[static_cast<std::size_t>(i)].id = 9000 + i;
    m->by_value[static_cast<std::size_t>(i)].link =
        i > 0 ? &m->by_value[static_cast<std::size_t>(i - 1)] : nullptr;
  }
  return m;
}

class FailedLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_before_ = LiveCounter::count();
    const auto machine = MakeMachine();
    respawn::save(*machine, good_);
    bytes_ = ReadBytes(good_);
    ASSERT_GT(bytes_.size(), 100u);
  }

  // Runs a load that must fail with a respawn::error, then checks that no
  // object it built is still alive.
  void ExpectFailedLoadFreesEverything(const std::filesystem::path& file,
                                       const respawn::load_options& options, respawn::errc expected) {
    ExpectError(expected, [&] { (void)respawn::load<Machine>(file, options); });
    EXPECT_EQ(LiveCounter::count(), live_before_) << "objects built by the failed load are still alive";
  }

  ScratchDir dir_;
  std::filesystem::path good_ = dir_ / "good.respawn";
  std::string bytes_;
  int live_before_ = 0;
};

TEST_F(FailedLoadTest, TheGoodSnapshotLoadsAndFreesEverything) {
  {
    const auto loaded = respawn::load<Machine>(good_);
    ASSERT_NE(loaded, nullptr);
    ASSERT_EQ(loaded->parts.size(), 40u);
    EXPECT_NE(dynamic_cast<const Gear*>(loaded->parts[3].get()), nullptr);
    EXPECT_EQ(loaded->parts[5]->link, loaded->parts[4].get());
    EXPECT_EQ(loaded->forward, loaded->late.get());
    EXPECT_EQ(loaded->shared[13], loaded->shared[9]);
    EXPECT_EQ(loaded->by_id.at(4), loaded->shared[4]);
    EXPECT_EQ(loaded->raw.back(), loaded->shared[9].get());
    EXPECT_EQ(loaded->by_value[3].link, &loaded->by_value[2]);
    EXPECT_GT(LiveCounter::count(), live_before_);
  }
  EXPECT_EQ(LiveCounter::count(), live_before_);
}

TEST_F(FailedLoadTest, TruncatedFileFailsAndLeaksNothing) {
  const auto cut = dir_ / "cut.respawn";
  WriteBytes(cut, bytes_.substr(0, bytes_.size() - 10));
  ExpectFailedLoadFreesEverything(cut, {}, respawn::errc::truncated);
}

TEST_F(FailedLoadTest, FileCutAnywhereFailsAndLeaksNothing) {
  const auto cut = dir_ / "cut.respawn";
  constexpr std::size_t kCuts = 40;
  for (std::size_t i = 0; i < kCuts; ++i) {
    const std::size_t keep = bytes_.size() * i / kCuts;
    SCOPED_TRACE(::testing::Message() << "kept " << keep << " of " << bytes_.size() << " bytes");
    WriteBytes(cut, bytes_.substr(0, keep));
    try {
      (void)respawn::load<Machine>(cut);
      ADD_FAILURE() << "a cut snapshot loaded";
    } catch (const respawn::error& e) {
      EXPECT_TRUE(e.code() == respawn::errc::truncated || e.code() == respawn::errc::not_a_snapshot)
          << e.what();
    }
    EXPECT_EQ(LiveCounter::count(), live_before_);
  }
}

TEST_F(FailedLoadTest, CorruptedByteFailsAndLeaksNothing) {
  const auto bad = dir_ / "bad.respawn";
  for (const std::size_t position : {bytes_.size() / 2, bytes_.size() * 3 / 4, bytes_.size() - 20}) {
    SCOPED_TRACE(::testing::Message() << "byte " << position << " of " << bytes_.size());
    std::string bytes = bytes_;
    bytes[position] = static_cast<char>(bytes[position] ^ 0x5a);
    WriteBytes(bad, bytes);
    ExpectFailedLoadFreesEverything(bad, {}, respawn::errc::corrupt);
  }
}

TEST_F(FailedLoadTest, DepthLimitHitInsideTheGraphLeaksNothing) {
  respawn::load_options options;
  options.max_depth = 2;  // Machine -> Gear -> its inner Part is one level too deep
  ExpectFailedLoadFreesEverything(good_, options, respawn::errc::limit_exceeded);
}

TEST_F(FailedLoadTest, ContainerLimitHitInsideTheGraphLeaksNothing) {
  respawn::load_options options;
  options.max_container_elements = 39;  // `parts` has 40; everything before it is built
  ExpectFailedLoadFreesEverything(good_, options, respawn::errc::limit_exceeded);
  options.max_container_elements = 19;  // `shared` has 20; parts, gears and their inner parts are built
  ExpectFailedLoadFreesEverything(good_, options, respawn::errc::limit_exceeded);
}

TEST_F(FailedLoadTest, WrongRootTypeFailsAndLeaksNothing) {
  ExpectError(respawn::errc::type_mismatch, [&] { (void)respawn::load<Part>(good_); });
  EXPECT_EQ(LiveCounter::count(), live_before_);
}

}  // namespace
}  // namespace respawn_test
