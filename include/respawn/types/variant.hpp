// std::variant: the index of the held alternative, then its value, built in
// place. A valueless variant cannot be written.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/value_io.hpp"
#include "respawn/error.hpp"

namespace respawn::detail {

template <class... T>
struct held_types<std::variant<T...>> {
  using type = type_list<T...>;
};

template <>
struct value_io<std::monostate> {
  template <class Archive>
  static void save(Archive&, const std::monostate&) {}
  template <class Archive>
  static void load(Archive&, std::monostate&) {}
};

template <class... T>
struct value_io<std::variant<T...>> {
  template <class Archive>
  static void save(Archive& archive, const std::variant<T...>& value) {
    if (value.valueless_by_exception())
      archive.fail(errc::policy_violation, "a valueless variant cannot be saved");
    archive.save(static_cast<std::uint32_t>(value.index()));
    std::visit([&](const auto& alternative) { archive.save_item(value.index(), alternative); }, value);
  }

  template <class Archive>
  static void load(Archive& archive, std::variant<T...>& value) {
    std::uint32_t index = 0;
    archive.load(index);
    if (index >= sizeof...(T)) {
      archive.fail(errc::corrupt,
                   "variant alternative " + std::to_string(index) + " of " + std::to_string(sizeof...(T)));
    }
    load_alternative(archive, value, index, std::index_sequence_for<T...>{});
  }

 private:
  template <class Archive, std::size_t... I>
  static void load_alternative(Archive& archive, std::variant<T...>& value, std::uint32_t index,
                               std::index_sequence<I...>) {
    ((index == I ? archive.load_item(I, value.template emplace<I>()) : void()), ...);
  }
};

}  // namespace respawn::detail
