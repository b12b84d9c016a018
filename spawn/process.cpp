#include "spawn/process.hpp"

#include <sys/wait.h>

#include <cstring>

namespace respawn::spawn_detail {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    std::string text = "was killed by signal " + std::to_string(signal);
    if (const char* name = ::strsignal(signal); name != nullptr) text.append(" (").append(name).append(")");
    if (WCOREDUMP(status)) text += ", core dumped";
    return text;
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace respawn::spawn_detail
