// Crash safety of save to a path: a child process saves state A and state B,
// alternately, over one file, and is killed with SIGKILL at a random moment
// (the random delays come from a fixed seed). After every kill the file loads
// whole and equals A or B, never a mix or a cut. A save killed between
// creating its temporary file and renaming it leaves that temporary behind;
// the next save removes it (snapshot/atomic_file.cpp: a temporary no live
// writer holds locked), so at most one is ever left, and never a live one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
#include "snapshot/atomic_file.hpp"
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
// The name atomic_file gives a temporary of `target`, with mkostemp's six
// characters replaced by `suffix`.
std::string temporary_name(const fs::path& target, const std::string& suffix) {
  return "." + target.filename().string() + ".tmp-" + suffix;
}

std::set<std::string> temporaries_of(const fs::path& target) {
  const std::string prefix = temporary_name(target, "");
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
  std::size_t most = 0;
  std::set<std::string> previous;
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

    // Each save first removes what killed saves left, so kills never pile up
    // more than the one temporary of the save killed last.
    const std::set<std::string> now = temporaries_of(file);
    EXPECT_LE(now.size(), 1u) << "temporaries of killed saves pile up";
    if (!now.empty() && now != previous) ++left_temporary;
    most = std::max(most, now.size());
    previous = now;
    for (const std::string& name : now) {
      struct stat info {};
      ASSERT_EQ(::stat((dir.path() / name).c_str(), &info), 0);
      EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
    }
  }
  EXPECT_EQ(seen_a + seen_b, trials);
  EXPECT_GT(seen_a, 0);
  EXPECT_GT(seen_b, 0);
  EXPECT_GT(left_temporary, 0) << "no kill landed inside a save: the delays are too long to test anything";
  // The next save, here, removes the last one.
  respawn::save(*a, file);
  EXPECT_TRUE(temporaries_of(file).empty());
  std::cout << "[ crash safety ] " << trials << " kill trials (one save takes about " << save_time.count()
            << " us here): state A seen " << seen_a << " times, state B " << seen_b
            << " times, never anything else; " << left_temporary
            << " kills landed inside a save and left its temporary file, at most " << most
            << " beside the snapshot at once, none after the next save\n";
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

void create_file(const fs::path& file, const std::string& text = "left over") {
  respawn::testing::write_file(file, text);
  ::chmod(file.c_str(), 0600);
}

// A save removes the temporaries that killed saves of the same target left
// (files of exactly its pattern that no live save holds), and nothing else.
TEST(CrashSafetyTest, TheNextSaveRemovesStaleTemporariesOfItsTargetOnly) {
  respawn::testing::temp_dir dir;
  const fs::path file = dir / "state.snap";
  const std::string stale[] = {temporary_name(file, "AbC123"), temporary_name(file, "zzzzzz"),
                               temporary_name(file, "000000")};
  for (const std::string& name : stale) create_file(dir / name);
  const std::string kept[] = {
      temporary_name(file, "AbC12"),             // mkostemp always draws six characters
      temporary_name(file, "AbC1234"),           //
      temporary_name(file, "AbC12-"),            // ... from [A-Za-z0-9]
      ".other.snap.tmp-AbC123",                  // another target's
      ".state.snap.tmp-AbC123.bak",              //
      "state.snap.tmp-AbC123",                   // not hidden: not ours
      ".state.snap.tmp-XXXXXX.state.snap.tmp-",  //
  };
  for (const std::string& name : kept) create_file(dir / name);
  // Of the pattern, but not a regular file: a folder, and a symbolic link
  // (which must not be followed to its target either).
  fs::create_directory(dir / temporary_name(file, "folder"));
  create_file(dir / "linked");
  fs::create_symlink(dir / "linked", dir / temporary_name(file, "link00"));

  respawn::save(*make_state('A'), file);
  for (const std::string& name : stale) EXPECT_FALSE(fs::exists(dir / name)) << name;
  for (const std::string& name : kept) EXPECT_TRUE(fs::exists(dir / name)) << name;
  EXPECT_TRUE(fs::is_directory(dir / temporary_name(file, "folder")));
  EXPECT_TRUE(fs::is_symlink(dir / temporary_name(file, "link00")));
  EXPECT_EQ(respawn::testing::read_file(dir / "linked"), "left over");
  EXPECT_TRUE(sample::same_plan(*respawn::load<sample::Plan>(file), *make_state('A')));
}

// A save in progress holds its temporary locked; other saves of the same
// target, in this process or another, leave it alone, and it still commits.
TEST(CrashSafetyTest, ASaveInProgressKeepsItsTemporaryWhileOthersSave) {
  respawn::testing::temp_dir dir;
  const fs::path file = dir / "state.snap";
  const auto a = make_state('A');
  const auto b = make_state('B');
  {
    respawn::detail::atomic_file pending(file);  // this process
    respawn::save(*b, pending.fd());
    const std::set<std::string> mine = temporaries_of(file);
    ASSERT_EQ(mine.size(), 1u);
    for (int i = 0; i < 3; ++i) respawn::save(*a, file);
    EXPECT_EQ(temporaries_of(file), mine);
    pending.commit();
  }
  EXPECT_TRUE(sample::same_plan(*respawn::load<sample::Plan>(file), *b));
  EXPECT_TRUE(temporaries_of(file).empty());

  // Another process: it creates its temporary and writes B, the parent saves
  // A three times, then the child commits.
  int ready[2];
  int go[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(go), 0);
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    try {
      respawn::detail::atomic_file pending(file);
      respawn::save(*b, pending.fd());
      char byte = 1;
      if (::write(ready[1], &byte, 1) != 1 || ::read(go[0], &byte, 1) != 1) ::_exit(3);
      pending.commit();
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child failed before it was ready";
  const std::set<std::string> theirs = temporaries_of(file);
  ASSERT_EQ(theirs.size(), 1u);
  for (int i = 0; i < 3; ++i) respawn::save(*a, file);
  EXPECT_EQ(temporaries_of(file), theirs);
  ASSERT_EQ(::write(go[1], &byte, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  for (const int fd : {ready[0], ready[1], go[0], go[1]}) ::close(fd);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child's save failed: " << status;
  EXPECT_TRUE(sample::same_plan(*respawn::load<sample::Plan>(file), *b));
  EXPECT_TRUE(temporaries_of(file).empty());
}

}  // namespace
