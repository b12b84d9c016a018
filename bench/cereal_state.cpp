#include "cereal_state.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/memory.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

namespace {

using minibuild::Element;

std::vector<std::uint64_t> ids_of(const std::vector<Element*>& elements) {
  std::vector<std::uint64_t> ids;
  ids.reserve(elements.size());
  for (const Element* e : elements) ids.push_back(e->id);
  return ids;
}

std::vector<std::uint64_t> ids_of(const std::deque<Element*>& elements) {
  return ids_of(std::vector<Element*>(elements.begin(), elements.end()));
}

// Element pointers are loaded as ids and resolved once every element exists.
struct Resolver {
  std::vector<std::pair<std::vector<Element*>*, std::vector<std::uint64_t>>> lists;
  std::vector<std::pair<std::deque<Element*>*, std::vector<std::uint64_t>>> queues;
};
thread_local Resolver* resolver = nullptr;

}  // namespace

namespace minibuild {

template <class Archive>
void serialize(Archive& ar, Source& s) {
  ar(s.kind, s.url, s.ref);
}

template <class Archive>
void save(Archive& ar, const Element& e) {
  ar(e.id, e.name, e.kind, e.state, ids_of(e.build_deps), ids_of(e.runtime_deps), e.variables, e.environment,
     e.sources);
}

template <class Archive>
void load(Archive& ar, Element& e) {
  std::vector<std::uint64_t> build, runtime;
  ar(e.id, e.name, e.kind, e.state, build, runtime, e.variables, e.environment, e.sources);
  resolver->lists.emplace_back(&e.build_deps, std::move(build));
  resolver->lists.emplace_back(&e.runtime_deps, std::move(runtime));
}

template <class Archive>
void serialize(Archive& ar, Project& p) {
  ar(p.name, p.options, p.elements);
}

template <class Archive>
void save(Archive& ar, const Queue& q) {
  ar(q.name, q.max_jobs, ids_of(q.pending));
}

template <class Archive>
void load(Archive& ar, Queue& q) {
  std::vector<std::uint64_t> pending;
  ar(q.name, q.max_jobs, pending);
  resolver->queues.emplace_back(&q.pending, std::move(pending));
}

template <class Archive>
void serialize(Archive& ar, Scheduler& s) {
  ar(s.project, s.fetch, s.build, s.push, s.counters);
}

}  // namespace minibuild

namespace bench {

std::string cereal_save(const minibuild::Scheduler& scheduler) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(scheduler);
  }
  return std::move(out).str();
}

std::unique_ptr<minibuild::Scheduler> cereal_load(const std::string& bytes) {
  Resolver pending;
  resolver = &pending;
  auto scheduler = std::make_unique<minibuild::Scheduler>();
  {
    std::istringstream in(bytes);
    cereal::BinaryInputArchive archive(in);
    archive(*scheduler);
  }
  resolver = nullptr;
  const auto& elements = scheduler->project->elements;
  for (auto& [list, ids] : pending.lists) {
    list->reserve(ids.size());
    for (std::uint64_t id : ids) list->push_back(elements.at(id).get());
  }
  for (auto& [queue, ids] : pending.queues) {
    for (std::uint64_t id : ids) queue->push_back(elements.at(id).get());
  }
  return scheduler;
}

}  // namespace bench
