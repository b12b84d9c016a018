// `minibuild build`, front end and backend.
//
// The backend gets the scheduler through respawn::restore_from_parent. What
// did not travel comes back as the policies say: the worker pool is started
// by Scheduler's after_restore hook, cache keys and reverse dependencies are
// recomputed on first use (in the jobs), and the backend attaches its own
// live state (each element's log stream and on_done callback). It then runs
// one job per element in dependency order on the worker pool and reports
// through the descriptor the front end kept open for it (keep_fds):
//   restored <elements> <seconds>
//   progress <done> <total>
//   done <total> <seconds> <digest of all cache keys, in id order>
//   error <message>
// The front end compares the digest with the one of its own cache keys: the
// backend recomputed every key, and they must be the same.
#include "build_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <respawn/respawn.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "state.hpp"

namespace minibuild {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// FNV-1a, 64 bits: enough to tell two lists of keys apart in a demo.
std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  for (char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return hash;
}

constexpr std::uint64_t kFnvOffset = 0xCBF29CE484222325ULL;

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Reads the cache keys, computing them where a restored process has not yet.
std::string digest_of_cache_keys(const Project& project) {
  std::uint64_t hash = kFnvOffset;
  for (const auto& element : project.elements) hash = fnv1a(hash, element->cache_key.get());
  return hex(hash);
}

// The simulated work of a job: hash the element's sources `cost` times.
std::uint64_t hash_sources(const Element& element, std::uint64_t cost) {
  std::uint64_t hash = kFnvOffset;
  for (std::uint64_t round = 0; round < cost; ++round) {
    for (const Source& source : element.sources) hash = fnv1a(fnv1a(hash, source.url), source.ref);
  }
  return hash;
}

// --- backend ---------------------------------------------------------------------------------

class Reporter {
 public:
  explicit Reporter(int fd) : fd_(fd) {}
  void line(const std::string& text) {
    const std::string with_newline = text + "\n";
    std::lock_guard lock(mutex_);
    // A front end that went away is no reason to stop the build.
    if (fd_ >= 0 && ::write(fd_, with_newline.data(), with_newline.size()) < 0) fd_ = -1;
  }

 private:
  std::mutex mutex_;
  int fd_;
};

// Runs one job per element waiting in the scheduler's queues, each once the
// queued elements it depends on are done, on the scheduler's worker pool.
class Build {
 public:
  Build(Scheduler& scheduler, std::uint64_t cost)
      : scheduler_(scheduler), pool_(*scheduler.workers), cost_(cost) {
    const auto& elements = scheduler.project->elements;
    queued_.assign(elements.size(), false);
    for (Queue* queue : {&scheduler.fetch, &scheduler.build, &scheduler.push}) {
      for (const Element* element : queue->pending) {
        if (!queued_[element->id]) ++total_;
        queued_[element->id] = true;
      }
    }
    waiting_on_.assign(elements.size(), 0);
    for (const auto& element : elements) {
      std::vector<const Element*> deps(element->build_deps.begin(), element->build_deps.end());
      deps.insert(deps.end(), element->runtime_deps.begin(), element->runtime_deps.end());
      std::sort(deps.begin(), deps.end());
      deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
      for (const Element* dep : deps) waiting_on_[element->id] += queued_[dep->id] ? 1 : 0;
    }
  }

  // Starts the jobs that wait on nothing; returns once all are done or one failed.
  void run(Reporter& reporter) {
    // The first jobs are picked before any starts: a running job lowers the
    // counts, and an element it makes ready is its to submit.
    const std::size_t step = std::max<std::size_t>(1, total() / 100);
    std::vector<Element*> first;
    for (const auto& element : scheduler_.project->elements) {
      if (queued_[element->id] && waiting_on_[element->id] == 0) first.push_back(element.get());
    }
    for (Element* element : first) submit(element);
    std::unique_lock lock(mutex_);
    std::size_t reported = 0;
    while (done_ < total() && failure_.empty()) {
      progress_.wait(lock, [&] { return done_ >= reported + step || done_ == total() || !failure_.empty(); });
      reported = done_;
      lock.unlock();
      reporter.line("progress " + std::to_string(reported) + " " + std::to_string(total()));
      lock.lock();
    }
    if (reported != done_) reporter.line("progress " + std::to_string(done_) + " " + std::to_string(total()));
    for (Queue* queue : {&scheduler_.fetch, &scheduler_.build, &scheduler_.push}) queue->pending.clear();
  }

