// The reference state: the backend of a build tool, a project of
// elements with dependencies and a scheduler with queues. The types are plain
// aggregates; which fields travel in a snapshot is decided in policies.hpp.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <respawn/lazy.hpp>
#include <string>
#include <vector>

#include "worker_pool.hpp"

namespace minibuild {

enum class ElementKind : std::uint8_t { autotools, cmake, meson, manual, script };

enum class ElementState : std::uint8_t {
  waiting,
  fetch_pending,
  build_pending,
  push_pending,
  cached,
  failed
};

struct Source {
  std::string kind;  // always "git" here
  std::string url;
  std::string ref;  // 40 hex digits: a commit
};

struct Element {
  std::uint64_t id = 0;  // index in Project::elements
  std::string name;
  ElementKind kind = ElementKind::manual;
  ElementState state = ElementState::waiting;
  std::vector<Element*> build_deps;    // earlier elements of the same project, not owned
  std::vector<Element*> runtime_deps;  // likewise
  std::map<std::string, std::string> variables;
  std::map<std::string, std::string> environment;
  std::vector<Source> sources;
  respawn::lazy<std::string> cache_key;               // 64 hex digits, see cache_key.hpp
  respawn::lazy<std::vector<Element*>> reverse_deps;  // elements depending on this one, by id
  std::mutex lock;
  FILE* log = nullptr;
  std::function<void()> on_done;
};

// The dependents of every element of a project in two arrays: the dependents
// of element i are dependents[offsets[i]] .. dependents[offsets[i + 1] - 1],
// in increasing id order. Built once, in O(elements + dependencies).
struct DependentsIndex {
  std::vector<std::size_t> offsets;
  std::vector<Element*> dependents;

  std::vector<Element*> of(std::uint64_t id) const;
};

struct Project {
  std::string name;
  std::map<std::string, std::string> options;  // includes "elements" and "seed", which generated it
  std::vector<std::unique_ptr<Element>> elements;
  // Beyond the reference shape: the shared index each element's
  // reverse_deps reads in a restored process (see policies.hpp).
  respawn::lazy<DependentsIndex> dependents;
};

struct Queue {
  std::string name;
  std::uint32_t max_jobs = 0;
  std::deque<Element*> pending;  // elements owned by the project
};

struct Scheduler {
  std::shared_ptr<Project> project;
  Queue fetch{"fetch", 10, {}};
  Queue build{"build", 4, {}};
  Queue push{"push", 4, {}};
  std::map<std::string, std::uint64_t> counters;
  std::function<void()> event_loop;
  std::unique_ptr<WorkerPool> workers;
};

}  // namespace minibuild
