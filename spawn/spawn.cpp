// respawn::spawn: posix_spawn with a descriptor plan, the hand-off of the
// state through a pipe (or, for measurement, a sealed memfd), and the child's
// confirmation through a second pipe.
//
// Descriptors in the child: the state goes to the lowest number above 2 and
// above every kept descriptor (usually 3), the confirmation pipe to the next,
// so that every number below them can be closed one by one and everything
// above with one closefrom action (glibc >= 2.34). Closing a number that was
// not open is fine: glibc ignores EBADF of a close action for numbers below
// the descriptor limit. Nothing the parent happens to have open, O_CLOEXEC or
// not, reaches the child. Our own descriptors are O_CLOEXEC from birth, so a
// process another thread of the parent starts at the same time never holds
// the pipe (a reader would then never see its end).
#include "respawn/spawn.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "respawn/error.hpp"
#include "spawn/process.hpp"

extern char** environ;

namespace respawn {
namespace detail {
namespace {

using spawn_detail::unique_fd;

[[noreturn]] void fail(const std::string& who, const std::string& what, int err) {
  throw error(errc::io_error, "spawn " + who + ": " + what + ": " + std::generic_category().message(err));
}

void check(int rc, const std::string& who, const char* what) {
  if (rc != 0) fail(who, what, rc);
}

// The executable's path, for messages: /proc/self/exe means nothing to a reader.
std::string self_path() {
  char buffer[4096];
  const ssize_t size = ::readlink("/proc/self/exe", buffer, sizeof buffer);
  return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string("/proc/self/exe");
}

class file_actions {
 public:
  explicit file_actions(const std::string& who) {
    check(posix_spawn_file_actions_init(&actions_), who, "file actions");
  }
  ~file_actions() { posix_spawn_file_actions_destroy(&actions_); }
  file_actions(const file_actions&) = delete;
  file_actions& operator=(const file_actions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class spawn_attributes {
 public:
  explicit spawn_attributes(const std::string& who) {
    check(posix_spawnattr_init(&attributes_), who, "attributes");
  }
  ~spawn_attributes() { posix_spawnattr_destroy(&attributes_); }
  spawn_attributes(const spawn_attributes&) = delete;
  spawn_attributes& operator=(const spawn_attributes&) = delete;
  posix_spawnattr_t* get() { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

// Where the child finds the hand-off's descriptors.
struct child_descriptors {
  int state = -1;
  int confirm = -1;
};

// The highest descriptor the child keeps at its number: 2 (stderr) or a kept one.
int highest_kept(const std::vector<int>& keep) {
  return keep.empty() ? 2 : std::max(2, *std::max_element(keep.begin(), keep.end()));
}

// Closes every descriptor but 0-2, `keep` and the two of the hand-off (moved
// to the numbers returned, just above highest_kept), and changes the folder
// if asked. The two sources must lie above those numbers (see lift_above), so
// that no dup2 overwrites the source of another.
child_descriptors plan_descriptors(file_actions& actions, const std::vector<int>& keep, int state_fd,
                                   int confirm_fd, const std::filesystem::path& cwd, const std::string& who) {
  const std::set<int> kept(keep.begin(), keep.end());
  const int top = highest_kept(keep);
  const child_descriptors target{top + 1, top + 2};
  check(posix_spawn_file_actions_adddup2(actions.get(), state_fd, target.state), who, "dup2 action");
  check(posix_spawn_file_actions_adddup2(actions.get(), confirm_fd, target.confirm), who, "dup2 action");
  for (int fd : kept) {
    // dup2 of a descriptor onto itself clears its close-on-exec flag (POSIX
    // 2017, glibc >= 2.29), so a kept descriptor survives the exec whatever
    // its flag.
    check(posix_spawn_file_actions_adddup2(actions.get(), fd, fd), who, "keep_fds action");
  }
  for (int fd = 3; fd < target.state; ++fd) {
    if (kept.count(fd) == 0) check(posix_spawn_file_actions_addclose(actions.get(), fd), who, "close action");
  }
  check(posix_spawn_file_actions_addclosefrom_np(actions.get(), target.confirm + 1), who, "closefrom action");
  if (!cwd.empty())
    check(posix_spawn_file_actions_addchdir_np(actions.get(), cwd.c_str()), who, "chdir action");
  return target;
}

bool is_hand_off_variable(const std::string& name) {
  return name == kStateFdVariable || name == kConfirmFdVariable;
}

// This process's environment with `extra` set and the hand-off's variables
// naming the child's descriptors.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra,
                                           const child_descriptors& fds, const std::string& who) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (!is_hand_off_variable(name) && extra.count(name) == 0) env.emplace_back(text);
  }
  for (const auto& [name, value] : extra) {
    if (name.empty() || name.find('=') != std::string::npos || is_hand_off_variable(name)) {
      throw error(errc::io_error, "spawn " + who + ": spawn_options::env: \"" + name +
                                      "\" cannot be set (empty, contains '=', or is one of " +
                                      kStateFdVariable + " and " + kConfirmFdVariable + ")");
    }
    env.push_back(name + "=" + value);
  }
  env.push_back(std::string(kStateFdVariable) + "=" + std::to_string(fds.state));
  env.push_back(std::string(kConfirmFdVariable) + "=" + std::to_string(fds.confirm));
  return env;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

void check_options(const spawn_options& options, const std::string& who) {
  for (int fd : options.keep_fds) {
    if (fd < 0 || ::fcntl(fd, F_GETFD) == -1) {
      throw error(errc::io_error, "spawn " + who + ": spawn_options::keep_fds: descriptor " +
                                      std::to_string(fd) + " is not open");
    }
  }
  std::error_code ec;
  if (!options.cwd.empty() && !std::filesystem::is_directory(options.cwd, ec)) {
    throw error(errc::io_error,
                "spawn " + who + ": spawn_options::cwd: " + options.cwd.string() + " is not a folder");
  }
}

// Starts the process with the state on `state_fd` and the confirmation pipe's
// write end `confirm_fd`; throws io_error if it cannot.
pid_t start(const std::string& program, std::vector<std::string> argv, const spawn_options& options,
            int state_fd, int confirm_fd, const std::string& who) {
  file_actions actions(who);
  const child_descriptors fds =
      plan_descriptors(actions, options.keep_fds, state_fd, confirm_fd, options.cwd, who);

  // A fresh program starts with no blocked signals and SIGPIPE at its default,
  // whatever the spawning thread had (the fd writer blocks SIGPIPE around its
  // writes; a thread pool may block others). Signals the parent ignores stay
  // ignored, as with exec.
  spawn_attributes attributes(who);
  sigset_t none;
  sigset_t sigpipe;
  sigemptyset(&none);
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  check(posix_spawnattr_setsigmask(attributes.get(), &none), who, "signal mask");
  check(posix_spawnattr_setsigdefault(attributes.get(), &sigpipe), who, "signal defaults");
  check(posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), who,
        "flags");

  std::vector<std::string> env = child_environment(options.env, fds, who);
  std::vector<char*> env_pointers = pointers_to(env);
  std::vector<char*> arg_pointers = pointers_to(argv);
  pid_t pid = -1;
  // glibc's posix_spawn reports a failed exec (ENOENT, EACCES, ENOEXEC...) as
  // its result: the child runs on the parent's memory until exec succeeds.
  const bool search = program.find('/') == std::string::npos;
  const int rc = search ? ::posix_spawnp(&pid, program.c_str(), actions.get(), attributes.get(),
                                         arg_pointers.data(), env_pointers.data())
                        : ::posix_spawn(&pid, program.c_str(), actions.get(), attributes.get(),
                                        arg_pointers.data(), env_pointers.data());
  if (rc != 0) fail(who, "cannot start the program", rc);
  return pid;
}

// `fd` moved to a number above `floor` (still close-on-exec).
unique_fd lift_above(unique_fd fd, int floor, const std::string& who) {
  if (fd.get() > floor) return fd;
  unique_fd lifted(::fcntl(fd.get(), F_DUPFD_CLOEXEC, floor + 1));
  if (lifted.get() < 0) fail(who, "fcntl(F_DUPFD_CLOEXEC)", errno);
  return lifted;
}

// A pipe whose two ends are close-on-exec.
std::pair<unique_fd, unique_fd> make_pipe(const std::string& who) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) fail(who, "pipe", errno);
  return {unique_fd(ends[0]), unique_fd(ends[1])};
}

// What the child said on the confirmation pipe: "k", "e<code>\n<message>",
// or "" when it closed the pipe (or ended) without a word. With `wait` false,
// only what is there already.
std::string read_confirmation(int fd, bool wait) {
  if (!wait) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string message;
  char buffer[4096];
  while (message.size() < 65536) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      message.append(buffer, static_cast<std::size_t>(got));
      if (message == "k") break;  // the whole of a confirmation
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  return message;
}

// The error a child reported: its code and message.
std::optional<error> reported_error(const std::string& message) {
  if (message.size() < 2 || message[0] != 'e') return std::nullopt;
  const std::size_t newline = message.find('\n');
  const std::string name = message.substr(1, newline == std::string::npos ? std::string::npos : newline - 1);
  const std::string text = newline == std::string::npos ? "" : message.substr(newline + 1);
  errc code = errc::io_error;
  for (int value = 0; value <= static_cast<int>(errc::policy_violation); ++value) {
    if (name == to_string(static_cast<errc>(value))) code = static_cast<errc>(value);
  }
  return error(code, "the child could not restore its state: " + text);
}

}  // namespace

std::string self_argv0() {
  return program_invocation_name != nullptr ? program_invocation_name : "respawn-child";
}

child child_access::make(pid_t pid, std::string program) { return child(pid, std::move(program)); }

// How a child that failed the hand-off ended, reaped here so that spawn()
// leaves no process behind: on its own, or killed because it still ran.
std::string child_access::end(child& started) {
  int status = 0;
  pid_t ended = 0;
  while ((ended = ::waitpid(started.pid_, &status, WNOHANG)) == -1 && errno == EINTR) {
  }
  const bool ended_first = ended == started.pid_;
  if (ended_first) {
    started.reaped_ = true;
    started.status_ = status;
  } else {
    started.kill_and_reap();
  }
  if (started.wait_error_ != 0) return "could not be waited for";
  std::string how = spawn_detail::describe_status(started.status_);
  if (!ended_first && WIFSIGNALED(started.status_) && WTERMSIG(started.status_) == SIGKILL) {
    how += " (by respawn: it was still running)";
  }
  return how;
}

child spawn_process(const std::string& program_in, const std::vector<std::string>& argv,
                    const spawn_options& options, state_writer writer, const void* root,
                    const spawn_tuning& tuning) {
  if (argv.empty() || (program_in.empty() && argv.front().empty())) {
    throw error(errc::io_error, "spawn: no program: argv must start with the program's path or name");
  }
  const bool self = !program_in.empty();
  std::string program = self ? program_in : argv.front();
  const std::string who = self ? self_path() : program;
  check_options(options, who);
  if (!options.cwd.empty() && program.find('/') != std::string::npos &&
      std::filesystem::path(program).is_relative()) {
    program = std::filesystem::absolute(program).string();
  }
  save_options save;
  save.compression_level = options.compression_level;
  save.threads = options.threads;
  auto [confirm_read, confirm_write] = make_pipe(who);

  unique_fd state_read;   // what the child reads: the pipe's read end, or the memfd
  unique_fd state_write;  // the pipe's write end
  if (tuning.transport == spawn_transport::memfd) {
    state_read = unique_fd(::memfd_create("respawn-state", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (state_read.get() < 0) fail(who, "memfd_create", errno);
    writer(root, state_read.get(), "memfd for " + who, save);
    if (::fcntl(state_read.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) !=
        0) {
      fail(who, "sealing the memfd", errno);
    }
    // The child shares this open file description, and with it the offset.
    if (::lseek(state_read.get(), 0, SEEK_SET) != 0) fail(who, "lseek on the memfd", errno);
  } else {
    std::tie(state_read, state_write) = make_pipe(who);
    // A 64 KiB pipe makes both sides switch for every 64 KiB; 1 MiB lets each
    // run longer (docs/decisions.md). Above /proc/sys/fs/pipe-max-size an
    // unprivileged process gets EPERM: keep the default then.
    if (tuning.pipe_bytes != 0) ::fcntl(state_write.get(), F_SETPIPE_SZ, static_cast<int>(tuning.pipe_bytes));
  }

  // Above the numbers they get in the child, so the dup2s there never clash.
  const int floor = highest_kept(options.keep_fds) + 2;
  state_read = lift_above(std::move(state_read), floor, who);
  confirm_write = lift_above(std::move(confirm_write), floor, who);
  child started =
      child_access::make(start(program, argv, options, state_read.get(), confirm_write.get(), who), who);
  // The child holds the only reader of the state and the only writer of the
  // confirmation: if it goes away, writes fail with EPIPE and reads see the end.
  state_read.reset();
  confirm_write.reset();
  std::optional<error> failure;
  if (state_write.get() >= 0) {
    try {
      writer(root, state_write.get(), "pipe to " + who, save);
    } catch (const error& e) {
      failure = error(e.code(), "the state was not handed over: " + std::string(e.what()));
    }
    state_write.reset();  // a child still reading sees the end of the snapshot
  }
  // A write that failed (io_error, EPIPE) failed because the child closed the
  // state, which it does after its report if it made one: what is in the pipe
  // then is all there will be, and the report says more than EPIPE. Any other
  // failure is this process's own (the graph broke a policy): it stands.
  const bool write_failed = failure && failure->code() == errc::io_error;
  const std::string confirmation =
      !failure || write_failed ? read_confirmation(confirm_read.get(), !failure) : std::string();
  if (!failure && confirmation == "k") return started;
  if (std::optional<error> reported = reported_error(confirmation)) {
    failure = std::move(reported);
  } else if (!failure) {
    failure = error(errc::io_error, "the child did not confirm that it holds its state");
  }
  const std::string how = child_access::end(started);
  throw error(failure->code(), "spawn " + who + " (pid " + std::to_string(started.pid()) +
                                   "): " + failure->what() + "; the child " + how);
}

}  // namespace detail
}  // namespace respawn
