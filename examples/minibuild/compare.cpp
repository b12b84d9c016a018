// Deep comparison of two states, for checking a restore against a fresh build.
#include <type_traits>
#include <unordered_map>

#include "state.hpp"

namespace minibuild {

namespace {

// Where a pointer to an element leads, comparable across two states: the
// target's position in its project, or one of these.
constexpr std::int64_t kNull = -1;
constexpr std::int64_t kOutsideProject = -2;

template <class V>
std::string show(const V& value) {
  if constexpr (std::is_same_v<V, std::string>) {
    return '"' + value + '"';
  } else if constexpr (std::is_enum_v<V>) {
    return std::to_string(static_cast<int>(value));
  } else {
    return std::to_string(value);
  }
}

std::string show_target(std::int64_t target) {
  if (target == kNull) return "null";
  if (target == kOutsideProject) return "an element outside the project";
  return "elements[" + std::to_string(target) + "]";
}

class Comparison {
 public:
  Comparison(const Scheduler& a, const Scheduler& b) : a_(a), b_(b) {}

  // Every compare_* function returns false at the first difference, which it
  // has recorded with its path.
  std::optional<std::string> serialized_fields() {
    if (!compare_scheduler()) return difference_;
    return std::nullopt;
  }
  std::optional<std::string> lazy_fields() {
    if (!compare_lazy_fields()) return difference_;
    return std::nullopt;
  }

 private:
  // Appends a segment to the current path for its lifetime.
  class Segment {
   public:
    Segment(std::string& path, const std::string& text) : path_(path), size_(path.size()) { path_ += text; }
    ~Segment() { path_.resize(size_); }
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;

   private:
    std::string& path_;
    std::size_t size_;
  };
  static std::string field(const char* name) { return std::string(".") + name; }
  static std::string index(std::size_t i) { return "[" + std::to_string(i) + "]"; }
  static std::string key(const std::string& k) { return "[\"" + k + "\"]"; }

  bool differ(const std::string& what) {
    difference_ = path_ + ": " + what;
    return false;
  }
  template <class V>
  bool compare(const char* name, const V& a, const V& b) {
    if (a == b) return true;
    Segment segment(path_, field(name));
    return differ(show(a) + " != " + show(b));
  }
  bool compare_size(std::size_t a, std::size_t b) {
    return a == b || differ("size " + std::to_string(a) + " != " + std::to_string(b));
  }

  template <class V>
  bool compare_map(const char* name, const std::map<std::string, V>& a, const std::map<std::string, V>& b);
  bool compare_scheduler();
  bool compare_project(const Project& a, const Project& b);
  bool compare_element(const Element& a, const Element& b);
  bool compare_sources(const std::vector<Source>& a, const std::vector<Source>& b);
  bool compare_queue(const char* name, const Queue& a, const Queue& b);
  template <class Pointers>
  bool compare_targets(const char* name, const Pointers& a, const Pointers& b);
  bool compare_lazy_fields();
  bool compare_lazy_element(const Element& a, const Element& b);

  void index_positions(bool in_a);
  std::int64_t target(const Element* element, bool in_a);

  const Scheduler& a_;
  const Scheduler& b_;
  std::unordered_map<const Element*, std::size_t> positions_a_;
  std::unordered_map<const Element*, std::size_t> positions_b_;
  std::string path_ = "Scheduler";
  std::optional<std::string> difference_;
};

template <class V>
bool Comparison::compare_map(const char* name, const std::map<std::string, V>& a,
                             const std::map<std::string, V>& b) {
  Segment segment(path_, field(name));
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (ia->first != ib->first) return differ("key " + show(ia->first) + " != key " + show(ib->first));
    if (ia->second != ib->second) {
      Segment entry(path_, key(ia->first));
      return differ(show(ia->second) + " != " + show(ib->second));
    }
  }
  if (ia != a.end()) return differ("key " + show(ia->first) + " only in the first");
  if (ib != b.end()) return differ("key " + show(ib->first) + " only in the second");
  return true;
}

bool Comparison::compare_scheduler() {
  if ((a_.project == nullptr) != (b_.project == nullptr)) {
    Segment segment(path_, field("project"));
    return differ(a_.project == nullptr ? "null in the first only" : "null in the second only");
  }
  if (a_.project != nullptr) {
    Segment segment(path_, field("project"));
    if (!compare_project(*a_.project, *b_.project)) return false;
  }
  return compare_queue("fetch", a_.fetch, b_.fetch) && compare_queue("build", a_.build, b_.build) &&
         compare_queue("push", a_.push, b_.push) && compare_map("counters", a_.counters, b_.counters);
}

bool Comparison::compare_project(const Project& a, const Project& b) {
  if (!compare("name", a.name, b.name) || !compare_map("options", a.options, b.options)) return false;
  Segment segment(path_, field("elements"));
  if (!compare_size(a.elements.size(), b.elements.size())) return false;
  for (std::size_t i = 0; i < a.elements.size(); ++i) {
    Segment item(path_, index(i));
    if ((a.elements[i] == nullptr) != (b.elements[i] == nullptr)) return differ("null in one state only");
    if (a.elements[i] != nullptr && !compare_element(*a.elements[i], *b.elements[i])) return false;
  }
  return true;
}

bool Comparison::compare_element(const Element& a, const Element& b) {
  return compare("id", a.id, b.id) && compare("name", a.name, b.name) && compare("kind", a.kind, b.kind) &&
         compare("state", a.state, b.state) && compare_targets("build_deps", a.build_deps, b.build_deps) &&
         compare_targets("runtime_deps", a.runtime_deps, b.runtime_deps) &&
         compare_map("variables", a.variables, b.variables) &&
         compare_map("environment", a.environment, b.environment) && compare_sources(a.sources, b.sources);
}

bool Comparison::compare_sources(const std::vector<Source>& a, const std::vector<Source>& b) {
  Segment segment(path_, field("sources"));
  if (!compare_size(a.size(), b.size())) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Segment item(path_, index(i));
    if (!compare("kind", a[i].kind, b[i].kind) || !compare("url", a[i].url, b[i].url) ||
        !compare("ref", a[i].ref, b[i].ref)) {
      return false;
    }
  }
  return true;
}

