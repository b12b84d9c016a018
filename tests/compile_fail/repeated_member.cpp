// The policy names `name` twice (and so has the right count): compiling must
// fail, naming RepeatedName.
#include <mutex>
#include <respawn/respawn.hpp>

struct RepeatedName {
  std::string name;
  std::mutex lock;
};

template <>
struct respawn::policy<RepeatedName> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&RepeatedName::name, "name"),
                                                 respawn::serialize(&RepeatedName::name, "again"));
};

int main() { respawn::save(RepeatedName{}, std::filesystem::path("x")); }
