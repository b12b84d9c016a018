// Recipes and hooks of the policies in policies.hpp.
//
// reverse_deps needs the whole project: the dependents of an element are found
// in the other elements' dependency lists. Scanning the project from each
// element's recipe would cost O(N) per element and O(N^2) for all of them, so
// the project keeps one index (its own recompute field, built in one pass over
// all dependency lists) and each element copies its slice of it. The element
// finds its project through the restore context, where Project's after_restore
// hook puts it; that works whatever the root type is, as long as one load
// restores one project.
#include "policies.hpp"

#include <algorithm>
#include <respawn/error.hpp>
#include <string>

namespace minibuild {

namespace {

// The position of `element` in `project`, checked: ids come from the snapshot,
// and a wrong one must not index out of bounds.
std::size_t index_in(const Project& project, const Element& element) {
  if (element.id >= project.elements.size() || project.elements[element.id].get() != &element) {
    throw respawn::error(respawn::errc::policy_violation,
                         "element " + element.name + " (id " + std::to_string(element.id) +
                             ") is not element " + std::to_string(element.id) + " of its project");
  }
  return element.id;
}

// The elements `element` depends on, each once, by position in the project.
std::vector<std::size_t> dependencies_of(const Project& project, const Element& element) {
  std::vector<std::size_t> positions;
  positions.reserve(element.build_deps.size() + element.runtime_deps.size());
  for (const Element* dep : element.build_deps) positions.push_back(index_in(project, *dep));
  for (const Element* dep : element.runtime_deps) positions.push_back(index_in(project, *dep));
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

}  // namespace

std::vector<Element*> DependentsIndex::of(std::uint64_t id) const {
  return {dependents.begin() + static_cast<std::ptrdiff_t>(offsets.at(id)),
          dependents.begin() + static_cast<std::ptrdiff_t>(offsets.at(id + 1))};
}

// Counting sort by dependency: count each element's dependents, turn the
// counts into offsets, then place the dependents. Visiting dependents in id
// order leaves every slice sorted.
DependentsIndex build_dependents_index(const Project& project) {
  const std::size_t count = project.elements.size();
  std::vector<std::vector<std::size_t>> deps(count);
  DependentsIndex index;
  index.offsets.assign(count + 1, 0);
  for (std::size_t i = 0; i < count; ++i) {
    deps[i] = dependencies_of(project, *project.elements[i]);
    for (std::size_t dep : deps[i]) ++index.offsets[dep + 1];
  }
  for (std::size_t i = 0; i < count; ++i) index.offsets[i + 1] += index.offsets[i];
  index.dependents.resize(index.offsets[count]);
  std::vector<std::size_t> next(index.offsets.begin(), index.offsets.end() - 1);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t dep : deps[i]) index.dependents[next[dep]++] = project.elements[i].get();
  }
  return index;
}

std::vector<Element*> restored_reverse_deps(const Element& element, respawn::restore_context& context) {
  const Project& project = context.get<Project>();
  return project.dependents.get().of(index_in(project, element));
}

}  // namespace minibuild

void respawn::policy<minibuild::Project>::after_restore(Project& project, respawn::restore_context& context) {
  context.provide<Project>(project);
}

void respawn::policy<minibuild::Scheduler>::after_restore(Scheduler& scheduler, respawn::restore_context&) {
  scheduler.workers = std::make_unique<minibuild::WorkerPool>(minibuild::kWorkerThreads);
}
