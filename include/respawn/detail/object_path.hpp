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

  // Pushed and popped around every field and element: kept inline, with a
  // growth check only (vector::push_back did not inline and cost 7% of a save).
  void push_field(const char* name) { push({name, 0, nullptr}); }
  void push_index(std::size_t index) { push({nullptr, index, nullptr}); }
  void push_key(const std::string& key) { push({nullptr, 0, &key}); }
  void pop() { --depth_; }
  std::size_t depth() const { return depth_; }

  // The root's name followed by the segments.
  std::string str() const;

  // A key segment points at a map key, which may be destroyed while an
  // exception unwinds; the archive freezes the text first. failure() is the
  // frozen text if there is one, otherwise the current path.
  void freeze() {
    if (frozen_.empty()) frozen_ = str();
  }
  std::string failure() const { return frozen_.empty() ? str() : frozen_; }

 private:
  struct segment {
    const char* field;
    std::size_t index;
    const std::string* key;
  };
  void push(const segment& s) {
    if (depth_ == capacity_) grow();
    segments_[depth_++] = s;
  }
  void grow();

  std::string root_name_;
  std::vector<segment> segments_;  // [0, depth_) is the path; the rest is room to grow
  std::size_t depth_ = 0;
  std::size_t capacity_ = 0;  // segments_.size(), kept apart: size() divides by sizeof(segment)
  std::string frozen_;
};

}  // namespace respawn::detail
