// Spawn hand-off: start a fresh process (posix_spawn, never a fork of this
// address space) and hand it an object graph through an inherited pipe. The
// child finds the pipe through its environment and restores the graph while
// the parent still writes it, then confirms through a second pipe that it
// holds the state (or says why it could not). docs/spawn.md shows how to move
// a backend into such a process; docs/decisions.md §10 says why a pipe and not
// a memfd.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "respawn/options.hpp"
#include "respawn/snapshot.hpp"

namespace respawn {

// The environment variables through which a spawned child finds the
// descriptor its state arrives on, and the one on which it confirms that it
// restored the state (or reports why not).
inline constexpr const char* kStateFdVariable = "RESPAWN_STATE_FD";
inline constexpr const char* kConfirmFdVariable = "RESPAWN_CONFIRM_FD";

struct spawn_options {
  // Variables set in the child's environment on top of this process's
  // environment (a name given here replaces an inherited one).
  std::map<std::string, std::string> env;
  // The child's working folder; empty keeps this process's. A relative program
  // path names a file relative to *this* process's working folder.
  std::filesystem::path cwd;
  // zstd level of the hand-off. 0 stores frames uncompressed: the bytes never
  // leave this machine, and compressing them would only cost both sides time.
  int compression_level = 0;
  // Workers that hash (and compress) frames and write them to the pipe while
  // the calling thread serializes (save_options::threads).
  unsigned threads = 1;
  // Descriptors the child keeps, at the same numbers, whatever their
  // close-on-exec flag says. Every other descriptor but 0, 1 and 2 is closed
  // in the child, also those opened without O_CLOEXEC.
  std::vector<int> keep_fds;
};

class child;

namespace detail {

// How the state travels. Only the pipe is used by spawn(); the memfd stays so
// that the measurement of docs/decisions.md §10 can be repeated
// (respawn_spawn_bench --transports=pipe,pipe64k,memfd).
enum class spawn_transport {
  pipe,   // the parent writes while the child restores
  memfd,  // the parent writes a sealed memfd, then spawns
};

struct spawn_tuning {
  spawn_transport transport = spawn_transport::pipe;
  // Pipe capacity asked for with F_SETPIPE_SZ; 0 keeps the kernel's default (64 KiB).
  std::size_t pipe_bytes = std::size_t{1} << 20;
};

using state_writer = snapshot_info (*)(const void* root, int fd, std::string name,
                                       const save_options& options);

template <class T>
snapshot_info write_state(const void* root, int fd, std::string name, const save_options& options) {
  return save_named(*static_cast<const T*>(root), fd, std::move(name), options);
}

// Starts `program` with `argv` (argv[0] included) and writes the state with
// `writer`. An empty `program` means argv[0].
child spawn_process(const std::string& program, const std::vector<std::string>& argv,
                    const spawn_options& options, state_writer writer, const void* root,
                    const spawn_tuning& tuning = {});

// This process's argv[0] (glibc's program_invocation_name).
std::string self_argv0();

// What spawn_process needs of a child beyond its public interface.
struct child_access {
  static child make(pid_t pid, std::string program);
  // Reaps a child whose hand-off failed (killing it first if it still runs);
  // returns how it ended, e.g. "exited with code 3".
  static std::string end(child& started);
};

}  // namespace detail

// A spawned process. Movable, not copyable. Like boost::process::child, a
// child that is destroyed (or assigned over) before wait() returned is killed
// with SIGKILL and reaped: no orphan keeps running with a parent that forgot
// it, and no zombie is left. Call wait() to let a child finish.
class child {
 public:
  child() = default;  // holds no process
  child(child&& other) noexcept;
  child& operator=(child&& other) noexcept;
  ~child();
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  // The process id; -1 for a child that holds no process (default-constructed
  // or moved from).
  pid_t pid() const noexcept { return pid_; }

  // Waits until the process ends and returns its exit code. A process killed
  // by a signal has no exit code: wait() throws respawn::error (io_error)
  // "<program> (pid N) was killed by signal 11 (Segmentation fault)". Calling
  // wait() again gives the same result; on a child that holds no process it
  // throws io_error.
  int wait();