  std::string failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  std::size_t total() const { return total_; }

 private:
  void submit(Element* element) {
    pool_.submit([this, element] { job(*element); });
  }

  void job(Element& element) {
    {
      std::lock_guard lock(mutex_);
      if (!failure_.empty()) return;
      scheduler_.event_loop();
    }
    try {
      // A recompute field: computed here, in the backend, from the sources
      // and the dependencies' keys (done before this job started).
      const std::string& key = element.cache_key.get();
      if (key.size() != 64 || hash_sources(element, cost_) == 0) throw std::runtime_error("bad cache key");
      std::vector<Element*> ready;
      for (Element* dependent : element.reverse_deps.get()) {  // another recompute field
        std::lock_guard lock(mutex_);
        if (queued_[dependent->id] && --waiting_on_[dependent->id] == 0) ready.push_back(dependent);
      }
      {
        std::lock_guard lock(mutex_);
        element.on_done();
        ++done_;
      }
      progress_.notify_one();
      for (Element* next : ready) submit(next);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      if (failure_.empty()) failure_ = element.name + ": " + e.what();
      progress_.notify_one();
    }
  }

  Scheduler& scheduler_;
  WorkerPool& pool_;  // the scheduler's, which outlives every job
  const std::uint64_t cost_;
  std::mutex mutex_;
  std::condition_variable progress_;
  std::vector<bool> queued_;             // per element id: waits in a queue, so gets a job
  std::size_t total_ = 0;                // queued elements
  std::vector<std::size_t> waiting_on_;  // per element id: queued dependencies not yet done
  std::size_t done_ = 0;
  std::string failure_;
};

// What the policies exclude and this process must make again: its log
// stream, the callbacks into its scheduler, its worker pool (the hook started
// the default size; the build asks for its own).
void attach_backend(Scheduler& scheduler, unsigned workers) {
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
  if (scheduler.workers == nullptr || scheduler.workers->size() != workers) {
    scheduler.workers = std::make_unique<WorkerPool>(workers);
  }
}

// --- front end --------------------------------------------------------------------------------

struct Pipe {
  int read_end = -1;
  int write_end = -1;
};

Pipe make_pipe() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  return {ends[0], ends[1]};
}

void print_row(const std::string& label, const std::string& text) {
  std::printf("%-10s %s\n", label.c_str(), text.c_str());
  std::fflush(stdout);
}

// Shows "progress" reports as a bar: redrawn in place on a terminal, one line
// per tenth otherwise.
class ProgressView {
 public:
  ProgressView() : terminal_(::isatty(STDOUT_FILENO) == 1) {}

  void show(std::size_t done, std::size_t total) {
    const std::size_t percent = total == 0 ? 100 : done * 100 / total;
    if (!terminal_ && percent / 10 == last_tenth_ && done != total) return;
    last_tenth_ = percent / 10;
    std::string bar(20, '-');
    for (std::size_t i = 0; i < percent / 5; ++i) bar[i] = '#';
    std::printf("%s%-10s [%s] %3zu%%  %zu/%zu%s", terminal_ ? "\r" : "", "progress", bar.c_str(), percent,
                done, total, terminal_ ? "" : "\n");
    std::fflush(stdout);
    open_line_ = terminal_;
  }
  void end_line() {
    if (open_line_) std::printf("\n");
    open_line_ = false;
  }

 private:
  bool terminal_;
  bool open_line_ = false;
  std::size_t last_tenth_ = 0;
};

}  // namespace

void add_build_commands(CLI::App& app, BuildArgs& build, BackendArgs& backend) {
  CLI::App* command = app.add_subcommand(
      "build", "Run a simulated build; its scheduler runs in a backend started with respawn");
  command->add_option("--elements", build.elements, "Number of elements")->required();
  command->add_option("--workers", build.workers, "Worker threads in the backend")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  command->add_option("--cost", build.cost, "Rounds of hashing an element's sources per job")
      ->capture_default_str();
  command->add_option("--seed", build.seed, "Generator seed")->capture_default_str();

  CLI::App* hidden = app.add_subcommand("backend", "");  // started by `build` through respawn::spawn_self
  hidden->group("");
  hidden->add_option("--workers", backend.workers)->required();
  hidden->add_option("--cost", backend.cost)->required();
  hidden->add_option("--progress-fd", backend.progress_fd)->required();
}

