// respawn against cereal on the reference state (examples/minibuild): save and load
// through a file and a pipe, several compression levels and thread counts,
// and cereal's in-memory save and load of the same state. Run by
// bench/run.py, which adds Python pickle and writes docs/performance.md.
//
//   respawn_bench [--sizes=10000,100000] [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <respawn/respawn.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cereal_state.hpp"
#include "memory.hpp"
#include "state.hpp"

namespace {

constexpr std::uint64_t kSeed = 1;

struct Prepared {
  std::size_t elements = 0;
  std::uint64_t state_bytes = 0;                // resident memory the state added when built
  std::filesystem::path cereal_file;            // cereal's bytes of the state
  std::filesystem::path snapshot;               // saved at default options
  std::unique_ptr<minibuild::Scheduler> state;  // null while the loads run (see released)
};

std::filesystem::path scratch_folder() {
  static const std::filesystem::path folder = [] {
    auto path = std::filesystem::temp_directory_path() / ("respawn-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return folder;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The state of each size, built once, with its snapshot and cereal's bytes of
// it written beside it; shared by every benchmark.
Prepared& prepared(std::size_t elements) {
  static std::map<std::size_t, Prepared> cache;
  auto [it, inserted] = cache.try_emplace(elements);
  Prepared& p = it->second;
  if (inserted) {
    bench::reset_peak();
    const std::uint64_t before = bench::resident_bytes();
    p.state = minibuild::build_state(elements, kSeed);
    p.state_bytes = bench::resident_bytes() - before;
    p.elements = p.state->project->elements.size();
    const std::string name = "state-" + std::to_string(elements);
    p.cereal_file = scratch_folder() / (name + ".cereal");
    std::ofstream(p.cereal_file, std::ios::binary) << bench::cereal_save(*p.state);
    p.snapshot = scratch_folder() / (name + ".snap");
    respawn::save(*p.state, p.snapshot);
  }
  return p;
}

// The state a save writes, rebuilt if the loads released it.
const minibuild::Scheduler& held_state(Prepared& p) {
  if (!p.state) p.state = minibuild::build_state(p.elements, kSeed);
  return *p.state;
}

// For the loads: the state released, so that a load's process holds only what
// that load builds, as a resumed build or a debugging tool does. On a virtual
// machine whose host backs memory lazily, the first touch of a page can cost ten
// times more once the guest asks for more than the host keeps ready (5 to 6 GiB
// of fresh memory on the machine of docs/performance.md): a load of 1,000,000
// elements beside the 4.3 GiB state it was saved from crosses that line, which
// then measures the host. The `state_held` benchmarks measure that case too.
const Prepared& released(std::size_t elements) {
  Prepared& p = prepared(elements);
  p.state.reset();
  bench::reset_peak();
  return p;
}

void set_common_counters(benchmark::State& run, const Prepared& p, std::uint64_t peak_extra) {
  run.counters["elements"] = static_cast<double>(p.elements);
  run.counters["state_MiB"] = static_cast<double>(p.state_bytes) / (1 << 20);
  run.counters["peak_extra_MiB"] = static_cast<double>(peak_extra) / (1 << 20);
}

// A load's CPU per element, user and kernel apart, and its page faults per
// element, averaged over the iterations: what grows with the element count
// when the wall time per element does.
void set_cpu_counters(benchmark::State& run, const bench::cpu_usage& total) {
  const double per_element = static_cast<double>(run.iterations()) * static_cast<double>(run.range(0));
  run.counters["user_us_per_element"] = total.user_s * 1e6 / per_element;
  run.counters["kernel_us_per_element"] = total.kernel_s * 1e6 / per_element;
  run.counters["page_faults_per_element"] = static_cast<double>(total.page_faults) / per_element;
}

// Size of a file compressed as one zstd level 1 stream. Over a level-0
// snapshot this is zstd level 1 over the plain payload: every frame is
// stored, and the header and the 17 bytes of frame record per MiB add a few KB.
std::uint64_t zstd1_size(const std::filesystem::path& file) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, 1);
  std::ifstream in(file, std::ios::binary);
  std::vector<char> input(ZSTD_CStreamInSize());
  std::vector<char> output(ZSTD_CStreamOutSize());
  std::uint64_t size = 0;
  for (bool last = false; !last;) {
    in.read(input.data(), static_cast<std::streamsize>(input.size()));
    last = in.gcount() < static_cast<std::streamsize>(input.size());
    ZSTD_inBuffer source{input.data(), static_cast<std::size_t>(in.gcount()), 0};
    for (bool done = false; !done;) {
      ZSTD_outBuffer sink{output.data(), output.size(), 0};
      const std::size_t left =
          ZSTD_compressStream2(context.get(), &sink, &source, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) std::abort();
      size += sink.pos;
      done = last ? left == 0 : source.pos == source.size;
    }
  }
  return size;
}

void respawn_save_file(benchmark::State& run, int level, unsigned threads) {
  Prepared& p = prepared(static_cast<std::size_t>(run.range(0)));
  const minibuild::Scheduler& state = held_state(p);
  respawn::save_options options;
  options.compression_level = level;
  options.threads = threads;
  const auto file = scratch_folder() / "save.snap";
  respawn::snapshot_info info;
  std::uint64_t peak_extra = 0;
  for (auto _ : run) {
    run.PauseTiming();
    bench::reset_peak();
    const std::uint64_t before = bench::resident_bytes();
    run.ResumeTiming();
    info = respawn::save(state, file, options);
    run.PauseTiming();
    peak_extra = std::max(peak_extra, bench::peak_resident_bytes() - before);
    run.ResumeTiming();
  }
  set_common_counters(run, p, peak_extra);
  run.counters["raw_bytes"] = static_cast<double>(info.raw_bytes);
  run.counters["stored_bytes"] = static_cast<double>(info.stored_bytes);
  run.counters["ratio"] = static_cast<double>(info.raw_bytes) / static_cast<double>(info.stored_bytes);
  if (level == 0) {
    // Target 4's other reference: zstd level 1 over respawn's own plain payload.
    run.counters["zstd1_ratio"] = static_cast<double>(info.raw_bytes) / static_cast<double>(zstd1_size(file));
  }
}

// Times `load` (which returns the state it built) on each iteration, each
// starting from a trimmed heap: the memory a load builds into must then come
// from the system, page faults included, as in a freshly spawned process.
// Records the peak memory beyond the built state and the CPU split.
template <class Load>
void time_loads(benchmark::State& run, const Prepared& p, Load load) {
  std::uint64_t peak_extra = 0;
  bench::cpu_usage cpu;
  for (auto _ : run) {
    run.PauseTiming();
    bench::reset_peak();
    const bench::cpu_usage before = bench::process_cpu();
    run.ResumeTiming();
    auto loaded = load();
    run.PauseTiming();
    cpu += bench::process_cpu() - before;
    // What the load held beyond the state it built. The two are read one after
    // the other, and the reading itself can add a page to the resident size.
    const std::uint64_t peak = bench::peak_resident_bytes();
    peak_extra = std::max(peak_extra, peak - std::min(peak, bench::resident_bytes()));
    loaded.reset();
    run.ResumeTiming();
  }
  set_common_counters(run, p, peak_extra);
  set_cpu_counters(run, cpu);
}

// The prepared state of the run's size, with the state itself held or released.
const Prepared& for_loads(benchmark::State& run, bool state_held) {
  const auto elements = static_cast<std::size_t>(run.range(0));
  if (!state_held) return released(elements);
  Prepared& p = prepared(elements);
  held_state(p);
  return p;
}

void respawn_load_file(benchmark::State& run, bool state_held) {
  const Prepared& p = for_loads(run, state_held);
  time_loads(run, p, [&] { return respawn::load<minibuild::Scheduler>(p.snapshot); });
}

// The machine's part of a load: the first touch of as many fresh pages as the
// state occupies (mapped, written once each, unmapped), with nothing built in
// them. A load pays at least this for the pages its objects take, and on a
// virtual machine its cost per page varies with how much memory is asked for.
void machine_touch_pages(benchmark::State& run, bool state_held) {
  const Prepared& p = for_loads(run, state_held);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t bytes = (p.state_bytes + page - 1) / page * page;
  bench::cpu_usage cpu;
  for (auto _ : run) {
    const bench::cpu_usage before = bench::process_cpu();
    void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) std::abort();
    auto* bytes_of = static_cast<volatile char*>(memory);
    for (std::size_t offset = 0; offset < bytes; offset += page) bytes_of[offset] = 1;
    ::munmap(memory, bytes);
    cpu += bench::process_cpu() - before;
  }
  set_common_counters(run, p, 0);
  set_cpu_counters(run, cpu);
}

// A save into a pipe while another thread loads from it: the hand-off a
// spawned child sees, with spawn()'s own number of frame workers.
void respawn_pipe(benchmark::State& run, int level) {
  Prepared& p = prepared(static_cast<std::size_t>(run.range(0)));
  const minibuild::Scheduler& state = held_state(p);
  respawn::save_options options;
  options.compression_level = level;
  options.threads = respawn::spawn_options{}.threads;
  for (auto _ : run) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
    std::thread writer([&] {
      respawn::save(state, fds[1], options);
      ::close(fds[1]);
    });
    auto loaded = respawn::load<minibuild::Scheduler>(fds[0]);
    writer.join();
    ::close(fds[0]);
    run.PauseTiming();
    loaded.reset();
    run.ResumeTiming();
  }
  set_common_counters(run, p, 0);
}

