// Policies: for each type, which fields travel in a snapshot and how the others
// come back. One specialization of respawn::policy<T> per type names every data
// member once, as serialize, recompute or exclude (see docs/policies.md).
#pragma once

#include <cstdint>
#include <tuple>
#include <type_traits>

namespace respawn {

class restore_context;
template <class V>
class lazy;

// Specialize for each type whose fields respawn walks:
//   static constexpr unsigned version = 1;               // optional, default 0
//   static constexpr auto fields = respawn::fields(...);  // required
//   static constexpr const char* name = "Element";        // optional schema name
//   static void after_restore(T&, restore_context&);      // optional
template <class T>
struct policy;

// Specialize as true for a type that must never be reached from a snapshot.
template <class T>
inline constexpr bool never_snapshot = false;

namespace detail {

template <class T, class M>
struct serialize_field {
  static constexpr bool is_serialize = true;
  using owner_type = T;
  using member_type = M;

  M T::*member;
  const char* name;
  std::uint32_t since_version = 0;

  // The field was added in version v of its type: snapshots written at an older
  // version leave it at its default value.
  constexpr serialize_field since(std::uint32_t v) const { return {member, name, v}; }
};

template <class T, class V, class Fn>
struct recompute_field {
  static constexpr bool is_recompute = true;
  using owner_type = T;
  using value_type = V;

  lazy<V> T::*member;
  const char* name;
  Fn recipe;
};

template <class T, class M>
struct exclude_field {
  using owner_type = T;

  M T::*member;
  const char* name;
};

template <class B>
struct base_field {
  using base_type = B;
};

template <class... F>
struct field_list {
  std::tuple<F...> items;
};

}  // namespace detail

template <class T, class M>
constexpr detail::serialize_field<T, M> serialize(M T::*member, const char* name) {
  return {member, name, 0};
}

// `recipe` is callable as V(const T&) or V(const T&, restore_context&).
template <class T, class V, class Fn>
constexpr detail::recompute_field<T, V, Fn> recompute(lazy<V> T::*member, const char* name, Fn recipe) {
  static_assert(std::is_invocable_r_v<V, const Fn&, const T&> ||
                    std::is_invocable_r_v<V, const Fn&, const T&, restore_context&>,
                "respawn::recompute: the recipe must be callable as V(const T&) or V(const T&, "
                "respawn::restore_context&)");
  return {member, name, recipe};
}

template <class T, class M>
constexpr detail::exclude_field<T, M> exclude(M T::*member, const char* name) {
  return {member, name};
}

// The fields of base class B, written and read through policy<B>. Needed for a
// derived type reached through a pointer to its base (see RESPAWN_REGISTER).
template <class B>
constexpr detail::base_field<B> base() {
  return {};
}

template <class... F>
constexpr detail::field_list<F...> fields(F... f) {
  return {{f...}};
}

}  // namespace respawn
