// What the spawn tests' children do, chosen by argv[1]. Each mode reports by
// its exit code (0: as expected) and explains a failure on stderr; the test
// that spawned it checks the code.
//   check LABEL SEED BLOCKS         restore; the payload must be make_payload(LABEL, SEED, BLOCKS)
//   env NAME VALUE [NAME VALUE...]  restore; each variable must have that value
//   cwd FOLDER                      restore; the working folder must be FOLDER
//   fds KEPT CLOSED...              restore; write "kept\n" to KEPT (unless -1); each CLOSED must be closed
//   restore-twice                   restore; a second restore_from_parent must fail with io_error
//   exit-now CODE                   exit with CODE without reading the state
//   read-then-die BYTES             read BYTES of the state, then exit with 4
//   kill-self                       restore, then SIGKILL itself
//   sleep                           restore, then wait for a signal
//   relay REPORT BLOCKS             restore; spawn itself in kill-parent mode with a payload of BLOCKS
//                                   blocks, keeping descriptor REPORT; wait for it
//   kill-parent REPORT              SIGKILL the parent, then restore; write the error code to REPORT
//   wrong-type                      restore a type the parent did not send
//   close-and-sleep                 close the hand-off's descriptors without a word, then wait for a signal
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "payload.hpp"

namespace spawn_test {

namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int failed(const std::string& message) {
  std::cerr << "spawn test child: " << message << "\n";
  return 1;
}

bool write_text(int fd, const std::string& text) {
  return ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

int check(const std::vector<std::string>& args) {
  if (args.size() != 3) return 2;
  const auto restored = respawn::restore_from_parent<Payload>();
  const auto difference = payload_difference(*restored, args[0], std::stoull(args[1]), std::stoull(args[2]));
  if (difference) return failed(*difference);
  if (respawn::spawned_by_parent()) return failed("spawned_by_parent() is still true after the restore");
  return 0;
}

int env(const std::vector<std::string>& args) {
  if (args.size() % 2 != 0) return 2;
  respawn::restore_from_parent<Payload>();
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const char* value = std::getenv(args[i].c_str());
    if (value == nullptr || args[i + 1] != value) {
      return failed(args[i] + " is " + (value == nullptr ? "unset" : std::string("\"") + value + "\"") +
                    ", expected \"" + args[i + 1] + "\"");
    }
  }
  if (std::getenv(respawn::kStateFdVariable) != nullptr)
    return failed("the state variable survived the restore");
  return 0;
}

int cwd(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  respawn::restore_from_parent<Payload>();
  const auto here = std::filesystem::canonical(std::filesystem::current_path());
  const auto expected = std::filesystem::canonical(args[0]);
  if (here != expected) return failed("working folder " + here.string() + ", expected " + expected.string());
  return 0;
}

int fds(const std::vector<std::string>& args) {
  if (args.empty()) return 2;
  const int kept = std::stoi(args[0]);
  // Checked before the restore too: the restore opens nothing that could
  // reuse a closed number, but the first look is the one that matters.
  for (std::size_t i = 1; i < args.size(); ++i) {
    const int fd = std::stoi(args[i]);
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) return failed("descriptor " + args[i] + " is open");
  }
  const char* state = std::getenv(respawn::kStateFdVariable);
  if (state == nullptr) return failed("no state variable");
  // The state comes on the lowest number above 2 and above every kept one,
  // the confirmation pipe on the next.
  const char* confirm = std::getenv(respawn::kConfirmFdVariable);
  const int state_fd = std::atoi(state);
  const int confirm_fd = confirm == nullptr ? -1 : std::atoi(confirm);
  if (state_fd != std::max(2, kept) + 1 || confirm_fd != state_fd + 1) {
    return failed("the hand-off came on descriptors " + std::string(state) + " and " +
                  std::to_string(confirm_fd) + ", expected " + std::to_string(std::max(2, kept) + 1) +
                  " and the next");
  }
  respawn::restore_from_parent<Payload>();
  if (::fcntl(state_fd, F_GETFD) != -1) return failed("the state descriptor is still open after the restore");
  if (::fcntl(confirm_fd, F_GETFD) != -1) return failed("the confirmation descriptor is still open");
  if (kept >= 0 && !write_text(kept, "kept\n")) return failed("cannot write to kept descriptor " + args[0]);
  return 0;
}

int restore_twice() {
  respawn::restore_from_parent<Payload>();
  try {
    respawn::restore_from_parent<Payload>();
  } catch (const respawn::error& e) {
    if (e.code() == respawn::errc::io_error && std::strstr(e.what(), "restored already") != nullptr) return 0;
    return failed(std::string("unexpected error: ") + e.what());
  }
  return failed("a second restore_from_parent succeeded");
}

