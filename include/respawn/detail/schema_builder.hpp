// Builds the schema a snapshot header carries (schema.hpp) from the policies
// of every type the root can reach, found at compile time through fields,
// containers and pointers, plus every class registered for polymorphic pointers.
#pragma once

#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "respawn/detail/policy_traits.hpp"
#include "respawn/detail/registry.hpp"
#include "respawn/detail/schema.hpp"
#include "respawn/detail/type_name.hpp"

namespace respawn::detail {

class schema_builder {
 public:
  // Returns the slot for a type seen for the first time, or null if it was seen.
  type_schema* visit(const std::string& type_name);
  snapshot_schema finish(std::string root_type);

 private:
  std::vector<type_schema> types_;
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

template <class T>
void collect_schema(schema_builder& builder) {
  if constexpr (has_policy<T>) {
    type_schema* slot = builder.visit(type_name<T>());  // valid until the next visit
    if (slot == nullptr) return;
    slot->version = version_of<T>();
    for_each_field<T>([&](const auto& field) { slot->fields.push_back(describe_field(field)); });
    for_each_field<T>([&](const auto& field) { collect_field_types(builder, field); });
  } else {
    collect_held(builder, typename held_types<T>::type{});
  }
}

// The schema of snapshots whose root is a T; computed once per type.
template <class T>
const snapshot_schema& schema_of() {
  static const snapshot_schema schema = [] {
    schema_builder builder;
    collect_schema<T>(builder);
    for (const registered_class* entry : registered_classes()) entry->collect_schema(builder);
    return builder.finish(type_name<T>());
  }();
  return schema;
}

}  // namespace respawn::detail
