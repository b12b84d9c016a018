#include "respawn/snapshot.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "sample_graph.hpp"
#include "test_util.hpp"

namespace {

using respawn::testing::expect_error;
using respawn::testing::temp_dir;

std::vector<std::string> names_in(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(SnapshotTest, RoundTripThroughAFile) {
  temp_dir dir;
  const auto plan = sample::make_plan(300);
  const auto info = respawn::save(*plan, dir / "plan.snap");
  EXPECT_EQ(info.stored_bytes, std::filesystem::file_size(dir / "plan.snap"));
  EXPECT_GT(info.raw_bytes, 0u);
  const auto restored = respawn::load<sample::Plan>(dir / "plan.snap");
  EXPECT_TRUE(sample::same_plan(*plan, *restored));
  EXPECT_EQ(restored->tasks[7]->label.get(), sample::make_label(*plan->tasks[7]));
}

TEST(SnapshotTest, NewFilesAreReadableByTheOwnerOnly) {
  temp_dir dir;
  const mode_t old_mask = ::umask(0);
  respawn::save(*sample::make_plan(3), dir / "plan.snap");
  ::umask(old_mask);
  EXPECT_EQ(std::filesystem::status(dir / "plan.snap").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(SnapshotTest, SavingOverAFileReplacesItAndLeavesNoTemporaryFile) {
  temp_dir dir;
  respawn::save(*sample::make_plan(10), dir / "plan.snap");
  const auto second = sample::make_plan(20);
  respawn::save(*second, dir / "plan.snap");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"plan.snap"});
  EXPECT_EQ(respawn::load<sample::Plan>(dir / "plan.snap")->tasks.size(), 20u);
}

TEST(SnapshotTest, AFailedSaveKeepsTheOldFile) {
  temp_dir dir;
  const auto good = sample::make_plan(10);
  const auto info = respawn::save(*good, dir / "plan.snap");
  sample::Plan bad;
  sample::Task stray;  // owned by nothing in the snapshot
  bad.tasks.push_back(std::make_unique<sample::Task>());
  bad.tasks[0]->after.push_back(&stray);
  expect_error(respawn::errc::policy_violation, [&] { respawn::save(bad, dir / "plan.snap"); },
               {"plan.snap", "tasks[0].after[0]", "nothing in the snapshot owns"});
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"plan.snap"});
  EXPECT_EQ(respawn::verify(dir / "plan.snap").hash, info.hash);
}

TEST(SnapshotTest, SavingIntoAMissingFolderIsAnIoError) {
  temp_dir dir;
  expect_error(respawn::errc::io_error,
               [&] { respawn::save(*sample::make_plan(1), dir / "no/such/plan.snap"); }, {"no/such"});
}

TEST(SnapshotTest, HashDependsOnContentOnlyNotOnCompressionThreadsOrFrames) {
  temp_dir dir;
  const auto plan = sample::make_plan(2000);
  const auto reference = respawn::save(*plan, dir / "reference.snap");
  for (int level : {0, 1, 3}) {
    for (unsigned threads : {0u, 1u, 2u}) {
      respawn::save_options options;
      options.compression_level = level;
      options.threads = threads;
      options.frame_bytes = 4096;
      const auto info = respawn::save(*plan, dir / "variant.snap", options);
      EXPECT_EQ(info.hash, reference.hash) << "level " << level << " threads " << threads;
      EXPECT_EQ(info.raw_bytes, reference.raw_bytes);
      EXPECT_TRUE(sample::same_plan(*plan, *respawn::load<sample::Plan>(dir / "variant.snap")));
      if (level == 0) EXPECT_GT(info.stored_bytes, info.raw_bytes);
      if (level > 0) EXPECT_LT(info.stored_bytes * 2, info.raw_bytes);
    }
  }
}

TEST(SnapshotTest, DifferentContentGivesADifferentHash) {
  temp_dir dir;
  auto plan = sample::make_plan(50);
  const auto before = respawn::save(*plan, dir / "a.snap");
  plan->tasks[42]->name += "x";
  EXPECT_NE(respawn::save(*plan, dir / "b.snap").hash, before.hash);
}

std::string run_probe(const std::filesystem::path& output) {
  const std::string command = std::string(RESPAWN_HASH_PROBE) + " " + output.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char line[128] = {};
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = ::pclose(pipe);
  if (!read || status != 0) return "probe failed";
  std::string hash(line);
  while (!hash.empty() && hash.back() == '\n') hash.pop_back();
  return hash;
}

