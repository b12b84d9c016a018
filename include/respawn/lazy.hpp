// lazy<V>: a field that is not written to a snapshot but recomputed, on first
// use, in the process that restores it (see policy.hpp, respawn::recompute).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "respawn/restore_context.hpp"

namespace respawn {

namespace detail {

// How a restored lazy computes its value: a function of its owner, found from
// the lazy's own address (so the owner may be moved or copied after restore),
// and the context of the load that restored it.
template <class V>
struct lazy_recipe {
  V (*compute)(const void* owner, restore_context& context) = nullptr;
  std::ptrdiff_t owner_offset = 0;  // address of the lazy minus address of its owner
  const char* field = nullptr;      // "Type.field", for error messages
  std::shared_ptr<restore_context> context;
};

// Out of line, shared by all lazy<V>: errors and the per-thread record of the
// lazies being computed, which turns a recipe that needs its own result into an
// error instead of a deadlock.
[[noreturn]] void throw_lazy_without_recipe(const char* field);
[[noreturn]] void throw_lazy_cycle(const char* field);
bool lazy_is_computing_on_this_thread(const void* lazy);
class lazy_computation_scope {
 public:
  explicit lazy_computation_scope(const void* lazy);
  ~lazy_computation_scope();
  lazy_computation_scope(const lazy_computation_scope&) = delete;
  lazy_computation_scope& operator=(const lazy_computation_scope&) = delete;
};

}  // namespace detail

template <class V>
class lazy {
 public:
  lazy() = default;
  lazy(const lazy& other) : recipe_(other.recipe_) { copy_value_from(other); }
  lazy(lazy&& other) noexcept : recipe_(std::move(other.recipe_)) { copy_value_from(other); }
  lazy& operator=(const lazy& other) {
    if (this != &other) {
      recipe_ = other.recipe_;
      reset();
      copy_value_from(other);
    }
    return *this;
  }
  lazy& operator=(lazy&& other) noexcept {
    if (this != &other) {
      recipe_ = std::move(other.recipe_);
      reset();
      copy_value_from(other);
    }
    return *this;
  }
  lazy& operator=(V value) {
    set(std::move(value));
    return *this;
  }

  // The value: stored, or computed by the recipe on the first call in a
  // restored process. Several threads may call get() at once; the recipe runs
  // once. Throws respawn::error if there is no value and no recipe.
  const V& get() const {
    if (state_.load(std::memory_order_acquire) == ready) return *value_;
    return compute();
  }

  // set() and reset() must not race with get() on the same lazy.
  void set(V value) {
    value_ = std::move(value);
    state_.store(ready, std::memory_order_release);
  }
  bool has_value() const { return state_.load(std::memory_order_acquire) == ready; }
  void reset() {
    value_.reset();
    state_.store(empty, std::memory_order_release);
  }

  // Used by restore: how to compute the value in this process.
  void bind(detail::lazy_recipe<V> recipe) { recipe_ = std::move(recipe); }

 private:
  enum : std::uint8_t { empty, computing, ready };

  void copy_value_from(const lazy& other) {
    if (other.has_value()) set(*other.value_);
  }

  const V& compute() const {
    if (recipe_.compute == nullptr) detail::throw_lazy_without_recipe(recipe_.field);
    for (;;) {
      std::uint8_t expected = empty;
      if (state_.compare_exchange_strong(expected, computing, std::memory_order_acquire)) {
        run_recipe();
        return *value_;
      }
      if (expected == ready) return *value_;
      if (detail::lazy_is_computing_on_this_thread(this)) detail::throw_lazy_cycle(recipe_.field);
      state_.wait(computing, std::memory_order_acquire);
    }
  }

  void run_recipe() const {
    try {
      detail::lazy_computation_scope scope(this);
      const void* owner = reinterpret_cast<const char*>(this) - recipe_.owner_offset;
      value_.emplace(recipe_.compute(owner, *recipe_.context));
    } catch (...) {
      state_.store(empty, std::memory_order_release);
      state_.notify_all();
      throw;
    }
    state_.store(ready, std::memory_order_release);
    state_.notify_all();
  }

  mutable std::optional<V> value_;
  mutable std::atomic<std::uint8_t> state_{empty};
  detail::lazy_recipe<V> recipe_;
};

}  // namespace respawn