bool Comparison::compare_queue(const char* name, const Queue& a, const Queue& b) {
  Segment segment(path_, field(name));
  return compare("name", a.name, b.name) && compare("max_jobs", a.max_jobs, b.max_jobs) &&
         compare_targets("pending", a.pending, b.pending);
}

template <class Pointers>
bool Comparison::compare_targets(const char* name, const Pointers& a, const Pointers& b) {
  Segment segment(path_, field(name));
  if (!compare_size(a.size(), b.size())) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int64_t ta = target(a[i], true);
    const std::int64_t tb = target(b[i], false);
    if (ta != tb) {
      Segment item(path_, index(i));
      return differ("points to " + show_target(ta) + " != " + show_target(tb));
    }
  }
  return true;
}

bool Comparison::compare_lazy_fields() {
  if (a_.project == nullptr || b_.project == nullptr) return true;  // nothing lazy to compare
  Segment segment(path_, field("project"));
  Segment elements(path_, field("elements"));
  const auto& a = a_.project->elements;
  const auto& b = b_.project->elements;
  if (!compare_size(a.size(), b.size())) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {  // in id order: keeps cache_key recursion shallow
    Segment item(path_, index(i));
    if (a[i] == nullptr || b[i] == nullptr) return a[i] == b[i] || differ("null in one state only");
    if (!compare_lazy_element(*a[i], *b[i])) return false;
  }
  return true;
}

bool Comparison::compare_lazy_element(const Element& a, const Element& b) {
  return compare("cache_key", a.cache_key.get(), b.cache_key.get()) &&
         compare_targets("reverse_deps", a.reverse_deps.get(), b.reverse_deps.get());
}

void Comparison::index_positions(bool in_a) {
  auto& positions = in_a ? positions_a_ : positions_b_;
  if (!positions.empty()) return;
  const Project& project = *(in_a ? a_ : b_).project;
  positions.reserve(project.elements.size());
  for (std::size_t i = 0; i < project.elements.size(); ++i) positions.emplace(project.elements[i].get(), i);
}

// Usually an element sits at the position its id names, which is checked in
// O(1); only a state where that fails pays for a table of all positions.
std::int64_t Comparison::target(const Element* element, bool in_a) {
  if (element == nullptr) return kNull;
  const Scheduler& state = in_a ? a_ : b_;
  if (state.project == nullptr) return kOutsideProject;
  const auto& elements = state.project->elements;
  if (element->id < elements.size() && elements[element->id].get() == element) {
    return static_cast<std::int64_t>(element->id);
  }
  index_positions(in_a);
  const auto& positions = in_a ? positions_a_ : positions_b_;
  const auto found = positions.find(element);
  return found == positions.end() ? kOutsideProject : static_cast<std::int64_t>(found->second);
}

}  // namespace

std::optional<std::string> first_difference(const Scheduler& a, const Scheduler& b) {
  return Comparison(a, b).serialized_fields();
}

std::optional<std::string> first_lazy_difference(const Scheduler& restored, const Scheduler& reference) {
  return Comparison(restored, reference).lazy_fields();
}

}  // namespace minibuild
