// Spawn hand-off: round trips to a child program and to this executable
// (spawn_self), the env, cwd and keep_fds options, and every failure of the
// hand-off on the side that can act on it. This executable has its own main:
// started by spawn_self, it is a child (child_modes.cpp) and runs no tests.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

#include "payload.hpp"
#include "test_util.hpp"

namespace {

using respawn::errc;
using respawn::testing::expect_error;
using spawn_test::kLargeBlocks;
using spawn_test::make_payload;
using spawn_test::Payload;

const std::string kChild = SPAWN_TEST_CHILD;

// A descriptor pair from pipe2(O_CLOEXEC), closed on destruction.
struct test_pipe {
  int read_end = -1;
  int write_end = -1;
  test_pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_end = ends[0];
    write_end = ends[1];
  }
  ~test_pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  // Everything written until every write end is closed.
  std::string read_all() {
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(read_end, buffer, sizeof buffer)) != 0) {
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw std::runtime_error("read failed");
      text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
  }
};

// True when `pid` is no child of ours any more (reaped) and no process.
bool reaped_and_gone(pid_t pid) {
  int status = 0;
  const bool not_our_child = ::waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD;
  const bool gone = ::kill(pid, 0) == -1 && errno == ESRCH;
  return not_our_child && gone;
}

Payload small_payload() { return make_payload("small", 3, 4); }

// --- Round trips ---------------------------------------------------------------------------------

TEST(SpawnTest, ChildProgramRestoresTheState) {
  const Payload payload = make_payload("round trip", 11, kLargeBlocks);
  respawn::child c =
      respawn::spawn(payload, {kChild, "check", "round trip", "11", std::to_string(kLargeBlocks)});
  EXPECT_GT(c.pid(), 0);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnTest, ChildExitCodeReachesTheParent) {
  // The child checks against seed 12 but receives seed 11: it exits with 1.
  const Payload payload = make_payload("round trip", 11, 8);
  respawn::child c = respawn::spawn(payload, {kChild, "check", "round trip", "12", "8"});
  EXPECT_EQ(c.wait(), 1);
  EXPECT_EQ(c.wait(), 1) << "a second wait() gives the same exit code";
}

TEST(SpawnTest, CompressedHandOffRoundTrips) {
  const Payload payload = make_payload("compressed", 5, 64);
  respawn::spawn_options options;
  options.compression_level = 3;
  options.threads = 2;
  respawn::child c = respawn::spawn(payload, {kChild, "check", "compressed", "5", "64"}, options);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnTest, ParentMayChangeTheStateOnceSpawnReturns) {
  Payload payload = make_payload("before", 21, kLargeBlocks);
  respawn::child c = respawn::spawn(payload, {kChild, "check", "before", "21", std::to_string(kLargeBlocks)});
  payload.label = "after";
  payload.blocks.clear();
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnTest, MemfdTransportRoundTrips) {
  // The transport docs/decisions.md measured against the pipe, kept for the benchmark.
  const Payload payload = make_payload("memfd", 9, 300);
  respawn::detail::spawn_tuning tuning;
  tuning.transport = respawn::detail::spawn_transport::memfd;
  respawn::child c = respawn::detail::spawn_process({}, {kChild, "check", "memfd", "9", "300"}, {},
                                                    &respawn::detail::write_state<Payload>, &payload, tuning);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnTest, DefaultSizedPipeRoundTrips) {
  const Payload payload = make_payload("small pipe", 9, 300);
  respawn::detail::spawn_tuning tuning;
  tuning.pipe_bytes = 0;
  respawn::child c = respawn::detail::spawn_process({}, {kChild, "check", "small pipe", "9", "300"}, {},
                                                    &respawn::detail::write_state<Payload>, &payload, tuning);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnSelfTest, ThisExecutableDetectsItsParentInMain) {
  const Payload payload = make_payload("self", 13, kLargeBlocks);
  respawn::child c = respawn::spawn_self(payload, {"check", "self", "13", std::to_string(kLargeBlocks)});
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnSelfTest, ChildTakesItsStateOnce) {
  respawn::child c = respawn::spawn_self(small_payload(), {"restore-twice"});
  EXPECT_EQ(c.wait(), 0);
}

// --- Options ---------------------------------------------------------------------------------------

