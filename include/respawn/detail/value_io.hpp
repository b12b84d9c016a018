// value_io<T>: how a standard library type is written and read. Each header in
// respawn/types/ specializes it for one type, with a save and a load:
//   template <class Archive> static void save(Archive&, const T&);
//   template <class Archive> static void load(Archive&, T&);
// The archives call it for every type without a policy that is not arithmetic,
// an enum or a raw pointer. Types with neither go to Boost.Serialization (a
// hand-written serialize function).
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>

namespace respawn::detail {

template <class T, class Enable = void>
struct value_io {
  using unspecialized = void;
};

template <class T>
concept has_value_io = !requires {
  typename value_io<T>::unspecialized;
};

template <class T>
struct is_basic_string : std::false_type {};
template <class C, class Traits, class Alloc>
struct is_basic_string<std::basic_string<C, Traits, Alloc>> : std::true_type {};

// Numbers, enums and strings: values no pointer in a snapshot can refer to or
// into (only objects of policy types are tracked by address), and whose
// writing or reading cannot fail with an error naming a path below them. The
// archives push no path segment for them, and containers may read them
// before their final place exists and move them in.
template <class T>
inline constexpr bool leaf_value = std::is_arithmetic_v<T> || std::is_enum_v<T> || is_basic_string<T>::value;

}  // namespace respawn::detail
