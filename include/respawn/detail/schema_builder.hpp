// Builds the schema a snapshot header carries (schema.hpp) from the policies
// of every type the root can reach, found at compile time through fields,
// containers and pointers, plus every class registered for polymorphic pointers.
// The same walk finds the types a save must track by value (tracked_types.hpp).
#pragma once

#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/registry.hpp"
#include "respawn/detail/schema.hpp"
#include "respawn/detail/tracked_types.hpp"
#include "respawn/detail/type_name.hpp"
#include "respawn/detail/value_io.hpp"

namespace respawn::detail {

class schema_builder {
 public:
  // Returns the entry for a type seen for the first time (`slot` is its
  // type_slot), or null if it was seen.
  type_schema* visit(const std::string& type_name, std::size_t slot);
  // The schema, each type marked referenceable if it is tracked.
  snapshot_schema finish(std::string root_type);

  // The policy types whose by-value objects a pointer may refer to.
  tracked_types& tracked() { return tracked_; }

 private:
  tracked_types tracked_;
  std::vector<type_schema> types_;
  std::vector<std::size_t> slots_;  // each type's type_slot
  std::unordered_map<std::string, std::size_t> index_;
};

template <class T>
void collect_schema(schema_builder& builder);

template <class... Held>
void collect_held(schema_builder& builder, type_list<Held...>) {
  (collect_schema<std::remove_cv_t<Held>>(builder), ...);
}

template <class F>
field_schema describe_field(const F& field) {
  if constexpr (is_base_field<F>::value) {
    return {type_name<typename F::base_type>(), field_policy::base, 0};
  } else if constexpr (requires { F::is_serialize; }) {
    return {field.name, field_policy::serialize, field.since_version};
  } else if constexpr (requires { F::is_recompute; }) {
    return {field.name, field_policy::recompute, 0};
  } else {
    return {field.name, field_policy::exclude, 0};
  }
}

template <class F>
void collect_field_types(schema_builder& builder, const F&) {
  if constexpr (is_base_field<F>::value) {
    collect_schema<typename F::base_type>(builder);
  } else if constexpr (requires { F::is_serialize; }) {
    collect_schema<std::remove_cv_t<typename F::member_type>>(builder);
  }
}

// Which by-value objects a pointer in the graph may refer to. A pointer to a
// polymorphic type finds its target by the most-derived type, which the walk
// cannot know: every polymorphic policy type is tracked. A type Boost writes
// (a hand-written serialize function) may hold pointers the walk cannot see.
template <class T>
void note_tracking(tracked_types& tracked) {
  using target = typename pointer_target<T>::type;
  if constexpr (has_policy<T> && std::is_polymorphic_v<T>) {
    tracked.add(type_slot<T>());
  } else if constexpr (!std::is_void_v<target>) {
    if constexpr (has_policy<target>) tracked.add(type_slot<std::remove_cv_t<target>>());
  } else if constexpr (!has_policy<T> && !has_value_io<T> && !std::is_arithmetic_v<T> && !std::is_enum_v<T>) {
    tracked.add_everything();
  }
}

template <class T>
void collect_schema(schema_builder& builder) {
  note_tracking<T>(builder.tracked());
  if constexpr (has_policy<T>) {
    type_schema* slot = builder.visit(type_name<T>(), type_slot<T>());  // valid until the next visit
    if (slot == nullptr) return;
    slot->version = version_of<T>();
    for_each_field<T>([&](const auto& field) { slot->fields.push_back(describe_field(field)); });
    for_each_field<T>([&](const auto& field) { collect_field_types(builder, field); });
  } else {
    collect_held(builder, typename held_types<T>::type{});
  }
}

struct graph_description {
  snapshot_schema schema;
  tracked_types tracked;
};

// What the policies say about graphs rooted at a T; computed once per type.
template <class T>
const graph_description& describe_graph() {
  static const graph_description description = [] {
    schema_builder builder;
    collect_schema<T>(builder);
    for (const registered_class* entry : registered_classes()) entry->collect_schema(builder);
    tracked_types tracked = builder.tracked();
    return graph_description{builder.finish(type_name<T>()), std::move(tracked)};
  }();
  return description;
}

// The schema of snapshots whose root is a T.
template <class T>
const snapshot_schema& schema_of() {
  return describe_graph<T>().schema;
}

}  // namespace respawn::detail
