// Which policy types a save records in its object table when it meets one of
// their objects by value. A by-value object needs a record only if a pointer
// may later refer to it; the schema walk (schema_builder.hpp) finds the types
// pointers in the root's graph can reach. Only objects of those types take an
// object id: the schema marks them referenceable, so that the reader numbers
// the same objects, and its table of objects holds no entry for the others.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace respawn::detail {

// The type a pointer-like type points to: U for U*, std::unique_ptr<U> and
// std::shared_ptr<U> (specialized in respawn/types/memory.hpp); void otherwise.
template <class T>
struct pointer_target {
  using type = void;
};
template <class T>
struct pointer_target<T*> {
  using type = T;
};

class tracked_types {
 public:
  // `slot` is a type_slot<T>() of a policy type T.
  bool contains(std::size_t slot) const { return everything_ || (slot < slots_.size() && slots_[slot]); }
  void add(std::size_t slot) {
    if (slot >= slots_.size()) slots_.resize(slot + 1);
    slots_[slot] = true;
  }
  // For graphs the walk cannot see through (a type with a hand-written Boost
  // serialize function may hold pointers to anything): record every object.
  void add_everything() { everything_ = true; }

 private:
  std::vector<bool> slots_;
  bool everything_ = false;
};

}  // namespace respawn::detail
