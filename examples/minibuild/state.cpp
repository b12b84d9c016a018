// Generation of the reference state from a seed.
#include "state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <string_view>
#include <system_error>
#include <utility>

namespace minibuild {

namespace {

// splitmix64: tiny, fast, and the same sequence everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t x = (state_ += 0x9E3779B97F4A7C15ULL);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }
  // Uniform enough in [0, bound) for test data, and defined by us, not the standard library.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }
  std::string text(std::size_t min_size, std::size_t max_size) {
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_./";
    std::string out(min_size + below(max_size - min_size + 1), ' ');
    for (char& c : out) c = kAlphabet[below(kAlphabet.size())];
    return out;
  }
  // Build-variable-like text: fragments of paths and flags, cut to a random
  // length in [min_size, max_size]. Values in a real project repeat a small
  // vocabulary, which is what makes snapshots of them compress well; random
  // characters would make the compressor look worse than it is.
  std::string phrase(std::size_t min_size, std::size_t max_size) {
    static constexpr std::string_view kFragments[] = {
        "%{prefix}",       "/usr",      "/lib",      "/share",     "/include",
        "%{libdir}",       "%{bindir}", "--enable-", "--disable-", "--with-",
        "static",          "shared",    "docs",      "tests",      "nls",
        "-linux-gnu",      "x86_64",    "aarch64",   " -O2",       " -g",
        " -pipe",          "=yes",      "=no",       "/pkgconfig", "%{build-root}",
        "%{install-root}", " -j8",      "/etc",      "ssl",        "zlib",
        "python3",         "/sbin"};
    const std::size_t size = min_size + below(max_size - min_size + 1);
    std::string out;
    while (out.size() < size) out += kFragments[below(std::size(kFragments))];
    out.resize(size);
    return out;
  }
  std::string hex(std::size_t digits) {
    std::string out(digits, ' ');
    for (char& c : out) c = "0123456789abcdef"[below(16)];
    return out;
  }

 private:
  std::uint64_t state_;
};

constexpr std::size_t kOptions = 20;  // including kElementsOption and kSeedOption
constexpr std::size_t kBuildDeps = 6;
constexpr std::size_t kRuntimeDeps = 3;
constexpr std::size_t kVariables = 12;
constexpr std::string_view kEnvironmentKeys[] = {"PATH",   "LD_LIBRARY_PATH", "PKG_CONFIG_PATH",
                                                 "CFLAGS", "LDFLAGS",         "PREFIX"};

std::string numbered(const char* format, std::uint64_t number) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, static_cast<unsigned long long>(number));
  return buffer;
}

// min(count, earlier) distinct positions below `earlier`, in the order drawn.
std::vector<std::size_t> pick_earlier(Random& random, std::size_t earlier, std::size_t count) {
  std::vector<std::size_t> picked;
  if (earlier <= count) {
    for (std::size_t i = 0; i < earlier; ++i) picked.push_back(i);
    return picked;
  }
  while (picked.size() < count) {
    const std::size_t candidate = random.below(earlier);
    if (std::find(picked.begin(), picked.end(), candidate) == picked.end()) picked.push_back(candidate);
  }
  return picked;
}

std::vector<Element*> pointers_to(const Project& project, const std::vector<std::size_t>& positions) {
  std::vector<Element*> pointers;
  pointers.reserve(positions.size());
  for (std::size_t position : positions) pointers.push_back(project.elements[position].get());
  return pointers;
}

void add_sources(Element& element, Random& random) {
  const std::size_t count = 1 + random.below(3);
  for (std::size_t s = 0; s < count; ++s) {
    element.sources.push_back(
        {"git", "https://example.com/repo-" + std::to_string(element.id) + "-" + std::to_string(s) + ".git",
         random.hex(40)});
  }
}

std::unique_ptr<Element> make_element(const Project& project, Random& random) {
  auto element = std::make_unique<Element>();
  const std::size_t i = project.elements.size();
  element->id = i;
  element->name = numbered("components/lib-%05llu.bst", i);
  element->kind = static_cast<ElementKind>(random.below(5));
  element->build_deps = pointers_to(project, pick_earlier(random, i, kBuildDeps));
  element->runtime_deps = pointers_to(project, pick_earlier(random, i, kRuntimeDeps));
  for (std::size_t v = 0; v < kVariables; ++v)
    element->variables[numbered("var%02llu", v)] = random.phrase(20, 40);
  for (std::size_t k = 0; k < std::size(kEnvironmentKeys); ++k) {
    element->environment[std::string(kEnvironmentKeys[k])] =
        "/usr/lib/env/" + std::to_string(i) + "/" + std::to_string(k);
  }
  add_sources(*element, random);
  return element;
}

std::shared_ptr<Project> make_project(std::size_t elements, std::uint64_t seed, Random& random) {
  auto project = std::make_shared<Project>();
  project->name = "minibuild-reference";
  project->options[kElementsOption] = std::to_string(elements);
  project->options[kSeedOption] = std::to_string(seed);
  for (std::size_t o = 0; project->options.size() < kOptions; ++o) {
    project->options[numbered("option-%02llu", o)] = random.text(4, 16);
  }
  project->elements.reserve(elements);
  for (std::size_t i = 0; i < elements; ++i) project->elements.push_back(make_element(*project, random));
  return project;
}

// Element i waits in queue i % 3; its state says which.
void enqueue_all(Scheduler& scheduler) {
  Queue* queues[] = {&scheduler.fetch, &scheduler.build, &scheduler.push};
  constexpr ElementState kStates[] = {ElementState::fetch_pending, ElementState::build_pending,
                                      ElementState::push_pending};
  for (const auto& element : scheduler.project->elements) {
    queues[element->id % 3]->pending.push_back(element.get());
    element->state = kStates[element->id % 3];
  }
  for (Queue* queue : queues) scheduler.counters["queued." + queue->name] = queue->pending.size();
  scheduler.counters["elements"] = scheduler.project->elements.size();
  for (const char* name : {"jobs.started", "jobs.done", "cache.hits", "cache.misses"})
    scheduler.counters[name] = 0;
}

// What the building process computes as it goes. Keys in id order, so each
// computation finds its dependencies' keys ready.
void fill_lazy_fields(Project& project) {
  for (const auto& element : project.elements) element->cache_key.set(compute_cache_key(*element));
  project.dependents.set(build_dependents_index(project));
  for (const auto& element : project.elements)
    element->reverse_deps.set(project.dependents.get().of(element->id));
}

// Live process state: a log stream, callbacks into the scheduler, threads.
void attach_live_state(Scheduler& scheduler) {
  Scheduler* self = &scheduler;
  for (const auto& owned : scheduler.project->elements) {
    Element* element = owned.get();
    element->log = stderr;
    element->on_done = [self, element] {
      element->state = ElementState::cached;
      ++self->counters["jobs.done"];
    };
  }
  scheduler.event_loop = [self] { ++self->counters["jobs.started"]; };
  scheduler.workers = std::make_unique<WorkerPool>(kWorkerThreads);
}

}  // namespace

std::unique_ptr<Scheduler> build_state(std::size_t elements, std::uint64_t seed) {
  Random random(seed);
  auto scheduler = std::make_unique<Scheduler>();
  scheduler->project = make_project(elements, seed, random);
  enqueue_all(*scheduler);
  fill_lazy_fields(*scheduler->project);
  attach_live_state(*scheduler);
  return scheduler;
}

std::optional<std::uint64_t> numeric_option(const Project& project, const std::string& key) {
  const auto found = project.options.find(key);
  if (found == project.options.end()) return std::nullopt;
  const std::string& text = found->second;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace minibuild
