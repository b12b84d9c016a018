// Spawn hand-off on the reference state (examples/minibuild): the time from spawn()
// to "the child holds the state" (it restored the scheduler, its after_restore
// hook started the worker pool, and it wrote a byte to a pipe in keep_fds),
// against fork() (the child writes the byte at once), against cereal's
// in-memory save plus load of the same state, and against Python
// multiprocessing 'spawn' with pickle (bench/spawn_pickle.py, run from here
// when --python is given). Transports: the pipe with 1 MiB (spawn()'s
// default), the pipe at the kernel's 64 KiB, and a sealed memfd.
//
//   respawn_spawn_bench [--sizes=10000,100000,1000000] [--repeat=3] [--seed=1]
//                       [--python=bench/spawn_pickle.py] [--python-sizes=10000,100000]
//                       [--transports=pipe,pipe64k,memfd] [--child-env=NAME=VALUE]
//                       [--parent-threads=1] [--child-threads=1] [--json]
//   respawn_spawn_bench --field-costs=100000
//
// --field-costs prints the bytes each serialized field of the reference state
// costs in the hand-off snapshot (level 0), found by emptying one field after
// the other and saving again, with the CPU time of a whole hand-off after
// each step (docs/spawn.md quotes the table).
//
// Medians of --repeat runs. Each run waits for the previous child to exit
// first, so that children do not overlap. Nothing here fails on a timing.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <respawn/respawn.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cereal_state.hpp"
#include "state.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