int read_then_die(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  const char* state = std::getenv(respawn::kStateFdVariable);
  if (state == nullptr) return failed("no state variable");
  std::size_t left = std::stoull(args[0]);
  std::vector<char> buffer(65536);
  while (left > 0) {
    const ssize_t got = ::read(std::atoi(state), buffer.data(), std::min(left, buffer.size()));
    if (got <= 0) return failed("the state ended early");
    left -= static_cast<std::size_t>(got);
  }
  ::_exit(4);
}

int sleep_until_killed() {
  respawn::restore_from_parent<Payload>();
  for (;;) ::pause();
}

int relay(const std::vector<std::string>& args) {
  if (args.size() != 2) return 2;
  respawn::restore_from_parent<Payload>();
  respawn::spawn_options options;
  options.keep_fds = {std::stoi(args[0])};
  const Payload large = make_payload("large", 7, std::stoull(args[1]));
  respawn::child grandchild = respawn::spawn_self(large, {"kill-parent", args[0]}, options);
  grandchild.wait();
  return failed("the relay outlived its hand-off");
}

int kill_parent(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  const int report = std::stoi(args[0]);
  // The parent is blocked writing: this child has read nothing and the state
  // is larger than the pipe. It dies in the middle of its write.
  ::kill(::getppid(), SIGKILL);
  try {
    respawn::restore_from_parent<Payload>();
    write_text(report, "restored\n");
  } catch (const respawn::error& e) {
    write_text(report, std::string(respawn::to_string(e.code())) + "\n" + e.what() + "\n");
  }
  return 0;
}

int close_and_sleep() {
  for (const char* variable : {respawn::kStateFdVariable, respawn::kConfirmFdVariable}) {
    const char* value = std::getenv(variable);
    if (value == nullptr) return failed(std::string(variable) + " is not set");
    ::close(std::atoi(value));
  }
  for (;;) ::pause();
}

}  // namespace

Payload make_payload(const std::string& label, std::uint64_t seed, std::size_t blocks) {
  Payload payload{label, seed, {}};
  payload.blocks.reserve(blocks);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::string block(kBlockBytes, '\0');
    for (std::size_t at = 0; at < kBlockBytes; at += 8) {
      const std::uint64_t word = splitmix(state);
      std::memcpy(block.data() + at, &word, 8);
    }
    payload.blocks.push_back(std::move(block));
  }
  return payload;
}

std::optional<std::string> payload_difference(const Payload& restored, const std::string& label,
                                              std::uint64_t seed, std::size_t blocks) {
  const Payload expected = make_payload(label, seed, blocks);
  if (restored.label != expected.label) return "label \"" + restored.label + "\", expected \"" + label + "\"";
  if (restored.seed != expected.seed) return "seed " + std::to_string(restored.seed);
  if (restored.blocks.size() != expected.blocks.size()) {
    return std::to_string(restored.blocks.size()) + " blocks, expected " + std::to_string(blocks);
  }
  for (std::size_t i = 0; i < blocks; ++i) {
    if (restored.blocks[i] != expected.blocks[i]) return "block " + std::to_string(i) + " differs";
  }
  return std::nullopt;
}

bool is_child_mode(const std::string& mode) {
  static const std::set<std::string> modes = {
      "check",     "env",   "cwd",   "fds",         "restore-twice", "exit-now",       "read-then-die",
      "kill-self", "sleep", "relay", "kill-parent", "wrong-type",    "close-and-sleep"};
  return modes.count(mode) != 0;
}

int child_main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string mode = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (mode == "check") return check(args);
    if (mode == "env") return env(args);
    if (mode == "cwd") return cwd(args);
    if (mode == "fds") return fds(args);
    if (mode == "restore-twice") return restore_twice();
    if (mode == "exit-now") return args.size() == 1 ? std::stoi(args[0]) : 2;
    if (mode == "read-then-die") return read_then_die(args);
    if (mode == "kill-self") {
      respawn::restore_from_parent<Payload>();
      ::kill(::getpid(), SIGKILL);
      return failed("still alive after SIGKILL");
    }
    if (mode == "sleep") return sleep_until_killed();
    if (mode == "relay") return relay(args);
    if (mode == "kill-parent") return kill_parent(args);
    if (mode == "wrong-type") {
      respawn::restore_from_parent<OtherRoot>();
      return failed("restored a root of the wrong type");
    }
    if (mode == "close-and-sleep") return close_and_sleep();
  } catch (const std::exception& e) {
    return failed(mode + ": " + e.what());
  }
  return failed("unknown mode " + mode);
}

}  // namespace spawn_test
