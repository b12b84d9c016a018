// The path from the root to the object being written or read, kept as a stack
// of cheap segments and turned into text ("Scheduler.project.elements[42].name")
// only when an error needs it.
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace respawn::detail {

class object_path {
 public:
  explicit object_path(std::string root_name) : root_name_(std::move(root_name)) {}

  void push_field(const char* name) { segments_.push_back({name, 0, nullptr}); }
  void push_index(std::size_t index) { segments_.push_back({nullptr, index, nullptr}); }
  void push_key(const std::string& key) { segments_.push_back({nullptr, 0, &key}); }
  void pop() { segments_.pop_back(); }
  std::size_t depth() const { return segments_.size(); }

  // The root's name followed by the segments.
  std::string str() const;

  // Called while an exception unwinds through a segment: keeps the deepest
  // path, where the failure happened, for the error message.
  void note_unwinding() noexcept;
  const std::string& failure_path() const { return failure_path_; }

 private:
  struct segment {
    const char* field;
    std::size_t index;
    const std::string* key;
  };
  std::string root_name_;
  std::vector<segment> segments_;
  std::string failure_path_;
};

// Pushes a segment for the lifetime of the scope.
class path_scope {
 public:
  path_scope(object_path& path, const char* field) : path_(path) { path_.push_field(field); }
  path_scope(object_path& path, std::size_t index) : path_(path) { path_.push_index(index); }
  path_scope(object_path& path, const std::string& key) : path_(path) { path_.push_key(key); }
  ~path_scope() {
    if (std::uncaught_exceptions() > 0) path_.note_unwinding();
    path_.pop();
  }
  path_scope(const path_scope&) = delete;
  path_scope& operator=(const path_scope&) = delete;

 private:
  object_path& path_;
};

}  // namespace respawn::detail
