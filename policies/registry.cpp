#include "respawn/detail/registry.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <typeindex>
#include <unordered_map>

#include "respawn/error.hpp"

namespace respawn::detail {

namespace {

struct registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<registered_class>> classes;
  std::unordered_map<std::type_index, const registered_class*> by_type;
  std::unordered_map<std::string, const registered_class*> by_name;
};

// Built on first use: registrations run during static initialization.
registry& the_registry() {
  static registry instance;
  return instance;
}

}  // namespace

void* registered_class::upcast(void* object, const std::type_info& target) const {
  if (*type == target) return object;
  for (const ancestor& base : ancestors) {
    if (*base.type == target) return base.upcast(object);
  }
  return nullptr;
}

void register_class(registered_class entry) {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  if (r.by_name.count(entry.name) != 0) {
    throw error(errc::policy_violation,
                "RESPAWN_REGISTER: the name \"" + entry.name + "\" is registered twice");
  }
  if (r.by_type.count(std::type_index(*entry.type)) != 0) {
    throw error(errc::policy_violation,
                "RESPAWN_REGISTER: the class named \"" + entry.name + "\" is registered twice");
  }
  auto& stored = r.classes.emplace_back(std::make_unique<registered_class>(std::move(entry)));
  r.by_type.emplace(std::type_index(*stored->type), stored.get());
  r.by_name.emplace(stored->name, stored.get());
}

const registered_class* find_class(const std::type_info& type) {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  const auto found = r.by_type.find(std::type_index(type));
  return found == r.by_type.end() ? nullptr : found->second;
}

const registered_class* find_class(std::string_view name) {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  const auto found = r.by_name.find(std::string(name));
  return found == r.by_name.end() ? nullptr : found->second;
}

std::vector<const registered_class*> registered_classes() {
  registry& r = the_registry();
  std::lock_guard lock(r.mutex);
  std::vector<const registered_class*> all;
  for (const auto& entry : r.classes) all.push_back(entry.get());
  return all;
}

}  // namespace respawn::detail