[[noreturn]] void die(const std::string& message) {
  std::cerr << "respawn_spawn_bench: " << message << "\n";
  std::exit(1);
}

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) die("pipe2 failed");
    read_end = ends[0];
    write_end = ends[1];
  }
  ~Pipe() {
    close_write();
    if (read_end >= 0) ::close(read_end);
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  // Waits for the child's first byte ('r' when it holds the state it was
  // meant to), then takes the rest of what it wrote.
  std::string wait_for_message() {
    char buffer[64];
    ssize_t got = 0;
    while ((got = ::read(read_end, buffer, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1) return {};
    std::string message(buffer, 1);
    while ((got = ::read(read_end, buffer, sizeof buffer)) != 0) {
      if (got > 0) message.append(buffer, static_cast<std::size_t>(got));
      if (got < 0 && errno != EINTR) break;
    }
    return message;
  }
};

// User plus system CPU seconds of the process (RUSAGE_SELF) or of its waited-for children.
double cpu_seconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// --- the child ---------------------------------------------------------------------------------

// argv: --bench-child READY_FD ELEMENTS LOAD_THREADS
int child_main(int argc, char** argv) {
  if (argc != 5 || std::strcmp(argv[1], "--bench-child") != 0) return 2;
  const int ready = std::atoi(argv[2]);
  const std::size_t expected = std::strtoull(argv[3], nullptr, 10);
  respawn::load_options load;
  load.threads = static_cast<unsigned>(std::atoi(argv[4]));
  const auto state = respawn::restore_from_parent<minibuild::Scheduler>(load);
  const bool holds =
      state->project != nullptr && state->project->elements.size() == expected && state->workers != nullptr;
  // The byte, then the CPU seconds this process used so far (it starts at
  // exec): the time the machine spent, whatever else it was running; and how
  // often it waited (voluntary context switches: mostly, for the pipe).
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  char message[96];
  const int size = std::snprintf(message, sizeof message, "%c%.6f %ld", holds ? 'r' : 'x',
                                 cpu_seconds(RUSAGE_SELF), usage.ru_nvcsw);
  if (::write(ready, message, static_cast<std::size_t>(size)) != size) return 1;
  // The measurement is over: skip freeing the state, which takes longer than
  // restoring it at a million elements, and stop the pool's threads with the process.
  std::_Exit(0);
}

// --- the parent --------------------------------------------------------------------------------

struct Options {
  std::vector<std::size_t> sizes = {10000, 100000, 1000000};
  std::vector<std::size_t> python_sizes = {10000, 100000};
  std::vector<std::string> transports = {"pipe", "pipe64k", "memfd"};
  unsigned repeat = 3;
  std::uint64_t seed = 1;
  std::string python;                            // path of spawn_pickle.py; empty: skip Python
  std::map<std::string, std::string> child_env;  // spawn_options::env of the children
  unsigned parent_threads = respawn::spawn_options{}.threads;
  unsigned child_threads = respawn::load_options{}.threads;
  bool json = false;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::vector<std::size_t> numbers(const std::string& text) {
  std::vector<std::size_t> values;
  for (const std::string& part : split(text)) values.push_back(std::stoull(part));
  return values;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--sizes") {
      options.sizes = numbers(value);
    } else if (key == "--python-sizes") {
      options.python_sizes = numbers(value);
    } else if (key == "--transports") {
      options.transports = split(value);
    } else if (key == "--repeat") {
      options.repeat = std::max(1, std::stoi(value));
    } else if (key == "--seed") {
      options.seed = std::stoull(value);
    } else if (key == "--python") {
      options.python = value;
    } else if (key == "--child-env") {
      const auto split_at = value.find('=');
      if (split_at == std::string::npos) die("--child-env wants NAME=VALUE");
      options.child_env[value.substr(0, split_at)] = value.substr(split_at + 1);
    } else if (key == "--parent-threads") {
      options.parent_threads = static_cast<unsigned>(std::stoul(value));
    } else if (key == "--child-threads") {
      options.child_threads = static_cast<unsigned>(std::stoul(value));
    } else if (key == "--json") {
      options.json = true;
    } else {
      die("unknown argument " + arg);
    }
  }
  return options;
}

struct HandOff {
  double ready = 0;     // spawn() called -> the child's byte arrived
  double returned = 0;  // spawn() called -> spawn() returned
  double cpu = 0;       // CPU seconds: the parent's spawn() plus the child until it was ready
  double parent_cpu = 0;
  double child_cpu = 0;
  double child_waits = 0;  // the child's voluntary context switches
};

// One spawn of this executable with the state, timed until the child's byte.
HandOff spawn_once(const minibuild::Scheduler& state, const std::string& transport, const Options& bench) {
  respawn::detail::spawn_tuning tuning;
  if (transport == "memfd") tuning.transport = respawn::detail::spawn_transport::memfd;
  if (transport == "pipe64k") tuning.pipe_bytes = 0;
  Pipe ready;
  respawn::spawn_options options;
  options.keep_fds = {ready.write_end};
  options.env = bench.child_env;
  options.threads = bench.parent_threads;
  const std::vector<std::string> argv = {
      respawn::detail::self_argv0(), "--bench-child", std::to_string(ready.write_end),
      std::to_string(state.project->elements.size()), std::to_string(bench.child_threads)};
  const double cpu_before = cpu_seconds(RUSAGE_SELF);
  const auto start = Clock::now();
  respawn::child child = respawn::detail::spawn_process(
      "/proc/self/exe", argv, options, &respawn::detail::write_state<minibuild::Scheduler>, &state, tuning);
  HandOff result;
  result.returned = since(start);
  const double parent_cpu = cpu_seconds(RUSAGE_SELF) - cpu_before;
  ready.close_write();
  const std::string message =
      ready.wait_for_message();  // the first byte comes when the child holds the state
  result.ready = since(start);
  if (message.empty() || message[0] != 'r')
    die("the child did not restore the state it was given (" + transport + ")");
  result.parent_cpu = parent_cpu;
  char* rest = nullptr;
  result.child_cpu = std::strtod(message.c_str() + 1, &rest);
  result.child_waits = std::strtod(rest, nullptr);
  result.cpu = result.parent_cpu + result.child_cpu;
  if (child.wait() != 0) die("the child failed (" + transport + ")");
  return result;
}

double fork_once() {
  Pipe ready;
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    const char byte = 'r';
    const ssize_t ignored = ::write(ready.write_end, &byte, 1);
    (void)ignored;
    ::_exit(0);
  }
  ready.close_write();
  const std::string message = ready.wait_for_message();
  const double seconds = since(start);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (message != "r") die("the forked child did not signal");
  return seconds;
}

// Runs spawn_pickle.py; returns its JSON line.
std::string run_python(const std::string& script, std::size_t elements, unsigned repeat, std::uint64_t seed) {
  const std::string command = "python3 '" + script + "' --elements " + std::to_string(elements) +
                              " --repeat " + std::to_string(repeat) + " --seed " + std::to_string(seed);
  FILE* output = ::popen(command.c_str(), "r");
  if (output == nullptr) return {};
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, output) != nullptr) text += buffer;
  if (::pclose(output) != 0) return {};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
}