TEST(SnapshotTest, TheSameGraphHasTheSameHashInAnyProcess) {
  temp_dir dir;
  const std::string first = run_probe(dir / "first.snap");
  const std::string second = run_probe(dir / "second.snap");
  EXPECT_EQ(first.size(), 32u) << first;
  EXPECT_EQ(first, second);
  EXPECT_EQ(first, respawn::save(*sample::make_plan(500), dir / "here.snap").hash);
}

TEST(SnapshotTest, RoundTripThroughAPipeWhileTheWriterStillWrites) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const auto plan = sample::make_plan(5000);  // far more than a pipe buffer holds
  respawn::snapshot_info written;
  std::thread writer([&] {
    written = respawn::save(*plan, fds[1]);
    ::close(fds[1]);
  });
  const auto restored = respawn::load<sample::Plan>(fds[0]);
  writer.join();
  ::close(fds[0]);
  EXPECT_TRUE(sample::same_plan(*plan, *restored));
  EXPECT_EQ(written.hash.size(), 32u);
}

TEST(SnapshotTest, LoadFromADescriptorStopsAtTheEndOfTheSnapshot) {
  temp_dir dir;
  const int fd = ::open((dir / "two.snaps").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  const auto first = sample::make_plan(30);
  const auto second = sample::make_plan(40);
  const auto first_info = respawn::save(*first, fd);
  const auto second_info = respawn::save(*second, fd);
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  EXPECT_TRUE(sample::same_plan(*first, *respawn::load<sample::Plan>(fd)));
  EXPECT_EQ(static_cast<std::uint64_t>(::lseek(fd, 0, SEEK_CUR)), first_info.stored_bytes);
  EXPECT_TRUE(sample::same_plan(*second, *respawn::load<sample::Plan>(fd)));
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  EXPECT_EQ(respawn::verify(fd).hash, first_info.hash);
  EXPECT_EQ(respawn::verify(fd).hash, second_info.hash);
  ::close(fd);
}

TEST(SnapshotTest, VerifyReportsWhatSaveReported) {
  temp_dir dir;
  const auto saved = respawn::save(*sample::make_plan(100), dir / "plan.snap");
  const auto verified = respawn::verify(dir / "plan.snap");
  EXPECT_EQ(verified.hash, saved.hash);
  EXPECT_EQ(verified.raw_bytes, saved.raw_bytes);
  EXPECT_EQ(verified.stored_bytes, saved.stored_bytes);
  EXPECT_EQ(verified.root_type, saved.root_type);
}

TEST(SnapshotTest, WritingToAClosedPipeIsAnIoError) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::close(fds[0]);
  std::signal(SIGPIPE, SIG_IGN);
  expect_error(respawn::errc::io_error, [&] { respawn::save(*sample::make_plan(10), fds[1]); },
               {"fd " + std::to_string(fds[1])});
  ::close(fds[1]);
}

}  // namespace

namespace {

TEST(SnapshotCostsTest, CostsAreMeasuredOnlyWhenAskedAndAddUp) {
  respawn::testing::temp_dir dir;
  const auto plan = sample::make_plan(200);
  EXPECT_TRUE(respawn::save(*plan, dir / "plain.snap").costs.empty());

  respawn::save_options options;
  options.measure_costs = true;
  const auto info = respawn::save(*plan, dir / "costs.snap", options);
  ASSERT_EQ(info.costs.size(), 2u);
  const respawn::type_cost& root = info.costs[0];
  EXPECT_EQ(root.type, "sample::Plan");
  EXPECT_EQ(root.objects, 1u);
  EXPECT_EQ(root.bytes, info.raw_bytes);  // the root holds everything
  ASSERT_EQ(root.fields.size(), 4u);
  EXPECT_EQ(root.fields[2].field, "tasks");
  std::uint64_t field_sum = 0;
  for (const auto& field : root.fields) field_sum += field.bytes;
  EXPECT_EQ(field_sum, root.bytes);

  const respawn::type_cost& task = info.costs[1];
  EXPECT_EQ(task.type, "sample::Task");
  EXPECT_EQ(task.objects, 201u);      // 200 tasks and the current one
  ASSERT_EQ(task.fields.size(), 3u);  // the lazy label writes nothing and is not listed
  EXPECT_EQ(task.fields[0].field, "id");
  EXPECT_EQ(task.fields[0].bytes, 201u * sizeof(std::uint64_t));
  std::uint64_t names = 0;  // each a one-byte length (under 128) and the characters
  for (const auto& t : plan->tasks) names += 1 + t->name.size();
  names += 1 + plan->current->name.size();
  EXPECT_EQ(task.fields[1].bytes, names);
  // The same payload as without measuring.
  EXPECT_EQ(info.hash, respawn::verify(dir / "plain.snap").hash);
}

}  // namespace
