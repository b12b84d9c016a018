// A never_snapshot type reached through a serialize field: compiling must
// fail, naming Socket.
#include <respawn/respawn.hpp>

struct Socket {
  int fd = -1;
};
template <>
inline constexpr bool respawn::never_snapshot<Socket> = true;

struct Connection {
  Socket socket;
};

template <>
struct respawn::policy<Connection> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&Connection::socket, "socket"));
};

int main() { respawn::save(Connection{}, std::filesystem::path("x")); }