 private:
  friend struct detail::child_access;
  child(pid_t pid, std::string program) : pid_(pid), program_(std::move(program)) {}
  void reap() noexcept;  // waits until the process ends
  int result() const;
  void kill_and_reap() noexcept;

  pid_t pid_ = -1;
  std::string program_;  // for messages
  bool reaped_ = false;  // waitpid returned (or failed: wait_error_)
  int status_ = 0;       // waitpid's status
  int wait_error_ = 0;   // errno of a failed waitpid (ECHILD when SIGCHLD is ignored)
};

namespace detail {

// The child's end of the hand-off: takes the descriptors named by
// RESPAWN_STATE_FD and RESPAWN_CONFIRM_FD (removing the variables, so the
// state is taken once and programs this child starts do not see them) and
// closes them when destroyed. Without RESPAWN_CONFIRM_FD (a state fed by
// hand, e.g. `RESPAWN_STATE_FD=0 worker < snapshot`) nothing is confirmed.
class parent_state {
 public:
  parent_state();
  ~parent_state();
  parent_state(const parent_state&) = delete;
  parent_state& operator=(const parent_state&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

  // Tells the parent that the state is restored; spawn() returns then.
  void confirm() noexcept;
  // Tells the parent why the restore failed (the exception `failure` holds);
  // spawn() throws it there, with the child's error code.
  void report(std::exception_ptr failure) noexcept;

 private:
  void send(const std::string& message) noexcept;

  int fd_ = -1;
  int confirm_fd_ = -1;
  std::string name_;
};

}  // namespace detail

// Starts argv[0] (a path, or a name looked up in PATH) with arguments
// argv[1..], writes `root` to it, and returns once the child confirmed that
// restore_from_parent() built the state (after its after_restore hooks).
// `root` must not change while spawn() runs; afterwards it may.
// Throws respawn::error:
//  - io_error when the program cannot be started (missing, not executable:
//    posix_spawn reports exec failures);
//  - what save() throws when the graph breaks a policy (policy_violation);
//  - the child's own error code and message when its restore failed (a
//    type_mismatch between two builds, say);
//  - io_error when the child ends, or closes its descriptors, before it holds
//    the state (a broken pipe while writing, or no confirmation).
// When spawn() throws after the start, no process is left: the child is
// reaped (killed first if still running) and the message says how it ended.
// A child that never restores and never exits keeps spawn() waiting, as any
// blocking write would.
template <class T>
child spawn(const T& root, const std::vector<std::string>& argv, const spawn_options& options = {}) {
  return detail::spawn_process({}, argv, options, &detail::write_state<T>, &root);
}

// spawn() of this executable again (/proc/self/exe, so a rebuild of the file on
// disk does not matter) with arguments `args`; the child's argv[0] is this
// process's argv[0].
template <class T>
child spawn_self(const T& root, const std::vector<std::string>& args, const spawn_options& options = {}) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(detail::self_argv0());
  argv.insert(argv.end(), args.begin(), args.end());
  return detail::spawn_process("/proc/self/exe", argv, options, &detail::write_state<T>, &root);
}

// Whether this process was started by spawn() and its state is still to be
// restored (restore_from_parent() has not taken it yet).
bool spawned_by_parent();

// Restores the state the parent handed over. Call it once, early: it takes the
// descriptor out of the environment (so call it before starting threads that
// read the environment, and before starting other programs, which would
// otherwise inherit the descriptor). Throws respawn::error: io_error when this
// process was not started by spawn() (or the state was taken already), and
// what load() throws otherwise, notably `truncated` when the parent died
// before it wrote the whole state.
template <class T>
std::unique_ptr<T> restore_from_parent(const load_options& options = {}) {
  detail::parent_state state;
  std::unique_ptr<T> root;
  try {
    root = detail::load_named<T>(state.fd(), state.name(), options);
  } catch (...) {
    state.report(std::current_exception());
    throw;
  }
  state.confirm();
  return root;
}

}  // namespace respawn
