// Concurrency: several threads saving and loading at once (each save with
// compression workers, each load with read-ahead), a reader loading a file
// that a writer keeps replacing, a pipe between a saving and a loading thread,
// and lazy fields of one restored graph used from many threads. scripts/test.sh
// also runs these under ThreadSanitizer.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "fuzz/fuzz_harness.hpp"
#include "fuzz/fuzz_types.hpp"
#include "respawn/respawn.hpp"
#include "sample_graph.hpp"
#include "test_util.hpp"

namespace {

using respawn_fuzz::Graph;

// The payload `root` saves to: equal payloads mean equal states for the
// types used here (they hold no unordered containers).
template <class T>
std::string payload_of(const T& root) {
  const int fd = ::memfd_create("respawn-concurrency", MFD_CLOEXEC);
  respawn::save_options options;
  options.compression_level = 0;
  options.threads = 0;
  respawn::save(root, fd, options);
  std::string bytes(static_cast<std::size_t>(::lseek(fd, 0, SEEK_END)), '\0');
  const bool read = ::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  EXPECT_TRUE(read);
  return respawn_fuzz::payload_of(bytes);
}

respawn::save_options threaded_save() {
  respawn::save_options options;
  options.threads = 2;
  options.frame_bytes = 512;  // many frames, so the workers overlap
  return options;
}

respawn::load_options threaded_load() {
  respawn::load_options options;
  options.threads = 2;
  return options;
}

TEST(ConcurrencyTest, ThreadsSavingAndLoadingAtOnce) {
  respawn::testing::temp_dir dir;
  constexpr int threads = 4;
  std::vector<std::string> failures(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        const auto original = respawn_fuzz::make_graph(40 + static_cast<std::size_t>(t), t + round);
        const auto file = dir / ("graph-" + std::to_string(t) + ".snap");
        try {
          respawn::save(*original, file, threaded_save());
          const auto loaded = respawn::load<Graph>(file, threaded_load());
          if (payload_of(*loaded) != payload_of(*original)) failures[t] = "loaded a different graph";
          if (loaded->node_count.get() != respawn_fuzz::count_nodes(*original))
            failures[t] = "wrong node count";
        } catch (const std::exception& e) {
          failures[t] = e.what();
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (int t = 0; t < threads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
}

TEST(ConcurrencyTest, ReaderOfAFileThatAWriterKeepsReplacing) {
  respawn::testing::temp_dir dir;
  const auto file = dir / "state.snap";
  const auto a = sample::make_plan(300);
  auto b = sample::make_plan(301);
  b->title = "state B";
  respawn::save(*a, file);
  std::atomic<bool> writing{true};
  std::string writer_failure;
  std::thread writer([&] {
    try {
      for (int i = 0; i < 30; ++i) respawn::save(i % 2 == 0 ? *b : *a, file, threaded_save());
    } catch (const std::exception& e) {
      writer_failure = e.what();
    }
    writing = false;
  });
  int loads = 0;
  do {
    const auto loaded = respawn::load<sample::Plan>(file, threaded_load());
    EXPECT_TRUE(sample::same_plan(*loaded, *a) || sample::same_plan(*loaded, *b));
    ++loads;
  } while (writing || loads < 5);
  writer.join();
  EXPECT_EQ(writer_failure, "");
}

TEST(ConcurrencyTest, PipeBetweenASavingAndALoadingThread) {
  for (int round = 0; round < 3; ++round) {
    const auto original = sample::make_plan(2000);
    int ends[2];
    ASSERT_EQ(::pipe(ends), 0);
    std::string writer_failure;
    std::thread writer([&] {
      try {
        respawn::save(*original, ends[1], threaded_save());
      } catch (const std::exception& e) {
        writer_failure = e.what();
      }
      ::close(ends[1]);
    });
    std::unique_ptr<sample::Plan> loaded;
    EXPECT_NO_THROW(loaded = respawn::load<sample::Plan>(ends[0], threaded_load()));
    writer.join();
    ::close(ends[0]);
    EXPECT_EQ(writer_failure, "");
    ASSERT_NE(loaded, nullptr);
    EXPECT_TRUE(sample::same_plan(*loaded, *original));
  }
}

TEST(ConcurrencyTest, LazyFieldsOfOneRestoredGraphFromManyThreads) {
  respawn::testing::temp_dir dir;
  const auto file = dir / "plan.snap";
  respawn::save(*sample::make_plan(200), file);
  const auto plan = respawn::load<sample::Plan>(file);
  std::vector<std::thread> readers;
  std::vector<int> wrong(8, 0);
  for (int r = 0; r < 8; ++r) {
    readers.emplace_back([&, r] {
      for (std::size_t i = 0; i < plan->tasks.size(); ++i) {
        const sample::Task& task = *plan->tasks[(i + static_cast<std::size_t>(r) * 25) % plan->tasks.size()];
        if (task.label.get() != sample::make_label(task)) ++wrong[r];
      }
    });
  }
  for (std::thread& reader : readers) reader.join();
  for (int r = 0; r < 8; ++r) EXPECT_EQ(wrong[r], 0) << "reader " << r;
}

}  // namespace
