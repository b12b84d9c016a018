// RESPAWN_REGISTER(Derived, "stable-name"): lets a Derived object be saved and
// loaded through a pointer to one of its bases. The name is written into
// snapshots, so keep it when the C++ name changes. Name each base in
// policy<Derived> with respawn::base<Base>() so a loaded Derived converts to it.
#pragma once

#include <type_traits>
#include <vector>

#include "respawn/detail/input_archive.hpp"
#include "respawn/detail/output_archive.hpp"
#include "respawn/detail/registry.hpp"
#include "respawn/detail/schema_builder.hpp"

namespace respawn::detail {

template <class Derived, class Current>
void collect_ancestors(std::vector<registered_class::ancestor>& ancestors) {
  for_each_field<Current>([&](const auto& field) {
    using F = std::decay_t<decltype(field)>;
    if constexpr (is_base_field<F>::value) {
      using Base = typename F::base_type;
      ancestors.push_back({&typeid(Base), [](void* object) -> void* {
                             return static_cast<Base*>(static_cast<Derived*>(object));
                           }});
      collect_ancestors<Derived, Base>(ancestors);
    }
  });
}

template <class T>
bool register_polymorphic(const char* name) {
  static_assert(std::is_polymorphic_v<T>,
                "RESPAWN_REGISTER is for classes reached through a pointer to a base");
  static_assert(has_policy<T>, "RESPAWN_REGISTER needs a respawn::policy for the class");
  registered_class entry;
  entry.name = name;
  entry.type = &typeid(T);
  entry.create = []() -> void* { return new T(); };
  entry.destroy = [](void* object) { delete static_cast<T*>(object); };
  entry.save = [](output_archive& archive, const void* object) {
    archive.save_registered(*static_cast<const T*>(object));
  };
  entry.load = [](input_archive& archive, void* object) {
    archive.load_registered(*static_cast<T*>(object));
  };
  entry.collect_schema = [](schema_builder& builder) { collect_schema<T>(builder); };
  collect_ancestors<T, T>(entry.ancestors);
  register_class(std::move(entry));
  return true;
}

}  // namespace respawn::detail

#define RESPAWN_REGISTER_CONCAT_(a, b) a##b
#define RESPAWN_REGISTER_CONCAT(a, b) RESPAWN_REGISTER_CONCAT_(a, b)
#define RESPAWN_REGISTER(Derived, stable_name)                                            \
  namespace {                                                                             \
  [[maybe_unused]] const bool RESPAWN_REGISTER_CONCAT(respawn_registered_, __COUNTER__) = \
      ::respawn::detail::register_polymorphic<Derived>(stable_name);                      \
  }
