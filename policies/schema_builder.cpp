#include "respawn/detail/schema_builder.hpp"

namespace respawn::detail {

type_schema* schema_builder::visit(const std::string& type_name, std::size_t slot) {
  const auto [found, inserted] = index_.try_emplace(type_name, types_.size());
  if (!inserted) return nullptr;
  types_.push_back(type_schema{type_name, 0, {}, true});
  slots_.push_back(slot);
  return &types_.back();
}

snapshot_schema schema_builder::finish(std::string root_type) {
  for (std::size_t i = 0; i < types_.size(); ++i) types_[i].referenceable = tracked_.contains(slots_[i]);
  return snapshot_schema{std::move(root_type), std::move(types_)};
}

}  // namespace respawn::detail
