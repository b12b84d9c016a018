// Which fields of the reference state travel in a snapshot, and how the others
// come back. docs/policies.md explains each choice.
#pragma once

#include <respawn/policy.hpp>
#include <respawn/restore_context.hpp>
#include <vector>

#include "cache_key.hpp"
#include "model.hpp"

namespace minibuild {

// Recipes of the recompute fields, run on first use in a restored process.
// The project's dependents index, from its elements' dependency lists.
DependentsIndex build_dependents_index(const Project& project);
// An element's reverse_deps: its slice of the index of the project that was
// restored with it (Project's after_restore hook provides it to the context).
std::vector<Element*> restored_reverse_deps(const Element& element, respawn::restore_context& context);

// How many threads a scheduler's worker pool runs, in the process that builds
// the state and in one that restores it.
inline constexpr std::size_t kWorkerThreads = 2;

}  // namespace minibuild

template <>
struct respawn::policy<minibuild::Source> {
  static constexpr const char* name = "Source";
  static constexpr auto fields = respawn::fields(respawn::serialize(&minibuild::Source::kind, "kind"),
                                                 respawn::serialize(&minibuild::Source::url, "url"),
                                                 respawn::serialize(&minibuild::Source::ref, "ref"));
};

template <>
struct respawn::policy<minibuild::Element> {
  using Element = minibuild::Element;
  static constexpr const char* name = "Element";
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&Element::id, "id"), respawn::serialize(&Element::name, "name"),
      respawn::serialize(&Element::kind, "kind"), respawn::serialize(&Element::state, "state"),
      respawn::serialize(&Element::build_deps, "build_deps"),
      respawn::serialize(&Element::runtime_deps, "runtime_deps"),
      respawn::serialize(&Element::variables, "variables"),
      respawn::serialize(&Element::environment, "environment"),
      respawn::serialize(&Element::sources, "sources"),
      respawn::recompute(&Element::cache_key, "cache_key", &minibuild::compute_cache_key),
      respawn::recompute(&Element::reverse_deps, "reverse_deps", &minibuild::restored_reverse_deps),
      respawn::exclude(&Element::lock, "lock"), respawn::exclude(&Element::log, "log"),
      respawn::exclude(&Element::on_done, "on_done"));
};

template <>
struct respawn::policy<minibuild::Project> {
  using Project = minibuild::Project;
  static constexpr const char* name = "Project";
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&Project::name, "name"), respawn::serialize(&Project::options, "options"),
      respawn::serialize(&Project::elements, "elements"),
      respawn::recompute(&Project::dependents, "dependents", &minibuild::build_dependents_index));
  // Makes this project the one restored_reverse_deps reads.
  static void after_restore(Project& project, respawn::restore_context& context);
};

template <>
struct respawn::policy<minibuild::Queue> {
  static constexpr const char* name = "Queue";
  static constexpr auto fields = respawn::fields(respawn::serialize(&minibuild::Queue::name, "name"),
                                                 respawn::serialize(&minibuild::Queue::max_jobs, "max_jobs"),
                                                 respawn::serialize(&minibuild::Queue::pending, "pending"));
};

template <>
struct respawn::policy<minibuild::Scheduler> {
  using Scheduler = minibuild::Scheduler;
  static constexpr const char* name = "Scheduler";
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&Scheduler::project, "project"), respawn::serialize(&Scheduler::fetch, "fetch"),
      respawn::serialize(&Scheduler::build, "build"), respawn::serialize(&Scheduler::push, "push"),
      respawn::serialize(&Scheduler::counters, "counters"),
      respawn::exclude(&Scheduler::event_loop, "event_loop"),
      respawn::exclude(&Scheduler::workers, "workers"));
  // Starts a worker pool of this process: the old one's threads stayed behind.
  static void after_restore(Scheduler& scheduler, respawn::restore_context& context);
};