TEST(SpawnOptionsTest, EnvAddsAndReplacesVariables) {
  ::setenv("RESPAWN_TEST_INHERITED", "from the parent", 1);
  ::setenv("RESPAWN_TEST_REPLACED", "parent value", 1);
  respawn::spawn_options options;
  options.env = {{"RESPAWN_TEST_ADDED", "added"}, {"RESPAWN_TEST_REPLACED", "child value"}};
  respawn::child c = respawn::spawn(small_payload(),
                                    {kChild, "env", "RESPAWN_TEST_INHERITED", "from the parent",
                                     "RESPAWN_TEST_ADDED", "added", "RESPAWN_TEST_REPLACED", "child value"},
                                    options);
  EXPECT_EQ(c.wait(), 0);
  ::unsetenv("RESPAWN_TEST_INHERITED");
  ::unsetenv("RESPAWN_TEST_REPLACED");
}

TEST(SpawnOptionsTest, EnvCannotSetTheHandOffVariables) {
  respawn::spawn_options options;
  options.env = {{respawn::kStateFdVariable, "4"}};
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "check"}, options);
               },
               {respawn::kStateFdVariable});
  options.env = {{respawn::kConfirmFdVariable, "5"}};
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "check"}, options);
               },
               {respawn::kConfirmFdVariable});
  options.env = {{"A=B", "c"}};
  expect_error(errc::io_error, [&] { respawn::spawn(small_payload(), {kChild, "check"}, options); }, {"A=B"});
}

TEST(SpawnOptionsTest, CwdSetsTheWorkingFolder) {
  respawn::testing::temp_dir folder;
  respawn::spawn_options options;
  options.cwd = folder.path();
  respawn::child c = respawn::spawn(small_payload(), {kChild, "cwd", folder.path().string()}, options);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnOptionsTest, RelativeProgramPathIsResolvedBeforeTheFolderChanges) {
  respawn::testing::temp_dir folder;
  respawn::spawn_options options;
  options.cwd = folder.path();
  const std::string relative = std::filesystem::relative(kChild).string();
  ASSERT_EQ(relative.find('/') != std::string::npos || relative.rfind("..", 0) == 0, true) << relative;
  respawn::child c = respawn::spawn(small_payload(), {relative, "cwd", folder.path().string()}, options);
  EXPECT_EQ(c.wait(), 0);
}

TEST(SpawnOptionsTest, CwdThatIsNoFolderIsRefused) {
  respawn::spawn_options options;
  options.cwd = "/nonexistent/respawn-folder";
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "check"}, options);
               },
               {"spawn_options::cwd", "/nonexistent/respawn-folder"});
}

TEST(SpawnOptionsTest, KeptDescriptorIsUsableAndOthersAreClosed) {
  test_pipe report;
  // Kept: the report pipe's write end, close-on-exec, at 50. Not kept, and
  // not close-on-exec: one below it (closed by a close action) and one above
  // it (closed by closefrom).
  const int kept = ::fcntl(report.write_end, F_DUPFD_CLOEXEC, 50);
  const int below = ::open("/dev/null", O_RDONLY);
  const int above = ::fcntl(below, F_DUPFD, 200);
  ASSERT_EQ(::fcntl(below, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_EQ(::fcntl(above, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_LT(below, kept);
  report.close_write();
  respawn::spawn_options options;
  options.keep_fds = {kept};
  respawn::child c = respawn::spawn(small_payload(),
                                    {kChild, "fds", std::to_string(kept), std::to_string(below),
                                     std::to_string(above), std::to_string(kept - 1)},
                                    options);
  ::close(kept);
  EXPECT_EQ(report.read_all(), "kept\n");
  EXPECT_EQ(c.wait(), 0);
  ::close(below);
  ::close(above);
}

TEST(SpawnOptionsTest, WithoutKeepFdsOnlyStandardDescriptorsAndTheStateReachTheChild) {
  // Not close-on-exec, and neither 3 nor 4: the hand-off comes on those.
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int leaked = ::fcntl(null, F_DUPFD, 10);
  const int high = ::fcntl(null, F_DUPFD, 300);
  respawn::child c = respawn::spawn(small_payload(),
                                    {kChild, "fds", "-1", std::to_string(leaked), std::to_string(high), "5"});
  EXPECT_EQ(c.wait(), 0);
  ::close(null);
  ::close(leaked);
  ::close(high);
}

TEST(SpawnOptionsTest, KeepFdsMustBeOpen) {
  respawn::spawn_options options;
  options.keep_fds = {987};
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "check"}, options);
               },
               {"keep_fds", "987", "not open"});
}

