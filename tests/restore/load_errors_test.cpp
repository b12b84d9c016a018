// Each kind of bad input gives its own errc, names the input, and builds
// nothing (the suite also runs under AddressSanitizer, which reports leaks).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "respawn/respawn.hpp"
#include "sample_graph.hpp"
#include "test_util.hpp"

namespace {

struct Other {
  int value = 0;
};

}  // namespace

template <>
struct respawn::policy<Other> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Other::value, "value"));
};

namespace {

using respawn::errc;
using respawn::testing::expect_error;
using respawn::testing::read_file;
using respawn::testing::temp_dir;
using respawn::testing::write_file;

class LoadErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plan_ = sample::make_plan(400);
    respawn::save_options options;
    options.frame_bytes = 4096;  // several frames, so damage can hit a middle one
    info_ = respawn::save(*plan_, good_, options);
    bytes_ = read_file(good_);
  }

  // Writes `bytes` to a file and expects load and verify to fail with `code`.
  void expect_bad(const std::string& bytes, errc code, std::initializer_list<std::string> fragments = {}) {
    write_file(bad_, bytes);
    expect_error(
        code, [&] { respawn::load<sample::Plan>(bad_); }, fragments);
    expect_error(
        code, [&] { respawn::verify(bad_); }, fragments);
  }

  temp_dir dir_;
  std::filesystem::path good_ = dir_ / "good.snap";
  std::filesystem::path bad_ = dir_ / "bad.snap";
  std::unique_ptr<sample::Plan> plan_;
  respawn::snapshot_info info_;
  std::string bytes_;
};

TEST_F(LoadErrorsTest, MissingFileIsAnIoError) {
  expect_error(errc::io_error, [&] { respawn::load<sample::Plan>(dir_ / "missing.snap"); }, {"missing.snap"});
  expect_error(errc::io_error, [&] { respawn::verify(dir_ / "missing.snap"); }, {"missing.snap"});
}

TEST_F(LoadErrorsTest, JunkIsNotASnapshot) {
  expect_bad(std::string(4096, 'x'), errc::not_a_snapshot, {"bad.snap"});
}

TEST_F(LoadErrorsTest, EmptyFileIsTruncated) { expect_bad("", errc::truncated, {"bad.snap"}); }

TEST_F(LoadErrorsTest, EveryCutIsTruncated) {
  for (std::size_t length : {std::size_t{4}, std::size_t{20}, bytes_.size() / 3, bytes_.size() / 2,
                             bytes_.size() - 40, bytes_.size() - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(length));
    expect_bad(bytes_.substr(0, length), errc::truncated, {"bad.snap"});
  }
}

TEST_F(LoadErrorsTest, FlippedBytesAreCorrupt) {
  for (std::size_t offset :
       {std::size_t{30}, bytes_.size() / 4, bytes_.size() / 2, bytes_.size() - 20, bytes_.size() - 2}) {
    SCOPED_TRACE("flip at " + std::to_string(offset));
    std::string damaged = bytes_;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x10);
    expect_bad(damaged, errc::corrupt, {"bad.snap"});
  }
}

TEST_F(LoadErrorsTest, WrongRootTypeIsATypeMismatch) {
  expect_error(errc::type_mismatch, [&] { respawn::load<Other>(good_); },
               {"good.snap", "sample::Plan", "Other"});
}

TEST_F(LoadErrorsTest, ContainerAboveTheLimitIsRefusedWithItsPath) {
  respawn::load_options options;
  options.max_container_elements = 100;  // the plan holds 400 tasks
  expect_error(errc::limit_exceeded, [&] { respawn::load<sample::Plan>(good_, options); },
               {"good.snap", "sample::Plan.tasks", "max_container_elements"});
}

TEST_F(LoadErrorsTest, StringAboveTheLimitIsRefusedWithItsPath) {
  sample::Plan plan;
  plan.settings["small"] = "ok";
  plan.settings["big"] = std::string(1000, 'x');
  respawn::save(plan, good_);
  respawn::load_options options;
  options.max_container_elements = 500;
  expect_error(errc::limit_exceeded, [&] { respawn::load<sample::Plan>(good_, options); },
               {"sample::Plan.settings[\"big\"]", "1000"});
}

TEST_F(LoadErrorsTest, DescriptorErrorsNameTheDescriptor) {
  write_file(bad_, bytes_.substr(0, bytes_.size() / 2));
  const int fd = ::open(bad_.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  expect_error(errc::truncated, [&] { respawn::load<sample::Plan>(fd); }, {"fd " + std::to_string(fd)});
  ::close(fd);
}

TEST_F(LoadErrorsTest, TheGoodFileStillLoads) {
  EXPECT_TRUE(sample::same_plan(*plan_, *respawn::load<sample::Plan>(good_)));
  EXPECT_EQ(respawn::verify(good_).hash, info_.hash);
}

}  // namespace