void cereal_save_memory(benchmark::State& run) {
  Prepared& p = prepared(static_cast<std::size_t>(run.range(0)));
  const minibuild::Scheduler& state = held_state(p);
  std::string bytes;
  for (auto _ : run) bytes = bench::cereal_save(state);
  set_common_counters(run, p, 0);
  run.counters["raw_bytes"] = static_cast<double>(bytes.size());
  // The reference ratio of target 4: zstd level 1 over the plain serialized bytes.
  std::string compressed(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t size = ZSTD_compress(compressed.data(), compressed.size(), bytes.data(), bytes.size(), 1);
  run.counters["zstd1_ratio"] = static_cast<double>(bytes.size()) / static_cast<double>(size);
}

// From a trimmed heap, as respawn's loads (time_loads). Without the trim
// cereal reused the pages the previous iteration freed, and paid none of the
// faults respawn paid.
void cereal_load_memory(benchmark::State& run) {
  const Prepared& p = released(static_cast<std::size_t>(run.range(0)));
  const std::string bytes = read_file(p.cereal_file);
  time_loads(run, p, [&] { return bench::cereal_load(bytes); });
}

std::vector<std::int64_t> sizes_from(int& argc, char** argv) {
  std::vector<std::int64_t> sizes = {10000, 100000, 1000000};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--sizes=", 0) != 0) continue;
    sizes.clear();
    for (std::size_t start = 8; start < arg.size();) {
      const std::size_t comma = arg.find(',', start);
      sizes.push_back(std::stoll(arg.substr(start, comma - start)));
      start = comma == std::string::npos ? arg.size() : comma + 1;
    }
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    break;
  }
  return sizes;
}