// --- Failures --------------------------------------------------------------------------------------

TEST(SpawnFailureTest, MissingProgramIsAnIoError) {
  expect_error(errc::io_error,
               [] {
                 respawn::spawn(small_payload(), {"/nonexistent/respawn-worker", "--flag"});
               },
               {"/nonexistent/respawn-worker", "No such file or directory"});
  expect_error(errc::io_error, [] { respawn::spawn(small_payload(), {"respawn-no-such-program-in-path"}); },
               {"respawn-no-such-program-in-path", "No such file or directory"});
}

TEST(SpawnFailureTest, NonExecutableProgramIsAnIoError) {
  respawn::testing::temp_dir folder;
  const auto program = folder / "not-executable";
  respawn::testing::write_file(program, "#!/bin/sh\nexit 0\n");
  ::chmod(program.c_str(), 0644);
  expect_error(errc::io_error, [&] { respawn::spawn(small_payload(), {program.string()}); },
               {program.string(), "Permission denied"});
}

TEST(SpawnFailureTest, EmptyArgumentListIsAnIoError) {
  expect_error(errc::io_error, [] { respawn::spawn(small_payload(), {}); }, {"no program"});
}

TEST(SpawnFailureTest, ChildExitingBeforeReadingIsAnErrorInTheParent) {
  // The state is larger than the pipe: the parent's write fails with EPIPE
  // (an error, not a SIGPIPE death and not a hang), and the message says how
  // the child ended.
  const Payload payload = make_payload("large", 1, kLargeBlocks);
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(payload, {kChild, "exit-now", "3"});
               },
               {kChild, "the state was not handed over", "Broken pipe", "exited with code 3"});
}

TEST(SpawnFailureTest, ChildExitingBeforeReadingASmallStateIsAnErrorInTheParent) {
  // All of it may fit in the pipe before the child exits: the missing
  // confirmation is what tells, whichever comes first.
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "exit-now", "3"});
               },
               {kChild, "exited with code 3"});
}

TEST(SpawnFailureTest, ChildClosingItsDescriptorsIsKilledAndReported) {
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "close-and-sleep"});
               },
               {"killed by signal 9", "by respawn: it was still running"});
}

TEST(SpawnFailureTest, ChildRestoreErrorReachesTheParentWithItsCode) {
  // The child expects another root type, as a worker built from other
  // sources would: the parent gets the child's type_mismatch and message.
  const Payload payload = make_payload("large", 1, kLargeBlocks);
  expect_error(errc::type_mismatch,
               [&] {
                 respawn::spawn(payload, {kChild, "wrong-type"});
               },
               {"the child could not restore its state", "SpawnTestPayload", "SpawnTestOtherRoot"});
  expect_error(errc::type_mismatch,
               [&] {
                 respawn::spawn(small_payload(), {kChild, "wrong-type"});
               },
               {"the child could not restore its state", "SpawnTestOtherRoot"});
}

TEST(SpawnFailureTest, ParentsOwnSaveErrorIsNotMaskedByTheChild) {
  // The pointer's target is owned by nothing in the graph: the parent's save
  // fails, and that, not what the child makes of a broken snapshot, is the error.
  spawn_test::OtherRoot outside;
  const spawn_test::PointerRoot root{&outside};
  expect_error(errc::policy_violation,
               [&] {
                 respawn::spawn(root, {kChild, "check", "x", "1", "1"});
               },
               {"SpawnTestPointerRoot", "target"});
}

TEST(SpawnFailureTest, ChildDyingHalfWayIsAnErrorInTheParent) {
  const Payload payload = make_payload("large", 1, kLargeBlocks);
  const std::string half = std::to_string(kLargeBlocks * spawn_test::kBlockBytes / 2);
  expect_error(errc::io_error,
               [&] {
                 respawn::spawn(payload, {kChild, "read-then-die", half});
               },
               {"the state was not handed over", "Broken pipe", "exited with code 4"});
}

TEST(SpawnFailureTest, ParentDyingMidWriteGivesTheChildTruncated) {
  // This test starts a relay, which spawns a grandchild with a large state;
  // the grandchild kills the relay while it writes, then restores, and
  // reports its error through a pipe kept across both spawns.
  test_pipe report;
  respawn::spawn_options options;
  options.keep_fds = {report.write_end};
  respawn::child relay = respawn::spawn(
      small_payload(), {kChild, "relay", std::to_string(report.write_end), std::to_string(kLargeBlocks)},
      options);
  report.close_write();
  const std::string reported = report.read_all();
  EXPECT_THAT(reported, ::testing::StartsWith("truncated\n"));
  EXPECT_THAT(reported, ::testing::HasSubstr("the state from the parent"));
  expect_error(errc::io_error, [&] { relay.wait(); }, {"killed by signal 9"});
}

