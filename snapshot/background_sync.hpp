// Makes the bytes written to a file durable on a thread of its own while more
// are written, so that the fsync() which commits the file has little left to
// wait for (decision 15).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace respawn::format {

class background_sync {
 public:
  // `name` is the file's name in error messages. Starts no thread yet.
  background_sync(int fd, std::string name);
  // Waits for a sync in progress; never throws.
  ~background_sync();
  background_sync(const background_sync&) = delete;
  background_sync& operator=(const background_sync&) = delete;

  // Asks for the bytes written so far to be made durable, and returns at once.
  // Requests made while a sync runs are served by one more sync after it.
  void request();

  // Waits for the sync in progress, drops a pending one (the caller's own
  // fsync follows), and throws io_error if a sync failed: the kernel reports a
  // failed write-back to one sync only, so the commit's fsync may not see it.
  void finish();

 private:
  void run();
  void stop() noexcept;

  const int fd_;
  const std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  int error_ = 0;  // errno of the first failed sync
  std::thread thread_;
};

}  // namespace respawn::format