// The number after "key": in a flat JSON object.
std::optional<double> json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return std::nullopt;
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

// The snapshot's size as the hand-off writes it (level 0).
std::uint64_t snapshot_bytes(const minibuild::Scheduler& state) {
  respawn::save_options save;
  save.compression_level = 0;
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const std::uint64_t bytes = respawn::save(state, null, save).stored_bytes;
  ::close(null);
  return bytes;
}

struct Row {
  std::size_t elements = 0;
  std::uint64_t snapshot_bytes = 0;
  std::uint64_t cereal_bytes = 0;
  double cereal_save = 0;
  double cereal_load = 0;
  double cereal_cpu = 0;  // CPU seconds of save plus load
  double fork = 0;
  std::map<std::string, HandOff> spawn;  // by transport
  std::optional<double> python;
  std::optional<double> pickle_bytes;
};

Row measure(std::size_t elements, const Options& options) {
  Row row;
  row.elements = elements;
  std::cerr << "respawn_spawn_bench: " << elements << " elements: building the state\n";
  const std::unique_ptr<minibuild::Scheduler> state = minibuild::build_state(elements, options.seed);
  row.snapshot_bytes = snapshot_bytes(*state);
  std::vector<double> saves, loads, cereal_cpus, forks;
  std::map<std::string, std::vector<double>> ready, returned, cpus, parent_cpus, child_cpus, waits;
  for (unsigned run = 0; run < options.repeat; ++run) {
    std::cerr << "respawn_spawn_bench: " << elements << " elements: run " << run + 1 << "/" << options.repeat
              << "\n";
    {
      const double cpu_before = cpu_seconds(RUSAGE_SELF);
      auto start = Clock::now();
      const std::string bytes = bench::cereal_save(*state);
      saves.push_back(since(start));
      start = Clock::now();
      auto restored = bench::cereal_load(bytes);
      loads.push_back(since(start));
      cereal_cpus.push_back(cpu_seconds(RUSAGE_SELF) - cpu_before);
      row.cereal_bytes = bytes.size();
    }
    for (const std::string& transport : options.transports) {
      const HandOff hand_off = spawn_once(*state, transport, options);
      ready[transport].push_back(hand_off.ready);
      returned[transport].push_back(hand_off.returned);
      cpus[transport].push_back(hand_off.cpu);
      parent_cpus[transport].push_back(hand_off.parent_cpu);
      child_cpus[transport].push_back(hand_off.child_cpu);
      waits[transport].push_back(hand_off.child_waits);
    }
    forks.push_back(fork_once());
  }
  row.cereal_save = median(saves);
  row.cereal_load = median(loads);
  row.cereal_cpu = median(cereal_cpus);
  row.fork = median(forks);
  for (const std::string& transport : options.transports) {
    row.spawn[transport] = {median(ready[transport]),      median(returned[transport]),
                            median(cpus[transport]),       median(parent_cpus[transport]),
                            median(child_cpus[transport]), median(waits[transport])};
  }
  if (!options.python.empty() && std::find(options.python_sizes.begin(), options.python_sizes.end(),
                                           elements) != options.python_sizes.end()) {
    std::cerr << "respawn_spawn_bench: " << elements << " elements: Python multiprocessing spawn\n";
    const std::string json = run_python(options.python, elements, options.repeat, options.seed);
    row.python = json_number(json, "median_s");
    row.pickle_bytes = json_number(json, "pickle_bytes");
    if (!row.python) std::cerr << "respawn_spawn_bench: Python gave no figure (is python3 installed?)\n";
  }
  return row;
}

std::string ms(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", seconds * 1000);
  return text;
}

