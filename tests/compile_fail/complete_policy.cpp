// Control: a complete policy for an aggregate holding a mutex, a FILE* and a
// std::function compiles (and the never_snapshot type is only excluded).
#include <cstdio>
#include <functional>
#include <mutex>
#include <respawn/respawn.hpp>

struct Socket {
  int fd = -1;
};
template <>
inline constexpr bool respawn::never_snapshot<Socket> = true;

struct Task {
  std::string name;
  std::mutex lock;
  FILE* log = nullptr;
  std::function<void()> callback;
  Socket* socket = nullptr;
};

template <>
struct respawn::policy<Task> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&Task::name, "name"), respawn::exclude(&Task::lock, "lock"),
                      respawn::exclude(&Task::log, "log"), respawn::exclude(&Task::callback, "callback"),
                      respawn::exclude(&Task::socket, "socket"));
};

int main() { return respawn::save(Task{}, std::filesystem::path("task.snap")).raw_bytes > 0 ? 0 : 1; }
