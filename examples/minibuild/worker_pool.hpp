// A small thread pool, standing in for the workers a real build scheduler runs
// jobs on. It exists in this example to show state that can never travel in a
// snapshot: running threads belong to the process that started them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <respawn/policy.hpp>
#include <thread>
#include <vector>

namespace minibuild {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  // Finishes the tasks already submitted, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  std::size_t size() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the members above exist
};

}  // namespace minibuild

// Threads cannot be written to a file and started again elsewhere: reaching a
// WorkerPool through a serialize field is a compile error, not a runtime surprise.
template <>
inline constexpr bool respawn::never_snapshot<minibuild::WorkerPool> = true;
