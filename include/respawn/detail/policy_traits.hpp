// Compile-time questions about policies: does a type have one, what does it
// name, is it complete, and can it reach a never_snapshot type.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <tuple>
#include <type_traits>
#include <utility>

#include "respawn/policy.hpp"

namespace respawn::detail {

template <class T>
concept has_policy = requires {
  policy<std::remove_cv_t<T>>::fields;
};

template <class T>
constexpr std::uint32_t version_of() {
  if constexpr (requires { policy<T>::version; }) {
    return policy<T>::version;
  } else {
    return 0;
  }
}

template <class T>
concept has_after_restore = requires(T& t, restore_context& ctx) {
  policy<T>::after_restore(t, ctx);
};

// Calls f(field) for each entry of policy<T>::fields, in order.
template <class T, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... field) { (f(field), ...); }, policy<T>::fields.items);
}

template <class F>
struct is_base_field : std::false_type {};
template <class B>
struct is_base_field<base_field<B>> : std::true_type {};

// ---- Completeness: an aggregate's policy names each data member exactly once.

// Converts to any type as a prvalue, so even members that cannot be copied or
// moved (std::mutex, std::atomic) accept it in aggregate initialization. Only
// named in unevaluated operands; it has a body because GCC counts a use inside
// a noexcept() check (a member std::optional<int>, say) as needing one.
struct any_initializer {
  template <class U>
  operator U() const noexcept {  // NOLINT(google-explicit-constructor): the point of the type
    std::abort();
  }
};

template <class T, std::size_t... I>
constexpr bool initializable_with(std::index_sequence<I...>) {
  return requires { T{((void)I, any_initializer{})...}; };
}

// The number of initializers T accepts in aggregate initialization: its data
// members (and public bases). C arrays count as their elements.
template <class T, std::size_t N = 0>
constexpr std::size_t aggregate_member_count() {
  if constexpr (N < 256 && initializable_with<T>(std::make_index_sequence<N + 1>{})) {
    return aggregate_member_count<T, N + 1>();
  } else {
    return N;
  }
}

template <class F>
constexpr auto member_of(const F& field) {
  if constexpr (is_base_field<F>::value) {
    return nullptr;
  } else {
    return field.member;
  }
}

template <class A, class B>
constexpr bool same_member(A a, B b) {
  if constexpr (std::is_same_v<A, B> && !std::is_null_pointer_v<A>) {
    return a == b;
  } else {
    return false;
  }
}

template <class T>
constexpr std::size_t named_member_count() {
  std::size_t count = 0;
  for_each_field<T>(
      [&](const auto& field) { count += is_base_field<std::decay_t<decltype(field)>>::value ? 0 : 1; });
  return count;
}

// A public base takes one initializer of an aggregate, like a member.
template <class T>
constexpr std::size_t named_base_count() {
  return std::tuple_size_v<decltype(policy<T>::fields.items)> - named_member_count<T>();
}

template <class T>
constexpr bool members_named_once() {
  return std::apply(
      [](const auto&... field) {
        std::size_t repeats = 0;
        (([&](const auto& a) {
           ((repeats += same_member(member_of(a), member_of(field)) ? 1 : 0), ...);
         }(field)),
         ...);
        return repeats == named_member_count<T>();  // each member equals itself once only
      },
      policy<T>::fields.items);
}

template <class T>
constexpr bool policy_is_complete() {
  if constexpr (std::is_aggregate_v<T>) {
    return named_member_count<T>() + named_base_count<T>() == aggregate_member_count<T>() &&
           members_named_once<T>();
  } else {
    return members_named_once<T>();  // a non-aggregate's members cannot be counted
  }
}

// Satisfied when policy<T> names every data member of T exactly once. A failure
// shows as "constraints not satisfied for ... names_every_member<YourType>".
template <class T>
concept names_every_member = policy_is_complete<T>();

// ---- never_snapshot: the types a field type holds, through containers and pointers.

template <class...>
struct type_list {};

// The types stored inside T: a container's elements, a pointer's target, the
// alternatives of a variant. Specialized in respawn/types/*.hpp.
template <class T>
struct held_types {
  using type = type_list<>;
};
template <class T>
struct held_types<T*> {
  using type = type_list<T>;
};

template <class T, class... Seen>
constexpr bool in_list(type_list<Seen...>) {
  return (std::is_same_v<T, Seen> || ...);
}

template <class T, class... Seen>
type_list<T, Seen...> prepend(type_list<Seen...>);

// Instantiated with the offending type, so the compiler's message names it.
template <class Reached, class FieldType>
struct never_snapshot_guard {
  static_assert(!never_snapshot<Reached>,
                "respawn: a type marked never_snapshot is reachable through a serialize field (see the "
                "template arguments: Reached is the type, FieldType the field holding it)");
};

template <class FieldType, class Seen, class... Held>
constexpr bool no_held_never_snapshot(type_list<Held...>);

// True, or a compile error naming the never_snapshot type FieldType reaches.
template <class FieldType, class T = FieldType, class Seen = type_list<>>
constexpr bool no_never_snapshot() {
  if constexpr (never_snapshot<T>) {
    (void)never_snapshot_guard<T, FieldType>{};
    return false;
  } else if constexpr (in_list<T>(Seen{})) {
    return true;
  } else {
    return no_held_never_snapshot<FieldType, decltype(prepend<T>(Seen{}))>(typename held_types<T>::type{});
  }
}

template <class FieldType, class Seen, class... Held>
constexpr bool no_held_never_snapshot(type_list<Held...>) {
  return (no_never_snapshot<FieldType, std::remove_cv_t<Held>, Seen>() && ...);
}

}  // namespace respawn::detail

namespace respawn::detail {

template <class F>
constexpr bool check_field() {
  if constexpr (requires { F::is_serialize; }) {
    return no_never_snapshot<std::remove_cv_t<typename F::member_type>>();
  } else {
    return true;
  }
}

// Every walk of a policy type (save, load, schema) instantiates this, so a
// broken policy fails to compile wherever it is first used.
template <class T>
constexpr bool checked_policy() {
  static_assert(names_every_member<T>,
                "respawn::policy<T> must name every data member of T exactly once (T is the type in "
                "'names_every_member<T>' above)");
  return std::apply(
      [](const auto&... field) { return (check_field<std::decay_t<decltype(field)>>() && ...); },
      policy<T>::fields.items);
}

}  // namespace respawn::detail
