#include "respawn/lazy.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "respawn/error.hpp"

namespace respawn::detail {

namespace {

// The lazies whose recipes run on this thread, innermost last.
thread_local std::vector<const void*> computing;

std::string field_label(const char* field) { return field != nullptr ? field : "lazy field"; }

}  // namespace

void throw_lazy_without_recipe(const char* field) {
  throw error(errc::policy_violation,
              field_label(field) +
                  ": get() on an empty lazy that has no recipe (recipes are bound when "
                  "respawn restores the object; in the process that built it, call set())");
}

void throw_lazy_cycle(const char* field) {
  throw error(errc::policy_violation,
              field_label(field) + ": the recipe needs its own result (a cycle of recompute fields)");
}

bool lazy_is_computing_on_this_thread(const void* lazy) {
  return std::find(computing.begin(), computing.end(), lazy) != computing.end();
}

lazy_computation_scope::lazy_computation_scope(const void* lazy) { computing.push_back(lazy); }

lazy_computation_scope::~lazy_computation_scope() { computing.pop_back(); }

}  // namespace respawn::detail