std::string ratio(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

void print_table(const std::vector<Row>& rows, const Options& options) {
  std::printf("Spawn hand-off of the reference state: milliseconds, medians of %u run(s)\n\n",
              options.repeat);
  std::printf("| elements | snapshot MB | cereal save | cereal load | cereal save+load |");
  for (const std::string& transport : options.transports) std::printf(" spawn %s |", transport.c_str());
  std::printf(
      " spawn() returned | CPU: spawn / cereal | fork | Python spawn | spawn/(cereal s+l) | spawn/fork | "
      "Python/spawn | us/element |\n");
  std::printf("|---|---|---|---|---|");
  for (std::size_t i = 0; i < options.transports.size(); ++i) std::printf("---|");
  std::printf("---|---|---|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    const std::string main = options.transports.front();
    const double spawn = row.spawn.at(main).ready;
    const double cereal = row.cereal_save + row.cereal_load;
    std::printf("| %zu | %.1f | %s | %s | %s |", row.elements, static_cast<double>(row.snapshot_bytes) / 1e6,
                ms(row.cereal_save).c_str(), ms(row.cereal_load).c_str(), ms(cereal).c_str());
    for (const std::string& transport : options.transports)
      std::printf(" %s |", ms(row.spawn.at(transport).ready).c_str());
    std::printf(" %s | %s / %s | %s | %s | %s | %s | %s | %.2f |\n", ms(row.spawn.at(main).returned).c_str(),
                ms(row.spawn.at(main).cpu).c_str(), ms(row.cereal_cpu).c_str(), ms(row.fork).c_str(),
                row.python ? ms(*row.python).c_str() : "-", ratio(spawn / cereal).c_str(),
                ratio(spawn / row.fork).c_str(), row.python ? ratio(*row.python / spawn).c_str() : "-",
                spawn * 1e6 / static_cast<double>(row.elements));
  }
  std::printf(
      "\nspawn <transport>: from respawn::spawn() until the child, holding the restored state, writes a "
      "byte.\nspawn() returned, CPU, ratios and us/element: the '%s' transport. CPU: the parent's spawn() "
      "plus "
      "the child until ready (exec included), against cereal's save plus load.\n",
      options.transports.front().c_str());
}

void print_json(const std::vector<Row>& rows, const Options& options) {
  std::printf("{\"repeat\": %u, \"results\": [", options.repeat);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    std::printf(
        "%s\n  {\"elements\": %zu, \"snapshot_bytes\": %llu, \"cereal_bytes\": %llu, \"cereal_save_s\": "
        "%.6f, "
        "\"cereal_load_s\": %.6f, \"cereal_cpu_s\": %.6f, \"fork_s\": %.6f",
        r == 0 ? "" : ",", row.elements, static_cast<unsigned long long>(row.snapshot_bytes),
        static_cast<unsigned long long>(row.cereal_bytes), row.cereal_save, row.cereal_load, row.cereal_cpu,
        row.fork);
    for (const auto& [transport, hand_off] : row.spawn) {
      const char* t = transport.c_str();
      std::printf(
          ", \"spawn_%s_ready_s\": %.6f, \"spawn_%s_returned_s\": %.6f, \"spawn_%s_cpu_s\": %.6f, "
          "\"spawn_%s_parent_cpu_s\": %.6f, \"spawn_%s_child_cpu_s\": %.6f, \"spawn_%s_child_waits\": %.0f",
          t, hand_off.ready, t, hand_off.returned, t, hand_off.cpu, t, hand_off.parent_cpu, t,
          hand_off.child_cpu, t, hand_off.child_waits);
    }
    if (row.python) std::printf(", \"python_spawn_s\": %.6f", *row.python);
    if (row.pickle_bytes) std::printf(", \"pickle_bytes\": %.0f", *row.pickle_bytes);
    const double spawn = row.spawn.at(options.transports.front()).ready;
    std::printf(", \"ratio_spawn_to_cereal\": %.4f}", spawn / (row.cereal_save + row.cereal_load));
  }
  std::printf("\n]}\n");
}

// --- field costs ---------------------------------------------------------------------------------

