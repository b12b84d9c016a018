// The classes registered with RESPAWN_REGISTER: how to create, write and read
// an object whose dynamic type differs from the static type of the pointer
// that reaches it, and how to convert it to each of its bases.
#pragma once

#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace respawn::detail {

class output_archive;
class input_archive;
class schema_builder;

struct registered_class {
  struct ancestor {
    const std::type_info* type;
    void* (*upcast)(void* derived);
  };

  std::string name;
  const std::type_info* type = nullptr;
  void* (*create)() = nullptr;
  void (*destroy)(void* object) = nullptr;
  void (*save)(output_archive& archive, const void* object) = nullptr;
  void (*load)(input_archive& archive, void* object) = nullptr;
  void (*collect_schema)(schema_builder& builder) = nullptr;
  std::vector<ancestor> ancestors;  // every base named through respawn::base, transitively

  // `object` (of this class) as a pointer to `target`, or null when target is
  // neither this class nor one of its known ancestors.
  void* upcast(void* object, const std::type_info& target) const;
};

// Throws policy_violation when the name or the type is registered twice.
void register_class(registered_class entry);
const registered_class* find_class(const std::type_info& type);
const registered_class* find_class(std::string_view name);
std::vector<const registered_class*> registered_classes();

}  // namespace respawn::detail
