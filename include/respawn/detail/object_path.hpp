// The path from the root to the object being written or read, kept as a stack
// of cheap segments and turned into text ("Scheduler.project.elements[42].name")
// only when an error needs it. The archives push and pop segments around each
// step without RAII on purpose: when an exception leaves a step, its segments
// stay, so the stack still shows where the failure happened when the error is
// reported (an archive is never used again after an exception).
#pragma once

#include <cstddef>
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

 private:
  struct segment {
    const char* field;
    std::size_t index;
    const std::string* key;
  };
  std::string root_name_;
  std::vector<segment> segments_;
};

}  // namespace respawn::detail
