// A small object graph with most of what snapshots carry: nested policy types,
// containers, owning and non-owning pointers, a lazy field. Tests build it the
// same way in several processes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "respawn/respawn.hpp"

namespace sample {

struct Task {
  std::uint64_t id = 0;
  std::string name;
  std::vector<Task*> after;
  respawn::lazy<std::string> label;
};

inline std::string make_label(const Task& task) { return task.name + "#" + std::to_string(task.id); }

struct Plan {
  std::string title;
  std::map<std::string, std::string> settings;
  std::vector<std::unique_ptr<Task>> tasks;
  std::shared_ptr<Task> current;
};

inline std::unique_ptr<Plan> make_plan(std::size_t tasks) {
  auto plan = std::make_unique<Plan>();
  plan->title = "sample plan";
  for (int i = 0; i < 20; ++i) plan->settings["key" + std::to_string(i)] = std::string(i + 1, 'v');
  for (std::size_t i = 0; i < tasks; ++i) {
    auto task = std::make_unique<Task>();
    task->id = i;
    task->name = "task-" + std::to_string(i * 7919 % 1000);
    for (std::size_t d = 1; d <= 3 && d <= i; ++d)
      task->after.push_back(plan->tasks[(i * 31 + d * 17) % i].get());
    plan->tasks.push_back(std::move(task));
  }
  plan->current = std::make_shared<Task>();
  plan->current->name = "current";
  return plan;
}

}  // namespace sample

template <>
struct respawn::policy<sample::Task> {
  static constexpr auto fields = respawn::fields(
      respawn::serialize(&sample::Task::id, "id"), respawn::serialize(&sample::Task::name, "name"),
      respawn::serialize(&sample::Task::after, "after"),
      respawn::recompute(&sample::Task::label, "label", &sample::make_label));
};

template <>
struct respawn::policy<sample::Plan> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&sample::Plan::title, "title"),
                                                 respawn::serialize(&sample::Plan::settings, "settings"),
                                                 respawn::serialize(&sample::Plan::tasks, "tasks"),
                                                 respawn::serialize(&sample::Plan::current, "current"));
};

namespace sample {

// Deep equality of everything a Plan snapshot carries; pointers by task id.
inline bool same_plan(const Plan& a, const Plan& b) {
  if (a.title != b.title || a.settings != b.settings || a.tasks.size() != b.tasks.size()) return false;
  for (std::size_t i = 0; i < a.tasks.size(); ++i) {
    const Task& x = *a.tasks[i];
    const Task& y = *b.tasks[i];
    if (x.id != y.id || x.name != y.name || x.after.size() != y.after.size()) return false;
    for (std::size_t d = 0; d < x.after.size(); ++d) {
      if (x.after[d]->id != y.after[d]->id || y.after[d] != b.tasks[y.after[d]->id].get()) return false;
    }
  }
  return (a.current == nullptr) == (b.current == nullptr) &&
         (!a.current || a.current->name == b.current->name);
}

}  // namespace sample
