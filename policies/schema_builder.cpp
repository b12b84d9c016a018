#include "respawn/detail/schema_builder.hpp"

namespace respawn::detail {

type_schema* schema_builder::visit(const std::string& type_name) {
  const auto [found, inserted] = index_.try_emplace(type_name, types_.size());
  if (!inserted) return nullptr;
  types_.push_back(type_schema{type_name, 0, {}});
  return &types_.back();
}

snapshot_schema schema_builder::finish(std::string root_type) {
  return snapshot_schema{std::move(root_type), std::move(types_)};
}

}  // namespace respawn::detail
