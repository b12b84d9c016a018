// Crash safety of save to a path: a child process saves state A and state B,
// alternately, over one file, and is killed with SIGKILL at a random moment
// (the random delays come from a fixed seed). After every kill the file loads
// whole and equals A or B, never a mix or a cut; a save killed between
// creating its temporary file and renaming it leaves that temporary behind,
// at most one per kill (snapshot/atomic_file.cpp does not remove stale ones).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "respawn/respawn.hpp"
#include "sample_graph.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int trials = 200;

std::unique_ptr<sample::Plan> make_state(char which) {
  auto plan = sample::make_plan(which == 'A' ? 4000 : 4001);
  plan->title = std::string("state ") + which;
  return plan;
}

// The temporary files atomic_file creates beside `target`: ".<name>.tmp-XXXXXX".
std::set<std::string> temporaries_of(const fs::path& target) {
  const std::string prefix = "." + target.filename().string() + ".tmp-";
  std::set<std::string> found;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() == prefix.size() + 6) found.insert(name);
  }
  return found;
}

// Saves A and B in turn (starting with `first`) until killed; writes one byte
// to `done_fd` after each completed save. Never returns.
[[noreturn]] void save_forever(const fs::path& file, const sample::Plan& a, const sample::Plan& b, int first,
                               int done_fd) {
  try {
    for (int i = first;; ++i) {
      respawn::save(i % 2 == 0 ? a : b, file);
      const char done = 1;
      if (::write(done_fd, &done, 1) != 1) ::_exit(3);
    }
  } catch (...) {
    ::_exit(2);
  }
}

TEST(CrashSafetyTest, KilledSavesLeaveTheOldOrTheNewStateWhole) {
  respawn::testing::temp_dir dir;
  const fs::path file = dir / "state.snap";
  const auto a = make_state('A');
  const auto b = make_state('B');

  // One save here sets the scale of the random delays (not an assertion).
  const auto start = std::chrono::steady_clock::now();
  respawn::save(*a, file);
  const auto save_time =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  std::mt19937 random(20240917);
  std::uniform_int_distribution<std::int64_t> delay_us(0,
                                                       std::max<std::int64_t>(2 * save_time.count(), 2000));
  std::uniform_int_distribution<int> saves_before(0, 2);

  int seen_a = 0;
  int seen_b = 0;
  int left_temporary = 0;
  std::size_t temporaries = 0;
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    int done[2];
    ASSERT_EQ(::pipe(done), 0);
    const int wait_for = saves_before(random);
    const auto delay = std::chrono::microseconds(delay_us(random));
    const pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      ::close(done[0]);
      save_forever(file, *a, *b, trial, done[1]);
    }
    ::close(done[1]);
    // Let the child complete a few saves (so both states reach the file), then
    // kill it somewhere inside a later one.
    for (int i = 0; i < wait_for; ++i) {
      char byte = 0;
      ASSERT_EQ(::read(done[0], &byte, 1), 1) << "the saving child died";
    }
    std::this_thread::sleep_for(delay);
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ::close(done[0]);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended by itself: " << status;

    std::unique_ptr<sample::Plan> loaded;
    try {
      respawn::verify(file);
      loaded = respawn::load<sample::Plan>(file);
    } catch (const respawn::error& e) {
      FAIL() << "after a kill the snapshot does not load: " << e.what();
    }
    if (sample::same_plan(*loaded, *a)) {
      ++seen_a;
    } else if (sample::same_plan(*loaded, *b)) {
      ++seen_b;
    } else {
      ADD_FAILURE() << "after a kill the snapshot holds neither state";
    }

    const std::set<std::string> now = temporaries_of(file);
    EXPECT_LE(now.size(), temporaries + 1) << "one kill left more than one temporary file";
    if (now.size() > temporaries) ++left_temporary;
    temporaries = now.size();
    for (const std::string& name : now) {
      struct stat info {};
      ASSERT_EQ(::stat((dir.path() / name).c_str(), &info), 0);
      EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
    }
  }
  EXPECT_EQ(seen_a + seen_b, trials);
  EXPECT_GT(seen_a, 0);
  EXPECT_GT(seen_b, 0);
  EXPECT_EQ(static_cast<int>(temporaries), left_temporary);
  std::cout << "[ crash safety ] " << trials << " kill trials (one save takes about " << save_time.count()
            << " us here): state A seen " << seen_a << " times, state B " << seen_b
            << " times, never anything else; " << left_temporary
            << " kills landed inside a save and left its temporary file (" << temporaries
            << " stale temporaries now beside the snapshot)\n";
}

// Atomic replacement in one process: a save that fails half-way (here, on a
// policy error after some objects were written) leaves the old file as it was
// and removes its temporary.
TEST(CrashSafetyTest, FailedSaveLeavesTheOldFileAndNoTemporary) {
  respawn::testing::temp_dir dir;
  const fs::path file = dir / "state.snap";
  const auto a = make_state('A');
  respawn::save(*a, file);
  const std::string before = respawn::testing::read_file(file);
  auto broken = make_state('B');
  sample::Task stray;  // reached through a raw pointer only: nothing in the graph owns it
  broken->tasks[10]->after.push_back(&stray);
  EXPECT_THROW(respawn::save(*broken, file), respawn::error);
  EXPECT_EQ(respawn::testing::read_file(file), before);
  EXPECT_TRUE(temporaries_of(file).empty());
}

}  // namespace
