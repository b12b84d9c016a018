// A never_snapshot type reached through a serialize field: compiling must
// fail, naming Socket.
#include <respawn/respawn.hpp>

struct Socket {
  int fd = -1;
};
template <>
inline constexpr bool respawn::never_snapshot<Socket> = true;

struct Connection {
  std::vector<Socket> sockets;
};

template <>
struct respawn::policy<Connection> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Connection::sockets, "sockets"));
};

int main() { respawn::save(Connection{}, std::filesystem::path("x")); }
