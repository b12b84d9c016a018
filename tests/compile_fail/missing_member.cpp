// The policy forgets `log`: compiling must fail, naming MissingLog.
#include <cstdio>
#include <functional>
#include <mutex>
#include <respawn/respawn.hpp>

struct MissingLog {
  std::string name;
  std::mutex lock;
  FILE* log = nullptr;
  std::function<void()> callback;
};

template <>
struct respawn::policy<MissingLog> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&MissingLog::name, "name"),
                                                 respawn::exclude(&MissingLog::lock, "lock"),
                                                 respawn::exclude(&MissingLog::callback, "callback"));
};

int main() { respawn::save(MissingLog{}, std::filesystem::path("x")); }