void register_all(const std::vector<std::int64_t>& sizes) {
  auto add = [&](const std::string& name, auto function) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), function);
    for (std::int64_t n : sizes) b->Arg(n);
    b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
  };
  // Everything that needs the state first; then the loads, with the state
  // released (Google Benchmark runs them in this order).
  add("cereal/save_memory", cereal_save_memory);
  // The default options' level and thread count, so that "defaults" stays true.
  const respawn::save_options defaults;
  const int level = defaults.compression_level;
  const unsigned threads = defaults.threads;
  add("respawn/save_file", [=](benchmark::State& s) { respawn_save_file(s, level, threads); });
  add("respawn/save_file/level0", [=](benchmark::State& s) { respawn_save_file(s, 0, threads); });
  add("respawn/save_file/level3", [=](benchmark::State& s) { respawn_save_file(s, 3, threads); });
  add("respawn/save_file/threads0", [=](benchmark::State& s) { respawn_save_file(s, level, 0); });
  add("respawn/save_file/threads1", [=](benchmark::State& s) { respawn_save_file(s, level, 1); });
  add("respawn/pipe/level0", [](benchmark::State& s) { respawn_pipe(s, 0); });
  add("respawn/pipe/level1", [](benchmark::State& s) { respawn_pipe(s, 1); });
  add("respawn/load_file/state_held", [](benchmark::State& s) { respawn_load_file(s, true); });
  add("machine/touch_pages/state_held", [](benchmark::State& s) { machine_touch_pages(s, true); });
  add("cereal/load_memory", cereal_load_memory);
  add("respawn/load_file", [](benchmark::State& s) { respawn_load_file(s, false); });
  add("machine/touch_pages", [](benchmark::State& s) { machine_touch_pages(s, false); });
}

}  // namespace

int main(int argc, char** argv) {
  register_all(sizes_from(argc, argv));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(scratch_folder());
  return 0;
}