int field_costs(std::size_t elements, std::uint64_t seed) {
  using minibuild::Scheduler;
  struct Field {
    const char* name;
    void (*clear)(Scheduler&);
  };
  // Emptied in this order, each after the ones above: a field's bytes are the
  // snapshot's size before minus after emptying it. Element pointers are
  // written as references to elements already written, whatever else is gone.
  static constexpr Field kFields[] = {
      {"Element.variables",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->variables.clear();
       }},
      {"Element.environment",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->environment.clear();
       }},
      {"Element.sources",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->sources.clear();
       }},
      {"Element.build_deps",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->build_deps.clear();
       }},
      {"Element.runtime_deps",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->runtime_deps.clear();
       }},
      {"Element.name",
       [](Scheduler& s) {
         for (auto& e : s.project->elements) e->name.clear();
       }},
      {"Queue.pending (fetch, build, push)",
       [](Scheduler& s) {
         for (minibuild::Queue* q : {&s.fetch, &s.build, &s.push}) q->pending.clear();
       }},
      {"Project.options", [](Scheduler& s) { s.project->options.clear(); }},
      {"Scheduler.counters", [](Scheduler& s) { s.counters.clear(); }},
  };
  const auto state = minibuild::build_state(elements, seed);
  const std::uint64_t total = snapshot_bytes(*state);
  {
    // The library's own count first: bytes per type and field, nested objects included.
    respawn::save_options save;
    save.compression_level = 0;
    save.measure_costs = true;
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const respawn::snapshot_info info = respawn::save(*state, null, save);
    ::close(null);
    std::printf("save_options::measure_costs, %zu elements: bytes per field, nested objects included\n\n",
                elements);
    std::printf("| type | objects | field | bytes | share |\n|---|---|---|---|---|\n");
    for (const respawn::type_cost& type : info.costs) {
      for (const respawn::field_cost& field : type.fields) {
        std::printf("| %s | %llu | %s | %llu | %.1f%% |\n", type.type.c_str(),
                    static_cast<unsigned long long>(type.objects), field.field.c_str(),
                    static_cast<unsigned long long>(field.bytes),
                    100.0 * static_cast<double>(field.bytes) / static_cast<double>(info.raw_bytes));
      }
    }
    std::printf("\n");
  }
  // CPU rather than wall time: differences of a few milliseconds survive a
  // busy machine better. Medians of three hand-offs each.
  const auto hand_off_cpu = [&] {
    std::vector<double> runs;
    for (int run = 0; run < 3; ++run) runs.push_back(spawn_once(*state, "pipe", Options{}).cpu);
    return median(runs);
  };
  std::printf(
      "Bytes per serialized field of the reference state, %zu elements, level 0 (the hand-off), and the\n"
      "CPU time of a whole hand-off (parent's spawn() plus child until ready) as the fields are emptied\n"
      "one after the other\n\n",
      elements);
  std::printf(
      "| field | bytes | share | bytes per element | hand-off CPU ms after emptying it (and those above) |\n"
      "|---|---|---|---|---|\n");
  std::printf("| (none emptied) | | | | %.0f |\n", hand_off_cpu() * 1000);
  std::uint64_t before = total;
  for (const Field& field : kFields) {
    field.clear(*state);
    const std::uint64_t after = snapshot_bytes(*state);
    std::printf("| %s | %llu | %.1f%% | %.1f | %.0f |\n", field.name,
                static_cast<unsigned long long>(before - after),
                100.0 * static_cast<double>(before - after) / static_cast<double>(total),
                static_cast<double>(before - after) / static_cast<double>(elements), hand_off_cpu() * 1000);
    before = after;
  }
  std::printf(
      "| the rest: ids, kinds, states, object and container headers, snapshot header | %llu | %.1f%% | %.1f "
      "| |\n",
      static_cast<unsigned long long>(before),
      100.0 * static_cast<double>(before) / static_cast<double>(total),
      static_cast<double>(before) / static_cast<double>(elements));
  std::printf("| **whole snapshot** | %llu | 100%% | %.1f | |\n", static_cast<unsigned long long>(total),
              static_cast<double>(total) / static_cast<double>(elements));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (respawn::spawned_by_parent()) return child_main(argc, argv);
  if (argc == 2 && std::strncmp(argv[1], "--field-costs=", 14) == 0) {
    return field_costs(std::strtoull(argv[1] + 14, nullptr, 10), 1);
  }
  const Options options = parse(argc, argv);
  if (options.transports.empty()) die("no transport");
  for (const std::string& transport : options.transports) {
    if (transport != "pipe" && transport != "pipe64k" && transport != "memfd")
      die("unknown transport " + transport);
  }
  std::vector<Row> rows;
  try {
    for (std::size_t elements : options.sizes) rows.push_back(measure(elements, options));
  } catch (const respawn::error& e) {
    die(e.what());
  }
  if (options.json) {
    print_json(rows, options);
  } else {
    print_table(rows, options);
  }
  return 0;
}