TEST(SpawnFailureTest, ChildKilledBySignalIsReportedByWait) {
  respawn::child c = respawn::spawn(small_payload(), {kChild, "kill-self"});
  const std::string pid = std::to_string(c.pid());
  expect_error(errc::io_error, [&] { c.wait(); }, {kChild, "pid " + pid, "killed by signal 9", "Killed"});
  expect_error(errc::io_error, [&] { c.wait(); }, {"killed by signal 9"});
}

TEST(SpawnFailureTest, RestoreWithoutParentIsAClearError) {
  ::unsetenv(respawn::kStateFdVariable);
  EXPECT_FALSE(respawn::spawned_by_parent());
  expect_error(errc::io_error, [] { respawn::restore_from_parent<Payload>(); },
               {"restore_from_parent", "RESPAWN_STATE_FD is not set", "not started by respawn::spawn"});
}

TEST(SpawnFailureTest, RestoreWithBadStateVariableIsAClearError) {
  ::setenv(respawn::kStateFdVariable, "three", 1);
  EXPECT_TRUE(respawn::spawned_by_parent());
  expect_error(errc::io_error, [] { respawn::restore_from_parent<Payload>(); },
               {"\"three\"", "not a descriptor"});
  EXPECT_FALSE(respawn::spawned_by_parent()) << "the variable is taken even when it is wrong";
  ::setenv(respawn::kStateFdVariable, "987", 1);
  expect_error(errc::io_error, [] { respawn::restore_from_parent<Payload>(); },
               {"descriptor 987 is not open"});
}

TEST(SpawnFailureTest, StateThatIsNoSnapshotIsReportedByTheLoad) {
  test_pipe garbage;
  const std::string text = "this is not a snapshot, just some text long enough for a header";
  ASSERT_EQ(::write(garbage.write_end, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  garbage.close_write();
  ::setenv(respawn::kStateFdVariable, std::to_string(garbage.read_end).c_str(), 1);
  expect_error(errc::not_a_snapshot, [] { respawn::restore_from_parent<Payload>(); },
               {"the state from the parent"});
  garbage.read_end = -1;  // restore_from_parent closed it
}

// --- child ---------------------------------------------------------------------------------------

TEST(ChildTest, DestructorKillsAndReapsAChildNobodyWaitedFor) {
  pid_t pid = -1;
  {
    respawn::child c = respawn::spawn(small_payload(), {kChild, "sleep"});
    pid = c.pid();
  }
  EXPECT_TRUE(reaped_and_gone(pid));
}

TEST(ChildTest, MoveTransfersTheProcess) {
  respawn::child first = respawn::spawn(small_payload(), {kChild, "check", "small", "3", "4"});
  const pid_t pid = first.pid();
  respawn::child second(std::move(first));
  EXPECT_EQ(first.pid(), -1);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(second.pid(), pid);
  expect_error(errc::io_error, [&] { first.wait(); },
               {"holds no process"});  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(second.wait(), 0);
}

TEST(ChildTest, MoveAssignmentKillsTheChildItReplaces) {
  respawn::child sleeper = respawn::spawn(small_payload(), {kChild, "sleep"});
  const pid_t sleeper_pid = sleeper.pid();
  sleeper = respawn::spawn(small_payload(), {kChild, "check", "small", "3", "4"});
  EXPECT_TRUE(reaped_and_gone(sleeper_pid));
  EXPECT_EQ(sleeper.wait(), 0);
}

TEST(ChildTest, DefaultChildHoldsNoProcess) {
  respawn::child nothing;
  EXPECT_EQ(nothing.pid(), -1);
  expect_error(errc::io_error, [&] { nothing.wait(); }, {"holds no process"});
}

}  // namespace

int main(int argc, char** argv) {
  if (respawn::spawned_by_parent()) return spawn_test::child_main(argc, argv);
  // A child mode without a state means the detection above failed: running
  // the tests here would spawn this executable again, without end.
  if (argc > 1 && spawn_test::is_child_mode(argv[1])) {
    std::cerr << "spawn_test: started in child mode " << argv[1] << " without a state from a parent\n";
    return 2;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
