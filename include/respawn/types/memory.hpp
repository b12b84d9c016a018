// std::unique_ptr and std::shared_ptr: an object reference (docs/format.md)
// whose target is written once, at its first reference. Two shared_ptrs to one
// object restore sharing one owner; a raw pointer may point to an object a
// smart pointer owns.
#pragma once

#include <memory>
#include <type_traits>

#include "respawn/detail/ownership.hpp"
#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/tracked_types.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

template <class T, class Deleter>
struct held_types<std::unique_ptr<T, Deleter>> {
  using type = type_list<T>;
};

template <class T>
struct held_types<std::shared_ptr<T>> {
  using type = type_list<T>;
};

template <class T>
struct pointer_target<std::unique_ptr<T>> {
  using type = T;
};

template <class T>
struct pointer_target<std::shared_ptr<T>> {
  using type = T;
};

template <class T>
struct value_io<std::unique_ptr<T>> {
  template <class Archive>
  static void save(Archive& archive, const std::unique_ptr<T>& pointer) {
    archive.save_pointer(pointer.get(), ownership::unique);
  }
  template <class Archive>
  static void load(Archive& archive, std::unique_ptr<T>& pointer) {
    pointer.reset(archive.template load_pointer<std::remove_const_t<T>>(ownership::unique));
  }
};

template <class T>
struct value_io<std::shared_ptr<T>> {
  template <class Archive>
  static void save(Archive& archive, const std::shared_ptr<T>& pointer) {
    archive.save_pointer(pointer.get(), ownership::shared);
  }
  template <class Archive>
  static void load(Archive& archive, std::shared_ptr<T>& pointer) {
    std::shared_ptr<std::remove_const_t<T>> loaded;
    archive.template load_pointer<std::remove_const_t<T>>(ownership::shared, &loaded);
    pointer = std::move(loaded);
  }
};

}  // namespace respawn::detail