int run_backend(const BackendArgs& args) {
  Reporter reporter(args.progress_fd);
  try {
    const auto start = Clock::now();
    std::unique_ptr<Scheduler> scheduler = respawn::restore_from_parent<Scheduler>();
    reporter.line("restored " + std::to_string(scheduler->project->elements.size()) + " " +
                  format("%.3f", seconds_since(start)));
    attach_backend(*scheduler, args.workers);
    const auto build_start = Clock::now();
    Build build(*scheduler, args.cost);
    build.run(reporter);
    scheduler->workers.reset();  // finishes (or skips, after a failure) the jobs still queued
    if (const std::string failure = build.failure(); !failure.empty()) {
      reporter.line("error " + failure);
      return 1;
    }
    reporter.line("done " + std::to_string(build.total()) + " " + format("%.3f", seconds_since(build_start)) +
                  " " + digest_of_cache_keys(*scheduler->project));
    return 0;
  } catch (const std::exception& e) {
    reporter.line(std::string("error ") + e.what());
    return 1;
  }
}

int run_build(const BuildArgs& args) {
  std::printf("minibuild build: %zu elements, %u workers, cost %llu, seed %llu\n", args.elements,
              args.workers, static_cast<unsigned long long>(args.cost),
              static_cast<unsigned long long>(args.seed));
  auto start = Clock::now();
  std::unique_ptr<Scheduler> state = build_state(args.elements, args.seed);
  print_row("front end", "state of " + std::to_string(args.elements) + " elements built in " +
                             format("%.3f s", seconds_since(start)));

  const Pipe progress = make_pipe();
  respawn::spawn_options options;
  options.keep_fds = {progress.write_end};
  start = Clock::now();
  respawn::child backend =
      respawn::spawn_self(*state,
                          {"backend", "--workers", std::to_string(args.workers), "--cost",
                           std::to_string(args.cost), "--progress-fd", std::to_string(progress.write_end)},
                          options);
  const double handed_over = seconds_since(start);
  ::close(progress.write_end);  // the backend holds the only writer: its exit ends the reports
  // spawn() returns once the backend confirmed that it holds the state.
  print_row("front end", "backend pid " + std::to_string(backend.pid()) + " holds the state " +
                             format("%.3f s", handed_over) + " after spawn()");

  FILE* reports = ::fdopen(progress.read_end, "r");
  ProgressView view;
  std::string digest;
  bool failed = false;
  char* line = nullptr;
  std::size_t capacity = 0;
  while (::getline(&line, &capacity, reports) > 0) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "restored") {
      std::size_t elements = 0;
      double seconds = 0;
      fields >> elements >> seconds;
      print_row("backend",
                "restored " + std::to_string(elements) + " elements in " + format("%.3f s", seconds));
    } else if (kind == "progress") {
      std::size_t done = 0;
      std::size_t total = 0;
      fields >> done >> total;
      view.show(done, total);
    } else if (kind == "done") {
      std::size_t total = 0;
      double seconds = 0;
      fields >> total >> seconds >> digest;
      view.end_line();
      print_row("backend", "built " + std::to_string(total) + " elements in " + format("%.3f s", seconds) +
                               " on " + std::to_string(args.workers) + " workers");
    } else {
      view.end_line();
      print_row("backend", line);
      failed = true;
    }
  }
  std::free(line);
  std::fclose(reports);
  view.end_line();
  const int code = backend.wait();
  if (code != 0 || failed || digest.empty()) {
    print_row("result", "the backend failed (exit code " + std::to_string(code) + ")");
    return code != 0 ? code : 1;
  }
  const std::string expected = digest_of_cache_keys(*state->project);
  if (digest != expected) {
    print_row("result",
              "the backend's cache keys differ from the front end's (" + digest + " != " + expected + ")");
    return 1;
  }
  print_row("result",
            "ok: the backend's recomputed cache keys equal the front end's (digest " + digest + ")");
  return 0;
}

}  // namespace minibuild
